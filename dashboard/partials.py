"""Partial sums per cell, built once per loaded store, for whole-period selections and (with
`ranges`) date ranges.

A cell is one (weapon class, country, claimant side). A selection that filters on nothing
else (no dates, no place search, no source) is a union of cells, so its summary, place totals,
series and tooltip rows are sums over a few thousand precomputed entries instead of a pass over
every strike: at 1M events the default view and any weapon, country or side choice over all
dates. The answers equal the row path's (tests/test_partials.py compares them): entries keep
their first strike row, so "first" values and orders come out the same, and sums are of whole
numbers (as reports state figures), exact in any order. A store with a fractional figure gets
no partials: every selection then takes the row path. A date range is a union of cells of
`ranges`' year and month tables plus its end days (`cells` hands it over).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import aggregate as agg
from . import query, ranges
from .events import FIGURES
from .grouping import _dominant_rows, _first_valid, _joined, _renumber
from .query import FILTERS, SUMMARY_FIGURES, Selection, Strikes

#: The strike columns a cell fixes (the choice filters a whole-period selection may use).
CELL_COLUMNS = ("weapon", "country", "side")
NONE = np.iinfo(np.int64).max      # "no row" in a minimum


@dataclass
class Entries:
    """One partial table: per entry (cell, key) its cell, first strike row and columns of sums,
    entries numbered in the order of their first rows."""

    cell: np.ndarray
    first: np.ndarray
    cols: dict

    def nbytes(self) -> int:
        return self.cell.nbytes + self.first.nbytes + sum(np.asarray(v).nbytes for v in self.cols.values())


@dataclass
class Partials:
    """Every partial table of one `Strikes` (see `build`)."""

    cell_codes: dict          # strike column -> code of each cell's value (-1: missing)
    cell_of: np.ndarray       # the cell of each strike
    by_place: tuple           # primary located strikes by place group: (rows, start of each group)
    totals: Entries           # per cell: every strike (summary)
    places: Entries           # per (cell, place group, precision): primary located strikes
    dates: Entries            # per (cell, date): dated strikes (series, slices)
    tips: Entries             # per (cell, tip place): the latest drawable strike (tooltips)
    pairs: dict               # distinct (entry or cell, code) pairs: "claimants", "places", "reports"

    def nbytes(self) -> int:
        """Memory held, in bytes (the strike-sized arrays the page keeps anyway not counted)."""
        tables = (self.totals, self.places, self.dates, self.tips)
        held = self.cell_of.nbytes + sum(a.nbytes for a in self.by_place) + sum(t.nbytes() for t in tables)
        return held + sum(a.nbytes + b.nbytes for a, b in self.pairs.values())


KEY = ("partials",)


def of(data: Strikes) -> Partials | None:
    """The partial sums of ``data``, built once and cached with it (None: not usable), and with
    them the year and month tables of `ranges`. The page builds them when it loads a store
    (`views/data.build_loaded`)."""
    base = data.derived(KEY, lambda: build(data))
    ranges.periods(data, base)
    return base


def built(data: Strikes) -> Partials | None:
    """The partial sums if `of` built them, else None: a one-off query (the command line, a
    slide, the naive benchmark) costs less by the rows than building them first."""
    return data._derived.get(KEY)       # Strikes.derived would build them


def _entries(key: np.ndarray, rows: np.ndarray, cell: np.ndarray) -> tuple[np.ndarray, Entries]:
    """The entry of each of ``rows`` (ascending) by ``key``, and the entries' cells and first rows."""
    number = np.asarray(pd.factorize(key)[0], dtype=np.int64)
    first = np.full(int(number.max()) + 1 if len(number) else 0, len(number), dtype=np.int64)
    np.minimum.at(first, number, np.arange(len(number)))
    return number, Entries(cell=cell[rows[first]].astype(np.int32), first=rows[first], cols={})


def _pairs(owner: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (owner, code) pairs, in the order they first appear."""
    width = int(codes.max()) + 2 if len(codes) else 1
    both = pd.unique(owner.astype(np.int64) * width + (codes + 1))
    return (both // width).astype(np.int32), (both % width - 1).astype(np.int32)


def _whole(values: np.ndarray) -> bool:
    return bool(np.all(values == np.rint(values)) and np.abs(values).sum() < 2.0 ** 52)


def build(data: Strikes, subset: np.ndarray | None = None, period: np.ndarray | None = None) -> Partials | None:
    """Every partial table; None when there are no strikes or a figure is not a whole number.
    ``subset`` (ascending rows): tables of those strikes only (`ranges`: the edge days of a date
    range); ``period`` (a code per strike, -1: undated): cells also fix it (`ranges`: years, months)."""
    n = len(data.strikes)
    if subset is None and (not n or not all(_whole(data.figure(f"{f}_count")[0]) for f in FIGURES)):
        return None
    every = np.arange(n) if subset is None else subset
    key = np.zeros(len(every), dtype=np.int64)
    for column in CELL_COLUMNS:
        codes, values = data.codes(column)
        key = key * (len(values) + 1) + (codes[every] + 1)
    if period is not None:
        key = key * (int(period.max()) + 2) + (period[every] + 1)
    number, cells = _entries(key, every, np.broadcast_to(np.int32(0), (n,)))     # no n-sized copy
    cell_of = np.full(n, -1, dtype=np.int32)
    cell_of[every] = number
    m = len(cells.first)
    cell_codes = {c: data.codes(c)[0][cells.first] for c in CELL_COLUMNS}
    if period is not None:
        cell_codes["period"] = period[cells.first]
    totals = Entries(cell=np.arange(m, dtype=np.int32), first=cells.first, cols={})
    for f in SUMMARY_FIGURES + ("killed", "injured"):
        values, stated = data.figure(f"{f}_count")
        totals.cols[f] = np.bincount(number, weights=values[every], minlength=m)
        totals.cols[f"{f} stated"] = np.bincount(number, weights=stated[every], minlength=m)
    primary, located = data.flag("primary")[every], data.flag("located")[every]
    totals.cols["events"] = np.bincount(number[primary], minlength=m)
    pairs = {}
    rows = every[primary & located]
    place_codes, _ = data.codes("place")
    pairs["places"] = _pairs(cell_of[rows], place_codes[rows])
    report_codes, _ = data.codes("report_id", table="claims")
    owner = cell_of[data.claim_strike]
    claimed = owner >= 0
    pairs["reports"] = _pairs(owner[claimed], report_codes[claimed])
    places, pairs["claimants"] = _place_entries(data, cell_of, rows)
    by_place = (np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64))    # only the whole table's
    if subset is None and period is None:
        group = agg.place_keys(data, False)[0][rows]
        order = np.argsort(group, kind="stable")
        starts = np.searchsorted(group[order], np.arange(int(group.max()) + 2 if len(group) else 1))
        by_place = (rows[order].astype(np.int32), starts)
    return Partials(cell_codes=cell_codes, cell_of=cell_of, by_place=by_place, totals=totals, places=places,
                    dates=_date_entries(data, cell_of, every[data.given("date")[every]]),
                    tips=_tip_entries(data, cell_of, every[agg.drawable(data)[every]]), pairs=pairs)


def _place_entries(data: Strikes, cell_of: np.ndarray, rows: np.ndarray):
    """Per (cell, place group, precision) of the primary located strikes: what `place_totals`
    adds up, and the distinct (entry, claimant code) pairs."""
    group, size = agg.place_keys(data, False, rows)
    precision, precisions = data.codes("geo_precision")
    key = (cell_of[rows].astype(np.int64) * size + group) * (len(precisions) + 1) + precision[rows] + 1
    number, table = _entries(key, rows, cell_of)
    m = len(table.first)
    table.cols["group"], table.cols["precision"] = agg.place_keys(data, False)[0][table.first], precision[table.first]
    for col in agg.FIRST_COLUMNS:
        at = _first_valid(number, data.given(col)[rows], m)
        table.cols[f"first {col}"] = np.where(at >= 0, rows[np.maximum(at, 0)], NONE)
    table.cols["strikes"] = np.bincount(number, minlength=m)
    table.cols["reports"] = np.bincount(number, weights=data.strikes["n_reports"].to_numpy()[rows], minlength=m)
    date_code = agg.sorted_dates(data)[0][rows]
    low, high = np.full(m, NONE), np.full(m, -1, dtype=np.int64)
    dated = date_code >= 0
    np.minimum.at(low, number[dated], date_code[dated])
    np.maximum.at(high, number[dated], date_code[dated])
    table.cols["low"], table.cols["high"] = low, high
    weight = np.zeros(len(rows))
    for f in FIGURES:
        values, stated = data.figure(f"{f}_count")
        table.cols[f] = np.bincount(number, weights=values[rows], minlength=m)
        table.cols[f"{f} stated"] = np.bincount(number, weights=stated[rows], minlength=m)
        if f in ("launched", "intercepted", "hit"):
            weight += values[rows]
    table.cols["weight"] = np.bincount(number, weights=weight, minlength=m)
    claimant, _ = data.codes("claimed_by")
    return table, _pairs(number, claimant[rows])


def _date_entries(data: Strikes, cell_of: np.ndarray, rows: np.ndarray) -> Entries:
    """Per (cell, date) of the dated strikes ``rows``: launched and intercepted sums (series, slices)."""
    date_code, _ = data.codes("date")
    number, table = _entries(cell_of[rows].astype(np.int64) * (len(data.codes("date")[1]) + 1) + date_code[rows] + 1,
                             rows, cell_of)
    m = len(table.first)
    table.cols["date"] = date_code[table.first]
    for f in agg.SERIES_FIGURES:
        values, stated = data.figure(f"{f}_count")
        table.cols[f] = np.bincount(number, weights=values[rows], minlength=m)
        table.cols[f"{f} stated"] = np.bincount(number, weights=stated[rows], minlength=m)
    return table


def _tip_entries(data: Strikes, cell_of: np.ndarray, rows: np.ndarray) -> Entries:
    """Per (cell, tip place) of the drawable strikes ``rows``: the latest one's place in `date_order`."""
    tip_place = agg.tip_places(data)
    size = data.derived(("tip places", "size"), lambda: int(tip_place.max()) + 1)
    number, table = _entries(cell_of[rows].astype(np.int64) * size + tip_place[rows],
                             rows, cell_of)
    latest = np.full(len(table.first), -1, dtype=np.int64)
    np.maximum.at(latest, number, agg.date_rank(data)[rows])
    table.cols["tip place"], table.cols["latest"] = tip_place[table.first], latest
    return table


def cells(data: Strikes, sel: Selection) -> tuple[Partials, np.ndarray] | None:
    """The partials and which of their cells make up ``sel``; None when ``sel`` is not a union of
    cells (a place search, sources, a date range without a whole month: `ranges.cells`)."""
    values = sel.values()
    asked = [f for f in FILTERS if values[f.param]]
    if any(f.kind == "contains" or (f.kind == "choice" and f.column not in CELL_COLUMNS) for f in asked):
        return None
    p = built(data)
    if p is None:
        return None

    def hit_of(table: Partials) -> np.ndarray:
        hit = np.ones(len(table.totals.first), dtype=bool)
        for f in asked:
            if f.kind == "choice":          # as query._choice: a missing value matches nothing
                _, uniques = data.codes(f.column)
                hit &= np.append(uniques.isin(list(values[f.param])).to_numpy(dtype=bool), False)[table.cell_codes[f.column]]
        return hit
    if sel.date_from or sel.date_to:
        return ranges.cells(data, sel, hit_of)
    return p, hit_of(p)


def _seen(codes: np.ndarray, size: int) -> np.ndarray:
    """The distinct non-negative ``codes``, in code order."""
    seen = np.zeros(size + 1, dtype=bool)
    seen[codes] = True
    return np.flatnonzero(seen[:size])


# -- the answers ------------------------------------------------------------------------------
def summary_parts(data: Strikes, sel: Selection) -> dict | None:
    """`query.summary_parts_by_rows` from the cells of ``sel`` (None: not a union of cells)."""
    found = cells(data, sel)
    if found is None:
        return None
    p, hit = found
    t = p.totals.cols
    weapon_codes, weapons = data.codes("weapon")
    weapon = p.cell_codes["weapon"][hit] + 1
    parts: dict = {"sums": {}}
    for f in SUMMARY_FIGURES:
        parts["sums"][f] = (np.bincount(weapon, weights=t[f][hit], minlength=len(weapons) + 1)[1:],
                            np.bincount(weapon, weights=t[f"{f} stated"][hit], minlength=len(weapons) + 1)[1:] > 0)
    for f in ("killed", "injured"):
        parts[f] = (float(t[f][hit].sum()), bool(t[f"{f} stated"][hit].any()))
    parts["events"] = int(t["events"][hit].sum())
    for name, column, table in (("places", "place", "strikes"), ("reports", "report_id", "claims")):
        owner, codes = p.pairs[name]
        parts[name] = len(_seen(codes[hit[owner]], len(data.codes(column, table=table)[1])))
    _, countries = data.codes("country")
    present = p.cell_codes["country"][hit & (t["events"] > 0)]
    parts["countries"] = tuple(sorted(countries.iloc[_seen(present[present >= 0], len(countries))]))
    return parts


def place_totals(data: Strikes, sel: Selection, precisions, by_weapon: bool) -> pd.DataFrame | None:
    """`aggregate.place_totals` from the cells of ``sel`` (None: not a union of cells)."""
    found = cells(data, sel)
    if found is None:
        return None
    p, hit = found
    t = p.places.cols
    e = np.flatnonzero(hit[p.places.cell] & agg.drawn_at(data, precisions)[t["precision"]])
    if not len(e):
        return pd.DataFrame(columns=agg.PLACE_COLUMNS)
    weapon = p.cell_codes["weapon"][p.places.cell[e]]
    key, size = t["group"][e], agg.place_keys(data, False)[1]
    if by_weapon:
        n_weapons = len(data.codes("weapon")[1]) + 1
        key, size = key * n_weapons + weapon + 1, size * n_weapons
    group, first = _renumber(key, size)       # entries are in first-row order, as the rows
    n = len(first)
    head = p.places.first[e][first]
    firsts = {}
    for col in agg.FIRST_COLUMNS:
        at = np.full(n, NONE)
        np.minimum.at(at, group, t[f"first {col}"][e])
        firsts[col] = np.where(at < NONE, at, -1)
    low, high = np.full(n, NONE), np.full(n, -1, dtype=np.int64)
    np.minimum.at(low, group, t["low"][e])
    np.maximum.at(high, group, t["high"][e])
    sums = {f: (np.bincount(group, weights=t[f][e], minlength=n),
                np.bincount(group, weights=t[f"{f} stated"][e], minlength=n)) for f in FIGURES}
    _, weapons = data.codes("weapon")
    claimant_entry, claimant = p.pairs["claimants"]
    group_of = np.full(len(p.places.first), -1, dtype=np.int64)
    group_of[e] = group
    g = group_of[claimant_entry]
    claimants = _joined(g[g >= 0], claimant[g >= 0], data.codes("claimed_by")[1], n, "; ", skip_empty=True)
    return agg.place_frame(
        data, head, firsts, np.bincount(group, weights=t["strikes"][e], minlength=n),
        np.bincount(group, weights=t["reports"][e], minlength=n), (low, high), sums,
        _joined(group, weapon, weapons, n, ", "), claimants,
        _dominant(data, p, sel, e, group, weapon, head, (key, size, precisions, by_weapon)))


def _dominant(data: Strikes, p: Partials, sel, e, group, weapon, head, group_keys) -> np.ndarray:
    """`aggregate._dominant_rows` from entries: per group the class with the largest weight,
    where weight = sum(launched + intercepted + hit) + 0.001 per strike (exact here: whole
    numbers). Groups whose best classes are within 1e-6 of each other are left to the row path
    on their own strikes, which settles near-ties as pandas would."""
    n = len(head)
    ok = np.flatnonzero(weapon >= 0)
    width = int(weapon.max()) + 1 if len(ok) else 1
    pair = group[ok] * width + weapon[ok]
    inverse, first = _renumber(pair, n * width)
    t = p.places.cols
    total = (np.bincount(inverse, weights=t["weight"][e][ok], minlength=len(first))
             + 1e-3 * np.bincount(inverse, weights=t["strikes"][e][ok], minlength=len(first)))
    first_row = p.places.first[e][ok][first]       # entries in first-row order: the pair's first row
    owner = pair[first] // width
    best = np.lexsort((first_row, -total, owner))
    winner = best[np.flatnonzero(np.r_[True, owner[best][1:] != owner[best][:-1]])]
    top = np.zeros(n)
    top[owner[winner]] = total[winner]
    close = total >= top[owner] - 1e-6 * np.maximum(1.0, np.abs(top[owner]))
    out = np.full(n, -1, dtype=np.int64)
    out[owner[winner]] = first_row[winner]
    unsure = np.flatnonzero(np.bincount(owner[close], minlength=n) > 1)
    if len(unsure):
        key_of_group = np.empty(n, dtype=np.int64)
        key_of_group[group] = group_keys[0]
        out[unsure] = _dominant_by_rows(data, p, sel, key_of_group[unsure], *group_keys[1:])
    out[(data.given("place", missing=True) | data.given("country", missing=True))[head]] = -1
    return out


def _dominant_by_rows(data: Strikes, p: Partials, sel, keys, size, precisions, by_weapon) -> np.ndarray:
    """`_dominant_rows` over the selected strikes of the groups with these ``keys`` (in order)."""
    n_weapons = len(data.codes("weapon")[1]) + 1
    places = np.unique(keys // n_weapons if by_weapon else keys)
    rows, start = p.by_place
    rows = np.sort(np.concatenate([rows[start[g]:start[g + 1]] for g in places])).astype(np.int64)
    precision, _ = data.codes("geo_precision")
    rows = rows[query.mask(data, sel)[rows] & agg.drawn_at(data, precisions)[precision[rows]]]
    row_keys = agg.place_keys(data, by_weapon, rows)[0]
    rows, row_keys = rows[np.isin(row_keys, keys)], row_keys[np.isin(row_keys, keys)]
    group, first = _renumber(row_keys, size)
    weapon, _ = data.codes("weapon")
    chosen = _dominant_rows(data, rows, group, len(first), weapon[rows], rows[first])
    return chosen[_position(row_keys[first], keys)]


def _position(values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where each of ``wanted`` is in ``values`` (all present, distinct)."""
    order = np.argsort(values)
    return order[np.searchsorted(values[order], wanted)]


def _dated(data: Strikes, sel: Selection):
    """The (cell, date) entries of ``sel``, in first-row order (None: not a union of cells)."""
    found = cells(data, sel)
    if found is None:
        return None
    p, hit = found
    return p, np.flatnonzero(hit[p.dates.cell])


def dates_in_order(data: Strikes, sel: Selection) -> np.ndarray | None:
    """Date codes standing for the strikes of ``sel`` in `aggregate.slices_in`: each distinct
    date once, in the order the strikes first show them (None: not a union of cells)."""
    found = _dated(data, sel)
    if found is None:
        return None
    p, e = found
    return p.dates.cols["date"][e]


def series(data: Strikes, sel: Selection) -> pd.DataFrame | None:
    """`aggregate.series` from the cells of ``sel`` (None: not a union of cells)."""
    found = _dated(data, sel)
    if found is None:
        return None
    p, e = found
    t = p.dates.cols
    figures = {f: (t[f][e], t[f"{f} stated"][e]) for f in agg.SERIES_FIGURES}
    return agg.series_frame(data, sel, t["date"][e], p.dates.first[e], figures)


def latest_per_place(data: Strikes, sel: Selection) -> np.ndarray | None:
    """`aggregate.latest_per_place` from the cells of ``sel`` (None: not a union of cells)."""
    found = cells(data, sel)
    if found is None:
        return None
    p, hit = found
    e = np.flatnonzero(hit[p.tips.cell])
    latest = np.full(int(agg.tip_places(data).max()) + 1 if len(data.strikes) else 0, -1, dtype=np.int64)
    np.maximum.at(latest, p.tips.cols["tip place"][e], p.tips.cols["latest"][e])
    return agg.date_order(data)[latest[latest >= 0]]
