"""Partial sums for date ranges: whole years and whole months, plus the days at either end.

A date range is what reporters ask most ("what happened between these two dates"), and a long
one selects most strikes, so passing over its rows costs what the whole period used to. Built
with the whole-period partials (`partials.of`), two more tables have cells that also fix the
strike's year or month. A range is then the whole years it covers, the whole months left, and
the days at its ends that fill no month: those few strikes get tables of their own, built on the
spot (`partials.build` of a subset). The three are merged into one `partials.Partials` with its
entries in first-row order, so every answer of `partials` works on it unchanged and equals the
row path (tests/test_ranges.py). A range that holds no whole month takes the row path.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np

from . import query
from .query import Selection, Strikes

KEY = ("partials", "periods")
#: Selections whose merged tables are kept (one rerun of the page asks for them ~6 times).
KEPT = 2


def _months(data: Strikes) -> np.ndarray:
    """Per strike, its month counted from 1970-01 (undated: -1 is never asked; see `periods`)."""
    return data.dates.astype("datetime64[M]").astype(np.int64)


def periods(data: Strikes, base) -> tuple | None:
    """(first month, the year table, the month table), built once with the partials ``base``."""
    def make():
        if base is None or not len(data.strikes) or np.isnat(data.dates).all():
            return None
        from .partials import build
        undated = np.isnat(data.dates)
        month = _months(data)
        first = int(month[~undated].min())
        code = np.where(undated, -1, month - first)
        year = np.where(undated, -1, (month // 12) - first // 12)
        tables = build(data, period=year), build(data, period=code)
        for table in tables:
            table.cell_of = table.cell_of[:0]       # 4 MB each, not read again
        return (first, *tables)
    return data.derived(KEY, make)


def nbytes(data: Strikes) -> int:
    """Memory the year and month tables hold (0: not built)."""
    found = data._derived.get(KEY)
    return 0 if found is None else sum(p.nbytes() for p in found[1:])


def _month(day: dt.date) -> int:
    return (day.year - 1970) * 12 + day.month - 1


def _whole(sel: Selection) -> tuple[float, float, float, float]:
    """The first and last whole month and year (from 1970) inside the range of ``sel``."""
    a, b = sel.date_from, sel.date_to
    lo_m = -np.inf if a is None else _month(a) + (a.day != 1)
    hi_m = np.inf if b is None else _month(b) - ((b + dt.timedelta(days=1)).day != 1)
    lo_y = -np.inf if a is None else a.year - 1970 + ((a.month, a.day) != (1, 1))
    hi_y = np.inf if b is None else b.year - 1970 - ((b.month, b.day) != (12, 31))
    return lo_m, hi_m, lo_y, hi_y


def cells(data: Strikes, sel: Selection, hit_of):
    """What `partials.cells` gives for a date range: one merged `Partials` and its hit cells
    (None: no whole month in the range, or no year and month tables)."""
    found = data._derived.get(KEY)
    if found is None or found[1] is None:
        return None
    first, years, months = found
    lo_m, hi_m, lo_y, hi_y = _whole(sel)
    if lo_m > hi_m:
        return None
    key = replace(sel, slice="day")
    kept = data._derived.get(("ranges",), {})       # replaced, never changed: threads share it
    if key in kept:
        return kept[key]
    year = years.cell_codes["period"] + first // 12
    month = months.cell_codes["period"] + first
    in_years = lambda y: (y >= lo_y) & (y <= hi_y)      # noqa: E731
    sources = [(years, hit_of(years) & (years.cell_codes["period"] >= 0) & in_years(year)),
               (months, hit_of(months) & (months.cell_codes["period"] >= 0) & (month >= lo_m) & (month <= hi_m)
                & ~in_years(month // 12))]
    rows = query.mask_and_rows(data, sel)[1]
    day, edge = data.dates[rows], np.zeros(len(rows), dtype=bool)      # days outside the whole months
    if np.isfinite(lo_m):
        edge |= day < np.datetime64(int(lo_m), "M")
    if np.isfinite(hi_m):
        edge |= day >= np.datetime64(int(hi_m) + 1, "M")
    edges = rows[edge]
    if len(edges):
        from .partials import build
        edge = build(data, subset=edges)
        sources.append((edge, hit_of(edge)))
    merged = merge(sources, data._derived[("partials",)].by_place)
    data._derived[("ranges",)] = {**dict(list(kept.items())[max(0, len(kept) + 1 - KEPT):]), key: merged}
    return merged


def merge(sources: list, by_place) -> tuple:
    """One `Partials` of the hit cells of ``sources`` ((Partials, hit) of disjoint strikes), its
    entries sorted by first row as `partials` expects, and its hit cells."""
    from .partials import CELL_COLUMNS, Entries, Partials
    size = [len(p.totals.first) for p, _ in sources]
    offset = np.cumsum([0] + size[:-1])
    cat = np.concatenate
    cell_codes = {c: cat([p.cell_codes[c] for p, _ in sources]) for c in CELL_COLUMNS}
    hit = cat([h for _, h in sources])
    totals = Entries(cell=np.arange(sum(size), dtype=np.int32), first=cat([p.totals.first for p, _ in sources]),
                     cols={k: cat([p.totals.cols[k] for p, _ in sources]) for k in sources[0][0].totals.cols})
    tables, claimants = {}, None
    for name in ("places", "dates", "tips"):
        picked = [(getattr(p, name), np.flatnonzero(h[getattr(p, name).cell])) for p, h in sources]
        first = cat([t.first[e] for t, e in picked])
        order = np.argsort(first, kind="stable")
        tables[name] = Entries(cell=cat([t.cell[e] + o for (t, e), o in zip(picked, offset)])[order],
                               first=first[order],
                               cols={k: cat([t.cols[k][e] for t, e in picked])[order] for k in picked[0][0].cols})
        if name == "places":
            claimants = _claimants(sources, picked, order)
    pairs = {}
    for name in ("places", "reports"):         # only the hit cells' pairs: summaries read no others
        kept = [(p.pairs[name][0], p.pairs[name][1], h[p.pairs[name][0]]) for p, h in sources]
        pairs[name] = (cat([owner[k] + o for (owner, _, k), o in zip(kept, offset)]), cat([c[k] for _, c, k in kept]))
    pairs["claimants"] = claimants
    return Partials(cell_codes=cell_codes, cell_of=np.zeros(0, dtype=np.int32), by_place=by_place, totals=totals,
                    places=tables["places"], dates=tables["dates"], tips=tables["tips"], pairs=pairs), hit


def _claimants(sources, picked, order) -> tuple[np.ndarray, np.ndarray]:
    """The (place entry, claimant) pairs renumbered to the merged, sorted place entries."""
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    owners, codes, start = [], [], 0
    for (p, _), (t, e) in zip(sources, picked):
        new = np.full(len(t.first), -1, dtype=np.int64)
        new[e] = position[start + np.arange(len(e))]
        owner, code = p.pairs["claimants"]
        owner = new[owner]
        kept = owner >= 0
        owners.append(owner[kept])
        codes.append(code[kept])
        start += len(e)
    return np.concatenate(owners).astype(np.int32), np.concatenate(codes).astype(np.int32)
