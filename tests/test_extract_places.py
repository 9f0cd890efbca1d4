"""Which count, which place: the counting and placing rules added after reviewing ``seeds/``.

Each case is a sentence (or two) of those samples, or one written here, and the facts a careful
reporter takes from it: ``(place, weapon class, field, value)``.
"""
import datetime as dt

import pytest

from dashboard.extract import extract_claims
from conftest import FIGS, facts, places  # noqa: F401 (shared helpers, the gaz fixture)

DAY = dt.date(2024, 9, 10)


COUNTS = [
    # "N of the <weapon>": a part of the set named before, where that set went
    ("of the missiles",
     "Ukraine's General Staff said Russia launched 84 cruise missiles and 24 attack drones on Monday. Air "
     "defence destroyed 43 of the cruise missiles and 13 of the drones, the military said. Missiles hit Kyiv.",
     {("Ukraine", "cruise_missile", "launched", 84), ("Ukraine", "drone", "launched", 24),
      ("Ukraine", "cruise_missile", "intercepted", 43), ("Ukraine", "drone", "intercepted", 13)}),
    # a count after a partitive takes the partitive's verb, not "launched"
    ("partitive and a coordinated count",
     "Russia launched 23 cruise missiles, the Air Force said. Air defence shot down 21 of the 23 missiles and "
     "two drones, according to Zaluzhnyi. A missile hit Uman.",
     {("Ukraine", "cruise_missile", "launched", 23), ("Ukraine", "missile", "launched", 23),
      ("Ukraine", "missile", "intercepted", 21), ("Ukraine", "drone", "intercepted", 2)}),
    # the whole of a partitive may have "more than"
    ("partitive with at least", "Ukraine shot down 12 of more than 20 cruise missiles on Saturday.",
     {("Ukraine", "cruise_missile", "intercepted", 12), ("Ukraine", "cruise_missile", "launched", 20)}),
    # "seven out of the ten": the ten named before in the sentence
    ("partitive without a noun",
     "The Air Force said Russia fired ten Kalibr cruise missiles from the Black Sea, and that air defence shot "
     "down seven out of the ten.",
     {("Ukraine", "cruise_missile", "launched", 10), ("Ukraine", "cruise_missile", "intercepted", 7)}),
    # "two of them over the Volgograd region": a part with a place of its own
    ("of them with a place",
     "Russia's Defence Ministry said air defence systems shot down four Ukrainian drones overnight, two of them "
     "over the Volgograd region.",
     {("Russia", "drone", "intercepted", 4), ("Volgograd oblast", "drone", "intercepted", 2)}),
    # a breakdown by time of a figure already given is no new figure
    ("breakdown by time",
     "Air defence forces shot down 45 Shahed drones in all, the Air Force said. Thirteen of them were "
     "destroyed before midnight, and 32 after midnight.",
     {("Ukraine", "drone", "intercepted", 45)}),
    # a breakdown with no verb of its own counts like the count before it
    ("breakdown after a colon",
     "Overnight, air defence systems intercepted and destroyed 337 Ukrainian drones over ten regions of "
     "Russia, the ministry said. The ministry gave this breakdown: 126 drones over the Kursk region, 91 over "
     "the Moscow region and eight each over the Lipetsk and Oryol regions.",
     {("Russia", "drone", "intercepted", 337), ("Kursk oblast", "drone", "intercepted", 126),
      ("Moscow oblast", "drone", "intercepted", 91), ("Lipetsk oblast", "drone", "intercepted", 8),
      ("Oryol oblast", "drone", "intercepted", 8)}),
    ("breakdown by a copula",
     "Ukraine's Air Force said Russia launched 31 missiles overnight. The missiles were two Kh-47 Kinzhal "
     "aeroballistic missiles and 20 Kh-101 cruise missiles, the Air Force said.",
     {("Ukraine", "missile", "launched", 31), ("Ukraine", "ballistic_missile", "launched", 2),
      ("Ukraine", "cruise_missile", "launched", 20)}),
    ("breakdown as a list",
     "The enemy attacked Ukraine with 70 air attack weapons:\n- 63 Shahed strike drones;\n- 7 Kh-47M2 Kinzhal "
     "aeroballistic missiles.",
     {("Ukraine", "unknown", "launched", 70), ("Ukraine", "drone", "launched", 63),
      ("Ukraine", "ballistic_missile", "launched", 7)}),
    # a coordinated count shares the verb across a modifier of the first
    ("coordination across a modifier",
     "Air Force commander Mykola Oleshchuk said Russia used 127 missiles of various types and 109 drones.",
     {("Ukraine", "missile", "launched", 127), ("Ukraine", "drone", "launched", 109)}),
    ("coordination across an aside",
     "Ukraine's Air Force said Russia launched 598 drones, including Shahed attack drones and decoys, and 31 "
     "missiles overnight.",
     {("Ukraine", "drone", "launched", 598), ("Ukraine", "missile", "launched", 31)}),
    # a participle describes the weapons; the verb after it is the main one
    ("reduced relative and a main verb",
     "Russia attacked Ukraine on Tuesday. All ten Kinzhal aeroballistic missiles fired at the capital were "
     "intercepted, Zaluzhnyi said.",
     {("Kyiv", "ballistic_missile", "launched", 10), ("Kyiv", "ballistic_missile", "intercepted", 10)}),
    # "hit the hypermarket with two guided aerial bombs": two bombs were launched
    ("hit with",
     "Russian aircraft hit a hypermarket in Kharkiv with two guided aerial bombs on Saturday.",
     {("Kharkiv", "glide_bomb", "launched", 2)}),
    # "Iskander-K" is a cruise missile, "Iskander-M" a ballistic one
    ("Iskander-K",
     "The nine missiles shot down over Odesa were the four Kalibr and the five Iskander-K.",
     {("Odesa", "missile", "intercepted", 9), ("Odesa", "cruise_missile", "intercepted", 4),
      ("Odesa", "cruise_missile", "intercepted", 5)}),
]


@pytest.mark.parametrize("name, text, expected", COUNTS, ids=[c[0] for c in COUNTS])
def test_counts(gaz, name, text, expected):
    assert facts(extract_claims(text, DAY, gaz)) == expected


PLACES = [
    # "the city" is the city the report is about, not the official's region
    ("the city",
     "Russian missiles struck the centre of Chernihiv on Wednesday. Viacheslav Chaus, head of the Chernihiv "
     "regional military administration, said the city was hit by three Iskander missiles.",
     {("Chernihiv", "ballistic_missile", "hit", 3), ("Chernihiv", "ballistic_missile", "launched", 3)}),
    # "the capital" is the capital of the country the report is about
    ("the capital",
     "Russia attacked Kharkiv on Tuesday. The Kyiv City Military Administration said air defence destroyed 32 "
     "aerial targets over the capital.",
     {("Kyiv", "unknown", "intercepted", 32)}),
    # an official's seat that contains the report's place: the report's place is more precise
    ("seat that contains the place",
     "A missile struck the railway station in Kramatorsk on Friday. Donetsk regional governor Pavlo Kyrylenko "
     "said 87 people were wounded.",
     {("Kramatorsk", "missile", "injured", 87)}),
    # casualties happen somewhere: a national body's casualty count goes to the report's place
    ("national body and casualties",
     "Russian missiles hit Vinnytsia on Thursday. More than 100 people were wounded, Ukrainian officials said.",
     {("Vinnytsia", "missile", "injured", 100)}),
    # "across the country": the country
    ("across the country",
     "Russia fired 20 cruise missiles at Kyiv on Saturday. Authorities said at least 28 people were wounded "
     "across the country.",
     {("Kyiv", "cruise_missile", "launched", 20), ("Ukraine", "cruise_missile", "injured", 28)}),
    # "three more": where the figure before went
    ("three more",
     "Five of eight drones were shot down in the Moscow region, the ministry said. Three more were suppressed "
     "by electronic warfare, according to the ministry.",
     {("Moscow oblast", "drone", "intercepted", 5), ("Moscow oblast", "drone", "launched", 8),
      ("Moscow oblast", "drone", "lost", 3)}),
    # the place a count was aimed at, not where it was shot down
    ("heading for",
     "Moscow mayor Sergei Sobyanin said 32 drones heading for Moscow were destroyed over the Ramenskoye, "
     "Domodedovo and Kolomna districts.",
     {("Moscow", "drone", "intercepted", 32)}),
    # "over six regions, including the Moscow area": a total for the country
    ("over six regions",
     "Russia's Defence Ministry said air defence shot down 86 Ukrainian drones over six regions, including the "
     "Moscow area.",
     {("Russia", "drone", "intercepted", 86)}),
    # a count after two coordinated targets is their total
    ("coordinated targets",
     "Russia attacked Kyiv and Kharkiv with 99 missiles of various types on Tuesday morning.",
     {("Ukraine", "missile", "launched", 99)}),
    # a count owns its own list item, not the next one
    ("own list item",
     "Russia's Defense Ministry said it had downed drones over nine regions, including 13 over the Kursk "
     "region, and the Sea of Azov.",
     {("Kursk oblast", "drone", "intercepted", 13)}),
    # in a list of regions, a town stands for its region; "itself" keeps the town
    ("list of regions",
     "The army said it intercepted four drones in the region of Belgorod, two in Volgograd and one more in the "
     "Rostov-on-Don area.",
     {("Belgorod oblast", "drone", "intercepted", 4), ("Volgograd oblast", "drone", "intercepted", 2),
      ("Rostov oblast", "drone", "intercepted", 1)}),
    ("region and town each with a figure",
     "Russia's Defence Ministry said 16 drones were destroyed: 7 over the Moscow region and 2 over Moscow "
     "itself.",
     {("Russia", "drone", "intercepted", 16), ("Moscow oblast", "drone", "intercepted", 7),
      ("Moscow", "drone", "intercepted", 2)}),
    # a district with no city named goes to the city of the report
    ("district of the report's city",
     "In Kyiv, a fire in a high-rise building in the Solomianskyi district killed two people and injured 49.",
     {("Kyiv", "unknown", "killed", 2), ("Kyiv", "unknown", "injured", 49)}),
    ("district namesake elsewhere",
     "Russians struck Kharkiv with glide bombs on Tuesday. The occupiers hit a building in the Kyivskyi "
     "district, killing one person.",
     {("Kharkiv", "glide_bomb", "killed", 1)}),
    # a facility stands in its curated town
    ("curated facility town",
     "The Dnipro hydroelectric power plant (DniproHES) was hit by two missiles, the Air Force said.",
     {("Zaporizhzhia", "missile", "hit", 2), ("Zaporizhzhia", "missile", "launched", 2)}),
    # "X in the Y district": the district locates the village
    ("village in a district",
     "Two houses caught fire in the village of Stanovoye in the Ramenskoye district after drone debris fell. "
     "A 52-year-old woman was taken to intensive care, the governor said.",
     {("Stanovoye", "drone", "injured", 1)}),
]


@pytest.mark.parametrize("name, text, expected", PLACES, ids=[c[0] for c in PLACES])
def test_places_of_figures(gaz, name, text, expected):
    assert facts(extract_claims(text, DAY, gaz)) == expected


@pytest.mark.parametrize("text, expected", [
    # a place that acts or speaks is not struck
    ("Moscow did not acknowledge hitting the building in Dnipro.", {"Dnipro"}),
    ("Kyiv rejected the Russian version and said Russia had deliberately hit a station in Kramatorsk.",
     {"Kramatorsk"}),
    # a strike word in a time phrase tells of no strike on the place
    ("Drones hit Moscow. Vnukovo airport briefly stopped departures and arrivals during the attack.",
     {"Moscow"}),
    # a participle used as an adjective tells of no strike
    ("Rescuers ended their search of a damaged apartment building in Lviv on Friday.", set()),
    # a dateline names where the report was filed
    ("MOSCOW / KYIV, 1 June 2025 — Ukraine attacked airfields in the Murmansk region with drones.",
     {"Murmansk oblast"}),
    # a unit named after a town is not the town
    ("The ministry said two Iskander-M missiles hit a meeting of Ukraine's Siversk operational-tactical group "
     "in Sumy.", {"Sumy"}),
])
def test_places_struck(gaz, text, expected):
    assert places(extract_claims(text, DAY, gaz)) == expected


@pytest.mark.parametrize("text, claimant, side", [
    ("Russia's strategic bombers fired a total of 18 missiles, Ukraine's Air Force spokesman Yurii Ihnat said.",
     "spokesman Yurii Ihnat", "UA"),
    ("In Kryvyi Rih, a missile hit an industrial enterprise, killing at least 10 people, city officials said.",
     "city officials", None),
    ("One person was killed and 22 were injured in Odesa, police said.", "police", None),
    ("Officials of the Russian-backed administration in Donetsk gave a different count, putting the toll at "
     "about 30 dead.", "Russian-installed officials", "RU"),
])
def test_claimants_named_in_the_sentence(gaz, text, claimant, side):
    claims = extract_claims(text, DAY, gaz)
    assert {c["claimed_by"] for c in claims} == {claimant}
    if side:  # the side the claimant speaks for tells who attacked
        assert {c["attacker"] for c in claims} == {"UA" if side == "RU" else "RU"}
