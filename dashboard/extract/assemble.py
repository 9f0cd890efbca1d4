"""Turn one sentence's reading into claims, and clean up the claims of a whole report.

Why these rules, each one a reporter's habit:
- a figure with no place of its own belongs to the place named in its sentence, else to the
  place the paragraph is about when the sentence points back to it ("at the region"), else to a
  national body's country ("Ukraine's air force said it downed 9 of 14"), else to the place the
  paragraph is about, else to the seat of the official who speaks ("his region", "the city"),
  else to the country the named air defence belongs to;
- one count over several named places is a total: it goes to their country, and each place gets
  an event without figures ("downed 30 drones over the Sumy, Poltava and Kharkiv regions");
- a place named as struck with no figures is still an event ("drone attacks on Pskov and Moscow");
- a figure said to be preliminary yields to a later one for the same place.
"""
from __future__ import annotations

import datetime as dt
import re
from operator import attrgetter, itemgetter
from typing import Final

from . import background
from .figures import Count
from .placing import (OTHER_SIDE, count_launch, count_places, country_ref, coordinated, fallback_place, is_fallback,
                      many_regions, report_place, sentence_place)
from .places import PlaceRef, town_of
from .reading import Reading, side_of, weapon_near
from .weapons import model_side

FIGURES: Final = ("launched", "intercepted", "lost", "hit", "killed", "injured")
#: Figures of weapons (not of people): what "of them", "of the missiles" may refer to.
WEAPON_FIGURES: Final = FIGURES[:4]
#: A claim's figures as one tuple (one C call, not a generator per claim); all None: no figures.
figures_of = itemgetter(*FIGURES)
weapon_figures_of = itemgetter(*WEAPON_FIGURES)
_NO_FIGURES: Final = (None,) * len(FIGURES)
_DISTRICT: Final = re.compile(r"\b(?:district|raion|rayon)s?$", re.I)
#: A claim before its sentence fills it in (copied: cheaper than a dict display per claim).
_BLANK: Final = {
    "place": None, "place_ref": None, "weapon": "unknown", "weapon_model": None, **dict.fromkeys(FIGURES),
    "at_least": None, "date": None, "date_precision": "unknown", "date_inferred": False, "claimed_by": None,
    "attacker": None, "evidence": None, "span": None, "_place_key": None, "_preliminary": False}
#: Working keys of a claim, dropped before it leaves the package.
_PRIVATE: Final = ("_place_key", "_preliminary", "_ref", "_article", "_partial", "_bare")
_DISTRICTS: Final = re.compile(r"\s+districts$", re.I)  # "Zakanalye districts" -> "Zakanalye district"


#: Patterns of the rules below, compiled once (not looked up in re's cache per call).
_ITSELF: Final = re.compile(r"\s+(?:itself|city)\b")
_START: Final = attrgetter("start")


def has_figures(claim: dict) -> bool:
    """Whether a claim gives any figure (a claim without is a place struck)."""
    return figures_of(claim) != _NO_FIGURES


def _new_claim(r: Reading, place: PlaceRef | None, cls, model, ctx, launch="sentence") -> dict:
    """A claim dict with the sentence's evidence and context, figures empty."""
    s, date, claimant = r.sentence, ctx["date"], ctx["claimant"]
    claim = _BLANK.copy()
    claim["weapon"] = cls or "unknown"
    claim["weapon_model"] = model
    claim["at_least"] = []
    if date:
        claim["date"], claim["date_precision"] = date.date, date.precision
        claim["date_inferred"] = bool(date.inferred and date.date)
    claim["claimed_by"] = claimant.name if claimant else None
    claim["evidence"], claim["span"] = s.text, [s.start, s.end]
    claim["_preliminary"] = r.preliminary
    lp = ctx.get("launch") if launch == "sentence" else launch
    if lp is not None:
        claim["launch_place"] = lp.place.name if lp.place else lp.text
        if lp.place is not None:
            claim["launch_lat"], claim["launch_lon"] = lp.place.lat, lp.place.lon
    set_place(claim, place, ctx["gazetteer"])
    return claim


def set_place(claim: dict, ref: PlaceRef | None, gazetteer) -> None:
    """Put a place on a claim: the gazetteer's place (a facility at its town) or the words."""
    if ref is None:
        return
    place = ref.place
    if place is not None and place.precision == "facility":
        place = town_of(place, gazetteer)
    claim["_ref"] = ref
    claim["place_ref"] = place
    claim["place"] = place.name if place is not None else _DISTRICTS.sub(" district", ref.text)
    claim["_place_key"] = place.key if place is not None else ref.key


def _attacker(claim: dict, words: str, r: Reading, ctx) -> str | None:
    """Who attacked: the side named on the weapon, else the army that uses its model ("Iskander"
    is Russian even when Russia's ministry reports the strike), else the side the sentence says
    acted, else the side opposed to the claimant, else the side opposed to the place's country."""
    cl = ctx["claimant"]
    claimant_side = cl.side if cl else None
    side = side_of(words) if words else None
    if side == "enemy":
        side = OTHER_SIDE.get(claimant_side or "")
    if side in ("RU", "UA"):
        return side
    model = claim["weapon_model"]
    side = model_side(model) if model else None
    if side:
        return side
    if r.actor:
        return r.actor
    if claimant_side:
        return "UA" if claimant_side == "RU" else "RU"
    place = claim["place_ref"]
    return OTHER_SIDE.get(place.country or "") if place is not None else None


def _put(claims: list, claim: dict, field: str, c: Count) -> dict:
    """Set a figure on a claim; a second value for the same field opens a new claim."""
    if claim[field] is not None and claim[field] != c.value:
        twin = {k: (list(v) if isinstance(v, list) else v) for k, v in claim.items()}
        for f in FIGURES:
            twin[f] = None
        twin["at_least"] = []
        claims.append(twin)
        claim = twin
    claim[field] = c.value
    if c.at_least and field not in claim["at_least"]:
        claim["at_least"].append(field)
    return claim


def _total_ref(named: list[PlaceRef], gaz) -> PlaceRef | None:
    """The country that a count over several places totals ("30 drones over the Sumy, Poltava and
    Kharkiv regions" -> Ukraine); None when the places lie in more than one country."""
    countries = {p.place.country for p in named if p.place is not None and p.place.country}
    return country_ref(countries.pop() if len(countries) == 1 else None, gaz)


def _as_region(ref: PlaceRef | None, r: Reading, gaz) -> PlaceRef | None:
    """The region a town names in a list of regions, unless the text insists on the town
    ("2 over Moscow itself")."""
    if ref is None or ref.place is None or ref.place.precision != "city":
        return ref
    if _ITSELF.match(r.sentence.text[ref.end:ref.end + 10]):
        return ref
    region = gaz.region_named_by(ref.place, "")
    return PlaceRef(ref.start, ref.end, ref.text, region, ref.role) if region is not None else ref


def _count_refs(r: Reading, c: Count, own: list[PlaceRef], a: int, b: int, taken, ctx):
    """Where a count goes: ``(refs, listed)``. Usually one place; "two each over the Tambov and
    Smolensk regions" gives each region the count; a total over several places goes to their
    country and lists the places (events without figures)."""
    gaz = ctx["gazetteer"]
    named = [p for p in own if not p.country_level] or own
    if c.each and len(named) >= 2:
        return named, []
    if len(named) >= 2 or named and many_regions(r, a, b):
        return [_total_ref(named, gaz)], named
    if named:
        return named, []
    if many_regions(r, a, b):  # "86 drones over six regions"
        return [fallback_place(r, ctx, c)], []
    ref = sentence_place(r, c.start, taken) if c.refers_to is None else None
    if ref is not None:
        group = coordinated(r, ref)
        if len(group) >= 2:  # "attacked Kyiv and Kharkiv with 99 missiles"
            return [_total_ref(group, gaz)], group
        return [ref], []
    return [fallback_place(r, ctx, c)], []


def may_claim(r: Reading) -> bool:
    """Whether a sentence may give claims: figures, or a place struck. The others only carry
    context (:mod:`context` skips looking up their claimant and date)."""
    return bool(r.counts or r.casualties or r.strike and r.places)


def sentence_claims(r: Reading, ctx) -> list[dict]:
    """Claims of one sentence, given its context ``ctx`` (date, claimant, places, weapon): those
    of its weapon counts, then of its casualty counts (which join a weapon count's claim for the
    same place), then of the places it says were struck with no figures. A sentence that
    :func:`may_claim` rejects gives none."""
    claims: list[dict] = []
    by_key: dict[tuple, dict] = {}  # (place key, weapon class, model) -> claim
    listed, absorbed = _count_claims(r, ctx, claims, by_key) if r.counts else ([], ())
    if r.casualties:
        _casualty_claims(r, ctx, claims, by_key)
    if r.strike:
        _struck_claims(r, ctx, claims, listed, absorbed)
    return claims


def _count_claims(r: Reading, ctx, claims: list, by_key: dict) -> tuple[list[PlaceRef], set[str]]:
    """Claims of a sentence's weapon counts, added to ``claims``. Returns the places that a total
    lists (each struck, with no figures of its own) and the towns that stand for their region."""
    listed: list[PlaceRef] = []
    counts = sorted(r.counts, key=_START)
    size = len(r.sentence.text)
    # each count's own stretch: up to the next count that is not part of it ("15 of 18 drones")
    owned, stretches = [], []
    for c in counts:
        nxt = next((o.start for o in counts if o.start > c.end or o.start > c.start and not c.partitive), size)
        stretches.append((c.start, nxt))
        owned.append([p for p in count_places(r, c, nxt) if p.role != "container"])
    taken = {id(p) for ps in owned for p in ps}
    launches = [p for p in r.places if p.role == "launch"]
    placed: dict[int, PlaceRef | None] = {}  # id(count) -> where it went, for "N of them"
    absorbed: set[str] = set()  # towns that stand for their region in a list of regions
    for c, own, (a, b) in zip(counts, owned, stretches):
        if c.cls == "shelling":
            continue
        if c.of_base is not None and not own and id(c.of_base) in placed:
            c.refers_to = {"ref": placed[id(c.of_base)]}  # "fired 19 at Odesa; nine of them downed"
        if c.refers_to is not None and c.refers_to.get("breakdown") and not own:
            continue  # "Thirteen of them were destroyed before midnight": a part of a figure given
        refs, more = _count_refs(r, c, own, a, b, taken, ctx)
        listed += more
        base = placed.get(id(c.ellipsis_of)) if c.ellipsis_of is not None else None
        if base is not None and base.place is not None and base.place.precision == "region":
            # "four in the region of Belgorod, two in Volgograd": the list is of regions
            absorbed.update(ref.key for ref in refs if ref is not None)
            refs = [_as_region(ref, r, ctx["gazetteer"]) for ref in refs]
        for ref in refs:
            placed[id(c)] = ref
            key = (ref.key if ref else None, c.cls or ctx["weapon"], c.model)
            claim = by_key.get(key)
            if claim is None:
                claim = _new_claim(r, ref, c.cls or ctx["weapon"], c.model, ctx,
                                   count_launch(launches, a, b, stretches))
                claim["attacker"] = _attacker(claim, c.attacker_words, r, ctx)
                claims.append(claim)
                by_key[key] = claim
            by_key[key] = _put(claims, claim, c.field, c)
            if c.article:
                claim["_article"] = True
            if c.partial:
                claim["_partial"] = True
    return listed, absorbed


def _casualty_claims(r: Reading, ctx, claims: list, by_key: dict) -> None:
    """Claims of a sentence's casualty counts: each joins the claim of its place when that one
    has no other value for the field, else opens its own."""
    # a running toll is the report's toll: its sentence's casualties go to the report's place
    toll = any(c.toll for c in r.casualties)
    for c in sorted(r.casualties, key=_START):
        w = weapon_near(r, c.start)
        if w is not None and w.cls == "shelling":
            continue
        if w is None and ctx["weapon"] == "shelling":
            continue
        ref = sentence_place(r, c.start) or (report_place(ctx) if toll else None) or fallback_place(r, ctx)
        key = ref.key if ref else None
        # a running toll counts the dead of the report's attack: it takes that attack's date
        day = ctx.get("subject_date") or ctx.get("doc_date")
        here = dict(ctx, date=day) if c.toll and day is not None else ctx
        claim = next((cl for k, cl in by_key.items() if k[0] == key and cl[c.field] in (None, c.value)
                      and not c.toll), None)
        if claim is None:
            cls = w.cls if w else (ctx["weapon"] if ctx["weapon"] != "shelling" else None)
            claim = _new_claim(r, ref, cls, w.model if w else None, here)
            # "more than 60 Ukrainian servicemen were killed": the other side attacked
            victim = None if c.toll else side_of(r.sentence.text[c.start:c.end])
            claim["attacker"] = OTHER_SIDE.get(victim or "") or _attacker(claim, "", r, ctx)
            claims.append(claim)
            by_key[(key, cls, w.model if w else None)] = claim
        _put(claims, claim, c.field, c)


def _struck_claims(r: Reading, ctx, claims: list, listed: list[PlaceRef], absorbed) -> None:
    """Claims without figures for the places a sentence says were struck ("drone attacks on
    Pskov and Moscow on Wednesday") that no claim of the sentence covers yet."""
    struck = listed + [p for p in r.places if p.role == "target" and not p.country_level]
    if not struck:
        return
    weapon = next((w for w in r.weapons if w.cls != "unknown"), None)
    cls, model = (weapon.cls, weapon.model) if weapon else (ctx["weapon"], None)
    if cls == "shelling":
        return
    covered = {cl["_place_key"] for cl in claims}.union(absorbed)
    for p in struck:
        key = p.key
        if key in covered or p.place is not None and p.place.precision == "sea":
            continue  # a sea is a route or a launch area unless figures are given for it
        if p.place is None and not _DISTRICT.search(p.text):
            continue  # an unknown "<X> region" is named, not placed; a district is kept by name
        covered.add(key)
        claim = _new_claim(r, p, cls, model, ctx)
        claim["attacker"] = _attacker(claim, "", r, ctx)
        claim["_bare"] = True
        claims.append(claim)


def consolidate(claims: list[dict]) -> list[dict]:
    """Report-level clean-up.

    - A figure said to be preliminary yields to another figure for the same place and field.
    - "Five missiles hit the city" also says at least five were launched, when the report gives
      no launch count for that weapon (never from an article: "a drone hit" is not a count).
    - A place with no figures is dropped when the report gives figures for it: the figures
      tell of the same strike, often dated more exactly ("Rescuers ended their search in Lviv on
      Friday" then "Ten people were killed when a missile hit the building on Thursday").
    """
    for cl in claims:
        if not cl["_preliminary"]:
            continue
        for f in ("killed", "injured", "intercepted", "launched"):
            if cl[f] is not None and any(o is not cl and not o["_preliminary"] and o[f] is not None
                                         and o["_place_key"] == cl["_place_key"] for o in claims):
                cl[f] = None
    launched = {cl["weapon"] for cl in claims if cl["launched"] is not None}
    for cl in claims:
        if cl["hit"] and cl["launched"] is None and cl["weapon"] not in launched and not cl.get(
                "_article") and not cl.get("_partial") and cl["weapon"] != "unknown":
            cl["launched"] = cl["hit"]
            cl["at_least"] = sorted(set(cl["at_least"]) | {"launched"})
    figures = [figures_of(cl) for cl in claims]
    with_figures = {cl["_place_key"] for cl, values in zip(claims, figures) if values != _NO_FIGURES}
    out, seen = [], set()
    for cl, values in zip(claims, figures):
        empty = values == _NO_FIGURES
        if empty and not cl.get("_bare"):
            continue  # every figure was superseded
        if empty and (cl["_place_key"] in with_figures or cl["_place_key"] is None):
            continue
        sig = (cl["_place_key"], cl["date"]) if empty else (
            cl["_place_key"], cl["date"], cl["weapon"], cl["weapon_model"], cl["claimed_by"], values)
        if sig in seen:
            continue
        seen.add(sig)
        for k in _PRIVATE:
            cl.pop(k, None)
        out.append(cl)
    return out


def is_background(r: Reading, in_section: bool, published, subject=None) -> bool:
    """Whether a sentence recalls an earlier attack: a cue, a background section, or an attack
    date written out well before the attack the report is about ("On 5 December 2022, ...";
    "In May, ...").

    Weekdays and relative words ("on Friday", "overnight") are never stale: the house rule
    resolves them to the latest such day on or before publication, which makes them news.
    ``subject`` is the date of the report's own attack (:func:`subject_date`), which may be a few
    days before publication ("Rescuers finished searching ... three days after a missile tore
    through it on Saturday, 14 January"): its date is news, not history.
    """
    if in_section or r.background_cue:
        return True
    d = r.date
    if d is None or d.kind != "event" or not d.absolute or not d.date or published is None:
        return False
    if d.precision == "month":
        return d.date[:7] != published.isoformat()[:7]
    day = dt.date.fromisoformat(subject.date) if subject is not None else published
    return background.stale(d.date, day, d.inferred)


#: How many days before publication the report's own attack may lie.
SUBJECT_DAYS: Final = 7


def subject_date(readings, published):
    """The date of the attack a report is about: that of its first dated sentence that tells of
    a strike, when it lies within :data:`SUBJECT_DAYS` before publication (a ``DateMention``)."""
    for r in readings:
        d = r.date
        if d is None or d.kind != "event" or not d.date or r.background_cue:
            continue
        if not (r.strike or r.counts or r.casualties):
            continue
        day = dt.date.fromisoformat(d.date)
        if published is not None and 0 <= (published - day).days <= SUBJECT_DAYS:
            return d
        return None
    return None
