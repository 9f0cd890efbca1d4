"""The record of one figure read from a sentence, shared by the rules that read figures
(:mod:`figures`, :mod:`articles`, :mod:`people`, :mod:`tolls`).

Why a module of its own: :mod:`figures` uses the rules of :mod:`articles`, which make counts
too; with the record here neither imports the other at call time.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, init=False)  # __init__ written out: mypyc compiles it, not the generated one
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
    subset: bool = False  # "nine of them", "18 of which": a part of a set named before
    of_base: "Count | None" = None  # the count of this sentence that "of them" refers to
    of_the: bool = False  # "87 of the missiles", "out of the 18 missiles": a set named before
    whole_value: int | None = None  # the 23 of "21 of the 23 missiles"
    each: bool = False  # "two each over the Tambov and Smolensk regions"
    refers_to: dict | None = None  # set from context: where the set referred to went
    whole_of: "Count | None" = None  # the 16 of "15 out of the 16 drones" is the whole of the 15
    toll: bool = False  # "the death toll has risen to 12": a running total of the report's attack
    ellipsis_of: "Count | None" = None  # "9 over Kursk, 5 over Belgorod": the 5 leans on the 9

    def __init__(self, field: str, value: int, at_least: bool, start: int, end: int, cls: str | None = None,
                 model: str | None = None, attacker_words: str = "", article: bool = False, partial: bool = False,
                 partitive: bool = False, subset: bool = False, of_base: Count | None = None, of_the: bool = False,
                 whole_value: int | None = None, each: bool = False, refers_to: dict | None = None,
                 whole_of: Count | None = None, toll: bool = False, ellipsis_of: Count | None = None) -> None:
        self.field, self.value, self.at_least, self.start, self.end = field, value, at_least, start, end
        self.cls, self.model, self.attacker_words, self.article = cls, model, attacker_words, article
        self.partial, self.partitive, self.subset, self.of_base = partial, partitive, subset, of_base
        self.of_the, self.whole_value, self.each, self.refers_to = of_the, whole_value, each, refers_to
        self.whole_of, self.toll, self.ellipsis_of = whole_of, toll, ellipsis_of
