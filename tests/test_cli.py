"""The command line: extract, ingest (bad input, idempotence), summary, export."""
import json
import sqlite3

import geopandas as gpd
import pandas as pd
import pytest

from dashboard.__main__ import main

REPORT = """---
title: Night attack on Odesa
source: Test Wire
url: https://example.org/odesa
published: 2024-03-08
---
Russia launched 20 Shahed drones at Ukraine overnight, and air defence shot down 18 of them, the Ukrainian Air Force said.
Two people were injured in Odesa, the regional governor said.
"""


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_text(REPORT, encoding="utf-8")
    return folder


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_extract_prints_report_and_events(capsys, reports):
    code, out, _ = run(capsys, "extract", str(reports / "good.md"), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["report"]["published"] == "2024-03-08"
    assert data["report"]["title"] == "Night attack on Odesa"
    figures = {(e["weapon"], e["launched"], e["intercepted"]) for e in data["events"]}
    assert ("drone", 20, 18) in figures
    text = (reports / "good.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    for event in data["events"]:
        start, end = event["span"]
        assert text[start:end] == event["evidence"]
        assert event["report_id"] == data["report"]["report_id"]


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_extract_other_formats(capsys, reports, fmt):
    code, out, _ = run(capsys, "extract", str(reports / "good.md"), "--format", fmt)
    assert code == 0
    if fmt == "geojson":
        assert json.loads(out)["type"] == "FeatureCollection"
    else:
        assert out.splitlines()[0].startswith("event_id,report_id,place")


@pytest.mark.parametrize("name, data, problem", [
    ("empty.txt", b"", "empty file"),
    ("binary.md", b"\x00\x01\x02PK\x03\x04" * 20, "binary file"),
    ("latin1.txt", "Angriff auf Kyjiw \xe4\xf6".encode("latin-1"), "not UTF-8"),
])
def test_bad_file_named_in_one_line_and_others_still_stored(capsys, tmp_path, reports, name, data, problem):
    (reports / name).write_bytes(data)
    db = tmp_path / "s.sqlite"
    code, out, err = run(capsys, "--db", str(db), "ingest", str(reports))
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and name in errors[0] and problem in errors[0]
    assert "good.md:" in out
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 1


def test_missing_file(capsys, tmp_path, reports):
    code, out, err = run(capsys, "--db", str(tmp_path / "s.sqlite"), "ingest",
                         str(reports / "good.md"), str(tmp_path / "nope.md"))
    assert code == 1
    assert "nope.md: no such file" in err
    assert "good.md:" in out


def test_oversized_file(capsys, tmp_path, reports, monkeypatch):
    monkeypatch.setattr("dashboard.reports.MAX_REPORT_BYTES", 100)
    code, _, err = run(capsys, "--db", str(tmp_path / "s.sqlite"), "ingest", str(reports / "good.md"))
    assert code == 1 and "over the 100-byte limit" in err


def test_ingest_twice_changes_nothing(capsys, tmp_path, reports):
    db = tmp_path / "s.sqlite"
    run(capsys, "--db", str(db), "ingest", str(reports))
    code, out, _ = run(capsys, "--db", str(db), "ingest", str(reports))
    assert code == 0 and "already stored, nothing changed" in out
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 1


def test_summary_json_shape_and_nulls(capsys, tmp_path, reports):
    db = tmp_path / "s.sqlite"
    run(capsys, "--db", str(db), "ingest", str(reports))
    code, out, _ = run(capsys, "--db", str(db), "summary", "--format", "json")
    result = json.loads(out)
    assert code == 0
    for key in ("drones", "missiles", "cruise_missiles", "ballistic_missiles", "glide_bombs", "unknown"):
        assert set(result[key]) >= {"launched", "intercepted"}
    assert result["drones"]["launched"] == 20 and result["drones"]["intercepted"] == 18
    assert result["injured"] == 2
    assert result["killed"] is None                    # nobody reported a death: not 0
    assert result["cruise_missiles"]["launched"] is None
    assert result["reports"] == 1
    code, out, _ = run(capsys, "--db", str(db), "summary", "--from", "2024-03-09", "--format", "json")
    assert json.loads(out)["drones"]["launched"] is None


def test_summary_text(capsys, tmp_path, reports):
    db = tmp_path / "s.sqlite"
    run(capsys, "--db", str(db), "ingest", str(reports))
    code, out, _ = run(capsys, "--db", str(db), "summary")
    assert code == 0 and "not reported" in out and "Drones" in out


def test_summary_text_gives_the_base_of_each_rate(capsys, tmp_path, reports):
    db = tmp_path / "s.sqlite"
    run(capsys, "--db", str(db), "ingest", str(reports))
    _, out, _ = run(capsys, "--db", str(db), "summary")
    assert "(90% of 20 intercepted*)" in out
    assert "* of the launches in strikes whose reports state both" in out


@pytest.mark.parametrize("command", [["summary"], ["summary", "--format", "json"],
                                     ["export", "--format", "csv", "--out", "{tmp}/x.csv"],
                                     ["snapshot", "--out", "{tmp}/x.png"]])
@pytest.mark.parametrize("content, problem", [(None, "no store at"), (b"not a database at all" * 100,
                                                                        "cannot read the store")])
def test_reading_commands_name_a_missing_or_bad_store_in_one_line(capsys, tmp_path, command, content, problem):
    """A missing store is not created: an empty one would stop `make run` building it from seeds/."""
    db = tmp_path / "none.sqlite"
    if content is not None:
        db.write_bytes(content)
    code, out, err = run(capsys, "--db", str(db), *(arg.format(tmp=tmp_path) for arg in command))
    assert code == 1 and out == ""
    assert err.startswith("error: ") and problem in err and str(db) in err and len(err.splitlines()) == 1
    assert db.exists() == (content is not None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ([db.name] if content is not None else [])


def test_ingest_into_a_file_that_is_not_a_store_is_one_line(capsys, tmp_path, reports):
    db = tmp_path / "notes.sqlite"
    db.write_text("my notes, not a database\n" * 50, encoding="utf-8")
    code, _, err = run(capsys, "--db", str(db), "ingest", str(reports))
    assert code == 1 and err == f"error: {db}: cannot use the store (file is not a database)\n"
    assert db.read_text(encoding="utf-8").startswith("my notes")          # left as it was


def test_export_makes_its_folder_and_names_a_file_it_cannot_write(capsys, tmp_path, reports):
    db = tmp_path / "s.sqlite"
    run(capsys, "--db", str(db), "ingest", str(reports))
    out = tmp_path / "new" / "folder" / "x.csv"
    code, _, _ = run(capsys, "--db", str(db), "export", "--format", "csv", "--out", str(out))
    assert code == 0 and out.exists()
    blocked = tmp_path / "a-file.txt"
    blocked.write_text("x", encoding="utf-8")
    code, out_text, err = run(capsys, "--db", str(db), "export", "--format", "csv", "--out", str(blocked / "x.csv"))
    assert code == 1 and out_text == "" and err.startswith(f"error: {blocked / 'x.csv'}: ") and len(err.splitlines()) == 1
    assert blocked.read_text(encoding="utf-8") == "x" and not list(tmp_path.rglob("*.part"))


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
def test_export(capsys, tmp_path, reports, fmt):
    db = tmp_path / "s.sqlite"
    run(capsys, "--db", str(db), "ingest", str(reports))
    out_file = tmp_path / f"out.{fmt}"
    code, _, _ = run(capsys, "--db", str(db), "export", "--format", fmt, "--out", str(out_file))
    assert code == 0 and out_file.exists()
    if fmt == "csv":
        frame = pd.read_csv(out_file)
        assert "Made with Natural Earth" in frame["credit"].iloc[0]
    else:
        frame = gpd.read_file(out_file)
    assert len(frame) >= 1
    assert frame["evidence"].notna().all()
    if fmt == "geojson":
        assert "Natural Earth" in json.loads(out_file.read_text())["attribution"]


def test_export_date_filter(capsys, tmp_path, reports):
    db = tmp_path / "s.sqlite"
    run(capsys, "--db", str(db), "ingest", str(reports))
    out_file = tmp_path / "out.csv"
    run(capsys, "--db", str(db), "export", "--format", "csv", "--from", "2025-01-01", "--out", str(out_file))
    assert len(pd.read_csv(out_file)) == 0
