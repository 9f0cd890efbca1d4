"""Partial sums for date ranges: whole years and months, plus the days at either end.

A date range is what reporters ask most ("what happened between these two dates"), and a long
one selects most strikes, so passing over its rows costs what the whole period used to. Built
with the whole-period partials (`partials.of`), two more tables have cells that also fix the
strike's year or month (`LEVELS`). A range is then the whole years it covers, the whole months
left, and the days at its ends that fill no month: those few strikes get
tables of their own, built on the spot (`partials.build` of a subset). All are merged into one
`partials.Partials` with its entries in first-row order, so every answer of `partials` works
on it unchanged and equals the row path (tests/test_ranges.py). A range that holds no whole
month takes the row path.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from . import query
from .query import Selection, Strikes

KEY = ("partials", "periods")
#: Months per period of the tables `periods` builds: years, then months. A range takes its whole
#: years from the first and the whole months left from the second. (Quarters, (12, 3, 1), were
#: tried at 1M: 115k more entries, +31 MB, no faster: a place shows up in most months of a quarter.)
LEVELS = (12, 1)
#: Selections whose merged tables are kept (one rerun of the page asks for them ~6 times).
KEPT = 2


def _months(data: Strikes) -> np.ndarray:
    """Per strike, its month counted from 1970-01 (undated: -1 is never asked; see `periods`)."""
    return data.dates.astype("datetime64[M]").astype(np.int64)


def periods(data: Strikes, base) -> tuple | None:
    """(first month, a table per `LEVELS`), built once with the partials ``base``."""
    def make():
        if base is None or not len(data.strikes) or np.isnat(data.dates).all():
            return None
        from .partials import build
        undated = np.isnat(data.dates)
        month = _months(data)
        first = int(month[~undated].min())
        tables = tuple(build(data, period=np.where(undated, -1, month // size - first // size)) for size in LEVELS)
        for table in tables:
            table.cell_of = table.cell_of[:0]       # 4 MB each, not read again
        return (first, *tables)
    return data.derived(KEY, make)


def nbytes(data: Strikes) -> int:
    """Memory the period tables hold (0: not built)."""
    found = data._derived.get(KEY)
    return 0 if found is None else sum(p.nbytes() for p in found[1:])


def _month(day: dt.date) -> int:
    return (day.year - 1970) * 12 + day.month - 1


def _whole(sel: Selection) -> list[tuple[float, float]]:
    """Per `LEVELS`, the first and last whole period (counted from 1970) inside ``sel``'s range."""
    a, b = sel.date_from, sel.date_to
    lo = -np.inf if a is None else _month(a) + (a.day != 1)                       # whole months
    hi = np.inf if b is None else _month(b) - ((b + dt.timedelta(days=1)).day != 1)
    return [(lo if np.isinf(lo) else -(-lo // size), hi if np.isinf(hi) else (hi + 1) // size - 1)
            for size in LEVELS]


def cells(data: Strikes, sel: Selection, hit_of):
    """What `partials.cells` gives for a date range: one merged `Partials` and its hit cells
    (None: no whole month in the range, or no period tables)."""
    found = data._derived.get(KEY)
    if found is None:
        return None
    first, tables = found[0], found[1:]
    whole = _whole(sel)
    lo_m, hi_m = whole[-1]
    if lo_m > hi_m:
        return None
    key = query.selection_key(sel)
    kept = data._derived.get(("ranges",), {})       # replaced, never changed: threads share it
    if key in kept:
        return kept[key]
    sources = []
    for i, (size, table) in enumerate(zip(LEVELS, tables)):
        code = table.cell_codes["period"]
        period = code + first // size
        hit = hit_of(table) & (code >= 0) & (period >= whole[i][0]) & (period <= whole[i][1])
        for coarse, (lo, hi) in zip(LEVELS[:i], whole[:i]):      # not inside a coarser whole period
            hit &= ~((period * size // coarse >= lo) & (period * size // coarse <= hi))
        if hit.any() or (i == len(LEVELS) - 1 and not sources):
            sources.append((table, hit))
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
    if key is not None:
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
        position = np.empty(len(first), dtype=np.int64)         # where each picked entry goes
        position[np.argsort(first, kind="stable")] = np.arange(len(first))
        put = _putter(picked, position)
        tables[name] = Entries(cell=put(lambda t: t.cell, offset), first=put(lambda t: t.first),
                               cols={k: put(lambda t, k=k: t.cols[k]) for k in picked[0][0].cols})
        if name == "places":
            claimants = _claimants(sources, picked, position)
    pairs = {}
    for name in ("places", "reports"):         # only the hit cells' pairs: summaries read no others
        kept = [(p.pairs[name][0], p.pairs[name][1], h[p.pairs[name][0]]) for p, h in sources]
        pairs[name] = (cat([owner[k] + o for (owner, _, k), o in zip(kept, offset)]), cat([c[k] for _, c, k in kept]))
    pairs["claimants"] = claimants
    return Partials(cell_codes=cell_codes, cell_of=np.zeros(0, dtype=np.int32), by_place=by_place, totals=totals,
                    places=tables["places"], dates=tables["dates"], tips=tables["tips"], pairs=pairs), hit


def _putter(picked, position):
    """A function writing a column of each source's picked entries to their merged places: one
    gather and one scatter per source (no concatenated copy to reorder)."""
    starts = np.cumsum([0] + [len(e) for _, e in picked])

    def put(column, shift=None):
        arrays = [column(t) for t, _ in picked]
        out = np.empty(len(position), dtype=np.result_type(*arrays))
        for i, ((_, e), array) in enumerate(zip(picked, arrays)):
            out[position[starts[i]:starts[i + 1]]] = array[e] if shift is None else array[e] + shift[i]
        return out
    return put


def _claimants(sources, picked, position) -> tuple[np.ndarray, np.ndarray]:
    """The (place entry, claimant) pairs renumbered to the merged, sorted place entries."""
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
