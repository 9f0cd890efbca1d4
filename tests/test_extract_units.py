"""Unit tests of the extractor's building blocks: sentences, numbers, weapons, dates, claimants,
background cues and the vocabulary scanner. Every sentence here was written for these tests."""
import datetime as dt

import pytest

from dashboard.extract import background
from dashboard.extract.claimants import find_claimant
from dashboard.extract.dates import find_dates, sentence_date
from dashboard.extract.numbers import find_numbers
from dashboard.extract.people import casualty_counts
from dashboard.extract.reading import LEXICON
from dashboard.extract.sentences import dateline_end, split_sentences
from dashboard.extract.tables import lower_same_length, vocab_hits
from dashboard.extract.tolls import taken_back, toll_counts
from dashboard.extract.weapons import find_weapons

MONDAY = dt.date(2023, 11, 6)
SATURDAY = dt.date(2024, 10, 26)


# ---------------------------------------------------------------- sentences
@pytest.mark.parametrize("text, expected", [
    ("Two drones fell. Gov. Ivan Petrenko said so.", ["Two drones fell.", "Gov. Ivan Petrenko said so."]),
    ("Headline without a stop\nBody sentence one. Body two.",
     ["Headline without a stop", "Body sentence one.", "Body two."]),
    # hard-wrapped agency copy: the newlines are not sentence ends
    ("The mayor said the drone struck\na nine-story block in the east of\nthe city, injuring four\n"
     "people. Rescuers worked\nthrough the night and into the\nmorning hours.",
     ["The mayor said the drone struck\na nine-story block in the east of\nthe city, injuring four\npeople.",
      "Rescuers worked\nthrough the night and into the\nmorning hours."]),
    # a short paragraph wrapped once
    ("Debris fell on a house, wounding a\nman in his garden.", ["Debris fell on a house, wounding a\nman in his garden."]),
    ("MOSCOW, May 3. /TASS/. Air defences downed four drones.",
     ["MOSCOW, May 3. /TASS/.", "Air defences downed four drones."]),
    # abbreviations, initials and dotted acronyms do not end a sentence; a long word does
    ("The U.S. Army said so. A. Smith and Lt. Col. Petrenko agreed. It ended approx. 5 km away.",
     ["The U.S. Army said so.", "A. Smith and Lt. Col. Petrenko agreed.", "It ended approx. 5 km away."]),
    ("Drones hit Kharkiv. Two died.\n\nSirens sounded.", ["Drones hit Kharkiv.", "Two died.", "Sirens sounded."]),
])
def test_sentences_keep_exact_spans(text, expected):
    sents = split_sentences(text)
    assert [s.text for s in sents] == expected
    assert all(text[s.start:s.end] == s.text for s in sents)


# ---------------------------------------------------------------- numbers
@pytest.mark.parametrize("text, expected", [
    ("a 12-year-old and 4 others", [(12, "age"), (4, "count")]),
    ("a 16-story building", [(16, "storey")]),
    ("as of 07:00, 31 drones", [(31, "count")]),
    ("40 km from the border", [(40, "distance")]),
    ("for 6 hours", [(6, "duration")]),
    ("in 2022 and", [(2022, "year")]),
    ("Tu-22M3 bombers and Kh-59 missiles", []),
    ("after 0430 GMT", [(430, "time")]),
    ("on the night of 3-4 June", [(3, "date")]),
    ("twenty-three drones", [(23, "count")]),
    ("no one was hurt", []),
    ("one of the drones", []),
    ("1,450 drones", [(1450, "count")]),
])
def test_number_kinds(text, expected):
    assert [(n.value, n.kind) for n in find_numbers(text)] == expected


@pytest.mark.parametrize("text, value, at_least", [
    ("more than 30 drones", 30, True),
    ("over a dozen missiles", 12, True),
    ("at least seven people", 7, True),
    ("no fewer than 5 drones", 5, True),
    ("up to 40 drones", 40, False),
    ("as many as 26 drones", 26, False),
    ("dozens of drones", None, None),
])
def test_number_bounds(text, value, at_least):
    counts = [n for n in find_numbers(text) if n.kind == "count"]
    if value is None:
        assert counts == []  # vague words stay text: no number is invented
    else:
        assert (counts[0].value, counts[0].at_least) == (value, at_least)


# ---------------------------------------------------------------- weapons
@pytest.mark.parametrize("text, expected", [
    ("nine Shahed-136 kamikaze drones", [("drone", "Shahed")]),
    ("two sea-launched Kalibr cruise missiles", [("cruise_missile", "Kalibr")]),
    ("an Iskander-M ballistic missile", [("ballistic_missile", "Iskander")]),
    ("X-101 and X-555 missiles", [("cruise_missile", "Kh-101"), ("cruise_missile", "Kh-555")]),
    ("S-300 missiles", [("missile", "S-300")]),
    ("KAB-500 guided bombs", [("glide_bomb", "KAB")]),
    ("a Storm Shadow", [("cruise_missile", "Storm Shadow")]),
    ("ATACMS", [("ballistic_missile", "ATACMS")]),
    ("12 aerial targets", [("unknown", None)]),
    ("the town was shelled", [("shelling", None)]),
])
def test_weapon_classes_and_models(text, expected):
    assert [(w.cls, w.model) for w in find_weapons(text)] == expected


# ---------------------------------------------------------------- casualties
@pytest.mark.parametrize("text, expected", [
    ("The blast killed a 9-year-old and two others.", [("killed", 3)]),
    ("A woman and man died in the fire.", [("killed", 2)]),
    ("Falling debris killed a pensioner.", [("killed", 1)]),
    ("Seven people were wounded, including two children.", [("injured", 7)]),
    ("The strike left 14 people injured and 3 dead.", [("injured", 14), ("killed", 3)]),
    ("Five residents suffered injuries.", [("injured", 5)]),
    ("killing 4 people and injuring 10", [("killed", 4), ("injured", 10)]),
    ("100 people were evacuated.", []),
    ("The son of a local teacher was pulled from the rubble.", []),
    # the rules read the lower-cased sentence: capitals do not hide a count
    ("TWO CIVILIANS WERE KILLED AND A MAN WAS INJURED.", [("killed", 2), ("injured", 1)]),
    ("The Attack Left Three People Dead.", [("killed", 3)]),
])
def test_casualties(text, expected):
    got = [(c.field, c.value) for c in casualty_counts(text, find_numbers(text))]
    assert got == expected


# ---------------------------------------------------------------- dates
@pytest.mark.parametrize("text, published, date, precision, inferred", [
    ("drones attacked overnight", MONDAY, "2023-11-06", "night", True),
    ("drones attacked on Wednesday", MONDAY, "2023-11-01", "day", True),
    ("on the night of 5-6 November", MONDAY, "2023-11-06", "night", True),
    ("a missile hit the town yesterday", MONDAY, "2023-11-05", "day", True),
    ("the drone hit a block Friday night", SATURDAY, "2024-10-26", "night", True),
    ("late Friday, a missile hit", SATURDAY, "2024-10-25", "day", True),
    ("On 5 December 2022, a tanker exploded", MONDAY, "2022-12-05", "day", False),
    ("drones attacked overnight", None, None, "unknown", True),
    ("drones attacked on Wednesday", None, None, "unknown", True),
])
def test_dates_resolve_against_publication(text, published, date, precision, inferred):
    d = sentence_date(find_dates(text, published))
    assert (d.date, d.precision, d.inferred) == (date, precision, inferred)


def test_reporting_weekday_is_not_the_attack_date():
    mentions = find_dates("Drones attacked overnight, officials said on Friday.", SATURDAY)
    assert [m.kind for m in mentions] == ["event", "report"]
    assert sentence_date(mentions).precision == "night"


# ---------------------------------------------------------------- claimants
@pytest.mark.parametrize("text, name, side", [
    ("The Ukrainian Air Force said 30 drones were downed.", "Ukrainian Air Force", "UA"),
    ("Russia's Defence Ministry said air defences destroyed the drones.", "Russian Defence Ministry", "RU"),
    ("Source: Ukraine's Air Force on Telegram", "Ukrainian Air Force", "UA"),
    ("Two people died, said regional Gov. Petro Ivanenko.", "regional Gov. Petro Ivanenko", None),
    ("Kharkiv Mayor Oleh Tkachenko said a drone hit the centre.", "Kharkiv Mayor Oleh Tkachenko", None),
    # an official speaks for the body named with him
    ("the Air Force spokesman Yurii Kovalenko said.", "spokesman Yurii Kovalenko", "UA"),
    ("Mykola Bondar, head of the regional military administration, said four were hurt.", "Mykola Bondar", None),
])
def test_claimants(text, name, side):
    c = find_claimant(text)
    assert (c.name, c.side) == (name, side)


# ---------------------------------------------------------------- background
@pytest.mark.parametrize("text, scope", [
    ("Background: in March a similar strike hit the port.", "section"),
    ("It was the biggest attack on the city since the summer.", "sentence"),
    ("Last week's strike on the port killed five.", "sentence"),
    ("The strike comes a day after drones hit the refinery.", "sentence"),
    ("In April, Russia launched dozens of missiles at the city.", "sentence"),
    ("Air defences downed 12 drones overnight.", None),
])
def test_background_cues(text, scope):
    assert background.cue(text) == scope


# ---------------------------------------------------------------- scanner
def test_one_scan_finds_what_each_vocabulary_finds_alone():
    text = lower_same_length(
        "The Air Force said the enemy attacked with 40 Shahed drones and three Kh-101 missiles "
        "overnight; the attack on the region killed a man and wounded two, the governor said. "
        "It was the largest attack since the spring. One drone was lost locally after the assault.")
    whole = LEXICON.scan(text)
    for name, vocab in LEXICON.vocabularies.items():
        assert [h[:2] for h in whole[name]] == [h[:2] for h in vocab_hits(vocab, text)], name


# ---------------------------------------------------------------- datelines, named nights, tolls


@pytest.mark.parametrize("text, head", [
    ("KYIV, 31 December 2022 — Russia fired", "KYIV, 31 December 2022 — "),
    ("SEVASTOPOL, Crimea, 23 September 2023 — Ukrainian missiles", "SEVASTOPOL, Crimea, 23 September 2023 — "),
    ("MOSCOW / KYIV, 1 June 2025 — Russia", "MOSCOW / KYIV, 1 June 2025 — "),
    ("MOSCOW (AFP): A fire erupted", "MOSCOW (AFP): "),
    ("KYIV, Ukraine -- Sirens rang out", "KYIV, Ukraine -- "),
    ("UPDATED AT 5:35 PM. Syniehubov reported", ""),
    ("Kyiv was hit overnight.", ""),
])
def test_dateline_end(text, head):
    assert text[:dateline_end(text)] == head


@pytest.mark.parametrize("text, published, expected", [
    ("Russia launched 810 drones overnight into Sunday, 7 September.", dt.date(2025, 9, 8),
     [("2025-09-07", "event")]),
    ("The ministry said on Thursday that it shot down 102 drones overnight.", dt.date(2025, 8, 29),
     [("2025-08-28", "report"), ("2025-08-28", "event")]),
])
def test_named_day_resolves_relative_dates(text, published, expected):
    assert [(d.date, d.kind) for d in find_dates(text, published)] == expected


@pytest.mark.parametrize("text, expected", [
    ("The death toll from the strike on Odesa has risen to 12, officials said.", [("killed", 12)]),
    ("Two more people asked for help, bringing the number of injured to 109.", [("injured", 109)]),
    ("Officials put the toll at about 30 dead.", []),  # "put" without "the toll ... at": a plain count
    ("bringing the toll in that building to 11", []),
])
def test_toll_counts(text, expected):
    assert [(c.field, c.value) for c in toll_counts(text, find_numbers(text))] == expected


def test_taken_back_spans():
    text = "The ministry first said one serviceman was killed, then corrected its statement."
    (a, b), = taken_back(text)
    assert text[a:b] == "The ministry first said one serviceman was killed, "
