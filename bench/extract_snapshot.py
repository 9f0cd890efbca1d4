"""Snapshot of everything the extractor gives, to prove a speed change changed no output.

Why: extraction speed work rewrites rules for fewer passes; the scorer sees only gold figures,
so a change could move an evidence span, a date or a place it does not score. This writes the
events of a fixed input set as canonical JSON; run it before and after a change and compare::

    python bench/extract_snapshot.py --out /tmp/before.json ../shared/corpus/dev
    ... change the code ...
    python bench/extract_snapshot.py --out /tmp/after.json ../shared/corpus/dev
    cmp /tmp/before.json /tmp/after.json

The input set: seeds/, any report files or folders named, and synthetic bench reports
(100 each of about 800, 2,000 and 5,000 characters, fixed seeds).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from extract_bench import synthetic_reports  # noqa: E402

SIZES = (800, 2000, 5000)


def inputs(paths) -> list:
    """The reports of the snapshot, in a fixed order: named paths, seeds/, synthetic."""
    from dashboard.reports import read_report, report_paths

    files = sorted(str(p) for p in report_paths([*paths, HERE.parent / "seeds"]))
    reports = [read_report(p) for p in files]
    for size in SIZES:
        reports += synthetic_reports(100, seed=50 + size, size=size)
    return reports


def snapshot(reports, gazetteer) -> list:
    """One entry per report: its id and its events, exactly as the pipeline gives them."""
    from dashboard.pipeline import events_from_report

    return [{"report": r.report_id, "events": events_from_report(r, gazetteer)[0]} for r in reports]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", help="more report files or folders (e.g. ../shared/corpus/dev)")
    ap.add_argument("--out", required=True, help="JSON file to write")
    args = ap.parse_args(argv)
    from dashboard.gazetteer import default_gazetteer

    data = snapshot(inputs(args.paths), default_gazetteer())
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str, indent=0)
    Path(args.out).write_text(text, encoding="utf-8")
    events = sum(len(d["events"]) for d in data)
    print(f"{len(data)} reports, {events} events, sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
