"""The embedded store: one SQLite file with the reports (verbatim) and their events.

Reports are keyed by the hash of their bytes, so ingesting the same report again changes nothing.
An ingest is one transaction: a crash or an error part-way leaves the store as it was before.
"""
from __future__ import annotations

import ctypes
import datetime as dt
import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .events import COLUMNS, FIGURES, events_frame

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_DB = DATA_DIR / "strikes.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT PRIMARY KEY,
    path TEXT, title TEXT, url TEXT, source TEXT,
    published TEXT, published_from TEXT,
    kind TEXT NOT NULL DEFAULT 'text',
    raw TEXT NOT NULL,
    text TEXT NOT NULL,
    warnings TEXT NOT NULL DEFAULT '[]',
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports(report_id),
    place TEXT, country TEXT, admin1 TEXT, lat REAL, lon REAL, geo_precision TEXT,
    date TEXT, date_precision TEXT, date_inferred INTEGER,
    weapon TEXT, weapon_model TEXT,
    launched INTEGER, intercepted INTEGER, lost INTEGER, hit INTEGER, killed INTEGER, injured INTEGER,
    at_least TEXT, claimed_by TEXT, attacker TEXT, evidence TEXT, span_start INTEGER, span_end INTEGER,
    launch_place TEXT, launch_lat REAL, launch_lon REAL, source TEXT, source_url TEXT
);
CREATE INDEX IF NOT EXISTS events_date ON events(date);
CREATE INDEX IF NOT EXISTS events_report ON events(report_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
INSERT OR IGNORE INTO meta VALUES ('version', '0');
"""

EVENT_COLUMNS = [c for c in COLUMNS if c != "span"] + ["span_start", "span_end"]


def default_path() -> Path:
    """The store's path: env STRIKES_DB, else data/strikes.sqlite in the project."""
    return Path(os.environ.get("STRIKES_DB") or DEFAULT_DB)


@dataclass(frozen=True)
class StoredReport:
    """What an ingest did with one report."""

    report_id: str
    path: str
    events: int
    new: bool   # False: the same report was already stored, nothing changed


class Store:
    """A SQLite store of reports and events. Use as a context manager or call `close()`."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(SCHEMA)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # -- writing ---------------------------------------------------------------------------
    def ingest(self, batch: Sequence[tuple[Any, Sequence[dict]]], kind: str = "text") -> list[StoredReport]:
        """Store reports with their events in one transaction.

        Parameters
        ----------
        batch : sequence of (report, events)
            ``report`` is a `reports.Report` (or anything with the same attributes); ``events``
            are full event records (`events.COLUMNS`).
        kind : str
            "text" for report files, or the importer's name for a table.
        """
        done: list[StoredReport] = []
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            for report, events in batch:
                known = cur.execute("SELECT 1 FROM reports WHERE report_id = ?",
                                    (report.report_id,)).fetchone()
                if known:
                    done.append(StoredReport(report.report_id, report.path, 0, new=False))
                    continue
                cur.execute(
                    "INSERT INTO reports VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (report.report_id, report.path, report.title, report.url, report.source,
                     report.published.isoformat() if report.published else None,
                     report.published_from, kind, report.raw, report.text,
                     json.dumps(list(report.warnings)), now))
                cur.executemany(
                    f"INSERT INTO events ({','.join(EVENT_COLUMNS)}) VALUES ({','.join('?' * len(EVENT_COLUMNS))})",
                    (_event_row(e) for e in events))
                done.append(StoredReport(report.report_id, report.path, len(events), new=True))
            if any(d.new for d in done):
                cur.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'version'")
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return done

    # -- reading ---------------------------------------------------------------------------
    def version(self) -> int:
        """A number that changes with every ingest that stored something (for caches)."""
        return int(self.conn.execute("SELECT value FROM meta WHERE key='version'").fetchone()[0])

    def counts(self) -> dict[str, int]:
        reports = self.conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        events = self.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        return {"reports": reports, "events": events}

    def event_table(self, columns: Sequence[str] = ()) -> pd.DataFrame:
        """Every event joined with its report's publication date, title, URL and kind.

        ``columns`` picks some of `CLAIM_COLUMNS` (default: all). Read in chunks
        (`read_events`), so the SQL and the dtype conversions live here only.
        """
        return read_events(self.conn, tuple(columns) or CLAIM_COLUMNS)[0]

    def events_frame(self) -> "gpd.GeoDataFrame":  # noqa: F821 (geopandas type)
        """Every stored event as the schema's GeoDataFrame."""
        return events_frame(_record(row) for row in self.event_table().to_dict("records"))

    def report(self, report_id: str) -> dict | None:
        """One stored report with its verbatim text."""
        self.conn.row_factory = sqlite3.Row
        try:
            row = self.conn.execute("SELECT * FROM reports WHERE report_id = ?", (report_id,)).fetchone()
        finally:
            self.conn.row_factory = None
        return dict(row) if row else None

    def reports(self) -> pd.DataFrame:
        return pd.read_sql_query(
            "SELECT report_id, path, title, url, source, published, kind, ingested_at FROM reports",
            self.conn)


#: Rows read from SQLite at a time: the rows of one chunk exist as Python objects at once.
READ_CHUNK = 20_000
#: The columns of `Store.event_table`, in order, and what each is read from.
CLAIM_SQL = {**{c: "e." + c for c in EVENT_COLUMNS}, "published": "r.published", "title": "r.title",
             "report_url": "r.url AS report_url", "kind": "r.kind"}
CLAIM_COLUMNS = tuple(CLAIM_SQL)
#: Report text of the claims that `Strikes.from_store` leaves in the store (most of their bytes).
TEXT_COLUMNS = ("evidence", "source_url", "title", "report_url")


#: Up to this many events asked for by rowid are looked up one by one; more are read in a scan.
FEW_ROWS = 50_000


def read_events(conn, columns=CLAIM_COLUMNS, rowids=None, ids=None) -> tuple[pd.DataFrame, np.ndarray]:
    """Some columns of `Store.event_table` and the events' SQLite rowids.

    Read in chunks of `READ_CHUNK` rows so the rows never sit in memory as Python objects all
    at once (at 1M events a one-shot read holds several GB). With ``rowids`` or ``ids`` (event
    ids) only those events, in that order (a missing one gives a row of missing values):
    `query.Strikes` keeps most columns in the store and reads them for the rows a page shows.
    """
    key = "e.event_id" if ids is not None else "e.rowid"
    query = (f"SELECT e.rowid AS _rowid, {key} AS _key, {','.join(CLAIM_SQL[c] for c in columns)} "
             "FROM events e JOIN reports r USING (report_id)")
    wanted = ids if ids is not None else rowids
    few = ids is not None or (rowids is not None and len(rowids) <= FEW_ROWS)
    batches = [()]
    if few:        # a few events (a details panel, a tooltip): by key, 10,000 at a time
        wanted = list(wanted) if ids is not None else np.asarray(rowids, dtype=np.int64).tolist()
        distinct = list(dict.fromkeys(wanted))
        batches = [tuple(distinct[i:i + 10_000]) for i in range(0, len(distinct), 10_000)] or [()]
        query += f" WHERE {key} IN ({{}})"
    chunks = []
    for params in batches:
        sql = query.format(",".join("?" * len(params))) if few else query
        for chunk in pd.read_sql_query(sql, conn, params=params, chunksize=READ_CHUNK):
            chunks.append(chunk[np.isin(chunk["_rowid"].to_numpy(), rowids)] if rowids is not None and not few
                          else chunk)
    if len(chunks) > 1:
        chunks = _same_dtypes(chunks)
    df = _concat(chunks) if chunks else pd.read_sql_query(sql, conn, params=params)
    if wanted is not None:
        df = df.set_index("_key", drop=False).reindex(wanted).reset_index(drop=True)
    for name in FIGURES:
        if name in df:
            df[name] = df[name].astype("Int64")
    if "date_inferred" in df:
        df["date_inferred"] = df["date_inferred"].fillna(0).astype(bool)
    rowid = df.pop("_rowid").to_numpy()
    return df.drop(columns="_key"), rowid


def _concat(chunks: list[pd.DataFrame]) -> pd.DataFrame:
    """``pd.concat(chunks)`` one column at a time, each chunk's column let go once copied: the
    rows are never held twice (at 1M events that was the load's peak, ~0.7 GB more)."""
    columns = {}
    for name in list(chunks[0].columns):
        columns[name] = pd.concat([c.pop(name) for c in chunks], ignore_index=True)
    chunks.clear()
    return pd.DataFrame(columns, copy=False)


def stored_dtypes(conn, columns) -> dict[str, object]:
    """The dtype each of ``columns`` has in `Store.event_table` (read whole), from one count of
    the values stored: a few rows read by rowid then get the dtypes of the whole table."""
    types = {row[1]: row[2] for row in conn.execute("PRAGMA table_info(events)")}
    counts = conn.execute("SELECT COUNT(*), " + ",".join(f"COUNT({CLAIM_SQL[c].split(' AS ')[0]})" for c in columns)
                          + " FROM events e JOIN reports r USING (report_id)").fetchone()
    out = {}
    for name, stored in zip(columns, counts[1:]):
        kind = types.get(name, "TEXT")
        if name in FIGURES or name == "date_inferred":
            out[name] = "Int64" if name in FIGURES else bool
        elif not stored:
            out[name] = object
        elif kind == "INTEGER":
            out[name] = "int64" if stored == counts[0] else "float64"
        else:
            out[name] = "float64" if kind == "REAL" else "str"
    return out


#: glibc's mallopt parameter; the size from which an allocation gets pages of its own during a
#: load, and after it (glibc's largest automatic value: filter changes reuse heap memory).
_M_MMAP_THRESHOLD, LOAD_MMAP_THRESHOLD, MMAP_THRESHOLD_AFTER = -3, 128 * 1024, 32 * 1024 * 1024


@lru_cache(maxsize=1)
def _glibc():
    """glibc's malloc tuning calls, or None elsewhere (nothing to tune: loads work as before)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def _mallopt_threshold(size: int) -> None:
    if _glibc() is not None:
        _glibc().mallopt(_M_MMAP_THRESHOLD, size)


@contextmanager
def large_arrays_mapped():
    """During a load, give every large array pages of its own, returned when it is freed.

    glibc raises its mmap threshold each time a large block is freed, so a second load's arrays
    come from the heap, where freed space is scattered: at 1M events three loads in one process
    (a page reloading after ingests) peaked at ~1,000 MB, against ~790 MB with the threshold held
    low. Held low for good, filter changes were 5–15% slower (their temporaries mapped and
    unmapped each time), so after the load it is set high (bench/RESULTS.md, round 5).
    """
    _mallopt_threshold(LOAD_MMAP_THRESHOLD)
    try:
        yield
    finally:
        _mallopt_threshold(MMAP_THRESHOLD_AFTER)


def give_back_memory() -> None:
    """Return the memory freed by a load to the system.

    The merge's temporaries are freed, but pyarrow's pool (backing the ``str`` columns) and
    glibc's malloc keep the pages for reuse: at 1M events the process stayed at ~1.6 GB with
    ~0.6 GB of live data. Releasing them brings it to what the cached data needs (~0.7–1.0 GB).
    """
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except Exception:      # noqa: BLE001 -- an optional optimisation, never a failure
        pass
    if _glibc() is not None:
        _glibc().malloc_trim(0)


def _same_dtypes(chunks: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """Give a chunk's all-missing column the dtype the other chunks agree on (str or float64),
    as reading every row at once would have inferred it."""
    for col in chunks[0].columns:
        kinds = {str(c[col].dtype) for c in chunks}
        if len(kinds) < 2:
            continue
        target = "str" if "str" in kinds else ("float64" if kinds <= {"object", "int64", "float64"} else None)
        for c in chunks:
            if target and c[col].dtype == object and c[col].isna().all():
                c[col] = c[col].astype(target)
    return chunks



def _event_row(event: dict) -> tuple:
    span = event.get("span") or (None, None)
    values = dict(event, span_start=span[0], span_end=span[1])
    values["at_least"] = ",".join(event.get("at_least") or [])
    values["date_inferred"] = int(bool(event.get("date_inferred")))
    return tuple(values.get(c) for c in EVENT_COLUMNS)


def _record(row: dict) -> dict:
    """An event record from a stored row (the inverse of `_event_row`)."""
    rec = {c: (None if _missing(row.get(c)) else row.get(c)) for c in COLUMNS if c != "span"}
    start, end = row.get("span_start"), row.get("span_end")
    rec["span"] = [int(start), int(end)] if not (_missing(start) or _missing(end)) else None
    rec["at_least"] = [f for f in (row.get("at_least") or "").split(",") if f]
    for field in FIGURES:
        if rec[field] is not None:
            rec[field] = int(rec[field])
    return rec


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA
