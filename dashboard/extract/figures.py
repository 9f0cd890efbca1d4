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
from typing import Final

from .articles import all_of_them, article_counts
from .counts import Count
from .numbers import Number
from .tables import Vocabulary, lower_same_length, rows, vocab_hits
from .weapons import Weapon

VERBS: Final = Vocabulary(rows("figure_verbs.tsv"))
_PEOPLE: Final = r"(?:" + "|".join(r[0] for r in rows("people.tsv")) + r")"
PEOPLE_RE: Final = re.compile(rf"(?<![\w-]){_PEOPLE}(?![\w-])", re.I)
_PEOPLE_LOW: Final = re.compile(rf"(?<![\w-]){_PEOPLE}(?![\w-])")  # on lower-cased text
#: The same nouns as a fast vocabulary, for scanning a whole sentence (lower-cased).
PEOPLE: Final = Vocabulary([(r[0], True) for r in rows("people.tsv")])
_STOP: Final = frozenset(
    "of which were was is are have has had in over on at into from to by and or that who the a an "
    "with for as than per each every been be being said says while but if".split())
_CLAUSE: Final = re.compile(r"[,;:]|\s[—–-]{1,2}\s|\b(?:but|since|because|while|although|though|whereas)\b")
_POST_STOP: Final = re.compile(r"[,;:]|\s[—–-]{1,2}\s|\band\b|\bwhile\b|\bbut\b")
_RELATIVE: Final = re.compile(r"\s*(?:that|which)\b")  # matched at a position
_PARTITIVE: Final = re.compile(r"^\s+(?:out\s+)?of\s+(?:the\s+|these\s+|those\s+)?(?=[\w])")
_OF_WHICH: Final = re.compile(r"^\s+of\s+(?:which|them|these|those)\b")
_ELLIPSIS: Final = re.compile(r"^\s+(?P<each>each\s+)?(?:more\s+)?(?:over|in|within|above|near|across|around|at|on)\s+"
                              r"(?:the\s+)?")
#: "87 of the missiles", "34 of the drones": a part of a set named before (not "of the 23").
_OF_THE: Final = re.compile(r"^\s+(?:out\s+)?of\s+(?:the|these|those|its|their)\s+(?![\d])")
#: A count that is itself a set named before: "21 of the 23 missiles", "out of the 18 missiles".
_DEFINITE: Final = re.compile(r"\b(?:(?:out\s+)?of\s+)?(?:the|these|those)\s+(?:more\s+than\s+|over\s+)?$")
#: "two each over the Tambov and Smolensk regions": the count holds for every place named.
_EACH: Final = re.compile(r"\s+each\b")
#: What may join a count to the one before it so that it shares its verb: "16 drones and 5
#: missiles", "127 missiles of various types and 109 drones", "92 targets: 55 drones, 35
#: missiles", "598 drones, including Shahed attack drones and decoys, and 31 missiles".
_LIST_GAP: Final = re.compile(r"(?:[\s,:]*(?:and\s+|or\s+|as\s+well\s+as\s+)?"
                              r"|\s+of\s+(?:various|different|several|all|many)\s+(?:types|kinds)\s*,?\s*(?:and|or)\s+"
                              r"|\s*,\s+(?:including|among\s+them)\s+[^.;:]{0,60}?,\s*(?:and\s+)?"
                              r"|[^.;:]{0,80}?(?:,\s*and|,|\band)\s+)(?:the\s+)?")
#: A sentence that breaks down a count given before it, with no verb of its own: a list item,
#: a list after a colon, "N <weapon> over <place>", "The missiles were ...", "The salvo included".
_BREAKDOWN: Final = re.compile(r"^\W*[-•*]\s|:\s|\b(?:each\s+)?(?:over|above)\s+(?:the\s+)?(?-i:[A-Z])|"
                               r"^\W*the\s+(?:\w+\s+){0,2}(?:missiles|drones|weapons|salvo|attack|strike|barrage)\s+"
                               r"(?:were|included|comprised|consisted\s+of)\b", re.I)
#: An auxiliary right before a verb: the main verb of a clause ("... were intercepted").
_AUXILIARY: Final = re.compile(r"\b(?:were|was|have\s+been|had\s+been|has\s+been|are|is)\s+(?:\w+ly\s+)?$")
_ANAPHORA: Final = re.compile(
    r"^\s+(?:more\s+|others?\s+|of\s+them\s+)?(?:were|was|have\s+been|had\s+been|has\s+been|are|is|got)\s+"
    r"(?:(?:not|also|reportedly|successfully|then|later)\s+)*[\"“]?")
_NEGATION: Final = re.compile(r"\b(?:not|n't|never|failed\s+to|unable\s+to)\b")
_DISTRIBUTIVE: Final = re.compile(r"\b(?:each|every|per)\s+\w+(?:\s+\w+)?\s+(?:\w+\s+){0,3}$")
_REDUCED_RELATIVE: Final = re.compile(r"\s+(?:\w+ly\s+)?(?:launched|fired|deployed|sent|used|released)\b")
_COORDINATED: Final = re.compile(
    r"\s*,?\s*(?:and|or|as\s+well\s+as)?\s+(?:more\s+than\s+|over\s+|at\s+least\s+|about\s+)?")
_MORE: Final = re.compile(r"^\s+(?:more|other|others|further|additional)\b|\b(?:another|a further|further)\s+$")
_MORE_WORD: Final = re.compile(r"more|other|further|additional")  # in every match of _MORE


def mask_parentheses(text: str) -> str:
    """Blank out parenthesised asides, keeping offsets ("57 drones (and decoys) were downed")."""
    return re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), text)


def verbs_in(text: str, weapons: list[Weapon], hits=None):
    """Return ``[(start, end, field)]`` of the figure verbs of ``text`` outside weapon phrases
    (``hits``: matches of :data:`VERBS` found beforehand, if any)."""
    if hits is None:
        hits = vocab_hits(VERBS, lower_same_length(text))
    if not weapons or not hits:
        return hits
    # "air-launched", "sea-launched" inside a weapon phrase are not verbs; rare, so found first
    # in one comprehension (not a generator per verb)
    inside = [h for h in hits for w in weapons if w.start <= h[0] < w.end]
    return [h for h in hits if h not in inside] if inside else hits


def _filler_ok(gap: str, max_words: int = 4) -> bool:
    """Tell whether ``gap`` (between a number and a noun) holds only adjectives."""
    if gap == " " or not gap:
        return True
    if len(gap) > 60 or _GAP_BREAK.search(gap):
        return False
    words = _GAP_WORD.findall(gap)
    return len(words) <= max_words and not any(w.lower() in _STOP for w in words)


_GAP_BREAK: Final = re.compile(r"[,;:.\d]")
_GAP_WORD: Final = re.compile(r"[\w’'-]+")
_OUT_OF: Final = re.compile(r"\W*out\s+of\s+(?:the\s+)?")
_ALL_BEFORE: Final = re.compile(r"\ball\s+$")


def _head_noun(w: str, end: int, weapons: list[Weapon]) -> int | None:
    """Index of the weapon phrase that a number ending at ``end`` counts: the first after it
    with only adjectives between ("33 Russian drones"), unless a people noun comes first."""
    for k, x in enumerate(weapons):
        if x.start >= end and _filler_ok(w[end:x.start]):
            return None if _PEOPLE_LOW.search(w, end, x.start) else k
    return None


def _partial(w: str, n: Number) -> bool:
    """Whether a count adds to one given before ("three more drones", "12 other drones")."""
    if not _MORE_WORD.search(w, max(0, n.lead - 12), n.end + 12):
        return False  # a quick test: every cue holds one of these words
    return bool(_MORE.search(w[n.end:n.end + 12]) or _MORE.search(w[max(0, n.lead - 12):n.lead]))


def _post_field(w: str, start: int, limit: int, verbs):
    """Field of the verb attached after a noun: passive or intransitive in the same clause."""
    found = [v for v in verbs if start <= v[0] < limit]
    if not found:  # no verb up to the next number: no clause end to look for
        return None, False
    rel = _RELATIVE.match(w, start, limit)
    m = (_CLAUSE if rel else _POST_STOP).search(w, rel.end() if rel else start, limit)
    if m:
        found = [v for v in found if v[0] < m.start()]
        if not found:
            return None, False
    fields = [v[2] for v in found]
    neg = bool(_NEGATION.search(w[start:found[0][0]]))
    return ("lost" if "lost" in fields else fields[0]), neg


def _pre_field(w: str, start: int, floor: int, verbs):
    """Field of the nearest verb before a count in the same clause."""
    found = [v for v in verbs if floor <= v[0] and v[1] <= start]
    if not found:  # no verb before it: no clause start to look for
        return None
    cut = floor
    for m in _CLAUSE.finditer(w, floor, start):
        if m.group() != ":":
            cut = m.end()
    found = [v for v in found if cut <= v[0]]
    if not found:
        return None
    if _DISTRIBUTIVE.search(w[cut:start]):
        return None
    return found[-1][2]


def weapon_counts(text: str, numbers: list[Number], weapons: list[Weapon], context_cls: str | None,
                  verb_hits=None, context: Count | None = None):
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
    context : Count, optional
        The last count of the sentences just before: a sentence with no figure verb that
        breaks it down ("The ministry gave this breakdown: 126 drones over the Kursk region, 91
        over ...", "The missiles were two Kinzhals and nine Iskanders") counts the same way.

    Returns
    -------
    list of Count
        Casualty counts are not read here (see :mod:`people`).
    """
    orig = mask_parentheses(text) if "(" in text else text
    # the rules below read the lower-cased sentence (same offsets): case-blind regexes without
    # IGNORECASE, which would lower-case every character they try
    w = lower_same_length(orig)
    verbs = verbs_in(w, weapons, verb_hits)
    nums = [n for n in numbers if n.kind == "count"]
    if not nums:  # no number: only a weapon named in the singular may be a count
        return _specific(article_counts(w, weapons, verbs, set(), []), weapons)
    counts: list[Count] = []
    used_weapons: set[int] = set()
    total: Count | None = None  # "Out of the 18 missiles ..., 15 were destroyed"
    wholes: dict[int, Count] = {}  # the "16" of "15 out of the 16 drones": launched by convention
    pending: list[Count] = []  # "2 missiles and 50 drones were neutralised": verb comes later
    raw_context = context
    if verbs or context is None or not (context_cls is None or context.cls in (context_cls, None, "unknown")
                                        or context_cls == "unknown") or not _BREAKDOWN.search(orig):
        context = None
    for i, n in enumerate(nums):
        nxt = nums[i + 1].lead if i + 1 < len(nums) else len(w)
        after = w[n.end:n.end + 90]  # every pattern below looks a few words ahead at most
        prev = counts[-1] if counts else None
        floor = prev.end if prev else 0
        head = _head_noun(w, n.end, weapons) if weapons else None
        of_the = _OF_THE.match(after)
        if of_the and i + 1 < len(nums) and nums[i + 1].lead <= n.end + of_the.end():
            of_the = None  # "21 of the 23 missiles": a partitive with its whole
        if head is None and of_the:  # "87 of the missiles", "34 of the drones were downed"
            x = next((x for x in weapons if x.start >= n.end + of_the.end()
                      and _filler_ok(w[n.end + of_the.end():x.start])), None)
            if x is not None and x.start < nxt:
                fld, neg = _post_field(w, x.end, nxt, verbs)
                fld = _pre_field(w, n.lead, floor, verbs) or fld
                if fld is None and prev and _LIST_GAP.fullmatch(w, prev.end, n.lead):
                    fld = prev.field  # "destroyed 43 of the cruise missiles and 13 of the drones"
                if fld:
                    # "launched 126 drones ..., and that 79 of the drones were shot down"
                    base = next((c for c in reversed(counts) if c.cls == x.cls or c.cls in (None, "unknown")), None)
                    counts.append(Count(fld, 0 if neg else n.value, n.at_least, n.start, x.end, x.cls, x.model,
                                        w[max(0, n.start - 1):x.end], partial=_partial(w, n), subset=True,
                                        of_the=base is None, of_base=base))
                continue
        if head is not None and weapons[head].start < nxt:
            x = weapons[head]
            used_weapons.add(head)
            # "of the 23 missiles" (a quick test first: "the", "these", "those")
            definite = w.find("the", max(0, n.lead - 30), n.lead) >= 0 and bool(
                _DEFINITE.search(w, max(0, n.lead - 30), n.lead))
            out_of = bool(_OUT_OF.fullmatch(w, 0, n.lead))  # "Out of the 18 missiles ..."
            fld = None
            adjectival = [v for v in verbs if n.end <= v[0] < x.start]
            if adjectival:
                fld = adjectival[-1][2]  # "Two downed UAVs"
            neg, also = False, None
            if i in wholes:
                fld = "launched"
            if fld is None:
                fld, neg = _post_field(w, x.end, nxt, verbs)
                rel = _REDUCED_RELATIVE.match(w, x.end)
                if fld is not None and rel:
                    # "shot down all 12 drones launched by Russia": the participle describes the
                    # drones; the verb before them is the main one; "ten missiles fired at the
                    # capital were intercepted": the verb after it
                    main = _pre_field(w, n.lead, floor, verbs) or _main_verb(w, rel.end(), nxt, verbs)
                    if main is not None and main != fld:
                        also = fld if fld == "launched" else None
                        fld = main
            if fld is None:
                fld = _pre_field(w, n.lead, floor, verbs)
            if fld is None and prev and _LIST_GAP.fullmatch(w, prev.end, n.lead) and not any(
                    prev.end <= v[0] < n.lead and v[2] != prev.field for v in verbs):
                # "shot down 16 drones and 5 missiles"; "used 127 missiles of various types and
                # 109 drones"; "destroyed 92 targets: 55 drones, 35 missiles"
                fld = (prev.whole_of or prev).field
            if fld is None and out_of:
                fld = "launched"
            if fld is None and context is not None:
                fld = context.field  # "The missiles were two Kinzhals and nine Iskanders"
            c = Count(fld or "", n.value, n.at_least, n.start, x.end, x.cls, x.model,
                      w[max(0, n.start - 1):x.end], partial=_partial(w, n), of_the=definite,
                      whole_value=n.value if definite else None, each=bool(_EACH.match(w, x.end)))
            if i in wholes:
                wholes[i].whole_of = None
                c.whole_of = wholes[i]
                if definite:
                    wholes[i].of_the, wholes[i].whole_value = True, n.value
            if neg and fld != "launched":
                counts.append(Count(fld, 0, False, n.start, x.end, x.cls, x.model, c.attacker_words))
                c.field = "launched"
            if out_of:
                total = c
            if c.field:
                counts.append(c)
            else:
                pending.append(c)
            if also:
                counts.append(Count(also, n.value, n.at_least, n.start, x.end, x.cls, x.model, c.attacker_words))
            if _ALL_BEFORE.search(w, max(0, n.lead - 5), n.start) and c.field == "intercepted" and not also:
                counts.append(Count("launched", n.value, n.at_least, n.start, x.end, x.cls, x.model))
            continue
        m = _PARTITIVE.match(after)
        if m and i + 1 < len(nums) and nums[i + 1].lead <= n.end + m.end() <= nums[i + 1].start:
            whole = nums[i + 1]  # "15 out of the 16 drones", "nine out of 14 drones", "12 of more than 20"
            x = next((x for x in weapons if x.start >= whole.end and _filler_ok(w[whole.end:x.start])), None)
            # "fired ten Kalibr missiles ..., and air defence shot down seven out of the ten"
            same = next((c for c in reversed(counts) if c.value == whole.value), None)
            whole_base = x or same or (
                raw_context if raw_context is not None and raw_context.value == whole.value else None)
            if whole_base is not None:  # "shot down seven out of the ten"
                fld = _pre_field(w, n.lead, floor, verbs) or "intercepted"
                c = Count(fld, n.value, n.at_least, n.start, x.end if x else whole.end, whole_base.cls,
                          whole_base.model, w[max(0, whole.start - 1):x.end] if x else "", partitive=True)
                if x is not None:
                    wholes[i + 1] = c
                elif same is not None:
                    c.of_base = same  # the ten of this sentence
                else:
                    c.of_the, c.whole_value = True, whole.value
                counts.append(c)
            continue
        m = _OF_WHICH.match(after)
        if m and (prev or total or weapons or context_cls):
            # "..., 18 of which were shot down"; "Kinzhal missiles struck; six of them were downed"
            before_w = [x for x in weapons if x.end <= n.start]
            real = prev or total
            base = real or (Count("", 0, False, 0, 0, before_w[-1].cls, before_w[-1].model)
                            if before_w else Count("", 0, False, 0, 0, context_cls))
            fld, neg = _post_field(w, n.end + m.end(), nxt, verbs)
            if fld is None:
                fld = _pre_field(w, n.lead, floor, verbs)  # "shot down 35 of them"
            if fld is None and real is not None and _ELLIPSIS.match(after[m.end():]):
                fld = real.field  # "shot down four drones, two of them over the Volgograd region"
            if fld:
                counts.append(Count(fld, 0 if neg else n.value, n.at_least, n.start, n.end + m.end(),
                                    base.cls, base.model, base.attacker_words, subset=True, of_base=real,
                                    partial=_partial(w, n)))
            continue
        m = _ELLIPSIS.match(after)
        if m and not _PEOPLE_LOW.match(after.lstrip()):
            base = prev
            if base is None:
                vf = _pre_field(w, n.lead, 0, verbs) or ([v[2] for v in verbs if v[1] <= n.start][-1:] or [None])[0]
                wx = [x for x in weapons if x.end <= n.start]
                if vf and wx:
                    base = Count(vf, 0, False, 0, 0, wx[-1].cls, wx[-1].model)
                elif context is not None and not w[:n.lead].strip(" -•*\t"):
                    base = context  # a list item: "- 46 over the Kursk region"
            if base is not None:
                counts.append(Count(base.field, n.value, n.at_least, n.start, n.end + m.end(),
                                    base.cls, base.model, base.attacker_words, partial=_partial(w, n),
                                    subset=base.subset, of_base=base.of_base, of_the=base.of_the,
                                    each=bool(m.group("each")), ellipsis_of=base if base is prev else None))
            continue
        m = _ANAPHORA.match(after)
        if m:
            v = next((v for v in verbs if n.end < v[0] <= n.end + m.end()), None)
            if v is None or _PEOPLE_LOW.match(after.lstrip()):
                continue
            base = total or prev
            cls = base.cls if base else context_cls
            model = base.model if base else None
            neg = bool(_NEGATION.search(m.group(0)))
            counts.append(Count(v[2], 0 if neg else n.value, n.at_least, n.start, n.end + m.end(),
                                cls, model, base.attacker_words if base else "", partial=_partial(w, n)))
            continue
    for c in pending:  # a count joined by "and" to the next one takes its verb
        nxt_c = next((o for o in sorted(counts, key=lambda o: o.start) if o.start >= c.end), None)
        if nxt_c is not None and _COORDINATED.fullmatch(w[c.end:nxt_c.start]) and not any(
                c.end <= v[0] < nxt_c.start for v in verbs):
            c.field = nxt_c.field
            counts.append(c)
    counts += article_counts(w, weapons, verbs, used_weapons, counts)
    counts += all_of_them(w, verbs, counts)
    if total is not None:
        for c in counts:
            if c is not total and c.cls in (None, "unknown"):
                c.cls, c.model = total.cls, total.model
    return _specific([c for c in counts if c.field], weapons)


def _specific(counts: list[Count], weapons: list[Weapon]) -> list[Count]:
    """"3 Iskander-M missiles ...; 2 missiles were downed": plain "missiles" are the one kind named."""
    if not counts:
        return counts
    specific = {(x.cls, x.model) for x in weapons if x.cls in ("cruise_missile", "ballistic_missile")}
    if len(specific) == 1:
        cls, model = specific.pop()
        for c in counts:
            if c.cls == "missile" and c.model is None:
                c.cls, c.model = cls, model
    return counts


def _main_verb(w: str, start: int, limit: int, verbs):
    """Field of the main verb after a reduced relative: "missiles fired at the capital were
    intercepted" -> intercepted."""
    for v in verbs:
        if start <= v[0] < limit and _AUXILIARY.search(w, max(start, v[0] - 25), v[0]):
            return v[2]
    return None
