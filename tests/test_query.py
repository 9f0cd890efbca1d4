"""The filter table: URL parameters, selections and captions in words."""
import datetime as dt

import pytest

from dashboard.query import (FILTERS, Selection, caption, date_range_words, selection_from_params,
                             selection_to_params)

D = dt.date


@pytest.mark.parametrize("params, expected", [
    ({}, Selection()),
    ({"from": "2023-11-01", "to": "2023-11-06"}, Selection(date_from=D(2023, 11, 1), date_to=D(2023, 11, 6))),
    ({"weapon": "drone,cruise_missile"}, Selection(weapon=("drone", "cruise_missile"))),
    ({"weapon": ["drone", "cruise_missile"]}, Selection(weapon=("drone", "cruise_missile"))),
    ({"weapon": "laser,drone"}, Selection(weapon=("drone",))),            # unknown values dropped
    ({"country": "ua,ru"}, Selection(country=("UA", "RU"))),
    ({"claimant": "UA"}, Selection(claimant=("UA",))),
    ({"place": "Kyiv"}, Selection(place="Kyiv")),
    ({"slice": "week"}, Selection(slice="week")),
    ({"slice": "decade"}, Selection()),
    ({"from": "not-a-date"}, Selection()),
])
def test_selection_from_params(params, expected):
    assert selection_from_params(params) == expected


@pytest.mark.parametrize("sel", [
    Selection(),
    Selection(date_from=D(2024, 1, 1), date_to=D(2024, 1, 31), weapon=("drone",), country=("UA",),
              claimant=("RU",), place="Odesa", source=("Example News",), slice="month"),
])
def test_params_round_trip(sel):
    assert selection_from_params(selection_to_params(sel)) == sel


def test_every_filter_has_a_url_parameter_and_a_selection_value():
    assert {f.param for f in FILTERS} == set(Selection().values())


@pytest.mark.parametrize("start, end, words", [
    (D(2023, 11, 1), D(2023, 11, 6), "1\u20136 Nov 2023"),
    (D(2023, 10, 28), D(2023, 11, 6), "28 Oct \u2013 6 Nov 2023"),
    (D(2022, 12, 31), D(2023, 1, 2), "31 Dec 2022 \u2013 2 Jan 2023"),
    (D(2024, 5, 2), D(2024, 5, 2), "2 May 2024"),
    (D(2024, 5, 2), None, "since 2 May 2024"),
    (None, None, "all dates"),
])
def test_date_range_words(start, end, words):
    assert date_range_words(start, end) == words


@pytest.mark.parametrize("sel, present, text", [
    (Selection(date_from=D(2023, 11, 1), date_to=D(2023, 11, 6)), ("UA", "RU"),
     "Drone and missile attacks, 1\u20136 Nov 2023, Ukraine and Russia"),
    (Selection(weapon=("drone",), country=("RU",)), (), "Drone attacks, all dates, Russia"),
    (Selection(weapon=("cruise_missile", "ballistic_missile")), ("UA",),
     "Cruise missile and ballistic missile attacks, all dates, Ukraine"),
    (Selection(claimant=("RU",), place="Belgorod"), (),
     "Drone and missile attacks, all dates, claims by Russian sources, places matching \u201cBelgorod\u201d"),
])
def test_caption(sel, present, text):
    assert caption(sel, present) == text
