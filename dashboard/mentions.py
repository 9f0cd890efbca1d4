"""The gazetteer's text scanner: place names in report text, as ``Mention`` spans.

One pass over the words with dictionary look-ups of word n-grams (longest first), not a regex of
40,000 names: a 2 KB report takes well under a millisecond. Then two small passes: lists of
regions ("the Kharkiv and Sumy oblasts") and words before a name ("the airport in Pskov").
Use it through ``Gazetteer.find_mentions``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from dashboard.names import fold_token, is_capitalised, joinable, tokens

if TYPE_CHECKING:
    from dashboard.gazetteer import Gazetteer, Mention, Place

#: Longest name, in words, that the scanner tries ("Republic of North Ossetia Alania").
MAX_NAME_WORDS = 6
#: What may stand between the items of a list of regions: "Kharkiv, Sumy and Poltava oblasts".
_LIST_GAP = re.compile(r"(?:[\s,]|\band\b|\bor\b|&)*", re.IGNORECASE)


@dataclass(frozen=True)
class _Match:
    """A mention under construction: a token range and what it names."""

    first: int
    stop: int
    place: Place | None
    plural_region: bool = False


class MentionScanner:
    """Finds mentions for one gazetteer; stateless between texts."""

    def __init__(self, gazetteer: Gazetteer):
        self.gaz = gazetteer
        self.vocab = gazetteer.vocabulary

    def scan(self, text: str, mention_type: type[Mention]) -> list[Mention]:
        """Place names in ``text``: non-overlapping, longest match first, in text order."""
        toks = tokens(text)
        words = [fold_token(t.group()) for t in toks]
        count = len(toks)
        run = [1] * count  # how many words from here on may belong to one name
        for k in range(count - 2, -1, -1):
            if joinable(text, toks[k], toks[k + 1]):
                run[k] = min(run[k + 1] + 1, MAX_NAME_WORDS + 1)
        matches: list[_Match] = []
        i = 0
        while i < count:
            if is_capitalised(toks[i].group()) or words[i] in self.vocab.leads:
                found = self._match_at(words, toks, run, i)
                if found is not None:
                    matches.append(found)
                    i = found.stop
                    continue
            i += 1
        self._spread_region_lists(text, toks, words, matches)
        self._widen(text, toks, words, matches)
        return [mention_type(toks[m.first].start(), toks[m.stop - 1].end(),
                             text[toks[m.first].start():toks[m.stop - 1].end()], m.place)
                for m in matches]

    def _match_at(self, words: list[str], toks: list[re.Match], run: list[int],
                  i: int) -> _Match | None:
        """The longest name starting at word ``i``, with a region or facility word after it."""
        vocab, gaz = self.vocab, self.gaz
        capitalised = is_capitalised(toks[i].group())
        for size in range(min(run[i], MAX_NAME_WORDS), 0, -1):
            key = " ".join(words[i:i + size])
            after = i + size
            linked = size < run[i]  # the next word may still belong to this name
            region_word = linked and words[after] in vocab.region_words
            plural = linked and words[after] in vocab.plural_region_words
            place = gaz.mentionable(key)
            if size == 1 and (key in vocab.stopwords or not capitalised or (
                    key in vocab.first_names and linked and is_capitalised(toks[after].group()))):
                place = None
            if capitalised and (region_word or plural):
                region = gaz.region_named_by(place, key)
                if region is not None or place is not None:
                    return _Match(i, after + 1, region or place, plural)
            if place is None:
                continue
            found = vocab.facility_at(words, after) if linked else None
            if found and found[1] <= run[i] - size and place.precision in ("city", "facility"):
                return _Match(i, after + found[1], gaz.facility(place, found[0]))
            return _Match(i, after, place)
        return self._unknown_region(words, toks, run, i) if capitalised else None

    def _unknown_region(self, words: list[str], toks: list[re.Match], run: list[int],
                        i: int) -> _Match | None:
        """A capitalised "<X> region" whose X is not known: a mention without a place."""
        vocab = self.vocab
        if words[i] in vocab.stopwords:
            return None
        for size in range(1, min(run[i] - 1, 3) + 1):
            if not is_capitalised(toks[i + size - 1].group()):
                return None
            after = words[i + size]
            if after in vocab.region_words or after in vocab.plural_region_words:
                return _Match(i, i + size + 1, None, after in vocab.plural_region_words)
        return None

    def _spread_region_lists(self, text: str, toks: list[re.Match], words: list[str],
                             matches: list[_Match]) -> None:
        """Make every town of a region list a region.

        "the Kharkiv and Sumy oblasts": the plural word stands after the last item only;
        "the regions of Belgorod and Kursk": before the first.
        """
        region_words = self.vocab.region_words | self.vocab.plural_region_words

        def listed(left: _Match, right: _Match) -> bool:
            gap = text[toks[left.stop - 1].end():toks[right.first].start()]
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

    def _widen(self, text: str, toks: list[re.Match], words: list[str],
               matches: list[_Match]) -> None:
        """Take in words before a name: "the airport in Pskov" (a facility), "the Black Sea"."""
        vocab = self.vocab
        for n, match in enumerate(matches):
            floor = matches[n - 1].stop if n else 0
            f, place = match.first, match.place
            if place is None or f - 1 < floor or not joinable(text, toks[f - 1], toks[f]):
                continue
            if place.precision == "sea" and words[f - 1] in vocab.articles:
                matches[n] = replace(match, first=f - 1)
            elif place.precision == "city" and words[f - 1] in vocab.facility_links:
                found = vocab.facility_ending_at(words[floor:f - 1], f - 1 - floor)
                if found is None:
                    continue
                start = f - 1 - found[1]
                if all(joinable(text, toks[k], toks[k + 1]) for k in range(start, f - 1)):
                    matches[n] = replace(match, first=start,
                                         place=self.gaz.facility(place, found[0]))
