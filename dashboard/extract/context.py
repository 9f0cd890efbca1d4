"""Carry context from sentence to sentence: date, place, weapon and claimant.

Why: a report tells one story over several sentences. "Kyiv faced a heavy overnight attack.
... Air defences destroyed over 20 targets; two people died." The second sentence names no place
and no date, yet its figures belong to Kyiv that night. The rules here are the habits of news
writing: a paragraph keeps its date and place; a claimant named later in the paragraph vouches
for the figures before it; an official named in full once is later named by surname alone.
"""
from __future__ import annotations

import re
from typing import Final

from .assemble import WEAPON_FIGURES, has_figures, may_claim, sentence_claims, weapon_figures_of
from .links import link_counts
from .placing import country_ref, is_fallback
from .claimants import Claimant
from .dates import DateMention


def claims_in_context(readings, flags, published, gazetteer, subject=None) -> list[dict]:
    """Claims of every sentence that is not background, each read with its context.

    Parameters
    ----------
    readings : list of reading.Reading
        The sentences of the report, read alone, in order.
    flags : list of bool
        True for the background sentences (no claims from them).
    published : datetime.date or None
    gazetteer : dashboard.gazetteer.Gazetteer
    subject : dates.DateMention, optional
        Date of the attack the report is about (running tolls take it).

    Returns
    -------
    list of dict
        Claims before the report-level clean-up (:func:`assemble.consolidate`).
    """
    # report-level defaults
    doc_date = next((r.date for r, bg in zip(readings, flags) if not bg and r.date is not None
                     and r.date.kind == "event" and r.date.date), None)
    if subject is not None:
        doc_date = subject  # the first dated sentence that tells of the attack, not of the rescue
    if doc_date is None and published is not None:
        doc_date = DateMention(0, 0, published.isoformat(), "day", True, "report")
    source = next((r.claimant for r in readings if r.claimant
                   and r.sentence.text.lstrip()[:6].lower() == "source"), None)
    doc_first = next((p for r, bg in zip(readings, flags) if not bg for p in r.places
                      if p.role == "target" and is_fallback(p)), None)
    ctx = {"gazetteer": gazetteer, "para_place": None, "office": None, "doc_place": None, "doc_first": doc_first,
           "last_place": None, "last_ref": None, "earlier": [], "history": [],
           "claimant": None, "weapon": None, "date": None, "launch": None, "doc_date": doc_date,
           "subject_date": subject}
    claims, para, para_date, last_claimant, weapon, people = [], -1, None, None, None, {}
    for i, (r, bg) in enumerate(zip(readings, flags)):
        s = r.sentence
        if s.paragraph != para:
            para, para_date, ctx["para_place"] = s.paragraph, None, None
        if r.date is not None and not bg:
            para_date = r.date if r.date.date or published is None else para_date
        if r.claimant:
            last_claimant = r.claimant
            if " " in r.claimant.name and r.claimant.name[:1].isupper():
                people[r.claimant.name.split()[-1]] = r.claimant
        classes = {w.cls for w in r.weapons if w.cls != "unknown"} if r.weapons else None
        if classes:  # an aerial weapon or shelling: the paragraph's weapon from here on
            weapon = classes.pop() if len(classes) == 1 else "unknown"
        if r.places:
            offices = [p for p in r.places if p.role == "office"]
            if offices:
                ctx["office"] = offices[0]
            if not bg:
                _districts_to_city(r, ctx)
        if bg:
            continue
        new = []
        if may_claim(r):  # the claimant, date and launch site of a sentence that gives claims
            claimant = (r.claimant or _by_surname(s.text, people) or _defending_country(r)
                        or _nearby_claimant(readings, i) or source or last_claimant)
            date = r.date if r.date is not None and (r.date.date or published is None) else para_date or doc_date
            if date is not None and date.kind == "report":
                # "..., the prosecutor's office said on Monday": the day it was said, not the
                # day of the attack the report is about
                date = next((d for d in (para_date, subject) if d is not None and d.kind == "event"), date)
            launches = [p for p in r.places if p.role == "launch"]
            ctx["claimant"], ctx["weapon"], ctx["date"] = claimant, weapon, date
            ctx["launch"] = launches[0] if launches else None
            if r.counts:
                link_counts(r, ctx["history"])
            new = sentence_claims(r, ctx)
            claims += new
        _remember(r, new, ctx)
    return claims


def _remember(r, new: list[dict], ctx) -> None:
    """Carry what a sentence established to the next ones: the paragraph's place, the report's
    first and latest places, the attacking side, and the figures given (for "of them")."""
    targets = [p for p in r.places if p.role == "target" and is_fallback(p)]
    local = [p for p in targets if not p.country_level] if targets else targets
    if targets and ctx["doc_place"] is None:
        ctx["doc_place"] = targets[0]
    if local:
        ctx["last_place"] = local[-1]
        countries = {p.place.country for p in local}
        if len(local) >= 2 and len(countries) == 1 and not any(map(has_figures, new)):
            # "strikes on the Kharkiv, Donetsk and Odesa regions ... Nine were intercepted."
            ctx["para_place"] = country_ref(countries.pop(), ctx["gazetteer"])
        else:
            ctx["para_place"] = local[-1]
    else:
        placed = [c["_ref"] for c in new if is_fallback(c.get("_ref"))]
        if placed:
            ctx["para_place"] = placed[-1]
    ctx["earlier"].append(r)  # its attacker is the report's when no earlier one names one
    for c in new:
        if weapon_figures_of(c) == _NO_WEAPON_FIGURES:
            continue  # a place struck, or casualties
        for f in WEAPON_FIGURES:  # what "of them", "of the missiles" may refer to
            if c[f] is not None:
                ctx["history"].append({"cls": c["weapon"], "model": c["weapon_model"], "field": f,
                                       "value": c[f], "ref": c.get("_ref")})
                if is_fallback(c.get("_ref")):
                    ctx["last_ref"] = c["_ref"]


_NO_WEAPON_FIGURES: Final = (None,) * len(WEAPON_FIGURES)
_SPEECH: Final = re.compile(r"\s+(?:later\s+|also\s+|then\s+)?(?:said|says|reported|wrote|added|noted|stated|"
                            r"confirmed|told|mentioned|revealed|specified|announced|claimed)\b")


_DISTRICT: Final = re.compile(r"\b(?:district|raion|rayon|microdistrict|neighbou?rhood)s?\b", re.I)


def _city_context(ctx):
    """The city the report is in at this point: the paragraph's place, else the latest, else
    the first (a region that is a city, such as Kyiv city, counts)."""
    for ref in (ctx["para_place"], ctx["last_place"], ctx["doc_place"]):
        if is_fallback(ref) and (ref.place.precision == "city" or ref.place.name.endswith(" city")):
            return ref
    return None


def _districts_to_city(r, ctx) -> None:
    """A city district that the gazetteer could not place ("the Solomianskyi district": no city
    named with it) is a district of the city the report is in: it locates the strike there."""
    own = None
    for p in r.places:
        if p.place is None and p.role == "target" and _DISTRICT.search(p.text):
            if own is None:  # the sentence's cities, before any district is placed in one
                own = [p for p in r.places if p.role == "target" and p.place is not None
                       and p.place.precision == "city"]
            # "In Kyiv, a fire in the Solomianskyi district": the city of the sentence first
            city = own[-1] if own else _city_context(ctx)
            if city is not None:
                p.place = city.place


def _defending_country(r):
    """"Ukraine intercepted 28 missiles": the country that shot down speaks for itself."""
    for p in r.places:
        if p.role == "defender" and p.place is not None and p.place.country:
            return Claimant(p.place.name, p.place.country, True, p.start)
    return None


def _by_surname(text: str, people: dict):
    """An official named in full earlier and now by surname only ("Terekhov reported ...")."""
    for surname, claimant in people.items():
        k = text.find(surname)
        if k >= 0 and (_SPEECH.match(text, k + len(surname)) or text[max(0, k - 13):k].lower() == "according to "):
            return claimant
    return None


def _nearby_claimant(readings, i: int):
    """A claimant named in the next two sentences of the same paragraph, else the previous one."""
    para = readings[i].sentence.paragraph
    for j in (i + 1, i + 2, i - 1):
        if 0 <= j < len(readings) and readings[j].sentence.paragraph == para and readings[j].claimant:
            return readings[j].claimant
    return None
