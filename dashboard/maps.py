"""The map's pydeck layers, one idea per function, each built from aggregate frames only.

Why it looks like this:

* The basemap is offline: Natural Earth countries and admin-1 regions from ``data/basemap``,
  drawn as GeoJSON layers, and the Deck is made with ``map_provider=None`` (measured with
  streamlit 1.67: ``map_style=None`` still fetches Carto tiles, ``map_provider=None`` with the
  default style fetches nothing). Web tiles are opt-in (`WEB_TILES_STYLE`).
* Every layer has an explicit id, so a click selection survives reruns, and the view state
  is a constant (`INITIAL_VIEW`) so zoom and pan survive a filter change.
* Tooltips use deck.gl's *text* mode with one pre-built field, ``tip``: deck.gl writes it with
  ``innerText``, so a report containing ``<script>`` shows as text and runs nothing, in any
  Streamlit version. (The *html* mode would need escaping, and streamlit 1.67's front end
  escapes interpolated values itself, so escaping here too would print ``&lt;`` to readers.)
  Strings that deck.gl's JSON converter would read as code (``@@=...``) are defused.
* What reaches the browser is one object per place, region or launch route, never per event.
"""
from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.types import String

from .maptext import (TIP_CLAIMANTS, TIP_CLICK, TIP_EVIDENCE_CHARS, dates_text, defuse,  # noqa: F401 (re-exported)
                      figures_text, number_text, place_tip, place_tips, weapon_label)

BASEMAP_DIR = Path(__file__).resolve().parent.parent / "data" / "basemap"
#: Okabe-Ito colours, safe for colour-blind readers; one per weapon class.
WEAPON_COLOURS: dict[str, tuple[int, int, int]] = {
    "drone": (230, 159, 0),             # orange
    "cruise_missile": (0, 114, 178),    # blue
    "ballistic_missile": (213, 94, 0),  # vermillion
    "missile": (86, 180, 233),          # sky blue: a missile of unstated type
    "glide_bomb": (0, 158, 115),        # bluish green
    "unknown": (120, 120, 120),         # grey
}
#: Figures a circle can be sized by, with the words the page uses for them.
SIZE_FIGURES = {"largest": "Largest figure (launched, intercepted or hit)", "launched": "Launched",
                "intercepted": "Intercepted", "killed": "Killed", "injured": "Injured",
                "hit": "Hit (reached a target)"}
#: What "largest" reads at a place (the slide's circles follow the same rule): a night with only
#: interceptions reported still gets a circle of its size.
LARGEST_OF = ("launched", "intercepted", "hit")


def figure_word(figure: str) -> str:
    """The figure in a sentence: "launched", "the largest figure"."""
    return "the largest figure" if figure == "largest" else figure


def figure_values(frame: pd.DataFrame, figure: str) -> pd.Series:
    """Per-row values of a size figure; "largest" is the biggest stated of `LARGEST_OF`."""
    names = [c for c in LARGEST_OF if c in frame] if figure == "largest" else [figure] * (figure in frame)
    if not names:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    values = frame[names].apply(pd.to_numeric, errors="coerce").astype("float64")
    return values.max(axis=1)
#: A fixed view of Ukraine and western Russia: never computed from the selection.
INITIAL_VIEW = pdk.ViewState(latitude=50.2, longitude=34.5, zoom=4.0, min_zoom=2.5, max_zoom=12,
                             pitch=0, bearing=0)
#: Opt-in web tiles: OpenFreeMap's style, no token (env STRIKES_WEB_TILES=1 or the toggle).
WEB_TILES_STYLE = "https://tiles.openfreemap.org/styles/positron"
WEB_TILES_CREDIT = "Map tiles OpenFreeMap, data \u00a9 OpenStreetMap contributors"
MIN_RADIUS_PX, MAX_RADIUS_PX = 4.0, 38.0
#: The part of Europe the basemap keeps; farther regions only add bytes to every page.
BASEMAP_BOX = (12.0, 40.0, 62.0, 70.0)
ADMIN1_COUNTRIES = ("UA", "RU", "BY", "MD", "RO", "PL")
LABEL_COUNTRIES = ("UA", "RU", "BY", "MD", "RO", "PL", "HU", "SK", "GE", "TR", "LT", "LV", "KZ", "FI")
#: At most this many circles are sent (the largest at the current figure): with bounded
#: tooltips (~300 bytes each) they keep the deck under 1 MB with the ~290 kB basemap.
MAX_CIRCLES = 1_500
#: ... and at most this many bytes of circle records (long tooltips make fewer circles).
CIRCLE_BYTES = 620_000


@dataclass(frozen=True, eq=False)
class Basemap:
    """Simplified country and region outlines as GeoJSON dicts, plus country label points."""

    admin0: dict
    admin1: dict
    labels: tuple[dict, ...]


def _simplified(path: Path, tolerance: float, keep=None) -> dict:
    """A FeatureCollection clipped to `BASEMAP_BOX`, simplified, coordinates rounded.

    Rounding to 0.01 degrees (about 1 km) keeps the map sharp at the zooms a reader uses
    while cutting what every rerun sends to the browser to a few hundred kilobytes.
    """
    import shapely
    from shapely.geometry import box, mapping, shape

    clip = box(*BASEMAP_BOX)
    source = json.loads(path.read_text(encoding="utf-8"))
    features = []
    for feature in source.get("features", []):
        props = feature.get("properties") or {}
        if keep is not None and not keep(props):
            continue
        geom = shape(feature["geometry"])
        if not geom.intersects(clip):
            continue
        geom = shapely.set_precision(geom.intersection(clip).simplify(tolerance), 0.01)
        if geom.is_empty:
            continue
        features.append({"type": "Feature", "properties": dict(props), "geometry": mapping(geom)})
    return {"type": "FeatureCollection", "features": features}


@lru_cache(maxsize=2)
def load_basemap(directory: str | Path = BASEMAP_DIR) -> Basemap:
    """Read ``admin0.geojson`` and ``admin1.geojson`` once per process.

    Missing files give an empty basemap rather than an error: the circles still mean
    something without borders, and the page should not die for want of a backdrop.
    """
    directory = Path(directory)
    empty = {"type": "FeatureCollection", "features": []}
    a0 = directory / "admin0.geojson"
    a1 = directory / "admin1.geojson"
    admin0 = _simplified(a0, 0.02) if a0.exists() else empty
    admin1 = (_simplified(a1, 0.03, keep=lambda p: p.get("iso_a2") in ADMIN1_COUNTRIES)
              if a1.exists() else empty)
    labels = tuple(
        {"label": f["properties"]["name"], "lon": float(f["properties"]["label_lon"]),
         "lat": float(f["properties"]["label_lat"])}
        for f in admin0["features"]
        if f["properties"].get("iso_a2") in LABEL_COUNTRIES and f["properties"].get("label_lat") is not None)
    for shared in (admin0, admin1):      # read-only from here on: their layers' JSON is kept
        CONSTANT_DATA[id(shared)] = shared
    return Basemap(admin0=admin0, admin1=admin1, labels=labels)


#: Layer data that never changes once loaded (the basemap's GeoJSON), by id; held here so an
#: id is never reused. `CompactDeck.to_json` serialises a layer of such data once.
CONSTANT_DATA: dict[int, object] = {}


#: The part shown by the small multiples (Ukraine and western Russia).
SMALL_BOX = (22.0, 43.5, 48.5, 56.5)


@lru_cache(maxsize=2)
def small_outline(basemap: Basemap) -> dict:
    """Country outlines clipped to `SMALL_BOX`, coarser: for the small Altair maps."""
    import shapely
    from shapely.geometry import box, mapping, shape

    clip = box(*SMALL_BOX)
    features = []
    for feature in basemap.admin0["features"]:
        geom = shape(feature["geometry"])
        if geom.intersects(clip):
            geom = shapely.set_precision(geom.intersection(clip).simplify(0.05), 0.01)
            if not geom.is_empty:
                features.append({"type": "Feature", "geometry": mapping(geom),
                                 "properties": {"name": feature["properties"].get("name")}})
    return {"type": "FeatureCollection", "features": features}


# -- circles (their tooltips: maptext.py) ----------------------------------------------------
def radius_px(values, scale_max: float | None) -> np.ndarray:
    """Circle radius in pixels: area grows with the figure (sqrt), never below the minimum.

    ``scale_max`` is the largest figure the scale must fit; the page passes the largest over
    the whole date range, so stepping through slices keeps sizes comparable.
    """
    v = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").to_numpy(dtype="float64")
    v = np.nan_to_num(v, nan=0.0).clip(min=0)
    top = float(scale_max) if scale_max and scale_max > 0 else 1.0
    return MIN_RADIUS_PX + (MAX_RADIUS_PX - MIN_RADIUS_PX) * np.sqrt(np.minimum(v, top) / top)


def place_points(totals: pd.DataFrame, *, figure: str, scale_max: float | None,
                 limit: int | None = MAX_CIRCLES) -> list[dict]:
    """One record per place for the circle layer, biggest first, at most ``limit`` of them.

    Keys are short because every byte is resent on each rerun: ``p`` [lon, lat] (rounded to
    4 decimals, ~10 m), ``r`` radius in pixels, ``c`` RGBA colour, ``v`` the figure (None when
    no report states it: drawn at the minimum size, paler, so it is seen but not mistaken for a
    small number), ``place`` and ``country`` (what a click selects) and ``tip``.

    ``totals`` is `aggregate.place_totals` output, optionally with ``evidence`` and ``source``
    of a representative report per place, and optionally a ready ``tip`` column.

    The rule for ``limit`` (`MAX_CIRCLES`, and `CIRCLE_BYTES` of records): the places with the
    largest figure are drawn, places without a stated figure last, ties by strikes; the page
    says how many were left out (`hidden_places`). ``limit=None`` draws every place (slides).
    Tooltips are built for the drawn circles only.
    """
    if totals is None or totals.empty:
        return []
    df = totals[totals["lat"].notna() & totals["lon"].notna()]
    values = figure_values(df, figure).to_numpy(dtype="float64")
    strikes = pd.to_numeric(df.get("strikes", pd.Series(0, index=df.index)), errors="coerce").fillna(0).to_numpy()
    # Big circles first, so small ones stay on top and clickable; the same order picks the kept ones.
    order = np.lexsort((-strikes, -np.nan_to_num(values, nan=-1.0)))
    if limit is not None:
        order = order[:limit]
    df, values = df.iloc[order], values[order]
    stated = ~np.isnan(values)
    radii = radius_px(values, scale_max).round(1)
    tips = df["tip"].tolist() if "tip" in df else place_tips(df)
    if limit is not None:    # the byte budget: ~110 bytes of keys, numbers and names + the tip
        size = np.cumsum([110 + len(t.encode("utf-8")) for t in tips])
        keep = int(np.searchsorted(size, CIRCLE_BYTES, side="right"))
        df, values, stated, radii, tips = df.iloc[:keep], values[:keep], stated[:keep], radii[:keep], tips[:keep]
    palette = {w: list(c) for w, c in WEAPON_COLOURS.items()}
    colours = [[*palette.get(w, palette["unknown"]), 215 if s else 110]
               for w, s in zip(df["weapon"].astype(object).tolist(), stated.tolist())]
    lon = df["lon"].to_numpy(dtype="float64").round(4).tolist()
    lat = df["lat"].to_numpy(dtype="float64").round(4).tolist()
    shown = np.where(stated, values, np.nan).tolist()
    places = [defuse(x) for x in df["place"].tolist()]
    countries = [defuse(x) for x in df["country"].tolist()]
    return [{"p": [x, y], "r": r, "c": c, "v": None if v != v else v, "place": pl, "country": co, "tip": t}
            for x, y, r, c, v, pl, co, t in zip(lon, lat, radii.tolist(), colours, shown, places, countries, tips)]


def hidden_places(totals: pd.DataFrame, points: list[dict]) -> int:
    """How many located places of ``totals`` `place_points` left out (0 when all are drawn)."""
    if totals is None or totals.empty:
        return 0
    return max(0, int((totals["lat"].notna() & totals["lon"].notna()).sum()) - len(points))


def points_layer(points: list[dict]) -> pdk.Layer:
    """Circles per place, in screen pixels, so they stay readable at every zoom."""
    return pdk.Layer(
        "ScatterplotLayer", id="places", data=points, pickable=True, auto_highlight=True,
        get_position="p", get_radius="r", get_fill_color="c",
        radius_units=String("pixels"), radius_min_pixels=MIN_RADIUS_PX, stroked=True,
        get_line_color=[255, 255, 255, 230], line_width_units=String("pixels"), get_line_width=1)


# -- basemap ---------------------------------------------------------------------------------
def land_layer(basemap: Basemap, *, web_tiles: bool = False) -> pdk.Layer:
    """Countries: pale land with grey borders (transparent land over web tiles)."""
    return pdk.Layer(
        "GeoJsonLayer", id="admin0", data=basemap.admin0, pickable=False, stroked=True, filled=True,
        get_fill_color=[0, 0, 0, 0] if web_tiles else [244, 242, 236, 255],
        get_line_color=[110, 110, 110, 255], line_width_units=String("pixels"), get_line_width=1.2)


def admin1_layer(basemap: Basemap) -> pdk.Layer:
    """Admin-1 borders, thin and light: for orientation, not for reading."""
    return pdk.Layer(
        "GeoJsonLayer", id="admin1", data=basemap.admin1, pickable=False, stroked=True, filled=False,
        get_line_color=[160, 160, 160, 160], line_width_units=String("pixels"), get_line_width=0.6)


#: Sequential ramp for shaded regions: light to dark purple-grey, apart from the weapon hues.
RAMP = ((238, 236, 245), (120, 110, 160))


def region_shading(basemap: Basemap, totals: pd.DataFrame, *, figure: str) -> tuple[dict, float]:
    """Admin-1 features coloured by ``figure``, joined on (region name, country code).

    Returns the FeatureCollection and the largest value (for the legend). Regions with
    strikes but no stated figure get a light hatch colour and say "not reported".
    """
    table = {}
    if totals is not None and not totals.empty:
        for row in totals.to_dict("records"):
            table[(row["admin1"], row["country"])] = row
    values = [float(r["value"]) for r in table.values() if r.get("value") is not None and not pd.isna(r["value"])]
    top = max(values) if values else 0.0
    features = []
    for feature in basemap.admin1["features"]:
        props = feature["properties"]
        row = table.get((props.get("name"), props.get("iso_a2")))
        if row is None:
            fill, tip = [0, 0, 0, 0], defuse(props.get("name"))
        else:
            value = row.get("value")
            if value is None or pd.isna(value):
                fill = [225, 225, 225, 150]
                tip = f"{props.get('name')}: {figure_word(figure)} not reported ({row.get('strikes', 0)} strike(s))"
            else:
                share = np.sqrt(float(value) / top) if top else 0.0
                rgb = [int(round(a + (b - a) * share)) for a, b in zip(*RAMP)]
                fill = [*rgb, 190]
                tip = f"{props.get('name')}: {figure_word(figure)} {number_text(value)} ({row.get('strikes', 0)} strike(s))"
        features.append({"type": "Feature", "geometry": feature["geometry"],
                         "properties": {"name": defuse(props.get("name")), "fill": fill, "tip": defuse(tip)}})
    return {"type": "FeatureCollection", "features": features}, top


def region_layer(shaded: dict) -> pdk.Layer:
    """Admin-1 regions shaded by a figure (replaces the plain admin-1 borders)."""
    return pdk.Layer(
        "GeoJsonLayer", id="regions", data=shaded, pickable=True, stroked=True, filled=True,
        get_fill_color="properties.fill", get_line_color=[150, 150, 150, 180],
        line_width_units=String("pixels"), get_line_width=0.6)


# -- arcs and labels -------------------------------------------------------------------------
def arc_routes(arcs: pd.DataFrame) -> list[dict]:
    """One dict per launch site → target pair (`aggregate.launch_arcs`)."""
    if arcs is None or arcs.empty:
        return []
    out = []
    for row in arcs.to_dict("records"):
        colour = WEAPON_COLOURS.get(row.get("weapon"), WEAPON_COLOURS["unknown"])
        launched = number_text(row.get("launched"))
        tip = (f"Launched from {row.get('launch_place')} towards {row.get('place')}\n"
               f"{row.get('strikes')} strike(s)" + (f", {launched} launched" if launched else ""))
        out.append({"from": [round(float(row["launch_lon"]), 4), round(float(row["launch_lat"]), 4)],
                    "to": [round(float(row["lon"]), 4), round(float(row["lat"]), 4)],
                    "width": round(1.0 + float(np.sqrt(row.get("strikes") or 1)), 1),
                    "color": [*colour, 170], "tip": defuse(tip)})
    return out


def arcs_layer(routes: list[dict]) -> pdk.Layer:
    """Launch-site arcs, drawn under the circles."""
    return pdk.Layer(
        "ArcLayer", id="arcs", data=routes, pickable=True, get_source_position="from",
        get_target_position="to", get_source_color="color", get_target_color="color",
        get_width="width", width_units=String("pixels"), great_circle=False)


def labels_layer(labels: list[dict] | tuple[dict, ...], *, layer_id: str = "labels", size: int = 13) -> pdk.Layer:
    """Names on the map (countries, the biggest places): the offline basemap has none."""
    data = [{"label": defuse(x["label"]), "lon": x["lon"], "lat": x["lat"]} for x in labels]
    return pdk.Layer(
        "TextLayer", id=layer_id, data=data, pickable=False, get_position=["lon", "lat"],
        get_text="label", get_size=size, size_units=String("pixels"), get_color=[60, 60, 60, 220],
        font_family=String("Helvetica, Arial, sans-serif"), character_set=String("auto"),
        outline_width=2, outline_color=[255, 255, 255, 200], font_settings={"sdf": True})


def top_place_labels(points: list[dict], n: int = 10) -> list[dict]:
    """Labels for the ``n`` largest circles (the ones a slide reader asks about)."""
    ranked = sorted((p for p in points if p.get("v")), key=lambda p: -p["v"])[:n]
    return [{"label": p["place"], "lon": p["p"][0], "lat": round(p["p"][1] - 0.25, 4)} for p in ranked]


# -- the deck --------------------------------------------------------------------------------
TOOLTIP = {"text": "{tip}", "style": {"backgroundColor": "#1f2430", "color": "#f5f5f5",
                                      "fontSize": "13px", "maxWidth": "360px", "whiteSpace": "pre-wrap"}}


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation.

    pydeck indents its JSON by two spaces, which puts every coordinate of the basemap on its
    own lines: several times the bytes for the browser on every rerun, for nothing. Text is
    written as UTF-8 rather than ``\\uXXXX`` escapes ("–", "·", quotes, Cyrillic: 2–3 bytes
    instead of 6).
    """

    def to_json(self) -> str:
        """The deck's JSON; a layer of `CONSTANT_DATA` (the basemap, ~290 kB, ~9 ms to write)
        is written once per process and spliced in: the same text, byte for byte."""
        deck, spliced = copy.copy(self), {}
        deck.layers = [_placeholder(layer, spliced) for layer in self.layers]
        text = _dumps(deck)
        for token, body in spliced.items():
            text = text.replace(json.dumps(token), body, 1)
        return text


def _dumps(value) -> str:
    from pydeck.bindings.json_tools import default_serialize

    return json.dumps(value, sort_keys=True, default=default_serialize, separators=(",", ":"), ensure_ascii=False)


_LAYER_JSON: dict[tuple, str] = {}


def _placeholder(layer, spliced: dict):
    """``layer``, or a unique string standing for it when its data is constant (its JSON kept
    in `_LAYER_JSON`, keyed by the data and the layer's other attributes)."""
    data = getattr(layer, "_data", None)
    if CONSTANT_DATA.get(id(data)) is not data or data is None:
        return layer
    key = (id(data), _dumps({k: v for k, v in vars(layer).items() if k != "_data"}))
    if key not in _LAYER_JSON:
        _LAYER_JSON[key] = _dumps(layer)
    token = f"@@layer {len(spliced)} {uuid.uuid4().hex}"
    spliced[token] = _LAYER_JSON[key]
    return token


def build_deck(layers: list[pdk.Layer], *, web_tiles: bool = False) -> pdk.Deck:
    """The Deck: fixed initial view, plain-text tooltips, and no tile provider unless asked."""
    if web_tiles:
        return CompactDeck(layers=layers, initial_view_state=INITIAL_VIEW, tooltip=TOOLTIP,
                           map_provider="carto", map_style=WEB_TILES_STYLE)
    return CompactDeck(layers=layers, initial_view_state=INITIAL_VIEW, tooltip=TOOLTIP, map_provider=None)
