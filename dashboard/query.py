"""Filter, aggregate and summarise strikes. One table of filters drives the query, the URL
parameters and the caption in words, so the page, the command line and the slides agree.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from typing import Mapping

import numpy as np
import pandas as pd

from .dedupe import build_strikes
from .events import FIGURES, MISSILE_CLASSES, WEAPON_CLASSES

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
SLICES = {"day": "D", "week": "W-MON", "month": "MS"}


@dataclass(frozen=True)
class Filter:
    """One filter: its URL parameter, its label on the page, and the column it tests."""

    param: str
    label: str
    column: str
    kind: str        # "date_from", "date_to", "choice" (several values), "contains" (text)
    help: str


FILTERS: tuple[Filter, ...] = (
    Filter("from", "From", "date", "date_from", "first day of the attacks shown"),
    Filter("to", "To", "date", "date_to", "last day of the attacks shown (night attacks take the morning's date)"),
    Filter("weapon", "Weapon", "weapon", "choice", "weapon classes"),
    Filter("country", "Country", "country", "choice", "country where the place lies (ISO code)"),
    Filter("claimant", "Claimed by", "side", "choice", "whose claim: Ukrainian, Russian or other sources"),
    Filter("place", "Place", "place", "contains", "place name contains"),
    Filter("source", "Source", "source", "choice", "the report's source or title"),
)


@dataclass(frozen=True)
class Selection:
    """What the reader asked for; empty tuples and None mean 'all'."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    weapon: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    claimant: tuple[str, ...] = ()
    place: str = ""
    source: tuple[str, ...] = ()
    slice: str = "day"

    def values(self) -> dict[str, object]:
        return {"from": self.date_from, "to": self.date_to, "weapon": self.weapon,
                "country": self.country, "claimant": self.claimant, "place": self.place,
                "source": self.source}


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    out: list[str] = []
    for v in value:
        out.extend(x.strip() for x in str(v).split(",") if x.strip())
    return out


def _as_date(value) -> dt.date | None:
    items = _as_list(value)
    if not items:
        return None
    try:
        return dt.date.fromisoformat(items[0][:10])
    except ValueError:
        return None


def selection_from_params(params: Mapping[str, object]) -> Selection:
    """A `Selection` from URL query parameters (or CLI options); unknown values are dropped."""
    weapons = tuple(w for w in _as_list(params.get("weapon")) if w in WEAPON_CLASSES)
    slice_ = (_as_list(params.get("slice")) or ["day"])[0]
    return Selection(
        date_from=_as_date(params.get("from")), date_to=_as_date(params.get("to")),
        weapon=weapons,
        country=tuple(c.upper() for c in _as_list(params.get("country"))),
        claimant=tuple(c for c in _as_list(params.get("claimant")) if c in SIDE_NAMES),
        place=" ".join(_as_list(params.get("place"))),
        source=tuple(_as_list(params.get("source"))),
        slice=slice_ if slice_ in SLICES else "day",
    )


def selection_to_params(sel: Selection) -> dict[str, str]:
    """URL query parameters for a selection (only what differs from 'all')."""
    out: dict[str, str] = {}
    for f in FILTERS:
        value = sel.values()[f.param]
        if isinstance(value, dt.date):
            out[f.param] = value.isoformat()
        elif isinstance(value, tuple) and value:
            out[f.param] = ",".join(value)
        elif isinstance(value, str) and value:
            out[f.param] = value
    if sel.slice != "day":
        out["slice"] = sel.slice
    return out


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


@dataclass
class Strikes:
    """The store's claims merged into strikes, ready for fast filtering."""

    claims: pd.DataFrame
    strikes: pd.DataFrame
    claim_strike: np.ndarray
    dates: np.ndarray = field(init=False)

    def __post_init__(self):
        self.dates = pd.to_datetime(self.strikes["date"], errors="coerce").to_numpy()

    @classmethod
    def from_claims(cls, claims: pd.DataFrame) -> "Strikes":
        strikes, claim_strike = build_strikes(claims)
        return cls(claims=claims.reset_index(drop=True), strikes=strikes, claim_strike=claim_strike)

    @classmethod
    def from_store(cls, store) -> "Strikes":
        return cls.from_claims(store.event_table())


def mask(data: Strikes, sel: Selection) -> np.ndarray:
    """Boolean mask over ``data.strikes`` for a selection."""
    s = data.strikes
    keep = np.ones(len(s), dtype=bool)
    if sel.date_from:
        keep &= data.dates >= np.datetime64(sel.date_from)
    if sel.date_to:
        keep &= data.dates <= np.datetime64(sel.date_to)
    for f in FILTERS:
        value = sel.values()[f.param]
        if f.kind == "choice" and value:
            keep &= s[f.column].isin(value).to_numpy()
        elif f.kind == "contains" and value:
            keep &= s[f.column].fillna("").str.contains(value, case=False, regex=False).to_numpy()
    return keep


def _total(values: pd.Series) -> int | None:
    total = values.sum(min_count=1)
    return None if pd.isna(total) else int(round(float(total)))


def summary(data: Strikes, sel: Selection = Selection()) -> dict:
    """Totals for a selection; a figure that no report in it states is None, never 0."""
    keep = mask(data, sel)
    s = data.strikes[keep]
    out: dict = {}
    for weapon in WEAPON_CLASSES:
        rows = s[s["weapon"] == weapon]
        out[WEAPON_WORDS[weapon][1]] = {f: _total(rows[f"{f}_count"]) for f in ("launched", "intercepted", "lost")}
    missiles = s[s["weapon"].isin(MISSILE_CLASSES)]
    out["missiles"] = {f: _total(missiles[f"{f}_count"]) for f in ("launched", "intercepted", "lost")}
    order = ["drones", "missiles", "cruise_missiles", "ballistic_missiles", "missiles_unspecified",
             "glide_bombs", "unknown"]
    out = {k: out[k] for k in order}
    out["killed"] = _total(s["killed_count"])
    out["injured"] = _total(s["injured_count"])
    primary = s[s["alternative_of"].isna()]
    out["events"] = int(len(primary))
    out["places"] = int(primary.loc[primary["lat"].notna(), "place"].nunique())
    claims_kept = keep[data.claim_strike] if len(data.claim_strike) else np.zeros(0, dtype=bool)
    out["reports"] = int(data.claims.loc[claims_kept, "report_id"].nunique())
    out["caption"] = caption(sel, tuple(sorted(primary["country"].dropna().unique())))
    return out


def interception_rate(block: Mapping[str, int | None]) -> float | None:
    """Share intercepted of launched, when both are reported."""
    launched, intercepted = block.get("launched"), block.get("intercepted")
    if not launched or intercepted is None:
        return None
    return intercepted / launched


def selected(data: Strikes, sel: Selection) -> pd.DataFrame:
    """The strikes of a selection (for tables and exports)."""
    return data.strikes[mask(data, sel)]


def with_slice(sel: Selection, **changes) -> Selection:
    return replace(sel, **changes)


def selection_fields() -> list[str]:
    return [f.name for f in fields(Selection)]
