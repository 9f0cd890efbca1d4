"""Report text -> claims: places (with roles), weapons, figures, dates, claimant, background.

Entry point: :func:`extract_claims`. Each claim is one place, one weapon class and one claimant
in one sentence, with that sentence as evidence (``text[span[0]:span[1]] == evidence``). The
vocabularies are the TSV files beside this package; the rules are in the small modules:
``sentences`` (spans), ``numbers`` (what is a count), ``weapons``, ``figures`` (weapon counts),
``people`` (casualties), ``dates``, ``claimants``, ``places`` (roles), ``background``,
``reading`` (one sentence alone), ``context`` (what carries from sentence to sentence) and
``assemble`` (claims of a sentence; report-level clean-up).
"""
from __future__ import annotations

import datetime as dt

from . import background
from .assemble import consolidate, is_background, subject_date
from .context import claims_in_context
from .counts import Count
from .reading import read_sentence, sentence_hits
from .tables import lower_same_length
from .sentences import split_sentences

__all__ = ["extract_claims"]


def _mentions_by_sentence(sentences, mentions):
    """Bucket gazetteer mentions ``(start, end, text, place)`` (spans in the whole text) into
    sentences (relative spans)."""
    out = [[] for _ in sentences]
    k = 0
    for start, end, words, place in mentions:
        while k < len(sentences) and sentences[k].end <= start:
            k += 1
        if k < len(sentences) and sentences[k].start <= start and end <= sentences[k].end:
            s = sentences[k]
            out[k].append((start - s.start, end - s.start, words, place))
    return out


def extract_claims(text: str, published: dt.date | None, gazetteer) -> list[dict]:
    """Extract the claims of a report.

    Parameters
    ----------
    text : str
        Report body (plain text; may be hard-wrapped).
    published : datetime.date or None
        Publication date; relative dates ("overnight", "on Wednesday") stay None without it.
    gazetteer : dashboard.gazetteer.Gazetteer
        Finds place mentions; this package decides their roles.

    Returns
    -------
    list of dict
        Keys: place, place_ref, weapon, weapon_model, launched, intercepted, lost, hit, killed,
        injured, at_least, date, date_precision, date_inferred, claimed_by, attacker, evidence,
        span (and launch_place/launch_lat/launch_lon where the sentence names a launch site).
    """
    if isinstance(published, dt.datetime):
        published = published.date()
    sentences = split_sentences(text)
    if not sentences:
        return []
    buckets = _mentions_by_sentence(sentences, gazetteer.mention_spans(text))
    shares = sentence_hits(lower_same_length(text), sentences)
    readings, context_cls = [], None
    last: tuple[Count | None, int] = (None, -9)  # the latest count, and its sentence
    for k, (s, ms, hits) in enumerate(zip(sentences, buckets, shares)):
        # a breakdown with no verb counts like the count of the sentence or two before it
        context_count = last[0] if k - last[1] <= 2 else None
        r = read_sentence(s, ms, published, context_cls, hits, context_count)
        classes = {w.cls for w in r.aerial_weapons}
        if classes:
            context_cls = classes.pop() if len(classes) == 1 else "unknown"
        if r.counts:
            last = (max(r.counts, key=lambda c: c.start), k)
        readings.append(r)
    # background: sections and cues
    flags, in_section = [], False
    subject = subject_date(readings, published)
    for r in readings:
        if background.ends_section(r.sentence.text):
            in_section = False
        if r.background_cue == "section":
            in_section = True
        flags.append(is_background(r, in_section, published, subject))
    return consolidate(claims_in_context(readings, flags, published, gazetteer, subject))
