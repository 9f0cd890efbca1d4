"""Which place a figure belongs to when its sentence does not say it plainly.

Why a module of its own: this is where a reader's judgement does most of the work, and each
step is a reporter's habit that can be named:

- a count owns the targets named in its own stretch of the sentence ("15 over Kyiv, 9 over
  Sumy"); one count over several places is a total for their country;
- "the city", "the region" point back to the place the paragraph (else the report) is about;
- "during the attack" points to the attack the report is about; "across the country" to the
  whole country;
- "three more", "another 208" add to the place of the figure before them;
- "21 of the 23 missiles", "87 of the missiles" are a part of a count given earlier: they go
  where that count went;
- a national body (an air force, a defence ministry) speaks for its country when it names no
  place; casualties, which happen somewhere, go to the report's place instead;
- an official's seat is a region that contains the place the report is about: that place is
  the more precise one ("Regional governor X said 75 were wounded" in a Dnipro story);
- a launch area or a sea is never a fallback: nothing struck is there.
"""
from __future__ import annotations

import re
from typing import Final

from .figures import Count
from .places import PlaceRef, contains
from .reading import Reading
from .tables import lower_same_length

COUNTRY_NAMES: Final = {"UA": "Ukraine", "RU": "Russia"}
CAPITALS: Final = {"UA": "Kyiv", "RU": "Moscow"}
#: The patterns below are matched on the lower-cased sentence (``lower_same_length``: the offsets
#: stay): without IGNORECASE, which lower-cases every character it tries, they take half the time.
#: "the capital", "the Ukrainian capital": the capital of the country the report is about.
_CAPITAL: Final = re.compile(r"\bthe\s+(?:(?P<ua>ukrainian)\s+|(?P<ru>russian)\s+)?capital\b")
OTHER_SIDE: Final = {"RU": "UA", "UA": "RU"}
TARGET_ROLES: Final = ("target", "defender")
#: "the city", "the region", "his region": a place named before.
_ANAPHOR: Final = re.compile(r"\b(?:the|his|her|its|that|this)\s+(region|city|town|oblast|province|capital|"
                             r"area|village|district|settlement)\b")
#: "during the attack", "in the strike": the attack the report is about.
_ATTACK_ANAPHOR: Final = re.compile(
    r"\b(?:during|in|by|from|after)\s+(?:the|this|that|saturday's|sunday's|"
    r"\w+day's|the\s+overnight)\s+(?:\w+\s+)?(?:attacks?|strikes?|raids?|barrage|assault)\b"
    r"|^\s*(?:the|this)\s+(?:\w+\s+)?(?:attack|strike|raid|barrage|salvo)\b")
#: "across the country", "nationwide": the whole country.
_COUNTRY_ANAPHOR: Final = re.compile(r"\b(?:across|throughout|around|all\s+over)\s+the\s+country\b|\bnationwide\b|"
                                     r"\bin\s+the\s+country\b|\b(?:across|throughout)\s+(?:ukraine|russia)\b")
#: What every match of the three anaphors above holds: substring tests first, cheaper than a
#: regex that opens with ``\b`` and is tried at every character of the sentence.
_ANAPHOR_WORDS: Final = ("region", "city", "town", "oblast", "province", "capital", "area", "village", "district",
                         "settlement")
_ATTACK_ANAPHOR_WORDS: Final = ("attack", "strike", "raid", "barrage", "assault", "salvo")
_COUNTRY_ANAPHOR_WORDS: Final = ("country", "nationwide", "across", "throughout")
#: "over six regions", "across several regions": a total over many regions.
_MANY_REGIONS: Final = re.compile(r"\b(?:over|across|in|within)\s+(?:\w+\s+){0,2}?(?:\d+|two|three|four|five|six|seven|"
                                  r"eight|nine|ten|eleven|twelve|several|multiple|many|various|\w+teen)\s+"
                                  r"(?:\w+\s+){0,2}?(?:regions|oblasts|provinces)\b")
#: "heading for Moscow", "flying towards Kyiv": the place a count of weapons was aimed at.
_HEADING: Final = re.compile(
    r"\b(?:heading|headed|flying|aimed|directed|en\s+route)\s+(?:for|to|towards?|at)\s+(?:the\s+)?$")


#: Patterns of the rules below, compiled once (not looked up in re's cache per call).
_STRETCH_END: Final = re.compile(r";|,\s+and\s+the\s|,\s+(?:while|but|whereas)\s")
_TARGET_GAP: Final = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+or\s+)(?:the\s+)?")


def country_ref(code: str | None, gazetteer) -> PlaceRef | None:
    """A place reference for a whole country (national totals)."""
    name = COUNTRY_NAMES.get(code or "")
    if not name:
        return None
    return PlaceRef(0, 0, name, gazetteer.lookup(name), "target")


def is_fallback(ref: PlaceRef | None) -> bool:
    """Whether a place may stand for later figures: a struck place, not a launch area or a sea."""
    return ref is not None and ref.place is not None and ref.place.precision != "sea" and ref.role != "launch"


def count_places(r: Reading, c: Count, nxt: int) -> list[PlaceRef]:
    """Targets named in a count's own stretch of the sentence: from it to the next count, not
    past the end of its clause nor into a new noun phrase of a list (", and the Sea of Azov")."""
    text = r.sentence.text
    stop = nxt
    m = _STRETCH_END.search(text, c.end, nxt)
    if m:
        stop = m.start()
    own = [p for p in r.places if p.role in TARGET_ROLES and c.start <= p.start < stop]
    if not own:
        return own
    # "32 drones heading for Moscow were destroyed over three districts": the aim wins
    low = lower_same_length(text)
    aimed = [p for p in own if _HEADING.search(low[max(0, p.start - 30):p.start])]
    return aimed[:1] or own


def many_regions(r: Reading, a: int, b: int) -> bool:
    """Whether the stretch ``[a, b)`` says the count covers many regions ("over six regions")."""
    words = r.sentence.text[a:b].lower()
    if "regions" not in words and "oblasts" not in words and "provinces" not in words:
        return False
    return bool(_MANY_REGIONS.search(lower_same_length(r.sentence.text), a, b))


def sentence_place(r: Reading, pos: int, taken=()) -> PlaceRef | None:
    """The target of the sentence nearest before ``pos``, else the first after it (places that
    other counts of the sentence claim for themselves excepted)."""
    targets = [p for p in r.places if p.role in TARGET_ROLES and id(p) not in taken]
    before = [p for p in targets if p.start <= pos and not p.country_level]
    if before:
        return before[-1]
    after = [p for p in targets if not p.country_level]
    if after:
        return after[0]
    return targets[0] if targets else None


def coordinated(r: Reading, ref: PlaceRef) -> list[PlaceRef]:
    """The targets listed together with ``ref`` ("attacked Kyiv and Kharkiv with 99 missiles")."""
    targets = [p for p in r.places if p.role in TARGET_ROLES and not p.country_level]
    if ref not in targets:
        return [ref]
    i = targets.index(ref)
    text = r.sentence.text
    gap = _TARGET_GAP
    lo = i
    while lo > 0 and gap.fullmatch(text, targets[lo - 1].end, targets[lo].start):
        lo -= 1
    hi = i
    while hi + 1 < len(targets) and gap.fullmatch(text, targets[hi].end, targets[hi + 1].start):
        hi += 1
    return targets[lo:hi + 1]


def count_launch(launches: list[PlaceRef], a: int, b: int, stretches) -> PlaceRef | None:
    """The launch site of a count: one named in its own stretch ("five Oniks missiles from
    Crimea, three Kh-22 launched over the Black Sea"), else the sentence's first one unless
    another count of the sentence names it as its own."""
    own = [p for p in launches if a <= p.start < b]
    if own:
        return own[0]
    if launches and not any(x <= p.start < y for p in launches for x, y in stretches):
        return launches[0]
    return None


def _seat(office: PlaceRef | None, ctx) -> PlaceRef | None:
    """An official's seat, or the place the report is about when the seat (a region) contains it."""
    if office is None or office.place is None:
        return office
    for near in (ctx["para_place"], ctx["last_place"], ctx["doc_place"]):
        if is_fallback(near) and near.place is not office.place and contains(office.place, near.place):
            return near
    return office


def report_place(ctx, r: Reading | None = None) -> PlaceRef | None:
    """The place the report is about: the first target named so far, else the first one it
    names at all, else the country that the attacker of sentence ``r`` (or of the report so
    far) attacked. The attackers are looked for only then: finding one takes a few regexes."""
    for ref in (ctx["doc_place"], ctx.get("doc_first")):
        if ref is not None:
            return ref
    actor = (r.actor if r is not None else None) or next((e.actor for e in ctx["earlier"] if e.actor), None)
    return country_ref(OTHER_SIDE.get(actor or ""), ctx["gazetteer"])


def fallback_place(r: Reading, ctx, count: Count | None = None) -> PlaceRef | None:
    """Place of a figure whose sentence names no target (see the module docstring).

    ``count`` is the weapon count, or None for a casualty count.
    """
    gaz, low = ctx["gazetteer"], lower_same_length(r.sentence.text)
    cl = r.claimant
    offices = [p for p in r.places if p.role == "office"]
    if count is not None and count.refers_to is not None and count.refers_to.get("ref") is not None:
        return count.refers_to["ref"]  # "87 of the missiles", "six of them"
    if count is None and any(w in low for w in _COUNTRY_ANAPHOR_WORDS) and _COUNTRY_ANAPHOR.search(low):
        here = report_place(ctx)
        code = (cl.side if cl and cl.side else None) or (here.place.country if here and here.place else None)
        return country_ref(code, gaz) or here
    # "the region", "his city", "the capital": one search for both rules
    anaphor = _ANAPHOR.search(low) if any(w in low for w in _ANAPHOR_WORDS) else None
    capital = _CAPITAL.search(low) if anaphor else None
    if capital:  # "fired at the capital": Kyiv in a Ukrainian story, Moscow in a Russian one
        here = next((p for p in (ctx["para_place"], ctx["last_place"], report_place(ctx)) if is_fallback(p)), None)
        code = "UA" if capital.group("ua") else "RU" if capital.group("ru") else (
            here.place.country if here is not None else None)
        name = CAPITALS.get(code or "")
        if name:
            return PlaceRef(capital.start(), capital.end(), name, gaz.lookup(name, code), "target")
    if anaphor:  # "... fired at the region", "the city was hit", "his region"
        word = anaphor.group(1)
        local = word in ("city", "town", "village", "settlement")
        for near in (None if local else (offices[0] if offices else None), ctx["para_place"], ctx["last_place"],
                     ctx["doc_place"]):
            if near is not None and is_fallback(near) and (not local or near.place.precision in ("city", "facility")):
                return near
    if count is not None and count.partial and is_fallback(ctx.get("last_ref")):
        return ctx["last_ref"]  # "Three more were suppressed", "another 208 drones"
    if (ctx["para_place"] or ctx["doc_place"]) is not None and any(w in low for w in _ATTACK_ANAPHOR_WORDS) \
            and _ATTACK_ANAPHOR.search(low):
        return ctx["para_place"] or ctx["doc_place"]
    if count is not None and cl is not None and cl.national and cl.side:
        return country_ref(cl.side, gaz)
    if ctx["para_place"] is not None:
        return ctx["para_place"]
    if offices:
        return _seat(offices[0], ctx)
    if count is not None and r.defender:  # "Ukrainian air defence destroyed 47 drones"
        return country_ref(r.defender, gaz)
    if ctx["office"] is not None:
        return _seat(ctx["office"], ctx)
    cl = ctx["claimant"]
    if count is not None and cl is not None and cl.national and cl.side:
        return country_ref(cl.side, gaz)
    # the report's place; else, "Russia's bombers fired 18 missiles", the attacked country
    return report_place(ctx, r) or (country_ref(cl.side, gaz) if cl is not None and cl.national else None)
