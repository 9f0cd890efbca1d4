"""The map as the page draws it: layers from cached aggregates, one fixed view, one fixed key.

Shared by the normal page and presentation mode, so a slide shows exactly what the page shows.
"""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from .. import maps
from ..aggregate import slice_range
from ..query import Selection, date_range_words
from . import data

MAP_KEY = "map"
OPTS_KEY = "_map_opts"   # the reader's map options, kept while the widgets are not drawn


@dataclass(frozen=True)
class MapOptions:
    """How the reader wants the map drawn (not part of the URL)."""

    figure: str = "launched"
    shade: bool = False
    arcs: bool = True
    web_tiles: bool = False


def options_row(*, arcs_available: bool, web_tiles: bool = False) -> MapOptions:
    """Circle size, region shading and arcs: the map's own controls, above it."""
    kept = st.session_state.get(OPTS_KEY)
    if kept is not None:   # back from presentation mode: the widgets were dropped meanwhile
        for key, value in (("figure", kept.figure), ("shade", kept.shade), ("arcs", kept.arcs)):
            st.session_state.setdefault(key, value)
    st.session_state.setdefault("arcs", True)
    c1, c2, c3 = st.columns([2, 1, 1])
    figure = c1.selectbox("Circle size shows", list(maps.SIZE_FIGURES), key="figure",
                          format_func=maps.SIZE_FIGURES.get,
                          help="Circle area grows with the number (square root), with a minimum size.")
    shade = c2.toggle("Shade regions", key="shade", help="Colour admin-1 regions by the same figure.")
    arcs = c3.toggle("Launch sites", key="arcs", disabled=not arcs_available,
                     help="Arcs from launch sites, where reports name them.")
    return MapOptions(figure=figure, shade=shade, arcs=arcs and arcs_available, web_tiles=web_tiles)


def slice_selection(sel: Selection, start: dt.date | None) -> Selection:
    """The selection narrowed to one time slice (kept inside the chosen dates)."""
    if start is None:
        return sel
    first, last = slice_range(start, sel.slice)
    if sel.date_from:
        first = max(first, sel.date_from)
    if sel.date_to:
        last = min(last, sel.date_to)
    return replace(sel, date_from=first, date_to=last)


def slice_label(start: dt.date, size: str) -> str:
    first, last = slice_range(start, size)
    return date_range_words(first, last)


def scale_max(loaded: data.Loaded, sel: Selection, figure: str) -> float | None:
    """The largest per-place figure over the whole chosen range (sizes comparable across slices)."""
    totals = data.places_of(loaded.key, sel, loaded)
    if totals.empty:
        return None
    top = maps.figure_values(totals, figure).max()
    return None if pd.isna(top) or top <= 0 else float(top)


def build(loaded: data.Loaded, range_sel: Selection, view_sel: Selection, opts: MapOptions):
    """The Deck, the legend HTML, and the points drawn (for the details picker).

    Returns
    -------
    deck : pydeck.Deck
    legend : str
    points : list of dict
    """
    basemap = maps.load_basemap()
    places = data.places_of(loaded.key, view_sel, loaded)
    top = scale_max(loaded, range_sel, opts.figure)
    points = maps.place_points(places, figure=opts.figure, scale_max=top)
    layers = [maps.land_layer(basemap, web_tiles=opts.web_tiles)]
    region_max = None
    if opts.shade:
        shaded, region_max = maps.region_shading(
            basemap, data.regions_of(loaded.key, view_sel, opts.figure, loaded), figure=opts.figure)
        layers.append(maps.region_layer(shaded))
    else:
        layers.append(maps.admin1_layer(basemap))
    if opts.arcs:
        routes = maps.arc_routes(data.arcs_of(loaded.key, view_sel, loaded))
        if routes:
            layers.append(maps.arcs_layer(routes))
    layers.append(maps.points_layer(points))
    layers.append(maps.labels_layer(basemap.labels, layer_id="country_labels", size=14))
    layers.append(maps.labels_layer(maps.top_place_labels(points), layer_id="place_labels", size=12))
    drawn = places[places["lat"].notna()] if len(places) else places
    weapons = sorted({w for w in drawn.get("weapon", []) if w in maps.WEAPON_COLOURS},
                     key=list(maps.WEAPON_COLOURS).index)
    legend = legend_html(weapons, figure=opts.figure, scale_max=top, region_max=region_max,
                         hidden=maps.hidden_places(places, points))
    return maps.build_deck(layers, web_tiles=opts.web_tiles), legend, points


def legend_html(weapons: list[str], *, figure: str, scale_max: float | None,
                region_max: float | None = None, hidden: int = 0) -> str:
    """A small HTML legend: weapon colours, what circle size means, the region shading, and
    how many smaller places were not drawn (`maps.MAX_CIRCLES`)."""
    chips = "".join(
        f'<span style="display:inline-flex;align-items:center;margin:0 .8em .2em 0">'
        f'<span style="width:.85em;height:.85em;border-radius:50%;display:inline-block;margin-right:.35em;'
        f'background:rgb{maps.WEAPON_COLOURS.get(w, maps.WEAPON_COLOURS["unknown"])}"></span>{html.escape(maps.weapon_label(w))}</span>'
        for w in weapons)
    word = html.escape(maps.figure_word(figure))
    size = (f"Circle area shows {word}; the largest is {maps.number_text(scale_max)}. "
            f"Pale small circles: {word} not reported."
            if scale_max else f"No {word} reported: circles at the minimum size.")
    regions = ""
    if region_max:
        a, b = (f"rgb{c}" for c in maps.RAMP)
        regions = (f'<div>Regions shaded by {word}: '
                   f'<span style="display:inline-block;width:5em;height:.7em;background:linear-gradient(90deg,{a},{b})">'
                   f'</span> up to {maps.number_text(region_max)}</div>')
    left_out = (f"<div>{hidden:,} smaller place(s) not drawn; narrow the dates or the filters to see "
                f"them.</div>" if hidden else "")
    return f'<div style="font-size:.9rem;line-height:1.5">{chips}<div>{size}</div>{regions}{left_out}</div>'


def draw(deck, *, height: int = 560):
    """The one map chart of the page: fixed key, click selection on, layers with fixed ids."""
    return st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key=MAP_KEY,
                           height=height, width="stretch")


def clicked_place(event) -> tuple[str, str | None] | None:
    """(place, country) of the clicked circle, or None.

    Reads the selection by item access, which works for Streamlit's state object and for the
    plain dict a test injects.
    """
    try:
        objects = event["selection"]["objects"]
    except (KeyError, TypeError):
        return None
    rows = (objects or {}).get("places") or []
    if not rows:
        return None
    row = rows[0]
    return row.get("place") or "", row.get("country") or None


def small_multiple_panels(loaded: data.Loaded, sel: Selection, slices: list[dt.date], figure: str,
                          limit: int = 8) -> list[tuple[str, pd.DataFrame]]:
    """Per-slice points for the small maps: the latest ``limit`` slices of the selection."""
    panels = []
    for start, totals in data.per_slice_places(loaded.key, sel, tuple(slices[-limit:]), loaded):
        if totals.empty:
            continue
        frame = totals.reindex(columns=["place", "lon", "lat", "weapon"]).assign(
            value=maps.figure_values(totals, figure))
        panels.append((slice_label(start, sel.slice), frame[frame["lat"].notna()]))
    return panels
