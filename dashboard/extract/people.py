"""Read casualty counts: killed and injured people.

Why a module of its own: people are counted with articles and conjunctions as often as with
digits ("killing a 14-year-old and three others" is four dead; "A man and woman died" is two;
"killed a woman" is one), while "including three children" only details a count already given.
"""
from __future__ import annotations

import re
from typing import Final

from .figures import PEOPLE, PEOPLE_RE, Count, mask_parentheses
from .numbers import Number
from .tables import grouped, lower_same_length, rows, vocab_hits

_ROWS: Final = rows("casualty_words.tsv")
AFTER_RE, AFTER_FIELD = grouped([(p, f) for p, f, where in _ROWS if where in ("after", "both")])
BEFORE_RE, BEFORE_FIELD = grouped([(p, f) for p, f, where in _ROWS if where in ("before", "both")],
                                  wrap=r"\b(?:{})\s+$")
#: The rules below read the lower-cased sentence (same offsets): the case-blind regexes are
#: compiled without IGNORECASE, which lower-cases every character it tries (about three times
#: slower). The table's patterns are lower case. Caveat: IGNORECASE also folds a few letters
#: that ``str.lower`` keeps ("ſ" matches "s"); no report writes them in these words.
_AFTER_LOW: Final = re.compile(AFTER_RE.pattern)
_BEFORE_LOW: Final = re.compile(BEFORE_RE.pattern)
_A_AN: Final = re.compile(r"\b(?:a|an|A|An)\b")
_ADJ: Final = r"(?:[\w’'-]+\s+){0,3}?"
_AUX: Final = re.compile(
    r"^\s*(?:,?\s*(?:[—–]|--)[^—–]*(?:[—–]|--)\s*)?(?:\w+ly\s+)?(?:were|was|have\s+been|has\s+been|had\s+been|"
    r"are|is|being|got|reportedly)?\s*(?:\w+ly\s+)?(?:also\s+)?")  # lower-cased
#: What may stand between people and the verb that counts them: an aside in dashes, an "of"
#: phrase ("Three employees of a food warehouse were killed"), auxiliaries and adverbs.
_GAP: Final = re.compile(
    r"\s*(?:(?:[—–]|--)[^—–]*(?:[—–]|--)\s*)?(?:,\s*(?:including|among\s+them)\b[^,;.]*,\s*)?"
    r"(?:of\s+(?:a|an|the)\s+(?:[\w’'-]+\s+){1,3})?"
    r"(?:(?:\w+ly|were|was|have|has|had|been|are|is|being|got|also|later|then|reportedly|confirmed|"
    r"reported|found|declared|pronounced)\s+)*")  # lower-cased
_SUBSET: Final = re.compile(  # lower-cased
    r"\b(?:including|among\s+them|among\s+whom|of\s+whom|incl\.)\s+(?:\w+\s+){0,2}$")


_NP: Final = re.compile(rf"\s*{_ADJ}(?:{PEOPLE_RE.pattern})")  # lower-cased
_NP_MORE: Final = re.compile(rf"\s+{PEOPLE_RE.pattern}")  # lower-cased
_AND: Final = re.compile(r"\s+and\s+(?:(?P<det>a|an|\w+)\s+)?")  # lower-cased


#: Patterns of the rules below, compiled once (not looked up in re's cache per call).
_PUNCT: Final = re.compile(r"[,;.]")
_OF_OUT: Final = re.compile(r"\s*(?:of|out)\b")
_LIST_END: Final = re.compile(r"\s*(?:[,.;]|and\b|$)")
_OF_BEFORE: Final = re.compile(r"\bof\s+$")
_LEAVING: Final = re.compile(r"\bleaving\s+$")  # lower-cased
_LEFT_HOW: Final = re.compile(r"\s+(dead|injured|wounded|hurt)\b")


def _np_end(low: str, start: int) -> int | None:
    """End of a people noun phrase that starts at ``start`` (after its determiner), or None
    (``low``: the lower-cased sentence)."""
    m = _NP.match(low, start)
    if not m or _PUNCT.search(m.group(0)):
        return None
    end = m.end()
    more = _NP_MORE.match(low, end)  # "70-year-old man"
    return more.end() if more else end


def _determiners(w: str, numbers: list[Number], people_hits=None):
    """Yield ``(lead, start, end, value, at_least, article)`` for each count or article."""
    for n in numbers:
        if n.kind == "count":
            yield n.lead, n.start, n.end, n.value, n.at_least, False
    if people_hits is None:
        people_hits = vocab_hits(PEOPLE, lower_same_length(w))
    nouns = [h[0] for h in people_hits]
    if not nouns:
        return
    # an article counts where a noun follows within 45 characters: look only from the first noun's reach
    for m in _A_AN.finditer(w, max(0, nouns[0] - 47), nouns[-1]):
        if any(0 < k - m.end() <= 45 for k in nouns):
            yield m.start(), m.start(), m.end(), 1, False, True


def casualty_counts(text: str, numbers: list[Number], people_hits=None) -> list[Count]:
    """Read the killed and injured counts of one sentence.

    Parameters
    ----------
    text : str
        The sentence.
    numbers : list of Number
        Its numbers.
    people_hits : list, optional
        Matches of the people nouns found beforehand.

    Returns
    -------
    list of Count
        Fields ``killed`` and ``injured``; conjoined people are summed; details after
        "including" are skipped.

    Examples
    --------
    >>> [(c.field, c.value) for c in casualty_counts("A man and woman died.", [])]
    [('killed', 2)]
    """
    w = mask_parentheses(text) if "(" in text else text
    low = lower_same_length(w)  # for the case-blind rules; "A"/"An" and "of" are read on ``w``
    phrases: list[tuple] = []  # (lead, end, value, at_least, article)
    for lead, s, e, value, at_least, article in sorted(_determiners(w, numbers, people_hits)):
        if any(p[0] <= s < p[1] for p in phrases):
            continue
        end = _np_end(low, e)
        if end is None:
            after_num = w[e:e + 40]
            bare = _AFTER_LOW.match(_AUX.sub("", low[e:e + 40], count=1)) if not article else None
            if bare and not _OF_OUT.match(after_num):
                end = e  # "3 killed", "13 were injured", "two deaths"
            elif not article and _BEFORE_LOW.search(low[max(0, lead - 40):lead]) and _LIST_END.match(after_num):
                end = e  # "killing 6 people and injuring 14"
            else:
                continue
        if _SUBSET.search(low[max(0, lead - 30):lead]) or _OF_BEFORE.search(w[max(0, lead - 4):lead]):
            continue  # "including three children"; "the daughter of a policeman"
        total, stop = value, end
        # "a 14-year-old and three others", "A man and woman", "a man and a woman"
        while True:
            m = _AND.match(low, stop)
            if not m:
                break
            det = m.group("det")
            sub = next((n for n in numbers if n.start == m.start("det") and n.kind == "count"), None) if det else None
            start2 = m.end() if (det and (sub or det.lower() in ("a", "an"))) else m.start("det") if det else m.end()
            end2 = _np_end(low, start2)
            if end2 is None or not sub and (
                    _BEFORE_LOW.search(low[start2:end2] + " ") or _AFTER_LOW.search(low[start2:end2])
                    or any(start2 <= n.start < end2 and n.kind == "count" for n in numbers)):
                break
            total += sub.value if sub else 1
            stop = end2
        phrases.append((lead, stop, total, at_least, article))
    out = []
    for lead, end, value, at_least, article in phrases:
        rest = low[end:end + 100]
        fld = None
        for m in _AFTER_LOW.finditer(rest):
            if _GAP.fullmatch(rest[:m.start()]):
                fld = AFTER_FIELD[m.lastgroup]
            break
        if fld is None:
            b = _BEFORE_LOW.search(low[max(0, lead - 40):lead])
            if b:
                fld = BEFORE_FIELD[b.lastgroup]
        if fld is None:
            b = _LEAVING.search(low[max(0, lead - 12):lead])
            m2 = _LEFT_HOW.match(w, end, end + 100) if b else None
            if m2:
                fld = "killed" if m2.group(1).lower() == "dead" else "injured"
        if fld:
            out.append(Count(fld, value, at_least, lead, end, article=article))
    return out

