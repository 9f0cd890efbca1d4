"""Shared helpers for the tests: small reports and event records written for the project."""
import pytest

from dashboard.events import FIGURES as FIGS
from dashboard.gazetteer import default_gazetteer

from dashboard.events import normalise_event
from dashboard.reports import report_from_bytes


def make_report(text: str, name: str = "report.md", published: str | None = "2024-05-02"):
    return report_from_bytes(text.encode("utf-8"), name, published)


def make_event(report, i=0, **fields):
    base = {"event_id": f"{report.report_id[:16]}-{i:03d}", "report_id": report.report_id,
            "place": "Kyiv", "country": "UA", "admin1": "Kyiv city", "lat": 50.45, "lon": 30.52,
            "geo_precision": "city", "date": "2024-05-02", "date_precision": "night",
            "weapon": "drone", "claimed_by": "Ukrainian Air Force", "evidence": "A sentence.",
            "span": [0, 11]}
    base.update(fields)
    return normalise_event(base)


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    path = tmp_path / "strikes.sqlite"
    monkeypatch.setenv("STRIKES_DB", str(path))
    return path


@pytest.fixture(scope="session")
def gaz():
    """The shipped offline gazetteer, loaded once."""
    return default_gazetteer()


def facts(claims):
    """(place, weapon, figure, value) of every figure in extracted claims."""
    return {(c["place"], c["weapon"], f, c[f]) for c in claims for f in FIGS if c[f] is not None}


def places(claims):
    return {c["place"] for c in claims}
