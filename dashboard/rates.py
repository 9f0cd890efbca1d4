"""Interception rates from the strikes that state both figures.

Why: the totals of launched and intercepted come from different strikes. A ministry that
reports only what it shot down adds to "intercepted" and nothing to "launched", so the ratio
of the two totals can pass 100%. A rate here counts only the strikes that state both.
"""
from __future__ import annotations

import numpy as np

from .events import MISSILE_CLASSES, WEAPON_CLASSES
from .query import WEAPON_WORDS, Selection, Strikes, mask_and_rows

#: The summary's blocks and the weapon classes each one holds (as `query.summary_dict`).
BLOCKS = {**{WEAPON_WORDS[c][1]: (c,) for c in WEAPON_CLASSES}, "missiles": tuple(MISSILE_CLASSES)}


def paired_totals(data: Strikes, sel: Selection = Selection()) -> dict[str, tuple[int, int]]:
    """Per summary block, (launched, intercepted) summed over the selected strikes that state both.

    A strike's own figures are paired, not its counted share: a national total whose regional
    breakdown gives only interceptions counts its launches whole but only the interceptions the
    breakdown does not hold, and pairing those would understate the rate. A total whose launches
    are shared with its breakdown (the parts state launches too) is left to the parts, so
    nothing is paired twice; the other side's claims (alternatives) are left out.
    """
    _, rows = mask_and_rows(data, sel)
    launched, intercepted = data.numbers("launched"), data.numbers("intercepted")
    counted = data.numbers("launched_count")
    rows = rows[data.flag("primary")[rows]]
    both = rows[~np.isnan(launched[rows]) & ~np.isnan(intercepted[rows]) & (counted[rows] == launched[rows])]
    codes, weapons = data.codes("weapon")
    n = len(weapons)
    sums = [np.bincount(codes[both] + 1, weights=values[both], minlength=n + 1)[1:]
            for values in (launched, intercepted)]
    code_of = {w: i for i, w in enumerate(weapons) if isinstance(w, str)}
    out = {}
    for block, classes in BLOCKS.items():
        at = [code_of[c] for c in classes if c in code_of]
        out[block] = (int(round(float(sums[0][at].sum()))), int(round(float(sums[1][at].sum()))))
    return out


def rate(pair: tuple[int, int]) -> float | None:
    """Intercepted over launched, None when nothing launched is stated beside an interception."""
    launched, intercepted = pair
    return intercepted / launched if launched > 0 else None
