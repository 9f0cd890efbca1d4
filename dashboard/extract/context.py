"""Carry context from sentence to sentence: date, place, weapon and claimant.

Why: a report tells one story over several sentences. "Kyiv faced a heavy overnight attack.
... Air defences destroyed over 20 targets; two people died." The second sentence names no place
and no date, yet its figures belong to Kyiv that night. The rules here are the habits of news
writing: a paragraph keeps its date and place; a claimant named later in the paragraph vouches
for the figures before it; an official named in full once is later named by surname alone.
"""
from __future__ import annotations

import re

from .assemble import FIGURES, country_ref, sentence_claims
from .claimants import Claimant
from .dates import DateMention


def claims_in_context(readings, flags, published, gazetteer) -> list[dict]:
    """Claims of every sentence that is not background, each read with its context.

    Parameters
    ----------
    readings : list of reading.Reading
        The sentences of the report, read alone, in order.
    flags : list of bool
        True for the background sentences (no claims from them).
    published : datetime.date or None
    gazetteer : dashboard.gazetteer.Gazetteer

    Returns
    -------
    list of dict
        Claims before the report-level clean-up (:func:`assemble.consolidate`).
    """
    # report-level defaults
    doc_date = next((r.date for r, bg in zip(readings, flags) if not bg and r.date is not None
                     and r.date.kind == "event" and r.date.date), None)
    if doc_date is None and published is not None:
        doc_date = DateMention(0, 0, published.isoformat(), "day", True, "report")
    source = next((r.claimant for r in readings if r.sentence.text.lstrip().lower().startswith("source")
                   and r.claimant), None)
    doc_place = next((p for r, bg in zip(readings, flags) if not bg for p in r.places
                      if p.role == "target" and not p.country_level and p.place is not None), None)
    if doc_place is not None:
        _districts_of(readings, doc_place)
    ctx = {"gazetteer": gazetteer, "para_place": None, "office": None, "doc_place": doc_place,
           "claimant": None, "weapon": None, "date": None, "launch": None}
    claims, para, para_date, last_claimant, weapon, people = [], -1, None, None, None, {}
    for i, (r, bg) in enumerate(zip(readings, flags)):
        s = r.sentence
        if s.paragraph != para:
            para, para_date, ctx["para_place"] = s.paragraph, None, None
        if r.date is not None and not bg:
            para_date = r.date if r.date.date or published is None else para_date
        claimant = (r.claimant or _by_surname(s.text, people) or _defending_country(r)
                    or _nearby_claimant(readings, i) or source or last_claimant)
        if r.claimant:
            last_claimant = r.claimant
            if " " in r.claimant.name and r.claimant.name[:1].isupper():
                people[r.claimant.name.split()[-1]] = r.claimant
        if r.aerial_weapons or any(w.cls == "shelling" for w in r.weapons):
            classes = {w.cls for w in r.weapons if w.cls != "unknown"}
            weapon = classes.pop() if len(classes) == 1 else weapon if not classes else "unknown"
        offices = [p for p in r.places if p.role == "office"]
        if offices:
            ctx["office"] = offices[0]
        if not bg:
            date = r.date if r.date is not None and (r.date.date or published is None) else para_date or doc_date
            launches = [p for p in r.places if p.role == "launch"]
            ctx.update(claimant=claimant, weapon=weapon, date=date, launch=launches[0] if launches else None)
            new = sentence_claims(r, ctx)
            claims += new
            placed = [c for c in new if c.get("_ref") is not None]
            targets = [p for p in r.places if p.role == "target" and not p.country_level]
            countries = {p.place.country for p in targets if p.place is not None}
            figures = any(c[f] is not None for c in new for f in FIGURES)
            if len(targets) >= 2 and len(countries) == 1 and not figures:
                # "strikes on the Kharkiv, Donetsk and Odesa regions ... Nine were intercepted."
                ctx["para_place"] = country_ref(countries.pop(), gazetteer)
            elif targets:
                ctx["para_place"] = targets[-1]
            elif placed:
                ctx["para_place"] = placed[-1]["_ref"]
    return claims


_SPEECH = re.compile(r"\s+(?:later\s+|also\s+|then\s+)?(?:said|says|reported|wrote|added|noted|stated|"
                     r"confirmed|told|mentioned|revealed|specified|announced|claimed)\b")


_DISTRICT = re.compile(r"\b(?:district|raion|microdistrict|neighbou?rhood)\b", re.I)


def _districts_of(readings, main) -> None:
    """A city district named in a report about another region's city ("the Kyivskyi district"
    in a Kharkiv story) is a district of that city, not the same-named place elsewhere: it
    locates the strike inside the city and gives no event of its own."""
    for r in readings:
        for p in r.places:
            if (p.role == "target" and p.place is not None and _DISTRICT.search(p.text)
                    and p.place.admin1 != main.place.admin1 and p.place.country == main.place.country):
                p.role = "container"


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
