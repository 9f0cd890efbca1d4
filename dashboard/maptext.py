"""The words of the map: tooltips and the numbers, dates and names in them (plain text).

Tooltips use deck.gl's *text* mode (``innerText``), so report text is never read as HTML;
strings deck.gl's JSON converter would run (``@@=...``) are defused. Each place's tooltip is
bounded (`TIP_EVIDENCE_CHARS`, `TIP_CLAIMANTS`) because every byte of it is resent to the
browser on every rerun; the click-details panel shows the whole sentence and every claimant.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .query import COUNTRY_NAMES, WEAPON_WORDS, date_range_words

#: Tooltip bounds: the evidence sentence is cut to this many characters ("…"), the claimants to
#: the first few ("and N more"); the click-details panel shows them whole.
TIP_EVIDENCE_CHARS = 140
TIP_CLAIMANTS = 2
TIP_CLICK = "Click for every report behind it"


# -- text ------------------------------------------------------------------------------------
def defuse(text: object) -> str:
    """Text safe to ship inside a deck spec: deck.gl's JSON converter runs ``@@=`` strings."""
    s = _text(text)
    return "\u200b" + s if s.startswith("@@") else s


def weapon_label(weapon: str) -> str:
    return WEAPON_WORDS.get(weapon, (str(weapon),))[0]


def _text(value) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) else str(value)


def number_text(value) -> str | None:
    return None if value is None or pd.isna(value) else f"{int(round(float(value))):,}"


def figures_text(row: dict, figures=("launched", "intercepted", "hit", "killed", "injured")) -> str:
    """"launched 40 · intercepted 35"; figures no report states are left out."""
    parts = [f"{f} {n}" for f in figures if (n := number_text(row.get(f))) is not None]
    return " \u00b7 ".join(parts) if parts else "no figures reported"


def _day(value) -> dt.date | None:
    """A date from a stored date string; None when absent or unreadable (NaT included)."""
    if isinstance(value, str) and len(value) == 10:     # the store's ISO dates: the fast path
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(stamp) else stamp.date()


def dates_text(first, last) -> str:
    """"1–6 Nov 2023" for a place's first and last strike, or "date not reported"."""
    start, end = _day(first), _day(last)
    if start is None and end is None:
        return "date not reported"
    return date_range_words(start or end, end or start)


def place_tip(row: dict) -> str:
    """The tooltip of one place (`place_tips` of a one-row table)."""
    return place_tips(pd.DataFrame([row]))[0]


def _each_distinct(values: np.ndarray, make) -> np.ndarray:
    """``make`` applied once per distinct non-empty value ("" stays ""), spread back to every row.

    Tooltip parts repeat a lot (weapon lists, claimant lists, date ranges), so this is a
    few hundred Python calls per map rather than one per circle.
    """
    codes, uniques = pd.factorize(values)
    words = np.array([make(u) if u != "" else "" for u in uniques] + [""], dtype=object)
    return words[codes]


def _weapons_words(text) -> str:
    return ", ".join(weapon_label(w) for w in str(text).split(", ") if w) or "weapon not stated"


def _claimants_words(text) -> str:
    """The first `TIP_CLAIMANTS` claimants, then "and N more" (all of them are in the details)."""
    names = [n for n in str(text).split("; ") if n]
    more = len(names) - TIP_CLAIMANTS
    return "; ".join(names[:TIP_CLAIMANTS]) + (f" and {more} more" if more > 0 else "")


def _evidence_words(text) -> str:
    """The sentence quoted, cut at a word to `TIP_EVIDENCE_CHARS` with "…" (the details keep it whole)."""
    text = str(text)
    if len(text) > TIP_EVIDENCE_CHARS:
        text = text[:TIP_EVIDENCE_CHARS].rsplit(" ", 1)[0] + "\u2026"
    return f"\u201c{text}\u201d"


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A text column as an object array of str, "" where missing or absent.

    The tooltips are joined on numpy object arrays, not pandas Series: the same per-element
    string additions, without pandas' fixed cost per operation (which made a map of five
    places slower than the Python loop this replaced).
    """
    if name not in frame:
        return np.full(len(frame), "", dtype=object)
    col = frame[name]
    values = col.to_numpy(dtype=object, na_value="") if hasattr(col, "to_numpy") else np.asarray(col, dtype=object)
    missing = pd.isna(values)
    if missing.any():
        values = np.where(missing, "", values)
    return values.astype(str).astype(object)


def _joined(sep: str, *parts: np.ndarray) -> np.ndarray:
    """Join per-row parts with ``sep``, leaving out empty ones."""
    out = parts[0]
    for part in parts[1:]:
        out = out + np.where((out != "") & (part != ""), sep, "") + part
    return out


def _prefixed(prefix: str, part: np.ndarray) -> np.ndarray:
    return np.where(part != "", prefix + part, "")


def place_tips(totals: pd.DataFrame) -> list[str]:
    """The tooltip of every place, as plain text (rendered with innerText, never as HTML).

    Place, dates, weapons, figures, counts, up to `TIP_CLAIMANTS` claimants, the evidence
    sentence cut to `TIP_EVIDENCE_CHARS` and the source: what the issue asks a hover to say,
    bounded so that ~1,500 circles stay within the page's byte budget. Built column-wise.
    """
    if totals is None or not len(totals):
        return []
    df, n = totals, len(totals)
    place, admin1 = _column(df, "place"), _column(df, "admin1")
    country = _each_distinct(_column(df, "country"), lambda c: COUNTRY_NAMES.get(c, c))
    where = _joined(", ", place, np.where(admin1 != place, admin1, ""), country)
    dates = _each_distinct(_column(df, "first_date") + "|" + _column(df, "last_date"),
                           lambda pair: dates_text(*pair.split("|")))
    weapons = _each_distinct(_column(df, "weapons"), _weapons_words)
    weapons = np.where(weapons != "", weapons, "weapon not stated")
    figures = np.full(n, "", dtype=object)
    for f in ("launched", "intercepted", "hit", "killed", "injured"):
        if f in df:
            v = pd.to_numeric(df[f], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            text = np.full(n, "", dtype=object)
            stated = ~np.isnan(v)
            text[stated] = [f"{f} {x:,}" for x in np.round(v[stated]).astype(np.int64).tolist()]
            figures = _joined(" \u00b7 ", figures, text)
    figures = np.where(figures != "", figures, "no figures reported")
    counts = [f"{a} strike(s), {b} report(s)" for a, b in zip(
        *(pd.to_numeric(df[c], errors="coerce").fillna(0).astype("int64").tolist() if c in df else [0] * n
          for c in ("strikes", "reports")))]
    tips = _joined("\n", where, dates + " \u2014 " + weapons, figures, np.array(counts, dtype=object),
                   _prefixed("Claimed by: ", _each_distinct(_column(df, "claimants"), _claimants_words)),
                   _each_distinct(_column(df, "evidence"), _evidence_words),
                   _prefixed("Source: ", _column(df, "source")), np.full(n, TIP_CLICK, dtype=object))
    return [defuse(t) for t in tips.tolist()]
