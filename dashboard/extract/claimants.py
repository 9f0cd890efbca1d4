"""Find who makes a claim: an institution from ``claimants.tsv`` or an official named in the text.

Why it matters: the map keeps claims by different claimants apart (Russia's Defence Ministry and
a regional governor often give different numbers for the same night), and the claimant's side
tells which side defended, hence who attacked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from .tables import Vocabulary, lower_same_length, rows, vocab_hits

ORGS: Final = Vocabulary([(r[0], (r[1], r[2] or None, r[3] == "yes")) for r in rows("claimants.tsv")],
                         before=r"\b", after=r"\b")
#: Words without which no official is named: the person patterns run only where one occurs.
TITLES: Final = Vocabulary([(w, True) for w in (r"gov\.", "governors?", "mayor", "heads?", r"spokes\w*",
                                                "chief", "president", "prosecutors?", "governs")],
                           before=r"\b", after="")
_NAME: Final = r"(?:[A-Z][a-z’'\-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-z’'\-]+){1,2})"
_TITLE: Final = (r"(?:regional\s+|acting\s+|city\s+|deputy\s+|the\s+)*(?:Gov\.|Governor|governor|Mayor|mayor|"
                 r"spokes(?:man|person|woman)|Head|head|Chief|chief|President|president|Prosecutor|prosecutor)")
#: A full name alone (opens with a capital letter, so the regex engine skips to those quickly).
_FULL_NAME: Final = re.compile(_NAME)
_PERSON: Final = [
    # "Kyiv Mayor Vitalii Klitschko", "regional Gov. Serhii Lysak", "acting governor of the Kursk
    # Region Alexey Smirnov"
    re.compile(rf"(?:(?:(?!(?:Force|Air|Ministry|Defen[cs]e|Staff|Army|Navy)\b)[A-Z][a-z]+\s+)?{_TITLE}(?:\s+of\s+(?:the\s+)?(?:[A-Z][\w’'-]+\s+){{1,3}}(?:[Rr]egion|[Oo]blast|OVA|[Aa]dministration)?)?,?\s+)(?P<name>{_NAME})"),
    # "Serhii Popko, the head of the city's Military Administration" / "..., who heads ..."
    re.compile(rf"(?P<name>{_NAME}),\s+(?:the\s+|who\s+|a\s+)?(?:{_TITLE}|heads|governs)\b[^,.;\"“”]*"),
    # "the governor of the region, Oleh Synehubov"
    re.compile(rf"\b{_TITLE}\s+of\s+(?:the\s+)?[\w’' -]{{2,60}}?,\s+(?P<name>{_NAME})"),
]
_SPEECH: Final = ("said", "says", "told", "wrote", "reported")
#: The speech words, found by the report-wide scan (cheaper there than a regex per sentence).
SPEECH: Final = Vocabulary([(w, True) for w in _SPEECH], before=r"\b", after=r"\b")
#: "..., said Oleh Syniehubov." / "Oleh Syniehubov said": a full name that speaks, no title
#: (both tried only at the speech words: see :func:`_speaker`).
_SAID_NAME: Final = re.compile(rf"(?:said|says|told\s+\w+|wrote|reported)\s+(?P<name>{_NAME})\s*[.,]")
_NAME_SAID: Final = re.compile(rf"(?P<name>{_NAME})\s+(?:said|says|wrote|reported|told)\b")
_SOURCE: Final = re.compile(
    r"^\W*Source\s*:\s*(?P<who>[^;,\n]+?)(?:\s+(?:on|in|via)\s+(?:Telegram|Facebook|X|Twitter|its website)\b|[;,\n]|$)")
_ACCORDING: Final = re.compile(
    rf"\b[Aa]ccording to (?:the\s+)?(?P<who>(?:{_TITLE}\s+)?{_NAME}|[A-Z][\w’' -]{{3,60}}?)(?=[,.;]|\s+(?:on|in)\b)")
_NOT_NAMES: Final = re.compile(r"^(?:The|A|An|In|On|At|Air|Russian|Ukrainian|Russia|Ukraine)\b")


@dataclass(slots=True, init=False)  # __init__ written out: mypyc compiles it, not the generated one
class Claimant:
    """Who claims: display words, side ("UA"/"RU"/None), whether it speaks for the nation."""

    name: str
    side: str | None
    national: bool
    start: int

    def __init__(self, name: str, side: str | None, national: bool, start: int) -> None:
        self.name, self.side, self.national, self.start = name, side, national, start


def find_claimant(text: str, org_hits=None, title_hits=None, speech_hits=None) -> Claimant | None:
    """Return the claimant named in a sentence, or None.

    Parameters
    ----------
    text : str
        A sentence.
    org_hits, title_hits, speech_hits : list, optional
        Matches of :data:`ORGS`, :data:`TITLES` and :data:`SPEECH` found beforehand.

    Returns
    -------
    Claimant or None
        A named official beats an institution ("Gov. X of the regional administration said");
        a "Source:" line names the source of the whole report.

    Examples
    --------
    >>> find_claimant("said regional Gov. Serhii Lysak, adding").name
    'Serhii Lysak'
    """
    m = _SOURCE.search(text) if "ource" in text else None
    if m:
        who = m.group("who").strip()
        org = ORGS.search(lower_same_length(who))
        if org:
            name, side, national = ORGS.value(org)
            return Claimant(name, side, national, m.start())
        return Claimant(who, None, False, m.start())
    if title_hits is None:
        title_hits = vocab_hits(TITLES, lower_same_length(text))
    if org_hits is None:
        org_hits = vocab_hits(ORGS, lower_same_length(text))
    # a person's name stands within a few words of the first title ("Gov.", "mayor", "head")
    lo = max(0, title_hits[0][0] - 60) if title_hits else 0
    # each person pattern holds a full name: without one (most sentences: "the regional
    # governor said"), none can match, and the quick test spares the three searches
    for rx in _PERSON if title_hits and _FULL_NAME.search(text, lo) else ():
        m = rx.search(text, lo)
        if m and not _NOT_NAMES.match(m.group("name")):
            name = m.group(0).strip(" ,") if rx is _PERSON[0] else m.group("name")
            side, national = _body_of(m.start(), m.end(), org_hits)
            return Claimant(name, side, national, m.start())
    if org_hits:
        s, _e, (name, side, national) = org_hits[0]
        return Claimant(name, side, national, s)
    m = _ACCORDING.search(text) if "ccording" in text else None
    if m:
        return Claimant(m.group("who").strip(), None, False, m.start())
    if speech_hits is None:
        speech_hits = vocab_hits(SPEECH, lower_same_length(text))
    m = _speaker(text, speech_hits) if speech_hits else None
    if m and not _NOT_NAMES.match(m.group("name")):
        return Claimant(m.group("name"), None, False, m.start())
    return None


def _speaker(text: str, speech_hits) -> re.Match | None:
    """The first full name that speaks ("Oleh Syniehubov said", "..., said Oleh Syniehubov.").

    Why from the speech words: one regex searched over the whole sentence tries a name at every
    capital letter; a name that speaks stands right before or after a speech word, and cannot
    reach back over an earlier one (it is capitalised), so each speech word is tried in turn:
    a name ending at it (searched only since the previous one), then a name after it.
    """
    since = 0
    for a, b, _ in speech_hits:
        if not text[a:b].islower():
            continue  # "Said" may be a name; only a speech word in lower case speaks
        m = _NAME_SAID.search(text, since, b) or _SAID_NAME.match(text, a)
        if m:
            return m
        since = b
    return None


def _body_of(start: int, end: int, org_hits) -> tuple[str | None, bool]:
    """Side and national flag of the body a named official speaks for: a row of
    ``claimants.tsv`` within or right before the name ("Ukraine's Air Force spokesman Yurii
    Ihnat", "President Volodymyr Zelensky")."""
    for s, e, (_name, side, national) in org_hits:
        if start - 40 <= s and e <= end + 2:
            return side, national
    return None, False

