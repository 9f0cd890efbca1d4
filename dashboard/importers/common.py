"""What the table importers share: reading a CSV with the text of each row, places, weapon classes,
and folding the rows of one strike into one event.

Why rows are folded here and not left to `dashboard.dedupe`: dedupe merges the claims of one strike
(same date, place, weapon class, attacker, claimant side) and never adds their figures, because two
reports of one strike tell the same missiles twice. The rows of a table are the opposite: the
Kaggle table gives one row per weapon model and per wave ("X-101/X-555 12", "Kalibr 8", ...) and
its own total is the sum of its rows. So rows that dedupe would merge are folded into one event
here, their figures added, and every row stays accounted for.
"""
from __future__ import annotations

import csv
import io
import math
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from ..dedupe import PARENT_CLASSES, classify_claimant
from ..events import FIGURES, MISSILE_CLASSES, normalise_event
from ..pipeline import place_fields
from ..reports import ReportError, decode

HERE = Path(__file__).resolve().parent
#: Largest table accepted, in bytes (env STRIKES_MAX_TABLE_BYTES overrides); a full ACLED export
#: of the war is some 100 MB.
MAX_TABLE_BYTES = int(os.environ.get("STRIKES_MAX_TABLE_BYTES", 300_000_000))
#: The specific classes, for folding a mix of models into one class.
SPECIFIC = ("drone", "cruise_missile", "ballistic_missile", "glide_bomb")


class TableError(Exception):
    """A table that cannot be imported; ``str()`` is the one-line message naming the file."""

    def __init__(self, path: str | os.PathLike, problem: str):
        self.path, self.problem = str(path), problem
        super().__init__(f"{self.path}: {problem}")


@dataclass(frozen=True)
class TableReport:
    """An imported file as the store keeps it (the attributes `store.Store.ingest` reads)."""

    report_id: str
    path: str
    raw: str                    # the file's text, verbatim
    text: str                   # the same text: evidence spans index it
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: object = None    # a table has no publication date of its own
    published_from: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass
class Imported:
    """A table read for the store: the report, its events and the account of its rows."""

    report: TableReport
    events: list[dict]
    account: object   # accounting.Account


@dataclass
class Row:
    """One data row: 1-based number, cells by stripped header name, the row's text and span."""

    number: int
    cells: dict[str, str]
    values: list[str]
    line: str
    start: int
    end: int
    problem: str | None = None   # a malformed row (wrong number of fields)

    def get(self, name: str) -> str:
        return (self.cells.get(name) or "").strip()


def read_vocabulary(name: str) -> list[dict[str, str]]:
    """Rows of a CSV vocabulary beside this module; lines starting with '#' are comments."""
    with (HERE / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def decode_table(data: bytes, path: str) -> str:
    """The text of a table file (UTF-8, with or without BOM); `TableError` when it is not text."""
    if len(data) > MAX_TABLE_BYTES:
        raise TableError(path, f"file is {len(data):,} bytes, over the {MAX_TABLE_BYTES:,}-byte limit")
    try:
        text = decode(data, path)
    except ReportError as exc:
        raise TableError(path, exc.problem) from None
    if not text.strip():
        raise TableError(path, "empty file")
    return text


def _records(text: str) -> Iterator[tuple[list[str], int, int]]:
    """CSV records with the character span of each in ``text`` (quoted fields may span lines)."""
    pos = [0, 0]   # start of the next line, end of the last line handed to the reader

    def lines():
        for line in io.StringIO(text, newline=""):
            pos[1] = pos[0] + len(line)
            yield line
            pos[0] = pos[1]

    start = 0
    for record in csv.reader(lines(), strict=True):
        yield record, start, pos[1]
        start = pos[1]


def read_rows(text: str, path: str, required: Iterable[str]) -> tuple[list[str], list[Row]]:
    """Header and data rows of a CSV table.

    Header names are stripped; blank lines are not rows. A row with the wrong number of fields is
    kept with ``problem`` set, so the importer can reject it with a reason instead of guessing.
    """
    try:
        records = _records(text)
        first = next(records, None)
        if first is None:
            raise TableError(path, "empty file")
        header = [h.strip() for h in first[0]]
        missing = [c for c in required if c not in header]
        if missing:
            raise TableError(path, f"not this table format: missing column(s) {', '.join(missing)}")
        rows: list[Row] = []
        for values, start, end in records:
            if not values or values == [""]:
                continue
            line = text[start:end].rstrip("\r\n")
            problem = None
            if len(values) != len(header):
                problem = f"malformed row: {len(values)} fields, the header has {len(header)}"
            cells = dict(zip(header, values))
            rows.append(Row(len(rows) + 1, cells, values, line, start, start + len(line), problem))
        return header, rows
    except csv.Error as exc:
        raise TableError(path, f"not a readable CSV table ({exc})") from None


def parse_count(text: str) -> int | None:
    """A count cell: "93.0" -> 93, "" or "nan" -> None; ValueError for anything else."""
    value = (text or "").strip()
    if not value or value.lower() in ("nan", "none", "null"):
        return None
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        raise ValueError(f"{value!r} is not a number") from None
    if math.isnan(number):
        return None
    if number < 0 or number != int(number):
        raise ValueError(f"{value!r} is not a whole number of weapons")
    return int(number)


def fold_classes(classes: Iterable[str]) -> str:
    """One class for a mix: an unspecified class gives way to a specific one beside it (as dedupe
    rule 1 does); a mix of missile classes is "missile"; any other mix is "unknown"."""
    found = list(dict.fromkeys(c for c in classes if c))
    if len(found) > 1:
        found = [c for c in found if c != "unknown"] or ["unknown"]
    if len(found) > 1 and any(c in MISSILE_CLASSES and c != "missile" for c in found):
        found = [c for c in found if c != "missile"]
    if not found:
        return "unknown"
    if len(found) == 1:
        return found[0]
    return "missile" if all(c in MISSILE_CLASSES for c in found) else "unknown"


class Places:
    """Gazetteer look-ups for table cells, cached: a table repeats a few hundred names thousands of
    times, and a look-up costs about as much as parsing the row."""

    #: What a comma may join without being a list: "Chauda, Crimea" is a place in a region.
    QUALIFIER_PRECISIONS = ("region",)
    #: Most that a place qualified by a region may lie from the region's point ("Balaklava,
    #: Crimea": Balaklava is in Sevastopol, which the data keeps apart from Crimea).
    QUALIFIER_KM = 250

    def __init__(self, gazetteer=None):
        if gazetteer is None:
            from ..gazetteer import default_gazetteer
            gazetteer = default_gazetteer()
        self.gazetteer = gazetteer
        self.lookup = lru_cache(maxsize=None)(self._lookup)
        self.resolve = lru_cache(maxsize=None)(self._resolve)

    def _lookup(self, name: str, country: str | None = None):
        name = re.sub(r"\s*\([^)]*\)\s*", " ", name or "").strip()        # "Kyiv oblast (south)"
        name = re.sub(r"^(?:and|the)\s+", "", name, flags=re.I).strip()   # "and Shatalovo"
        if not name:
            return None
        place = self.gazetteer.lookup(name, country)
        if place is None:
            fixed = re.sub(r"\s+obl(?:as|\.)?$", " oblast", name, flags=re.I)  # "Dnipropetrovsk oblas"
            fixed = re.sub(r"\s+direction$", "", fixed, flags=re.I)            # "Mariupol direction"
            if fixed != name:
                place = self.gazetteer.lookup(fixed, country)
        return place

    def _resolve(self, text: str, country: str | None = None):
        """One place for one name as a table writes it; None when it is not known.

        "X, Y" is a place and the region it lies in ("Chauda, Crimea", "Zaporizhzhia oblast,
        Prymorsk"): the finer of the two when both are known and agree, the region when only it is
        known (a true, coarser point). Otherwise a comma is a list, and the first known item counts.
        """
        place = self.lookup(text, country)
        if place is not None or "," not in text:
            return place
        parts = [p.strip() for p in text.split(",") if p.strip()]
        found = [self.lookup(p, country) for p in parts]
        if len(parts) == 2:
            regions = [i for i, p in enumerate(found) if p and p.precision in self.QUALIFIER_PRECISIONS]
            for i in regions:
                region, other = found[i], found[1 - i]
                if other is None:
                    return region
                if other.precision in ("city", "facility") and self._within(other, region):
                    return other
        return next((p for p in found if p is not None), None)

    def _within(self, place, region) -> bool:
        if place.admin1 and place.admin1 == region.name:
            return True
        return place.country == region.country and _km(place, region) <= self.QUALIFIER_KM

    def resolve_first(self, names: Iterable[str], country: str | None = None,
                      precisions: tuple[str, ...] | None = None):
        """The first of ``names`` that resolves (to one of ``precisions``), with its name."""
        for name in names:
            place = self.resolve(name, country)
            if place is not None and (precisions is None or place.precision in precisions):
                return name, place
        return None, None


def _km(a, b) -> float:
    """Great-circle distance between two places, in km."""
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(min(1.0, h)))


def split_and(text: str) -> list[str]:
    """Items of a " and "-joined cell, in order ("Kursk oblast and Primorsko-Akhtarsk")."""
    return [p.strip() for p in re.split(r"\s+and\s+", text or "") if p.strip()]


# -- drafts: events before folding ---------------------------------------------------------------
@dataclass
class Draft:
    """An event record in the making, with the row(s) it comes from."""

    record: dict
    row: int                       # the first row it comes from (for the event id)
    k: str                         # its index among that row's events
    evidence: list[tuple[str, tuple[int, int] | None]] = field(default_factory=list)
    #: Figures of parts of this draft's place (a national total's regional breakdown):
    #: ``{place: {field: value}}``; the importer turns them into drafts of their own.
    breakdown: dict = field(default_factory=dict)

    @property
    def states_figures(self) -> bool:
        return any(self.record.get(f) is not None for f in FIGURES)


def place_record(place, fallback_name: str | None = None) -> dict:
    """Geographic fields of an event from a gazetteer place (or the words, unplaced)."""
    return place_fields(place) if place is not None else {"place": fallback_name}


def _side(record: dict) -> str:
    side, _rank = classify_claimant(record.get("claimed_by"))
    return side or (record.get("country") if record.get("country") in ("UA", "RU") else "other")


def cluster_key(record: dict) -> tuple:
    """Date and place as dedupe compares them (its ``_date`` and ``_place``), with the claimant side."""
    return (record.get("date") or "", (record.get("country") or "") + "|" + (record.get("place") or "").lower(),
            _side(record))


def strike_key(record: dict) -> tuple:
    """What dedupe merges on: date, place, weapon class, attacker, claimant side."""
    return (*cluster_key(record), record.get("weapon") or "unknown", record.get("attacker") or "?")


def adopt_classes(drafts: list[Draft]) -> None:
    """Dedupe rule 1 inside the file: a "missile" or "unknown" draft takes the one specific class
    that other drafts of the same date and place have, so the two are folded (and added) here
    rather than merged (and not added) at query time. (``dedupe.PARENT_CLASSES["missile"]`` lists
    "missile" among its own children; the class itself is left out here, as rule 1 says.)"""
    for parent, children in PARENT_CLASSES.items():
        specific: dict[tuple, set] = {}
        for d in drafts:
            if d.record["weapon"] in children and d.record["weapon"] != parent:
                specific.setdefault(cluster_key(d.record), set()).add(d.record["weapon"])
        for d in drafts:
            if d.record["weapon"] == parent:
                classes = specific.get(cluster_key(d.record), set())
                if len(classes) == 1:
                    d.record["weapon"] = next(iter(classes))


def fold(drafts: list[Draft], report_id: str) -> list[dict]:
    """Events from drafts: drafts with the same strike key become one event, figures added.

    A figure that some rows of the event state and others do not is marked ``at_least``. The
    event id names the first row: ``<report_id[:16]>-r<row:06d>-<k>``.
    """
    groups: dict[tuple, list[Draft]] = {}
    for d in drafts:
        groups.setdefault(strike_key(d.record), []).append(d)
    events = []
    for members in groups.values():
        first = members[0]
        record = dict(first.record)
        if len(members) > 1:
            record.update(_added(members))
        evidence = list(dict.fromkeys(e for m in members for e in m.evidence))
        record["evidence"] = "\n".join(text for text, _span in evidence) or None
        record["span"] = list(evidence[0][1]) if len(evidence) == 1 and evidence[0][1] else None
        record["event_id"] = f"{report_id[:16]}-r{first.row:06d}-{first.k}"
        record["report_id"] = report_id
        events.append(normalise_event(record))
    return events


def _added(members: list[Draft]) -> dict:
    """The fields of a folded event that come from all its rows."""
    out: dict = {}
    stating = [m for m in members if m.states_figures]
    at_least = set()
    for m in members:
        at_least.update(m.record.get("at_least") or [])
    for f in FIGURES:
        values = [m.record[f] for m in members if m.record.get(f) is not None]
        out[f] = sum(values) if values else None
        if values and len(values) < len(stating):
            at_least.add(f)
    out["at_least"] = sorted(at_least)
    models = dict.fromkeys(m.record.get("weapon_model") for m in members if m.record.get("weapon_model"))
    out["weapon_model"] = "; ".join(models) or None
    if any(m.record.get("date_precision") == "night" for m in members):
        out["date_precision"] = "night"
    launches = dict.fromkeys(m.record.get("launch_place") for m in members if m.record.get("launch_place"))
    out["launch_place"] = "; ".join(launches) or None
    arc = next((m.record for m in members if m.record.get("launch_lat") is not None), {})
    out["launch_lat"], out["launch_lon"] = arc.get("launch_lat"), arc.get("launch_lon")
    out["source_url"] = next((m.record["source_url"] for m in members if m.record.get("source_url")), None)
    return out


def accepted_rows(rows, account, check_row, row_key, known):
    """The rows to import, with their parsed cells; every other row is accounted for on the way.

    A row is rejected when ``check_row`` gives a reason, merged when it repeats an earlier row's
    key facts in the same file or when ``known(key)`` says an earlier import stored it; the
    account records each with its figures, so the file's sums reconcile.
    """
    seen: dict[tuple, int] = {}
    for row in rows:
        counts = account.count_file(row)
        reason, parsed = check_row(row)
        if reason:
            account.add(row, "rejected", counts, reason)
            continue
        key = row_key(row)
        if key in seen:
            account.add(row, "merged", counts, f"repeats row {seen[key]}")
            continue
        seen[key] = row.number
        if known(key):
            account.add(row, "merged", counts, "was stored by an earlier import")
            continue
        account.add(row, "imported", counts)
        yield row, parsed
