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

from .tables import rows

_BEFORE = [(p, role) for p, role, side in rows("place_cues.tsv") if side == "before"]
_AFTER = [(p, role) for p, role, side in rows("place_cues.tsv") if side == "after"]
#: One regex per side, rows in table order (the first row that matches decides).
_BEFORE_RE = re.compile("|".join(f"(?P<b{i}>{p})" for i, (p, _) in enumerate(_BEFORE)))
_AFTER_RE = re.compile("|".join(f"(?P<a{i}>{p})" for i, (p, _) in enumerate(_AFTER)))  # lower-cased text
#: Verbs and prepositions that make a country the target ("attacked Ukraine with 97 drones").
_COUNTRY_TARGET = re.compile(
    r"\b(?:attack(?:ed|s|ing)?|strikes?|struck|hit|against|targeted|targeting|on|over|at|into|across|"
    r"bombarded|shelled)\s+(?:the\s+)?(?:territory\s+of\s+)?$", re.I)
#: The country speaks or shoots down: "Ukraine intercepted ...", "Ukraine destroyed nine drones".
_COUNTRY_DEFENDER = re.compile(
    r"^\s+(?:(?:has|have|had|also|successfully|reportedly|says\s+it|said\s+it)\s+)*"
    r"(?:intercepted|downed|shot\s+down|destroyed|repelled|neutrali[sz]ed|repulsed)\b", re.I)
_GEO_WORDS = re.compile(r"^(?:Region|Oblast|Oblasts|Regions|Province|Krai|Republic|District|Raion|"
                        r"Peninsula|Sea|City|Mayor|Governor|Gov|Airport|Airfield|Airbase|Refinery|"
                        r"OVA|MVA|Regional|Military|State|Administration|Council|Police)$")
_CAP_WORD = re.compile(r"[A-Z][a-z’'\-]+")
_LIST_GAP = re.compile(r"^(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+|\s+or\s+)$", re.I)
_CONTAINER_GAP = re.compile(
    r"^(?:\s*,\s*|\s+)(?:(?:in|of)\s+)?(?:the\s+)?(?:(?:neighbo(?:u)?ring|southern|northern|eastern|"
    r"western|central|south-?eastern|south-?western|north-?eastern|north-?western|occupied|"
    r"southwestern|southeastern|northeastern|northwestern)\s+)?$|^(?:’s|'s)\s+$", re.I)
_FACILITY_TAIL = re.compile(r"[-\s]\d*\s*(?:air ?base|airfield|airport|refinery|oil refinery|port|depot|plant)$", re.I)


@dataclass
class PlaceRef:
    """A place named in a sentence (offsets relative to the sentence) with its role."""

    start: int
    end: int
    text: str
    place: object  # gazetteer.Place or None
    role: str

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
_AFTER_OPENERS = frozenset(" \n\t\r\u00a0,'’-—–/(")
_BEFORE_GATE = re.compile(r"from|near|border|km|kilomet|mile|by |north|south|east|west|gov|head|mayor|"
                          r"administration|authorities")


def _looks_like_person(text: str, start: int, end: int) -> bool:
    """Tell whether a one-word town name is part of a person's name ("Roman Busargin",
    "Alexey Smirnov", "Volodymyr Zelensky")."""
    if " " in text[start:end].strip():
        return False
    nxt = re.match(r"\s+([A-Z][\w’'\-]*)", text[end:end + 30])
    if nxt and not _GEO_WORDS.match(nxt.group(1)) and _CAP_WORD.fullmatch(nxt.group(1)):
        return True
    prv = re.search(r"(?<![.!?:]\s)(?<!^)\b([A-Z][a-z’'\-]+)\s+$", text[max(0, start - 30):start])
    if prv and start - 30 > 0 and prv.group(1) not in ("The", "In", "On", "At", "Of", "Over", "And", "From"):
        # the word before is capitalised mid-sentence: "Alexey Smirnov", "President Volodymyr"
        return not re.search(r"(?:Russian|Ukrainian|Kremlin|Gov|Governor|Mayor|Crimean|Black|Azov)\s+$", prv.group(0))
    return False


def _cue_role(text: str, start: int, end: int) -> str | None:
    """The role that the words around a name give it, from ``place_cues.tsv``."""
    before = text[max(0, start - 80):start].lower()
    after = text[end:end + 60].lower()
    roles = []
    m = _AFTER_RE.match(after) if after[:1] in _AFTER_OPENERS else None  # every "after" cue is anchored at the name's end
    if m:
        roles.append((int(m.lastgroup[1:]) + len(_BEFORE), _AFTER[int(m.lastgroup[1:])][1]))
    m = _BEFORE_RE.search(before) if _BEFORE_GATE.search(before) else None
    while m:
        if m.end() == len(before):
            roles.append((int(m.lastgroup[1:]), _BEFORE[int(m.lastgroup[1:])][1]))
            break
        m = _BEFORE_RE.search(before, m.start() + 1)
    return min(roles)[1] if roles else None


def assign_roles(text: str, mentions, skip_spans=()) -> list[PlaceRef]:
    """Give each gazetteer mention of a sentence its role.

    Parameters
    ----------
    text : str
        The sentence.
    mentions : iterable
        ``(start, end, words, place)`` relative to the sentence, in text order.
    skip_spans : iterable of (int, int)
        Spans of person names (claimants) that no place may come from.

    Returns
    -------
    list of PlaceRef
        Roles: target, defender (a country that shot down), launch, landmark, office, actor,
        attribute, container, dateline, context (a country named in passing), person (dropped).
    """
    refs: list[PlaceRef] = []
    for start, end, words, place in mentions:
        if any(a <= start < b for a, b in skip_spans) or (
                (place is None or place.precision == "city") and _looks_like_person(text, start, end)):
            continue
        role = _cue_role(text, start, end)
        if role is None and refs and _LIST_GAP.match(text[refs[-1].end:start]) and refs[-1].role in (
                "launch", "landmark", "office", "target"):
            role = refs[-1].role  # "from the cities of Millerovo, Kursk and Bryansk"
        if role is None and re.match(r"^\s*$", text[:start]) and words.isupper() and len(words) > 3:
            role = "dateline"  # "KYIV, Ukraine --", "MOSCOW (AFP):"
        if role is None and place is not None and place.precision == "country":
            if _COUNTRY_DEFENDER.match(text[end:end + 60]):
                role = "defender"
            elif _COUNTRY_TARGET.search(text[max(0, start - 40):start]):
                role = "target"
            else:
                role = "context"
        if role is None and refs and refs[-1].role == "target" and _CONTAINER_GAP.match(text[refs[-1].end:start]):
            prev = refs[-1].place
            if place is not None and prev is not None and _contains(place, prev):
                role = "container"  # "Pavlohrad, in the Dnipro region"; "Engels in the Saratov region"
        refs.append(PlaceRef(start, end, words, place, role or "target"))
    # "In the Dnipro region, ... in the city of Pavlohrad": a region before its own town locates it
    for i, r in enumerate(refs):
        if r.role == "target" and r.place is not None and r.place.precision == "region":
            if any(o.role == "target" and o.place is not None and o is not r and _contains(r.place, o.place)
                   for o in refs):
                r.role = "container"
    return refs


def _contains(big, small) -> bool:
    """Tell whether place ``big`` (a region or country) contains place ``small``."""
    if big.precision == "country":
        return small.country == big.country and small.precision != "country"
    if big.precision in ("region", "macro_region"):
        return small.precision in ("city", "facility") and small.admin1 is not None and (
            _fold(small.admin1) == _fold(big.name) or _fold(big.name).startswith(_fold(small.admin1))
            or _fold(small.admin1).startswith(_fold(big.name)))
    return False


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
    base = _FACILITY_TAIL.sub("", place.name).strip()
    if not base or base == place.name:
        return place
    town = gazetteer.lookup(base, place.country)
    return town if town is not None and town.precision == "city" else place
