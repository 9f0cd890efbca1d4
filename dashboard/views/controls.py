"""The sidebar's quick filters and the URL: one `query.FILTERS` table drives both.

The URL is read once per session (and whenever the filter widgets have been dropped, e.g.
after a visit to another page) and written back whenever the selection changes, so a copied
link reproduces the view. Presets are relative to today; a preset written to the URL becomes
explicit dates, so tomorrow the same link still shows the same days.
"""
from __future__ import annotations

import datetime as dt
import os
from typing import Callable

import streamlit as st

from ..query import (COUNTRY_NAMES, FILTERS, SIDE_NAMES, SLICES, WEAPON_WORDS, Selection,
                     selection_from_params, selection_to_params)
from ..events import WEAPON_CLASSES
from .data import Loaded

#: Date presets: label -> days back from today (None: all dates).
PRESETS: dict[str, int | None] = {"All dates": None, "Last 24 hours": 1, "Last 7 days": 6,
                                  "Last 30 days": 29, "Custom": -1}
SLICE_LABELS = {"day": "Day", "week": "Week", "month": "Month"}
PARAMS_KEY = "_params"          # the last selection as URL parameters (survives page switches)
PRESENT_KEY = "present"


def today() -> dt.date:
    """Today's date (a function so tests can pin it)."""
    return dt.date.today()


def _key(param: str) -> str:
    return f"f_{param}"


def choice_options(loaded: Loaded) -> dict[str, tuple[list[str], Callable[[str], str]]]:
    """Options and their labels for each choice filter, from what the store holds."""
    return {
        "weapon": (list(WEAPON_CLASSES), lambda w: WEAPON_WORDS[w][0]),
        "country": (list(loaded.countries), lambda c: COUNTRY_NAMES.get(c, c)),
        "claimant": (list(SIDE_NAMES), lambda c: SIDE_NAMES[c].capitalize()),
        "source": (list(loaded.sources), str),
    }


def date_bounds(loaded: Loaded, sel: Selection | None = None) -> tuple[dt.date, dt.date]:
    """The slider's ends: the store's dates, widened to today and to dates asked in the URL."""
    days = [d for d in (loaded.first_date, loaded.last_date, today()) if d]
    if sel is not None:
        days += [d for d in (sel.date_from, sel.date_to) if d]
    lo, hi = min(days), max(days)
    return (lo - dt.timedelta(days=1), hi) if lo == hi else (lo, hi)


def preset_range(label: str, lo: dt.date, hi: dt.date) -> tuple[dt.date, dt.date]:
    back = PRESETS.get(label)
    if back is None or back < 0:
        return lo, hi
    end = today()
    return max(lo, min(hi, end - dt.timedelta(days=back))), min(hi, end)


def _seed(loaded: Loaded) -> None:
    """Put the URL's (or the remembered) selection into any filter widget not yet in state."""
    ss = st.session_state
    if PARAMS_KEY not in ss:
        ss[PARAMS_KEY] = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    params = ss[PARAMS_KEY]
    sel = selection_from_params(params)
    options = choice_options(loaded)
    for f in FILTERS:
        key = _key(f.param)
        if key in ss:
            continue
        if f.kind == "choice":
            ss[key] = [v for v in sel.values()[f.param] if v in options[f.param][0]]
        elif f.kind == "contains":
            ss[key] = sel.place
    if _key("slice") not in ss:
        ss[_key("slice")] = sel.slice
    lo, hi = date_bounds(loaded, sel)
    if "f_dates" not in ss or "f_preset" not in ss:
        if sel.date_from or sel.date_to:
            ss["f_preset"] = "Custom"
            ss["f_dates"] = (sel.date_from or lo, sel.date_to or hi)
        else:
            ss["f_preset"] = "All dates"
            ss["f_dates"] = (lo, hi)
    if PRESENT_KEY not in ss:
        mode = params.get("mode") or []
        ss[PRESENT_KEY] = (mode[-1] if isinstance(mode, list) and mode else mode) == "slides"


def _on_preset() -> None:
    ss = st.session_state
    lo, hi = ss["_bounds"]
    ss["f_dates"] = preset_range(ss["f_preset"], lo, hi)


def _on_dates() -> None:
    st.session_state["f_preset"] = "Custom"


def clear_filters() -> None:
    """Reset every filter to 'all' (a callback, so it runs before the widgets are drawn)."""
    ss = st.session_state
    for f in FILTERS:
        if f.kind == "choice":
            ss[_key(f.param)] = []
        elif f.kind == "contains":
            ss[_key(f.param)] = ""
    ss["f_preset"] = "All dates"
    if "_bounds" in ss:
        ss["f_dates"] = ss["_bounds"]


def _date_controls(loaded: Loaded, f_from, f_to) -> tuple[dt.date | None, dt.date | None]:
    ss = st.session_state
    lo, hi = date_bounds(loaded)
    start, end = ss.get("f_dates", (lo, hi))
    lo, hi = min(lo, start), max(hi, end)
    ss["_bounds"] = (lo, hi)
    ss["f_dates"] = (max(lo, min(start, hi)), max(lo, min(end, hi)))
    st.radio("Dates", list(PRESETS), key="f_preset", on_change=_on_preset, horizontal=True,
             help="Presets count back from today. Night attacks take the morning's date.")
    st.slider(f"{f_from.label} \u2013 {f_to.label}", min_value=lo, max_value=hi, key="f_dates",
              on_change=_on_dates, format="D MMM YYYY", help=f"{f_from.help}; {f_to.help}")
    preset = ss["f_preset"]
    if preset == "All dates":
        return None, None
    if preset != "Custom":
        return preset_range(preset, lo, hi)
    return ss["f_dates"]


def sidebar(loaded: Loaded) -> Selection:
    """Draw the quick filters (from `query.FILTERS`) and return the reader's selection."""
    _seed(loaded)
    ss = st.session_state
    options = choice_options(loaded)
    values: dict[str, object] = {}
    by_kind = {f.kind: f for f in FILTERS if f.kind in ("date_from", "date_to")}
    with st.sidebar:
        st.header("Filters")
        date_from, date_to = _date_controls(loaded, by_kind["date_from"], by_kind["date_to"])
        st.radio("Slice size", list(SLICES), key=_key("slice"), horizontal=True,
                 format_func=lambda s: SLICE_LABELS.get(s, s),
                 help="Time step for the chart, the step-through and the small maps.")
        for f in FILTERS:
            key = _key(f.param)
            if f.kind == "choice":
                opts, label = options[f.param]
                ss[key] = [v for v in ss.get(key, []) if v in opts]
                values[f.param] = tuple(st.multiselect(f.label, opts, key=key, format_func=label,
                                                       help=f.help, placeholder="All"))
            elif f.kind == "contains":
                values[f.param] = st.text_input(f.label, key=key, help=f.help,
                                                placeholder="e.g. Kyiv").strip()
        st.button("Clear filters", on_click=clear_filters, key="clear_filters")
    return Selection(date_from=date_from, date_to=date_to, weapon=values["weapon"],
                     country=values["country"], claimant=values["claimant"], place=values["place"],
                     source=values["source"], slice=ss[_key("slice")])


def advanced() -> bool:
    """The "Advanced" expander: opt-in web tiles (off unless STRIKES_WEB_TILES=1)."""
    default = os.environ.get("STRIKES_WEB_TILES", "").strip().lower() in ("1", "true", "yes", "on")
    st.session_state.setdefault("web_tiles", default)
    with st.sidebar.expander("Advanced"):
        on = st.toggle("Web map tiles (OpenFreeMap)", key="web_tiles",
                       help="Draws street-map tiles under the data. The browser then fetches them "
                            "from the internet; off, nothing leaves this machine.")
    return on


def params_for(sel: Selection, present: bool) -> dict[str, str]:
    """URL parameters of the view: the selection, plus ``mode=slides`` in presentation mode."""
    params = selection_to_params(sel)
    if present:
        params["mode"] = "slides"
    return params


def sync_url(sel: Selection, present: bool) -> None:
    """Write the view to the URL (only when it changed, to avoid needless messages)."""
    params = params_for(sel, present)
    st.session_state[PARAMS_KEY] = {k: [v] for k, v in params.items()}
    current = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    if current != {k: [v] for k, v in params.items()}:
        st.query_params.from_dict(params)
