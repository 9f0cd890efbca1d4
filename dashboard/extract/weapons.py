"""Find weapon mentions in a sentence: the class of the weapon and the model name beside it.

Why phrases and not words: "four sea-launched Kalibr cruise missiles" is one weapon mention whose
class (cruise_missile) comes from the noun and whose model (Kalibr) comes from the name; a count
in front of the phrase counts that weapon. The vocabulary lives in ``weapons.tsv``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from .tables import Vocabulary, lower_same_length, rows, vocab_hits

_ROWS: Final = rows("weapons.tsv")
WEAPONS: Final = Vocabulary(
    [(r[0], (r[1], r[2] if len(r) > 2 else "", r[3] if len(r) > 3 else "noun")) for r in _ROWS],
    after=r"(?![\w])",
)
#: The army that uses each model ("Storm Shadow" -> UA, "Shahed" -> RU).
MODEL_SIDES: Final = {r[2]: r[4] for r in _ROWS if len(r) > 4 and r[2] and r[4]}
#: Nouns that end a model phrase ("Shahed drone"): see find_weapons.
_NOUN_END: Final = re.compile(r"(?:drone|missile|bomb|uav|vehicle)$", re.I)


@lru_cache(maxsize=1024)
def model_side(model: str | None) -> str | None:
    """The side that fires a model ("Kh-101/Kh-555" -> RU), or None when unknown or mixed.

    Cached: a pure look-up in the weapons table, asked for every claim."""
    sides = {MODEL_SIDES.get(m) for m in (model or "").split("/")} - {None}
    return sides.pop() if len(sides) == 1 else None
#: Glue allowed between a model name and its class noun ("Kalibr cruise missiles",
#: "X-101/X-555 air-launched cruise missiles", "Shahed-type loitering munitions").
_GLUE: Final = re.compile(
    r"^(?:[\s/]|type|-type|iranian-made|russian-made|north[- ]korean(?:-made)?|made|hypersonic|"
    r"supersonic|subsonic|aeroballistic|long-range|medium-range|short-range|anti-ship|anti-radar|"
    r"upgraded|modernised|modernized)*$", re.I)
#: Plural nouns (a count of them is plural); models count as either.
_PLURAL: Final = re.compile(r"(?:s|munitions|aircraft)$", re.I)
#: How specific a class is, to pick the class of a phrase that mixes words.
_RANK: Final = {"unknown": 0, "missile": 1, "drone": 2, "glide_bomb": 2, "cruise_missile": 3,
                "ballistic_missile": 3, "shelling": 4}


@dataclass(slots=True, init=False)  # __init__ written out: mypyc compiles it, not the generated one
class Weapon:
    """A weapon mention: span, class (``events.WEAPON_CLASSES`` or ``"shelling"``), model, number."""

    start: int
    end: int
    cls: str
    model: str | None
    plural: bool

    def __init__(self, start: int, end: int, cls: str, model: str | None, plural: bool) -> None:
        self.start, self.end, self.cls, self.model, self.plural = start, end, cls, model, plural


def find_weapons(text: str, hits=None) -> list[Weapon]:
    """Find the weapon phrases of ``text``.

    Parameters
    ----------
    text : str
        A sentence.
    hits : list of (start, end, value), optional
        Matches of :data:`WEAPONS` already found by a whole-report scan.

    Returns
    -------
    list of Weapon
        In text order; adjacent model names and class nouns merged into one phrase.

    Examples
    --------
    >>> [(w.cls, w.model) for w in find_weapons("four sea-launched Kalibr cruise missiles")]
    [('cruise_missile', 'Kalibr')]
    """
    if hits is None:
        hits = vocab_hits(WEAPONS, lower_same_length(text))
    if not hits:
        return []
    parts = []
    for s, e, (cls, model, kind) in hits:
        parts.append([s, e, cls, model or None, kind, text[s:e], kind])
    merged: list[list] = []
    for p in parts:
        if merged and merged[-1][6] == "model" and _GLUE.match(text[merged[-1][1]:p[0]]):
            last = merged[-1]
            models = [x for x in (last[3], p[3]) if x]
            last[1] = p[1]
            if _RANK[p[2]] >= _RANK[last[2]] and not (last[4] == "model" and p[2] == "missile"):
                last[2] = p[2]
            # "Kalibr cruise missiles": the class noun's class, unless the model is more specific
            if last[4] == "model" and _RANK[last[2]] < _RANK[p[2]]:
                last[2] = p[2]
            last[3] = "/".join(dict.fromkeys(models)) or None
            last[4] = "model" if "model" in (last[4], p[4]) else "noun"
            last[5] = p[5]
            last[6] = p[4]
        else:
            merged.append(p)
    out = []
    for s, e, cls, model, kind, last_word, _ in merged:
        plural = bool(_PLURAL.search(last_word)) or kind == "model" and not _NOUN_END.search(last_word)
        out.append(Weapon(s, e, cls, model, plural))
    return out
