"""Aggregates for the views: per place (map circles), per slice (time series), per region.

What leaves the server is one row per place (or region, or slice and class), never one per
event, so the page stays light however large the store grows. Totals use the strikes'
``<figure>_count`` contributions (see dedupe.py), so a map, a chart and the counts agree.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .events import FIGURES
from .grouping import _as_agg_result, _dominant_rows, _first_valid, _joined, _renumber, _take
from .query import Selection, Strikes, _choice, mask, mask_and_rows

#: Places drawn as points; the rest (country totals, macro-regions, seas) are listed, not drawn.
POINT_PRECISIONS = ("facility", "city", "region")
COUNT_COLUMNS = [f"{f}_count" for f in FIGURES]


def slice_starts(dates: pd.Series, size: str) -> pd.Series:
    """The first day of the slice each date falls in ("day", "week" from Monday, "month")."""
    d = pd.to_datetime(dates, errors="coerce")
    if size == "week":
        return (d - pd.to_timedelta(d.dt.day_of_week, unit="D")).dt.normalize()
    if size == "month":
        return d.dt.to_period("M").dt.start_time
    return d.dt.normalize()


def slice_range(start: dt.date, size: str) -> tuple[dt.date, dt.date]:
    """First and last day of the slice that begins at ``start``."""
    if size == "week":
        return start, start + dt.timedelta(days=6)
    if size == "month":
        nxt = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return start, nxt - dt.timedelta(days=1)
    return start, start


def _rows(data: Strikes, sel: Selection, *conditions: np.ndarray) -> np.ndarray:
    """Positions of the strikes in the selection that meet every extra condition."""
    rows = mask_and_rows(data, sel)[1]
    for condition in conditions:
        rows = rows[condition[rows]]
    return rows


def _dates_in_order(data: Strikes, codes: np.ndarray) -> tuple[np.ndarray, pd.Series]:
    """For date ``codes`` (of some strikes, in row order): an index into the distinct dates they
    hold, and those dates as strings.

    The distinct dates keep the order in which the rows first show them, so `slice_starts` of
    them reads its date format from the same first value as it would over all the rows.
    """
    _, values = data.codes("date")
    keys = codes + 1                                # 0: no date
    position, first = _renumber(keys, len(values) + 1)
    return position, pd.Series(_take(values, keys[first] - 1))


def slices_in(data: Strikes, sel: Selection) -> list[dt.date]:
    """The slices of the selection that hold at least one strike, oldest first."""
    from . import partials      # builds on this module
    codes = partials.dates_in_order(data, sel)
    if codes is None:
        codes = data.codes("date")[0][_rows(data, sel)]
    _, dates = _dates_in_order(data, codes)
    starts = slice_starts(dates, sel.slice).dropna().unique()
    return sorted(pd.Timestamp(x).date() for x in starts)


def _place_groups(data: Strikes) -> np.ndarray:
    """One integer per (place, country), missing values being a value of their own."""
    def make():
        place, _ = data.codes("place")
        country, countries = data.codes("country")
        return pd.factorize((place + 1) * (len(countries) + 1) + (country + 1))[0].astype(np.int64)
    return data.derived(("place_groups",), make)


PLACE_COLUMNS = ["place", "country", "admin1", "geo_precision", "lat", "lon", "weapon", "weapons", *FIGURES,
                 "strikes", "reports", "first_date", "last_date", "claimants"]
#: Per place, the first value given of these columns (as groupby's "first").
FIRST_COLUMNS = ("admin1", "geo_precision", "lat", "lon")


def place_totals(data: Strikes, sel: Selection, precisions=POINT_PRECISIONS,
                 by_weapon: bool = False) -> pd.DataFrame:
    """One row per place (per place and weapon class with ``by_weapon``) in the selection:
    totals, the main weapon class, and counts.

    Columns: place, country, admin1, geo_precision, lat, lon, weapon (dominant class),
    weapons (all classes, comma-separated), the figures (sums of contributions, NA if none
    stated), strikes, reports, first_date, last_date, claimants. Whole-period selections and
    date ranges holding a whole month sum the precomputed `partials` (same result); the
    others pass over the selected strikes.
    """
    from . import partials      # builds on this module
    fast = partials.place_totals(data, sel, precisions, by_weapon)
    return fast if fast is not None else place_totals_by_rows(data, sel, precisions, by_weapon)


def drawn_at(data: Strikes, precisions) -> np.ndarray:
    """Per code of ``geo_precision`` (the last entry: missing), whether it is in ``precisions``."""
    _, values = data.codes("geo_precision")
    return np.append(values.isin(list(precisions)).to_numpy(dtype=bool), False)


def place_totals_by_rows(data: Strikes, sel: Selection, precisions=POINT_PRECISIONS,
                         by_weapon: bool = False) -> pd.DataFrame:
    """`place_totals` computed from the selected strikes themselves."""
    s = data.strikes
    codes, _ = data.codes("geo_precision")
    rows = _rows(data, sel, data.derived(("primary located",), lambda: data.flag("primary") & data.flag("located")))
    rows = rows[drawn_at(data, precisions)[codes[rows]]]
    if not len(rows):
        return pd.DataFrame(columns=PLACE_COLUMNS)
    group, first = _renumber(*place_keys(data, by_weapon, rows))
    n, head = len(first), rows[first]
    firsts = {}
    for col in FIRST_COLUMNS:
        at = _first_valid(group, data.given(col)[rows], n)
        firsts[col] = np.where(at >= 0, rows[np.maximum(at, 0)], -1)
    date_code = sorted_dates(data)[0][rows]
    dated = date_code >= 0
    low = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(low, group[dated], date_code[dated])
    high = np.full(n, -1, dtype=np.int64)
    np.maximum.at(high, group[dated], date_code[dated])
    figures = {}
    for f in FIGURES:
        values, stated = data.figure(f"{f}_count")
        figures[f] = (np.bincount(group, weights=values[rows], minlength=n),
                      np.bincount(group, weights=stated[rows], minlength=n))
    weapon, weapons = data.codes("weapon")
    claimant, claimants = data.codes("claimed_by")
    return place_frame(data, head, firsts, np.bincount(group, minlength=n),
                       np.bincount(group, weights=s["n_reports"].to_numpy()[rows], minlength=n), (low, high),
                       figures, _joined(group, weapon[rows], weapons, n, ", "),
                       _joined(group, claimant[rows], claimants, n, "; ", skip_empty=True),
                       _dominant_rows(data, rows, group, n, weapon[rows], head))


def place_keys(data: Strikes, by_weapon: bool, rows=None) -> tuple[np.ndarray, int]:
    """The group key of each strike (of ``rows``) in `place_totals`, and the number of keys."""
    place_group = _place_groups(data)
    size = int(place_group.max()) + 1 if len(place_group) else 1
    key = place_group if rows is None else place_group[rows]
    if by_weapon:   # figures of different weapon classes are never added together in a row
        weapon_code, weapon_values = data.codes("weapon")
        key = key * (len(weapon_values) + 1) + ((weapon_code if rows is None else weapon_code[rows]) + 1)
        size *= len(weapon_values) + 1
    return key, size


def sorted_dates(data: Strikes):
    """Codes of the strikes' dates in sorted order (-1: none), and the sorted dates."""
    return data.derived(("sorted", "date"), lambda: pd.factorize(data.strikes["date"], sort=True))


def place_frame(data: Strikes, head, firsts, strikes, reports, date_range, figures, weapons, claimants,
                dominant) -> pd.DataFrame:
    """The `place_totals` frame from per-group results: rows of the strikes (-1: none) for the
    keys, first values and dominant class; counts; sorted-date codes (low, high; high -1: none);
    (sum, number stated) per figure; joined weapon and claimant names."""
    s = data.strikes
    out = {k: _take(s[k], head) for k in ("place", "country")}
    for col in FIRST_COLUMNS:
        out[col] = _take(s[col], firsts[col])
    out["strikes"] = np.asarray(strikes).astype("int64")
    out["reports"] = np.asarray(reports).astype("int64")
    low, high = date_range
    dates = pd.Series(sorted_dates(data)[1])
    out["first_date"] = _take(dates, np.where(high >= 0, low, -1))
    out["last_date"] = _take(dates, high)
    for f in FIGURES:
        total, stated = figures[f]
        out[f] = pd.array(np.where(stated > 0, total, np.nan), dtype="Float64")
    out["weapons"] = _as_agg_result(s["weapon"], weapons)
    out["claimants"] = _as_agg_result(s["claimed_by"], claimants)
    out["weapon"] = _take(s["weapon"], dominant)
    return pd.DataFrame(out)


def unplaced_totals(data: Strikes, sel: Selection) -> pd.DataFrame:
    """Country-wide, macro-regional and sea figures, one row per place and weapon class: listed
    beside the map, not drawn as points."""
    rest = tuple(p for p in ("country", "macro_region", "sea") if p not in POINT_PRECISIONS)
    return place_totals(data, sel, precisions=rest, by_weapon=True)


def series(data: Strikes, sel: Selection) -> pd.DataFrame:
    """Launched and intercepted per slice and weapon class (long form, for Altair).
    Whole-period selections and date ranges holding a whole month sum the precomputed
    `partials` (same result)."""
    from . import partials      # builds on this module
    fast = partials.series(data, sel)
    return fast if fast is not None else series_by_rows(data, sel)


SERIES_FIGURES = ("launched", "intercepted")


def series_by_rows(data: Strikes, sel: Selection) -> pd.DataFrame:
    """`series` computed from the selected strikes themselves."""
    rows = _rows(data, sel, data.given("date"))
    figures = {}
    for f in SERIES_FIGURES:
        values = data.numbers(f"{f}_count")[rows]
        given = ~np.isnan(values)
        figures[f] = (np.where(given, values, 0.0), given)
    return series_frame(data, sel, data.codes("date")[0][rows], rows, figures)


def series_frame(data: Strikes, sel: Selection, date_codes, at_rows, figures) -> pd.DataFrame:
    """The `series` table from items in row order (strikes, or sums of strikes): each item's
    date code, a strike row of its weapon class, and per figure its (sum, whether stated)."""
    if not len(at_rows):
        return pd.DataFrame(columns=["slice", "weapon", "figure", "value"])
    # Sum per (slice, class) with integer codes, then let pandas shape the small table.
    which, dates = _dates_in_order(data, date_codes)
    starts = slice_starts(dates, sel.slice)
    slice_code = np.asarray(pd.factorize(starts)[0], dtype=np.int64)[which]
    weapon, weapons = data.codes("weapon")
    pair = slice_code * (len(weapons) + 1) + weapon[at_rows]
    ok = (slice_code >= 0) & (weapon[at_rows] >= 0)
    inverse, first = _renumber(pair[ok], (int(slice_code.max()) + 1) * (len(weapons) + 1))
    small = pd.DataFrame({"slice": starts.to_numpy()[which[ok][first]],
                          "weapon": _take(data.strikes["weapon"], at_rows[ok][first])})
    small["slice"] = small["slice"].astype(starts.dtype)
    values = []
    for f in SERIES_FIGURES:
        figure, given = figures[f]
        total = np.bincount(inverse, weights=figure[ok], minlength=len(first))
        values.append(np.where(np.bincount(inverse, weights=given[ok], minlength=len(first)) > 0, total, np.nan))
    return _long_series(small, values)


def _long_series(small: pd.DataFrame, values: list[np.ndarray]) -> pd.DataFrame:
    """One row per (slice, class, figure) with a value: what ``groupby(["slice", "weapon"]).sum()``
    then ``melt`` and ``dropna`` give for pairs that are already distinct, without their cost."""
    order = small.sort_values(["slice", "weapon"], kind="stable").index.to_numpy()
    m = len(order)
    value = np.concatenate([v[order] for v in values])
    kept = np.flatnonzero(~np.isnan(value))
    table = small.iloc[np.tile(order, len(values))[kept]].reset_index(drop=True)
    table["figure"] = pd.Series(np.repeat(np.array(SERIES_FIGURES, dtype=object), m)[kept]).astype("str")
    table["value"] = value[kept]
    table.index = pd.Index(kept)
    return table


def region_totals(data: Strikes, sel: Selection, figure: str = "intercepted") -> pd.DataFrame:
    """Per admin-1 region and country: the sum of ``figure`` (cities and the region's own)."""
    rows = _rows(data, sel, data.given("admin1"))
    s = data.strikes[["admin1", "country", f"{figure}_count", "strike_id"]].iloc[rows]
    if s.empty:
        return pd.DataFrame(columns=["admin1", "country", "value", "strikes"])
    grouped = s.groupby(["admin1", "country"])
    out = grouped.agg(strikes=("strike_id", "size"))
    out.insert(0, "value", grouped[f"{figure}_count"].sum(min_count=1))     # NA when none stated
    return out.reset_index()


def _firsts_of(data: Strikes, column: str, rows: np.ndarray, group: np.ndarray, n: int) -> pd.Series:
    """Per group, the first value of ``column`` that is not missing (as groupby's "first")."""
    at = _first_valid(group, data.given(column)[rows], n)
    return _take(data.strikes[column], np.where(at >= 0, rows[np.maximum(at, 0)], -1))


def _sum_of(data: Strikes, column: str, rows: np.ndarray, group: np.ndarray, n: int) -> pd.api.extensions.ExtensionArray:
    """Per group, the sum of ``column`` (NA where no row states it, as ``sum(min_count=1)``)."""
    values, stated = data.figure(column)
    total = np.bincount(group, weights=values[rows], minlength=n)
    return pd.array(np.where(np.bincount(group, weights=stated[rows], minlength=n) > 0, total, np.nan),
                    dtype="Float64")


def launch_arcs(data: Strikes, sel: Selection) -> pd.DataFrame:
    """Launch site → target pairs where both are known and the target is a point on the map
    (a city, facility or region, never a country or macro-region), with how many strikes."""
    s = data.strikes
    # only to targets drawn as points: an arc to a country's centre would show a strike there
    codes, values = data.codes("geo_precision")
    drawn = np.append(values.isin(list(POINT_PRECISIONS)).to_numpy(dtype=bool), False)[codes]
    rows = _rows(data, sel, data.given("launch_lat"), data.flag("located"), drawn)
    keyed = rows[(data.given("launch_place") & data.given("place"))[rows]]
    if not len(rows):
        return pd.DataFrame(columns=["launch_place", "launch_lat", "launch_lon", "place", "lat", "lon",
                                     "weapon", "strikes", "launched"])
    if not len(keyed):         # every key missing: let groupby say what that gives
        grouped = s[["launch_place", "place", "launch_lat", "launch_lon", "lat", "lon", "weapon", "strike_id",
                     "launched_count"]].iloc[rows].groupby(["launch_place", "place"], sort=False)
        out = grouped.agg(launch_lat=("launch_lat", "first"), launch_lon=("launch_lon", "first"),
                          lat=("lat", "first"), lon=("lon", "first"), weapon=("weapon", "first"),
                          strikes=("strike_id", "size"))
        out["launched"] = grouped["launched_count"].sum(min_count=1)
        return out.reset_index()
    def make():
        site, _ = data.codes("launch_place")
        place, places = data.codes("place")
        return pd.factorize((site + 1) * (len(places) + 1) + (place + 1))[0].astype(np.int64)
    pair = data.derived(("arc groups",), make)
    group, first = _renumber(pair[keyed], int(pair.max()) + 1)
    n, head = len(first), keyed[first]
    out = {"launch_place": _take(s["launch_place"], head), "place": _take(s["place"], head)}
    for col in ("launch_lat", "launch_lon", "lat", "lon", "weapon"):
        out[col] = _firsts_of(data, col, keyed, group, n)
    out["strikes"] = np.bincount(group, minlength=n).astype("int64")
    out["launched"] = _sum_of(data, "launched_count", keyed, group, n)
    return pd.DataFrame(out)


def strikes_at(data: Strikes, sel: Selection, place: str, country: str | None) -> pd.DataFrame:
    """Every strike behind one place of the map, newest first, with all its columns (the details
    panel)."""
    codes, countries = data.codes("country")
    same_country = np.append(countries.to_numpy() == (country or ""), (country or "") == "")[codes]
    keep = mask(data, sel)
    same = _choice(data, "place", (place,)) & same_country
    rows = data.rows(np.flatnonzero(keep & same))       # indexed by position, as `s[keep][same]`
    return rows.sort_values("date", ascending=False, na_position="last")


def claims_of(data: Strikes, strike_ids) -> pd.DataFrame:
    """The claims (one per report sentence) behind the given strikes."""
    wanted = np.isin(data.claim_strike, np.asarray(list(strike_ids)))
    return data.full_claims(data.claims[wanted])


def drawable(data: Strikes) -> np.ndarray:
    """Per strike, whether the map draws it: a primary strike at a located point place."""
    codes, _ = data.codes("geo_precision")
    return data.derived(("drawable",), lambda: data.flag("primary") & drawn_at(data, POINT_PRECISIONS)[codes]
                        & data.flag("located"))


def date_order(data: Strikes) -> np.ndarray:
    """Strike rows in date order (undated first; ties in row order)."""
    return data.derived(("date order",), lambda: np.argsort(
        data.dates.astype("datetime64[ns]").astype("int64"), kind="stable"))


def tip_places(data: Strikes) -> np.ndarray:
    """One integer per (place, country) of each strike, a missing name read as "" (tooltips)."""
    s = data.strikes
    return data.derived(("tip places",), lambda: np.asarray(pd.factorize(
        s["place"].fillna("").astype(str) + "|" + s["country"].fillna("").astype(str))[0]))


def latest_per_place(data: Strikes, sel: Selection) -> np.ndarray:
    """Rows of the latest drawn strike of each place in the selection (ordered by `tip_places`):
    the report a circle's tooltip quotes."""
    from . import partials      # builds on this module
    fast = partials.latest_per_place(data, sel)
    if fast is not None:
        return fast
    rows = _rows(data, sel, drawable(data))
    latest = np.full(int(tip_places(data).max()) + 1 if len(data.strikes) else 0, -1, dtype=np.int64)
    np.maximum.at(latest, tip_places(data)[rows], date_rank(data)[rows])    # O(n): no sort
    return date_order(data)[latest[latest >= 0]]


def date_rank(data: Strikes) -> np.ndarray:
    """Each strike's position in `date_order` (int32 below 2**31 strikes: 4 MB at 1M)."""
    def make():
        order = date_order(data)
        rank = np.empty(len(order), dtype=np.int32 if len(order) < 2**31 else np.int64)
        rank[order] = np.arange(len(order))
        return rank
    return data.derived(("date rank",), make)
