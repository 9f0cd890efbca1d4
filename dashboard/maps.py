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

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.types import String

from .query import COUNTRY_NAMES, WEAPON_WORDS, date_range_words

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
TIP_EVIDENCE_CHARS = 240


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
    return Basemap(admin0=admin0, admin1=admin1, labels=labels)


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
    """The tooltip of one place, as plain text (rendered with innerText, never as HTML)."""
    weapons = ", ".join(weapon_label(w) for w in str(row.get("weapons") or "").split(", ") if w)
    where = [_text(row.get("place"))]
    if _text(row.get("admin1")) not in ("", where[0]):
        where.append(_text(row.get("admin1")))
    where.append(COUNTRY_NAMES.get(_text(row.get("country")), _text(row.get("country"))))
    lines = [
        ", ".join(x for x in where if x),
        f"{dates_text(row.get('first_date'), row.get('last_date'))} \u2014 {weapons or 'weapon not stated'}",
        figures_text(row),
        f"{row.get('strikes', 0)} strike(s), {row.get('reports', 0)} report(s)",
    ]
    if row.get("claimants"):
        lines.append(f"Claimed by: {row['claimants']}")
    evidence = row.get("evidence")
    if evidence and not pd.isna(evidence):
        text = str(evidence)
        if len(text) > TIP_EVIDENCE_CHARS:
            text = text[:TIP_EVIDENCE_CHARS].rsplit(" ", 1)[0] + " \u2026"
        lines.append(f"\u201c{text}\u201d")
    if row.get("source") and not pd.isna(row.get("source")):
        lines.append(f"Source: {row['source']}")
    lines.append("Click for every report behind it")
    return defuse("\n".join(lines))


# -- circles ---------------------------------------------------------------------------------
def radius_px(values, scale_max: float | None) -> np.ndarray:
    """Circle radius in pixels: area grows with the figure (sqrt), never below the minimum.

    ``scale_max`` is the largest figure the scale must fit; the page passes the largest over
    the whole date range, so stepping through slices keeps sizes comparable.
    """
    v = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").to_numpy(dtype="float64")
    v = np.nan_to_num(v, nan=0.0).clip(min=0)
    top = float(scale_max) if scale_max and scale_max > 0 else 1.0
    return MIN_RADIUS_PX + (MAX_RADIUS_PX - MIN_RADIUS_PX) * np.sqrt(np.minimum(v, top) / top)


def place_tips(totals: pd.DataFrame) -> list[str]:
    """`place_tip` for every row (the page computes these once per selection and caches them)."""
    return [place_tip(row) for row in totals.to_dict("records")]


def place_points(totals: pd.DataFrame, *, figure: str, scale_max: float | None) -> list[dict]:
    """One dict per place for the circle layer: position, radius, colour, value and ``tip``.

    ``totals`` is `aggregate.place_totals` output, optionally with ``evidence`` and ``source``
    of a representative report per place, and optionally a ready ``tip`` column. A place
    whose figure no report states is drawn at the minimum size, paler, so it is seen but not
    mistaken for a small number.
    """
    if totals is None or totals.empty:
        return []
    df = totals[totals["lat"].notna() & totals["lon"].notna()]
    values = figure_values(df, figure)
    radii = radius_px(values.to_numpy(), scale_max)
    stated = values.notna().to_numpy()
    tips = df["tip"].tolist() if "tip" in df else place_tips(df)
    rows = zip(df["lon"].to_numpy(dtype="float64").round(4).tolist(), df["lat"].to_numpy(dtype="float64").round(4).tolist(),
               radii.round(1).tolist(), stated.tolist(), values.to_numpy(dtype="float64", na_value=np.nan).tolist(),
               df["place"].tolist(), df["country"].tolist(), df["weapon"].astype(object).tolist(), tips)
    out = []
    for lon, lat, radius, has_value, value, place, country, weapon, tip in rows:
        colour = WEAPON_COLOURS.get(weapon, WEAPON_COLOURS["unknown"])
        out.append({"lon": lon, "lat": lat, "radius": radius, "color": [*colour, 215 if has_value else 110],
                    "value": value if has_value else None, "place": defuse(place), "country": defuse(country),
                    "weapon": weapon, "tip": tip})
    # Big circles first, so small ones stay on top and clickable.
    out.sort(key=lambda p: -p["radius"])
    return out


def points_layer(points: list[dict]) -> pdk.Layer:
    """Circles per place, in screen pixels, so they stay readable at every zoom."""
    return pdk.Layer(
        "ScatterplotLayer", id="places", data=points, pickable=True, auto_highlight=True,
        get_position=["lon", "lat"], get_radius="radius", get_fill_color="color",
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
    ranked = sorted((p for p in points if p.get("value")), key=lambda p: -p["value"])[:n]
    return [{"label": p["place"], "lon": p["lon"], "lat": p["lat"] - 0.25} for p in ranked]


# -- the deck --------------------------------------------------------------------------------
TOOLTIP = {"text": "{tip}", "style": {"backgroundColor": "#1f2430", "color": "#f5f5f5",
                                      "fontSize": "13px", "maxWidth": "360px", "whiteSpace": "pre-wrap"}}


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation.

    pydeck indents its JSON by two spaces, which puts every coordinate of the basemap on its
    own lines: several times the bytes for the browser on every rerun, for nothing.
    """

    def to_json(self) -> str:
        from pydeck.bindings.json_tools import default_serialize

        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def build_deck(layers: list[pdk.Layer], *, web_tiles: bool = False) -> pdk.Deck:
    """The Deck: fixed initial view, plain-text tooltips, and no tile provider unless asked."""
    if web_tiles:
        return CompactDeck(layers=layers, initial_view_state=INITIAL_VIEW, tooltip=TOOLTIP,
                           map_provider="carto", map_style=WEB_TILES_STYLE)
    return CompactDeck(layers=layers, initial_view_state=INITIAL_VIEW, tooltip=TOOLTIP, map_provider=None)
