"""A store's strikes keep few columns in memory; `Strikes.rows` reads the others back from SQLite.

What is read back must equal the table `build_strikes` makes from the whole `Store.event_table`:
same values, dtypes, column order and index (the strikes' positions).
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import generate  # noqa: E402

from dashboard import store as store_module, strike_rows  # noqa: E402
from dashboard.dedupe import build_strikes  # noqa: E402
from dashboard.query import Selection, Strikes, mask, selected  # noqa: E402
from dashboard.store import TEXT_COLUMNS, Store  # noqa: E402
from dashboard.strike_rows import NARROW, WIDE  # noqa: E402
from tests.conftest import make_event, make_report  # noqa: E402


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """(Strikes of a generated store, the whole table `build_strikes` makes of it)."""
    path = tmp_path_factory.mktemp("rows") / "events.sqlite"
    generate.generate_store(path, 1_500, seed=2, batch_reports=20)
    with Store(path) as store:
        data = Strikes.from_store(store)
        wide, _ = build_strikes(store.event_table())
    return data, wide


def test_a_store_keeps_the_narrow_columns_only(loaded):
    data, wide = loaded
    assert list(data.strikes.columns) == list(NARROW)
    assert not set(TEXT_COLUMNS) & set(data.strikes.columns)
    assert list(wide.columns) == list(WIDE)
    pd.testing.assert_frame_equal(data.strikes, wide[list(NARROW)])


@pytest.mark.parametrize("path", ["kept", "by-rowid", "scan"])
@pytest.mark.parametrize("columns", [
    None, ["evidence"], ["place", "how"], ["title", "source", "report_url"],
    ["strike_key", "launched_at_least", "intercepted_from", "span_start", "date_inferred"],
])
@pytest.mark.parametrize("which", ["some", "one", "none", "all"])
def test_rows_equal_the_whole_table(loaded, monkeypatch, path, columns, which):
    """Small reads are kept ("kept"), else read by rowid, else in a scan of the events."""
    data, wide = loaded
    if path != "kept":
        monkeypatch.setattr(strike_rows, "KEPT_ROWS", 0)
    monkeypatch.setattr(store_module, "FEW_ROWS", 0 if path == "scan" else 10**9)
    n = len(wide)
    rows = {"some": np.arange(n - 1, 0, -13), "one": np.array([n // 2]), "none": np.array([], dtype=int),
            "all": np.arange(n)}[which]
    expected = wide.take(rows)
    if columns is not None:
        expected = expected[columns]
    pd.testing.assert_frame_equal(data.rows(rows, columns), expected)


@pytest.mark.parametrize("sel", [Selection(), Selection(country=("RU",)), Selection(place="zzz-nowhere")],
                         ids=["all", "country", "empty"])
def test_selected_rows_for_exports_have_every_column(loaded, sel):
    data, wide = loaded
    pd.testing.assert_frame_equal(selected(data, sel), wide[mask(data, sel)])


def test_source_or_title_reads_titles_where_no_source(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        a = make_report("---\ntitle: Night attack on Odesa\n---\nText one.", name="a.md")
        b = make_report("---\ntitle: Lviv\n---\nText two.", name="b.md")
        store.ingest([(a, [make_event(a, 0, place="Odesa", source=None)]),
                      (b, [make_event(b, 0, place="Lviv", source="TASS")])])
        data = Strikes.from_store(store)
        wide, _ = build_strikes(store.event_table())
    pd.testing.assert_frame_equal(data.rows([]), wide.iloc[:0])        # nothing read before, nothing asked
    expected = wide["source"].where(wide["source"].notna(), wide["title"])
    assert wide["source"].isna().any() and expected.notna().all()     # the fallback is exercised
    pd.testing.assert_series_equal(data.source_or_title(np.arange(len(wide))), expected)
    pd.testing.assert_series_equal(data.source_or_title(np.array([1])), expected.iloc[[1]])


def test_rows_of_strikes_made_from_claims_are_their_own(loaded):
    _, wide = loaded
    claims = pd.DataFrame({c: wide[c] for c in wide.columns if c in store_module.CLAIM_COLUMNS})
    data = Strikes.from_claims(claims)
    pd.testing.assert_frame_equal(data.rows([2, 0], ["how", "place"]), data.strikes.take([2, 0])[["how", "place"]])
