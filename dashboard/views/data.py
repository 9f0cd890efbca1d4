"""Loading and caching for the pages: the store is read once per version, aggregates once per view.

`load` keeps one `query.Strikes` per store path and `Store.version()` (st.cache_resource: shared,
read-only); the views of a selection are st.cache_data entries keyed by that path and version
and the selection, so going back to an earlier view costs nothing. The aggregates themselves
work on integer codes derived once per Strikes (see `query.Strikes.codes`), so a new selection
never copies the table.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from .. import aggregate, maps, partials, rates
from ..events import FIGURES
from ..query import Selection, Strikes, mask, selected, summary
from ..store import Store, default_path

# pyarrow's own pool (mimalloc) keeps freed pages: with the system allocator the load of 1M events
# peaks lower and `store.give_back_memory` returns more (measured: bench/RESULTS.md, round 2).
pa.set_memory_pool(pa.system_memory_pool())

#: Columns the aggregates read: what a time window cut out for the small multiples keeps.
WINDOW_COLUMNS = ["strike_id", "date", "place", "country", "admin1", "lat", "lon", "geo_precision",
                "weapon", "side", "source", "claimed_by", "n_reports", "alternative_of",
                "launch_place", "launch_lat", "launch_lon", *[f"{f}_count" for f in FIGURES]]
#: Text columns kept for the tooltip's representative report.
TIP_COLUMNS = ["place", "country", "evidence", "source", "title", "claimed_by"]


@dataclass(frozen=True)
class Loaded:
    """One version of the store, ready for the page. Shared by every session: read only."""

    path: str
    version: int
    full: Strikes
    first_date: dt.date | None
    last_date: dt.date | None
    countries: tuple[str, ...]
    sources: tuple[str, ...]
    place_code: np.ndarray     # one integer per (place, country), per strike
    by_date: np.ndarray        # strike rows in date order
    drawable: np.ndarray       # primary strike at a point place (what the map draws)
    source_code: np.ndarray    # index into source_names per strike (-1: none)
    source_names: tuple[str, ...]

    @property
    def key(self) -> tuple[str, int]:
        return (self.path, self.version)

    @property
    def empty(self) -> bool:
        return len(self.full.strikes) == 0


class StoreProblem(Exception):
    """The store exists but cannot be read; the message is for the reader."""


def store_path() -> Path:
    """The store named by STRIKES_DB (default data/strikes.sqlite)."""
    return default_path()


def store_version(path: Path) -> int | None:
    """`Store.version()` of the store at ``path``, or None when there is no store yet.

    A missing file is not created here: looking at the page must not write to disk.
    """
    if not path.exists():
        return None
    try:
        with Store(path) as store:
            return store.version()
    except sqlite3.Error as exc:
        raise StoreProblem(f"The store {path.name} cannot be read ({exc}).") from None


def build_loaded(path: str, version: int, full: Strikes) -> Loaded:
    """Everything the page derives from one version of the store, computed once."""
    s = full.strikes
    dates = pd.Series(full.dates).dropna()
    first = dates.min().date() if len(dates) else None
    last = dates.max().date() if len(dates) else None
    countries = tuple(s["country"].dropna().value_counts().index.astype(str)) if len(s) else ()
    sources = tuple(sorted(s["source"].dropna().astype(str).unique())) if len(s) else ()
    if len(s):
        # the same arrays the aggregates use (cached on `full`), and the partial sums, built now
        codes, by_date, drawable = aggregate.tip_places(full), aggregate.date_order(full), aggregate.drawable(full)
        partials.of(full)
        source_code, source_names = pd.factorize(full.source_or_title(np.arange(len(s))))
    else:
        codes, by_date, drawable = (np.zeros(0, dtype="int64"),) * 2 + (np.zeros(0, dtype=bool),)
        source_code, source_names = np.zeros(0, dtype="int64"), []
    return Loaded(path=path, version=version, full=full, first_date=first,
                  last_date=last, countries=countries, sources=sources, place_code=np.asarray(codes),
                  by_date=by_date, drawable=drawable, source_code=np.asarray(source_code),
                  source_names=tuple(str(x) for x in source_names))


@st.cache_resource(max_entries=2, show_spinner="Reading the reports\u2026")
def load(path: str, version: int) -> Loaded:
    """The store at ``path`` as it is at ``version`` (a new ingest makes a new entry)."""
    with Store(path) as store:
        full = Strikes.from_store(store)
    return build_loaded(path, version, full)


#: The (path, version) last handed out: a new version drops the old data before loading.
_latest: dict[str, int] = {}


def current() -> Loaded | None:
    """The loaded store for this rerun, or None when there is no store file yet.

    After an ingest the store has a new version. The old version's data is dropped *before* the
    new one is read: at 1M events one loaded store holds ~0.6 GB and a load peaks at ~0.9 GB, so
    keeping both would pass the 1 GB budget (bench/RESULTS.md).
    """
    path = store_path()
    version = store_version(path)
    if version is None:
        return None
    key = str(path)
    if _latest.get(key, version) != version:
        load.clear()       # every entry: the page reads one store; a session mid-run keeps its own
    _latest[key] = version
    return load(key, version)


# -- cached views of a selection (keyed by store path, version and the selection) ------------
@st.cache_data(max_entries=256, show_spinner=False)
def summary_of(key: tuple, sel: Selection, _data: Loaded) -> dict:
    return summary(_data.full, sel)


@st.cache_data(max_entries=256, show_spinner=False)
def rates_of(key: tuple, sel: Selection, _data: Loaded) -> dict:
    return rates.paired_totals(_data.full, sel)


@st.cache_data(max_entries=256, show_spinner=False)
def places_of(key: tuple, sel: Selection, _data: Loaded) -> pd.DataFrame:
    """`aggregate.place_totals` with a representative report (the latest) per place.

    Tooltips are not built here: `maps.place_points` builds them for the circles it draws
    (at most `maps.MAX_CIRCLES`), which depend on the figure the reader sizes by.
    """
    totals = aggregate.place_totals(_data.full, sel)
    if totals.empty:
        return totals
    return totals.merge(representative(_data, sel), on=["place", "country"], how="left", suffixes=("", "_tip"))


@st.cache_data(max_entries=256, show_spinner=False)
def unplaced_of(key: tuple, sel: Selection, _data: Loaded) -> pd.DataFrame:
    return aggregate.unplaced_totals(_data.full, sel)


@st.cache_data(max_entries=256, show_spinner=False)
def series_of(key: tuple, sel: Selection, _data: Loaded) -> pd.DataFrame:
    return aggregate.series(_data.full, sel)


@st.cache_data(max_entries=256, show_spinner=False)
def regions_of(key: tuple, sel: Selection, figure: str, _data: Loaded) -> pd.DataFrame:
    if figure == "largest":   # the biggest of the figures circles read, per region
        frames = [aggregate.region_totals(_data.full, sel, figure=f) for f in maps.LARGEST_OF]
        return (pd.concat(frames).groupby(["admin1", "country"], as_index=False)
                .agg(value=("value", "max"), strikes=("strikes", "max")))
    return aggregate.region_totals(_data.full, sel, figure=figure)


@st.cache_data(max_entries=256, show_spinner=False)
def arcs_of(key: tuple, sel: Selection, _data: Loaded) -> pd.DataFrame:
    return aggregate.launch_arcs(_data.full, sel)


@st.cache_data(max_entries=256, show_spinner=False)
def sources_of(key: tuple, sel: Selection, _data: Loaded) -> list[str]:
    """The sources (or titles) of the reports behind a selection, for the credit line."""
    present = np.bincount(_data.source_code[mask(_data.full, sel)] + 1, minlength=len(_data.source_names) + 1)
    return [_data.source_names[c] for c in np.flatnonzero(present[1:])]


@st.cache_data(max_entries=256, show_spinner=False)
def slices_of(key: tuple, sel: Selection, _data: Loaded) -> list[dt.date]:
    return aggregate.slices_in(_data.full, sel)


@st.cache_data(max_entries=64, show_spinner=False)
def per_slice_places(key: tuple, sel: Selection, starts: tuple[dt.date, ...], _data: Loaded
                     ) -> list[tuple[dt.date, pd.DataFrame]]:
    """`aggregate.place_totals` for each slice beginning at ``starts`` (the small multiples).

    The whole window is cut out of the store once, so each slice's totals run on a few
    rows instead of masking all the strikes again.
    """
    if not starts:
        return []
    first = aggregate.slice_range(starts[0], sel.slice)[0]
    last = aggregate.slice_range(starts[-1], sel.slice)[1]
    window = replace(sel, date_from=max(first, sel.date_from or first), date_to=min(last, sel.date_to or last))
    rows = np.flatnonzero(mask(_data.full, window))
    sub = Strikes(claims=_data.full.claims.iloc[:0],
                  strikes=_data.full.strikes.iloc[rows].reindex(columns=WINDOW_COLUMNS),
                  claim_strike=np.zeros(0, dtype="int64"))
    out = []
    for start in starts:
        lo, hi = aggregate.slice_range(start, sel.slice)
        one = replace(sel, date_from=max(lo, sel.date_from or lo), date_to=min(hi, sel.date_to or hi))
        out.append((start, aggregate.place_totals(sub, one)))
    return out


def representative(data: Loaded, sel: Selection) -> pd.DataFrame:
    """The latest drawable strike per place (`aggregate.latest_per_place`): its evidence, source
    and claimant for the tooltip."""
    rows = aggregate.latest_per_place(data.full, sel)
    if len(rows) == 0:
        return pd.DataFrame(columns=TIP_COLUMNS)
    picked = data.full.rows(rows, TIP_COLUMNS)   # read from the store for these rows only
    picked["source"] = picked["source"].where(picked["source"].notna(), picked["title"])
    return picked.drop(columns=["title", "claimed_by"]).reset_index(drop=True)


def strikes_behind(data: Loaded, sel: Selection, place: str, country: str | None) -> pd.DataFrame:
    """Every strike at one place (full columns, for the details panel).

    The selection is narrowed to the place name first, so the mask copies only a few rows.
    """
    narrow = replace(sel, place=place)
    return aggregate.strikes_at(data.full, narrow, place, country)


def claims_behind(data: Loaded, strike_ids) -> pd.DataFrame:
    """The claims behind some strikes, with ``_strike``: the strike each belongs to."""
    ids = np.asarray(list(strike_ids), dtype="int64")
    wanted = np.isin(data.full.claim_strike, ids)
    return aggregate.claims_of(data.full, ids).assign(_strike=data.full.claim_strike[wanted])


def rows_for_export(data: Loaded, sel: Selection) -> pd.DataFrame:
    return selected(data.full, sel)
