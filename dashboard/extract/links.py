"""Link a count to a set of weapons counted in an earlier sentence.

Why: reports count a salvo once and then break it down. "Russia launched 122 missiles and 36
drones at Ukraine. Air defence shot down 87 of the missiles" — the 87 belong where the 122
went. "Air defence shot down 45 Shahed drones. Thirteen of them were destroyed before
midnight" — the 13 are a part of the 45 by time, not a new figure: counting them again would
double the map.
"""
from __future__ import annotations

from .figures import Count

_GENERIC = {"missile": ("cruise_missile", "ballistic_missile", "missile")}


def compatible(cls: str | None, model: str | None, h: dict) -> bool:
    """Whether an earlier figure ``h`` may be the set a count of ``cls``/``model`` refers to."""
    if model and h["model"] and model != h["model"]:
        return False
    if cls in (None, "unknown") or h["cls"] in (None, "unknown") or cls == h["cls"]:
        return True
    return h["cls"] in _GENERIC.get(cls, ()) or cls in _GENERIC.get(h["cls"], ())


def antecedent(c: Count, history: list[dict]) -> dict | None:
    """The latest earlier figure that ``c`` ("of them", "of the 23 missiles") refers to: a
    launched count first ("87 of the missiles" are of the missiles fired), else any."""
    whole = c.whole_value
    found = [h for h in history[::-1] if compatible(c.cls, c.model, h)
             and (whole is None or h["value"] == whole)]  # (not reversed(): mypyc 2.4 fails on it here)
    if not found:
        return None
    launched = [h for h in found if h["field"] == "launched"]
    return (launched or found)[0] if c.of_the else found[0]


def link_counts(r, history: list[dict]) -> None:
    """Set ``refers_to`` on the counts of a sentence that refer to a set counted before it.

    A part of an earlier figure with the same field ("45 shot down ... 13 of them destroyed
    before midnight") is marked a breakdown: it gives no figure unless it names its own place.
    """
    for c in r.counts:
        if not (c.subset and c.of_base is None or c.of_the):
            continue
        h = antecedent(c, history)
        if h is not None:
            c.refers_to = {"ref": h["ref"], "breakdown": c.subset and h["field"] == c.field}
