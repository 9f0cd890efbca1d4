"""The offline gazetteer on the real data/ files: names, regions, facilities, text mentions."""
from __future__ import annotations

import time

import pytest
from geopy.location import Location

from dashboard.events import GEO_PRECISIONS
from dashboard.gazetteer import Gazetteer, OfflineGeocoder, Place, data_dir, default_gazetteer
from dashboard.names import fold, folded_words, joinable, tokens


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


# ------------------------------------------------------------------ lookup: spelling variants
@pytest.mark.parametrize("name, expected, country", [
    ("Kyiv", "Kyiv", "UA"), ("Kiev", "Kyiv", "UA"), ("kiev", "Kyiv", "UA"), ("KYIV", "Kyiv", "UA"),
    ("Kharkov", "Kharkiv", "UA"), ("Kharkiv", "Kharkiv", "UA"),
    ("Odessa", "Odesa", "UA"), ("Odesa", "Odesa", "UA"),
    ("Nikolaev", "Mykolaiv", "UA"), ("Nikolayev", "Mykolaiv", "UA"),
    ("Mykolayiv", "Mykolaiv", "UA"), ("Mykolaiv", "Mykolaiv", "UA"),
    ("Zaporozhye", "Zaporizhzhia", "UA"), ("Zaporizhia", "Zaporizhzhia", "UA"),
    ("Zaporizhzhia", "Zaporizhzhia", "UA"),
    ("Dnepr", "Dnipro", "UA"), ("Dnipro", "Dnipro", "UA"), ("Dnipropetrovsk", "Dnipro", "UA"),
    ("Krivoy Rog", "Kryvyi Rih", "UA"), ("Krivyi Rig", "Kryvyi Rih", "UA"),
    ("Kryvyi Rih", "Kryvyi Rih", "UA"),
    ("Lvov", "Lviv", "UA"), ("L'viv", "Lviv", "UA"), ("L’viv", "Lviv", "UA"),
    ("Kirovograd", "Kropyvnytskyi", "UA"), ("Kropyvnytskyi", "Kropyvnytskyi", "UA"),
    ("Rovno", "Rivne", "UA"), ("Chernigov", "Chernihiv", "UA"), ("Zhitomir", "Zhytomyr", "UA"),
    ("Vinnitsa", "Vinnytsia", "UA"), ("Vinnytsia", "Vinnytsia", "UA"),
    ("Artemovsk", "Bakhmut", "UA"), ("Bakhmut", "Bakhmut", "UA"),
    ("Pokrovsk", "Pokrovsk", "UA"), ("Sloviansk", "Sloviansk", "UA"),
    ("Rostov-on-Don", "Rostov-on-Don", "RU"), ("Rostov on Don", "Rostov-on-Don", "RU"),
    ("Nizhny Novgorod", "Nizhny Novgorod", "RU"), ("Nizhniy Novgorod", "Nizhny Novgorod", "RU"),
    ("Ryazan", "Ryazan", "RU"), ("Oryol", "Oryol", "RU"), ("Orel", "Oryol", "RU"),
    ("Kishinev", "Chisinau", "MD"), ("Minsk", "Minsk", "BY"), ("Warsaw", "Warsaw", "PL"),
])
def test_spelling_variants_resolve_to_one_town(gaz, name, expected, country):
    place = gaz.lookup(name)
    assert place is not None, name
    assert (place.name, place.country, place.precision) == (expected, country, "city")


@pytest.mark.parametrize("name, country, min_population", [
    ("Moscow", "RU", 10_000_000),  # not Moscow, Idaho
    ("Odessa", "UA", 900_000),     # not Odessa, Texas
    ("Donetsk", "UA", 800_000),    # not the Russian Donetsk in Rostov oblast
])
def test_namesakes_resolve_toward_the_war(gaz, name, country, min_population):
    place = gaz.lookup(name)
    assert place.country == country and place.population >= min_population


def test_country_hint_picks_the_namesake(gaz):
    place = gaz.lookup("Donetsk", country="RU")
    assert place.country == "RU" and place.admin1 == "Rostov oblast"


@pytest.mark.parametrize("name", ["Atlantis", "Xyzgrad", "", "   ", "Kursk Xyz", "Nowhere oblast"])
def test_unknown_names_give_none(gaz, name):
    assert gaz.lookup(name) is None


def test_city_carries_its_region_display_name(gaz):
    assert gaz.lookup("Kharkiv").admin1 == "Kharkiv oblast"
    assert gaz.lookup("Simferopol").admin1 == "Crimea"
    assert gaz.lookup("Sevastopol").country == "UA"
    assert gaz.lookup("Engels").admin1 == "Saratov oblast"


# ------------------------------------------------------------------ lookup: regions
@pytest.mark.parametrize("name, expected", [
    ("Kursk oblast", "Kursk oblast"), ("Kursk Oblast", "Kursk oblast"),
    ("Kursk region", "Kursk oblast"), ("Kursk Region", "Kursk oblast"),
    ("the Kursk region", "Kursk oblast"), ("Belgorod region", "Belgorod oblast"),
    ("Krasnodar Krai", "Krasnodar krai"), ("Republic of Tatarstan", "Tatarstan"),
    ("Tatarstan", "Tatarstan"), ("Moscow region", "Moscow oblast"),
    ("Moscow oblast", "Moscow oblast"), ("Kyiv region", "Kyiv oblast"),
    ("Kyiv province", "Kyiv oblast"), ("Kyiv oblast", "Kyiv oblast"),
    ("Odesa region", "Odesa oblast"), ("Odessa region", "Odesa oblast"),
    ("Dnipropetrovsk region", "Dnipropetrovsk oblast"),
    ("Dnipropetrovsk oblast", "Dnipropetrovsk oblast"),
    ("Zaporizhzhia oblast", "Zaporizhzhia oblast"), ("Saratov Oblast", "Saratov oblast"),
    ("Rostov region", "Rostov oblast"), ("Crimea", "Crimea"), ("occupied Crimea", "Crimea"),
    ("Crimean peninsula", "Crimea"), ("Kharkov region", "Kharkiv oblast"),
    ("Minsk region", "Minsk oblast"),
])
def test_region_names_resolve_to_the_admin1_region(gaz, name, expected):
    place = gaz.lookup(name)
    assert place is not None, name
    assert (place.name, place.precision) == (expected, "region")


@pytest.mark.parametrize("name, country", [("Crimea", "UA"), ("Sevastopol", "UA"),
                                           ("Kursk region", "RU"), ("Tatarstan", "RU")])
def test_region_country(gaz, name, country):
    assert gaz.lookup(name).country == country


def test_city_alone_is_the_city_not_the_oblast(gaz):
    assert gaz.lookup("Kyiv").precision == "city"
    assert gaz.lookup("Moscow").precision == "city"


# ------------------------------------------------------------------ lookup: facilities, seas, countries
@pytest.mark.parametrize("name, expected_name, key", [
    ("Engels airbase", "Engels-2 airbase", "fac:engels-2"),
    ("Engels 2 military airfield", "Engels-2 airbase", "fac:engels-2"),
    ("Engels-2", "Engels-2 airbase", "fac:engels-2"),
    ("the airport in Pskov", "Pskov airport", "fac:pskov-airport"),
    ("Morozovsk military airfield", "Morozovsk airbase", "fac:morozovsk"),
    ("the Volgograd refinery", "Volgograd refinery", "fac:volgograd-refinery"),
    ("Saky airbase", "Saky airbase", "fac:saky"),
    ("Crimean bridge", "Kerch bridge", "fac:kerch-bridge"),
    ("Zaporizhzhia nuclear power plant", "Zaporizhzhia nuclear power plant", "fac:zaporizhzhia-npp"),
])
def test_curated_facilities(gaz, name, expected_name, key):
    place = gaz.lookup(name)
    assert (place.name, place.key, place.precision) == (expected_name, key, "facility")


@pytest.mark.parametrize("name, expected_name, town", [
    ("an oil depot in Tuapse", "Tuapse oil depot", "Tuapse"),
    ("Kursk airport", "Kursk airport", "Kursk"),
    ("the refinery in Syzran", "Syzran refinery", "Syzran"),
])
def test_unknown_facility_sits_on_its_town(gaz, name, expected_name, town):
    place, town_place = gaz.lookup(name), gaz.lookup(town)
    assert (place.name, place.precision) == (expected_name, "facility")
    assert (place.lat, place.lon, place.country) == (town_place.lat, town_place.lon, town_place.country)


@pytest.mark.parametrize("name, expected", [("Black Sea", "Black Sea"), ("the Black Sea", "Black Sea"),
                                            ("over the Black Sea", "Black Sea"),
                                            ("Sea of Azov", "Sea of Azov"), ("Azov Sea", "Sea of Azov"),
                                            ("Caspian Sea", "Caspian Sea")])
def test_seas_have_no_country(gaz, name, expected):
    place = gaz.lookup(name)
    assert (place.name, place.precision, place.country, place.admin1) == (expected, "sea", None, None)


@pytest.mark.parametrize("name, iso", [("Ukraine", "UA"), ("Russia", "RU"), ("Russian Federation", "RU"),
                                       ("Belarus", "BY"), ("Moldova", "MD"), ("Poland", "PL")])
def test_countries(gaz, name, iso):
    place = gaz.lookup(name)
    assert (place.precision, place.country) == ("country", iso)


@pytest.mark.parametrize("name, key", [("south", "macro:ua-south"), ("the east", "macro:ua-east"),
                                       ("north", "macro:ua-north"), ("centre", "macro:ua-centre"),
                                       ("center", "macro:ua-centre"), ("west", "macro:ua-west"),
                                       ("southern Ukraine", "macro:ua-south")])
def test_air_force_macro_regions(gaz, name, key):
    place = gaz.lookup(name)
    assert (place.key, place.precision, place.country) == (key, "macro_region", "UA")


def test_every_place_has_a_known_precision_and_sane_coordinates(gaz):
    for entries in gaz._index.values():
        for entry in entries:
            place = entry.place
            assert place.precision in GEO_PRECISIONS
            assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180
            assert (place.lat, place.lon) != (0.0, 0.0)


# ------------------------------------------------------------------ find_mentions
def _found(gaz, text):
    return [(m.text, m.place.name if m.place else None) for m in gaz.find_mentions(text)]


@pytest.mark.parametrize("text, expected", [
    ("Overnight the enemy sent 20 drones at Kiev; 18 fell over the Black Sea.",
     [("Kiev", "Kyiv"), ("the Black Sea", "Black Sea")]),
    ("Sirens sounded in the Dnipropetrovsk, Odesa, Mykolaiv and Zhytomyr regions before dawn.",
     [("Dnipropetrovsk", "Dnipropetrovsk oblast"), ("Odesa", "Odesa oblast"),
      ("Mykolaiv", "Mykolaiv oblast"), ("Zhytomyr regions", "Zhytomyr oblast")]),
    ("Air defence was active over Kharkiv and Sumy oblasts.",
     [("Kharkiv", "Kharkiv oblast"), ("Sumy oblasts", "Sumy oblast")]),
    ("Shelling hit the borderline regions of Belgorod and Kursk on Tuesday.",
     [("Belgorod", "Belgorod oblast"), ("Kursk", "Kursk oblast")]),
    ("A fire broke out in Russia's Saratov Oblast after the raid.",
     [("Russia", "Russia"), ("Saratov Oblast", "Saratov oblast")]),
    ("The governor of the Kursk Region and the mayor of Kyiv’s Darnytskyi district spoke.",
     [("Kursk Region", "Kursk oblast"), ("Kyiv", "Kyiv"), ("Darnytskyi district", "Kyiv")]),
    ("Debris fell in the Moscow region, not in Moscow itself.",
     [("Moscow region", "Moscow oblast"), ("Moscow", "Moscow")]),
    ("Drones struck Krasnodar Krai and the Republic of Tatarstan.",
     [("Krasnodar Krai", "Krasnodar krai"), ("Republic of Tatarstan", "Tatarstan")]),
    ("Explosions were heard in occupied Crimea and on the Crimean peninsula's west coast.",
     [("Crimea", "Crimea"), ("Crimean peninsula", "Crimea")]),
    ("Smoke rose above the Volgograd refinery and an oil depot in Tuapse.",
     [("Volgograd refinery", "Volgograd refinery"), ("oil depot in Tuapse", "Tuapse oil depot")]),
    ("Satellite images show damage at the Engels 2 military airfield and the airport in Pskov.",
     [("Engels 2 military airfield", "Engels-2 airbase"), ("airport in Pskov", "Pskov airport")]),
    ("Jets left Morozovsk military airfield; the Engels airbase was also hit.",
     [("Morozovsk military airfield", "Morozovsk airbase"), ("Engels airbase", "Engels-2 airbase")]),
    ("Launches came from the Sea of Azov and from southern Ukraine's coast.",
     [("the Sea of Azov", "Sea of Azov"), ("southern Ukraine", "southern Ukraine")]),
    ("Launches came from the Xyzgrad region and the Blorp Oblast.",
     [("Xyzgrad region", None), ("Blorp Oblast", None)]),
    ("Vladimir Putin met officials in Vladimir.", [("Vladimir", "Vladimir")]),
])
def test_find_mentions(gaz, text, expected):
    assert _found(gaz, text) == expected


@pytest.mark.parametrize("text", [
    "Most of the drones were downed. Police said nobody was hurt.",
    "Mobile groups worked through Sunday. Marked vehicles were seen.",
    "Temporary shelters opened in May. Ukrainian and Russian officials disagreed.",
    "Spokesman Popko said the Air Force will publish figures on Monday.",
    "Human rights groups and the UK said Patriot and Pantsir systems were used.",
    "the enemy attacked at night.",
])
def test_no_false_mentions_in_common_words(gaz, text):
    assert gaz.find_mentions(text) == []


@pytest.mark.parametrize("text, expected", [
    # people's names are not places: given names, titles, surnames (person_names.csv)
    ("Saratov regional governor Roman Busargin said no one was hurt.",
     [("Saratov regional", "Saratov oblast")]),
    ("Roman said the drones came from the north.", []),
    ("Acting governor Alexey Smirnov said debris fell on a house.", []),
    ("Smirnov said debris fell on a house.", []),
    ("President Volodymyr Zelensky said the missiles included Kinzhals.", []),
    ("Volodymyr said the drones came from the north.", []),
    ("Gov. Lysak said two people were killed.", []),
    ("Mayor Klitschko said the city held.", []),
    # ... while the same words still name places
    ("Drones hit Roman, a town in Romania, and the Vladimir Region.",
     [("Roman", "Roman"), ("Romania", "Romania"), ("Vladimir Region", "Vladimir oblast")]),
    ("A drone hit a depot in Volodymyr overnight.", [("Volodymyr", "Volodymyr-Volynskyi")]),
    # an organisation or a river named after a place is not the place
    ("Missiles hit the headquarters of Russia's Black Sea Fleet in Sevastopol.",
     [("Russia", "Russia"), ("Sevastopol", "Sevastopol")]),
    ("Kremenchuk, an industrial city on the Dnipro river, was hit.", [("Kremenchuk", "Kremenchuk")]),
    ("Moscow quit the Black Sea grain deal.", [("Moscow", "Moscow")]),
    ("The missiles hit a meeting of the Siversk operational-tactical group in Sumy.", [("Sumy", "Sumy")]),
    # an official's seat with "regional" is the region
    ("Smolensk regional governor Vasily Anokhin said seven drones were destroyed.",
     [("Smolensk regional", "Smolensk oblast")]),
])
def test_mentions_that_are_not_the_namesake(gaz, text, expected):
    assert _found(gaz, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a city district with no city named: unknown, never the same-named district of another city
    ("A bomb hit a building in the Kyivskyi district.", [("Kyivskyi district", None)]),
    ("Debris fell in the Shevchenkivskyi district and the Solomianskyi district.",
     [("Shevchenkivskyi district", None), ("Solomianskyi district", None)]),
    # ... placed by the city named with it
    ("A bomb hit Kharkiv's Kyivskyi district.", [("Kharkiv", "Kharkiv"), ("Kyivskyi district", "Kharkiv")]),
    ("A bomb hit the Kyivskyi district of Kharkiv.", [("Kyivskyi district", "Kharkiv"), ("Kharkiv", "Kharkiv")]),
    # a district named after its town is the town's area
    ("A drone was downed over the Odintsovo district.", [("Odintsovo", "Odintsovo")]),
])
def test_city_districts(gaz, text, expected):
    assert _found(gaz, text) == expected


def test_city_sections_are_known_from_their_alternate_names(gaz):
    sections = {p.name for p in (gaz.lookup(n) for n in ("Shevchenkivskyi", "Dniprovskyi", "Pechersk")) if p}
    assert sections and all(gaz.lookup(n).key in gaz.sections for n in sections)
    assert not any(gaz.lookup(n).key in gaz.sections for n in ("Kyiv", "Kharkiv", "Khmelnytskyi", "Zhukovsky"))


def test_curated_facility_knows_its_town(gaz):
    plant = gaz.lookup("DniproHES")
    assert plant.precision == "facility" and gaz.facility_town(plant).name == "Zaporizhzhia"


def test_possessive_span_covers_the_name_only(gaz):
    text = "Ukraine's air force said Kyiv’s defences held."
    mentions = gaz.find_mentions(text)
    assert [(m.start, m.end, m.text) for m in mentions] == [(0, 7, "Ukraine"), (25, 29, "Kyiv")]
    assert all(text[m.start:m.end] == m.text for m in mentions)


def test_mentions_are_in_order_and_do_not_overlap(gaz):
    text = ("Rostov-on-Don, Kharkiv and Sumy oblasts, the Black Sea, Kursk Region, "
            "the Engels airbase and Moscow were named.")
    mentions = gaz.find_mentions(text)
    assert mentions[0].text == "Rostov-on-Don"
    for left, right in zip(mentions, mentions[1:]):
        assert left.end <= right.start


def test_mention_spans_are_the_mentions_as_tuples(gaz):
    text = "The Hague and the Kharkiv and Sumy oblasts; The drones hit Kyiv, Ukraine."
    assert gaz.mention_spans(text) == [(m.start, m.end, m.text, m.place) for m in gaz.find_mentions(text)]


def test_a_word_that_opens_long_names_opens_none_before_other_words(gaz):
    assert gaz.name_lengths["the"] > 1 and ("the", "drones") not in gaz.pair_lengths
    assert _found(gaz, "The drones hit Kyiv.") == [("Kyiv", "Kyiv")]


def test_names_do_not_run_across_sentences(gaz):
    assert _found(gaz, "He left Moscow. Region officials said so.") == [("Moscow", "Moscow")]


# ------------------------------------------------------------------ loading, speed, geopy
def test_data_dir_can_be_overridden(monkeypatch, tmp_path):
    monkeypatch.setenv("STRIKES_DATA_DIR", str(tmp_path))
    assert data_dir() == tmp_path
    monkeypatch.delenv("STRIKES_DATA_DIR")
    assert (data_dir() / "places.csv.gz").exists()


def test_default_gazetteer_is_loaded_once(gaz):
    assert default_gazetteer() is gaz


def test_load_is_fast():
    started = time.perf_counter()
    Gazetteer.load()
    assert time.perf_counter() - started < 1.5


def test_find_mentions_is_fast(gaz):
    report = ("Overnight Russia launched 40 Shahed drones and 3 Iskander-M missiles at Ukraine. "
              "Air defence downed 35 over the Kyiv, Kharkiv, Sumy and Poltava oblasts; debris fell "
              "in Odesa and over the Black Sea. The governor of Belgorod region reported damage. ") * 9
    assert len(report) > 2000
    gaz.find_mentions(report)
    runs = 50
    started = time.perf_counter()
    for _ in range(runs):
        gaz.find_mentions(report)
    assert (time.perf_counter() - started) / runs < 0.005


def test_offline_geocoder_speaks_geopy(gaz):
    geocoder = OfflineGeocoder(gaz)
    location = geocoder.geocode("Kharkov")
    assert isinstance(location, Location)
    assert location.raw["name"] == "Kharkiv" and location.raw["precision"] == "city"
    assert (location.latitude, location.longitude) == (location.raw["lat"], location.raw["lon"])
    assert Place(**location.raw) == gaz.lookup("Kharkiv")
    assert geocoder.geocode("Atlantis") is None


def test_offline_geocoder_lists_candidates(gaz):
    locations = OfflineGeocoder(gaz).geocode("Donetsk", exactly_one=False)
    assert [loc.raw["country"] for loc in locations][:2] == ["UA", "RU"]
    assert OfflineGeocoder(gaz).geocode("Donetsk", country="RU").raw["country"] == "RU"


@pytest.mark.parametrize("text", [
    "Strikes on L’viv and Kyïv, Ukraine's north; St. Petersburg (Rostov-on-Don).",
    "İSTANBUL and UKRAINE'S Kam'yanets'-Podil's'kyy", "", "  ", "foo_bar 12",
])
def test_folded_words_cut_as_tokens_and_keep_gaps(text):
    words, gaps, starts, ends = folded_words(text)
    assert len(gaps) == len(words) + 1 == len(starts) + 1 == len(ends) + 1
    assert "".join(g + text[s:e] for g, s, e in zip(gaps, starts, ends)) + gaps[-1] == text
    if len(text.lower()) == len(text):  # the words of the lower-cased text, folded
        assert [(m.start(), m.end()) for m in tokens(text.lower())] == list(zip(starts, ends))
    assert words == [fold(text[s:e]) for s, e in zip(starts, ends)]


def test_folded_words_examples():
    words, gaps, _, _ = folded_words("L’viv, St. Petersburg")
    assert words == ["lviv", "st", "petersburg"]
    assert gaps == ["", ", ", ". ", ""]
    assert not joinable(gaps[1], words[0]) and joinable(gaps[2], words[1])
