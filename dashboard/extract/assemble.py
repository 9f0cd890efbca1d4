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

from . import background
from .figures import Count
from .places import PlaceRef, town_of
from .reading import Reading, side_of, weapon_near

FIGURES = ("launched", "intercepted", "lost", "hit", "killed", "injured")
COUNTRY_NAMES = {"UA": "Ukraine", "RU": "Russia"}
_TARGETS = ("target", "defender")


def _new_claim(r: Reading, place: PlaceRef | None, cls, model, ctx) -> dict:
    """A claim dict with the sentence's evidence and context, figures empty."""
    s = r.sentence
    claim = {
        "place": None, "place_ref": None, "weapon": cls or "unknown", "weapon_model": model,
        **{f: None for f in FIGURES}, "at_least": [],
        "date": ctx["date"].date if ctx["date"] else None,
        "date_precision": ctx["date"].precision if ctx["date"] else "unknown",
        "date_inferred": bool(ctx["date"].inferred and ctx["date"].date) if ctx["date"] else False,
        "claimed_by": ctx["claimant"].name if ctx["claimant"] else None,
        "attacker": None, "evidence": s.text, "span": [s.start, s.end],
        "_place_key": None, "_sentence": s.start, "_preliminary": r.preliminary,
    }
    if ctx.get("launch") is not None:
        lp = ctx["launch"]
        claim["launch_place"] = lp.place.name if lp.place else lp.text
        if lp.place is not None:
            claim["launch_lat"], claim["launch_lon"] = lp.place.lat, lp.place.lon
    set_place(claim, place, ctx["gazetteer"])
    return claim


def set_place(claim: dict, ref: PlaceRef | None, gazetteer) -> None:
    """Put a place on a claim: the gazetteer's place (a facility at its town) or the words."""
    if ref is None:
        return
    place = town_of(ref.place, gazetteer)
    claim["_ref"] = ref
    claim["place_ref"] = place
    claim["place"] = place.name if place is not None else ref.text
    claim["_place_key"] = place.key if place is not None else ref.key


def country_ref(code: str | None, gazetteer) -> PlaceRef | None:
    """A place reference for a whole country (national totals)."""
    name = COUNTRY_NAMES.get(code or "")
    if not name:
        return None
    return PlaceRef(0, 0, name, gazetteer.lookup(name), "target")


def _count_places(r: Reading, c: Count, nxt: int) -> list[PlaceRef]:
    """Targets named in a count's own stretch of the sentence (from it to the next count)."""
    return [p for p in r.places if p.role in _TARGETS and c.start <= p.start < nxt]


def _sentence_place(r: Reading, pos: int, taken=()) -> PlaceRef | None:
    """The target of the sentence nearest before ``pos``, else the first after it (places that
    other counts of the sentence claim for themselves excepted)."""
    targets = [p for p in r.places if p.role in _TARGETS and id(p) not in taken]
    before = [p for p in targets if p.start <= pos and not p.country_level]
    if before:
        return before[-1]
    after = [p for p in targets if not p.country_level]
    if after:
        return after[0]
    return targets[0] if targets else None


def _fallback_place(r: Reading, ctx) -> PlaceRef | None:
    """Place of a figure whose sentence names no target (see the module docstring)."""
    cl = r.claimant
    if r.anaphor and ctx["para_place"] is not None:
        return ctx["para_place"]  # "... fired at the region", "over the city"
    if cl is not None and cl.national and cl.side:
        return country_ref(cl.side, ctx["gazetteer"])
    if ctx["para_place"] is not None:
        return ctx["para_place"]
    offices = [p for p in r.places if p.role == "office"]
    if offices:
        return offices[0]
    if r.defender:  # "Ukrainian air defence destroyed 47 drones"
        return country_ref(r.defender, ctx["gazetteer"])
    if ctx["office"] is not None:
        return ctx["office"]
    cl = ctx["claimant"]
    if cl is not None and cl.national and cl.side:
        return country_ref(cl.side, ctx["gazetteer"])
    if ctx["doc_place"] is not None:
        return ctx["doc_place"]
    # "Russia's bombers fired 18 missiles overnight": the attacked side's country
    return country_ref({"RU": "UA", "UA": "RU"}.get(r.actor or ""), ctx["gazetteer"])


def _attacker(claim: dict, words: str, r: Reading, ctx) -> str | None:
    """Who attacked: the side named on the weapon, else the side the sentence says acted, else
    the side opposed to the claimant, else the side opposed to the place's country."""
    cl = ctx["claimant"]
    claimant_side = cl.side if cl else None
    side = side_of(words)
    if side == "enemy":
        side = {"UA": "RU", "RU": "UA"}.get(claimant_side or "") or None
    if side in ("RU", "UA"):
        return side
    if r.actor:
        return r.actor
    if claimant_side:
        return "UA" if claimant_side == "RU" else "RU"
    place = claim.get("place_ref")
    country = getattr(place, "country", None)
    return {"UA": "RU", "RU": "UA"}.get(country or "")


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


def sentence_claims(r: Reading, ctx) -> list[dict]:
    """Claims of one sentence, given its context ``ctx`` (date, claimant, places, weapon)."""
    if not (r.counts or r.casualties or r.strike and r.places):
        return []
    gaz = ctx["gazetteer"]
    claims: list[dict] = []
    by_key: dict[tuple, dict] = {}
    listed: list[PlaceRef] = []
    counts = sorted(r.counts, key=lambda c: c.start)
    size = len(r.sentence.text)
    # each count's own stretch: up to the next count that is not part of it ("15 of 18 drones")
    owned = []
    for c in counts:
        nxt = next((o.start for o in counts if o.start > c.end or o.start > c.start and not c.partitive), size)
        owned.append([p for p in _count_places(r, c, nxt) if p.role != "container"])
    taken = {id(p) for ps in owned for p in ps}
    for c, own in zip(counts, owned):
        if c.cls == "shelling":
            continue
        named = [p for p in own if not p.country_level] or own
        if len(named) >= 2:
            listed += named
            countries = {p.place.country for p in named if p.place is not None}
            ref = country_ref(countries.pop() if len(countries) == 1 else None, gaz)
        else:
            ref = named[0] if named else _sentence_place(r, c.start, taken) or _fallback_place(r, ctx)
        key = (ref.key if ref else None, c.cls or ctx["weapon"])
        claim = by_key.get(key)
        if claim is None:
            claim = _new_claim(r, ref, c.cls or ctx["weapon"], c.model, ctx)
            claim["attacker"] = _attacker(claim, c.attacker_words, r, ctx)
            claims.append(claim)
            by_key[key] = claim
        by_key[key] = _put(claims, claim, c.field, c)
        if c.article:
            claim["_article"] = True
        if c.partial:
            claim["_partial"] = True
    for c in sorted(r.casualties, key=lambda c: c.start):
        w = weapon_near(r, c.start)
        if w is not None and w.cls == "shelling":
            continue
        if w is None and ctx["weapon"] == "shelling":
            continue
        ref = _sentence_place(r, c.start) or _fallback_place(r, ctx)
        key = ref.key if ref else None
        claim = next((cl for k, cl in by_key.items() if k[0] == key and cl[c.field] in (None, c.value)), None)
        if claim is None:
            cls = w.cls if w else (ctx["weapon"] if ctx["weapon"] != "shelling" else None)
            claim = _new_claim(r, ref, cls, w.model if w else None, ctx)
            claim["attacker"] = _attacker(claim, "", r, ctx)
            claims.append(claim)
            by_key[(key, cls)] = claim
        _put(claims, claim, c.field, c)
    # places struck with no figures: "drone attacks on Pskov and Moscow on Wednesday"
    if r.strike:
        covered = {cl["_place_key"] for cl in claims}
        sentence_cls = next((w for w in r.weapons if w.cls != "unknown"), None)
        if sentence_cls is None or sentence_cls.cls != "shelling":
            for p in listed + [p for p in r.places if p.role == "target" and not p.country_level]:
                if p.key in covered or p.place is None:
                    continue
                covered.add(p.key)
                cls = sentence_cls.cls if sentence_cls else ctx["weapon"]
                if cls == "shelling":
                    continue
                claim = _new_claim(r, p, cls, sentence_cls.model if sentence_cls else None, ctx)
                claim["attacker"] = _attacker(claim, "", r, ctx)
                claim["_bare"] = True
                claims.append(claim)
    return claims


def consolidate(claims: list[dict]) -> list[dict]:
    """Report-level clean-up.

    - A figure said to be preliminary yields to another figure for the same place and field.
    - "Five missiles hit the city" also says at least five were launched, when the report gives
      no launch count for that weapon (never from an article: "a drone hit" is not a count).
    - A place with no figures is dropped when the report gives figures for it on that date.
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
    with_figures = {(cl["_place_key"], cl["date"]) for cl in claims if any(cl[f] is not None for f in FIGURES)}
    out, seen = [], set()
    for cl in claims:
        empty = all(cl[f] is None for f in FIGURES)
        if empty and not cl.get("_bare"):
            continue  # every figure was superseded
        if empty and ((cl["_place_key"], cl["date"]) in with_figures or cl["_place_key"] is None):
            continue
        sig = (cl["_place_key"], cl["date"]) if empty else (
            cl["_place_key"], cl["date"], cl["weapon"], cl["claimed_by"], tuple(cl[f] for f in FIGURES))
        if sig in seen:
            continue
        seen.add(sig)
        out.append({k: v for k, v in cl.items() if not k.startswith("_")})
    return out


def is_background(r: Reading, in_section: bool, published) -> bool:
    """Whether a sentence recalls an earlier attack: a cue, a background section, or an attack
    date written out well before publication ("On 5 December 2022, ..."; "In May, ...").

    Weekdays and relative words ("on Friday", "overnight") are never stale: the house rule
    resolves them to the latest such day on or before publication, which makes them news.
    """
    if in_section or r.background_cue:
        return True
    d = r.date
    if d is None or d.kind != "event" or not d.absolute or not d.date or published is None:
        return False
    if d.precision == "month":
        return d.date[:7] != published.isoformat()[:7]
    return background.stale(d.date, published, d.inferred)

