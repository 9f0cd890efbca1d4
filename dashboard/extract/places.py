"""Decide the role of each place a sentence names: struck target, launch site, landmark, etc.

Why: the gazetteer finds names; only the words around a name tell what it is doing in the
sentence. "launched from Kursk" names a launch site, "near the Estonian border" a landmark,
"Kyiv Mayor Klitschko" an official's seat, "the Kiev regime" an actor, "Engels in the Saratov
region" a town and the region that locates it. Only targets (and, where nothing else is named,
an official's seat) become events. The cue phrases live in ``place_cues.tsv``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from .tables import Vocabulary, lower_same_length, row_of, rows

_BEFORE: Final = [(p, role) for p, role, side in rows("place_cues.tsv") if side == "before"]
_AFTER: Final = [(p, role) for p, role, side in rows("place_cues.tsv") if side == "after"]
#: One regex per side, rows in table order (the first row that matches decides). The "before"
#: rows that open with a launch verb may reach 80 characters back ("launched by Tu-95MS bombers
#: over the"); they are tried only where such a verb occurs. The others reach 56 at most.
_LONG: Final = [p.startswith(("(?:launched", "\\blaunch")) for p, _ in _BEFORE]
_BEFORE_RE: Final = re.compile("|".join(f"(?P<b{i}>{p})" for i, (p, _) in enumerate(_BEFORE) if not _LONG[i]))
_BEFORE_LONG_RE: Final = re.compile("|".join(f"(?P<b{i}>{p})" for i, (p, _) in enumerate(_BEFORE) if _LONG[i]))
_LONG_GATE_WORDS: Final = ("launch", "fire", "releas", "sent", "carrying", "came", "coming", "flew", "flying",
                            "attacked", "took off")
_LONG_GATE: Final = re.compile(r"\b(?:" + "|".join(_LONG_GATE_WORDS) + ")")
SHORT_REACH, LONG_REACH = 56, 80
#: Searched over the lower-cased sentence with ``pos``/``endpos``: an "after" cue is matched at
#: the name's end (its leading "^" dropped), a "before" cue must end where the name starts ("$").
_AFTER_RE: Final = re.compile("|".join(f"(?P<a{i}>{p[1:]})" for i, (p, _) in enumerate(_AFTER)))
#: Verbs and prepositions that make a country the target ("attacked Ukraine with 97 drones").
_COUNTRY_TARGET: Final = re.compile(
    r"\b(?:attack(?:ed|s|ing)?|strikes?|struck|hit|against|targeted|targeting|on|over|at|into|across|"
    r"bombarded|shelled)\s+(?:the\s+)?(?:territory\s+of\s+)?$"
    r"|\b(?:regions|oblasts|cities|towns|parts|areas|territory)\s+of\s+$")  # lower-cased text
#: The country speaks or shoots down: "Ukraine intercepted ...", "Ukraine destroyed nine drones".
_COUNTRY_DEFENDER: Final = re.compile(
    r"^\s+(?:(?:has|have|had|also|successfully|reportedly|says\s+it|said\s+it)\s+)*"
    r"(?:intercepted|downed|shot\s+down|destroyed|repelled|neutrali[sz]ed|repulsed)\b")  # lower-cased text
_LIST_GAP: Final = re.compile(r"^(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+|\s+or\s+)(?:the\s+)?$", re.I)
#: A launch list may repeat its preposition: "from the Kursk region and over the Sea of Azov".
_LAUNCH_LIST_GAP: Final = re.compile(r"^\s*,?\s*(?:and\s+|or\s+)?(?:from|over|off|in)\s+(?:the\s+)?"
                                     r"(?:(?:temporarily\s+)?occupied\s+)?$", re.I)
_CONTAINER_GAP: Final = re.compile(
    r"^(?:\s*,\s*|\s+)(?:(?:in|of)\s+)?(?:the\s+)?(?:(?:neighbo(?:u)?ring|southern|northern|eastern|"
    r"western|central|south-?eastern|south-?western|north-?eastern|north-?western|occupied|"
    r"southwestern|southeastern|northeastern|northwestern)\s+)?$|^(?:’s|'s)\s+$", re.I)
#: A region and a town that each have a figure ("7 over the Moscow region and 2 over Moscow
#: itself") are two places, not a town and the region that locates it.
_OWN_FIGURE: Final = re.compile(r"\d|\bitself\b")
_DISTRICT_AFTER: Final = re.compile(r"\s+(?:district|raion|rayon)\b", re.I)
_FACILITY_TAIL: Final = re.compile(
    r"[-\s]\d*\s*(?:air ?base|airfield|airport|refinery|oil refinery|port|depot|plant)$", re.I)


@dataclass(slots=True, init=False)  # __init__ written out: mypyc compiles it, not the generated one
class PlaceRef:
    """A place named in a sentence (offsets relative to the sentence) with its role."""

    start: int
    end: int
    text: str
    place: Any  # gazetteer.Place or None
    role: str

    def __init__(self, start: int, end: int, text: str, place: Any, role: str) -> None:
        self.start, self.end, self.text, self.place, self.role = start, end, text, place, role

    @property
    def country_level(self) -> bool:
        """True for a country name ("Ukraine", "Russia")."""
        return self.place is not None and self.place.precision == "country"

    @property
    def key(self) -> str:
        """Identity of the place for grouping: the gazetteer key, else the folded words."""
        return self.place.key if self.place is not None else "text:" + self.text.lower()


#: Cheap tests before the cue regexes: what an "after" cue may open with, and words that every
#: "before" cue contains.
_AFTER_OPENERS: Final = frozenset(" \n\t\r\u00a0,'’-—–/(")
_BEFORE_GATE_WORDS: Final = ("from", "near", "border", "km", "kilomet", "mile", "by ", "north", "south", "east", "west",
                       "gov", "head", "mayor", "officials", "administration", "authorities")
_BEFORE_GATE: Final = re.compile(r"\b(?:" + "|".join(_BEFORE_GATE_WORDS) + ")")
#: Both gates as vocabularies, so that the report-wide lexicon scan finds them (see ``reading``).
#: No gate word is a prefix of another: the same starts as the gate regexes.
BEFORE_GATES: Final = Vocabulary([(w, True) for w in _BEFORE_GATE_WORDS], before=r"\b", after="")
LONG_GATES: Final = Vocabulary([(w, True) for w in _LONG_GATE_WORDS], before=r"\b", after="")


def _cue_role(low: str, start: int, end: int, gates: list[int], long_gates: list[int]) -> str | None:
    """The role that the words around a name give it, from ``place_cues.tsv`` (``low`` is the
    lower-cased sentence; the cues are tried in place, without copying the words around).

    ``gates`` and ``long_gates`` are the starts of the gate words in the whole sentence (found
    once per sentence by :func:`assign_roles`); the same as looking in each name's window, as no
    gate word runs into the name after it."""
    before = None
    # every "before" row opens with one of its gate's words: try the rows only there, leftmost
    # first, which finds what one search of the window would find
    for g in gates:
        if g >= start:
            break
        if g >= start - SHORT_REACH:
            before = _BEFORE_RE.match(low, g, start)
            if before is not None:
                break
    for g in long_gates:
        if g >= start:
            break
        if g < start - LONG_REACH:
            continue
        long = _BEFORE_LONG_RE.match(low, g, start)
        if long is not None:
            if before is None or long.start() < before.start() or long.start() == before.start() and row_of(
                    long) < row_of(before):
                before = long  # the leftmost cue, as one regex of all rows would find
            break
    if before is not None:  # the "before" rows come first in the table: they win over an "after" cue
        return _BEFORE[row_of(before)][1]
    after = _AFTER_RE.match(low, end, end + 60) if low[end:end + 1] in _AFTER_OPENERS else None
    return _AFTER[row_of(after)][1] if after is not None else None


def assign_roles(text: str, mentions, skip_spans=(), dateline: int = 0, gate_hits=None) -> list[PlaceRef]:
    """Give each gazetteer mention of a sentence its role.

    Parameters
    ----------
    text : str
        The sentence.
    mentions : iterable
        ``(start, end, words, place)`` relative to the sentence, in text order.
    skip_spans : iterable of (int, int)
        Spans of person names (claimants) that no place may come from.
    dateline : int
        End of the wire dateline that opens the sentence: places in it are where the report was
        filed ("SEVASTOPOL, Crimea, 23 September 2023 —").
    gate_hits : (list, list), optional
        Hits of :data:`BEFORE_GATES` and :data:`LONG_GATES` in the sentence, found beforehand.

    Returns
    -------
    list of PlaceRef
        Roles: target, defender (a country that shot down), launch, landmark, office, actor,
        attribute, container, dateline, context (a country named in passing), person (dropped).
    """
    refs: list[PlaceRef] = []
    if not mentions:
        return refs
    low = lower_same_length(text)
    if gate_hits is None:
        gates = [g.start() for g in _BEFORE_GATE.finditer(low)]
        long_gates = [g.start() for g in _LONG_GATE.finditer(low)]
    else:
        gates = [h[0] for h in gate_hits[0]] if gate_hits[0] else []
        long_gates = [h[0] for h in gate_hits[1]] if gate_hits[1] else []
    for start, end, words, place in mentions:
        if skip_spans and any(a <= start < b for a, b in skip_spans):
            continue  # people's names are left out by the gazetteer; claimants' spans here
        role = "dateline" if start < dateline else _cue_role(low, start, end, gates, long_gates)
        if role is None:  # no cue of its own: the name before it, its form or its country may tell
            prev = refs[-1] if refs else None
            gap = text[prev.end:start] if prev is not None else ""
            if prev is not None and (_LIST_GAP.match(gap) and prev.role in ("launch", "landmark", "office", "target")
                                     or prev.role == "launch" and _LAUNCH_LIST_GAP.match(gap)):
                role = prev.role  # "from the cities of Millerovo, Kursk and Bryansk"
            elif words.isupper() and len(words) > 3 and not text[:start].strip():
                role = "dateline"  # "KYIV, Ukraine --", "MOSCOW (AFP):"
            elif place is not None and place.precision == "country":
                if _COUNTRY_DEFENDER.match(low[end:end + 60]):
                    role = "defender"
                elif _COUNTRY_TARGET.search(low, max(0, start - 40), start):
                    role = "target"
                else:
                    role = "context"
            elif prev is not None and prev.role == "target" and _CONTAINER_GAP.match(gap):
                if place is not None and prev.place is not None and (
                        contains(place, prev.place) or _DISTRICT_AFTER.match(text, end)):
                    # "Pavlohrad, in the Dnipro region"; "Engels in the Saratov region"; "the village
                    # of Stanovoye in the Ramenskoye district"
                    role = "container"
        refs.append(PlaceRef(start, end, words, place, role or "target"))
    # "In the Dnipro region, ... in the city of Pavlohrad": a region before its own town locates it
    # (a region contains only towns and facilities: see :func:`contains`)
    towns = [o for o in refs if o.role == "target" and o.place is not None
             and o.place.precision in ("city", "facility")]
    for r in refs if towns else ():
        if r.role == "target" and r.place is not None and r.place.precision == "region":
            if any(contains(r.place, o.place)
                   and not _OWN_FIGURE.search(text, min(r.end, o.end), max(r.start, o.start) + 12) for o in towns):
                r.role = "container"
    return refs


def contains(big, small) -> bool:
    """Tell whether place ``big`` (a region or country) contains place ``small``."""
    if big.precision == "country":
        return small.country == big.country and small.precision != "country"
    if big.precision in ("region", "macro_region"):
        return small.precision in ("city", "facility") and small.admin1 is not None and (
            _fold(small.admin1) == _fold(big.name) or _fold(big.name).startswith(_fold(small.admin1))
            or _fold(small.admin1).startswith(_fold(big.name)))
    return False


@lru_cache(maxsize=4096)
def _fold(name: str) -> str:
    """Fold a region name for comparison: lower case, no region words, no punctuation."""
    name = re.sub(r"\b(?:oblast|region|krai|kray|province|republic|of|the|autonomous)\b", " ", name.lower())
    return re.sub(r"[^a-z]+", "", name)


def town_of(place, gazetteer):
    """The town a facility stands in ("Engels-2 airbase" -> Engels), else the facility itself.

    Why: the house rule places facilities at their town, so reports that say "Engels", "the
    Engels airfield" and "Engels-2" put their events on one point and one name.
    """
    if place is None or place.precision != "facility":
        return place
    known = gazetteer.facility_town(place) if hasattr(gazetteer, "facility_town") else None
    if known is not None:
        return known  # the curated table says where it stands ("DniproHES" is in Zaporizhzhia)
    base = _FACILITY_TAIL.sub("", place.name).strip()
    if not base or base == place.name:
        return place
    town = gazetteer.lookup(base, place.country)
    return town if town is not None and town.precision == "city" else place
