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
from pathlib import Path

#: A word: letters or digits, apostrophes inside ("L'viv"), but not a possessive "'s" at its end,
#: so that "Ukraine's" yields "Ukraine" and the mention span covers the name only.
TOKEN_RE = re.compile(r"[^\W_]+(?:['’`ʼ](?!s\b)[^\W_]+)*")
#: What may stand between two words of one name: spaces and hyphens ("Rostov-on-Don").
_NAME_GAP_RE = re.compile(r"[ \t\u00a0\-‐‑–]*")
#: "St. Petersburg": an abbreviation's full stop may sit inside a name.
_ABBREVIATIONS = frozenset({"st", "mt"})
_APOSTROPHES = str.maketrans("", "", "'’`ʼ")
#: Letters that Unicode decomposition leaves alone.
_SPECIAL_LETTERS = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d",
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


def fold(name: str) -> str:
    """The index key of a name: folded words joined by one space ("Rostov-on-Don" -> "rostov on don")."""
    return " ".join(fold_token(m.group()) for m in TOKEN_RE.finditer(name))


def joinable(text: str, left: re.Match, right: re.Match) -> bool:
    """True when two neighbouring words may belong to one name (no comma or full stop between)."""
    gap = text[left.end():right.start()]
    if gap == " " or _NAME_GAP_RE.fullmatch(gap):
        return True
    return gap.startswith(".") and fold_token(left.group()) in _ABBREVIATIONS \
        and _NAME_GAP_RE.fullmatch(gap[1:]) is not None


def is_capitalised(word: str) -> bool:
    return word[:1].isupper()


@dataclass(frozen=True)
class Vocabulary:
    """The gazetteer's word lists, read from ``gazetteer_words.csv`` and ``gazetteer_stopwords.txt``.

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
    #: First names: not a place when a capitalised word follows ("Vladimir Putin").
    first_names: frozenset[str] = frozenset()

    @property
    def max_facility_words(self) -> int:
        return max((len(p) for p in self.facilities), default=0)

    @classmethod
    def load(cls, data_dir: Path) -> "Vocabulary":
        groups: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        with open(data_dir / "gazetteer_words.csv", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                phrase = tuple(fold(row["word"]).split()) or (row["word"],)
                groups.setdefault(row["kind"], []).append((phrase, row["value"]))
        stop_path = data_dir / "gazetteer_stopwords.txt"
        stop, first_names = set(), set()
        if stop_path.exists():
            for line in stop_path.read_text(encoding="utf-8").splitlines():
                line = line.split("#", 1)[0].strip()
                if line.endswith("+"):
                    first_names.add(fold(line[:-1]))
                elif line:
                    stop.add(fold(line))

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
            first_names=frozenset(first_names),
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
