"""Tests of the small helpers of the context stage: what a claim's figures are, which sentences
may give claims, and the event schema's gate (every column, unknown keys dropped)."""
from dataclasses import replace

from dashboard.events import COLUMNS, normalise_event
from dashboard.extract.assemble import FIGURES, has_figures, may_claim
from dashboard.extract.placing import _ANAPHOR, _CAPITAL
from dashboard.extract.reading import read_sentence
from dashboard.extract.sentences import split_sentences
from dashboard.extract.tables import lower_same_length


def test_a_zero_is_a_figure_and_none_is_not():
    claim = dict.fromkeys(FIGURES)
    assert not has_figures(claim)
    claim["killed"] = 0  # "no one was killed" is a figure
    assert has_figures(claim)


def _reading(counts=(), casualties=(), strike=False, places=()):
    """A real reading (the compiled build checks types) of a sentence that says nothing, then altered."""
    blank = read_sentence(split_sentences("Officials spoke.")[0], [], None, None)
    assert not (blank.counts or blank.casualties or blank.strike or blank.places)
    return replace(blank, counts=list(counts), casualties=list(casualties), strike=strike, places=list(places))


def test_only_figures_or_a_place_struck_may_give_claims():
    assert not may_claim(_reading())
    assert not may_claim(_reading(strike=True))  # a strike with no place named
    assert not may_claim(_reading(places=["Kyiv"]))  # a place named, not struck
    assert may_claim(_reading(strike=True, places=["Kyiv"]))
    assert may_claim(_reading(counts=["9 drones"]))
    assert may_claim(_reading(casualties=["two killed"]))


def test_an_event_has_every_column_in_order_and_no_unknown_key():
    event = normalise_event({"place": "Kyiv", "weapon": "drone", "_working": 1})
    assert tuple(event) == COLUMNS
    assert event["place"] == "Kyiv" and event["at_least"] == []
    assert tuple(normalise_event({"weapon": None})) == COLUMNS


def test_place_words_are_found_in_any_case():
    low = lower_same_length("Missiles hit THE Ukrainian Capital; the City lost power.")
    capital = _CAPITAL.search(low)
    assert capital and capital.group("ua") and low[capital.start():capital.end()] == "the ukrainian capital"
    assert _ANAPHOR.search(low).group(1) == "city"
