"""The slide picture of a selection: a 16:9 PNG drawn on the server (matplotlib Agg), not a screenshot.

Title, caption in words, an offline map (Natural Earth countries and admin-1 borders) with one circle
per place, the count tiles, and the credit line. The caption and the credit are also written into
the PNG's text chunks, so a newsroom archive (or a test) can read them without OCR.
"""
from __future__ import annotations

import io
import math
import os
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import patheffects, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyBboxPatch
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from . import credits
from .aggregate import POINT_PRECISIONS, place_totals
from .events import WEAPON_CLASSES
from .query import WEAPON_WORDS, Selection, Strikes, caption, mask, summary
from .slide_basemap import fitted_extent, load_basemap

#: Okabe-Ito colour-blind-safe palette, one colour per weapon class (the page's maps.WEAPON_COLOURS).
WEAPON_COLOURS = {
    "drone": "#E69F00",              # orange
    "cruise_missile": "#0072B2",     # blue
    "ballistic_missile": "#D55E00",  # vermillion
    "missile": "#56B4E9",            # sky blue: a missile of unstated type
    "glide_bomb": "#009E73",         # bluish green
    "unknown": "#787878",            # grey
}
#: Count tiles: (label, summary key, figure); a None figure reads "not reported".
TILES = (
    ("Drones launched", "drones", "launched"), ("Drones intercepted", "drones", "intercepted"),
    ("Cruise missiles launched", "cruise_missiles", "launched"),
    ("Cruise missiles intercepted", "cruise_missiles", "intercepted"),
    ("Ballistic missiles launched", "ballistic_missiles", "launched"),
    ("Ballistic missiles intercepted", "ballistic_missiles", "intercepted"),
    ("Killed", "killed", None), ("Injured", "injured", None),
)
#: Layout in figure fractions (x0, y0, x1, y1) from the bottom left; tests read it too.
LAYOUT = {
    "title": (0.03, 0.905, 0.97, 0.98), "caption": (0.03, 0.815, 0.97, 0.9),
    "map": (0.03, 0.155, 0.62, 0.805), "legend": (0.03, 0.095, 0.62, 0.15),
    "tiles": (0.645, 0.265, 0.97, 0.805), "notes": (0.645, 0.095, 0.97, 0.245),
    "credit": (0.03, 0.008, 0.97, 0.082),
}
BACKGROUND = "#FFFFFF"
SEA, LAND, FOCUS_LAND = "#DCE6EE", "#EDEDEA", "#FBFBF8"
NOT_REPORTED = "not reported"
INK, MUTED = "#1A1A1A", "#5A5A5A"
#: Countries whose names are written on the map (when their label point is well inside it).
LABELLED = {"UA", "RU", "BY", "MD", "PL", "RO", "LT", "LV", "EE", "FI", "GE", "TR", "KZ", "HU", "SK", "BG"}


def default_title(sel: Selection) -> str:
    """The kind of attacks selected: "Drone and missile attacks", "Drone attacks", ..."""
    return caption(Selection(weapon=sel.weapon)).removesuffix(", all dates")


def _fmt(value) -> str:
    return NOT_REPORTED if value is None or pd.isna(value) else f"{int(value):,}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _figure_of(rows: pd.DataFrame) -> pd.Series:
    """The figure a circle stands for: the largest of launched, intercepted and hit."""
    cols = [c for c in ("launched", "intercepted", "hit") if c in rows]
    return rows[cols].apply(pd.to_numeric, errors="coerce").max(axis=1).fillna(0.0)


def _axes(fig: Figure, name: str):
    x0, y0, x1, y1 = LAYOUT[name]
    ax = fig.add_axes((x0, y0, x1 - x0, y1 - y0))
    ax.set_axis_off()
    return ax


def _draw_map(fig: Figure, places: pd.DataFrame, empty: bool) -> None:
    base = load_basemap()
    ax = _axes(fig, "map")
    x0, y0, x1, y1 = LAYOUT["map"]
    w, h = fig.get_size_inches()
    extent = fitted_extent(places["lon"], places["lat"], ((y1 - y0) * h) / ((x1 - x0) * w))
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("auto")
    ax.add_patch(FancyBboxPatch((0, 0), 1, 1, boxstyle="square,pad=0", transform=ax.transAxes,
                                facecolor=SEA, edgecolor="#9AA5AE", linewidth=1.2, zorder=0))
    view = base.countries.cx[extent[0]:extent[2], extent[1]:extent[3]].index
    regions = base.regions.cx[extent[0]:extent[2], extent[1]:extent[3]].index
    focus = base.countries["iso_a2"].isin(["UA"]).to_numpy()
    for ids, fill, zorder in ((view[~focus[view]], LAND, 1), (view[focus[view]], FOCUS_LAND, 1.1)):
        ax.add_collection(PathCollection([base.country_paths[i] for i in ids], facecolors=fill,
                                         edgecolors="none", zorder=zorder))
    ax.add_collection(PathCollection([base.region_paths[i] for i in regions], facecolors="none",
                                     edgecolors="#B4B4AE", linewidths=0.6, zorder=2))
    ax.add_collection(PathCollection([base.country_paths[i] for i in view], facecolors="none",
                                     edgecolors="#6E6E6A", linewidths=1.4, zorder=3))
    halo = [patheffects.withStroke(linewidth=4, foreground="white")]
    mx, my = (extent[2] - extent[0]) * 0.1, (extent[3] - extent[1]) * 0.05
    for i in view:
        row = base.countries.loc[i]
        if (row["iso_a2"] in LABELLED and extent[0] + mx < row["label_lon"] < extent[2] - mx
                and extent[1] + my < row["label_lat"] < extent[3] - my):
            ax.text(row["label_lon"], row["label_lat"], row["name"].upper(), fontsize=15, color="#8C8C88",
                    ha="center", va="center", zorder=4, clip_on=True, fontweight="bold")
    if empty or places.empty:
        message = ("Nothing was reported\nfor this selection" if empty else
                   "No place to map:\nthe figures are nationwide\nor at sea (listed at right)")
        ax.text(0.5, 0.5, message, transform=ax.transAxes, fontsize=44 if empty else 34, color=INK,
                fontweight="bold", ha="center", va="center", zorder=10, linespacing=1.3,
                bbox=dict(boxstyle="round,pad=0.8", facecolor="white", edgecolor="#9AA5AE", alpha=0.92))
        return
    value = _figure_of(places)
    vmax = max(float(value.max()), 1.0)
    biggest = 5200 / math.sqrt(max(1.0, len(places) / 12))   # crowded maps get smaller circles
    areas = 160 + biggest * value / vmax                # points², area proportional to the figure
    order = np.argsort(-areas.to_numpy(), kind="stable")   # big circles under small ones
    p = places.iloc[order]
    ax.scatter(p["lon"], p["lat"], s=areas.iloc[order], c=[WEAPON_COLOURS.get(w, "#7F7F7F") for w in p["weapon"]],
               alpha=0.85, edgecolors="white", linewidths=1.6, zorder=6)
    named = places.assign(_v=value).sort_values(["_v", "strikes"], ascending=False).head(8)
    for _, row in named.iterrows():
        radius = math.sqrt((160 + biggest * row["_v"] / vmax) / math.pi)
        ax.annotate(str(row["place"]), (row["lon"], row["lat"]), xytext=(radius + 4, 0),
                    textcoords="offset points", fontsize=17, color=INK, va="center", zorder=7,
                    path_effects=halo, annotation_clip=True)
    _legend(fig, places["weapon"].dropna().unique())


def _legend(fig: Figure, weapons) -> None:
    """One row of weapon-class swatches under the map (only the classes shown)."""
    ax = _axes(fig, "legend")
    handles = [ax.scatter([], [], s=300, c=WEAPON_COLOURS[w], edgecolors="white", label=WEAPON_WORDS[w][0])
               for w in WEAPON_CLASSES if w in set(weapons)]
    if handles:
        ax.legend(handles=handles, loc="center left", ncol=len(handles), fontsize=16, frameon=False,
                  borderaxespad=0, handletextpad=0.3, columnspacing=1.4)


def _draw_tiles(fig: Figure, totals: dict) -> None:
    ax = _axes(fig, "tiles")
    rows, cols, gap = 4, 2, 0.03
    tw, th = (1 - gap * (cols - 1)) / cols, (1 - gap * (rows - 1)) / rows
    y0, y1 = LAYOUT["tiles"][1::2]
    line = 16 * 1.25 / ((y1 - y0) * fig.get_size_inches()[1] * 72)   # one label line, axes fraction
    for k, (label, key, figure) in enumerate(TILES):
        r, c = divmod(k, cols)
        x, y = c * (tw + gap), 1 - (r + 1) * th - r * gap
        ax.add_patch(FancyBboxPatch((x, y), tw, th, boxstyle="round,pad=0,rounding_size=0.02",
                                    facecolor="#F2F4F5", edgecolor="none", transform=ax.transAxes))
        value = totals[key] if figure is None else totals[key][figure]
        for i, words in enumerate(textwrap.wrap(label, 18)):     # fixed baselines, tile to tile
            ax.text(x + 0.03, y + th - 0.02 - (i + 1) * line, words, fontsize=16, color=MUTED,
                    va="baseline", transform=ax.transAxes)
        missing = value is None
        ax.text(x + 0.03, y + 0.03, _fmt(value), transform=ax.transAxes, va="baseline",
                fontsize=25 if missing else 38, fontweight="normal" if missing else "bold",
                fontstyle="italic" if missing else "normal", color=MUTED if missing else INK)


def _unplaced(data: Strikes, sel: Selection) -> pd.DataFrame:
    """Figures with no point on the map (nationwide, at sea, unplaced), per place and weapon class."""
    s = data.strikes[mask(data, sel) & data.strikes["alternative_of"].isna().to_numpy()]
    s = s[~(s["geo_precision"].isin(POINT_PRECISIONS) & s["lat"].notna())]
    figures = ["launched", "intercepted", "hit", "killed", "injured"]
    if s.empty:
        return pd.DataFrame(columns=["place", "weapon", *figures])
    out = s.groupby([s["place"].fillna("Place not given"), "weapon"])[[f"{f}_count" for f in figures]]
    out = out.sum(min_count=1).set_axis(figures, axis=1).reset_index()
    return out.iloc[np.argsort(-out[figures].max(axis=1).fillna(0).to_numpy(), kind="stable")]


def _notes(totals: dict, unplaced: pd.DataFrame) -> list[str]:
    """Lines beside the map: figures with no point (nationwide, sea) and the count of events."""
    lines = []
    for _, row in unplaced.head(2).iterrows():
        parts = [f"{_fmt(row[f])} {f}" for f in unplaced.columns[2:] if not pd.isna(row[f])]
        lines.append(f"{row['place']}, {WEAPON_WORDS[row['weapon']][0].lower()}: "
                     + (", ".join(parts) or "no figures") + " (not on the map)")
    if len(unplaced) > 2:
        lines.append(f"and {len(unplaced) - 2} more without a place on the map")
    lines.append("Circle area: the largest figure reported at a place.")
    lines.append(f"{_plural(totals['events'], 'event')} at {_plural(totals['places'], 'place')} "
                 f"from {_plural(totals['reports'], 'report')}")
    return lines


def _wrap_px(renderer, text: str, prop: FontProperties, width: float) -> list[str]:
    """Greedy word wrap of ``text`` to ``width`` pixels, measured with the renderer."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}" if line else word
            if line and renderer.get_text_width_height_descent(trial, prop, ismath=False)[0] > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


def _fit_text(fig: Figure, renderer, text: str, box: str, *, size: int, smallest: int, lines: int,
              weight: str = "normal", spacing: float = 1.25, **style) -> None:
    """Write ``text`` top-left in a layout box, shrinking the type (never below ``smallest``) so it
    fits in ``lines`` lines; what still does not fit ends with an ellipsis."""
    x0, y0, x1, y1 = LAYOUT[box]
    fig_w, fig_h = fig.get_size_inches() * fig.dpi
    width, height = (x1 - x0) * fig_w, (y1 - y0) * fig_h
    for fontsize in range(size, smallest - 1, -1):
        prop = FontProperties(family="DejaVu Sans", size=fontsize, weight=weight)
        wrapped = _wrap_px(renderer, text, prop, width)
        line_px = fontsize * fig.dpi / 72 * spacing
        if len(wrapped) <= lines and len(wrapped) * line_px <= height * 1.02:
            break
    else:
        wrapped = wrapped[:lines]
        last = wrapped[-1]
        while last and renderer.get_text_width_height_descent(last + "\u2026", prop, ismath=False)[0] > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        wrapped[-1] = last + "\u2026"
    fig.text(x0, y1, "\n".join(wrapped), fontproperties=prop, va="top", linespacing=spacing, **style)


def _draw_text(fig: Figure, title: str, caption_text: str, credit: str, notes: list[str]) -> None:
    renderer = fig.canvas.get_renderer()
    _fit_text(fig, renderer, title, "title", size=46, smallest=30, lines=1, weight="bold", color=INK)
    _fit_text(fig, renderer, caption_text, "caption", size=27, smallest=19, lines=2, spacing=1.2,
              color="#333333")
    _fit_text(fig, renderer, "\n".join(notes), "notes", size=15, smallest=12, lines=6, spacing=1.35,
              color=MUTED)
    fig.add_artist(FancyBboxPatch((0, 0), 1, LAYOUT["credit"][3] + 0.006, boxstyle="square,pad=0",
                                  transform=fig.transFigure, facecolor="#F2F4F5", edgecolor="none", zorder=-1))
    _fit_text(fig, renderer, f"{credit}\n{credits.POINT_OF_VIEW}.", "credit", size=16, smallest=12, lines=3,
              spacing=1.4, color=MUTED)


def slide_texts(data: Strikes, sel: Selection, title: str | None = None) -> dict:
    """The words of the slide: title, caption, credit line, notes, and the summary behind them."""
    totals = summary(data, sel)
    sources = [s for s in data.source_or_title(np.flatnonzero(mask(data, sel))) if isinstance(s, str)]
    return {"title": title or default_title(sel), "caption": totals["caption"],
            "credit": credits.credit_line(sources), "summary": totals}


def slide_figure(data: Strikes, sel: Selection, *, title: str | None = None,
                 size: tuple[int, int] = (1920, 1080)) -> tuple[Figure, dict]:
    """The slide as a drawn matplotlib figure (Agg canvas), and its words (`slide_texts`).

    Tests read the figure's text artists; `render_png` turns it into pixels.
    """
    width, height = int(size[0]), int(size[1])
    texts = slide_texts(data, sel, title)
    totals = texts["summary"]
    places = place_totals(data, sel)
    places = places[pd.to_numeric(places["lat"], errors="coerce").notna()]
    empty = totals["events"] == 0
    notes = ["Nothing was reported for this selection."] if empty else _notes(totals, _unplaced(data, sel))
    with rc_context({"font.family": "DejaVu Sans", "text.color": INK}):
        fig = Figure(figsize=(19.2, 19.2 * height / width), dpi=width / 19.2, facecolor=BACKGROUND)
        FigureCanvasAgg(fig)
        _draw_map(fig, places, empty)
        _draw_text(fig, texts["title"], texts["caption"], texts["credit"], notes)
        _draw_tiles(fig, totals)
        fig.canvas.draw()
    return fig, texts


def render_png(data: Strikes, sel: Selection, *, title: str | None = None,
               size: tuple[int, int] = (1920, 1080)) -> bytes:
    """Draw the slide of a selection and return it as PNG bytes.

    Parameters
    ----------
    data : Strikes
        The store's strikes (`query.Strikes.from_store`).
    sel : Selection
        What the reader asked for; an empty selection gives a picture that says so.
    title : str, optional
        Headline; defaults to the kind of attacks selected ("Drone and missile attacks").
    size : (int, int)
        Width and height in pixels; 1920x1080 (16:9) by default. Type scales with the width.

    Returns
    -------
    bytes
        A PNG whose text chunks hold Title, Description (the caption), Source (the credit line)
        and Comment (the point-of-view note).
    """
    fig, texts = slide_figure(data, sel, title=title, size=size)
    canvas = fig.canvas
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    info = PngInfo()
    for key, value in (("Title", texts["title"]), ("Description", texts["caption"]),
                       ("Source", texts["credit"]), ("Comment", credits.POINT_OF_VIEW),
                       ("Software", "strike-map-dashboard (matplotlib Agg)")):
        info.add_text(key, value)   # Latin-1 as tEXt, other text (dashes, quotes) as iTXt
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", pnginfo=info, compress_level=3)
    return out.getvalue()


def write_snapshot(data: Strikes, sel: Selection, out: str | os.PathLike, title: str | None = None) -> Path:
    """Render the slide and write it to ``out`` atomically (a temporary file, then a rename).

    Parameters
    ----------
    data : Strikes
    sel : Selection
    out : path
        Destination PNG; its folder is created when missing.
    title : str, optional

    Returns
    -------
    Path
        The path written.
    """
    out = Path(out)
    png = render_png(data, sel, title=title)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(png)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
