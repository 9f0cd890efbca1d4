"""From report files to event records: read, extract, place. Used by the CLI, the page and tests.

The store is not touched here: `read_batch` returns what was read and what failed, so the caller
can write all good reports in one transaction and name every bad file in one line.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .events import normalise_event
from .reports import Report, ReportError, read_report, report_paths


@dataclass
class ReadResult:
    """One report file after reading and extraction."""

    path: str
    report: Report | None = None
    events: list[dict] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def warnings(self) -> list[str]:
        return list(self.report.warnings) if self.report else []


def place_fields(place) -> dict:
    """The event's geographic fields from a gazetteer `Place` (or nothing if unresolved)."""
    if place is None:
        return {}
    return {"place": place.name, "country": place.country, "admin1": place.admin1,
            "lat": place.lat, "lon": place.lon, "geo_precision": place.precision}


def events_from_report(report: Report, gazetteer=None, geocode: Callable | None = None) -> tuple[list[dict], list[str]]:
    """Event records of one report, and the place names that could not be placed.

    Parameters
    ----------
    report : Report
    gazetteer : Gazetteer, optional
        Defaults to the offline gazetteer shipped in data/.
    geocode : callable, optional
        ``geocode(name) -> Place | None`` tried for names the gazetteer does not know (the opt-in
        online geocoder); never called when None.
    """
    from .extract import extract_claims
    from .gazetteer import default_gazetteer

    gazetteer = gazetteer or default_gazetteer()
    events, unresolved = [], []
    prefix, source = report.report_id[:16], report.source or report.title
    for i, claim in enumerate(extract_claims(report.text, report.published, gazetteer)):
        place = claim.pop("place_ref", None)  # the claim is ours: it becomes the record
        if place is None and claim["place"]:
            place = geocode(claim["place"]) if geocode is not None else None
            if place is None:
                unresolved.append(claim["place"])
        record = normalise_event(claim)  # every column, in order; then the place's and the report's
        if place is not None:
            record.update(place_fields(place))
        record["event_id"], record["report_id"] = f"{prefix}-{i:03d}", report.report_id
        record["source"], record["source_url"] = source, report.url
        events.append(record)
    return events, sorted(set(unresolved))


def read_one(path: str | os.PathLike, published: dt.date | str | None = None, gazetteer=None,
             geocode: Callable | None = None) -> ReadResult:
    """Read and extract one file; a bad file gives a result with ``error`` set, never raises."""
    try:
        report = read_report(path, published)
    except ReportError as exc:
        return ReadResult(path=str(path), error=str(exc))
    events, unresolved = events_from_report(report, gazetteer, geocode)
    return ReadResult(path=str(path), report=report, events=events, unresolved=unresolved)


def read_batch(paths: Iterable[str | os.PathLike], published=None, gazetteer=None,
               geocode: Callable | None = None) -> list[ReadResult]:
    """Read every report named (folders expanded); bad files are results with an error."""
    return [read_one(p, published, gazetteer, geocode) for p in report_paths(paths)]
