"""The "Map" page: filters, counts, the map with its details, time slicing, charts, downloads.

Layout only. The view that changes while stepping through time (counts, map, details) is one
`st.fragment`, so playback reruns only that part; everything it shows comes from cached
aggregates keyed by the store's path, its version and the selection.
"""
from __future__ import annotations

import datetime as dt
import time

import streamlit as st

from .. import charts, maps
from ..credits import POINT_OF_VIEW, credit_line
from ..query import Selection
from . import controls, data, mapview, panels, presentation

NO_REPORTS = ("No reports yet: run `make run` or `python -m dashboard ingest seeds/`, "
              "or add some on the **Add reports** page.")
EMPTY_SELECTION = "Nothing reported for this selection \u2014 widen the dates or clear filters."
PLAY_SECONDS = 2.0
TITLE = "Reported aerial strikes"
READING_NOTE = ("Figures as claimed by officials and reported by the media, not verified. Reports of the "
                "same strike are counted once. Hover a circle for what was reported there; click it for "
                "every report behind it.")
SEA_CSS = '<style>[data-testid="stDeckGlJsonChart"] { background: #dde7ee; }</style>'


def render() -> None:
    """The whole page; called by st.navigation through app.py's error guard."""
    try:
        loaded = data.current()
    except data.StoreProblem as exc:
        st.error(str(exc))
        return
    if loaded is None or loaded.empty:
        st.title(TITLE)
        st.info(NO_REPORTS)
        return
    sel = controls.sidebar(loaded)
    web_tiles = controls.advanced()
    present = st.session_state.get(controls.PRESENT_KEY, False)
    if not present:
        st.sidebar.toggle("Presentation mode", key=controls.PRESENT_KEY,
                          help="A 16:9 slide: large type, no controls, with an export to PNG.")
        present = st.session_state[controls.PRESENT_KEY]
    controls.sync_url(sel, present)
    range_result = data.summary_of(loaded.key, sel, loaded)
    if present:
        presentation.render(loaded, sel, range_result, current_slice(loaded, sel), web_tiles=web_tiles)
        return
    st.title(TITLE)
    st.caption(READING_NOTE)
    if range_result["events"] == 0:
        st.caption(panels.plain_md(range_result["caption"]))
        st.info(EMPTY_SELECTION)
        return
    arcs_available = not data.arcs_of(loaded.key, sel, loaded).empty
    opts = mapview.options_row(arcs_available=arcs_available, web_tiles=web_tiles)
    st.session_state[mapview.OPTS_KEY] = opts   # presentation mode draws the same map
    playing = False
    if len(_slices(loaded, sel)) > 1:
        playing = st.toggle("\u25b6 Play through the slices", key="play", on_change=_on_play,
                            help=f"Steps to the next {sel.slice} every {PLAY_SECONDS:.0f} seconds, then starts again.")
    if not web_tiles:   # the offline basemap has no sea: the chart's own background is the sea
        st.markdown(SEA_CSS, unsafe_allow_html=True)
    view = st.fragment(_view, run_every=PLAY_SECONDS if playing else None)
    view(loaded, sel, opts)
    _below(loaded, sel, opts)


def _on_play() -> None:
    st.session_state["_play_last"] = 0.0


# -- stepping through time -------------------------------------------------------------------
def _slices(loaded: data.Loaded, sel: Selection) -> list[dt.date]:
    slices = data.slices_of(loaded.key, sel, loaded)
    ss = st.session_state
    signature = (loaded.key, sel)
    if ss.get("_slice_sig") != signature:
        ss["_slice_sig"] = signature
        ss["slice_pos"] = None
    return slices


def current_slice(loaded: data.Loaded, sel: Selection) -> dt.date | None:
    """The slice the map shows (None: the whole range)."""
    slices = _slices(loaded, sel)
    pos = st.session_state.get("slice_pos")
    return slices[pos] if pos is not None and 0 <= pos < len(slices) else None


def _step(delta: int, n: int) -> None:
    ss = st.session_state
    pos = ss.get("slice_pos")
    if pos is None:
        pos = 0 if delta > 0 else n - 1
    else:
        pos = (pos + delta) % n
    ss["slice_pos"] = pos


def _picked() -> None:
    pick = st.session_state["slice_pick"]
    st.session_state["slice_pos"] = None if pick < 0 else pick


def _step_controls(slices: list[dt.date], size: str) -> None:
    ss = st.session_state
    n = len(slices)
    if ss.get("play") and n > 1 and time.monotonic() - ss.get("_play_last", 0.0) >= PLAY_SECONDS * 0.9:
        _step(1, n)
        ss["_play_last"] = time.monotonic()
    pos = ss.get("slice_pos")
    ss["slice_pick"] = -1 if pos is None or pos >= n else pos
    left, middle, right = st.columns([1, 6, 1], vertical_alignment="bottom")
    left.button("\u25c0 Previous", key="slice_prev", on_click=_step, args=(-1, n), width="stretch")
    middle.select_slider("Showing", options=[-1, *range(n)], key="slice_pick", on_change=_picked,
                         format_func=lambda i: "All dates chosen" if i < 0 else mapview.slice_label(slices[i], size))
    right.button("Next \u25b6", key="slice_next", on_click=_step, args=(1, n), width="stretch")


def _view(loaded: data.Loaded, sel: Selection, opts: mapview.MapOptions) -> None:
    """Counts, map, legend, the not-on-the-map list and the details of a clicked place."""
    slices = _slices(loaded, sel)
    if len(slices) > 1:
        _step_controls(slices, sel.slice)
    view_sel = mapview.slice_selection(sel, current_slice(loaded, sel))
    result = data.summary_of(loaded.key, view_sel, loaded)
    st.markdown(f"#### {panels.plain_md(result['caption'])}")
    panels.count_tiles(result, data.rates_of(loaded.key, view_sel, loaded))
    deck, legend, points = mapview.build(loaded, sel, view_sel, opts)
    map_col, side_col = st.columns([3, 1])
    with map_col:
        event = mapview.draw(deck)
        credit = credit_line(data.sources_of(loaded.key, view_sel, loaded))
        st.caption(panels.plain_md(credit + (f" {maps.WEB_TILES_CREDIT}." if opts.web_tiles else "")
                              + f" {POINT_OF_VIEW}."))
    with side_col:
        st.html(legend)
        panels.unplaced_list(data.unplaced_of(loaded.key, view_sel, loaded))
    _details(loaded, view_sel, points, event)


def _details(loaded: data.Loaded, view_sel: Selection, points: list[dict], event) -> None:
    """The details of one place: picked by a click on the map, or from the list."""
    ss = st.session_state
    keys = {f"{p['place']}|{p['country']}": p for p in sorted(points, key=lambda p: (-(p['v'] or 0), p['place']))}
    clicked = mapview.clicked_place(event)
    if clicked is not None:
        signature = f"{clicked[0]}|{clicked[1] or ''}"
        if signature != ss.get("_last_click"):
            ss["_last_click"] = signature
            if signature in keys:
                ss["detail_place"] = signature
    if ss.get("detail_place") not in keys:
        ss["detail_place"] = None
    choice = st.selectbox("Details for a place", list(keys), key="detail_place",
                          placeholder="Click a circle on the map, or choose a place here",
                          format_func=lambda k: f"{keys[k]['place']} ({keys[k]['country'] or 'no country'})")
    if choice is None:
        return
    place, country = keys[choice]["place"], keys[choice]["country"] or None
    strikes = data.strikes_behind(loaded, view_sel, place, country)
    claims = data.claims_behind(loaded, strikes["strike_id"].tolist())
    panels.place_details(place, country, strikes, claims)


# -- below the view --------------------------------------------------------------------------
def _below(loaded: data.Loaded, sel: Selection, opts: mapview.MapOptions) -> None:
    st.divider()
    series = data.series_of(loaded.key, sel, loaded)
    if series.empty:
        st.caption("No launched or intercepted figures reported in these dates: nothing to chart.")
    else:
        st.altair_chart(charts.series_chart(series, slice_size=sel.slice, highlight=current_slice(loaded, sel)),
                        width="stretch")
    if st.toggle("Small multiples: one map per slice", key="small_multiples",
                 help="The latest 8 slices of the chosen dates, on one size scale."):
        slices = data.slices_of(loaded.key, sel, loaded)
        panels_ = mapview.small_multiple_panels(loaded, sel, slices, opts.figure)
        chart = charts.small_multiples(panels_, maps.small_outline(maps.load_basemap()), figure=opts.figure,
                                       scale_max=mapview.scale_max(loaded, sel, opts.figure))
        if chart is None:
            st.caption("No places to draw.")
        else:
            if len(slices) > charts.MAX_SMALL_MAPS:
                st.caption(f"The latest {charts.MAX_SMALL_MAPS} of {len(slices)} slices; narrow the dates for others.")
            st.altair_chart(chart)
    _downloads(loaded, sel)


def _downloads(loaded: data.Loaded, sel: Selection) -> None:
    """CSV and GeoJSON of the chosen events, built only when a button is clicked."""
    from ..exports import export_bytes

    view_sel = mapview.slice_selection(sel, current_slice(loaded, sel))
    stem = "-".join(["strikes", *(str(d) for d in (view_sel.date_from, view_sel.date_to) if d)])
    st.markdown("**Download the events shown**")
    c1, c2, _ = st.columns([1, 1, 2])
    c1.download_button("Events as CSV", key="dl_csv", mime="text/csv", file_name=f"{stem}.csv",
                       data=lambda: export_bytes(data.rows_for_export(loaded, view_sel), "csv"),
                       on_click="ignore", icon=":material/download:")
    c2.download_button("Events as GeoJSON", key="dl_geojson", mime="application/geo+json",
                       file_name=f"{stem}.geojson", on_click="ignore", icon=":material/download:",
                       data=lambda: export_bytes(data.rows_for_export(loaded, view_sel), "geojson"))
