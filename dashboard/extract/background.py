"""Tell background sentences (earlier attacks recalled for context) from news of this attack.

Why: reports recall earlier strikes ("the largest since the spring", "last week's strike killed
...", a "Background:" section, an explicitly dated day well before publication). Their figures
are true but old; counting them again would double the map.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Final

from .tables import Vocabulary, lower_same_length, rows, vocab_hits

CUES: Final = Vocabulary(rows("background_cues.tsv"), before="", after="")
_SECTION_END: Final = re.compile(r"^\W*(?:source|quote|details|update[d]?|advertisement)\s*:", re.I)
#: How many days before publication an explicitly dated attack stops being news.
STALE_DAYS: Final = 2


def cue(text: str, hits=None) -> str | None:
    """Return ``"section"`` or ``"sentence"`` when ``text`` carries a background cue, else None.

    ``hits`` are the matches of :data:`CUES` found beforehand in ``text``, which is then
    lower-cased already (:func:`~.reading.read_sentence` has it so; lowering it again would
    cost more than the test).

    Examples
    --------
    >>> cue("Background: Russian forces launched 16 missiles.")
    'section'
    >>> cue("It was the deadliest attack since the spring.")
    'sentence'
    """
    low = text if hits is not None else lower_same_length(text)
    if CUES.anchored is not None:
        m = CUES.anchored.match(low)
        if m:
            return CUES.value(m)
    if hits is None:
        hits = vocab_hits(CUES, low)
    return hits[0][2] if hits else None


def ends_section(text: str) -> bool:
    """Tell whether a sentence opens a new labelled part ("Source:", "Details:"), ending a
    background section."""
    return bool(_SECTION_END.match(text))


def stale(date: str | None, published: dt.date | None, inferred: bool) -> bool:
    """Tell whether an explicitly written date lies well before publication.

    Why only written dates: a weekday resolved against publication is within the week by
    construction; an explicit "On 5 December 2022" in a January 2024 report is history.
    """
    if not date or published is None:
        return False
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        return False
    return (published - day).days > STALE_DAYS
