"""The benchmark scripts work: a tiny store, one measuring pass, the JSON fields. No timings."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
import run  # noqa: E402

from dashboard import aggregate, query  # noqa: E402
from dashboard import store as store_module  # noqa: E402
from dashboard.store import TEXT_COLUMNS, Store  # noqa: E402


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "events.sqlite"
    stats = generate.generate_store(path, 2_000, seed=1, batch_reports=20)
    assert stats["events"] == 2_000
    assert 40 <= stats["reports"] <= 200          # 10-50 events per report
    assert stats["ingest_reports_per_s"] > 0
    return path


def test_generated_store_looks_like_the_real_thing(store_path):
    with Store(store_path) as store:
        data = query.Strikes.from_store(store)
    strikes = data.strikes
    with Store(store_path) as store:
        claims = store.event_table()
    assert list(data.claims.columns) == list(query.KEPT_CLAIM_COLUMNS)
    assert len(strikes) < len(claims)                                   # several claims per strike
    assert set(strikes["geo_precision"].dropna()) >= {"city", "region", "country"}
    assert set(strikes["side"]) >= {"UA", "RU"}
    assert strikes["alternative_of"].notna().any()                      # both sides claim some
    assert claims["launch_place"].notna().any() and claims["date"].isna().any()
    assert claims["place"].nunique() > 200
    assert claims["date"].dropna().min() >= "2022-02-24" and claims["date"].dropna().max() <= "2026-12-31"
    assert query.summary(data)["events"] > 0


def test_chunked_read_is_the_one_shot_read(store_path, monkeypatch):
    """`Store.event_table` reads in chunks; the frame is the one a single read gives."""
    with Store(store_path) as store:
        whole = store.event_table()
        monkeypatch.setattr(store_module, "READ_CHUNK", 150)   # many chunks, some with all-missing columns
        pd.testing.assert_frame_equal(store.event_table(), whole)
        some = store.event_table(["event_id", "place", "launched"])
        pd.testing.assert_frame_equal(some, whole[["event_id", "place", "launched"]])


def test_measure_returns_every_field(store_path):
    result = run.measure(store_path, iterations=6, naive_iterations=2, load_repeats=1)
    for key in ("events", "load_ms", "filter_ms", "query_ms", "layers_ms", "summary_ms", "naive_filter_ms",
                "naive_summary_ms", "ratio", "payload_bytes", "peak_rss_mb", "calib_ms"):
        assert key in result and result[key] is not None, key
    assert result["events"] == 2_000
    assert result["payload_bytes"] > 0 and result["peak_rss_mb"] > 0
    json.dumps(result)


def test_naive_and_cached_paths_agree(store_path):
    """The naive baseline computes the same totals (so the ratio compares like with like)."""
    with Store(store_path) as store:
        data = query.Strikes.from_store(store)
        sel = query.Selection(country=("UA",))
        naive, rest = run.naive_strikes(store, sel)
    cached = query.summary(data, sel)
    other = query.summary(naive, rest)
    assert other["events"] == cached["events"]
    assert other["drones"] == cached["drones"]
    assert len(aggregate.place_totals(naive, rest)) == len(aggregate.place_totals(data, sel))


def test_command_line_prints_one_json_object(store_path):
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--events", "2000", "--store",
                          str(store_path), "--json", "--iterations", "4", "--naive-iterations", "1",
                          "--load-repeats", "1"], capture_output=True, text=True, check=True, cwd=ROOT)
    result = json.loads(out.stdout)
    assert {"events", "filter_ms", "naive_filter_ms", "payload_bytes", "peak_rss_mb",
            "ingest_reports_per_s", "summary_ms", "naive_summary_ms", "load_ms"} <= set(result)


def test_extract_bench_reports_are_about_2kb():
    import extract_bench

    reports = extract_bench.synthetic_reports(5, seed=3)
    sizes = [len(r.text.encode()) for r in reports]
    assert all(1500 < s < 3500 for s in sizes) and len({r.report_id for r in reports}) == 5
    assert np.mean(sizes) > 1800


def test_extract_snapshot_writes_the_same_events_twice(tmp_path):
    """The identical-output check is only worth having if the same code gives the same bytes."""
    import extract_snapshot

    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for out in (first, second):
        assert extract_snapshot.main(["--out", str(out)]) == 0
    assert first.read_bytes() == second.read_bytes()
    data = json.loads(first.read_text(encoding="utf-8"))
    assert len(data) >= 300 + 30                          # synthetic reports and the seeds
    assert all(e["evidence"] for d in data for e in d["events"])
    assert any(d["events"] for d in data)


def test_claims_of_reads_the_text_left_in_the_store(store_path):
    """`from_store` keeps the claims' report text in SQLite; `claims_of` gives whole rows."""
    with Store(store_path) as store:
        data = query.Strikes.from_store(store)
        table = store.event_table()
    assert not set(TEXT_COLUMNS) & set(data.claims.columns)
    ids = np.arange(0, len(data.strikes), 37)
    rows = aggregate.claims_of(data, ids)
    expected = table[np.isin(data.claim_strike, ids)]
    pd.testing.assert_frame_equal(rows, expected)
    assert list(aggregate.claims_of(data, []).columns) == list(table.columns)
    first = data.rows([0]).iloc[0]
    assert first["evidence"] == table.loc[table["event_id"] == first["event_id"], "evidence"].iloc[0]


def test_long_range_kinds_are_calendar_quarters_years_and_open_ends(store_path):
    with Store(store_path) as store:
        data = query.Strikes.from_store(store)
    sels = run.selections(data, 32)
    kinds = {kind for kind, _ in sels}
    assert {"quarter", "year", "since", "range", "year+weapon", "day", "all"} <= kinds
    for kind, sel in sels:
        if kind in ("quarter", "year", "year+weapon"):
            assert sel.date_from.day == 1 and sel.date_from.month in ((1,) if "year" in kind else (1, 4, 7, 10))
            after = sel.date_to + pd.Timedelta(days=1)
            assert after.day == 1 and (after.month == 1 if "year" in kind else after.month in (1, 4, 7, 10))
            assert (sel.date_to - sel.date_from).days in ((364, 365) if "year" in kind else range(88, 92))
        if kind == "since":
            assert sel.date_from is not None and sel.date_to is None
        if kind == "range":
            assert 45 <= (sel.date_to - sel.date_from).days < 700
        assert bool(sel.weapon) == (kind in ("weapon", "day+weapon", "year+weapon"))
