"""The strikes' columns that stay in SQLite, read for the rows a page shows.

`query.Strikes.from_store` keeps in memory only what filters, totals and maps read (`NARROW`):
at 1M events the whole table of `dedupe.build_strikes` was ~0.5 GB, most of it report text,
keys and flags read for a few rows at a time (a details panel, a tooltip, an export). The rest
is read back here by the SQLite rowid of each strike's first claim and of the claims its
figures came from, and rebuilt with `dedupe.widen`: the same values and dtypes as the table
`build_strikes` makes from `Store.event_table`.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .dedupe import widen, wide_order
from .events import FIGURES
from .store import CLAIM_COLUMNS, read_events, stored_dtypes

#: Columns of the first claim kept in memory beside the merge's (what views filter and draw).
TOP_COLUMNS = ("lat", "lon", "launch_place", "launch_lat", "launch_lon", "source")
#: Rows of the first claims `StoredRows` keeps from small reads, per set of columns.
KEPT_ROWS = 20_000
#: Every column of the table, in `build_strikes`' order.
WIDE = tuple(wide_order(CLAIM_COLUMNS))
#: The columns a strike keeps in memory (`Strikes.strikes` of a store).
NARROW = tuple(c for c in WIDE if c in (
    "place", "country", "admin1", "lat", "lon", "geo_precision", "date", "weapon", "claimed_by", "attacker",
    "launch_place", "launch_lat", "launch_lon", "source", "side", *FIGURES, "n_claims", "n_reports",
    "strike_id", "alternative_of", *[f"{f}_count" for f in FIGURES]))
#: Columns `dedupe.widen` builds (it needs ``event_id`` and ``published`` of the first claim).
BUILT = ("strike_key", "rank", "_date", "_place", "wclass", "_pub", "how",
         *[f"{f}_at_least" for f in FIGURES], *[f"{f}_from" for f in FIGURES])


@dataclass
class StoredRows:
    """Where each strike's left-out columns are: the store and the rowids of its claims."""

    path: str
    top: np.ndarray                    # rowid of each strike's first claim
    picked: dict[str, np.ndarray]      # per figure, rowid of the claim it came from (-1: none)
    _dtypes: dict = field(default_factory=dict, repr=False)
    _kept: dict = field(default_factory=dict, repr=False)

    def read(self, strikes: pd.DataFrame, rows: np.ndarray, columns=None) -> pd.DataFrame:
        """Strikes at positions ``rows`` (index: the positions) with ``columns`` (default: all)."""
        want = list(columns) if columns is not None else list(WIDE)
        built = any(c in BUILT for c in want)
        out = strikes.take(rows) if built else strikes[[c for c in want if c in strikes]].take(rows)
        stored = [c for c in CLAIM_COLUMNS if c not in out and (c in want or built and c in ("event_id", "published"))]
        with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as conn:
            dtypes = self.dtypes(conn, stored)
            if stored:
                top = self._top_columns(conn, stored, self.top[rows])
                for name in stored:
                    out[name] = pd.Series(top[name].to_numpy(), index=out.index).astype(dtypes[name])
            if built:
                out = self._widen(conn, out, rows)
        return out.reindex(columns=want)

    def _top_columns(self, conn, columns: list[str], rowids: np.ndarray) -> pd.DataFrame:
        """``columns`` of the claims at ``rowids``. Small reads (the tooltips of a map: the latest
        strike per place, much the same from one selection to the next) keep their rows, up to
        `KEPT_ROWS` per set of columns, so the next selection reads only the new ones."""
        if len(rowids) > KEPT_ROWS or not len(rowids):
            return read_events(conn, columns, rowids=rowids)[0]
        key = tuple(columns)
        kept = self._kept.get(key)
        new = rowids if kept is None else np.setdiff1d(rowids, kept.index.to_numpy())
        if len(new):
            new = np.unique(new)
            fresh = read_events(conn, columns, rowids=new)[0].set_axis(new)
            kept = fresh if kept is None else pd.concat([kept, fresh])
        out = kept.loc[rowids].reset_index(drop=True)
        self._kept[key] = kept.iloc[-KEPT_ROWS:]
        return out

    def _widen(self, conn, out: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
        """`dedupe.widen` of rows, with the event id and ``at_least`` of the claims picked."""
        dtypes = self.dtypes(conn, ["event_id", "at_least"])
        wanted = np.concatenate([self.picked[f][rows] for f in FIGURES])
        claims, _ = read_events(conn, ["event_id", "at_least"], rowids=wanted)
        picked, at_least = {}, {}
        for i, f in enumerate(FIGURES):
            part = claims.iloc[i * len(rows):(i + 1) * len(rows)]
            picked[f] = pd.Series(part["event_id"].to_numpy(), index=out.index).astype(dtypes["event_id"])
            at_least[f] = pd.Series(part["at_least"].to_numpy(), index=out.index).astype(dtypes["at_least"])
        return widen(out, picked, at_least)

    def dtypes(self, conn, columns) -> dict:
        """`store.stored_dtypes`, counted once per column for this version of the store."""
        missing = [c for c in columns if c not in self._dtypes]
        if missing:
            self._dtypes.update(stored_dtypes(conn, missing))
        return {c: self._dtypes[c] for c in columns}

    def claims(self, rows: pd.DataFrame, dtypes: dict) -> pd.DataFrame:
        """Claims (rows with ``event_id``) with every column of `Store.event_table`, read by event
        id and given the dtypes of the whole table (``dtypes``: those known from the load)."""
        names = [c for c in CLAIM_COLUMNS if c not in rows]
        with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as conn:
            dtypes = {**self.dtypes(conn, [c for c in names if c not in dtypes]), **dtypes}
            text = pd.DataFrame({n: pd.Series([], dtype=dtypes[n]) for n in names})
            if len(rows):
                text, _ = read_events(conn, names, ids=rows["event_id"].tolist())
        out = rows.copy()
        for name in names:
            out[name] = pd.Series(text[name].to_numpy(), index=rows.index).astype(dtypes[name])
        return out[[c for c in CLAIM_COLUMNS if c in out]]
