"""Split a report into sentences that keep their character spans in the original text.

Why spans: every claim must carry its evidence verbatim, ``text[start:end] == evidence``, so the
newsroom can check a figure against the very words it came from. Why the care with newlines:
agency copy is often hard-wrapped mid-sentence, while web copy puts one paragraph per line; a
newline ends a sentence only in the second case.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

#: Words whose trailing period does not end a sentence ("Gov. Lysak", "Mr Ihnat", "U.S.").
ABBREVIATIONS: Final = frozenset(
    "gov mr mrs ms dr st lt col gen maj capt sgt rep sen jan feb mar apr jun jul aug sep sept oct "
    "nov dec no vs etc inc co jr sr prof adm cmdr approx est fig".split()
)
_BLOCK: Final = re.compile(r"\n[ \t\r\f\v]*\n")
#: A sentence end. Written ``[.!?][.!?]*``, not ``[.!?]+``: the regex engine scans for a pattern's
#: first character by a fast loop only when it is a single character set, not a repeat.
_END: Final = re.compile(r"[.!?][.!?]*[\"”’')\]]*(?:(?=\s+[\"“‘'(\[]?[A-Z0-9])|$)")
_TERMINAL: Final = re.compile(r"[.!?:;\"”’)\]|]\s*$")
_LABEL: Final = re.compile(r"^\s*(?:[-•*]\s|[A-Z][A-Za-z ]{1,20}:\s)")
#: The ASCII word before a full stop (and any full stops after it): what the stop may abbreviate.
_WORD_BEFORE_DOT: Final = re.compile(r"([A-Za-z]+)\.*\Z")


@dataclass(slots=True, init=False)  # __init__ written out: mypyc compiles it, not the generated one
class Sentence:
    """One sentence: its span in the report, its words, and the paragraph it belongs to."""

    start: int
    end: int
    text: str
    paragraph: int

    def __init__(self, start: int, end: int, text: str, paragraph: int) -> None:
        self.start, self.end, self.text, self.paragraph = start, end, text, paragraph


def _lines(text: str, start: int, end: int):
    """Yield ``(start, end)`` of each non-blank line inside ``text[start:end]``."""
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        if text[pos:stop].strip():
            yield pos, stop
        pos = stop + 1


def _hard_wrapped(text: str, lines) -> bool:
    """Tell whether a block is hard-wrapped: most of its lines stop mid-sentence.

    Why: a web page puts one paragraph per line (each line ends in a full stop or is a title);
    wire copy wraps at ~70 characters, and then most lines end on a bare word.
    """
    inner = lines[:-1]
    if len(inner) < 2:
        return False
    bare = sum(
        1 for a, b in inner
        if not _TERMINAL.search(text[a:b]) and not _LABEL.match(text[a:b])
    )
    return bare / len(inner) >= 0.6


def _join_continuations(text: str, lines):
    """Join a line to the next when it stops mid-sentence and the next goes on in lower case
    ("... killing a" / "woman and injuring nine"): a short hard-wrapped paragraph."""
    cur = None
    for a, b in lines:
        if cur is not None and not _TERMINAL.search(text[cur[0]:cur[1]]) and text[a].islower():
            cur = (cur[0], b)
            continue
        if cur is not None:
            yield cur
        cur = (a, b)
    if cur is not None:
        yield cur


def _segments(text: str):
    """Yield ``(start, end)`` of each paragraph: a hard-wrapped block or a single line."""
    pos = 0
    for m in list(_BLOCK.finditer(text)) + [None]:
        stop = len(text) if m is None else m.start()
        if text.find("\n", pos, stop) < 0:  # one line, the common case: a paragraph of its own
            if text[pos:stop].strip():
                yield pos, stop
            if m is not None:
                pos = m.end()
            continue
        lines = list(_lines(text, pos, stop))
        if lines:
            if _hard_wrapped(text, lines):
                yield lines[0][0], lines[-1][1]
            else:
                yield from _join_continuations(text, lines)
        if m is not None:
            pos = m.end()


def _is_abbreviation(text: str, dot: int) -> bool:
    """Tell whether the period at ``dot`` closes an abbreviation or an initial, not a sentence.

    Only the 12 characters before the period are read ("U.S." and "Gov." fit).
    """
    found = _WORD_BEFORE_DOT.search(text, max(0, dot - 12), dot)
    if found is None:
        return False
    word = found.group(1)
    if word.lower() in ABBREVIATIONS:
        return True
    # an initial ("A. Smith") or a dotted acronym ("U.S.")
    return len(word) == 1 and word.isupper()


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with exact spans.

    Parameters
    ----------
    text : str
        The report body.

    Returns
    -------
    list of Sentence
        In text order; ``text[s.start:s.end] == s.text`` for each; whitespace trimmed.

    Examples
    --------
    >>> [s.text for s in split_sentences("Two died. Gov. Lysak said so.")]
    ['Two died.', 'Gov. Lysak said so.']
    """
    out: list[Sentence] = []
    for para, (a, b) in enumerate(_segments(text)):
        chunk = text[a:b]
        pos = 0
        for m in _END.finditer(chunk):
            if chunk[m.start()] == "." and _is_abbreviation(chunk, m.start()):
                continue
            _add(out, text, a + pos, a + m.end(), para)
            pos = m.end()
        if a + pos < b:  # (an end at the paragraph's end leaves nothing after it)
            _add(out, text, a + pos, b, para)
    return out


def _add(out: list, text: str, start: int, end: int, para: int) -> None:
    """Append the trimmed sentence ``text[start:end]`` unless it is blank."""
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        start += len(chunk) - len(chunk.lstrip())
        out.append(Sentence(start, start + len(stripped), stripped, para))


#: A wire dateline at the head of a paragraph: "KYIV, Ukraine, 17 January 2023 —",
#: "MOSCOW / KYIV, 1 June 2025 —", "MOSCOW (AFP):", "SEVASTOPOL, Crimea, 23 September 2023 —".
_DATELINE: Final = re.compile(
    r"^\W*[A-Z][A-Z’'.\-]{2,}(?:[ /]+[A-Z][A-Z’'.\-]+)*(?:\s*\([^()]{1,20}\))?(?:,[^—–\n]{0,60}?)?"
    r"\s*(?:—|–|--|:)\s")


def dateline_end(text: str) -> int:
    """End of the wire dateline that opens ``text`` (0 when there is none).

    Why: the dateline says where and when the report was filed; its place is not a target and
    its date is the report's, not the attack's ("KYIV, 8 September 2025 — Russia launched 810
    drones overnight into Sunday, 7 September").
    """
    if not text[:1].isupper() and not text[:2].strip("*_ ").isupper():
        return 0
    m = _DATELINE.match(text)
    return m.end() if m else 0
