"""Rules added after reviewing the sample reports in ``seeds/``: one test per rule, each over
sentences of those samples (written for the project) or sentences written here.

Each case names the reporter's habit it pins down; ``facts`` and ``places`` are as in
``test_extract_claims``.
"""
import datetime as dt

import pytest

from dashboard.extract import extract_claims
from conftest import FIGS, facts, places  # noqa: F401 (shared helpers, the gaz fixture)


def extract(gaz, text, published):
    return extract_claims(text, published, gaz)


# ---------------------------------------------------------------- launch areas are not targets
LAUNCH_AREAS = [
    ("submarine in a sea",
     "Russian missiles hit Vinnytsia on Thursday. Ukrainian officials said the Kalibr missiles were fired "
     "from a Russian submarine in the Black Sea.", dt.date(2022, 7, 15), {"Vinnytsia"}),
    ("bombers over a sea",
     "Russia fired more than 20 cruise missiles at Ukraine on Saturday. The Air Force said the missiles were "
     "launched by Tu-95MS bombers over the Caspian Sea and by Iskander-M systems on the ground.",
     dt.date(2022, 12, 31), {"Ukraine"}),
    ("a launch list repeats its preposition",
     "Ukraine's Air Force said the building in Dnipro was hit by a Kh-22 missile, one of five fired by "
     "Tu-22M3 bombers from the Kursk region and over the Sea of Azov.", dt.date(2023, 1, 17), {"Dnipro"}),
    ("a cape in an occupied region",
     "Russia launched 35 Shahed drones at Kyiv from Cape Chauda in occupied Crimea and the "
     "Primorsko-Akhtarsk area of Russia.", dt.date(2024, 1, 2), {"Kyiv"}),
    ("a list of launch areas",
     "60 enemy UAVs were launched at Ukraine overnight. Launch areas: Kursk, Yeysk and Primorsko-Akhtarsk "
     "(Russia).",
     dt.date(2024, 10, 22), {"Ukraine"}),
]


@pytest.mark.parametrize("name, text, published, expected", LAUNCH_AREAS, ids=[c[0] for c in LAUNCH_AREAS])
def test_launch_areas_are_not_struck_places(gaz, name, text, published, expected):
    assert places(extract(gaz, text, published)) == expected


def test_launch_area_of_each_count_is_its_own(gaz):
    text = ("The Air Force said the attack used five Oniks cruise missiles from Crimea, three Kh-22 missiles "
            "launched by Tu-22M3 bombers over the Black Sea, four Kalibr cruise missiles, five Iskander-K "
            "cruise missiles and two Iskander-M ballistic missiles.")
    claims = extract(gaz, text, dt.date(2023, 7, 23))
    by_model = {c["weapon_model"]: (c["place"], c["launched"], c.get("launch_place")) for c in claims}
    assert by_model["Onyx"] == ("Ukraine", 5, "Crimea")
    assert by_model["Kh-22"] == ("Ukraine", 3, "Black Sea")
    assert by_model["Kalibr"] == ("Ukraine", 4, None)
    assert by_model["Iskander-K"][1] == 5 and by_model["Iskander"][1] == 2
    assert "Black Sea" not in places(claims)


def test_ships_in_a_sea_are_the_launch_site_of_a_national_count(gaz):
    claims = extract(gaz, "Russia also fired nine Kalibr cruise missiles from ships in the Black Sea, according "
                          "to the Air Force.", dt.date(2023, 5, 16))
    assert [(c["place"], c["launched"], c["launch_place"]) for c in claims] == [("Ukraine", 9, "Black Sea")]


def test_launch_area_never_becomes_the_place_of_later_figures(gaz):
    text = ("DNIPRO, Ukraine, 17 January 2023 — Rescuers finished searching the ruins of a Dnipro apartment "
            "block on Tuesday, three days after a Russian missile tore through it on Saturday, 14 January.\n\n"
            "At least 44 people were killed, deputy head of the presidential office Kyrylo Tymoshenko said.\n\n"
            "Regional governor Valentyn Reznichenko said earlier that 75 people were wounded.\n\n"
            "Ukraine's Air Force said the building was hit by a Kh-22 missile, one of five fired by Tu-22M3 "
            "bombers from the Kursk region and over the Sea of Azov.\n\n"
            "At least 45 people were killed, officials said later.")
    claims = extract(gaz, text, dt.date(2023, 1, 17))
    casualties = {(c["place"], c["killed"], c["injured"], c["date"]) for c in claims if c["killed"] or c["injured"]}
    assert casualties == {("Dnipro", 44, None, "2023-01-14"), ("Dnipro", None, 75, "2023-01-14"),
                          ("Dnipro", 45, None, "2023-01-14")}


def test_drones_downed_over_a_sea_are_an_event(gaz):
    text = ("Russia's Defence Ministry said air defence systems destroyed 80 Ukrainian drones overnight. By the "
            "ministry's count, 30 were downed over the Bryansk region, three over the Sea of Azov and two over "
            "the Leningrad region.")
    assert ("Sea of Azov", "drone", "intercepted", 3) in facts(extract(gaz, text, dt.date(2025, 9, 14)))


@pytest.mark.parametrize("text", [
    "Ukrainian missiles hit the headquarters of Russia's Black Sea Fleet in Sevastopol on Friday.",
    "Drones struck Sevastopol overnight and the ships of the fleet in the Black Sea were not hit.",
    "Moscow quit the Black Sea grain deal on Monday, and on Tuesday drones hit Sevastopol.",
])
def test_a_sea_is_no_event_without_figures(gaz, text):
    assert places(extract(gaz, text, dt.date(2023, 9, 23))) == {"Sevastopol"}


# ---------------------------------------------------------------- dates
@pytest.mark.parametrize("text, published, date", [
    # a wire dateline dates the report, not the attack
    ("KYIV, 8 September 2025 — Russia launched 810 drones and 13 missiles at Ukraine overnight into Sunday, "
     "7 September, Ukraine's Air Force said.", dt.date(2025, 9, 8), "2025-09-07"),
    ("CHERNIHIV, Ukraine, 18 April 2024 — Eighteen people were killed when three Russian missiles struck the "
     "centre of Chernihiv on Wednesday morning, 17 April, local officials said on Thursday.",
     dt.date(2024, 4, 18), "2024-04-17"),
    # "overnight into Thursday" is one expression
    ("Ukraine's Air Force said Russia launched 598 drones at Ukraine overnight into Thursday.",
     dt.date(2025, 8, 29), "2025-08-28"),
    # "said on Thursday that ... overnight": the night before the statement
    ("Russia's Defence Ministry said on Thursday that it shot down 102 Ukrainian drones overnight.",
     dt.date(2025, 8, 29), "2025-08-28"),
])
def test_attack_dates(gaz, text, published, date):
    assert {c["date"] for c in extract(gaz, text, published)} == {date}


def test_a_date_in_a_clause_about_something_else_does_not_date_the_figure(gaz):
    text = ("Russia attacked Kyiv overnight into Sunday, 7 September. In Kyiv, three people were killed, "
            "including a young woman, after rescuers recovered a third body from the rubble on Monday morning, "
            "the State Emergency Service said.")
    claims = extract(gaz, text, dt.date(2025, 9, 8))
    assert {(c["place"], c["killed"], c["date"]) for c in claims if c["killed"]} == {("Kyiv", 3, "2025-09-07")}


def test_a_date_said_is_not_the_attack_date(gaz):
    text = ("SUMY, Ukraine, 14 April 2025 — Two Russian ballistic missiles struck the centre of Sumy on the "
            "morning of Sunday, 13 April.\n\nThirty-five people were killed and 117 injured, the Sumy regional "
            "prosecutor's office said on Monday.")
    claims = extract(gaz, text, dt.date(2025, 4, 14))
    assert {(c["place"], c["killed"], c["date"]) for c in claims if c["killed"]} == {("Sumy", 35, "2025-04-13")}


def test_the_reports_own_attack_is_news_though_days_old(gaz):
    text = ("Rescuers finished searching the ruins of a Dnipro apartment block on Tuesday, three days after a "
            "Russian missile tore through it on Saturday, 14 January.\n\nThe Air Force said Russia launched 38 "
            "missiles at Ukraine on 14 January, and that 25 of them were shot down.\n\nOn 31 December, 20 "
            "missiles were shot down.")
    assert facts(extract(gaz, text, dt.date(2023, 1, 17))) == {
        ("Ukraine", "missile", "launched", 38), ("Ukraine", "missile", "intercepted", 25)}


# ---------------------------------------------------------------- background
@pytest.mark.parametrize("text", [
    "Earlier in the month, Ukraine said it had shot down a Kinzhal over Kyiv for the first time.",
    "Earlier in May, Russia said two drones were destroyed over the Kremlin.",
    "A day earlier, on 12 March, a drone hit a unit of the refinery in the Nizhny Novgorod region.",
    "The drone wave followed the missile attack of 31 December, when Ukraine shot down 12 of 20 missiles.",
    "The ministry said air defence destroyed 13 rockets over the Belgorod region, in an earlier attempted "
    "attack.",
    "He said none of the more than 210 missiles of this type fired at Ukraine since February had been "
    "intercepted.",
])
def test_background_sentences_give_no_figures(gaz, text):
    assert facts(extract(gaz, text, dt.date(2024, 3, 13))) == set()


def test_the_largest_attack_since_the_invasion_is_this_attack(gaz):
    text = ("Russia fired 122 missiles and 36 drones at Ukraine overnight, in what the Air Force commander "
            "called the most massive aerial attack since the full-scale invasion began.")
    assert facts(extract(gaz, text, dt.date(2023, 12, 29))) == {
        ("Ukraine", "missile", "launched", 122), ("Ukraine", "drone", "launched", 36)}


# ---------------------------------------------------------------- casualties and tolls
@pytest.mark.parametrize("text, published, expected", [
    ("The number of people killed in the attack on the centre of Belgorod on Saturday, 30 December, has risen "
     "to 25, Gladkov said. Two more people wounded in the attack asked for medical help on 31 December, "
     "bringing the number of injured to 109, Gladkov said.", dt.date(2024, 1, 1),
     {("Belgorod", "killed", 25, "2023-12-30"), ("Belgorod", "injured", 109, "2023-12-30")}),
    ("The death toll from Friday's ballistic missile attack on Odesa rose to 21 on Saturday after a wounded "
     "firefighter died in hospital.", dt.date(2024, 3, 16), {("Odesa", "killed", 21, "2024-03-15")}),
    ("A man who suffered severe burns in Saturday's strike on a hypermarket in Kharkiv has died in hospital, "
     "raising the death toll to 19.", dt.date(2024, 5, 29), {("Kharkiv", "killed", 19, "2024-05-25")}),
    # a toll in one building is a part of the city's toll, not a figure of its own
    ("Missiles hit Kyiv on Monday. In the Shevchenkivskyi district, the bodies of three more people were found, "
     "bringing the toll in that building to 11.", dt.date(2024, 7, 9), set()),
])
def test_running_tolls(gaz, text, published, expected):
    claims = extract(gaz, text, published)
    assert {(c["place"], f, c[f], c["date"]) for c in claims for f in ("killed", "injured") if c[f]} == expected


@pytest.mark.parametrize("text, expected", [
    ("Falling wreckage of a drone over Engels fatally wounded three Russian servicemen.", ("killed", 3)),
    ("Eighteen people have been confirmed dead after a Russian missile hit Kremenchuk.", ("killed", 18)),
    ("TASS reported that two people were taken to hospital in Ryazan after a drone attack.", ("injured", 2)),
    ("In Dnipro, a missile hit a private house, killing a 31-year-old woman and a two-year-old child.",
     ("killed", 2)),
    ("Two adults were killed in Kyiv when a missile hit a hospital.", ("killed", 2)),
])
def test_casualty_phrases(gaz, text, expected):
    claims = extract(gaz, text, dt.date(2024, 3, 13))
    assert [(f, c[f]) for c in claims for f in ("killed", "injured") if c[f]] == [expected]


@pytest.mark.parametrize("text", [
    "Drones hit Sevastopol. The ministry first said one serviceman was killed, then corrected its statement "
    "to say he was missing.",
    "Drones hit Engels. Based on the information provided, it is unclear whether one drone or multiple "
    "drones were destroyed.",
])
def test_figures_taken_back_are_not_claims(gaz, text):
    assert facts(extract(gaz, text, dt.date(2023, 9, 23))) == set()


def test_the_victims_side_tells_the_attacker(gaz):
    claims = extract(gaz, "Missiles hit Sumy. The ministry claimed that more than 60 Ukrainian servicemen were "
                          "killed, Russia's Defence Ministry said.", dt.date(2025, 4, 14))
    assert [(c["killed"], c["attacker"]) for c in claims if c["killed"]] == [(60, "RU")]


def test_a_weapon_model_tells_the_attacker(gaz):
    claims = extract(gaz, "Russia's Defence Ministry said that two Iskander-M missiles hit a meeting of "
                          "commanders in Sumy.", dt.date(2025, 4, 14))
    assert {(c["place"], c["attacker"]) for c in claims} == {("Sumy", "RU")}
