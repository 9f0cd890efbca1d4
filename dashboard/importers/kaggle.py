"""Import the Kaggle table "Massive Missile Attacks on Ukraine" (``missile_attacks_daily.csv``).

One row is one post of the Ukrainian Air Force (or its commands) about one weapon model: when,
which model, launched from where, against which region, how many launched and destroyed. The
file's own total is the sum of its rows, so rows of one strike are added (see `common`), exact
repeats are merged, and everything else about a row is kept: the row's text is the evidence, its
post is the source link. docs/importers.md lists the rules and the quirks of the format.
"""
from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path
from typing import Callable, Iterable

from .accounting import Account
from .common import (Draft, accepted_rows, Imported, Places, Row, TableReport, fold, fold_classes,
                     adopt_classes, parse_count, place_record, read_rows,
                     read_vocabulary, split_and, strike_key)

SOURCE = "Kaggle: Massive Missile Attacks on Ukraine (Ukrainian Air Force posts)"
DATASET_URL = "https://www.kaggle.com/datasets/piterfm/massive-missile-attacks-on-ukraine"
CLAIMED_BY = "Ukrainian Air Force"
ATTACKER = "RU"
REQUIRED = ("time_start", "time_end", "model", "target", "launched", "destroyed")
#: File column -> event field, for the figures that are reconciled.
FIGURES = {"launched": "launched", "destroyed": "intercepted"}
#: The table that names each model's category, read when it sits beside the daily file.
WEAPON_TABLE = "missiles_and_uavs.csv"
#: A start at or after this hour, or before NIGHT_UNTIL, is a night attack.
NIGHT_FROM, NIGHT_UNTIL = 18, 6
#: What a launch site may resolve to: "south" or "Belarus" as a launch site is a direction or a
#: whole country, and an arc from its middle would be a false point.
LAUNCH_PRECISIONS = ("facility", "city", "region", "sea")
#: Precisions a breakdown of a national figure may name.
BREAKDOWN_PRECISIONS = ("macro_region", "region", "city", "facility")
BREAKDOWN_COLUMNS = {"destroyed_details": "intercepted", "launched_details": "launched"}
#: Columns whose values make two rows the same report ("an exact repeat of the key facts").
KEY_COLUMNS = ("time_start", "time_end", "model", "launch_place", "target", "launched", "destroyed")

_FACEBOOK_PATH = re.compile(r"[^/\s]+/(?:posts|videos|photos)/|watch/|permalink\.php|story\.php")
_TIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def _norm_model(name: str) -> str:
    """A model name as the vocabulary compares it: Kh-/X- and S-/C- are one letter apart only."""
    name = re.sub(r"\s+", " ", name.casefold().replace("\u0445", "x").replace("\u0441", "c")).strip()
    name = re.sub(r"\bkh-", "x-", name)
    return re.sub(r"\bs-(?=\d)", "c-", name)


class WeaponModels:
    """Model name -> weapon class: weapon_models.csv, then the category of the Kaggle weapon table."""

    def __init__(self, beside: Path | None = None):
        self.table = {_norm_model(r["model"]): r["weapon"] for r in read_vocabulary("weapon_models.csv")}
        self.categories = {r["category"].casefold(): r["weapon"]
                           for r in read_vocabulary("weapon_categories.csv")}
        self.beside: dict[str, str] = {}
        if beside is not None and beside.is_file():
            for row in read_rows(beside.read_text(encoding="utf-8-sig"), str(beside), ("model", "category"))[1]:
                weapon = self.categories.get(row.get("category").casefold())
                if weapon:
                    self.beside[_norm_model(row.get("model"))] = weapon
        self.cache: dict[str, tuple[str, bool]] = {}

    def _one(self, name: str) -> str | None:
        key = _norm_model(name)
        if key in self.table:
            return self.table[key]
        if "/" in key:
            parts = [self.table.get(p.strip()) for p in key.split("/")]
            if all(parts):
                return fold_classes(parts)
        return self.beside.get(key)

    def classify(self, model: str) -> tuple[str, bool]:
        """(class, known): the class of a model name, "unknown" (known False) when no table has it."""
        if model not in self.cache:
            whole = self._one(model)
            if whole is not None:
                self.cache[model] = (whole, True)
            else:
                parts = [self._one(p) for p in split_and(model)]
                known = [p for p in parts if p]
                self.cache[model] = (fold_classes(known), bool(known) and len(known) == len(parts))
        return self.cache[model]


def parse_time(text: str) -> tuple[dt.date, dt.time | None]:
    """A time_start/time_end cell: "2024-01-01", "2024-01-01 08:00", "2023-05-16 3:30", with
    stray spaces; ValueError for anything else."""
    m = _TIME.fullmatch(text.strip())
    if not m:
        raise ValueError(text)
    y, mo, d, h, mi, s = m.groups()
    date = dt.date(int(y), int(mo), int(d))
    return date, (dt.time(int(h), int(mi), int(s or 0)) if h is not None else None)


def night_date(start: tuple, end: tuple | None) -> tuple[str, str]:
    """(date, date_precision) by the night convention: an attack takes the date it ended on; it is
    a "night" attack when it crosses midnight or starts (or ends) between 18:00 and 06:00."""
    (d0, t0), (d1, t1) = start, (end or start)
    night = d1 > d0 or (t0 is not None and (t0.hour >= NIGHT_FROM or t0.hour < NIGHT_UNTIL)) \
        or (end is not None and t1 is not None and t1.hour < NIGHT_UNTIL)
    return d1.isoformat(), "night" if night else "day"


def source_url(cell: str) -> str | None:
    """The post a row comes from: the table writes Facebook posts without the site
    ("kpszsu/posts/pfbid...", "watch/?v=..."), other links with or without "https://"."""
    cell = cell.strip()
    if not cell:
        return None
    if re.match(r"https?://", cell):
        return cell
    if _FACEBOOK_PATH.match(cell) or "." not in cell.split("/", 1)[0]:
        return "https://www.facebook.com/" + cell
    return "https://" + cell


def _literal(cell: str):
    """A Python literal cell ("{'south': 30, 'east': NaN}", "['Kyiv oblast']"); None if unreadable."""
    cell = cell.strip()
    if not cell:
        return None
    try:
        return ast.literal_eval(re.sub(r"\b(?:NaN|nan)\b", "None", cell))
    except (ValueError, SyntaxError):
        return None


def row_key(row: Row) -> tuple:
    """The key facts of a row; counts compared as numbers ("93.0" and "93" are one count)."""
    out = []
    for column in KEY_COLUMNS:
        value = re.sub(r"\s+", " ", row.get(column))
        if column in FIGURES:
            try:
                value = str(parse_count(value))
            except ValueError:
                pass
        out.append(value)
    return tuple(out)


def check_row(row: Row) -> tuple[str | None, dict]:
    """(reason to reject or None, parsed fields) for one row, without looking up any place."""
    if row.problem:
        return row.problem, {}
    try:
        start = parse_time(row.get("time_start"))
    except ValueError:
        return f"unparseable date: time_start {row.cells.get('time_start')!r}", {}
    end = None
    if row.get("time_end"):
        try:
            end = parse_time(row.get("time_end"))
        except ValueError:
            return f"unparseable date: time_end {row.cells.get('time_end')!r}", {}
        if (end[0], end[1] or dt.time(23, 59)) < (start[0], start[1] or dt.time(0)):
            return f"unparseable date: time_end {row.get('time_end')!r} is before time_start", {}
    counts = {}
    for column in ("launched", "destroyed", "not_reach_goal"):
        try:
            counts[column] = parse_count(row.get(column))
        except ValueError as exc:
            if column == "not_reach_goal":
                counts[column] = None
                continue
            return f"unparseable count: {column} {exc}", {}
    if counts["launched"] is None and counts["destroyed"] is None and not row.get("target") \
            and not row.get("affected region"):
        return "no count and no place", {}
    date, precision = night_date(start, end)
    return None, {"date": date, "date_precision": precision, **counts}


def row_keys(text: str) -> set[tuple]:
    """Key facts of the importable rows of a stored file (to merge rows imported before)."""
    _header, rows = read_rows(text, "stored", REQUIRED)
    return {row_key(r) for r in rows if check_row(r)[0] is None}


class _Builder:
    """Drafts of one file's rows; keeps the notes that end in the account."""

    def __init__(self, places: Places, weapons: WeaponModels):
        self.places, self.weapons = places, weapons
        self.unknown_models: dict[str, int] = {}
        self.unresolved: dict[str, int] = {}
        self.breakdowns_dropped = 0
        self.ukraine = places.lookup("Ukraine")

    def drafts(self, row: Row, parsed: dict) -> list[Draft]:
        model = row.get("model")
        weapon, known = self.weapons.classify(model)
        if not known:
            self.unknown_models[model] = self.unknown_models.get(model, 0) + 1
        base = {
            "date": parsed["date"], "date_precision": parsed["date_precision"], "date_inferred": False,
            "weapon": weapon, "weapon_model": model or None, "claimed_by": CLAIMED_BY,
            "attacker": ATTACKER, "source": SOURCE, "source_url": source_url(row.get("source")),
        }
        evidence = [(row.line, (row.start, row.end))]
        targets = split_and(row.get("target"))
        name, place = self.places.resolve_first(targets)
        if place is None:
            # No region named, or none known: the post counted attacks on Ukraine, so the figures
            # are Ukraine's (country level), never a guessed point.
            for t in targets:
                self.unresolved[t] = self.unresolved.get(t, 0) + 1
            place = self.ukraine
        main = dict(base, **place_record(place), launched=parsed["launched"],
                    intercepted=parsed["destroyed"], lost=parsed["not_reach_goal"])
        launch = row.get("launch_place")
        if launch:
            main["launch_place"] = launch
            _n, site = self.places.resolve_first(split_and(launch), precisions=LAUNCH_PRECISIONS)
            if site is not None:
                main["launch_lat"], main["launch_lon"] = site.lat, site.lon
        first = Draft(main, row.number, "0", evidence)
        first.breakdown = self._breakdown(row, place, parsed)
        out, seen = [first], {place.key if place else None}
        affected = _literal(row.get("affected region") or "")
        others = [t for t in targets if t != name]
        others += [a for a in (affected if isinstance(affected, list) else []) if isinstance(a, str)]
        for other in others:
            extra = self.places.resolve(other.strip())
            if extra is None or extra.key in seen:
                continue
            seen.add(extra.key)
            out.append(Draft(dict(base, **place_record(extra)), row.number, str(len(out)), evidence))
        return out

    def _breakdown(self, row: Row, place, parsed: dict) -> dict:
        """``{place: {field: value}}`` from the *_details cells of a national row."""
        if place is None or place.precision != "country":
            return {}
        found: dict = {}
        for column, fieldname in BREAKDOWN_COLUMNS.items():
            cell = _literal(row.get(column) or "")
            if not isinstance(cell, dict):
                continue
            parts = {}
            for key, value in cell.items():
                if not isinstance(value, (int, float)) or value != value or " and " in str(key):
                    continue        # not stated, or a count shared by several regions
                part = self.places.resolve(str(key).strip())
                if part is not None and part.precision in BREAKDOWN_PRECISIONS \
                        and part.country == place.country:
                    parts[part] = int(value)
            if any(p.precision == "macro_region" for p in parts):   # one level only
                parts = {p: v for p, v in parts.items() if p.precision == "macro_region"}
            total = parsed["launched" if fieldname == "launched" else "destroyed"]
            if parts and (total is None or sum(parts.values()) > total):
                self.breakdowns_dropped += 1
                continue
            for p, v in parts.items():
                found.setdefault(p, {})[fieldname] = v
        return found


def breakdown_drafts(drafts: Iterable[Draft]) -> tuple[list[Draft], int]:
    """Drafts for the breakdowns of national drafts (after their classes are final), and how many
    were left out because a row of the file already gives that place's figure for that strike."""
    taken = {strike_key(d.record) for d in drafts}
    # rows of one strike are folded into the event of their first row: its breakdowns follow it,
    # so that the dedupe rule "a row's total is the parent of its own breakdown" sees them together
    event_row: dict[tuple, int] = {}
    for d in drafts:
        event_row.setdefault(strike_key(d.record), d.row)
    out, clashes = [], 0
    for d in drafts:
        for j, (place, figures) in enumerate(d.breakdown.items()):
            record = {k: d.record.get(k) for k in ("date", "date_precision", "date_inferred", "weapon",
                                                   "weapon_model", "claimed_by", "attacker", "source",
                                                   "source_url")}
            record.update(place_record(place), **figures)
            if strike_key(record) in taken:
                clashes += 1
                continue
            out.append(Draft(record, event_row[strike_key(d.record)], f"m{d.row}x{j}", d.evidence[:1]))
    return out, clashes


def read_kaggle(data: bytes, text: str, path: str, report_id: str, places: Places,
                known: Callable[[tuple], bool] = lambda key: False,
                weapon_table: Path | None = None) -> Imported:
    """Read a Kaggle daily-attacks table into a report, its events and the account of its rows.

    Parameters
    ----------
    data, text : bytes, str
        The file's bytes and its decoded text.
    path, report_id : str
    places : Places
        Cached gazetteer look-ups.
    known : callable
        ``known(key)`` is True for the key facts of a row already stored by an earlier import.
    weapon_table : Path, optional
        ``missiles_and_uavs.csv``; by default the one beside ``path``, if there is one.
    """
    header, rows = read_rows(text, path, REQUIRED)
    beside = weapon_table if weapon_table is not None else Path(path).with_name(WEAPON_TABLE)
    builder = _Builder(places, WeaponModels(beside))
    account = Account(path, "kaggle", dict(FIGURES), header)
    drafts: list[Draft] = []
    for row, parsed in accepted_rows(rows, account, check_row, row_key, known):
        drafts.extend(builder.drafts(row, parsed))
    adopt_classes(drafts)
    extra, clashes = breakdown_drafts(drafts)
    events = fold(drafts, report_id)
    for event in events:
        for column, fieldname in FIGURES.items():
            account.stored[fieldname] += event[fieldname] or 0
    events += fold(extra, report_id)
    account.events = len(events)
    _notes(account, builder, drafts, extra, clashes)
    report = TableReport(report_id=report_id, path=path, raw=text, text=text, title=Path(path).name,
                         url=DATASET_URL, source=SOURCE, warnings=tuple(account.notes))
    return Imported(report, events, account)


def _notes(account: Account, builder: _Builder, drafts: list[Draft], extra: list[Draft],
           clashes: int) -> None:
    folded = len(drafts) - len({strike_key(d.record) for d in drafts})
    if folded:
        account.note(f"{folded} row events added into others of the same date, place and weapon "
                     "class (one strike told in several rows)")
    if extra:
        account.note(f"{len(extra)} regional breakdown figure(s) of national rows kept as events of "
                     "their own (dedupe counts them inside the national total)")
    if builder.breakdowns_dropped or clashes:
        account.note(f"{builder.breakdowns_dropped} breakdown(s) left out because they add up to more "
                     f"than the row's total; {clashes} because a row already gives that figure")
    if builder.unknown_models:
        shown = ", ".join(f"{m or '(empty)'} ({n})" for m, n in sorted(builder.unknown_models.items()))
        account.note(f"models not in weapon_models.csv nor {WEAPON_TABLE} (class unknown): {shown}")
    if builder.unresolved:
        shown = ", ".join(f"{t} ({n})" for t, n in sorted(builder.unresolved.items()))
        account.note(f"targets not in the gazetteer, figures kept at country level: {shown}")


def looks_like(header: list[str]) -> bool:
    """True for the header of a Kaggle daily-attacks table."""
    return all(c in header for c in REQUIRED)
