"""The precomputed partial sums answer whole-period selections exactly as the row path does."""
import datetime as dt
import random

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from dashboard import aggregate, partials, query
from dashboard.query import Selection, Strikes
from dashboard.store import Store
from conftest import make_event, make_report

PLACES = [
    dict(place="Kyiv", country="UA", admin1="Kyiv city", lat=50.45, lon=30.52, geo_precision="city"),
    dict(place="Odesa", country="UA", admin1="Odesa oblast", lat=46.48, lon=30.72, geo_precision="city"),
    dict(place="Odesa oblast", country="UA", admin1="Odesa oblast", lat=46.6, lon=30.4, geo_precision="region"),
    dict(place="Ukraine", country="UA", admin1=None, lat=49.0, lon=31.0, geo_precision="country"),
    dict(place="Black Sea", country=None, admin1=None, lat=43.0, lon=34.0, geo_precision="sea"),
    dict(place="Engels-2 airbase", country="RU", admin1="Saratov oblast", lat=51.48, lon=46.2,
         geo_precision="facility"),
    dict(place="Belgorod", country="RU", admin1="Belgorod oblast", lat=50.6, lon=36.6, geo_precision="city"),
    dict(place="Belgorod", country="RU", admin1=None, lat=None, lon=None, geo_precision="city"),
    dict(place="Somewhere", country=None, admin1=None, lat=None, lon=None, geo_precision=None),
]
CLAIMANTS = ["Ukrainian Air Force", "Odesa regional administration", "Russian Defence Ministry",
             "General Staff of Ukraine", "local media", "Belgorod governor"]
WEAPONS = ["drone", "cruise_missile", "ballistic_missile", "missile", "glide_bomb", "unknown"]
DAYS = [dt.date(2024, 1, 29) + dt.timedelta(days=3 * i) for i in range(20)]


def event_fields(rng: random.Random, days: list[dt.date], undated: float = 0.05, launches: bool = True) -> dict:
    """One event's fields drawn from the tables above (``launches``: sometimes a launch site)."""
    fields = dict(rng.choice(PLACES), weapon=rng.choice(WEAPONS), claimed_by=rng.choice(CLAIMANTS),
                  date=None if rng.random() < undated else rng.choice(days).isoformat())
    for figure, top in (("launched", 40), ("intercepted", 35), ("hit", 3), ("killed", 4), ("injured", 9)):
        if rng.random() < 0.4:
            fields[figure] = rng.randint(0, top)
    if launches and rng.random() < 0.2:
        fields.update(launch_place="Kursk", launch_lat=51.7, launch_lon=36.2)
    if rng.random() < 0.3:
        fields.update(source=rng.choice(["Ukrinform", "TASS"]))
    return fields


def random_store(directory, seed: int, reports: int, days: list[dt.date], **options) -> Strikes:
    """A store of ``reports`` seeded reports of 1–8 events each, loaded as `Strikes`."""
    rng = random.Random(seed)
    with Store(directory / "strikes.sqlite") as store:
        batch = []
        for i in range(reports):
            report = make_report(f"Report {i}.", published=rng.choice(days).isoformat())
            batch.append((report, [make_event(report, j, **event_fields(rng, days, **options))
                                   for j in range(rng.randint(1, 8))]))
        store.ingest(batch)
        return Strikes.from_store(store)


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Strikes:
    """A store of 60 reports written for these tests (seeded), with its partial sums built."""
    strikes = random_store(tmp_path_factory.mktemp("partials"), seed=7, reports=60, days=DAYS)
    assert partials.of(strikes) is not None
    return strikes


WHOLE_PERIOD = [Selection(slice=s) for s in ("day", "week", "month")] + [
    Selection(weapon=(w,), slice="week") for w in WEAPONS] + [
    Selection(country=("UA",)), Selection(country=("RU",), slice="month"), Selection(country=("PL",)),
    Selection(claimant=("UA",)), Selection(claimant=("RU",), slice="week"), Selection(claimant=("other",)),
    Selection(weapon=("drone", "glide_bomb"), country=("UA", "RU")),
    Selection(weapon=("cruise_missile", "ballistic_missile", "missile"), claimant=("UA",), slice="month"),
    Selection(country=("UA",), claimant=("RU",)),
]
ROW_PATH = [
    Selection(date_from=DAYS[3], date_to=DAYS[9]), Selection(date_from=DAYS[5]),
    Selection(date_to=DAYS[10], weapon=("drone",)), Selection(place="odesa"),
    Selection(source=("TASS",)), Selection(place="bel", country=("RU",), slice="month"),
]


#: Of ROW_PATH, the ranges that hold a whole month: `ranges` answers them from the partials too.
WHOLE_MONTHS = ROW_PATH[1:3]


@pytest.mark.parametrize("sel, fast", [(s, True) for s in WHOLE_PERIOD + WHOLE_MONTHS]
                         + [(s, False) for s in ROW_PATH if s not in WHOLE_MONTHS])
def test_only_unions_of_cells_take_the_partials(data, sel, fast):
    assert (partials.cells(data, sel) is not None) is fast


@pytest.mark.parametrize("sel", WHOLE_PERIOD + ROW_PATH)
def test_summary_equals_the_row_path(data, sel):
    assert query.summary(data, sel) == query.summary_dict(data, sel, query.summary_parts_by_rows(data, sel))


@pytest.mark.parametrize("precisions, by_weapon", [
    (aggregate.POINT_PRECISIONS, False),
    (("country", "macro_region", "sea"), True),
    (("city", "country", "sea"), False),
])
@pytest.mark.parametrize("sel", WHOLE_PERIOD + ROW_PATH)
def test_place_totals_equal_the_row_path(data, sel, precisions, by_weapon):
    fast = aggregate.place_totals(data, sel, precisions, by_weapon)
    assert_frame_equal(fast, aggregate.place_totals_by_rows(data, sel, precisions, by_weapon))


@pytest.mark.parametrize("sel", WHOLE_PERIOD + ROW_PATH)
def test_series_and_slices_equal_the_row_path(data, sel):
    assert_frame_equal(aggregate.series(data, sel), aggregate.series_by_rows(data, sel))
    dates = aggregate._dates_in_order(data, data.codes("date")[0][np.flatnonzero(query.mask(data, sel))])[1]
    starts = aggregate.slice_starts(dates, sel.slice).dropna().unique()
    assert aggregate.slices_in(data, sel) == sorted(pd.Timestamp(x).date() for x in starts)


@pytest.mark.parametrize("sel", WHOLE_PERIOD + ROW_PATH)
def test_latest_strike_per_place_equals_the_row_path(data, sel):
    order = aggregate.date_order(data)
    newest_first = order[(query.mask(data, sel) & aggregate.drawable(data))[order]][::-1]
    _, first = np.unique(aggregate.tip_places(data)[newest_first], return_index=True)
    assert aggregate.latest_per_place(data, sel).tolist() == newest_first[first].tolist()


def _one_place(tmp_path, weights, place=PLACES[0]) -> Strikes:
    """Strikes at one place on successive days: per weapon class, the launched figure of each."""
    with Store(tmp_path / "s.sqlite") as store:
        report = make_report("One night.")
        events = [dict(place, weapon=w, launched=v, date=DAYS[i].isoformat(), claimed_by="Ukrainian Air Force")
                  for w, values in weights.items() for i, v in enumerate(values)]
        store.ingest([(report, [make_event(report, j, **e) for j, e in enumerate(events)])])
        data = Strikes.from_store(store)
    partials.of(data)
    return data


@pytest.mark.parametrize("weights", [
    {"drone": [0, 0], "glide_bomb": [0, 0]},
    {"glide_bomb": [0], "drone": [0]},
    {"drone": [2, 2], "glide_bomb": [4, 0]},        # 2.001 + 2.001 against 4.001 + 0.001
    {"drone": [1, 1, 1], "cruise_missile": [3, 0, 0], "glide_bomb": [2, 1, 0]},
    {"drone": [3], "glide_bomb": [1, 1, 1]},
])
def test_near_ties_pick_the_dominant_class_as_the_row_path(tmp_path, weights):
    data = _one_place(tmp_path, weights)
    assert_frame_equal(aggregate.place_totals(data, Selection()), aggregate.place_totals_by_rows(data, Selection()))


@pytest.mark.parametrize("weights, expected", [
    ({"drone": [0, 0], "glide_bomb": [0, 0]}, None),      # equal weights: the class of the first strike
    ({"glide_bomb": [0], "drone": [0]}, None),
    ({"drone": [3], "glide_bomb": [1, 1, 1]}, "glide_bomb"),     # 3.001 < 3.003
    ({"drone": [5], "glide_bomb": [2, 2]}, "drone"),
])
def test_the_dominant_class_has_the_largest_weight(tmp_path, weights, expected):
    data = _one_place(tmp_path, weights)
    got = aggregate.place_totals(data, Selection())["weapon"].tolist()
    assert got == [expected or data.strikes["weapon"].iloc[0]]


@pytest.mark.parametrize("place", [PLACES[-1], PLACES[3]], ids=["not located", "a country"])
def test_a_store_with_no_point_on_the_map_equals_the_row_path(tmp_path, place):
    data = _one_place(tmp_path, {"drone": [4, 2], "glide_bomb": [1]}, place)
    assert partials.built(data) is not None
    sel = Selection()
    assert query.summary(data, sel) == query.summary_dict(data, sel, query.summary_parts_by_rows(data, sel))
    assert_frame_equal(aggregate.place_totals(data, sel), aggregate.place_totals_by_rows(data, sel))
    assert_frame_equal(aggregate.unplaced_totals(data, sel),
                       aggregate.place_totals_by_rows(data, sel, ("country", "macro_region", "sea"), True))
    assert_frame_equal(aggregate.series(data, sel), aggregate.series_by_rows(data, sel))
    assert aggregate.latest_per_place(data, sel).tolist() == []


def test_a_fractional_figure_leaves_every_selection_to_the_row_path(data):
    claims = data.full_claims(data.claims)
    claims["launched"] = claims["launched"].astype("Float64").fillna(0.5)
    fractional = Strikes.from_claims(claims)
    assert partials.of(fractional) is None
    assert partials.cells(fractional, Selection()) is None
    assert query.summary(fractional) == query.summary_dict(fractional, Selection(),
                                                           query.summary_parts_by_rows(fractional, Selection()))


@pytest.mark.parametrize("sel", WHOLE_PERIOD[:4] + ROW_PATH)
def test_a_kept_mask_is_the_selections_own_and_read_only(data, sel):
    for other in (sel, Selection(place="kyiv"), query.with_slice(sel, slice="month"), sel):
        keep, rows = query.mask_and_rows(data, other)
        fresh, _ = query._selected(data, other)
        assert keep.tolist() == fresh.tolist() and rows.tolist() == np.flatnonzero(fresh).tolist()
    with pytest.raises(ValueError):
        keep[:1] = True
    listed = Selection(weapon=list(sel.weapon), date_from=sel.date_from)     # a list: kept as a tuple
    assert query.mask(data, listed).tolist() == query.mask(data, query.with_slice(listed, weapon=tuple(sel.weapon))).tolist()


def test_a_selection_with_lists_is_kept_under_its_tuple_key():
    listed = Selection(weapon=["drone"], claimant=["UA", "RU"], slice="month")
    assert query.selection_key(listed) == Selection(weapon=("drone",), claimant=("UA", "RU"))
    assert query.selection_key(Selection(source=[["nested"]])) is None
