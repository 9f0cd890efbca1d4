"""The selections `run.py` cycles through: kinds of filter change that vary like a reader's
clicks (kept apart so run.py stays small)."""
from __future__ import annotations

import datetime as dt

import numpy as np

from dashboard import query
from dashboard.query import Selection, Strikes


def selections(data: Strikes, n: int, seed: int = 0) -> list[tuple[str, Selection]]:
    """``n`` (kind, Selection) pairs that vary like a reader's clicks."""
    rng = np.random.default_rng(seed)
    s = data.strikes
    days = np.sort(np.unique(data.dates[~np.isnat(data.dates)]))
    places = s["place"].dropna().value_counts().index[:200].tolist() or ["Kyiv"]
    kinds = ["day", "week", "month", "weapon", "country", "place", "claimant", "day+weapon",
             "month+country", "week+place", "all", "quarter", "year", "since", "range", "year+weapon"]
    out = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        start = dt.date.fromisoformat(str(days[rng.integers(len(days))])[:10]) if len(days) else None
        span = {"day": 0, "week": 6, "month": 30}
        sel = Selection(slice=["day", "week", "month"][int(rng.integers(3))])
        for part in kind.split("+"):
            if part in span and start:
                sel = query.with_slice(sel, date_from=start, date_to=start + dt.timedelta(days=span[part]),
                                       slice="day")
            elif part in ("quarter", "year") and start:      # calendar quarters and years
                first = start.replace(month=1 if part == "year" else start.month - (start.month - 1) % 3, day=1)
                months = 12 if part == "year" else 3
                after = first.replace(year=first.year + (first.month + months - 1) // 12,
                                      month=(first.month + months - 1) % 12 + 1)
                sel = query.with_slice(sel, date_from=first, date_to=after - dt.timedelta(days=1))
            elif part == "since" and start:                 # an open end
                sel = query.with_slice(sel, date_from=start)
            elif part == "range" and start:                 # any days, 45 to 700 of them
                sel = query.with_slice(sel, date_from=start, date_to=start + dt.timedelta(days=int(rng.integers(45, 700))))
            elif part == "weapon":
                sel = query.with_slice(sel, weapon=(str(rng.choice(["drone", "cruise_missile", "ballistic_missile",
                                                                    "glide_bomb"])),))
            elif part == "country":
                sel = query.with_slice(sel, country=(str(rng.choice(["UA", "RU"])),))
            elif part == "claimant":
                sel = query.with_slice(sel, claimant=(str(rng.choice(["UA", "RU"])),))
            elif part == "place":
                name = str(places[int(rng.integers(len(places)))])
                sel = query.with_slice(sel, place=name[: max(4, len(name) - 2)].lower())
        out.append((kind, sel))
    return out
