"""Counts written without a number: one weapon named in the singular ("a Ukrainian drone had
been shot down"), and "all of them" after a count of launched weapons.

Why apart from :mod:`figures`: these rules read an article or "all" as a count, which is
only safe for the fields where reporters use them that way (intercepted and lost, never a
launch count from "struck Kharkiv with a glide bomb").
"""
from __future__ import annotations

import re
from typing import Final

from .counts import Count

_NEGATION: Final = re.compile(r"\b(?:not|n't|never|failed\s+to|unable\s+to)\b")  # lower-cased text
_ALL: Final = re.compile(  # lower-cased text
    r"\ball\s+(?:(?:of\s+)?(?:which|them|these|those|the\s+\w+)\s+)?(?:were|was|have\s+been|had\s+been)\s+")
_ARTICLE: Final = re.compile(  # lower-cased text
    r"(?:\b(?:a|an|one|the|another)\s+(?:[\w’'-]+\s+){0,2}|^\s*|[,.]\s*)$")
_PASSIVE: Final = re.compile(  # lower-cased text
    r"^\s*(?:[\w’'-]+\s+){0,2}?(?:was|has\s+been|had\s+been|is|got)\s+(?:\w+ly\s+)?$")


#: Patterns of the rules below, compiled once (not looked up in re's cache per call).
_DETERMINER_BEFORE: Final = re.compile(r"\b(?:a|an|one|the)\s+(?:[\w’'-]+\s+)?$", re.I)
_ARTICLE_GAP: Final = re.compile(r"\s+(?:a|an|one)\s+(?:[\w’'-]+\s+){0,2}", re.I)


def article_counts(w: str, weapons, verbs, used: set, counts) -> list:
    """One weapon named in the singular and shot down: "a Ukrainian drone had been shot down",
    "intercepted a Russian missile". Only for intercepted and lost: "struck Kharkiv with a glide
    bomb" is not read as a count of bombs launched."""
    out: list[Count] = []
    if not any(v[2] in ("intercepted", "lost") for v in verbs):
        return out  # only a weapon shot down or lost is counted from an article
    for k, x in enumerate(weapons):
        if k in used or x.plural and not x.model or x.cls in ("unknown", "shelling"):
            continue
        if x.plural and x.model and not _DETERMINER_BEFORE.search(w[max(0, x.start - 20):x.start]):
            continue
        if any(c.start <= x.start < c.end for c in counts):
            continue
        after = w[x.end:x.end + 40]
        post = next((v for v in verbs if x.end <= v[0] < x.end + 40 and _PASSIVE.match(w[x.end:v[0]])), None)
        det = _ARTICLE.search(w[max(0, x.start - 40):x.start])
        if post and post[2] in ("intercepted", "lost") and (det or not x.plural):
            neg = bool(_NEGATION.search(w[x.end:post[0]]))
            if neg:
                out.append(Count("launched", 1, False, x.start, x.end, x.cls, x.model, w[max(0, x.start - 12):x.end]))
            out.append(Count(post[2], 0 if neg else 1, False, x.start, x.end, x.cls, x.model,
                             w[max(0, x.start - 12):x.end], article=True))
            continue
        pre = next((v for v in verbs if 0 <= x.start - v[1] <= 30 and v[2] in ("intercepted", "lost")
                    and _ARTICLE_GAP.fullmatch(w[v[1]:x.start])), None)
        if pre and not after.lstrip().lower().startswith(("attack", "strike")):
            out.append(Count(pre[2], 1, False, x.start, x.end, x.cls, x.model,
                             w[max(0, x.start - 12):x.end], article=True))
    return out


def all_of_them(w: str, verbs, counts) -> list:
    """"..., all of which were shot down": the field takes the whole count before it."""
    out: list[Count] = []
    if "all " not in w:
        return out
    for m in _ALL.finditer(w):
        v = next((v for v in verbs if m.start() < v[0] <= m.end()), None)
        base = next((c for c in reversed(counts) if c.end <= m.start() and c.field == "launched"), None)
        if v and base:
            out.append(Count(v[2], base.value, base.at_least, m.start(), m.end(), base.cls,
                             base.model, base.attacker_words))
    return out
