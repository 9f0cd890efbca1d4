"""Presentation mode (toggle or ``?mode=slides``): a 16:9 slide with large type and no controls.

The filters still apply (from the URL or the sidebar, hidden by CSS). A small toolbar above the
slide holds the title, the way out, and the PNG export, which calls `slides.render_png` only
when asked: drawing a 1920x1080 picture is too slow to do on every rerun.
"""
from __future__ import annotations

import datetime as dt
import logging

import streamlit as st

from .. import maps
from ..credits import POINT_OF_VIEW, credit_line
from ..query import Selection, caption
from . import controls, data, mapview, panels

log = logging.getLogger(__name__)
SLIDE_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 1rem 2rem !important; }
.st-key-slide { aspect-ratio: 16 / 9; overflow: hidden; background: #fff; border: 1px solid #ddd;
  border-radius: 6px; padding: 1.4rem 2rem !important; }
.st-key-slide h1 { font-size: 3rem !important; line-height: 1.1; padding: 0 !important; }
.st-key-slide_caption p { font-size: 1.5rem !important; color: #333; }
.st-key-slide [data-testid="stMetricValue"] { font-size: 2.2rem !important; line-height: 1.15; }
.st-key-slide [data-testid="stMetricValue"] div { overflow: visible !important; white-space: normal !important; }
.st-key-slide [data-testid="stMetricLabel"] p { font-size: 1rem !important; }
.st-key-slide [data-testid="stMetric"] { padding: .2rem 0 !important; }
.st-key-slide_credit p { font-size: .95rem !important; color: #555; }
.st-key-slide_tools { font-size: .85rem; opacity: .85; }
[data-testid="stDeckGlJsonChart"] { background: #dde7ee; }
@media print { .st-key-slide_tools { display: none !important; } }
</style>
"""


def default_title(sel: Selection) -> str:
    """The kind of attacks selected ("Drone attacks"), as slides.render_png titles them."""
    return caption(Selection(weapon=sel.weapon)).removesuffix(", all dates")


def _toolbar(view_sel: Selection) -> str:
    """Title, exit, and the PNG export (prepared on click, then downloaded)."""
    with st.container(key="slide_tools"):
        c1, c2, c3, c4 = st.columns([1.2, 3, 1.3, 1.3], vertical_alignment="bottom")
        c1.toggle("Presentation mode", key=controls.PRESENT_KEY)
        title = c2.text_input("Slide title", key="slide_title", placeholder=default_title(view_sel)).strip()
        if c3.button("Prepare PNG", key="prepare_png", icon=":material/image:"):
            _prepare_png(view_sel, title)
        ready = st.session_state.get("_png")
        if ready and ready[0] == (view_sel, title):
            stem = "-".join(str(d) for d in (view_sel.date_from, view_sel.date_to) if d) or "all-dates"
            c4.download_button("Download PNG", data=ready[1], file_name=f"strikes-{stem}.png", mime="image/png",
                               key="dl_png", on_click="ignore", icon=":material/download:")
    return title or default_title(view_sel)


def _prepare_png(view_sel: Selection, title: str) -> None:
    loaded = data.current()
    try:
        from .. import slides  # lazily: matplotlib is heavy, and only this button needs it

        with st.spinner("Drawing the slide\u2026"):
            png = slides.render_png(loaded.full, view_sel, title=title or None)
    except Exception:  # noqa: BLE001 - the reader needs a sentence, the log the trace
        log.exception("slide PNG failed")
        st.error("The slide picture could not be made. The page itself is fine: try again, or "
                 "take a screenshot of the slide below.")
        return
    st.session_state["_png"] = ((view_sel, title), png)


def render(loaded: data.Loaded, sel: Selection, range_result: dict, start: dt.date | None, *,
           web_tiles: bool = False) -> None:
    """The slide: title, caption, map, counts, the not-on-the-map line and the credit."""
    st.markdown(SLIDE_CSS, unsafe_allow_html=True)
    view_sel = mapview.slice_selection(sel, start)
    title = _toolbar(view_sel)
    result = data.summary_of(loaded.key, view_sel, loaded)
    with st.container(key="slide"):
        st.title(title)
        with st.container(key="slide_caption"):
            st.markdown(panels.plain_md(result["caption"]))
        if range_result["events"] == 0 or result["events"] == 0:
            st.info("Nothing reported for this selection \u2014 widen the dates or clear filters.")
            return
        chosen = st.session_state.get(mapview.OPTS_KEY) or mapview.MapOptions()
        opts = mapview.MapOptions(figure=chosen.figure, shade=chosen.shade, arcs=chosen.arcs, web_tiles=web_tiles)
        deck, legend, _points = mapview.build(loaded, sel, view_sel, opts)
        map_col, tiles_col = st.columns([2.5, 1])
        with map_col:
            mapview.draw(deck, height=520)
            st.html(legend)
        with tiles_col:
            panels.count_tiles(result, data.rates_of(loaded.key, view_sel, loaded), columns=2, compact=True)
        unplaced = data.unplaced_of(loaded.key, view_sel, loaded)
        with st.container(key="slide_credit"):
            if not unplaced.empty:
                items = "; ".join(f"{panels.unplaced_label(r)}: {maps.figures_text(r)}"
                                  for r in unplaced.head(3).to_dict("records"))
                st.markdown(panels.plain_md(f"Not on the map: {items}."))
            credit = credit_line(data.sources_of(loaded.key, view_sel, loaded))
            st.markdown(panels.plain_md(credit + (f" {maps.WEB_TILES_CREDIT}." if web_tiles else "")
                                   + f" {POINT_OF_VIEW}."))
