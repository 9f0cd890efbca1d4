"""Panels beside and below the map: count tiles, the not-on-the-map list, a place's details.

Counts come from `query.summary` (the same function as ``python -m dashboard summary``), and a
figure no report states is shown as "not reported", never 0. Report text reaches the page only
through `evidence_html` (escaped first, then the numbers wrapped) or as plain text.
"""
from __future__ import annotations

import html
import re
from urllib.parse import urlparse

import pandas as pd
import streamlit as st

from ..events import FIGURES
from ..maps import dates_text, figures_text, weapon_label
from ..query import COUNTRY_NAMES
from ..rates import rate

NOT_REPORTED = "not reported"
#: Tile label -> (summary block, figure). Labels are read by the browser tests: keep them.
TILES = {
    "Drones launched": ("drones", "launched"),
    "Drones intercepted": ("drones", "intercepted"),
    "Cruise missiles launched": ("cruise_missiles", "launched"),
    "Cruise missiles intercepted": ("cruise_missiles", "intercepted"),
    "Ballistic missiles launched": ("ballistic_missiles", "launched"),
    "Ballistic missiles intercepted": ("ballistic_missiles", "intercepted"),
}
RATE_BLOCKS = ("drones", "missiles")
NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
                "eighty|ninety|hundred|dozens?|hundreds")
NUMBER_RE = re.compile(rf"\d[\d,.\u00a0\u202f]*\d|\d|\b(?:{NUMBER_WORDS})\b", re.IGNORECASE)
MAX_STRIKES_SHOWN = 25


def number(value) -> str:
    """A count for a tile: "1,234", or "not reported" when no report states it."""
    return NOT_REPORTED if value is None or pd.isna(value) else f"{int(value):,}"


def overall_rate(pairs: dict) -> tuple[float | None, str]:
    """Interception rate of drones and missiles together, with the per-class rates as help.

    ``pairs`` is `rates.paired_totals`: only strikes whose reports state both launched and
    intercepted count, so a claim of interceptions alone cannot push the rate past 100%.
    """
    parts = []
    for key, label in (("drones", "drones"), ("cruise_missiles", "cruise missiles"),
                       ("ballistic_missiles", "ballistic missiles"),
                       ("missiles_unspecified", "missiles of unstated type")):
        r = rate(pairs[key])
        if r is not None:
            parts.append(f"{label} {r:.0%} of {pairs[key][0]:,}")
    total = rate(tuple(a + b for a, b in zip(pairs["drones"], pairs["missiles"])))
    help_text = ("Intercepted \u00f7 launched, counting only the strikes whose reports state both "
                 "(so the launches counted may be fewer than the total shown). "
                 + ("By class: " + ", ".join(parts) + "." if parts else ""))
    return total, help_text


def count_tiles(result: dict, pairs: dict, columns: int = 4, *, compact: bool = False) -> None:
    """The count tiles (st.metric), labels fixed for the browser tests.

    ``compact`` (the slide) leaves out a weapon class none of whose figures is reported, so
    the slide has room; the page always shows every tile, "not reported" included.
    """
    tiles = [(label, number(result[block][fig]), None) for label, (block, fig) in TILES.items()
             if not compact or any(result[block][f] is not None for f in ("launched", "intercepted"))]
    share, rate_help = overall_rate(pairs)
    tiles.append(("Interception rate", NOT_REPORTED if share is None else f"{share:.0%}", rate_help))
    tiles += [("Killed", number(result["killed"]), None), ("Injured", number(result["injured"]), None),
              ("Places", f"{result['places']:,}", "Places on the map with at least one strike"),
              ("Reports", f"{result['reports']:,}", "Reports behind the figures shown")]
    for start in range(0, len(tiles), columns):
        cols = st.columns(columns)
        for col, (label, value, help_text) in zip(cols, tiles[start:start + columns]):
            col.metric(label, value, help=help_text, border=not compact)
    if compact:
        return
    others = []
    for key, word in (("missiles_unspecified", "missiles of unstated type"), ("glide_bombs", "glide bombs")):
        launched = result[key]["launched"]
        if launched:
            others.append(f"{launched:,} {word} launched")
    if others:
        st.caption("Also reported: " + "; ".join(others) + ".")


def unplaced_label(row: dict) -> str:
    """How a nationwide or sea figure is named in the list beside the map, with its weapon class."""
    name = row.get("place") or COUNTRY_NAMES.get(row.get("country"), row.get("country")) or "Unknown"
    weapon = f", {weapon_label(row['weapon']).lower()}" if row.get("weapon") else ""
    if row.get("geo_precision") == "country":
        return f"{name} \u2014 not broken down by region{weapon}"
    if row.get("geo_precision") == "macro_region":
        return f"{name} (part of the country, no single region){weapon}"
    return f"{name}{weapon}"


def unplaced_list(frame: pd.DataFrame) -> None:
    """"Not on the map": country, macro-region and sea figures, which have no single point."""
    st.markdown("**Not on the map: nationwide and sea figures**")
    if frame is None or frame.empty:
        st.caption("None in this selection.")
        return
    for row in frame.to_dict("records"):
        text = figures_text(row)
        if row.get("geo_precision") == "country" and text == "no figures reported":
            text = "all figures are in the regions on the map"
        st.markdown(f"- {plain_md(unplaced_label(row))}: {plain_md(text)}")
    st.caption("A country's figure here is only what its regional reports do not already count.")


def plain_md(text: str) -> str:
    """Plain text for st.markdown: Markdown and HTML characters shown as themselves."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!<>|~])", r"\\\1", html.escape(str(text), quote=False))


def evidence_html(sentence: str | None) -> str:
    """The evidence sentence, escaped first, then its numbers wrapped in <mark>."""
    if not sentence or pd.isna(sentence):
        return "<em>no sentence stored</em>"
    out, pos = [], 0
    text = str(sentence)
    for m in NUMBER_RE.finditer(text):
        out.append(html.escape(text[pos:m.start()]))
        out.append(f"<mark>{html.escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def safe_link(url: str | None, label: str | None) -> str:
    """An <a> for http(s) URLs only; anything else is shown as text."""
    label = html.escape(str(label or url or "source"))
    if url and not pd.isna(url) and urlparse(str(url)).scheme in ("http", "https"):
        return f'<a href="{html.escape(str(url), quote=True)}" target="_blank" rel="noopener noreferrer">{label}</a>'
    return label


def _claim_html(claim: dict) -> str:
    who = html.escape(str(claim.get("claimed_by") or "an unnamed source"))
    source = claim.get("source") if claim.get("source") and not pd.isna(claim.get("source")) else claim.get("title")
    url = claim.get("report_url") if claim.get("report_url") and not pd.isna(claim.get("report_url")) else claim.get("source_url")
    published = claim.get("published")
    when = f", published {html.escape(str(published))}" if published and not pd.isna(published) else ""
    return (f'<blockquote style="margin:.3em 0;border-left:3px solid #bbb;padding-left:.6em">'
            f"\u201c{evidence_html(claim.get('evidence'))}\u201d</blockquote>"
            f'<div style="font-size:.85em;color:#555">Claimed by {who} \u2014 {safe_link(url, source)}{when}</div>')


def _strike_header(strike: dict) -> str:
    day = dates_text(strike.get("date"), strike.get("date"))
    return f"{day} \u00b7 {weapon_label(strike.get('weapon'))} \u00b7 {figures_text(strike, FIGURES)}"


def _strike_block(strike: dict, claims: pd.DataFrame, note: str = "") -> None:
    st.markdown(f"**{plain_md(_strike_header(strike))}**")
    st.caption(plain_md("How the figure was chosen: " + str(strike.get("how") or "") + note))
    rows = claims[claims["_strike"] == strike["strike_id"]].to_dict("records")
    st.html("".join(_claim_html(c) for c in rows) or "<em>no report text stored</em>")


def place_details(place: str, country: str | None, strikes: pd.DataFrame, claims: pd.DataFrame) -> None:
    """Every event and report behind one place, newest first, with the other side's claims beside."""
    where = ", ".join(x for x in (place, COUNTRY_NAMES.get(country or "", country)) if x)
    st.subheader(plain_md(where))
    if strikes.empty:
        st.info("Nothing reported here for this selection.")
        return
    primary = strikes[strikes["alternative_of"].isna()]
    others = strikes[strikes["alternative_of"].notna()]
    st.caption(f"{len(primary)} strike(s) from {int(claims['report_id'].nunique())} report(s). "
               "Figures come from the most direct source that states them; reports of the same "
               "strike are never added together.")
    shown = primary.head(MAX_STRIKES_SHOWN).to_dict("records")
    paired = set()
    for strike in shown:
        with st.container(border=True):
            alts = others[others["alternative_of"] == strike["strike_id"]].to_dict("records")
            if alts:
                left, right = st.columns(2)
                with left:
                    _strike_block(strike, claims, " (counted)")
                with right:
                    for alt in alts:
                        paired.add(alt["strike_id"])
                        _strike_block(alt, claims, " \u2014 the other side's claim, shown beside, not counted")
            else:
                _strike_block(strike, claims)
    for alt in others[~others["strike_id"].isin(paired)].head(MAX_STRIKES_SHOWN).to_dict("records"):
        with st.container(border=True):
            _strike_block(alt, claims, " \u2014 the other side's claim (not counted)")
    if len(primary) > MAX_STRIKES_SHOWN:
        st.caption(f"Showing the latest {MAX_STRIKES_SHOWN} of {len(primary)}; narrow the dates to see the others, "
                   "or download the CSV.")
