"""Date ranges answered from the year and month partials (plus the days at their ends)
equal the row path, at range edges (first and last days of months and years, open ends) and with
undated strikes in the store."""
import calendar
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from dashboard import aggregate, partials, query, ranges
from dashboard.query import Selection, Strikes
from dashboard.store import Store
from conftest import make_event, make_report
from test_partials import PLACES, _one_place, random_store

D = dt.date
#: Days from Nov 2022 to Feb 2025: the first, the 15th and the last of each month.
DAYS = [D(y, m, d) for y in (2022, 2023, 2024, 2025) for m in range(1, 13)
        for d in (1, 15, calendar.monthrange(y, m)[1]) if D(2022, 11, 1) <= D(y, m, d) <= D(2025, 2, 28)]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Strikes:
    """A store of 150 reports over two years and a half (seeded), with its partial sums built."""
    strikes = random_store(tmp_path_factory.mktemp("ranges"), seed=11, reports=150, days=DAYS,
                           undated=0.06, launches=False)
    assert partials.of(strikes) is not None and strikes._derived.get(ranges.KEY) is not None
    return strikes


R = Selection
#: Ranges that hold a whole month: answered from the year and month tables.
WHOLE_MONTHS = [
    R(date_from=D(2023, 1, 1), date_to=D(2023, 12, 31)), R(date_from=D(2024, 1, 1), date_to=D(2024, 12, 31), slice="month"),
    R(date_from=D(2023, 1, 1), date_to=D(2024, 12, 31), slice="week"), R(date_from=D(2023, 1, 1)),
    R(date_from=D(2023, 1, 2)), R(date_from=D(2024, 3, 1), slice="month"), R(date_to=D(2023, 12, 31)),
    R(date_to=D(2024, 2, 29)), R(date_to=D(2024, 2, 28)), R(date_from=D(2024, 2, 1), date_to=D(2024, 2, 29)),
    R(date_from=D(2023, 3, 1), date_to=D(2023, 5, 31)), R(date_from=D(2023, 2, 24), date_to=D(2024, 2, 23)),
    R(date_from=D(2022, 12, 31), date_to=D(2024, 1, 1)), R(date_from=D(2023, 1, 31), date_to=D(2023, 3, 1)),
    R(date_from=D(2023, 1, 15), date_to=D(2023, 2, 28)), R(date_from=D(2020, 1, 1), date_to=D(2030, 12, 31)),
    R(date_from=D(2030, 1, 1)), R(date_to=D(2020, 1, 31)), R(date_from=D(2022, 12, 1), date_to=D(2023, 11, 30)),
    R(date_from=D(2024, 1, 1), date_to=D(2024, 12, 31), weapon=("drone",)),
    R(date_from=D(2023, 6, 15), claimant=("RU",), slice="week"),
    R(date_from=D(2023, 1, 1), date_to=D(2023, 12, 31), country=("UA",)),
    R(date_to=D(2024, 6, 30), weapon=("cruise_missile", "ballistic_missile", "missile"), claimant=("UA",)),
    R(date_from=D(2023, 4, 1), date_to=D(2024, 9, 15), country=("PL",)),
    R(date_from=D(2022, 11, 15), date_to=D(2025, 2, 15), weapon=("glide_bomb",), country=("RU", "UA")),
    R(date_from=D(2023, 4, 1), date_to=D(2023, 9, 30)), R(date_from=D(2022, 10, 1), date_to=D(2024, 8, 31), slice="month"),
    R(date_from=D(2023, 2, 10), date_to=D(2024, 10, 20), claimant=("UA",)), R(date_from=D(2024, 7, 1)),
]
#: Ranges without one: the row path, as before.
NO_WHOLE_MONTH = [
    R(date_from=D(2024, 2, 3), date_to=D(2024, 2, 20)), R(date_from=D(2023, 1, 15), date_to=D(2023, 2, 27)),
    R(date_from=D(2024, 5, 1), date_to=D(2024, 3, 1)), R(date_from=D(2023, 12, 31), date_to=D(2024, 1, 1)),
]
#: Filters no cell fixes: the row path whatever the dates.
OTHER_FILTERS = [R(date_from=D(2023, 1, 1), place="odesa"), R(date_to=D(2024, 12, 31), source=("TASS",))]
ALL = WHOLE_MONTHS + NO_WHOLE_MONTH + OTHER_FILTERS


@pytest.mark.parametrize("sel, fast", [(s, True) for s in WHOLE_MONTHS] + [(s, False) for s in NO_WHOLE_MONTH + OTHER_FILTERS])
def test_ranges_with_a_whole_month_take_the_partials(data, sel, fast):
    assert (partials.cells(data, sel) is not None) is fast


def test_the_fixture_has_strikes_on_the_edges_and_undated_ones(data):
    dates = data.strikes["date"]
    assert dates.isna().any()
    assert {"2023-01-01", "2023-12-31", "2024-02-29", "2024-02-15"} <= set(dates.dropna().str[:10])


@pytest.mark.parametrize("sel", ALL)
def test_summary_equals_the_row_path(data, sel):
    assert query.summary(data, sel) == query.summary_dict(data, sel, query.summary_parts_by_rows(data, sel))


@pytest.mark.parametrize("precisions, by_weapon", [
    (aggregate.POINT_PRECISIONS, False), (("country", "macro_region", "sea"), True), (("city", "country", "sea"), False),
])
@pytest.mark.parametrize("sel", ALL)
def test_place_totals_equal_the_row_path(data, sel, precisions, by_weapon):
    fast = aggregate.place_totals(data, sel, precisions, by_weapon)
    assert_frame_equal(fast, aggregate.place_totals_by_rows(data, sel, precisions, by_weapon))


@pytest.mark.parametrize("sel", ALL)
def test_series_slices_and_latest_strikes_equal_the_row_path(data, sel):
    assert_frame_equal(aggregate.series(data, sel), aggregate.series_by_rows(data, sel))
    dates = aggregate._dates_in_order(data, data.codes("date")[0][np.flatnonzero(query.mask(data, sel))])[1]
    starts = aggregate.slice_starts(dates, sel.slice).dropna().unique()
    assert aggregate.slices_in(data, sel) == sorted(pd.Timestamp(x).date() for x in starts)
    order = aggregate.date_order(data)
    newest_first = order[(query.mask(data, sel) & aggregate.drawable(data))[order]][::-1]
    _, first = np.unique(aggregate.tip_places(data)[newest_first], return_index=True)
    assert aggregate.latest_per_place(data, sel).tolist() == newest_first[first].tolist()


def test_a_kept_range_answers_each_slice_size(data):
    for size in ("day", "week", "month", "day"):
        sel = R(date_from=D(2023, 1, 2), slice=size)
        assert_frame_equal(aggregate.series(data, sel), aggregate.series_by_rows(data, sel))


@pytest.mark.parametrize("weights", [
    {"drone": [2, 2], "glide_bomb": [4, 0]}, {"drone": [1, 1, 1], "cruise_missile": [3, 0, 0], "glide_bomb": [2, 1, 0]},
    {"drone": [0, 0], "glide_bomb": [0, 0]},
])
def test_near_ties_across_an_edge_day_and_a_whole_month(tmp_path, weights):
    data = _one_place(tmp_path, weights)        # 29 Jan, 1 Feb, 4 Feb 2024: an edge day, then February
    sel = R(date_to=D(2024, 2, 29))
    assert partials.cells(data, sel) is not None
    assert_frame_equal(aggregate.place_totals(data, sel), aggregate.place_totals_by_rows(data, sel))


def test_a_range_with_lists_for_choices_is_answered_as_with_tuples(data):
    listed = R(date_from=D(2023, 1, 2), weapon=["drone", "glide_bomb"], claimant=["UA"])
    same = R(date_from=D(2023, 1, 2), weapon=("drone", "glide_bomb"), claimant=("UA",))
    assert query.summary(data, listed) == query.summary(data, same)
    assert_frame_equal(aggregate.place_totals(data, listed), aggregate.place_totals_by_rows(data, same))
    assert_frame_equal(aggregate.series(data, listed), aggregate.series_by_rows(data, same))


def test_a_store_without_dates_has_no_period_tables(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        report = make_report("Undated.")
        store.ingest([(report, [make_event(report, j, **dict(PLACES[j % 3], weapon="drone", launched=j, date=None))
                                for j in range(4)])])
        data = Strikes.from_store(store)
    assert partials.of(data) is not None and data._derived.get(ranges.KEY) is None
    sel = R(date_from=D(2023, 1, 1))
    assert partials.cells(data, sel) is None
    assert query.summary(data, sel) == query.summary_dict(data, sel, query.summary_parts_by_rows(data, sel))
    assert query.summary(data, sel)["events"] == 0


def test_a_fractional_figure_leaves_ranges_to_the_row_path(data):
    claims = data.full_claims(data.claims)
    claims["launched"] = claims["launched"].astype("Float64").fillna(0.5)
    fractional = Strikes.from_claims(claims)
    assert partials.of(fractional) is None and fractional._derived.get(ranges.KEY) is None
    assert partials.cells(fractional, WHOLE_MONTHS[0]) is None
