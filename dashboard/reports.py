"""Read report files: encoding, size limit, HTML to text, front matter and dateline.

Nothing here knows about extraction. A report that cannot be read raises `ReportError`, whose
message names the file and the problem in one line, so a batch can report it and go on.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable

import yaml

#: Largest report accepted, in bytes (env STRIKES_MAX_REPORT_BYTES overrides).
MAX_REPORT_BYTES = int(os.environ.get("STRIKES_MAX_REPORT_BYTES", 2_000_000))
#: File endings read as reports when a folder is given.
REPORT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")

MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}
MONTHS.update({name[:3]: num for name, num in list(MONTHS.items())})
MONTHS["sept"] = 9

_MONTH = r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
DATELINE_PATTERNS = (
    re.compile(r"(?P<year>20\d\d)-(?P<mon>\d\d)-(?P<day>\d\d)"),
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>20\d\d)", re.I),
    re.compile(r"(?P<day>\d{1,2})\s+" + _MONTH + r",?\s+(?P<year>20\d\d)", re.I),
)
DATELINE_LINES = 4


class ReportError(Exception):
    """A report that cannot be read; ``str()`` is the one-line message for the user."""

    def __init__(self, path: str | os.PathLike, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


@dataclass(frozen=True)
class Report:
    """One report as read: the verbatim text, the text to extract from, and its metadata."""

    report_id: str              # sha256 of the file's bytes: the same report is stored once
    path: str
    raw: str                    # the file's text, verbatim
    text: str                   # the body that extraction reads (front matter, HTML tags removed)
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: dt.date | None = None
    published_from: str | None = None   # "front matter", "dateline", "argument" or None
    warnings: tuple[str, ...] = field(default=())

    def metadata(self) -> dict:
        """The report's fields for JSON output and the store (without the texts)."""
        return {
            "report_id": self.report_id, "path": self.path, "title": self.title, "url": self.url,
            "source": self.source, "published": self.published.isoformat() if self.published else None,
            "published_from": self.published_from, "warnings": list(self.warnings),
        }


def content_id(data: bytes) -> str:
    """The key of a report in the store: the sha256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def parse_date(value) -> dt.date | None:
    """A date from front matter or a command-line argument; None when it is not a full date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern in DATELINE_PATTERNS:
        m = pattern.search(text)
        if m:
            return _date_from_match(m)
    return None


def _date_from_match(m: re.Match) -> dt.date | None:
    parts = m.groupdict()
    month = int(parts["mon"]) if parts.get("mon") else MONTHS.get(parts["month"].lower().rstrip("."))
    try:
        return dt.date(int(parts["year"]), month, int(parts["day"]))
    except (TypeError, ValueError):
        return None


#: A line that says it carries the publication time ("Updated: ...", "Published 2024-03-08").
DATELINE_CUE = re.compile(r"\b(updated|published|posted|last modified|date)\b", re.I)
#: A wire dateline: a place in capitals, a comma, then the date ("KYIV, 8 March 2024 -").
WIRE_DATELINE = re.compile(r"^\s*[A-Z][A-Z .'\-]{2,40}(?:,\s*[A-Za-z .]+)?,\s*")


def find_dateline(text: str) -> dt.date | None:
    """The publication date from a dateline in the first lines, e.g. "Updated: 4:25 AM, Mon
    November 06, 2023" or "KYIV, 8 March 2024 -". A bare date counts only as the first line:
    further down it is more likely a page's date widget or an event's date than a dateline."""
    lines = [line for line in text.lstrip().splitlines() if line.strip()][:DATELINE_LINES]
    for i, line in enumerate(lines):
        for pattern in DATELINE_PATTERNS:
            m = pattern.search(line)
            if m and (i == 0 or DATELINE_CUE.search(line[:m.start()]) or WIRE_DATELINE.match(line)):
                return _date_from_match(m)
    return None


def split_front_matter(text: str) -> tuple[dict, str, list[str]]:
    """Split YAML front matter ("---" ... "---") from the body; a broken block is a warning."""
    m = re.match(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", text, re.S)
    if not m:
        return {}, text, []
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        return {}, text[m.end():], [f"front matter is not valid YAML ({exc.__class__.__name__}); ignored"]
    if not isinstance(meta, dict):
        return {}, text[m.end():], ["front matter is not a mapping; ignored"]
    return {str(k).lower(): v for k, v in meta.items()}, text[m.end():], []


class _VisibleText(HTMLParser):
    """Collects the visible text of an HTML page; scripts, styles and the head are dropped."""

    HIDDEN = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}
    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
              "article", "header", "footer", "blockquote", "pre", "table", "ul", "ol", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.in_title = False
        self.title = ""
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = (attrs.get("name") or attrs.get("property") or "").lower()
            if key and attrs.get("content"):
                self.meta[key] = attrs["content"]
        if tag == "title":
            self.in_title = True
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif not self.hidden:
            self.parts.append(data)

    def text(self) -> str:
        lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(self.parts).split("\n"))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def html_to_text(markup: str) -> tuple[str, dict]:
    """Visible text of an HTML page and its metadata (title, meta tags)."""
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    meta = {k: v for k, v in parser.meta.items()}
    if parser.title.strip():
        meta.setdefault("title", html.unescape(parser.title.strip()))
    for key in ("article:published_time", "date", "pubdate", "dc.date"):
        if key in meta:
            meta.setdefault("published", meta[key])
    return parser.text(), meta


def decode(data: bytes, path: str) -> str:
    """Text of the file's bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReportError(path, f"cannot decode as UTF-16 (byte {exc.start})") from None
    if b"\x00" in data[:8192]:
        raise ReportError(path, "binary file, not a text report")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportError(path, f"not UTF-8 text (undecodable byte at {exc.start}); save it as UTF-8") from None
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.05 * max(1, min(len(text), 8192)):
        raise ReportError(path, "binary file, not a text report")
    return text


def is_html(path: str, text: str) -> bool:
    return path.lower().endswith((".html", ".htm")) or bool(
        re.match(r"\s*(<!doctype html|<html\b)", text[:500], re.I))


def report_from_bytes(data: bytes, path: str, published: dt.date | str | None = None) -> Report:
    """A `Report` from a file's bytes; ``published`` is the fallback publication date."""
    if len(data) > MAX_REPORT_BYTES:
        raise ReportError(path, f"file is {len(data):,} bytes, over the {MAX_REPORT_BYTES:,}-byte limit")
    raw = decode(data, path)
    if not raw.strip():
        raise ReportError(path, "empty file")
    warnings: list[str] = []
    if is_html(path, raw):
        body, meta = html_to_text(raw)
    else:
        meta, body, warnings = split_front_matter(raw)
    if not body.strip():
        raise ReportError(path, "no report text after the front matter")
    date, origin = parse_date(meta.get("published") or meta.get("date")), "front matter"
    if date is None:
        date, origin = find_dateline(body), "dateline"
    if date is None and published:
        date, origin = parse_date(published), "argument"
        if date is None:
            raise ReportError(path, f"--published {published!r} is not a date (use YYYY-MM-DD)")
    if date is None:
        origin = None
        warnings.append("no publication date (front matter, dateline or --published): "
                        "dates relative to it are left unknown")
    return Report(
        report_id=content_id(data), path=path, raw=raw, text=body,
        title=_text_or_none(meta.get("title")), url=_text_or_none(meta.get("url")),
        source=_text_or_none(meta.get("source")), published=date, published_from=origin,
        warnings=tuple(warnings),
    )


def _text_or_none(value) -> str | None:
    return str(value).strip() or None if value is not None else None


def read_report(path: str | os.PathLike, published: dt.date | str | None = None) -> Report:
    """Read one report file; raises `ReportError` naming the file and the problem."""
    p = Path(path)
    if not p.exists():
        raise ReportError(path, "no such file")
    if p.is_dir():
        raise ReportError(path, "is a folder (give the folder to ingest, or a file)")
    try:
        size = p.stat().st_size
        if size > MAX_REPORT_BYTES:
            raise ReportError(path, f"file is {size:,} bytes, over the {MAX_REPORT_BYTES:,}-byte limit")
        data = p.read_bytes()
    except OSError as exc:
        raise ReportError(path, f"cannot read ({exc.strerror or exc})") from None
    return report_from_bytes(data, str(path), published)


def _is_report_file(path: Path, folder: Path) -> bool:
    """A folder's report files: known endings; hidden files and a folder's README are not reports."""
    return (path.is_file() and path.suffix.lower() in REPORT_SUFFIXES
            and not path.name.lower().startswith("readme")
            and not any(part.startswith(".") for part in path.relative_to(folder).parts))


def report_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files named, with every report file in a named folder (sorted; hidden files and READMEs
    skipped — name a README explicitly to ingest it)."""
    out: list[Path] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if _is_report_file(f, p)))
        else:
            out.append(p)
    return out
