"""Vocabulary tables of the extractor, read once per process from the TSV files beside this module.

Why tables and not code: the words reporters use for weapons, figures, claimants and background
change with every new report style. Keeping them as data lets an editor add "Lyutyi" or
"neutralised" without touching a rule, and keeps each rule in code a pattern a reader recognises.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Final

#: The package's folder, where the data tables are: found through the package, not ``__file__``,
#: since this module may run compiled from build/native/ (see dashboard/native.py).
HERE: Final = Path(str(resources.files("dashboard.extract")))


@lru_cache(maxsize=None)
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """Return the rows of ``name`` (a TSV beside this module), comments and blank lines skipped.

    Parameters
    ----------
    name : str
        File name, e.g. ``"weapons.tsv"``.

    Returns
    -------
    tuple of tuple of str
        One tuple of tab-separated cells per row; trailing empty cells are kept as ``""``.
    """
    out = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        out.append(tuple(cell.strip() for cell in line.split("\t")))
    return tuple(out)


def grouped(patterns_and_values, flags: int = re.IGNORECASE, wrap: str = r"\b(?:{})\b"):
    """Compile ``(pattern, value)`` pairs into one regex with a named group per row.

    Why: one pass over a sentence finds every vocabulary item and tells which row matched,
    which keeps extraction within its speed budget (no loop over hundreds of regexes).

    Returns
    -------
    (re.Pattern, dict)
        The regex, and a map from group name to the row's value.
    """
    pairs = sorted(patterns_and_values, key=lambda pv: len(pv[0]), reverse=True)
    parts, values = [], {}
    for i, (pattern, value) in enumerate(pairs):
        parts.append(f"(?P<g{i}>{pattern})")
        values[f"g{i}"] = value
    return re.compile(wrap.format("|".join(parts)), flags), values


try:  # the regular-expression parser of the standard library (private in 3.11+)
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse  # type: ignore[no-redef]

#: How many opening characters of a pattern the trigger tells apart. Long enough that a
#: common word does not wake a vocabulary whose phrases only begin with it ("ukraine" for
#: "ukraine's air force", "air defence" for "air defence missiles"): a report then has about a
#: tenth fewer triggers. Longer prefixes gain little more and cost import time.
_PREFIX_LEN: Final = 12


def row_of(m: re.Match) -> int:
    """The table row whose alternative ``m`` matched: each is a group named by a letter and
    the row's number ("r12")."""
    name = m.lastgroup
    assert name is not None, "every alternative of a table's pattern is a named group"
    return int(name[1:])


@lru_cache(maxsize=256)
def lower_same_length(text: str) -> str:
    """Lower-case ``text`` without changing its length, so spans stay valid ("İ" stays)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _walk(items, n: int) -> tuple[set[str], set[str]]:
    """Expand a parsed pattern into literal prefixes of up to ``n`` characters.

    Returns ``(done, open)``: ``done`` prefixes stop there (``n`` characters reached, or any
    character may follow); ``open`` ones reached the end of ``items`` and may go on.
    """
    done: set[str] = set()
    open_: set[str] = {""}
    for op, av in list(items):
        name = str(op)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # zero-width
        sub_done: set[str] = set()
        sub_open: set[str] = set()
        if name == "LITERAL":
            sub_open = {chr(av)}
        elif name == "IN":
            chars: set[str] = set()
            any_char = False
            for sop, sav in av:
                if str(sop) == "LITERAL":
                    chars.add(chr(sav))
                elif str(sop) == "RANGE" and sav[1] - sav[0] < 64:
                    chars.update(chr(c) for c in range(sav[0], sav[1] + 1))
                elif str(sop) == "CATEGORY" and str(sav) == "CATEGORY_DIGIT":
                    chars.update("0123456789")
                else:
                    any_char = True
                    break
            if any_char:
                sub_done = {""}
            else:
                sub_open = chars
        elif name == "SUBPATTERN":
            sub_done, sub_open = _walk(av[-1], n)
        elif name == "BRANCH":
            for alt in av[1]:
                d, o = _walk(alt, n)
                sub_done |= d
                sub_open |= o
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, sub_items = av
            d, o = _walk(sub_items, n)
            sub_done = set(d)
            if hi == 1:
                sub_open = set(o)  # an optional or single item: the pattern goes on after it
            else:
                sub_done |= o  # more repetitions may follow: stop after the first
            if lo == 0:
                sub_open.add("")
        else:
            sub_done = {""}  # any character may come here
        new_open: set[str] = set()
        for r in open_:
            for s in sub_done:
                done.add((r + s)[:n])
            for s in sub_open:
                t = r + s
                if len(t) >= n:
                    done.add(t[:n])
                else:
                    new_open.add(t)
        open_ = new_open
        if not open_:
            break
    return done, open_


def _prefixes(items, n: int) -> set[str] | None:
    """Literal prefixes (up to ``n`` characters) that a parsed pattern can start with, or None
    when it may start with any character. A prefix shorter than ``n`` may be followed by
    anything."""
    done, open_ = _walk(items, n)
    out = done | open_
    return None if "" in out else out


def trie_pattern(words) -> str:
    """A regex that matches any of ``words``, longest first, written as a trie.

    Why: Python's regex engine tries a flat alternation one branch at a time at every position;
    a trie ("a(?:ir|tt)|d(?:ro)") lets it reject a position on its first character. A word that
    may end early is written "(?:...|)", not "(?:...)?": the same match, but the engine takes a
    plain branch instead of setting up a repeat.
    """
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node) -> str:
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        if "" in node:
            return "(?:" + "|".join(alts) + "|)"
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return build(root) or "(?!)"


class Vocabulary:
    """A vocabulary table compiled for speed: one regex over lower-cased text, tried only where
    a word begins with a letter sequence that one of its patterns can begin with.

    Why: a regex alternation of sixty phrases tried at every character costs about a
    millisecond per report; trying it only at the few word starts that can open a phrase keeps
    extraction within ~2 ms per report. Patterns are written in lower case; those anchored
    with ``^`` are tried at the start of the text only.
    """

    def __init__(self, pairs, before: str = r"(?<![\w-])", after: str = r"(?![\w-])"):
        pairs = sorted(pairs, key=lambda pv: len(pv[0]), reverse=True)
        self.values: dict[str, object] = {}
        parts, anchored, prefixes, starts = [], [], set(), []
        self.everywhere = False
        for i, (pattern, value) in enumerate(pairs):
            self.values[f"g{i}"] = value
            group = f"(?P<g{i}>{pattern})"
            if pattern.startswith("^"):
                anchored.append(group)
                continue
            parts.append(group)
            found = _prefixes(_sre_parse.parse(pattern), _PREFIX_LEN)
            if found is None:
                self.everywhere = True
            else:
                prefixes |= found
                starts.append((group, found))
        self.regex = re.compile(f"{before}(?:{'|'.join(parts)}){after}") if parts else None
        # for each prefix, a small regex of only the rows that can begin with it
        self.dispatch = {}
        compiled: dict[str, re.Pattern] = {}  # many prefixes share their rows ("drone", "drones")
        for p in prefixes:
            heads = {p[:j] for j in range(1, len(p) + 1)}  # a row serves p when one of its prefixes opens p
            rows_p = [g for g, found in starts if not heads.isdisjoint(found)]
            source = f"{before}(?:{'|'.join(rows_p)}){after}"
            self.dispatch[p] = compiled.get(source) or compiled.setdefault(source, re.compile(source))
        self.anchored = re.compile(f"(?:{'|'.join(anchored)}){after}", re.M) if anchored else None
        # a trie of the opening letters lets the regex engine skip quickly to the few places
        # where a phrase may begin
        # phrases begin at a word; zero-width, so that one prefix ("the a") does not hide the
        # next word's own ("assault")
        self.trigger = re.compile(r"\b(?=(" + trie_pattern(prefixes) + "))")

    def finditer(self, low: str, start: int = 0, end: int | None = None):
        """Yield the non-overlapping matches in ``low[start:end]`` (``low`` is lower-cased)."""
        end = len(low) if end is None else end
        if self.anchored is not None and start == 0:
            m = self.anchored.match(low, 0, end)
            if m:
                yield m
        if self.regex is None:
            return
        if self.everywhere:
            yield from self.regex.finditer(low, start, end)
            return
        last, dispatch = start, self.dispatch
        for t in self.trigger.finditer(low, start, end):
            i = t.start()
            if i < last:
                continue
            m = dispatch[t.group(1)].match(low, i, end)
            if m:
                yield m
                last = m.end()

    def search(self, low: str, start: int = 0, end: int | None = None):
        """The first match in ``low[start:end]``, or None."""
        return next(self.finditer(low, start, end), None)

    def value(self, m: re.Match):
        """The table value of the row that ``m`` matched."""
        name = m.lastgroup
        assert name is not None, "every alternative is a named group"
        return self.values[name]


def vocab_hits(vocab: "Vocabulary", low: str) -> list[tuple[int, int, object]]:
    """``(start, end, value)`` of every match of ``vocab`` in the lower-cased ``low``."""
    return [(m.start(), m.end(), vocab.values[m.lastgroup]) for m in vocab.finditer(low)]


class Lexicon:
    """Several vocabularies scanned in one pass over a whole report.

    Why: each vocabulary alone costs a scan of every sentence; one trie of all their opening
    letters finds every place where any phrase may begin, and only the vocabularies that can
    begin there are tried. The hits are then handed to the sentences they fall in.
    """

    def __init__(self, vocabularies: dict[str, Vocabulary]):
        self.names = list(vocabularies)
        self.vocabularies = vocabularies
        # typed entries let the compiled scan loop unpack them and index ``last`` natively
        table: dict[str, list[tuple[int, str, Callable[[str, int], Any], dict[str, object]]]] = {}
        for name, vocab in vocabularies.items():
            if vocab.everywhere:
                raise ValueError(f"vocabulary {name} has a pattern that may start anywhere")
            for p, rx in vocab.dispatch.items():
                table.setdefault(p, [])
        for p in table:
            heads = [p[:j] for j in range(len(p), 0, -1)]  # longest first
            for k, (name, vocab) in enumerate(vocabularies.items()):
                best = next((h for h in heads if h in vocab.dispatch), None)
                if best is not None:
                    table[p].append((k, name, vocab.dispatch[best].match, vocab.values))
        self.table = table
        # a trigger is the non-word character in front of a prefix: a pattern that opens with a
        # character class lets the regex engine skip in C to the ~one in six characters that can
        # stand before a word, where a zero-width "(?<!\w)" would be tried at every character
        self.trigger = re.compile(r"\W(?=(" + trie_pattern(table) + "))")

    def scan(self, low: str) -> dict[str, list[tuple[int, int, object]]]:
        """Return, per vocabulary, its non-overlapping hits ``(start, end, value)`` in ``low``."""
        return self.scan_spans(low, [(0, len(low))])[0]

    def scan_spans(self, low: str, spans: list[tuple[int, int]]) -> list[dict[str, list[tuple[int, int, object]]]]:
        """Scan ``low`` once and hand each hit to the span ``(start, end)`` it falls in.

        Why in one loop: a report's hits are wanted per sentence; sorting them into sentences
        while they are found spares a second pass over every hit. ``spans`` are in text order
        and do not overlap; offsets are made relative to each span's start, and a hit that
        runs past its span's end (or lies between spans) is dropped.

        A vocabulary with no hit in a span maps to one shared empty tuple: most sentences have
        hits of only a few vocabularies, and a fresh empty list for each of the others would
        cost more than the hand-out itself.
        """
        none: dict[str, Any] = dict.fromkeys(self.names, ())
        out: list[dict[str, Any]] = [none.copy() for _ in spans]
        ahead = iter([*spans[1:], (len(low) + 1, 0)])  # a trigger never reaches past the text
        table, last = self.table, [0] * len(self.names)
        span, share = -1, none
        start = stop = -1  # before the first span: no hit is kept
        next_start = spans[0][0] if spans else len(low) + 1
        # one space in front so that a word at the very start has its trigger too; a trigger's
        # offset in the padded text is then its word's offset in ``low``. ``split`` gives the text
        # between the triggers and each trigger's prefix (its group) without a match object per
        # trigger; a trigger takes one character, so its offset is the length of what comes before.
        parts: list[str] = self.trigger.split(" " + low)
        i = -1
        for n in range(1, len(parts), 2):
            i += len(parts[n - 1]) + 1
            while i >= next_start:
                span += 1
                share, (start, stop), next_start = out[span], spans[span], next(ahead)[0]
            for k, name, match, values in table[parts[n]]:
                if i < last[k]:
                    continue
                m = match(low, i)
                if m:
                    end: int = m.end()
                    last[k] = end
                    if start <= i and end <= stop:
                        hits = share[name]
                        if not hits:
                            hits = share[name] = []
                        hits.append((i - start, end - start, values[m.lastgroup]))
        return out
