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
from .query import Selection, Strikes, _choice, mask

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
    keep = mask(data, sel)
    for condition in conditions:
        keep &= condition
    return np.flatnonzero(keep)


def _renumber(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Keys in ``[0, size)`` renumbered 0, 1, ... in the order they first appear (as groupby with
    ``sort=False`` numbers groups), and where each group first appears. O(n), no sorting of n."""
    first = np.full(size, len(keys), dtype=np.int64)
    np.minimum.at(first, keys, np.arange(len(keys)))
    present = np.flatnonzero(first < len(keys))
    order = present[np.argsort(first[present], kind="stable")]
    number = np.empty(size, dtype=np.int64)
    number[order] = np.arange(len(order))
    return number[keys], first[order]


def _dates_in_order(data: Strikes, rows: np.ndarray) -> tuple[np.ndarray, pd.Series]:
    """For ``rows``: an index into the distinct dates they hold, and those dates as strings.

    The distinct dates keep the order in which the rows first show them, so `slice_starts` of
    them reads its date format from the same first value as it would over all the rows.
    """
    codes, values = data.codes("date")
    keys = codes[rows] + 1                          # 0: no date
    position, first = _renumber(keys, len(values) + 1)
    return position, pd.Series(_take(values, keys[first] - 1))


def slices_in(data: Strikes, sel: Selection) -> list[dt.date]:
    """The slices of the selection that hold at least one strike, oldest first."""
    _, dates = _dates_in_order(data, _rows(data, sel))
    starts = slice_starts(dates, sel.slice).dropna().unique()
    return sorted(pd.Timestamp(x).date() for x in starts)


def _dominant_weapon(rows: pd.DataFrame, keys: list[str]) -> pd.Series:
    """The weapon class with the largest figure (else the most strikes) at each key."""
    weight = rows[["launched_count", "intercepted_count", "hit_count"]].fillna(0).sum(axis=1)
    weight = weight + 1e-3  # a strike without figures still counts a little
    table = rows.assign(_w=weight).groupby([*keys, "weapon"], sort=False)["_w"].sum().reset_index()
    table = table.sort_values("_w", ascending=False, kind="stable").drop_duplicates(keys)
    return table.set_index(keys)["weapon"]


def _take(column: pd.Series, rows: np.ndarray) -> pd.Series:
    """``column`` at ``rows`` (-1: missing), in the column's own dtype."""
    return pd.Series(column.array.take(rows, allow_fill=True), dtype=column.dtype)


def _as_agg_result(column: pd.Series, values: list) -> pd.Series:
    """``values`` typed as groupby's ``agg(func)`` types a per-group result of ``column``."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    cast = getattr(column.array, "_cast_pointwise_result", None)
    return pd.Series(cast(array) if cast else list(values))


def _first_valid(group: np.ndarray, valid: np.ndarray, n: int) -> np.ndarray:
    """Per group, the first position where ``valid``; -1 where there is none."""
    pos = np.flatnonzero(valid)
    out = np.full(n, len(group), dtype=np.int64)
    np.minimum.at(out, group[pos], pos)
    return np.where(out < len(group), out, -1)


def _joined(group: np.ndarray, codes: np.ndarray, values: pd.Series, n: int, sep: str,
            skip_empty: bool = False) -> list[str]:
    """Per group, its distinct values (missing ones left out) sorted and joined by ``sep``."""
    names = values.to_numpy(dtype=object)
    valid = [i for i, x in enumerate(names) if isinstance(x, str) and (x or not skip_empty)]
    ordered = sorted(valid, key=names.__getitem__)
    rank = np.full(len(names) + 1, -1, dtype=np.int64)        # the last entry: missing (code -1)
    rank[ordered] = np.arange(len(ordered))
    r = rank[codes]
    sorted_names = names[ordered] if ordered else names[:0]
    if len(ordered) < 63:      # few values (weapon classes): one bit each, joined once per set
        bits = np.zeros(n, dtype=np.int64)
        np.bitwise_or.at(bits, group[r >= 0], np.left_shift(1, r[r >= 0]))
        sets, which = np.unique(bits, return_inverse=True)
        words = [sep.join(sorted_names[[k for k in range(len(ordered)) if b >> k & 1]]) for b in sets.tolist()]
        return [words[w] for w in which.ravel().tolist()]
    pairs = np.sort(pd.unique(group[r >= 0] * (len(ordered) + 1) + r[r >= 0]))
    owner, which = pairs // (len(ordered) + 1), pairs % (len(ordered) + 1)
    bounds = np.searchsorted(owner, np.arange(n + 1))
    return [sep.join(sorted_names[which[i:j]]) for i, j in zip(bounds[:-1], bounds[1:])]


def _place_groups(data: Strikes) -> np.ndarray:
    """One integer per (place, country), missing values being a value of their own."""
    def make():
        place, _ = data.codes("place")
        country, countries = data.codes("country")
        return pd.factorize((place + 1) * (len(countries) + 1) + (country + 1))[0].astype(np.int64)
    return data.derived(("place_groups",), make)


def place_totals(data: Strikes, sel: Selection, precisions=POINT_PRECISIONS,
                 by_weapon: bool = False) -> pd.DataFrame:
    """One row per place (per place and weapon class with ``by_weapon``) in the selection:
    totals, the main weapon class, and counts.

    Columns: place, country, admin1, geo_precision, lat, lon, weapon (dominant class),
    weapons (all classes, comma-separated), the figures (sums of contributions, NA if none
    stated), strikes, reports, first_date, last_date, claimants.
    """
    s = data.strikes
    codes, values = data.codes("geo_precision")
    drawn = np.append(values.isin(list(precisions)).to_numpy(dtype=bool), False)[codes]
    rows = _rows(data, sel, data.flag("primary"), drawn, data.flag("located"))
    keys = ["place", "country"]
    if not len(rows):
        return pd.DataFrame(columns=[*keys, "admin1", "geo_precision", "lat", "lon", "weapon", "weapons",
                                     *FIGURES, "strikes", "reports", "first_date", "last_date", "claimants"])
    # groups numbered in the order the rows first show them (as groupby(sort=False))
    place_group = _place_groups(data)
    size = int(place_group.max()) + 1
    if by_weapon:   # figures of different weapon classes are never added together in a row
        weapon_code, weapon_values = data.codes("weapon")
        place_group = place_group * (len(weapon_values) + 1) + (weapon_code + 1)
        size *= len(weapon_values) + 1
    group, first = _renumber(place_group[rows], size)
    n, head = len(first), rows[first]
    out = {k: _take(s[k], head) for k in keys}
    for col in ("admin1", "geo_precision", "lat", "lon"):
        out[col] = _firsts_of(data, col, rows, group, n)
    out["strikes"] = np.bincount(group, minlength=n).astype("int64")
    out["reports"] = np.bincount(group, weights=s["n_reports"].to_numpy()[rows], minlength=n).astype("int64")
    date_code, dates = data.derived(("sorted", "date"), lambda: pd.factorize(s["date"], sort=True))
    date_code = np.asarray(date_code)[rows]
    dated = date_code >= 0
    low = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(low, group[dated], date_code[dated])
    high = np.full(n, -1, dtype=np.int64)
    np.maximum.at(high, group[dated], date_code[dated])
    out["first_date"] = _take(pd.Series(dates), np.where(high >= 0, low, -1))
    out["last_date"] = _take(pd.Series(dates), high)
    for f in FIGURES:
        out[f] = _sum_of(data, f"{f}_count", rows, group, n)
    weapon, weapons = data.codes("weapon")
    out["weapons"] = _as_agg_result(s["weapon"], _joined(group, weapon[rows], weapons, n, ", "))
    claimant, claimants = data.codes("claimed_by")
    out["claimants"] = _as_agg_result(s["claimed_by"], _joined(group, claimant[rows], claimants, n, "; ",
                                                               skip_empty=True))
    out["weapon"] = _take(s["weapon"], _dominant_rows(data, rows, group, n, weapon[rows], head))
    return pd.DataFrame(out)


def _kahan(values) -> float:
    """A sum as pandas' groupby adds floats (compensated), so near-equal weights order alike."""
    total = compensation = 0.0
    for v in values:
        y = v - compensation
        t = total + y
        compensation = (t - total) - y
        if compensation != compensation:
            compensation = 0.0
        total = t
    return total


def _dominant_rows(data: Strikes, rows, group, n, weapon, head) -> np.ndarray:
    """Per group, a row holding its dominant weapon class (as `_dominant_weapon`); -1: none.

    Weights per (group, class) are summed with bincount; where the best weights of a group are
    within rounding of each other they are summed again as pandas does, so the same class wins.
    Rows without a class, and groups with a missing place or country, take no part (groupby
    drops missing keys).
    """
    def make():
        l, i, h = (data.figure(f"{f}_count")[0] for f in ("launched", "intercepted", "hit"))
        return ((l + i) + h) + 1e-3        # row by row as DataFrame.sum(axis=1) + 1e-3 computes it
    weight = data.derived(("dominant weight",), make)[rows]
    ok = np.flatnonzero(weapon >= 0)
    width = int(weapon.max()) + 1 if len(ok) else 1
    pair = group[ok] * width + weapon[ok]
    inverse, first = _renumber(pair, n * width)
    total = np.bincount(inverse, weights=weight[ok], minlength=len(first))
    owner = pair[first] // width
    best = np.lexsort((first, -total, owner))
    starts = np.flatnonzero(np.r_[True, owner[best][1:] != owner[best][:-1]])
    winner = best[starts]
    # groups whose runner-up is within rounding of the winner: decide with pandas' own sums
    top = np.empty(n)
    top[owner[winner]] = total[winner]
    close = np.flatnonzero(total >= top[owner] - 1e-9 * np.maximum(1.0, np.abs(top[owner])))
    tied = np.flatnonzero(np.bincount(owner[close], minlength=n) > 1)
    if len(tied):
        pairs = close[np.isin(owner[close], tied)]
        members = np.flatnonzero(np.isin(inverse, pairs))
        exact = {p: _kahan(weight[ok][members[inverse[members] == p]]) for p in pairs}
        for g in tied:
            candidates = [p for p in pairs if owner[p] == g]
            winner[np.searchsorted(owner[winner], g)] = min(candidates, key=lambda p: (-exact[p], first[p]))
    out = np.full(n, -1, dtype=np.int64)
    out[owner[winner]] = rows[ok[first[winner]]]
    out[(data.given("place", missing=True) | data.given("country", missing=True))[head]] = -1
    return out


def unplaced_totals(data: Strikes, sel: Selection) -> pd.DataFrame:
    """Country-wide, macro-regional and sea figures, one row per place and weapon class: listed
    beside the map, not drawn as points."""
    rest = tuple(p for p in ("country", "macro_region", "sea") if p not in POINT_PRECISIONS)
    return place_totals(data, sel, precisions=rest, by_weapon=True)


def series(data: Strikes, sel: Selection) -> pd.DataFrame:
    """Launched and intercepted per slice and weapon class (long form, for Altair)."""
    rows = _rows(data, sel, data.given("date"))
    if not len(rows):
        return pd.DataFrame(columns=["slice", "weapon", "figure", "value"])
    # Sum per (slice, class) with integer codes, then let pandas shape the small table.
    which, dates = _dates_in_order(data, rows)
    starts = slice_starts(dates, sel.slice)
    slice_code = np.asarray(pd.factorize(starts)[0], dtype=np.int64)[which]
    weapon, weapons = data.codes("weapon")
    pair = slice_code * (len(weapons) + 1) + weapon[rows]
    ok = (slice_code >= 0) & (weapon[rows] >= 0)
    inverse, first = _renumber(pair[ok], (int(slice_code.max()) + 1) * (len(weapons) + 1))
    small = pd.DataFrame({"slice": starts.to_numpy()[which[ok][first]],
                          "weapon": _take(data.strikes["weapon"], rows[ok][first])})
    for f in ("launched", "intercepted"):
        values = data.numbers(f"{f}_count")[rows][ok]
        given = ~np.isnan(values)
        total = np.bincount(inverse[given], weights=values[given], minlength=len(first))
        stated = np.bincount(inverse[given], minlength=len(first)) > 0
        small[f"{f}_count"] = pd.array(np.where(stated, total, np.nan), dtype="Float64")
    small["slice"] = small["slice"].astype(starts.dtype)
    table = (small.groupby(["slice", "weapon"])[["launched_count", "intercepted_count"]].sum(min_count=1)
             .rename(columns={"launched_count": "launched", "intercepted_count": "intercepted"})
             .reset_index()
             .melt(id_vars=["slice", "weapon"], var_name="figure", value_name="value")
             .dropna(subset=["value"]))
    table["value"] = table["value"].astype("float64")
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
