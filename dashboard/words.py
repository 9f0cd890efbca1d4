"""The selection in words: weapon classes, countries, sides, date ranges and the caption that
the page, the slides and the command line print (kept apart from the query so each stays small).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .events import WEAPON_CLASSES

if TYPE_CHECKING:
    from .query import Selection

#: Words for weapon classes: (singular label, plural key in the summary, phrase in a caption).
WEAPON_WORDS = {
    "drone": ("Drone", "drones", "drone"),
    "cruise_missile": ("Cruise missile", "cruise_missiles", "cruise missile"),
    "ballistic_missile": ("Ballistic missile", "ballistic_missiles", "ballistic missile"),
    "missile": ("Missile (type not given)", "missiles_unspecified", "missile"),
    "glide_bomb": ("Glide bomb", "glide_bombs", "glide bomb"),
    "unknown": ("Weapon not stated", "unknown", "other"),
}
COUNTRY_NAMES = {"UA": "Ukraine", "RU": "Russia", "BY": "Belarus", "MD": "Moldova", "PL": "Poland",
                 "RO": "Romania"}
SIDE_NAMES = {"UA": "Ukrainian sources", "RU": "Russian sources", "other": "other sources"}


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def date_range_words(start: dt.date | None, end: dt.date | None) -> str:
    """"1-6 Nov 2023", "28 Oct - 6 Nov 2023", "since 1 May 2024", "all dates"."""
    fmt = lambda d: f"{d.day} {d:%b %Y}"  # noqa: E731
    if start and end:
        if start == end:
            return fmt(start)
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}\u2013{end.day} {end:%b %Y}"
        if start.year == end.year:
            return f"{start.day} {start:%b} \u2013 {fmt(end)}"
        return f"{fmt(start)} \u2013 {fmt(end)}"
    if start:
        return f"since {fmt(start)}"
    if end:
        return f"until {fmt(end)}"
    return "all dates"


def caption(sel: Selection, countries_present: tuple[str, ...] = ()) -> str:
    """The selection in words: "Drone and missile attacks, 1–6 Nov 2023, Ukraine and Russia"."""
    if not sel.weapon or set(sel.weapon) == set(WEAPON_CLASSES):
        what = "Drone and missile attacks"
    else:
        phrases = list(dict.fromkeys(WEAPON_WORDS[w][2] for w in sel.weapon))
        what = _join(phrases).capitalize() + " attacks"
    parts = [what, date_range_words(sel.date_from, sel.date_to)]
    countries = sel.country or countries_present
    if countries:
        parts.append(_join([COUNTRY_NAMES.get(c, c) for c in countries]))
    if sel.claimant:
        parts.append("claims by " + _join([SIDE_NAMES[c] for c in sel.claimant]))
    if sel.place:
        parts.append(f"places matching \u201c{sel.place}\u201d")
    if sel.source:
        parts.append("from " + _join(list(sel.source)))
    return ", ".join(parts)
