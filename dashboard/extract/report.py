"""The whole report, sentence after sentence: the extractor's entry point, :func:`extract_claims`.

Why a module of its own rather than the package's ``__init__``: this loop runs for every
sentence, and the modules of this package are compiled with mypyc (dashboard/native.py); a
package's ``__init__`` is not.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from . import background
from .assemble import consolidate, is_background, subject_date
from .context import claims_in_context
from .counts import Count
from .reading import Reading, read_sentence, sentence_hits
from .sentences import Sentence, split_sentences
from .tables import lower_same_length

#: A gazetteer mention: ``(start, end, words, place)``, the place a ``gazetteer.Place`` or None.
Mention = tuple[int, int, str, Any]


def _mentions_by_sentence(sentences: list[Sentence], mentions: list[Mention]) -> list[list[Mention]]:
    """Bucket gazetteer mentions ``(start, end, text, place)`` (spans in the whole text) into
    sentences (relative spans)."""
    out: list[list[Mention]] = [[] for _ in sentences]
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
    readings: list[Reading] = []
    context_cls: str | None = None
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
    flags: list[bool] = []
    in_section = False
    subject = subject_date(readings, published)
    for r in readings:
        if background.ends_section(r.sentence.text):
            in_section = False
        if r.background_cue == "section":
            in_section = True
        flags.append(is_background(r, in_section, published, subject))
    return consolidate(claims_in_context(readings, flags, published, gazetteer, subject))
