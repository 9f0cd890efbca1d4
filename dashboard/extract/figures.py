"""Read the counts of weapons in a sentence: launched, intercepted, lost, hit.

Why these rules: a reporter recognises each of them. A count belongs to the weapon noun right
after it ("33 out of 37 Russian drones"); its field comes from the verb that governs it, either
attached after the noun ("18 drones were downed", "34 drones disappeared from radar") or before
it in the same clause ("destroyed 57 drones"). Partitives ("15 out of the 16", "18 of which",
"all of them") and ellipsis ("... four drones over Belgorod, two in Volgograd") reuse the weapon
and verb of the count they lean on. Electronic warfare words make a count ``lost``, never
``intercepted``. Numbers that are not counts (ages, storeys, times, models) never get here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import Number
from .tables import Vocabulary, lower_same_length, rows, vocab_hits
from .weapons import Weapon

VERBS = Vocabulary(rows("figure_verbs.tsv"))
_PEOPLE = r"(?:" + "|".join(r[0] for r in rows("people.tsv")) + r")"
PEOPLE_RE = re.compile(rf"(?<![\w-]){_PEOPLE}(?![\w-])", re.I)
#: The same nouns as a fast vocabulary, for scanning a whole sentence (lower-cased).
PEOPLE = Vocabulary([(r[0], True) for r in rows("people.tsv")])
_STOP = frozenset(
    "of which were was is are have has had in over on at into from to by and or that who the a an "
    "with for as than per each every been be being said says while but if".split())
_CLAUSE = re.compile(r"[,;:]|\s[—–-]{1,2}\s|\b(?:but|since|because|while|although|though|whereas)\b", re.I)
_POST_STOP = re.compile(r"[,;:]|\s[—–-]{1,2}\s|\band\b|\bwhile\b|\bbut\b", re.I)
_RELATIVE = re.compile(r"^\s*(?:that|which)\b", re.I)
_PARTITIVE = re.compile(r"^\s+(?:out\s+)?of\s+(?:the\s+|these\s+|those\s+)?(?=[\w])", re.I)
_OF_WHICH = re.compile(r"^\s+of\s+(?:which|them|these|those)\b", re.I)
_ELLIPSIS = re.compile(r"^\s+(?:more\s+)?(?:over|in|within|above|near|across|around|at|on)\s+(?:the\s+)?", re.I)
_ANAPHORA = re.compile(
    r"^\s+(?:more\s+|others?\s+|of\s+them\s+)?(?:were|was|have\s+been|had\s+been|has\s+been|are|is|got)\s+"
    r"(?:(?:not|also|reportedly|successfully|then|later)\s+)*", re.I)
_NEGATION = re.compile(r"\b(?:not|n't|never|failed\s+to|unable\s+to)\b", re.I)
_DISTRIBUTIVE = re.compile(r"\b(?:each|every|per)\s+\w+(?:\s+\w+)?\s+(?:\w+\s+){0,3}$", re.I)
_ALL = re.compile(r"\ball\s+(?:(?:of\s+)?(?:which|them|these|those|the\s+\w+)\s+)?(?:were|was|have\s+been|had\s+been)\s+", re.I)
_ARTICLE = re.compile(r"(?:\b(?:a|an|one|the|another)\s+(?:[\w’'-]+\s+){0,2}|^\s*|[,.]\s*)$", re.I)
_PASSIVE = re.compile(r"^\s*(?:[\w’'-]+\s+){0,2}?(?:was|has\s+been|had\s+been|is|got)\s+(?:\w+ly\s+)?$", re.I)
_REDUCED_RELATIVE = re.compile(r"\s+(?:\w+ly\s+)?(?:launched|fired|deployed|sent|used|released)\b", re.I)
_COORDINATED = re.compile(r"\s*,?\s*(?:and|or|as\s+well\s+as)?\s+(?:more\s+than\s+|over\s+|at\s+least\s+|about\s+)?", re.I)
_MORE = re.compile(r"^\s+(?:more|other|others|further|additional)\b|\b(?:another|a further|further)\s+$", re.I)


@dataclass
class Count:
    """One figure read from a sentence (offsets relative to the sentence)."""

    field: str
    value: int
    at_least: bool
    start: int
    end: int
    cls: str | None = None
    model: str | None = None
    attacker_words: str = ""
    article: bool = False
    partial: bool = False
    partitive: bool = False  # "15 of 18 drones": shares the place of the whole


def mask_parentheses(text: str) -> str:
    """Blank out parenthesised asides, keeping offsets ("57 drones (and decoys) were downed")."""
    return re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), text)


def verbs_in(text: str, weapons: list[Weapon], hits=None):
    """Return ``[(start, end, field)]`` of the figure verbs of ``text`` outside weapon phrases
    (``hits``: matches of :data:`VERBS` found beforehand, if any)."""
    if hits is None:
        hits = vocab_hits(VERBS, lower_same_length(text))
    # "air-launched", "sea-launched" inside a weapon phrase are not verbs
    return [h for h in hits if not any(w.start <= h[0] < w.end for w in weapons)]


def _filler_ok(gap: str, max_words: int = 4) -> bool:
    """Tell whether ``gap`` (between a number and a noun) holds only adjectives."""
    if re.search(r"[,;:.\d]", gap):
        return False
    words = re.findall(r"[\w’'-]+", gap)
    return len(words) <= max_words and not any(w.lower() in _STOP for w in words)


def _post_field(w: str, start: int, limit: int, verbs):
    """Field of the verb attached after a noun: passive or intransitive in the same clause."""
    stop = limit
    rel = _RELATIVE.match(w[start:limit])
    m = (_CLAUSE if rel else _POST_STOP).search(w, start + (rel.end() if rel else 0), limit)
    if m:
        stop = m.start()
    found = [v for v in verbs if start <= v[0] < stop]
    if not found:
        return None, False
    fields = [v[2] for v in found]
    neg = bool(_NEGATION.search(w[start:found[0][0]]))
    return ("lost" if "lost" in fields else fields[0]), neg


def _pre_field(w: str, start: int, floor: int, verbs):
    """Field of the nearest verb before a count in the same clause."""
    cut = floor
    for m in _CLAUSE.finditer(w, floor, start):
        if m.group() != ":":
            cut = m.end()
    found = [v for v in verbs if cut <= v[0] and v[1] <= start]
    if not found:
        return None
    if _DISTRIBUTIVE.search(w[cut:start]):
        return None
    return found[-1][2]


def weapon_counts(text: str, numbers: list[Number], weapons: list[Weapon], context_cls: str | None,
                  verb_hits=None):
    """Read the weapon counts of one sentence.

    Parameters
    ----------
    text : str
        The sentence.
    numbers : list of Number
        Its numbers (:func:`numbers.find_numbers`); only ``kind == "count"`` are read.
    weapons : list of Weapon
        Its weapon phrases (:func:`weapons.find_weapons`).
    context_cls : str or None
        Weapon class of the previous sentences, for "Nine were intercepted."
    verb_hits : list, optional
        Matches of :data:`VERBS` found beforehand.

    Returns
    -------
    list of Count
        Casualty counts are not read here (see :mod:`people`).
    """
    w = mask_parentheses(text) if "(" in text else text
    verbs = verbs_in(w, weapons, verb_hits)
    counts: list[Count] = []
    nums = [n for n in numbers if n.kind == "count"]
    used_weapons: set[int] = set()
    total: Count | None = None  # "Out of the 18 missiles ..., 15 were destroyed"
    wholes: set[int] = set()  # the "16" of "15 out of the 16 drones": launched by convention
    pending: list[Count] = []  # "2 missiles and 50 drones were neutralised": verb comes later
    for i, n in enumerate(nums):
        nxt = nums[i + 1].lead if i + 1 < len(nums) else len(w)
        after = w[n.end:]
        prev = counts[-1] if counts else None
        floor = prev.end if prev else 0
        head = next((k for k, x in enumerate(weapons) if x.start >= n.end and _filler_ok(w[n.end:x.start])), None)
        if head is not None and PEOPLE_RE.search(w, n.end, weapons[head].start):
            head = None
        partial = bool(_MORE.search(after[:12]) or _MORE.search(w[max(0, n.lead - 12):n.lead]))
        if head is not None and weapons[head].start < nxt:
            x = weapons[head]
            used_weapons.add(head)
            fld = None
            adjectival = [v for v in verbs if n.end <= v[0] < x.start]
            if adjectival:
                fld = adjectival[-1][2]  # "Two downed UAVs"
            neg = False
            if i in wholes:
                fld = "launched"
            if fld is None:
                fld, neg = _post_field(w, x.end, nxt, verbs)
                if fld is not None and _REDUCED_RELATIVE.match(w, x.end):
                    # "shot down all 12 drones launched by Russia": the participle describes the
                    # drones; the verb before them is the main one
                    fld = _pre_field(w, n.lead, floor, verbs) or fld
            if fld is None:
                fld = _pre_field(w, n.lead, floor, verbs)
            if fld is None and prev and re.fullmatch(r"[\s,]*(?:and\s+)?", w[prev.end:n.lead]):
                fld = prev.field  # "shot down 16 drones and 5 missiles"
            if fld is None and re.match(r"^\W*out\s+of\s+(?:the\s+)?$", w[:n.lead], re.I):
                fld = "launched"
            c = Count(fld or "", n.value, n.at_least, n.start, x.end, x.cls, x.model,
                      w[max(0, n.start - 1):x.end], partial=partial)
            if neg and fld != "launched":
                counts.append(Count(fld, 0, False, n.start, x.end, x.cls, x.model, c.attacker_words))
                c.field = "launched"
            if re.match(r"^\W*out\s+of\s+(?:the\s+)?$", w[:n.lead], re.I):
                total = c
            if c.field:
                counts.append(c)
            else:
                pending.append(c)
            if re.search(r"\ball\s+$", w[max(0, n.lead - 5):n.start]) and c.field == "intercepted":
                counts.append(Count("launched", n.value, n.at_least, n.start, x.end, x.cls, x.model))
            continue
        m = _PARTITIVE.match(after)
        if m and i + 1 < len(nums) and nums[i + 1].start == n.end + m.end():
            whole = nums[i + 1]  # "15 out of the 16 drones", "nine out of 14 drones"
            x = next((x for x in weapons if x.start >= whole.end and _filler_ok(w[whole.end:x.start])), None)
            if x is not None:
                wholes.add(i + 1)
                fld = _pre_field(w, n.lead, floor, verbs) or "intercepted"
                counts.append(Count(fld, n.value, n.at_least, n.start, x.end, x.cls, x.model,
                                    w[max(0, whole.start - 1):x.end], partitive=True))
            continue
        if _OF_WHICH.match(after) and (prev or total or weapons or context_cls):
            # "..., 18 of which were shot down"; "Kinzhal missiles struck; six of them were downed"
            before_w = [x for x in weapons if x.end <= n.start]
            base = prev or total or (Count("", 0, False, 0, 0, before_w[-1].cls, before_w[-1].model)
                                     if before_w else Count("", 0, False, 0, 0, context_cls))
            fld, neg = _post_field(w, n.end + _OF_WHICH.match(after).end(), nxt, verbs)
            if fld is None:
                fld = _pre_field(w, n.lead, floor, verbs)  # "shot down 35 of them"
            if fld:
                counts.append(Count(fld, 0 if neg else n.value, n.at_least, n.start, n.end + 9,
                                    base.cls, base.model, base.attacker_words))
            continue
        m = _ELLIPSIS.match(after)
        if m and not PEOPLE_RE.match(after.lstrip()):
            base = prev
            if base is None:
                vf = _pre_field(w, n.lead, 0, verbs) or ([v[2] for v in verbs if v[1] <= n.start][-1:] or [None])[0]
                wx = [x for x in weapons if x.end <= n.start]
                if vf and wx:
                    base = Count(vf, 0, False, 0, 0, wx[-1].cls, wx[-1].model)
            if base is not None:
                counts.append(Count(base.field, n.value, n.at_least, n.start, n.end + m.end(),
                                    base.cls, base.model, base.attacker_words, partial=partial))
            continue
        m = _ANAPHORA.match(after)
        if m:
            v = next((v for v in verbs if n.end < v[0] <= n.end + m.end()), None)
            if v is None or PEOPLE_RE.match(after.lstrip()):
                continue
            base = total or prev
            cls = base.cls if base else context_cls
            model = base.model if base else None
            neg = bool(_NEGATION.search(m.group(0)))
            counts.append(Count(v[2], 0 if neg else n.value, n.at_least, n.start, n.end + m.end(),
                                cls, model, base.attacker_words if base else "", partial=partial))
            continue
    for c in pending:  # a count joined by "and" to the next one takes its verb
        nxt_c = next((o for o in sorted(counts, key=lambda o: o.start) if o.start >= c.end), None)
        if nxt_c is not None and _COORDINATED.fullmatch(w[c.end:nxt_c.start]) and not any(
                c.end <= v[0] < nxt_c.start for v in verbs):
            c.field = nxt_c.field
            counts.append(c)
    counts += _article_counts(w, weapons, verbs, used_weapons, counts)
    counts += _all_of_them(w, verbs, counts)
    if total is not None:
        for c in counts:
            if c is not total and c.cls in (None, "unknown"):
                c.cls, c.model = total.cls, total.model
    # "3 Iskander-M missiles ...; 2 missiles were downed": plain "missiles" are the one kind named
    specific = {(x.cls, x.model) for x in weapons if x.cls in ("cruise_missile", "ballistic_missile")}
    if len(specific) == 1:
        cls, model = specific.pop()
        for c in counts:
            if c.cls == "missile" and c.model is None:
                c.cls, c.model = cls, model
    return [c for c in counts if c.field]


def _article_counts(w: str, weapons, verbs, used: set, counts) -> list[Count]:
    """One weapon named in the singular and shot down: "a Ukrainian drone had been shot down",
    "intercepted a Russian missile". Only for intercepted and lost: "struck Kharkiv with a glide
    bomb" is not read as a count of bombs launched."""
    out = []
    for k, x in enumerate(weapons):
        if k in used or x.plural and not x.model or x.cls in ("unknown", "shelling"):
            continue
        if x.plural and x.model and not re.search(r"\b(?:a|an|one|the)\s+(?:[\w’'-]+\s+)?$", w[max(0, x.start - 20):x.start], re.I):
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
                    and re.fullmatch(r"\s+(?:a|an|one)\s+(?:[\w’'-]+\s+){0,2}", w[v[1]:x.start], re.I)), None)
        if pre and not after.lstrip().lower().startswith(("attack", "strike")):
            out.append(Count(pre[2], 1, False, x.start, x.end, x.cls, x.model,
                             w[max(0, x.start - 12):x.end], article=True))
    return out


def _all_of_them(w: str, verbs, counts) -> list[Count]:
    """"..., all of which were shot down": the field takes the whole count before it."""
    out = []
    for m in _ALL.finditer(w):
        v = next((v for v in verbs if m.start() < v[0] <= m.end()), None)
        base = next((c for c in reversed(counts) if c.end <= m.start() and c.field == "launched"), None)
        if v and base:
            out.append(Count(v[2], base.value, base.at_least, m.start(), m.end(), base.cls,
                             base.model, base.attacker_words))
    return out
