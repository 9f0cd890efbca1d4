"""Read running tolls ("the death toll has risen to 12") and figures that are taken back.

Why: a toll is the figure a report is written for, yet it is phrased with no casualty word
next to its number ("The number of people killed in the attack ... has risen to 25"). The
deaths that raised it ("after a wounded firefighter died in hospital", "two more people
wounded ... asked for help") are not figures of their own. A figure the speaker withdrew or
only supposed ("first said one serviceman was killed, then corrected", "it is unclear whether
one drone or several were destroyed") is not a claim. Vocabularies: ``toll_words.tsv`` and
``hedge_cues.tsv``.
"""
from __future__ import annotations

import re
from typing import Final

from .figures import Count
from .numbers import Number
from .tables import row_of, rows

_TOLLS: Final = [(p, f) for p, f in rows("toll_words.tsv")]
#: "<toll> <up to 80 characters> <rise verb> [to] N", or "<raising verb> the <toll> [...] to N".
TOLL_RE: Final = re.compile(
    r"\b(?:" + "|".join(f"(?P<t{i}>{p})" for i, (p, _) in enumerate(_TOLLS)) + r")\b"
    r"[^.;]{0,90}?\b(?:rose|risen|rising|climbed|increased|reached|grew|jumped|stands?|stood|is\s+now|"
    r"raising|bringing|taking|pushing|putting)\s+(?:\w+\s+){0,2}?(?:to|at)\s+(?:about\s+|around\s+|some\s+)?$"
    r"|\b(?:raising|bringing|taking|pushing|putting)\s+the\s+(?:" + "|".join(
        f"(?P<r{i}>{p})" for i, (p, _) in enumerate(_TOLLS)) + r")\b\s+(?:(?!in\b|at\b|for\b)\w+\s+){0,4}?(?:to|at)\s+(?:about\s+|around\s+|some\s+)?$",
    re.I)
_HEDGE_ROWS: Final = rows("hedge_cues.tsv")
#: All hedge cues in one regex, a named group per row (one search per sentence).
_HEDGES: Final = re.compile("|".join(f"(?P<h{i}>{p})" for i, (p, _) in enumerate(_HEDGE_ROWS)), re.I)


def toll_counts(text: str, numbers: list[Number]) -> list[Count]:
    """Running tolls of a sentence: one ``Count`` (field killed or injured, ``toll=True``) for
    each number that a toll phrase rises to."""
    out: list[Count] = []
    low = text.lower()
    if "toll" not in low and "number" not in low:
        return out
    for n in numbers:
        if n.kind != "count":
            continue
        m = TOLL_RE.search(text, max(0, n.lead - 160), n.lead)
        if m is None or m.end() != n.lead:
            continue
        i = row_of(m)
        out.append(Count(_TOLLS[i][1], n.value, n.at_least, m.start(), n.end, toll=True))
    return out


#: Words without which no hedge cue matches (a quick test before the regex).
_HEDGE_WORDS: Final = ("clear", "unknown", "have", "capable", "carry", "then", "later", "subsequently")


def taken_back(text: str) -> list[tuple[int, int]]:
    """Spans of a sentence whose figures are withdrawn or only supposed (see module docstring)."""
    spans: list[tuple[int, int]] = []
    low = text.lower()
    if not any(w in low for w in _HEDGE_WORDS):
        return spans
    for m in _HEDGES.finditer(text):
        scope = _HEDGE_ROWS[row_of(m)][1]
        spans.append((m.start(), len(text)) if scope == "after" else (0, m.start()))
    return spans
