"""Find the numbers of a sentence and tell counts from ages, storeys, times, distances and models.

Why a separate step: most digits in a strike report are not counts of drones or people ("a
15-year-old", "a 25-story block", "as of 09:30", "30 km", "Tu-95MS", "Kh-101"). Deciding what a
number is from its immediate neighbours, before any figure rule sees it, keeps the figure rules
simple and stops them from inventing counts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from .tables import Vocabulary, lower_same_length, row_of, rows, vocab_hits

WORD_VALUES: dict[str, int] = {w.lower(): int(v) for w, v in rows("numbers.tsv")}
_UNITS: Final = {w: v for w, v in WORD_VALUES.items() if 1 <= v <= 9 and " " not in w}
_TENS: Final = {w: v for w, v in WORD_VALUES.items() if v in (20, 30, 40, 50, 60, 70, 80, 90)}
_WORDS: Final = sorted((w for w in WORD_VALUES if w not in ("no",)), key=len, reverse=True)
_TENS_RE: Final = "|".join(_TENS)
_UNITS_RE: Final = "|".join(_UNITS)

#: Digits: the first digit is matched before the look-behind, which lets the regex engine skip
#: quickly to digits; "1,200" is one number, "09:30", "7.5" and "1/2" are not counts.
DIGITS: Final = re.compile(
    r"[0-9](?<![\w/.:-][0-9])(?:[0-9]{0,2}(?:,[0-9]{3})+|[0-9]*)(?:\s+hundred)?"
    r"(?![\w/]|[.:][0-9]|,[0-9]{3})")
#: Number words, as a vocabulary tried only where such a word may begin (lower-cased text).
NUMBER_WORDS: Final = Vocabulary(
    [(rf"(?:{_TENS_RE})[-\s](?:{_UNITS_RE})(?:\s+hundred)?", None)]
    + [(re.escape(w).replace(r"\ ", r"[ \n]") + r"(?:\s+hundred)?", None) for w in _WORDS],
    before=r"\b", after=r"\b")
_MONTHS: Final = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
                  r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
#: What follows a number that is not a count, with the kind it makes.
_AFTER_KINDS: Final = [
    (re.compile(r"^(?:-|\s)?(?:years?|yrs?|months?)(?:-|\s)old", re.I), "age"),
    (re.compile(r"^(?:-|\s)?(?:stor(?:e)?y|stories|storeys|storied|floors?|floor)\b", re.I), "storey"),
    (re.compile(r"^\s*(?:km|kilomet(?:er|re)s?|miles?|metres?|meters?|m|mi|feet|ft|kg|tons?|tonnes?)\b", re.I), "distance"),
    (re.compile(r"^(?:-|\s)?(?:hours?|minutes?|days?|weeks?|months?|years?|seconds?|hrs?|mins?|decades?)\b", re.I), "duration"),
    (re.compile(r"^\s*(?:a\.m\.|p\.m\.|am\b|pm\b|gmt\b|utc\b|cet\b|msk\b|o'clock|hrs\b|h\b)", re.I), "time"),
    (re.compile(r"^\s*(?:%|percent|per cent)", re.I), "percent"),
    (re.compile(r"^(?:st|nd|rd|th)\b", re.I), "ordinal"),
    (re.compile(rf"^\s*(?:(?:-|–|to|and)\s*\d{{1,2}}\s*)?(?:of\s+)?{_MONTHS}\b", re.I), "date"),
    (re.compile(r"^[-–]\d{1,2}\b"), "range"),
    (re.compile(r"^(?:[-/][A-Za-z]|[A-Za-z])"), "model"),
    (re.compile(r"^\s*(?:times|fold)\b", re.I), "times"),
    (re.compile(r"^\s+\d+/\d+"), "fraction"),
]
#: The word right before a number that makes it something other than a count (lower case):
#: "aged 19", "May 6", "No. 5", "route 12"; and words before a four-digit clock time ("after 0500").
_BEFORE_WORD_KINDS: Final = {
    **{w: "age" for w in ("aged", "age", "ages")},
    **{w: "date" for w in ("jan", "january", "feb", "february", "mar", "march", "apr", "april", "may",
                           "jun", "june", "jul", "july", "aug", "august", "sep", "sept", "september",
                           "oct", "october", "nov", "november", "dec", "december")},
    **{w: "label" for w in ("no", "number", "unit", "route", "flight", "highway", "district")},
}
_CLOCK_WORDS: Final = frozenset(("at", "of", "by", "since", "until", "before", "after", "around"))
#: All of the above in one regex, matched on the lower-cased sentence (no IGNORECASE: it lower-cases
#: every character it tries).
_AFTER_ANY: Final = re.compile("|".join(f"(?P<k{i}>{rx.pattern[1:]})" for i, (rx, _) in enumerate(_AFTER_KINDS)))
#: "more than 20" (at least) and "up to 20" (a plain number) in one pass, on lower-cased text.
BOUND: Final = re.compile(
    r"\b(?:(?P<at_least>more than|over|at least|no fewer than|no less than|not less than|upwards of|"
    r"in excess of|a minimum of|some more than)|(?P<plain>up to|as many as|about|around|approximately|"
    r"nearly|almost|roughly|some|a total of|total of|another|a further|further|all))\s+$")
#: The last words of the phrases of :data:`BOUND`: a quick test before the regex, which would
#: otherwise be tried at every character of the words before each number.
_BOUND_LAST_WORDS: Final = ("than", "over", "least", "of", "to", "as", "about", "around", "approximately", "nearly",
                            "almost", "roughly", "some", "another", "further", "all")


#: Patterns of the rules below, compiled once (not looked up in re's cache per call).
_DIGIT_GROUPS: Final = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_WORD_GAP: Final = re.compile(r"[-\s]")
_RANGE_BEFORE: Final = re.compile(r"\b(?:and|to|from)\s+\d+$", re.I)
_NO_BEFORE: Final = re.compile(r"\bno\s+$", re.I)
_ONE_OF: Final = re.compile(r"\s+(?:of|another|by one|after)\b", re.I)
_BOTH_OF: Final = re.compile(r"\s+(?:of\s+)?(?:the\s+)?\w")


@dataclass(slots=True, init=False)  # __init__ written out: mypyc compiles it, not the generated one
class Number:
    """A number found in a sentence.

    ``start``/``end`` span the digits or words; ``lead`` is where its modifier ("more than",
    "up to") begins. ``kind`` is ``"count"`` for a number that may count weapons or people.
    """

    start: int
    end: int
    value: int
    kind: str
    at_least: bool
    lead: int

    def __init__(self, start: int, end: int, value: int, kind: str, at_least: bool, lead: int) -> None:
        self.start, self.end, self.value, self.kind, self.at_least, self.lead = start, end, value, kind, at_least, lead


def word_value(words: str) -> int | None:
    """Return the value of a number written as digits or words, or None.

    Examples
    --------
    >>> word_value("twenty-five"), word_value("a dozen"), word_value("1,200")
    (25, 12, 1200)
    """
    if words.isdigit():
        return int(words)
    w = " ".join(words.lower().split())
    if w in WORD_VALUES:
        return WORD_VALUES[w]
    mult = 1
    if w.endswith(" hundred"):
        w, mult = w[: -len(" hundred")], 100
    if _DIGIT_GROUPS.fullmatch(w):
        return int(w.replace(",", "")) * mult
    if w in WORD_VALUES:
        return WORD_VALUES[w] * mult
    parts = _WORD_GAP.split(w)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS:
        return (_TENS[parts[0]] + _UNITS[parts[1]]) * mult
    return None


def _kind(text: str, low: str, start: int, end: int, value: int) -> str:
    """Classify the number at ``text[start:end]`` from its neighbours (``low``: ``text`` lower-cased)."""
    before = text[max(0, start - 24):start]
    m = _AFTER_ANY.match(low, end, end + 24)
    if m:
        after_kind = _AFTER_KINDS[row_of(m)][1]
        if not (after_kind == "model" and not text[start].isdigit()):  # "twenty-five" is a word number
            return after_kind
    digits = text[start].isdigit()
    if digits and len(text[start:end]) == 4 and 1900 <= value <= 2099:
        return "year"
    tail = before.rstrip()
    words = tail.rsplit(None, 1)
    last = words[-1].lower().rstrip(".") if words else ""
    kind: str | None = _BEFORE_WORD_KINDS.get(last)
    if not digits:  # a word number can only be an age here ("aged five")
        return "age" if kind == "age" else "count"
    if kind is not None:
        return kind
    if before.endswith("-") and before[-2:-1].isalpha():
        return "model"  # "Tu-95", "Su-34", "FAB-500"
    if before[-1:] in ":." and before[-2:-1].isdigit():
        return "time"  # "09:30" read from its minutes
    if tail[-1:].isdigit() and tail != before:
        # "7 1/2", "aged 19 to 42", "between 10 and 15"
        return "range" if _RANGE_BEFORE.search(tail) else "fraction"
    raw = text[start:end]
    if last in _CLOCK_WORDS and len(raw) == 4 and int(raw[:2]) <= 23 and int(raw[2:]) <= 59:
        return "time"  # "after 0500", "by 1930"
    return "count"


def find_numbers(text: str, word_hits=None) -> list[Number]:
    """Find every number in ``text`` with its kind and bound.

    Parameters
    ----------
    text : str
        One sentence (or any string).
    word_hits : list of (start, end, value), optional
        Matches of :data:`NUMBER_WORDS` found beforehand.

    Returns
    -------
    list of Number
        In text order. "more than 20" gives value 20 with ``at_least=True``; "up to 20" gives 20
        without it. Ages, storeys, times, distances, durations, years and model numbers have a
        kind other than ``"count"``.

    Examples
    --------
    >>> [(n.value, n.kind) for n in find_numbers("a 15-year-old and 3 others, 30 km away")]
    [(15, 'age'), (3, 'count'), (30, 'distance')]
    """
    out = []
    low = lower_same_length(text)
    found = [m.span() for m in DIGITS.finditer(low)]
    if word_hits is None:
        word_hits = vocab_hits(NUMBER_WORDS, low)
    if word_hits:
        found += [(s, e) for s, e, _ in word_hits]
        found.sort()
    for s, e in found:
        words = word = low[s:e]
        if word == "one" and _NO_BEFORE.search(text[max(0, s - 4):s]):
            continue  # "no one was hurt"
        if word in ("one", "a single", "single") and _ONE_OF.match(text[e:e + 12]):
            continue  # "one of the drones", "one another"
        if word == "both" and not _BOTH_OF.match(text[e:e + 12]):
            continue
        value = word_value(words)
        if value is None:
            continue
        kind = _kind(text, low, s, e, value)
        before = low[max(0, s - 30):s]
        lead = s
        at_least = False
        bound = (BOUND.search(before) if before.endswith(" ") and before.rstrip().endswith(_BOUND_LAST_WORDS)
                 else None)
        if bound:
            at_least, lead = bool(bound.group("at_least")), s - (len(before) - bound.start())
        out.append(Number(s, e, value, kind, at_least, lead))
    return out
