"""Altair charts for the page: launched against intercepted over time, and small-multiple maps.

The charts take aggregate frames (`aggregate.series`, per-slice place totals), never events,
so what goes to the browser is bounded by slices x weapon classes, or by places x 8 maps.
Colours are the map's (`maps.WEAPON_COLOURS`, Okabe-Ito), so a class looks the same everywhere.
"""
from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from .maps import WEAPON_COLOURS, figure_word, weapon_label
from .query import WEAPON_WORDS

#: At most this many small maps (one per slice): the page stays light and readable.
MAX_SMALL_MAPS = 8
FIGURE_DASH = {"launched": [1, 0], "intercepted": [5, 3]}
TIME_FORMAT = {"day": "%-d %b %Y", "week": "week of %-d %b %Y", "month": "%b %Y"}


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def weapon_scale(weapons: list[str]) -> alt.Scale:
    """The weapon colour scale, in the page's order, on the labels readers see."""
    order = [w for w in WEAPON_WORDS if w in set(weapons)]
    return alt.Scale(domain=[weapon_label(w) for w in order],
                     range=[_hex(WEAPON_COLOURS[w]) for w in order])


def series_frame(series: pd.DataFrame) -> pd.DataFrame:
    """`aggregate.series` with readable labels for the legend and tooltips."""
    df = series.copy()
    df["slice"] = pd.to_datetime(df["slice"])
    df["Weapon"] = df["weapon"].astype(str).map(weapon_label)
    df["Figure"] = df["figure"].astype(str)
    df["value"] = df["value"].astype("float64")
    return df


def series_chart(series: pd.DataFrame, *, slice_size: str = "day",
                 highlight: dt.date | None = None, height: int = 260) -> alt.Chart | alt.LayerChart:
    """Launched (solid) against intercepted (dashed) per slice, one colour per weapon class.

    ``highlight`` marks the slice the map is showing while stepping through time.
    """
    df = series_frame(series)
    fmt = TIME_FORMAT.get(slice_size, TIME_FORMAT["day"])
    unit = {"day": "day", "week": "week", "month": "month"}.get(slice_size, "day")
    colour = alt.Color("Weapon:N", scale=weapon_scale(df["weapon"].astype(str).unique().tolist()),
                       legend=alt.Legend(orient="top", title=None))
    # Few slices: one tick per slice (else Vega puts hourly ticks between two days).
    ticks = {"interval": unit, "step": 1} if df["slice"].nunique() <= 12 else alt.Undefined
    x = alt.X("slice:T", title=None, axis=alt.Axis(format=fmt.replace("week of ", ""), labelAngle=0,
                                                   tickCount=ticks, labelOverlap=True))
    y = alt.Y("value:Q", title=f"Weapons per {unit}", axis=alt.Axis(format=",d"))
    tooltip = [alt.Tooltip("slice:T", title=unit.capitalize(), format=fmt), alt.Tooltip("Weapon:N"),
               alt.Tooltip("Figure:N"), alt.Tooltip("value:Q", title="Number", format=",d")]
    base = alt.Chart(df)
    dashes = alt.StrokeDash("Figure:N", scale=alt.Scale(domain=list(FIGURE_DASH), range=list(FIGURE_DASH.values())),
                            legend=alt.Legend(orient="top", title=None, symbolStrokeColor="#444"))
    lines = alt.layer(
        base.mark_line(interpolate="linear").encode(x=x, y=y, color=colour, strokeDash=dashes,
                                                      detail="Figure:N", tooltip=tooltip),
        # points apart from the lines, so a slice with one value still shows, and the dash
        # legend keeps line symbols
        base.mark_point(size=22, filled=True).encode(x=x, y=y, color=colour, tooltip=tooltip),
    )
    chart: alt.Chart | alt.LayerChart = lines
    if highlight is not None:
        rule = alt.Chart(pd.DataFrame({"slice": [pd.Timestamp(highlight)]})).mark_rule(
            color="#444", strokeWidth=2, opacity=0.6).encode(x="slice:T")
        chart = alt.layer(rule, *lines.layer)
    return chart.properties(height=height, title=alt.TitleParams(
        f"Launched and intercepted per {unit}", anchor="start", fontSize=14))


OUTLINE = "outline"
#: Circles per small map: the largest ones; more would be unreadable at this size anyway.
MAX_SMALL_POINTS = 150


def small_points(panels: list[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    """One long frame for the small maps: per panel, its largest places with a stated figure."""
    frames = []
    for order, (title, points) in enumerate(panels[:MAX_SMALL_MAPS]):
        df = points.assign(value=pd.to_numeric(points["value"], errors="coerce"))
        df = df[df["value"].notna() & df["lat"].notna()].nlargest(MAX_SMALL_POINTS, "value")
        frames.append(pd.DataFrame({"panel": title, "order": order, "place": df["place"].astype(str),
                                    "lon": df["lon"].astype(float).round(3),
                                    "lat": df["lat"].astype(float).round(3),
                                    "value": df["value"].astype(float), "weapon": df["weapon"].astype(str)}))
    if not frames:
        return pd.DataFrame(columns=["panel", "order", "place", "lon", "lat", "value", "Weapon"])
    out = pd.concat(frames, ignore_index=True)
    out["Weapon"] = out.pop("weapon").map(weapon_label)
    return out


def small_multiples(panels: list[tuple[str, pd.DataFrame]], outline: dict, *, figure: str,
                    scale_max: float | None, columns: int = 4, width: int = 220,
                    height: int = 160) -> alt.FacetChart | None:
    """Up to `MAX_SMALL_MAPS` small maps (one per slice), all on one size scale.

    One faceted chart rather than eight: Altair builds it in a tenth of the time, and the
    country outline travels once, as a named dataset.
    """
    df = small_points(panels)
    if df.empty:
        return None
    titles = list(dict.fromkeys(df.sort_values("order")["panel"]))
    top = float(scale_max) if scale_max else float(df["value"].max() or 1.0)
    background = alt.Chart(alt.NamedData(OUTLINE)).mark_geoshape(fill="#f4f2ec", stroke="#999", strokeWidth=0.5)
    circles = alt.Chart().mark_circle(opacity=0.8, stroke="white", strokeWidth=0.5).encode(
        longitude="lon:Q", latitude="lat:Q",
        size=alt.Size("value:Q", scale=alt.Scale(domain=[0, top], range=[12, 700], zero=True), legend=None),
        color=alt.Color("Weapon:N", scale=weapon_scale(list(WEAPON_COLOURS)), legend=None),
        tooltip=[alt.Tooltip("panel:N", title="When"), alt.Tooltip("place:N", title="Place"),
                 alt.Tooltip("Weapon:N"), alt.Tooltip("value:Q", title=figure_word(figure).capitalize(), format=",d")],
    )
    layered = alt.layer(background, circles, data=df).project(type="mercator").properties(width=width, height=height)
    return layered.facet(facet=alt.Facet("panel:N", sort=titles, title=None,
                                         header=alt.Header(labelFontSize=12, labelAnchor="start")),
                         columns=columns, datasets={OUTLINE: outline["features"]}).configure_view(stroke=None)
