"""Find the dates a sentence gives and resolve them against the publication date.

Why resolve here: reports say "overnight", "on Wednesday", "on the night of 13-14 May" and
"Friday night"; the map needs a calendar day. The house rule is that a night attack takes the
date of the morning the night ended, a weekday is the latest such day on or before publication,
and with no publication date a relative date stays unknown: never guessed.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from .tables import Vocabulary, lower_same_length, rows, vocab_hits

MONTHS: Final = {m: i for i, ms in enumerate(
    ["jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
     "aug august", "sep sept september", "oct october", "nov november", "dec december"], 1)
    for m in ms.split()}
WEEKDAYS: Final = {d: i for i, d in enumerate(
    "monday tuesday wednesday thursday friday saturday sunday".split())}
_MON: Final = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_MON2: Final = _MON.replace("mon>", "mon2>")
_WD: Final = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_ORD: Final = r"(?:st|nd|rd|th)?"
_YEAR: Final = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
_NIGHT: Final = re.compile(
    rf"\bnight\s+(?:of\s+)?(?:the\s+)?(?:(?P<d1>\d{{1,2}}){_ORD}\s*(?:-|–|to|into|and)\s*(?P<d2>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MON}"
    rf"|{_MON2}\s+(?P<d3>\d{{1,2}}){_ORD}\s*(?:-|–|to|into|and)\s*(?P<d4>\d{{1,2}}){_ORD}){_YEAR}",
    )
_ABSOLUTE: Final = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MON}|{_MON2}\s+(?P<d2>\d{{1,2}}){_ORD}\b){_YEAR}",
    )
_WEEKDAY: Final = re.compile(
    rf"\b(?:(?P<mod>late|early|last|this|midnight|before dawn|dawn)\s+(?:on\s+)?)?(?P<wd>{_WD})"
    rf"(?:\s+(?P<part>night|evening|morning|afternoon|dawn|overnight|into \w+day))?\b")
_MONTH_ONLY: Final = re.compile(rf"\b(?:in|during|since|early|late|mid-?)\s+{_MON}{_YEAR}(?!\s*\d)")
#: "overnight", "the day before yesterday": tried only where a row may begin (lower-cased text).
RELATIVE_DATES: Final = Vocabulary(
    [(r[0], (int(r[1]), r[2], r[3])) for r in rows("relative_dates.tsv")], before=r"\b", after=r"\b")
_REPORTING: Final = re.compile(
    r"\b(?:said|says|announced|reported|wrote|added|stated|confirmed|told\s+\w+|updated|"
    r"published|posted)\s+(?:[\w’'-]+\s+){0,3}?(?:on\s+|early\s+|late\s+|this\s+)?$")  # lower-cased


#: Words without which a sentence gives no date (a quick test that skips most sentences); the
#: value of each is the kind of expression it may open (see :data:`_REACH`).
DATE_WORDS: Final = Vocabulary(
    [(w, "month") for w in MONTHS] + [(w, "weekday") for w in WEEKDAYS] + [("night", "night")] + [
        (w, "other") for w in ("overnight", "tonight", "midnight", "today", "yesterday", "week", "morning", "dawn",
                               "evening", "afternoon")],
    before=r"\b", after=r"\b")
#: Words that a reporting verb in front of a date must contain (a quick test before :data:`_REPORTING`).
_REPORTING_GATE: Final = re.compile(
    r"said|says|announced|reported|wrote|added|stated|confirmed|told|updated|published|posted")


#: Patterns of the rules below, compiled once (not looked up in re's cache per call).
_WEEKDAY_BEFORE: Final = re.compile(rf"\b{_WD}(?:\s+\w+)?,?\s*$", re.I)


@dataclass(slots=True, init=False)  # __init__ written out: mypyc compiles it, not the generated one
class DateMention:
    """A date expression: its span, the resolved ISO date (or None), precision and provenance.

    ``kind`` is ``"event"`` when the words date the attack and ``"report"`` when they date the
    report ("said on Friday"); ``inferred`` is True when the day was worked out rather than
    written in full.
    """

    start: int
    end: int
    date: str | None
    precision: str
    inferred: bool
    kind: str
    weekday: int | None = None
    night_after: bool = False
    absolute: bool = False  # written as a calendar date ("5 December", "the night of 9-10 May")
    relative_days: int | None = None  # "overnight", "yesterday": days before the reference day

    def __init__(self, start: int, end: int, date: str | None, precision: str, inferred: bool, kind: str,
                 weekday: int | None = None, night_after: bool = False, absolute: bool = False,
                 relative_days: int | None = None) -> None:
        self.start, self.end, self.date, self.precision, self.inferred, self.kind = (
            start, end, date, precision, inferred, kind)
        self.weekday, self.night_after, self.absolute, self.relative_days = (
            weekday, night_after, absolute, relative_days)

    def as_report_date(self) -> DateMention:
        """A copy that dates the report, not the attack (a dateline's date); cheaper than
        ``dataclasses.replace``, which looks up the fields on every call."""
        return DateMention(self.start, self.end, self.date, self.precision, self.inferred, "report", self.weekday,
                           self.night_after, self.absolute, self.relative_days)


def _year_for(month: int, day: int, published: dt.date | None) -> tuple[int | None, bool]:
    """Pick the year of a day-and-month: the publication year, or the one before if it would
    fall after publication. Returns ``(year, inferred)``."""
    if published is None:
        return None, True
    year = published.year
    try:
        if dt.date(year, month, day) > published + dt.timedelta(days=2):
            year -= 1
    except ValueError:
        return None, True
    return year, True


def _iso(year, month, day) -> str | None:
    """Return ``YYYY-MM-DD`` or None when the parts do not make a date."""
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except (TypeError, ValueError):
        return None


def _weekday(m: re.Match, published: dt.date | None):
    """Resolve a weekday expression to ``(date, precision)``."""
    wd = WEEKDAYS[m.group("wd").lower()]
    mod = (m.group("mod") or "").lower()
    part = (m.group("part") or "").lower()
    night = part in ("night", "overnight") or part.startswith("into") or mod in ("midnight",)
    if published is None:
        return None, "night" if night else "day"
    back = (published.weekday() - wd) % 7
    if mod == "last" and back == 0:
        back = 7
    day = published - dt.timedelta(days=back)
    if night and part and day < published:
        day += dt.timedelta(days=1)  # "Friday night" ended on Saturday morning
    return day.isoformat(), "night" if night else "day"


def find_dates(text: str, published: dt.date | None, word_hits=None) -> list[DateMention]:
    """Find and resolve the date expressions of ``text``.

    Parameters
    ----------
    text : str
        A sentence.
    published : datetime.date or None
        Publication date of the report; relative dates stay None without it.
    word_hits : list, optional
        Matches of the date words found beforehand (none: the sentence gives no date).

    Returns
    -------
    list of DateMention
        In text order, non-overlapping.

    Examples
    --------
    >>> [d.date for d in find_dates("on the night of 13-14 May", dt.date(2024, 5, 14))]
    ['2024-05-14']
    """
    found: list[DateMention] = []
    if word_hits is not None and not word_hits:
        return found
    text = lower_same_length(text)
    if word_hits is None:
        word_hits = vocab_hits(DATE_WORDS, text)
        if not word_hits:
            return found

    wins = _windows(len(text), word_hits)
    month = wins["month"]
    for m in _within(_NIGHT, text, wins["night"]) if month and wins["night"] else ():
        mon = MONTHS[(m.group("mon") or m.group("mon2")).lower()]
        day = int(m.group("d2") or m.group("d4"))
        year, inferred = (int(m.group("year")), False) if m.group("year") else _year_for(mon, day, published)
        _add(found, text, DateMention(m.start(), m.end(), _iso(year, mon, day), "night", inferred, "event",
                                      absolute=True))
    for m in _within(_ABSOLUTE, text, wins["month"]) if month else ():
        mon = MONTHS[(m.group("mon") or m.group("mon2")).lower()]
        day = int(m.group("d1") or m.group("d2"))
        year, inferred = (int(m.group("year")), False) if m.group("year") else _year_for(mon, day, published)
        s = m.start()
        wd = _WEEKDAY_BEFORE.search(text[max(0, s - 24):s])
        if wd:  # "On Tuesday evening, October 8": one expression
            s -= len(text[max(0, s - 24):s]) - wd.start()
        _add(found, text, DateMention(s, m.end(), _iso(year, mon, day), "day", inferred, "", absolute=True))
    for m in _within(RELATIVE_DATES, text, wins["other"]):
        days, precision, kind = RELATIVE_DATES.value(m)
        date = (published - dt.timedelta(days=days)).isoformat() if published else None
        _add(found, text, DateMention(m.start(), m.end(), date, precision, True, "" if kind == "event" else kind,
                                      relative_days=days))
    for m in _within(_WEEKDAY, text, wins["weekday"]):
        date, precision = _weekday(m, published)
        _add(found, text, DateMention(m.start(), m.end(), date, precision, True, "",
                                      weekday=WEEKDAYS[m.group("wd").lower()], night_after=precision == "night"))
    for m in _within(_MONTH_ONLY, text, wins["month"]) if month else ():
        mon = MONTHS[m.group("mon").lower()]
        if m.group("year"):
            year, inferred = int(m.group("year")), False
        else:
            year, inferred = _year_for(mon, 1, published)
        _add(found, text, DateMention(m.start(), m.end(), _iso(year, mon, 1), "month", inferred, "", absolute=True))
    found.sort(key=lambda d: d.start)
    if len(found) > 1:
        found = _relative_to_named_day(text, found)
    if found and len(text) <= 120 and _STAMP_WORDS.fullmatch(_strip_spans(text, found)):
        # a line that is only a date ("Updated: 4:25 AM, Mon November 06, 2023", a page's date
        # widget) stamps the page; it does not date an attack
        found = [DateMention(d.start, d.end, d.date, d.precision, d.inferred, "report", d.weekday,
                             d.night_after, d.absolute) for d in found]
    return found


#: How far before and after its date word each kind of expression may reach: "the night of
#: 13-14 May" (from "night"), "13th of May 2024", "before dawn on Friday night", "the day before
#: yesterday". The regexes are tried only in these windows, not over the whole sentence.
_REACH: Final = {"night": (0, 64), "month": (16, 24), "weekday": (24, 30), "other": (30, 24)}


def _windows(size: int, word_hits: list[tuple[int, int, str]]) -> dict[str, list[tuple[int, int]]]:
    """Merged ``(start, end)`` windows around the date words of a sentence of ``size``
    characters, by kind (the value of each :data:`DATE_WORDS` hit; "night" opens both a
    named night and a relative date). Typed, so that the compiled loop does its sums natively."""
    out: dict[str, list[tuple[int, int]]] = {k: [] for k in _REACH}
    for s, e, kind in word_hits:
        for k in ("other", "night") if kind == "night" else (kind,):
            back, fwd = _REACH[k]
            a, b = max(0, s - back), min(size, e + fwd)
            spans = out[k]
            if spans and a <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(b, spans[-1][1]))
            else:
                spans.append((a, b))
    return out


def _within(rx: re.Pattern | Vocabulary, text: str, spans: list[tuple[int, int]]) -> list[re.Match]:
    """Matches of ``rx`` inside the windows ``spans`` (a list: cheaper than a generator, compiled
    or not, for the few matches of a sentence)."""
    return [m for a, b in spans for m in rx.finditer(text, a, b)]


def _add(found: list[DateMention], text: str, d: DateMention) -> None:
    """Keep the date expression ``d`` unless it overlaps one found before (the rules run from the
    most specific expression to the least). A ``kind`` left empty is read from the words before
    it: "report" after a reporting verb ("said on Friday"), else "event"; a date that does not
    resolve has precision "unknown"."""
    for o in found:
        if d.start < o.end and d.end > o.start:
            return
    if not d.kind:
        before = text[max(0, d.start - 40):d.start]
        d.kind = "report" if _REPORTING_GATE.search(before) and _REPORTING.search(before) else "event"
    if not d.date:
        d.precision = "unknown"
    found.append(d)


_INTO: Final = re.compile(r"\s*(?:into|to|on)\s+(?:the\s+)?(?:early\s+hours\s+of\s+)?$")


def _relative_to_named_day(text: str, found: list[DateMention]) -> list[DateMention]:
    """Resolve "overnight" and "yesterday" against a day the sentence names.

    "overnight into Sunday, 7 September" is one expression: the night that ended on that day.
    "The ministry said on Thursday that it shot down 102 drones overnight": the night before the
    statement, not before publication.
    """
    out = []
    for k, d in enumerate(found):
        nxt = found[k + 1] if k + 1 < len(found) else None
        if d.relative_days is not None and nxt is not None and _INTO.fullmatch(text, d.end, nxt.start):
            found[k + 1] = DateMention(nxt.start, nxt.end, nxt.date, "night" if d.precision == "night" else nxt.precision,
                                       nxt.inferred, "event", nxt.weekday, nxt.night_after, nxt.absolute)
            continue  # "overnight into Sunday": the named day is the date
        out.append(d)
    said = next((d for d in out if d.kind == "report" and d.date and d.relative_days is None), None)
    if said is None or said.date is None:
        return out
    day = dt.date.fromisoformat(said.date)
    return [DateMention(d.start, d.end, (day - dt.timedelta(days=d.relative_days)).isoformat(), d.precision,
                        True, d.kind, d.weekday, d.night_after, d.absolute, d.relative_days)
            if d.relative_days is not None and d.kind == "event" and d.date else d for d in out]


_STAMP_WORDS: Final = re.compile(
    r"(?:[\W\d_]|\b(?:updated|published|posted|last|modified|am|pm|a\.m|p\.m|gmt|utc|msk|date|"
    r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?|at|on)\b)*", re.I)


def _strip_spans(text: str, found) -> str:
    """``text`` without the date expressions in ``found``."""
    out, pos = [], 0
    for d in found:
        out.append(text[pos:d.start])
        pos = max(pos, d.end)
    out.append(text[pos:])
    return " ".join(out)


def sentence_date(mentions: list[DateMention]) -> DateMention | None:
    """Pick the date of a sentence: its first attack date, else the date it was reported."""
    for kind in ("event", "report"):
        for d in mentions:
            if d.kind == kind:
                return d
    return None


#: A word that opens a clause of its own ("three days after a missile tore through it", "when
#: a drone hit"), not a time phrase ("after midnight", "before dawn on Friday").
_CLAUSE_OPENER: Final = re.compile(
    r"\b(?:after|when|while|before|since|until|whereas)\s+(?!(?:midnight|dawn|noon|midday|sunrise|"
    r"sunset|daybreak|nightfall|\d|the\s+(?:night|morning|evening|afternoon|day|weekend|end|start)\b|"
    r"a\s+(?:night|day)\b|\w+day\b|last\b|this\b|that\b))|;|,\s+which\b")  # lower-cased text
#: What every match of :data:`_CLAUSE_OPENER` contains.
_CLAUSE_OPENER_WORDS: Final = ("after", "when", "while", "before", "since", "until", "whereas", ";", "which")


def event_date(mentions: list[DateMention], text: str, anchors: list[int]) -> DateMention | None:
    """The date of a sentence's attack: an attack date in a clause that tells of the attack.

    Why clauses: "Rescuers finished searching the ruins on Tuesday, three days after a missile
    tore through the block on Saturday, 14 January" dates the rescue on Tuesday and the strike
    on Saturday; "three people were killed, after rescuers recovered a body on Monday" does not
    date the deaths. ``anchors`` are the offsets of the sentence's weapons, strike words,
    casualty words and counts; a sentence without any keeps its first date.
    """
    events = [d for d in mentions if d.kind == "event"]
    if len(mentions) == 0 or not anchors or not events:
        return sentence_date(mentions)
    if not any(w in text for w in _CLAUSE_OPENER_WORDS):
        return sentence_date(mentions)  # one clause (a quick test: the regex is tried at every character)
    bounds = [0, *(m.start() for m in _CLAUSE_OPENER.finditer(text)), len(text) + 1]
    if len(bounds) == 2:
        return sentence_date(mentions)
    for d in events:
        a = max(b for b in bounds if b <= d.start)
        z = min(b for b in bounds if b > d.start)
        if any(a <= x < z for x in anchors):
            return d
    return next((d for d in mentions if d.kind == "report"), None)
