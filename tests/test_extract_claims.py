"""End-to-end tests of ``extract_claims``: report text in, claims out. Every report here was
written for these tests; each case names the rule it pins down."""
import datetime as dt

import pytest

from dashboard.extract import extract_claims
from conftest import FIGS, facts, places  # noqa: F401 (shared helpers, the gaz fixture)

MONDAY = dt.date(2023, 11, 6)
WEDNESDAY = dt.date(2024, 6, 5)


CASES = [
    # a national total: the air force speaks for the country, no place named
    ("national total", "Ukraine's air force said it destroyed 21 of 25 Shahed drones launched overnight.",
     WEDNESDAY, {("Ukraine", "drone", "launched", 25), ("Ukraine", "drone", "intercepted", 21)}),
    # a total over a list of regions goes to the country; each region is an event without figures
    ("total over a list", "Air defence units downed 30 drones over the Sumy, Poltava and Kharkiv regions.",
     WEDNESDAY, {("Ukraine", "drone", "intercepted", 30)}),
    # per-region figures after a colon, and the national total
    ("per-region figures",
     "Russia's Defence Ministry said 17 Ukrainian drones were destroyed overnight: 9 over the Kursk "
     "region, 5 over the Bryansk region and 3 over the Oryol region.",
     WEDNESDAY, {("Russia", "drone", "intercepted", 17), ("Kursk oblast", "drone", "intercepted", 9),
                 ("Bryansk oblast", "drone", "intercepted", 5), ("Oryol oblast", "drone", "intercepted", 3)}),
    # electronic warfare is lost, never intercepted
    ("lost is not intercepted",
     "The Air Force said 40 drones were shot down and 12 more were lost locally due to electronic warfare.",
     WEDNESDAY, {("Ukraine", "drone", "intercepted", 40), ("Ukraine", "drone", "lost", 12)}),
    # "all N" and "N of which"
    ("all and of which",
     "Russia launched 14 Iskander missiles at the Odesa region overnight, 9 of which were intercepted.",
     WEDNESDAY, {("Odesa oblast", "ballistic_missile", "launched", 14),
                 ("Odesa oblast", "ballistic_missile", "intercepted", 9)}),
    # casualties with articles and conjunctions; ages and storeys are not counts
    ("casualties", "A Russian drone hit a 12-story building in Kharkiv, killing a 67-year-old woman and "
     "two men and injuring 8 people, Mayor Ihor Terekhov said.",
     WEDNESDAY, {("Kharkiv", "drone", "killed", 3), ("Kharkiv", "drone", "injured", 8)}),
    # a count after "up to" is a plain number
    ("up to", "Air defence shot down up to 15 drones over Kyiv overnight.", WEDNESDAY,
     {("Kyiv", "drone", "intercepted", 15)}),
    # numbers that are not weapon counts
    ("not counts", "All four airports of the city closed for 3 hours and six regions sounded alarms.",
     WEDNESDAY, set()),
    # shelling is not an aerial strike
    ("shelling", "Russian troops shelled Nikopol, injuring four people.", WEDNESDAY, set()),
    # background mentions are not new events
    ("background", "Last week's missile strike on Dnipro killed 11 people. It was the deadliest attack on "
     "the city since the spring.", WEDNESDAY, set()),
    ("explicit old date", "On 14 January 2023, a missile hit a block in Dnipro, killing 46 people.",
     WEDNESDAY, set()),
    ("background section", "Drones hit Odesa overnight.\n\nBackground: in May, 12 drones were shot down "
     "over the city.", WEDNESDAY, set()),
    # a count joined by "and" takes the verb after the next one; plain "missiles" are the kind named
    ("coordination", "Russia fired 4 Kinzhal missiles and 31 drones at Kyiv overnight; 3 missiles and "
     "29 drones were destroyed.", WEDNESDAY,
     {("Kyiv", "ballistic_missile", "launched", 4), ("Kyiv", "ballistic_missile", "intercepted", 3),
      ("Kyiv", "drone", "launched", 31), ("Kyiv", "drone", "intercepted", 29)}),
    ("of them", "Storm Shadow missiles were fired at Crimea overnight; Russia said it shot down eight of them.",
     WEDNESDAY, {("Crimea", "cruise_missile", "intercepted", 8)}),
]


@pytest.mark.parametrize("name, text, published, expected", CASES, ids=[c[0] for c in CASES])
def test_figures(gaz, name, text, published, expected):
    assert facts(extract_claims(text, published, gaz)) == expected


def test_total_over_list_names_each_region(gaz):
    claims = extract_claims("Air defence units downed 30 drones over the Sumy, Poltava and Kharkiv "
                            "regions.", WEDNESDAY, gaz)
    assert places(claims) == {"Ukraine", "Sumy oblast", "Poltava oblast", "Kharkiv oblast"}


def test_place_roles(gaz):
    text = ("Drones launched from Kursk attacked Sumy overnight. The city of Pskov near the Estonian "
            "border was hit by drones on Wednesday, Russian officials said.")
    claims = extract_claims(text, MONDAY, gaz)
    assert places(claims) == {"Sumy", "Pskov"}  # a launch site and a landmark are not targets
    pskov = next(c for c in claims if c["place"] == "Pskov")
    assert (pskov["date"], pskov["date_inferred"], pskov["attacker"]) == ("2023-11-01", True, "UA")
    sumy = next(c for c in claims if c["place"] == "Sumy")
    assert sumy["launch_place"] == "Kursk"


def test_strike_without_figures_is_an_event(gaz):
    claims = extract_claims("Drone attacks on Tver and Moscow on Wednesday damaged two warehouses, "
                            "Russian officials said.", MONDAY, gaz)
    assert places(claims) == {"Tver", "Moscow"}
    assert all(c[f] is None for c in claims for f in FIGS)
    assert {c["claimed_by"] for c in claims} == {"Russian officials"}


def test_at_least_and_evidence_spans(gaz):
    text = "Overnight drones hit Zaporizhzhia.\nAt least 5 people were killed and more than 20 injured, the governor said."
    claims = extract_claims(text, WEDNESDAY, gaz)
    c = next(c for c in claims if c["killed"])
    assert (c["place"], c["killed"], c["injured"], sorted(c["at_least"])) == ("Zaporizhzhia", 5, 20, ["injured", "killed"])
    for claim in claims:
        a, b = claim["span"]
        assert text[a:b] == claim["evidence"]


def test_no_publication_date_leaves_relative_dates_unknown(gaz):
    claims = extract_claims("Russia attacked Kyiv overnight with 12 drones, the mayor said on Monday.", None, gaz)
    assert [(c["date"], c["date_precision"], c["date_inferred"]) for c in claims] == [(None, "unknown", False)]


def test_anaphoric_count_takes_the_weapons_before(gaz):
    claims = extract_claims("Russia fired Kh-22 missiles and Shahed drones at Odesa. Seven were intercepted.",
                            WEDNESDAY, gaz)
    assert ("Odesa", "unknown", "intercepted", 7) in facts(claims)


def test_facility_is_placed_at_its_town(gaz):
    claims = extract_claims("Ukrainian drones attacked the Engels airbase in the Saratov region overnight.",
                            WEDNESDAY, gaz)
    assert [(c["place"], c["attacker"]) for c in claims] == [("Engels", "UA")]


def test_claim_keys(gaz):
    claims = extract_claims("Air defences shot down 3 drones over Lviv overnight.", WEDNESDAY, gaz)
    assert set(claims[0]) >= {"place", "place_ref", "weapon", "weapon_model", *FIGS, "at_least", "date",
                              "date_precision", "date_inferred", "claimed_by", "attacker", "evidence", "span"}
    assert claims[0]["place_ref"].country == "UA"


def test_hard_wrapped_report(gaz):
    text = ("LVIV, Ukraine -- Russia struck the western city of Lviv with\n"
            "cruise missiles overnight, killing two people and wounding\n"
            "eleven, regional Gov. Maksym Kozytskyi said on Thursday. The\n"
            "air force said 12 of the 16 missiles fired at the region were\n"
            "shot down.\n")
    claims = extract_claims(text, dt.date(2024, 6, 6), gaz)
    assert facts(claims) >= {("Lviv", "cruise_missile", "killed", 2), ("Lviv", "cruise_missile", "injured", 11),
                             ("Lviv", "missile", "intercepted", 12), ("Lviv", "missile", "launched", 16)}
    assert all(text[c["span"][0]:c["span"][1]] == c["evidence"] for c in claims)
    assert {c["date"] for c in claims} == {"2024-06-06"}


def test_headline_counts_and_title_case(gaz):
    claims = extract_claims("4 Killed, 20 Injured As Russian Missile Hits Central Ukrainian City Of Vinnytsia",
                            WEDNESDAY, gaz)
    assert facts(claims) == {("Vinnytsia", "missile", "killed", 4), ("Vinnytsia", "missile", "injured", 20)}


def test_source_line_names_the_claimant(gaz):
    text = ("Air defence destroyed 19 attack drones overnight.\n"
            "Source: Ukraine's Air Force on Telegram\n")
    claims = extract_claims(text, WEDNESDAY, gaz)
    assert [(c["place"], c["claimed_by"], c["attacker"]) for c in claims] == [
        ("Ukraine", "Ukrainian Air Force", "RU")]


def test_surname_keeps_the_claimant_and_preliminary_figures_yield(gaz):
    text = ("Kharkiv Mayor Ihor Terekhov said a glide bomb hit the city on Tuesday.\n\n"
            "According to preliminary information, one person was killed.\n\n"
            "Later, Terekhov reported that three people were killed.")
    claims = extract_claims(text, WEDNESDAY, gaz)
    killed = [(c["place"], c["killed"], c["claimed_by"]) for c in claims if c["killed"]]
    assert killed == [("Kharkiv", 3, "Kharkiv Mayor Ihor Terekhov")]


def test_hits_say_at_least_that_many_were_launched(gaz):
    claims = extract_claims("Three Russian missiles hit Kryvyi Rih on Tuesday morning.", WEDNESDAY, gaz)
    c = claims[0]
    assert (c["place"], c["hit"], c["launched"], c["at_least"]) == ("Kryvyi Rih", 3, 3, ["launched"])


def test_no_one_hurt_is_not_a_count(gaz):
    claims = extract_claims("A drone hit a warehouse in Odesa overnight; no one was hurt.", WEDNESDAY, gaz)
    assert facts(claims) == set() and places(claims) == {"Odesa"}


def test_many_reports_stay_fast(gaz):
    """A loose guard against a rule that goes quadratic: 60 reports of ~2 KB well under a second."""
    import time
    text = " ".join(c[1] for c in CASES) * 2
    t0 = time.process_time()
    for _ in range(60):
        extract_claims(text[:2000], WEDNESDAY, gaz)
    assert time.process_time() - t0 < 1.5
