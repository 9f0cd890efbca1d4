"""The store: verbatim reports, idempotent ingest, one transaction per ingest."""
import subprocess
import sys
import textwrap

import pytest

from dashboard.store import Store, default_path
from conftest import make_event, make_report


def test_default_path_follows_the_environment(db_path):
    assert default_path() == db_path


def test_raw_text_kept_verbatim_and_events_round_trip(db_path):
    report = make_report("---\npublished: 2024-05-02\n---\nFifteen drones were shot down over Kyiv.\n")
    event = make_event(report, launched=16, intercepted=15, at_least=["intercepted"])
    with Store() as store:
        store.ingest([(report, [event])])
        stored = store.report(report.report_id)
        frame = store.events_frame()
    assert stored["raw"] == report.raw and stored["text"] == report.text
    row = frame.iloc[0]
    assert (row["launched"], row["intercepted"], row["at_least"]) == (16, 15, ["intercepted"])
    assert row["killed"] is None or str(row["killed"]) == "<NA>"
    assert row.geometry.x == pytest.approx(30.52) and frame.crs.to_epsg() == 4326
    assert list(row["span"]) == [0, 11]


def test_same_report_twice_changes_nothing(db_path):
    report = make_report("Two drones were downed.\n")
    with Store() as store:
        first = store.ingest([(report, [make_event(report, intercepted=2)])])
        version = store.version()
        second = store.ingest([(report, [make_event(report, intercepted=2)])])
        assert store.counts() == {"reports": 1, "events": 1}
        assert store.version() == version
    assert first[0].new and not second[0].new


def test_error_part_way_leaves_the_store_as_before(db_path):
    good = make_report("First report.\n")
    with Store() as store:
        store.ingest([(good, [make_event(good)])])
        before = store.counts()
        second, third = make_report("Second report.\n"), make_report("Third report.\n")
        broken = make_event(third)
        broken["event_id"] = make_event(second)["event_id"]   # duplicate key: the insert fails
        with pytest.raises(Exception):
            store.ingest([(second, [make_event(second)]), (third, [broken])])
        assert store.counts() == before


def test_killed_process_leaves_the_store_as_before(db_path):
    """A crash (the process dies mid-transaction) must not leave half an ingest behind."""
    good = make_report("First report.\n")
    with Store() as store:
        store.ingest([(good, [make_event(good)])])
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(__import__('pathlib').Path(__file__).parent)!r})
        from conftest import make_event, make_report
        from dashboard.store import Store
        report = make_report("A report that never lands.\\n")
        def events():
            yield make_event(report, 0)
            yield make_event(report, 1)
            os._exit(9)          # die with the transaction open
        Store({str(db_path)!r}).ingest([(report, events())])
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 9, proc.stderr
    with Store() as store:
        assert store.counts() == {"reports": 1, "events": 1}
