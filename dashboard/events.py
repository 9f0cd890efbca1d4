"""The event schema, shared by extraction, the store, queries and every view.

An *event* is one claim of figures (or of a strike without figures) about one place, one date
and one weapon class, told by one claimant in one sentence of one report. Figures that a report
does not state are ``None`` ("not reported"), never 0.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

#: Weapon classes, in the order the page shows them.
WEAPON_CLASSES = ("drone", "cruise_missile", "ballistic_missile", "missile", "glide_bomb", "unknown")
#: Classes that together make "missiles" in the summary.
MISSILE_CLASSES = ("cruise_missile", "ballistic_missile", "missile")
#: Figure fields: counts that can be None (not reported).
FIGURES = ("launched", "intercepted", "lost", "hit", "killed", "injured")
#: Precision of a place: where the point stands for.
GEO_PRECISIONS = ("facility", "city", "region", "macro_region", "country", "sea")
#: Precision of a date.
DATE_PRECISIONS = ("day", "night", "week", "month", "unknown")

#: Column order of an event record (the JSON of ``extract`` and the GeoDataFrame).
COLUMNS = (
    "event_id", "report_id", "place", "country", "admin1", "lat", "lon", "geo_precision",
    "date", "date_precision", "date_inferred",
    "weapon", "weapon_model",
    *FIGURES,
    "at_least", "claimed_by", "attacker", "evidence", "span",
    # where the launch came from, when a report or a table says so (arcs on the map)
    "launch_place", "launch_lat", "launch_lon",
    # import bookkeeping: the source row or link an imported event came from
    "source", "source_url",
)

DEFAULTS: dict[str, Any] = {c: None for c in COLUMNS}
DEFAULTS.update(date_inferred=False, date_precision="unknown", weapon="unknown")  # at_least: a new [] each
_COLUMN_SET = frozenset(COLUMNS)


def normalise_event(record: Mapping[str, Any]) -> dict[str, Any]:
    """Return a full event record: every column present, unknown keys dropped."""
    out = DEFAULTS.copy()  # every column, in order; the record's values replace the defaults
    out.update(record)  # one C-level copy: extraction and imports give no unknown key ...
    if len(out) > len(DEFAULTS):  # ... and any other caller's unknown keys are dropped
        out = DEFAULTS.copy()
        out.update({k: record[k] for k in _COLUMN_SET.intersection(record)})
    if out["at_least"] is None:
        out["at_least"] = []
    if out["weapon"] is None:
        out["weapon"] = "unknown"
    if out["weapon"] not in WEAPON_CLASSES:
        raise ValueError(f"unknown weapon class {out['weapon']!r}")
    return out


def events_frame(records: Iterable[Mapping[str, Any]]) -> gpd.GeoDataFrame:
    """Events as a GeoDataFrame of EPSG:4326 points (no geometry where the place is unresolved)."""
    rows = [normalise_event(r) for r in records]
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    for field in FIGURES:
        df[field] = df[field].astype("Int64")
    for field in ("lat", "lon", "launch_lat", "launch_lon"):
        df[field] = pd.to_numeric(df[field], errors="coerce").astype("float64")
    geometry = [
        Point(lon, lat) if pd.notna(lat) and pd.notna(lon) else None
        for lat, lon in zip(df["lat"], df["lon"])
    ]
    return gpd.GeoDataFrame(df, geometry=geometry, crs="EPSG:4326")
