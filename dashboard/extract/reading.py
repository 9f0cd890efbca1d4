"""Read one sentence: everything it says by itself, before any context from its neighbours.

Why two passes: a claimant often follows the figures it vouches for ("... 15 were shot down.
Russian officials said ..."), and the date and place of a sentence may come from the one
before it. So each sentence is first read alone (this module), then :mod:`assemble` fills the
gaps from the paragraph and the report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from . import background
from .claimants import Claimant, find_claimant
from .dates import DateMention, event_date, find_dates, sentence_date
from .figures import Count, weapon_counts
from .numbers import find_numbers
from .people import casualty_counts
from .tolls import taken_back, toll_counts
from .places import BEFORE_GATES, LONG_GATES, PlaceRef, assign_roles
from .sentences import Sentence, dateline_end
from .claimants import ORGS, SPEECH, TITLES
from .dates import DATE_WORDS
from .figures import PEOPLE, VERBS
from .numbers import NUMBER_WORDS
from .tables import Lexicon, Vocabulary, lower_same_length, rows, vocab_hits
from .weapons import WEAPONS
from .weapons import Weapon, find_weapons

STRIKES: Final = Vocabulary([(r[0], True) for r in rows("strike_cues.tsv")], before=r"\b", after=r"\b")
#: Any word that may count casualties: sentences without one skip the casualty rules.
CASUALTY_WORDS: Final = Vocabulary([(r[0], True) for r in rows("casualty_words.tsv")], before=r"\b", after="")
PRELIMINARY_RE: Final = re.compile(r"\b(?:preliminar\w*|previously|initially|earlier\s+reports?)\b")  # lower-cased
#: What every match of PRELIMINARY_RE contains: substring tests first (cheaper than a regex scan).
_PRELIMINARY_WORDS: Final = ("prelim", "previous", "initial", "earlier")
_CLAUSE: Final = re.compile(r";|,\s+(?:while|whereas|but)\b|\swhile\s|\.\s")  # on lower-cased text
#: The attacking side named as the subject of an attack verb ("Russia launched", "the SBU
#: carried out", "Russian forces overnight pummeled") or as its agent ("launched by Russia").
#: A few words may stand between, but no auxiliary: "Kyiv was hit" names the target.
_GAP: Final = r"(?:'s|’s)?(?:\s+(?!(?:was|were|is|are|has|had|have|been|being|not|said|says)\b)[\w’'-]+){0,4}?\s+"
_ATTACK: Final = (r"(?:launch(?:ed|es)|attack(?:ed|s)|fire[ds]|struck|strikes|hit|used|uses|targeted|targets|"
                  r"pummel+ed|sent|sends|deployed|bombarded|shelled|carried\s+out)\b")
_RU_ACTOR: Final = re.compile(
    r"\b(?:Russia|Russian\s+(?:forces|troops|army|military|occupation\s+forces|aviation|"
    rf"(?:strategic\s+)?bombers|Federation)|the\s+Russians|Russians|occupiers|invaders|Moscow){_GAP}{_ATTACK}"
    r"|\b(?:launched|fired|sent|deployed|used)\s+by\s+(?:Russia|Russian|the\s+Russians)\b", re.I)
_UA_ACTOR: Final = re.compile(
    r"\b(?:Ukraine|Ukrainian\s+(?:forces|troops|army|military|drones?|armed\s+forces)|the\s+SBU|"
    rf"SBU|Kyiv|Kiev|the\s+Kiev\s+regime|Ukrainians){_GAP}{_ATTACK}"
    r"|\b(?:launched|fired|sent|deployed|used)\s+by\s+(?:Ukraine|Ukrainian|Kyiv|Kiev)\b", re.I)
#: Words without which no side is named as the attacker (a quick test before the two above).
#: Gates on the lower-cased sentence (no IGNORECASE: it lower-cases every character it tries).
_RU_GATE: Final = re.compile(r"\b(?:russia|the\s+russians|occupiers|invaders|moscow|launched|fired|sent|deployed|used)")
_UA_GATE: Final = re.compile(r"\b(?:ukrain|the\s+sbu|sbu|kyiv|kiev|the\s+kiev|launched|fired|sent|deployed|used)")
#: A side's name and an attack verb: every match of ``_RU_ACTOR`` or ``_UA_ACTOR`` holds one of
#: each. Substring tests on the lower-cased sentence, cheaper than a regex scan (compiled or not).
_ACTOR_WORDS: Final = ("russia", "ukrain", "kyiv", "kiev", "moscow", "sbu", "occupiers", "invaders")
_ATTACK_WORDS: Final = ("launch", "attack", "fire", "struck", "strike", "hit", "used", "uses", "target", "pummel",
                        "send", "sent", "deploy", "bombard", "shell", "carried")
_DEFENDER: Final = re.compile(
    r"\b(?:(?P<ua>Ukrainian|Ukraine(?:'s|’s))|(?P<ru>Russian|Russia(?:'s|’s)))\s+(?:air\s+defen[cs]es?|"
    r"air\s+force|anti-aircraft|air\s+defen[cs]e\s+(?:forces|units|systems))\b", re.I)
_SIDE_WORDS: Final = re.compile(r"\b(?P<ru>russian|russia's|russia’s|iranian-made)\b|\b(?P<ua>ukrainian|kiev|kyiv|"
                                r"ukraine's|ukraine’s)\b|\b(?P<enemy>enemy|hostile)\b")  # on lower-cased words


@dataclass(init=False)  # __init__ written out: mypyc compiles it, not the generated one
class Reading:
    """What one sentence says by itself (offsets of counts and places relative to it).

    ``actor``, ``defender`` and ``clauses`` are read on first use (most sentences never need
    them) and kept in the private fields below: a compiled class has no ``__dict__`` for a
    cached property.
    """

    sentence: Sentence
    dates: list[DateMention]
    date: DateMention | None
    claimant: Claimant | None
    places: list[PlaceRef]
    weapons: list[Weapon]
    counts: list[Count]
    casualties: list[Count]
    strike: bool
    background_cue: str | None
    preliminary: bool
    #: Weapon phrases that name an aerial weapon (not shelling, not bare "targets").
    aerial_weapons: list[Weapon] = field(init=False, repr=False, compare=False)
    _actor: str | None = field(init=False, repr=False, compare=False)
    _actor_read: bool = field(init=False, repr=False, compare=False)
    _defender: str | None = field(init=False, repr=False, compare=False)
    _defender_read: bool = field(init=False, repr=False, compare=False)
    _clauses: list[tuple[int, int]] | None = field(init=False, repr=False, compare=False)

    def __init__(self, sentence: Sentence, dates: list[DateMention], date: DateMention | None,
                 claimant: Claimant | None, places: list[PlaceRef], weapons: list[Weapon], counts: list[Count],
                 casualties: list[Count], strike: bool, background_cue: str | None, preliminary: bool) -> None:
        self.sentence, self.dates, self.date, self.claimant, self.places = sentence, dates, date, claimant, places
        self.weapons, self.counts, self.casualties, self.strike = weapons, counts, casualties, strike
        self.background_cue, self.preliminary = background_cue, preliminary
        self.aerial_weapons = [w for w in weapons if w.cls not in ("shelling", "unknown")]
        self._actor, self._actor_read, self._defender, self._defender_read = None, False, None, False
        self._clauses = None

    @property
    def actor(self) -> str | None:
        """The side the sentence says attacked ("Russia launched ...", "the SBU carried out ...")."""
        if not self._actor_read:
            self._actor, self._actor_read = _actor_of(self.sentence.text), True
        return self._actor

    @property
    def defender(self) -> str | None:
        """The side whose air defence the sentence names ("Ukrainian air defence destroyed ...")."""
        if not self._defender_read:
            m = _DEFENDER.search(self.sentence.text)
            self._defender = None if m is None else "UA" if m.group("ua") else "RU"
            self._defender_read = True
        return self._defender

    @property
    def clauses(self) -> list[tuple[int, int]]:
        """Spans of the sentence's clauses (split at ";", ", while", ", but")."""
        if self._clauses is None:
            text, pos = lower_same_length(self.sentence.text), 0
            out: list[tuple[int, int]] = []
            for m in _CLAUSE.finditer(text):
                out.append((pos, m.start()))
                pos = m.end()
            out.append((pos, len(text)))
            self._clauses = out
        return self._clauses


def _actor_of(text: str) -> str | None:
    """The side a sentence names as the attacker (see :attr:`Reading.actor`)."""
    low = lower_same_length(text)
    if not any(w in low for w in _ACTOR_WORDS) or not any(w in low for w in _ATTACK_WORDS):
        return None
    # each pattern opens with one of its gate's words: try it only there, leftmost first
    for rx, gate in ((_RU_ACTOR, _RU_GATE), (_UA_ACTOR, _UA_GATE)):
        for g in gate.finditer(low):
            if rx.match(text, g.start()):
                return "RU" if rx is _RU_ACTOR else "UA"
    return None


def side_of(words: str) -> str | None:
    """Side named by the words in front of a weapon: "Russian drones" -> RU, "Kiev drones" ->
    UA, "enemy drones" -> "enemy" (the side opposed to the claimant)."""
    found: str | None = None
    if not words:
        return found
    for m in _SIDE_WORDS.finditer(words.lower()):
        found = "RU" if m.group("ru") else "UA" if m.group("ua") else "enemy"
    return found


#: Every vocabulary a sentence needs, scanned once over a whole report (see :class:`Lexicon`).
LEXICON: Final = Lexicon({
    "weapons": WEAPONS, "verbs": VERBS, "numbers": NUMBER_WORDS, "people": PEOPLE, "casualty": CASUALTY_WORDS,
    "strikes": STRIKES, "orgs": ORGS, "cues": background.CUES, "dates": DATE_WORDS, "titles": TITLES,
    "place_gates": BEFORE_GATES, "launch_gates": LONG_GATES, "speech": SPEECH})


def sentence_hits(low: str, sentences) -> list[dict]:
    """Scan the lower-cased report ``low`` with :data:`LEXICON` and hand each sentence its
    share of the hits, offsets relative to the sentence (see :meth:`Lexicon.scan_spans`)."""
    return LEXICON.scan_spans(low, [(s.start, s.end) for s in sentences])


def read_sentence(s: Sentence, mentions, published, context_cls: str | None, hits=None,
                  context_count=None) -> Reading:
    """Read a sentence alone.

    Parameters
    ----------
    s : Sentence
    mentions : list
        Gazetteer mentions inside the sentence, as ``(start, end, words, place)`` relative to it.
    published : datetime.date or None
    context_cls : str or None
        Weapon class carried from the paragraph, for counts with no noun ("Nine were intercepted").
    hits : dict, optional
        The sentence's share of a :data:`LEXICON` scan; scanned here when not given.
    context_count : Count, optional
        The last count of the sentences just before, for a breakdown with no verb of its own.

    Returns
    -------
    Reading
    """
    text = s.text
    low = lower_same_length(text)
    if hits is None:
        hits = {name: vocab_hits(v, low) for name, v in LEXICON.vocabularies.items()}
    head = dateline_end(text)
    cue = background.cue(low, hits["cues"])
    dates = find_dates(text, published, hits["dates"])
    if head and dates:  # the dateline's date is the report's
        dates = [d.as_report_date() if d.start < head else d for d in dates]
    weapons = find_weapons(text, hits["weapons"])
    # numbers count something only next to a weapon, a figure verb or a casualty word
    # a background sentence gives no figures: what it says of places, weapons and speakers is
    # still context for the next ones
    numbers = (find_numbers(text, hits["numbers"]) if not cue and (
        weapons or hits["verbs"] or hits["casualty"] or context_count is not None) else [])
    claimant = find_claimant(text, hits["orgs"], hits["titles"], hits["speech"])
    places = assign_roles(text, mentions, dateline=head, gate_hits=(hits["place_gates"], hits["launch_gates"]))
    # a count with no weapon noun needs a figure verb ("Nine were intercepted")
    counts = (weapon_counts(text, numbers, weapons, context_cls, hits["verbs"], context_count)
              if not cue and (weapons or numbers and (hits["verbs"] or context_count is not None)
                              and any(n.kind == "count" for n in numbers)) else [])
    casualties = casualty_counts(text, numbers, hits["people"]) if hits["casualty"] and not cue else []
    if hits["casualty"] and numbers:
        tolls = toll_counts(text, numbers)
        if tolls:  # the deaths that raised a toll are not figures of their own
            fields = {t.field for t in tolls}
            casualties = [c for c in casualties if c.field not in fields] + tolls
    if counts or casualties:
        spans = taken_back(text)
        if spans:  # "first said one was killed, then corrected"; "unclear whether one drone ..."
            counts = [c for c in counts if not any(a <= c.start < b for a, b in spans)]
            casualties = [c for c in casualties if not any(a <= c.start < b for a, b in spans)]
    strikes = [h for h in hits["strikes"] if not _not_a_strike(low, h)] if hits["strikes"] else []
    # a strike word only matters where a place is named (a place struck with no figures)
    strike = bool(weapons) or bool(places) and bool(strikes)
    date = sentence_date(dates)
    if dates:
        anchors = [w.start for w in weapons] + [h[0] for h in strikes] + [h[0] for h in hits["casualty"]] + [
            c.start for c in counts]
        date = event_date(dates, low, anchors)
    return Reading(
        sentence=s, dates=dates, date=date, claimant=claimant, places=places,
        weapons=weapons, counts=counts, casualties=casualties,
        strike=strike, background_cue=cue,
        preliminary=bool(PRELIMINARY_RE.search(low)) if (counts or casualties) and any(
            w in low for w in _PRELIMINARY_WORDS) else False)


#: A strike word that tells of no strike on a place: a participle used as an adjective ("a
#: damaged apartment building", rescuers searching it later) or a time phrase ("Vnukovo airport
#: stopped departures during the attack").
_ATTRIBUTIVE: Final = re.compile(r"(?:\b(?:a|an|the|its|their|his|her|several|many)\s+)$")
_TIME_PHRASE: Final = re.compile(
    r"\b(?:during|amid)\s+(?:the|an?|this|that|last\s+night'?s?|overnight)?\s*(?:[\w-]+\s+){0,2}$")


def _not_a_strike(low: str, hit) -> bool:
    """Whether a strike word at ``hit`` tells of no strike (see :data:`_ATTRIBUTIVE`)."""
    a, b, _ = hit
    before = low[max(0, a - 40):a]
    if low.endswith("ed", a, b) and _ATTRIBUTIVE.search(before):
        return True
    return (low.startswith(("attack", "strike", "raid", "assault", "barrage"), a)
            and ("during" in before or "amid" in before)  # a quick test: every time phrase opens so
            and bool(_TIME_PHRASE.search(before))
            and not low.startswith((" on ", " against "), b))  # "during the attack on Moscow" names it


def clause_of(reading: Reading, pos: int) -> tuple[int, int]:
    """The clause ``(start, end)`` of a sentence that holds offset ``pos``."""
    for a, b in reading.clauses:
        if a <= pos <= b:
            return a, b
    return 0, len(reading.sentence.text)


def weapon_near(reading: Reading, pos: int) -> Weapon | None:
    """The weapon phrase of a casualty count: nearest in its clause, else first in the sentence.

    Why the clause: "A man and woman died after a drone strike ..., while a woman was killed by
    shelling" gives each casualty its own weapon.
    """
    a, b = clause_of(reading, pos)
    inside = [w for w in reading.weapons if a <= w.start < b and w.cls != "unknown"]
    if inside:
        return min(inside, key=lambda w: abs(w.start - pos))
    return reading.aerial_weapons[0] if reading.aerial_weapons else None
