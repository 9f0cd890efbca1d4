"""The gazetteer's text scanner: place names in report text, as ``Mention`` spans.

One pass over the words with dictionary look-ups of word n-grams (longest first), not a regex of
40,000 names: a 2 KB report takes well under a millisecond. Then two small passes: lists of
regions ("the Kharkiv and Sumy oblasts") and words before a name ("the airport in Pskov").
Use it through ``Gazetteer.find_mentions``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import TYPE_CHECKING, Final

from dashboard.names import folded_words, joinable

if TYPE_CHECKING:
    from dashboard.gazetteer import Gazetteer, Place

#: Longest name, in words, that the scanner tries ("Republic of North Ossetia Alania").
MAX_NAME_WORDS: Final = 6
#: What may stand between the items of a list of regions: "Kharkiv, Sumy and Poltava oblasts".
_LIST_GAP: Final = re.compile(r"(?:[\s,]|\band\b|\bor\b|&)*", re.IGNORECASE)
#: "Kharkiv's Kyivskyi district" and "the Kyivskyi district of Kharkiv": a district's city.
_POSSESSIVE_GAP: Final = re.compile(r"['’]s\s+(?:central\s+|northern\s+|southern\s+|eastern\s+|western\s+)?")
_OF_GAP: Final = re.compile(r"\s+(?:of|in)\s+(?:the\s+)?(?:city\s+of\s+)?", re.IGNORECASE)
#: A town smaller than this, with a surname's ending, before "said" is taken for a person.
SMALL_TOWN: Final = 100_000


#: A character that may be upper case: the test of :func:`_openers` before ``str.isupper``.
_MAY_BE_UPPER: Final = re.compile(r"[A-Z\x80-\U0010ffff]")  # one set, not two branches: a fast scan


def _openers(text: str, starts: list[int], words: list[str], leads: frozenset[str]) -> list[int]:
    """Indices of the words that may open a name, in order: the capitalised ones and the lead
    words ("southern Kherson").

    Why: most words of a report are neither; their first letters are gathered into one string
    and searched with a regex instead of testing each word in a Python loop.
    """
    if not starts:
        return []
    firsts = "".join(itemgetter(*starts)(text)) if len(starts) > 1 else text[starts[0]]
    out = [m.start() for m in _MAY_BE_UPPER.finditer(firsts) if m.group().isupper()]
    if not leads.isdisjoint(words):
        out = sorted(set(out).union(i for i, w in enumerate(words) if w in leads))
    return out


@dataclass(slots=True, init=False)  # __init__ written out: mypyc compiles it, not the generated one
class _Words:
    """The words of one text as the scanner reads them (see :func:`dashboard.names.folded_words`)."""

    text: str
    words: list[str]  # folded
    gaps: list[str]  # gaps[k] stands before words[k]
    starts: list[int]
    ends: list[int]
    #: How many words from each on may form one name; 0: not yet known.
    run: list[int]

    def __init__(self, text: str, words: list[str], gaps: list[str], starts: list[int], ends: list[int],
                 run: list[int]) -> None:
        self.text, self.words, self.gaps, self.starts, self.ends, self.run = text, words, gaps, starts, ends, run

    def joined(self, k: int) -> bool:
        """Whether words ``k`` and ``k + 1`` may belong to one name."""
        return joinable(self.gaps[k + 1], self.words[k])

    def capitalised(self, k: int) -> bool:
        return self.text[self.starts[k]].isupper()


@dataclass(slots=True, init=False)  # __init__ written out: mypyc compiles it, not the generated one
class _Match:
    """A mention under construction: a token range and what it names."""

    first: int
    stop: int
    place: Place | None
    plural_region: bool = False
    district: bool = False  # a city district: placed by the city named with it, else unknown

    def __init__(self, first: int, stop: int, place: Place | None, plural_region: bool = False,
                 district: bool = False) -> None:
        self.first, self.stop, self.place = first, stop, place
        self.plural_region, self.district = plural_region, district


class MentionScanner:
    """Finds mentions for one gazetteer; stateless between texts."""

    def __init__(self, gazetteer: Gazetteer):
        self.gaz = gazetteer
        self.vocab = gazetteer.vocabulary
        #: Region words, singular and plural: "the regions of Belgorod and Kursk".
        self.any_region_words = self.vocab.region_words | self.vocab.plural_region_words

    def scan(self, text: str) -> list[tuple[int, int, str, Place | None]]:
        """Place names in ``text``: non-overlapping, longest match first, in text order, as
        ``(start, end, words, place)`` (the fields of a ``Mention``)."""
        words, gaps, starts, ends = folded_words(text)  # spans of the lower-cased text: the same as the text's
        ws = _Words(text, words, gaps, starts, ends, [0] * len(words))
        matches: list[_Match] = []
        dead = self.gaz.dead_words
        stop = 0
        for i in _openers(text, starts, words, self.vocab.leads):
            if i < stop or words[i] in dead:
                continue
            found = self._match_at(ws, i)
            if found is not None:
                matches.append(found)
                stop = found.stop
        if matches:
            self._spread_region_lists(ws, matches)
            self._widen(ws, matches)
            if any(m.district for m in matches):
                self._district_cities(ws, matches)
        return [(starts[m.first], ends[m.stop - 1], text[starts[m.first]:ends[m.stop - 1]], m.place)
                for m in matches]

    @staticmethod
    def _run(ws: _Words, i: int, need: int) -> int:
        """How many words from ``i`` on may belong to one name (at most ``need``), computed only
        as far as asked: most words of a report open no name, so their gaps are never looked at."""
        run, gaps = ws.run, ws.gaps
        known = run[i]
        if known >= need or known and i + known < len(run) and not ws.joined(i + known - 1):
            return known
        k = i + (known or 1) - 1
        last = min(len(run) - 1, i + need - 1)
        while k < last and (gaps[k + 1] == " " or ws.joined(k)):  # most gaps are one space
            k += 1
        run[i] = k - i + 1
        return run[i]

    def _match_at(self, ws: _Words, i: int) -> _Match | None:
        """The longest name starting at word ``i``, with a region or facility word after it."""
        vocab, gaz, words = self.vocab, self.gaz, ws.words
        mention_index = gaz._mention_index
        capitalised = ws.capitalised(i)
        longest = gaz.name_lengths.get(words[i], 0)
        if longest > 1:  # the next word tells whether a longer name may open here
            pair = (words[i], words[i + 1]) if i + 1 < len(words) else ("", "")
            longest = gaz.pair_lengths.get(pair) or (1 if words[i] in gaz.one_word_names else 0)
        if not longest:
            return self._unknown_region(ws, i) if capitalised else None
        # one more word for a region word after the name ("Kursk Oblast")
        if longest > MAX_NAME_WORDS:
            longest = MAX_NAME_WORDS
        span = self._run(ws, i, longest + 1)
        for size in range(min(span, longest), 0, -1):
            key = " ".join(words[i:i + size]) if size > 1 else words[i]
            after = i + size
            linked = size < span  # the next word may still belong to this name
            nxt = words[after] if linked else ""
            region_word = nxt in vocab.region_words
            plural = nxt in vocab.plural_region_words
            place = mention_index.get(key)
            if size == 1 and (key in vocab.stopwords or not capitalised or (
                    place is not None and self._person(ws, i, place))):
                place = None
            if place is not None and nxt in vocab.not_after:
                return None  # "Black Sea Fleet", "the Dnipro river": not the place
            if place is not None and place.key in gaz.sections:
                # "the Kyivskyi district": a city's district, not the namesake town elsewhere
                more = nxt in vocab.district_words or nxt in vocab.plural_district_words
                return _Match(i, after + more, None, district=True)
            if capitalised and (region_word or plural):
                region = gaz.region_named_by(place, key)
                if region is not None or place is not None:
                    return _Match(i, after + 1, region or place, plural)
            if place is None:
                continue
            found = vocab.facility_at(words, after) if nxt in vocab.facility_starts else None
            if found and place.precision in ("city", "facility") and found[1] <= self._run(
                    ws, i, size + vocab.max_facility_words) - size:
                return _Match(i, after + found[1], gaz.facility(place, found[0]))
            return _Match(i, after, place)
        return self._unknown_region(ws, i) if capitalised else None

    def _unknown_region(self, ws: _Words, i: int) -> _Match | None:
        """A capitalised "<X> region" or "<X> district" whose X is not known: a mention without
        a place (a district may still get its city from the words around it)."""
        vocab, words = self.vocab, ws.words
        if words[i] in vocab.stopwords or vocab.area_words.isdisjoint(words[i + 1:i + 4]):
            return None
        self._run(ws, i, 4)
        for size in range(1, min(ws.run[i] - 1, 3) + 1):
            if not ws.capitalised(i + size - 1):
                return None
            after = words[i + size]
            if after in vocab.region_words or after in vocab.plural_region_words:
                return _Match(i, i + size + 1, None, after in vocab.plural_region_words)
            if after in vocab.district_words or after in vocab.plural_district_words:
                return _Match(i, i + size + 1, None, district=True)
        return None

    def _person(self, ws: _Words, i: int, place: Place) -> bool:
        """Whether the one capitalised word ``i`` that names ``place`` is part of a person's name.

        The table ``person_names.csv`` decides: a known surname; a given name before a
        capitalised word that is not a place word ("Roman Busargin", not "Vladimir Region") or
        before a verb of saying; a word after a given name or a title ("Alexey Smirnov",
        "President Volodymyr"); a small town with a surname ending before a verb of saying
        ("Smirnov said").
        """
        vocab, words = self.vocab, ws.words
        word = words[i]
        if word in vocab.surnames:
            return True
        after = words[i + 1] if i + 1 < len(words) else ""
        if word in vocab.given_names and after and ws.joined(i) and (
                ws.capitalised(i + 1) and after not in vocab.followers
                or after in vocab.speech_verbs):
            return True
        if i > 0 and (words[i - 1] in vocab.given_names or words[i - 1] in vocab.titles) and \
                ws.gaps[i] in (" ", ". ", "\u00a0") and ws.capitalised(i - 1):
            return True
        return bool(after in vocab.speech_verbs and place.population < SMALL_TOWN
                    and word.endswith(vocab.surname_suffixes) and after and ws.joined(i))

    def _district_cities(self, ws: _Words, matches: list[_Match]) -> None:
        """Place a city district by the city named with it: "Kharkiv's Kyivskyi district", "the
        Kyivskyi district of Kharkiv". Without one it stays unknown: the extractor knows which
        city the report is in; a same-named district of another city would be a guess."""
        text, starts, ends = ws.text, ws.starts, ws.ends
        for n, match in enumerate(matches):
            if not match.district:
                continue
            city = None
            if n and _POSSESSIVE_GAP.fullmatch(text, ends[matches[n - 1].stop - 1], starts[match.first]):
                city = matches[n - 1].place
            elif n + 1 < len(matches) and _OF_GAP.fullmatch(text, ends[match.stop - 1],
                                                            starts[matches[n + 1].first]):
                city = matches[n + 1].place
            if city is not None and city.precision == "city" and city.key not in self.gaz.sections:
                matches[n] = replace(match, place=city)

    def _spread_region_lists(self, ws: _Words, matches: list[_Match]) -> None:
        """Make every town of a region list a region.

        "the Kharkiv and Sumy oblasts": the plural word stands after the last item only;
        "the regions of Belgorod and Kursk": before the first.
        """
        region_words, text, words = self.any_region_words, ws.text, ws.words

        def listed(left: _Match, right: _Match) -> bool:
            gap = text[ws.ends[left.stop - 1]:ws.starts[right.first]]
            return _LIST_GAP.fullmatch(gap) is not None

        def is_town(match: _Match) -> bool:
            return match.place is not None and match.place.precision == "city"

        def as_region(match: _Match) -> _Match:
            key = " ".join(words[match.first:match.stop])
            region = self.gaz.region_named_by(match.place, key)
            return replace(match, place=region) if region is not None else match

        for n, match in enumerate(matches):
            if match.plural_region:
                k = n
                while k > 0 and listed(matches[k - 1], matches[k]) and is_town(matches[k - 1]):
                    matches[k - 1] = as_region(matches[k - 1])
                    k -= 1
            f = match.first
            if f >= 2 and words[f - 1] == "of" and words[f - 2] in region_words and is_town(match):
                matches[n] = as_region(match)
                k = n
                while k + 1 < len(matches) and listed(matches[k], matches[k + 1]) \
                        and is_town(matches[k + 1]):
                    matches[k + 1] = as_region(matches[k + 1])
                    k += 1

    def _widen(self, ws: _Words, matches: list[_Match]) -> None:
        """Take in words before a name: "the airport in Pskov" (a facility), "the Black Sea"."""
        vocab, words = self.vocab, ws.words
        for n, match in enumerate(matches):
            floor = matches[n - 1].stop if n else 0
            f, place = match.first, match.place
            if place is None or f - 1 < floor:
                continue
            sea_article = place.precision == "sea" and words[f - 1] in vocab.articles
            linked_city = place.precision == "city" and words[f - 1] in vocab.facility_links
            if not (sea_article or linked_city) or not ws.joined(f - 1):
                continue
            if sea_article:
                match.first = f - 1  # (in place, here and below: the matches are this scan's own)
            else:
                found = vocab.facility_ending_at(words[floor:f - 1], f - 1 - floor)
                if found is None:
                    continue
                start = f - 1 - found[1]
                if all(ws.joined(k) for k in range(start, f - 1)):
                    match.first, match.place = start, self.gaz.facility(place, found[0])
