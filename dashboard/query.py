"""Filter, aggregate and summarise strikes. One table of filters drives the query, the URL
parameters and the caption in words, so the page, the command line and the slides agree.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from .dedupe import MERGE_COLUMNS, MERGE_ONLY, build_strikes, merge_claims
from .store import give_back_memory, large_arrays_mapped, read_events
from .strike_rows import NARROW, TOP_COLUMNS, StoredRows
from .events import MISSILE_CLASSES, WEAPON_CLASSES
from .words import COUNTRY_NAMES, SIDE_NAMES, WEAPON_WORDS, caption, date_range_words  # noqa: F401 (re-exported)

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


#: The claim columns `Strikes.from_store` keeps in memory after the merge.
KEPT_CLAIM_COLUMNS = ("event_id", "report_id")


@dataclass
class Strikes:
    """The store's claims merged into strikes, ready for fast filtering.

    Filters and totals work on integer codes and numpy arrays derived from the columns once,
    on first use (`codes`, `numbers`), so a filter change never runs string operations over
    every strike nor copies the table. Treat the frames as read-only after construction.

    `from_store` keeps of the claims only `KEPT_CLAIM_COLUMNS` and of the strikes the columns
    views filter, count and draw (`strike_rows.NARROW`); `rows`, `source_or_title` and
    `aggregate.claims_of` read the rest from the store for the rows asked for. At 1M events the
    load then peaks under 1 GB (bench/RESULTS.md).
    """

    claims: pd.DataFrame
    strikes: pd.DataFrame
    claim_strike: np.ndarray
    dates: np.ndarray = field(init=False)
    _derived: dict = field(init=False, repr=False, compare=False)
    _stored: StoredRows | None = field(default=None, init=False, repr=False, compare=False)
    _text: dict = field(default_factory=dict, init=False, repr=False, compare=False)   # claim dtypes read

    def __post_init__(self):
        self.dates = pd.to_datetime(self.strikes["date"], errors="coerce").to_numpy()
        self._derived = {}

    def derived(self, key, make):
        """A value computed once from the frames (codes, arrays), cached on this object."""
        try:
            return self._derived[key]
        except KeyError:
            value = self._derived[key] = make()
            return value

    def codes(self, column: str, table: str = "strikes") -> tuple[np.ndarray, pd.Series]:
        """Integer codes of a column (-1: missing) and its distinct values, as a Series."""
        def make():
            frame = self.claims if table == "claims" else self.strikes
            codes, uniques = pd.factorize(frame[column])
            return np.asarray(codes, dtype=np.int64), pd.Series(uniques)
        return self.derived(("codes", table, column), make)

    def numbers(self, column: str) -> np.ndarray:
        """A numeric column of the strikes as float64, NaN where missing."""
        return self.derived(("numbers", column), lambda: pd.to_numeric(self.strikes[column]).astype(
            "Float64").to_numpy(dtype="float64", na_value=np.nan))

    def flag(self, name: str) -> np.ndarray:
        """Row flags used by every view: "primary" (not the other side's claim), "located"."""
        return self.given("alternative_of", missing=True) if name == "primary" else self.given("lat")

    def given(self, column: str, missing: bool = False) -> np.ndarray:
        """Whether each strike has a value in ``column`` (``missing=True``: whether it has none)."""
        def make():
            notna = self.strikes[column].notna().to_numpy()
            return ~notna if missing else notna
        return self.derived(("given", column, missing), make)

    def figure(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """A numeric column as (values with 0 where missing, 1.0 where stated) for weighted sums."""
        def make():
            values = self.numbers(column)
            stated = ~np.isnan(values)
            return np.where(stated, values, 0.0), stated.astype(np.float64)
        return self.derived(("figure", column), make)

    @classmethod
    def from_claims(cls, claims: pd.DataFrame) -> "Strikes":
        strikes, claim_strike = build_strikes(claims)
        return cls(claims=claims.reset_index(drop=True), strikes=strikes, claim_strike=claim_strike)

    @classmethod
    def from_store(cls, store) -> "Strikes":
        """The store's strikes with the `strike_rows.NARROW` columns in memory, the rest read back
        for the rows asked for (`rows`); of the claims only `KEPT_CLAIM_COLUMNS`."""
        if not hasattr(store, "conn"):
            return cls.from_claims(store.event_table())
        with large_arrays_mapped():
            return cls._from_store(store)

    @classmethod
    def _from_store(cls, store) -> "Strikes":
        claims, rowid = read_events(store.conn, MERGE_COLUMNS)
        if claims.empty:
            return cls.from_claims(store.event_table())
        merged = merge_claims(claims)
        left = {c: claims[c].dtype for c in claims.columns if c not in KEPT_CLAIM_COLUMNS}
        kept = claims[list(KEPT_CLAIM_COLUMNS)].copy()
        del claims                      # the merge's columns go before the first claims' are read
        stored = StoredRows(str(Path(store.path).resolve()), rowid[merged.top],
                            {f: np.where(r >= 0, rowid[np.maximum(r, 0)], -1) for f, r in merged.picked.items()})
        strikes, claim_strike = merged.strikes.drop(columns=list(MERGE_ONLY)), merged.claim_strike
        del merged, rowid
        top, _ = read_events(store.conn, TOP_COLUMNS, rowids=stored.top)
        for name in TOP_COLUMNS:
            strikes[name] = top[name]         # both indexed 0..n-1: one row per strike
        del top
        data = cls(claims=kept, strikes=strikes[list(NARROW)], claim_strike=claim_strike)
        data._stored, data._text = stored, left
        give_back_memory()
        return data

    def rows(self, rows, columns=None) -> pd.DataFrame:
        """Strikes at positions ``rows`` (the index) with every column of `build_strikes`' table,
        or ``columns``: what a details panel, a tooltip or an export shows. A store's strikes
        read the columns they do not keep from SQLite, for these rows only."""
        rows = np.asarray(rows, dtype=np.int64)
        if self._stored is None:
            return self.strikes.take(rows) if columns is None else self.strikes.take(rows).reindex(columns=columns)
        return self._stored.read(self.strikes, rows, columns)

    def source_or_title(self, rows) -> pd.Series:
        """Each strike's source, else its report's title (for credit lines), at positions ``rows``."""
        rows = np.asarray(rows, dtype=np.int64)
        source = self.strikes["source"].take(rows)
        missing = rows[source.isna().to_numpy()]
        if not len(missing):
            return source
        return source.where(source.notna(), self.rows(missing, ["title"])["title"])

    def full_claims(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Claims (rows of `claims`) with every column `from_store` left in the store, as the
        rows of `Store.event_table` (`strike_rows.StoredRows.claims`)."""
        return rows if self._stored is None else self._stored.claims(rows, self._text)


def _choice(data: Strikes, column: str, values) -> np.ndarray:
    """``strikes[column].isin(values)``, worked out once per distinct value."""
    codes, uniques = data.codes(column)
    hit = np.append(uniques.isin(list(values)).to_numpy(dtype=bool), False)
    return hit[codes]


def _contains(data: Strikes, column: str, text: str) -> np.ndarray:
    """``strikes[column].fillna("").str.contains(text, case=False)``, per distinct value."""
    codes, uniques = data.codes(column)
    hit = uniques.fillna("").str.contains(text, case=False, regex=False).to_numpy(dtype=bool)
    return np.append(hit, text == "")[codes]     # a missing value is "", which contains only ""


def mask(data: Strikes, sel: Selection) -> np.ndarray:
    """Boolean mask over ``data.strikes`` for a selection (read-only: see `mask_and_rows`)."""
    return mask_and_rows(data, sel)[0]


def mask_and_rows(data: Strikes, sel: Selection) -> tuple[np.ndarray, np.ndarray]:
    """The mask of ``sel`` and the positions it keeps, both read-only. One rerun of the page asks
    for them in the summary, place totals, series, slices and tooltips, so the last few
    selections' are kept on ``data`` (`KEPT_SELECTIONS`; the slice size does not change them)."""
    key = selection_key(sel)
    if key is None:
        return _selected(data, sel)
    kept = data._derived.get(("selections",), {})      # replaced, never changed: threads share it
    found = kept.get(key)
    if found is None:
        found = _selected(data, sel)
        data._derived[("selections",)] = {**dict(list(kept.items())[max(0, len(kept) + 1 - KEPT_SELECTIONS):]), key: found}
    return found


def selection_key(sel: Selection) -> Selection | None:
    """``sel`` as a key for kept results: the slice size left out (no filter reads it), lists
    made tuples; None if it still cannot be hashed."""
    try:
        key = replace(sel, slice="day", **{f: tuple(getattr(sel, f)) for f in ("weapon", "country", "claimant", "source")
                                           if isinstance(getattr(sel, f), list)})
        hash(key)
    except TypeError:
        return None
    return key


#: How many selections' masks `mask_and_rows` keeps (at most 9 MB each at 1M strikes).
KEPT_SELECTIONS = 2


def _selected(data: Strikes, sel: Selection) -> tuple[np.ndarray, np.ndarray]:
    keep = np.ones(len(data.strikes), dtype=bool)
    if sel.date_from:
        keep &= data.dates >= np.datetime64(sel.date_from)
    if sel.date_to:
        keep &= data.dates <= np.datetime64(sel.date_to)
    for f in FILTERS:
        value = sel.values()[f.param]
        if f.kind == "choice" and value:
            keep &= _choice(data, f.column, value)
        elif f.kind == "contains" and value:
            keep &= _contains(data, f.column, value)
    rows = np.flatnonzero(keep)
    keep.flags.writeable = rows.flags.writeable = False
    return keep, rows


def _sums(data: Strikes, column: str, rows: np.ndarray, codes: np.ndarray, n: int):
    """Per code in ``[0, n)`` (codes of ``rows``): the sum of ``column`` and whether any row states
    it (missing values and rows with code -1 count for nothing)."""
    values, stated = data.figure(column)
    if len(rows) < len(values):
        values, stated = values[rows], stated[rows]
    return (np.bincount(codes + 1, weights=values, minlength=n + 1)[1:],
            np.bincount(codes + 1, weights=stated, minlength=n + 1)[1:] > 0)


def _total_of(sums: tuple[np.ndarray, np.ndarray], which) -> int | None:
    """The total over some codes, None when none of them reports the figure."""
    total, stated = sums
    which = [w for w in which if w is not None]
    return int(round(float(total[which].sum()))) if stated[which].any() else None


def _distinct(codes: np.ndarray, n: int) -> np.ndarray:
    """The distinct codes present (missing values, -1, left out), in code order."""
    return np.flatnonzero(np.bincount(codes[codes >= 0], minlength=n))


def summary(data: Strikes, sel: Selection = Selection()) -> dict:
    """Totals for a selection; a figure that no report in it states is None, never 0.
    Whole-period selections and date ranges holding a whole month sum the precomputed
    `partials` (same result)."""
    from .partials import summary_parts     # partials builds on this module
    parts = summary_parts(data, sel)
    return summary_dict(data, sel, parts if parts is not None else summary_parts_by_rows(data, sel))


#: Figures `summary` totals per weapon class (killed and injured: over all classes).
SUMMARY_FIGURES = ("launched", "intercepted", "lost")


def summary_parts_by_rows(data: Strikes, sel: Selection) -> dict:
    """What `summary_dict` reads, from the selected strikes themselves: per figure the sums per
    weapon code and whether stated; killed / injured totals; counts; countries present."""
    keep, rows = mask_and_rows(data, sel)
    weapon_codes, weapons = data.codes("weapon")
    weapon = weapon_codes[rows]
    parts: dict = {"sums": {f: _sums(data, f"{f}_count", rows, weapon, len(weapons)) for f in SUMMARY_FIGURES}}
    for f in ("killed", "injured"):
        values, stated = data.figure(f"{f}_count")
        parts[f] = (float(values[rows].sum()), bool(stated[rows].any()))
    primary = rows[data.flag("primary")[rows]]
    parts["events"] = int(len(primary))
    place_codes, places = data.codes("place")
    parts["places"] = len(_distinct(place_codes[primary[data.flag("located")[primary]]], len(places)))
    claims_kept = keep[data.claim_strike] if len(data.claim_strike) else np.zeros(0, dtype=bool)
    report_codes, reports = data.codes("report_id", table="claims")
    parts["reports"] = len(_distinct(report_codes[claims_kept], len(reports)))
    country_codes, countries = data.codes("country")
    parts["countries"] = tuple(sorted(countries.iloc[_distinct(country_codes[primary], len(countries))]))
    return parts


def summary_dict(data: Strikes, sel: Selection, parts: dict) -> dict:
    """The summary from its parts (`summary_parts_by_rows` or `partials.summary_parts`)."""
    _, weapons = data.codes("weapon")
    code_of = {w: i for i, w in enumerate(weapons) if isinstance(w, str)}
    sums = parts["sums"]
    out: dict = {}
    for name in WEAPON_CLASSES:
        out[WEAPON_WORDS[name][1]] = {f: _total_of(sums[f], [code_of.get(name)])
                                      for f in ("launched", "intercepted", "lost")}
    missiles = [code_of.get(w) for w in MISSILE_CLASSES]
    out["missiles"] = {f: _total_of(sums[f], missiles) for f in ("launched", "intercepted", "lost")}
    order = ["drones", "missiles", "cruise_missiles", "ballistic_missiles", "missiles_unspecified",
             "glide_bombs", "unknown"]
    out = {k: out[k] for k in order}
    for f in ("killed", "injured"):
        total, stated = parts[f]
        out[f] = int(round(total)) if stated else None
    for f in ("events", "places", "reports"):
        out[f] = parts[f]
    out["caption"] = caption(sel, parts["countries"])
    return out


def selected(data: Strikes, sel: Selection) -> pd.DataFrame:
    """The strikes of a selection with all their columns (for tables and exports)."""
    return data.rows(np.flatnonzero(mask(data, sel)))


def with_slice(sel: Selection, **changes) -> Selection:
    return replace(sel, **changes)
