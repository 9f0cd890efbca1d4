"""Grouping helpers on integer codes: what groupby would give, in O(n) numpy passes.

Shared by the aggregates' row path (aggregate.py) and their precomputed path (partials.py), so
both number groups, pick first values and join names the same way.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .query import Strikes


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
    """Per group, a row holding its dominant weapon class; -1: none.

    The dominant class has the largest weight, summed over the group's rows: launched +
    intercepted + hit (missing ones 0) + 0.001, so a class without figures still counts; ties
    go to the class the group shows first (as pandas' groupby sum, stable sort, first row).

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
