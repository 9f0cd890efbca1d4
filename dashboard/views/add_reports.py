"""The "Add reports" page: paste text or drop files, read and extract them, store the good ones.

Every file gets one line of result; a file that cannot be read or extracted is named with its
problem and not stored. All good files go in one `Store.ingest` call, which is one transaction:
if storing fails, nothing of the batch is kept.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

import pandas as pd
import streamlit as st

from .. import pipeline
from ..reports import REPORT_SUFFIXES, ReportError, report_from_bytes
from ..store import Store
from . import data
from .panels import plain_md

log = logging.getLogger(__name__)
PASTED_NAME = "pasted text"


def read_items(items: list[tuple[str, bytes]], published: dt.date | None = None,
               meta: dict | None = None, gazetteer=None) -> list[pipeline.ReadResult]:
    """Read and extract each (name, bytes); a bad item gives a result with ``error``, never raises.

    ``meta`` (title, source, url typed on the page) fills what a report's own front matter
    does not give.
    """
    results = []
    for name, raw in items:
        try:
            report = report_from_bytes(raw, name, published)
        except ReportError as exc:
            results.append(pipeline.ReadResult(path=name, error=str(exc)))
            continue
        if meta:
            report = replace(report, **{k: getattr(report, k) or v for k, v in meta.items() if v})
        try:
            events, unresolved = pipeline.events_from_report(report, gazetteer)
        except Exception as exc:  # noqa: BLE001 - one bad report must not stop the others
            log.exception("extraction failed for %s", name)
            results.append(pipeline.ReadResult(path=name, report=report,
                                               error=f"{name}: could not extract strikes ({type(exc).__name__}: {exc})"))
            continue
        results.append(pipeline.ReadResult(path=name, report=report, events=events, unresolved=unresolved))
    return results


def store_results(results: list[pipeline.ReadResult], path) -> list[dict]:
    """Store the good results in one transaction; one row per item for the results table.

    Raises whatever the store raises; the caller says that nothing was stored.
    """
    good = [r for r in results if not r.error]
    stored = {}
    if good:
        with Store(path) as store:
            stored = {s.report_id: s for s in store.ingest([(r.report, r.events) for r in good])}
    rows = []
    for r in results:
        if r.error:
            rows.append({"File": r.path, "Result": "not stored", "Strikes found": None,
                         "Places not found": "", "Notes": r.error})
            continue
        s = stored[r.report.report_id]
        result = "stored" if s.new else "already stored, nothing changed"
        if s.new and not r.events:
            result = "stored, but no strikes found in it"
        rows.append({"File": r.path, "Result": result, "Strikes found": len(r.events),
                     "Places not found": ", ".join(r.unresolved), "Notes": "; ".join(r.warnings)})
    return rows


def render() -> None:
    """The page: a form, then one line per file and the errors, each naming its file."""
    st.title("Add reports")
    path = data.store_path()
    st.caption(f"Reports are read, their strikes extracted and stored in `{path.name}`. "
               "The same file added twice is stored once. Nothing leaves this machine.")
    with st.form("add_reports", clear_on_submit=False):
        files = st.file_uploader("Report files", type=[s.lstrip(".") for s in REPORT_SUFFIXES],
                                 accept_multiple_files=True, key="upload",
                                 help="Text, Markdown (front matter welcome) or saved web pages.")
        text = st.text_area("\u2026or paste a report", key="pasted", height=180,
                            placeholder="Paste the text of a news report or an official statement here.")
        c1, c2, c3 = st.columns(3)
        title = c1.text_input("Title", key="add_title")
        source = c2.text_input("Source", key="add_source", placeholder="e.g. Kyiv Independent")
        url = c3.text_input("Link", key="add_url", placeholder="https://\u2026")
        published = st.date_input("Published (used when the report does not say)", value=None,
                                  key="add_published", format="YYYY-MM-DD")
        submitted = st.form_submit_button("Read and store", type="primary")
    if not submitted:
        return
    items = [(f.name, f.getvalue()) for f in (files or [])]
    if text and text.strip():
        items.append((PASTED_NAME, text.encode("utf-8")))
    if not items:
        st.warning("Nothing to read: drop a file or paste a report first.")
        return
    meta = {"title": title.strip(), "source": source.strip(), "url": url.strip()}
    with st.spinner(f"Reading {len(items)} report(s)\u2026"):
        results = read_items(items, published, meta)
    try:
        rows = store_results(results, path)
    except Exception as exc:  # noqa: BLE001
        log.exception("ingest failed")
        st.error(plain_md(f"Nothing was stored: the store refused the batch ({type(exc).__name__}: {exc})."))
        return
    for r in results:
        if r.error:
            st.error(plain_md(r.error if r.error.startswith(r.path) else f"{r.path}: {r.error}"))
    table = pd.DataFrame(rows)
    st.dataframe(table, hide_index=True, width="stretch")
    new = sum(1 for row in rows if row["Result"].startswith("stored"))
    if new:
        st.success(f"Stored {new} new report(s). The map includes them now.")
