"""Downloads and `export`: the selected strikes as CSV, GeoJSON or GeoPackage, with credits.

Each row is one strike after dedupe, carrying the evidence sentence and the report it came from,
so every figure in a file can be traced back.
"""
from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .credits import POINT_OF_VIEW, credit_line
from .events import FIGURES

EXPORT_COLUMNS = [
    "strike_id", "date", "date_precision", "place", "country", "admin1", "lat", "lon", "geo_precision",
    "weapon", "weapon_model", *FIGURES, "at_least", "claimed_by", "side", "attacker", "evidence",
    "source", "source_url", "report_id", "n_reports", "how", "alternative_of",
]


def export_frame(strikes: pd.DataFrame) -> gpd.GeoDataFrame:
    """The export columns of selected strikes as a GeoDataFrame of points."""
    df = strikes.reindex(columns=EXPORT_COLUMNS).copy()
    df["at_least"] = [
        ",".join(f for f in FIGURES if row.get(f"{f}_at_least") is True)
        for row in strikes[[f"{f}_at_least" for f in FIGURES]].to_dict("records")
    ] if len(strikes) and f"{FIGURES[0]}_at_least" in strikes else ""
    df["credit"] = credit_line(strikes.get("source", pd.Series(dtype=object)).dropna())
    points = gpd.points_from_xy(df["lon"], df["lat"])
    geometry = [p if pd.notna(lat) else None for p, lat in zip(points, df["lat"])]
    return gpd.GeoDataFrame(df.reset_index(drop=True), geometry=geometry, crs="EPSG:4326")


def to_csv_bytes(strikes: pd.DataFrame) -> bytes:
    return export_frame(strikes).drop(columns="geometry").to_csv(index=False).encode("utf-8")


def to_geojson_bytes(strikes: pd.DataFrame) -> bytes:
    frame = export_frame(strikes)
    data = json.loads(frame.drop(columns="credit").to_json(na="null", drop_id=True))
    data["attribution"] = f"{frame['credit'].iloc[0] if len(frame) else credit_line()} {POINT_OF_VIEW}."
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def to_gpkg_bytes(strikes: pd.DataFrame) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "strikes.gpkg"
        write_gpkg(strikes, path)
        return path.read_bytes()


def write_gpkg(strikes: pd.DataFrame, path: Path) -> None:
    frame = export_frame(strikes)
    frame["alternative_of"] = frame["alternative_of"].astype("float64")
    frame.to_file(path, driver="GPKG", layer="strikes")


WRITERS = {"csv": to_csv_bytes, "geojson": to_geojson_bytes, "gpkg": to_gpkg_bytes}


def export_bytes(strikes: pd.DataFrame, fmt: str) -> bytes:
    """The selected strikes in one of `WRITERS`' formats."""
    return WRITERS[fmt](strikes)


def write_export(strikes: pd.DataFrame, fmt: str, out: Path) -> None:
    """Write atomically: a half-written export never replaces a good file. The folder is made
    when missing; a file that cannot be written raises OSError naming ``out``, not the part file."""
    data = export_bytes(strikes, fmt)
    tmp = out.with_name(out.name + ".part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as exc:
        with contextlib.suppress(OSError):  # (a folder that is a file: no part file either)
            tmp.unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(out)) from exc
