"""The command line: `python -m dashboard extract|ingest|export|summary|snapshot`.

It calls the same functions as the page, so its numbers and the page's cannot drift.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sqlite3
import sys
from pathlib import Path

from . import pipeline
from .query import Strikes, selected, selection_from_params, summary
from .rates import paired_totals, rate
from .reports import parse_date
from .store import Store, default_path


class CommandError(Exception):
    """A problem the command names in one line (no traceback), exiting with status 1."""


def stored_strikes(db: str | None) -> Strikes:
    """The strikes of the store for a command that only reads it.

    A missing store is not created: an empty file would make `make run` think the store exists
    and never build it from seeds/.
    """
    path = Path(db) if db else default_path()
    if not path.exists():
        raise CommandError(f"no store at {path}: build it with `make store` "
                           "or `python -m dashboard ingest seeds/`")
    try:
        with Store(path) as store:
            return Strikes.from_store(store)
    except sqlite3.Error as exc:
        raise CommandError(f"{path}: cannot read the store ({exc})") from None


def _date_arg(value: str):
    date = parse_date(value)
    if date is None:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (use YYYY-MM-DD)")
    return date


def add_filter_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="date_from", type=_date_arg, help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", type=_date_arg, help="last day (YYYY-MM-DD)")
    p.add_argument("--weapon", action="append", help="weapon class (drone, cruise_missile, ...); repeatable")
    p.add_argument("--country", action="append", help="ISO country code (UA, RU); repeatable")
    p.add_argument("--claimant", action="append", help="UA, RU or other; repeatable")
    p.add_argument("--place", help="place name contains")
    p.add_argument("--source", action="append", help="report source; repeatable")
    p.add_argument("--slice", choices=["day", "week", "month"], default="day")


def selection_from_args(args):
    return selection_from_params({
        "from": args.date_from.isoformat() if args.date_from else None,
        "to": args.date_to.isoformat() if args.date_to else None,
        "weapon": args.weapon, "country": args.country, "claimant": args.claimant,
        "place": args.place, "source": args.source, "slice": args.slice,
    })


def cmd_extract(args) -> int:
    results = pipeline.read_batch([args.file], published=args.published)
    status = 0
    for res in results:
        if res.error:
            print(f"error: {res.error}", file=sys.stderr)
            status = 1
            continue
        for warning in res.warnings:
            print(f"warning: {res.path}: {warning}", file=sys.stderr)
        if args.format == "json":
            json.dump({"report": res.report.metadata(), "events": res.events}, sys.stdout,
                      ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        elif args.format == "geojson":
            from .events import events_frame
            sys.stdout.write(events_frame(res.events).to_json(na="null", drop_id=True) + "\n")
        else:
            from .events import COLUMNS
            writer = csv.DictWriter(sys.stdout, fieldnames=list(COLUMNS))
            writer.writeheader()
            for e in res.events:
                writer.writerow({**e, "at_least": ",".join(e["at_least"]),
                                 "span": "-".join(map(str, e["span"] or []))})
    return status


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty() and total >= 20:
        width = 30
        filled = int(width * done / total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_ingest(args) -> int:
    if args.format not in (None, "text"):
        from .importers import ingest_table
        return ingest_table(args.paths, args.format, db=args.db, rejects=args.rejects)
    paths = pipeline.report_paths(args.paths)
    from .geocoders import online_enabled, online_geocoder
    geocode = online_geocoder() if (args.online or online_enabled()) else None
    results = []
    for i, path in enumerate(paths, start=1):
        results.append(pipeline.read_one(path, args.published, geocode=geocode))
        _progress(i, len(paths))
    good = [r for r in results if not r.error]
    with Store(args.db) as store:
        stored = {s.report_id: s for s in store.ingest([(r.report, r.events) for r in good])}
    for res in results:
        if res.error:
            print(f"error: {res.error}", file=sys.stderr)
            continue
        s = stored[res.report.report_id]
        line = (f"{res.path}: {len(res.events)} events" if s.new
                else f"{res.path}: already stored, nothing changed")
        if res.unresolved:
            line += f"; unresolved places: {', '.join(res.unresolved)}"
        for warning in res.warnings:
            line += f"; warning: {warning}"
        print(line)
    if not paths:
        print("error: no report files found in " + ", ".join(args.paths), file=sys.stderr)
        return 1
    return 1 if len(good) < len(results) else 0


def cmd_summary(args) -> int:
    data = stored_strikes(args.db)
    sel = selection_from_args(args)
    result = summary(data, sel)
    if args.format == "json":
        print(json.dumps(result, indent=1, ensure_ascii=False))
    else:
        print(format_summary(result, paired_totals(data, sel)))
    return 0


def _n(value) -> str:
    return "not reported" if value is None else f"{value:,}"


def format_summary(result: dict, pairs: dict) -> str:
    """The summary as text; the rates count only strikes that state both launched and intercepted."""
    out = io.StringIO()
    out.write(result["caption"] + "\n")
    labels = [("drones", "Drones"), ("missiles", "Missiles (all)"), ("cruise_missiles", "  cruise"),
              ("ballistic_missiles", "  ballistic"), ("glide_bombs", "Glide bombs"), ("unknown", "Weapon not stated")]
    for key, label in labels:
        block = result[key]
        share = rate(pairs[key])
        # the base is printed: it is often fewer launches than the total beside it
        rate_text = f" ({share:.0%} of {pairs[key][0]:,} intercepted*)" if share is not None else ""
        out.write(f"{label:<18} launched {_n(block['launched']):>13}   intercepted "
                  f"{_n(block['intercepted']):>13}{rate_text}\n")
    out.write(f"Killed {_n(result['killed'])}, injured {_n(result['injured'])}\n")
    out.write(f"{result['events']} events at {result['places']} places from {result['reports']} reports\n")
    if any(rate(pairs[key]) is not None for key, _ in labels):
        out.write("* of the launches in strikes whose reports state both launched and intercepted\n")
    return out.getvalue()


def cmd_export(args) -> int:
    from .exports import write_export
    data = stored_strikes(args.db)
    rows = selected(data, selection_from_args(args))
    write_export(rows, args.format, Path(args.out))
    print(f"{args.out}: {len(rows)} events")
    return 0


def cmd_snapshot(args) -> int:
    from .slides import write_snapshot
    data = stored_strikes(args.db)
    write_snapshot(data, selection_from_args(args), Path(args.out), title=args.title)
    print(args.out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    ap.add_argument("--db", help="store path (default: $STRIKES_DB or data/strikes.sqlite)")
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="print the events of one report, without storing")
    p.add_argument("file")
    p.add_argument("--published", help="publication date when the report does not give one")
    p.add_argument("--format", choices=["json", "geojson", "csv"], default="json")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("ingest", help="store reports (files or folders) and their events")
    p.add_argument("paths", nargs="+")
    p.add_argument("--published", help="publication date for reports that do not give one")
    p.add_argument("--format", choices=["text", "kaggle", "acled", "auto"], default=None,
                   help="text reports (default), or a table: kaggle, acled, auto")
    p.add_argument("--rejects", help="folder for <file>.rejected.csv of a table (default: rejected/ beside the store)")
    p.add_argument("--online", action="store_true", help="try online geocoding (Nominatim) for places the offline gazetteer lacks; also on with STRIKES_ONLINE_GEOCODING=1")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("export", help="write the selected events to a file")
    p.add_argument("--format", choices=["geojson", "csv", "gpkg"], required=True)
    p.add_argument("--out", required=True)
    add_filter_options(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("summary", help="totals for a selection")
    p.add_argument("--format", choices=["json", "text"], default="text")
    add_filter_options(p)
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("snapshot", help="the slide picture (PNG) of a selection")
    p.add_argument("--out", required=True)
    p.add_argument("--title", default=None)
    add_filter_options(p)
    p.set_defaults(func=cmd_snapshot)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "db", None) is None:
        args.db = None
    try:
        return args.func(args)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as exc:  # a store or an output file that cannot be used
        if os.environ.get("STRIKES_DEBUG"):
            raise
        print(f"error: {one_line(exc, args.db)}", file=sys.stderr)
        return 1


def one_line(exc: Exception, db: str | None) -> str:
    """A file problem as one line that names the file (``STRIKES_DEBUG=1`` shows the traceback)."""
    if isinstance(exc, sqlite3.Error):
        return f"{Path(db) if db else default_path()}: cannot use the store ({exc})"
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    return str(exc)


if __name__ == "__main__":
    sys.exit(main())
