"""The embedded store: one SQLite file with the reports (verbatim) and their events.

Reports are keyed by the hash of their bytes, so ingesting the same report again changes nothing.
An ingest is one transaction: a crash or an error part-way leaves the store as it was before.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

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

    def event_table(self) -> pd.DataFrame:
        """Every event joined with its report's publication date and title, as a DataFrame."""
        query = (f"SELECT {','.join('e.' + c for c in EVENT_COLUMNS)}, r.published, r.title, "
                 "r.url AS report_url, r.kind FROM events e JOIN reports r USING (report_id)")
        df = pd.read_sql_query(query, self.conn)
        for field in FIGURES:
            df[field] = df[field].astype("Int64")
        df["date_inferred"] = df["date_inferred"].fillna(0).astype(bool)
        return df

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


def stored_events(path: str | os.PathLike | None = None) -> Iterable[dict]:
    """Every stored event as a record (for exports)."""
    with closing(Store(path)) as store:
        return [_record(r) for r in store.event_table().to_dict("records")]
