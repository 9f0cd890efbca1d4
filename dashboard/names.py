"""Name folding and tokens shared by the gazetteer's index and its text scanner.

The index and the scanner must cut names the same way, or "Kam'yanets'-Podil's'kyy" would be
stored under one key and read under another; so both use :func:`tokens` and :func:`fold_token`.
Vocabularies (region words, facility words, stop words) are data files in ``data/``.
"""
from __future__ import annotations

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Final

#: A word: letters or digits, apostrophes inside ("L'viv"), but not a possessive "'s" at its end,
#: so that "Ukraine's" yields "Ukraine" and the mention span covers the name only.
TOKEN_RE: Final = re.compile(r"[^\W_]+(?:['’`ʼ](?!s\b)[^\W_]+)*")
#: TOKEN_RE as a separator kept in the result: ``split`` gives gap, word, gap, ..., word, gap.
_TOKEN_SPLIT_RE: Final = re.compile(f"({TOKEN_RE.pattern})")
#: What may stand between two words of one name: spaces and hyphens ("Rostov-on-Don").
_NAME_GAP_RE: Final = re.compile(r"[ \t\u00a0\-‐‑–]*")
#: "St. Petersburg": an abbreviation's full stop may sit inside a name.
_ABBREVIATIONS: Final = frozenset({"st", "mt"})
_APOSTROPHES: Final = str.maketrans("", "", "'’`ʼ")
#: Characters that make a word need :func:`fold_token`: any non-ASCII one and the ASCII apostrophes.
_FOLDABLE: Final = re.compile(r"[^\x00-\x7f]|['`]")
#: Letters that Unicode decomposition leaves alone.
_SPECIAL_LETTERS: Final = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d",
                                         "ı": "i", "ß": "ss", "æ": "ae", "œ": "oe", "ʹ": "", "ʺ": ""})


@functools.lru_cache(maxsize=1 << 16)
def fold_token(word: str) -> str:
    """Case, diacritics and apostrophes folded away: "L’viv" -> "lviv", "Kyïv" -> "kyiv".

    Cached: report text repeats its words, and the scanner folds every one of them.
    """
    if word.isascii():
        return word.translate(_APOSTROPHES).lower()
    word = word.translate(_SPECIAL_LETTERS).translate(_APOSTROPHES)
    word = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in word if not unicodedata.combining(ch)).lower()


def tokens(text: str) -> list[re.Match]:
    """The words of ``text`` with their character spans."""
    return list(TOKEN_RE.finditer(text))


def folded_words(text: str) -> tuple[list[str], list[str], list[int], list[int]]:
    """The words of ``text`` folded (as :func:`fold_token`), the gaps between them and their spans.

    Returns ``(words, gaps, starts, ends)``: ``text[starts[k]:ends[k]]`` is word ``k`` as written
    (cut as :func:`tokens` cuts it), ``gaps[k]`` the text before it and ``gaps[k + 1]`` the text
    after it (so ``gaps`` has one item more than ``words``).

    Why: the scanner reads every word of a report but looks closely at few. One ``split`` of the
    lower-cased text gives the words and the gaps as strings, and the spans follow by summing
    lengths, all in C: several times cheaper than a match object per word. Plain ASCII words are
    already folded by ``lower``; only the few words with other letters or apostrophes are
    folded one by one.
    """
    low = text.lower()
    if len(low) != len(text):  # a letter whose lower case is longer ("İ"): word by word
        parts = _TOKEN_SPLIT_RE.split(text)
        words = [fold_token(w) for w in parts[1::2]]
    else:
        parts = _TOKEN_SPLIT_RE.split(low)
        words = parts[1::2]
        joined = "\n".join(words)  # no word holds a newline: it counts the words before a mark
        if not joined.isascii() or "'" in joined or "`" in joined:  # (the C tests spare a regex scan)
            for k in {joined.count("\n", 0, m.start()) for m in _FOLDABLE.finditer(joined)}:
                words[k] = fold_token(words[k])
    bounds = list(accumulate(map(len, parts)))  # where each gap and each word ends
    return words, parts[0::2], bounds[0:-1:2], bounds[1::2]


def fold(name: str) -> str:
    """The index key of a name: folded words joined by one space ("Rostov-on-Don" -> "rostov on don")."""
    return " ".join(fold_token(m.group()) for m in TOKEN_RE.finditer(name))


def joinable(gap: str, left: str) -> bool:
    """True when two neighbouring words may belong to one name (no comma or full stop between):
    ``gap`` is the text between them, ``left`` the first of them, folded."""
    if gap == " " or _NAME_GAP_RE.fullmatch(gap):
        return True
    return gap.startswith(".") and left in _ABBREVIATIONS and _NAME_GAP_RE.fullmatch(gap[1:]) is not None


def is_capitalised(word: str) -> bool:
    return word[:1].isupper()


@dataclass(frozen=True)
class Vocabulary:
    """The gazetteer's word lists, read from ``gazetteer_words.csv``, ``gazetteer_stopwords.txt``
    and ``person_names.csv``.

    Phrases are stored as tuples of folded words so that the scanner can compare token windows.
    """

    region_words: frozenset[str] = frozenset()
    plural_region_words: frozenset[str] = frozenset()
    facilities: dict[tuple[str, ...], str] = field(default_factory=dict)
    facility_links: frozenset[str] = frozenset()
    list_links: frozenset[str] = frozenset()
    articles: frozenset[str] = frozenset()
    qualifiers: frozenset[tuple[str, ...]] = frozenset()
    leads: frozenset[str] = frozenset()
    stopwords: frozenset[str] = frozenset()
    #: City-district words ("the Kyivskyi district") and their plurals.
    district_words: frozenset[str] = frozenset()
    plural_district_words: frozenset[str] = frozenset()
    #: Words after which a name is an organisation or a river, not a place ("Black Sea Fleet").
    not_after: frozenset[str] = frozenset()
    #: Words that may follow a town's name ("Kyiv Mayor", "Sumy Oblast"): not a surname.
    followers: frozenset[str] = frozenset()
    #: People's names (``person_names.csv``): given names, surnames, titles, surname endings
    #: and verbs of saying.
    given_names: frozenset[str] = frozenset()
    surnames: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()
    surname_suffixes: tuple[str, ...] = ()
    speech_verbs: frozenset[str] = frozenset()

    #: Derived in ``__post_init__``: the longest facility phrase, the first words of the
    #: phrases ("oil" of "oil refinery"), and every word that may follow an unknown name.
    max_facility_words: int = field(init=False, default=0)
    facility_starts: frozenset[str] = field(init=False, default=frozenset())
    area_words: frozenset[str] = field(init=False, default=frozenset())

    def __post_init__(self) -> None:
        object.__setattr__(self, "max_facility_words", max((len(p) for p in self.facilities), default=0))
        object.__setattr__(self, "facility_starts", frozenset(p[0] for p in self.facilities))
        object.__setattr__(self, "area_words", self.region_words | self.plural_region_words
                           | self.district_words | self.plural_district_words)

    @classmethod
    def load(cls, data_dir: Path) -> "Vocabulary":
        groups: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        with open(data_dir / "gazetteer_words.csv", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                phrase = tuple(fold(row["word"]).split()) or (row["word"],)
                groups.setdefault(row["kind"], []).append((phrase, row["value"]))
        stop_path = data_dir / "gazetteer_stopwords.txt"
        stop = set()
        if stop_path.exists():
            for line in stop_path.read_text(encoding="utf-8").splitlines():
                line = line.split("#", 1)[0].strip()
                if line:
                    stop.add(fold(line))
        people: dict[str, set[str]] = {}
        people_path = data_dir / "person_names.csv"
        if people_path.exists():
            with open(people_path, encoding="utf-8", newline="") as fh:
                lines = (line for line in fh if not line.startswith("#"))
                for row in csv.DictReader(lines):
                    people.setdefault(row["kind"], set()).add(fold(row["word"]))

        def singles(kind: str) -> frozenset[str]:
            return frozenset(" ".join(p) for p, _ in groups.get(kind, []))

        return cls(
            region_words=singles("region_word"),
            plural_region_words=singles("region_word_plural"),
            facilities={p: v for p, v in groups.get("facility", [])},
            facility_links=singles("facility_link"),
            list_links=singles("list_link"),
            articles=singles("article"),
            qualifiers=frozenset(p for p, _ in groups.get("qualifier", [])),
            leads=singles("lead"),
            stopwords=frozenset(stop),
            district_words=singles("district_word"),
            plural_district_words=singles("district_word_plural"),
            not_after=singles("not_after"),
            followers=singles("follower"),
            given_names=frozenset(people.get("given", ())),
            surnames=frozenset(people.get("surname", ())),
            titles=frozenset(people.get("title", ())),
            surname_suffixes=tuple(sorted(people.get("surname_suffix", ()))),
            speech_verbs=frozenset(people.get("speech", ())),
        )

    def strip_leading(self, words: list[str]) -> list[str]:
        """Drop articles and qualifiers ("the", "occupied") before a name, for whole-string lookup."""
        changed = True
        while changed and words:
            changed = False
            if words[0] in self.articles:
                words, changed = words[1:], True
            for phrase in self.qualifiers:
                if tuple(words[:len(phrase)]) == phrase and len(words) > len(phrase):
                    words, changed = words[len(phrase):], True
        return words

    def facility_at(self, words: list[str], start: int) -> tuple[str, int] | None:
        """The facility phrase starting at ``words[start]``, longest first: (kind, length)."""
        for size in range(min(self.max_facility_words, len(words) - start), 0, -1):
            kind = self.facilities.get(tuple(words[start:start + size]))
            if kind:
                return kind, size
        return None

    def facility_ending_at(self, words: list[str], end: int) -> tuple[str, int] | None:
        """The facility phrase ending just before ``words[end]``, longest first: (kind, length)."""
        for size in range(min(self.max_facility_words, end), 0, -1):
            kind = self.facilities.get(tuple(words[end - size:end]))
            if kind:
                return kind, size
        return None
