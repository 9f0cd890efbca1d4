"""Tests of the quick paths of the finders: each must find what the plain rule finds.

Why: the finders skip work where a cheap test shows a rule cannot match (a speaker's name is
tried only at the speech words, the report scan fires on the character before a word). These
tests pin that the skipping changes nothing. Every sentence here was written for these tests.
"""
import re

import pytest

from dashboard.extract.claimants import _NAME, _speaker, find_claimant
from dashboard.extract.numbers import find_numbers
from dashboard.extract.reading import LEXICON, sentence_hits
from dashboard.extract.sentences import split_sentences
from dashboard.extract.tables import lower_same_length, vocab_hits

#: The speaker rule as one regex over the whole sentence (the form :func:`_speaker` replaces).
_ONE_REGEX_SPEAKER = re.compile(rf"\b(?:said|says|told\s+\w+|wrote|reported)\s+(?P<name>{_NAME})\s*[.,]|"
                                rf"(?P<name2>{_NAME})\s+(?:said|says|wrote|reported|told)\b")


@pytest.mark.parametrize("text", [
    "Two drones were downed, said Oleh Syniehubov.",
    "Oleh Syniehubov said two drones were downed.",
    "Nobody said anything, but Ivan Petrenko told reporters that Maria Koval said three.",
    "The figures, Ivan Said Petrenko said, were preliminary.",
    "He said it, and Ivan Petrenko wrote it, said Maria Koval.",
    "Reports said so; Kyiv Oblast said nothing.",
    "Said Ivan Petrenko: none.",
    "no speaker here at all",
])
def test_speaker_finds_what_one_regex_finds(text):
    hits = vocab_hits(LEXICON.vocabularies["speech"], lower_same_length(text))
    old, new = _ONE_REGEX_SPEAKER.search(text), _speaker(text, hits)
    assert (old and (old.start(), old.group("name") or old.group("name2"))) == (
        new and (new.start(), new.group("name")))


def test_claimant_with_and_without_scanned_hits():
    text = "Three drones were shot down overnight, regional governor Ivan Petrenko said."
    low = lower_same_length(text)
    scanned = LEXICON.scan(low)
    with_hits = find_claimant(text, scanned["orgs"], scanned["titles"], scanned["speech"])
    assert with_hits == find_claimant(text)
    assert with_hits.name == "regional governor Ivan Petrenko"


def test_scan_finds_a_phrase_at_the_very_start():
    low = lower_same_length("Drones struck the city. Overnight, drones came back.")
    hits = LEXICON.scan(low)
    assert hits["weapons"][0][:2] == (0, 6)
    assert [h[:2] for h in hits["dates"]] == [(24, 33)]


def test_sentence_hits_hand_out_relative_offsets():
    text = "Drones struck the city. Overnight, two drones came back."
    sentences = split_sentences(text)
    shares = sentence_hits(lower_same_length(text), sentences)
    assert [h[:2] for h in shares[0]["weapons"]] == [(0, 6)]
    assert [h[:2] for h in shares[1]["weapons"]] == [(15, 21)]
    assert [h[:2] for h in shares[1]["dates"]] == [(0, 9)]
    assert not shares[0]["dates"] and not shares[0]["numbers"]


def test_scan_spans_drops_hits_outside_their_span():
    low = lower_same_length("Drones struck. Overnight drones came.")
    whole = LEXICON.scan(low)
    shares = LEXICON.scan_spans(low, [(0, 3), (15, 37)])  # the first span cuts "drones" short
    assert shares[0]["weapons"] == ()
    assert [h[:2] for h in shares[1]["weapons"]] == [(10, 16)]
    assert [h[:2] for h in shares[1]["dates"]] == [(0, 9)]
    assert [(a, b) for a, b, _ in whole["weapons"]] == [(0, 6), (25, 31)]


@pytest.mark.parametrize("text, at_least, lead", [
    ("more than 20 drones", True, 0),
    ("(over 20 drones", True, 1),
    ("moreover 20 drones", False, 9),  # "over" inside a word bounds nothing
    ("up to 20 drones", False, 0),
    ("a total of 20 drones", False, 0),
])
def test_bound_words(text, at_least, lead):
    n = next(n for n in find_numbers(text) if n.value == 20)
    assert (n.at_least, n.lead) == (at_least, lead)
