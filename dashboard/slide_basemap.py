"""The slide's offline basemap: Natural Earth polygons as matplotlib paths, and the map's extent.

Split from :mod:`dashboard.slides` so the drawing code reads apart from the geometry it draws on.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.path import Path as MplPath

BASEMAP_DIR = Path(__file__).resolve().parent.parent / "data" / "basemap"
#: Minimum extent of the map (lon0, lat0, lon1, lat1): Ukraine with a margin.
MIN_EXTENT = (21.0, 43.5, 41.5, 53.0)


@dataclass(frozen=True)
class Basemap:
    """Natural Earth polygons, loaded once: GeoDataFrames plus their matplotlib paths."""

    countries: "pd.DataFrame"
    regions: "pd.DataFrame"
    country_paths: tuple
    region_paths: tuple
    bounds: tuple[float, float, float, float]


def _paths(geometries) -> tuple:
    """Matplotlib paths of (multi)polygons, holes included, one per geometry."""
    out = []
    for geom in geometries:
        parts = [] if geom is None else getattr(geom, "geoms", [geom])
        rings = [MplPath(np.asarray(ring.coords)[:, :2], closed=True)
                 for poly in parts if not poly.is_empty for ring in (poly.exterior, *poly.interiors)]
        out.append(MplPath.make_compound_path(*rings) if rings else MplPath(np.zeros((0, 2))))
    return tuple(out)


@lru_cache(maxsize=1)
def load_basemap(directory: str | os.PathLike = BASEMAP_DIR) -> Basemap:
    """Countries and admin-1 regions from ``data/basemap`` (cached for the process)."""
    import geopandas as gpd

    countries = gpd.read_file(Path(directory) / "admin0.geojson")
    regions = gpd.read_file(Path(directory) / "admin1.geojson")
    bounds = tuple(float(v) for v in countries.total_bounds)
    return Basemap(countries, regions, _paths(countries.geometry), _paths(regions.geometry), bounds)


def fitted_extent(lons, lats, box_ratio: float) -> tuple[float, float, float, float]:
    """Map extent that holds every point and at least Ukraine, shaped to the map's box.

    Parameters
    ----------
    lons, lats : array-like
        Coordinates of the places drawn.
    box_ratio : float
        Height over width of the map panel, in pixels.

    Returns
    -------
    tuple
        (lon0, lat0, lon1, lat1), kept within the basemap's coverage where possible.
    """
    x0, y0, x1, y1 = MIN_EXTENT
    lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    ok = np.isfinite(lons) & np.isfinite(lats)
    if ok.any():
        x0, x1 = min(x0, lons[ok].min() - 1.5), max(x1, lons[ok].max() + 1.5)
        y0, y1 = min(y0, lats[ok].min() - 1.0), max(y1, lats[ok].max() + 1.0)
    bx0, by0, bx1, by1 = load_basemap().bounds
    x0, x1, y0, y1 = max(x0, bx0), min(x1, bx1), max(y0, by0), min(y1, by1)
    scale = math.cos(math.radians((y0 + y1) / 2))     # equirectangular at the middle latitude
    width, height = (x1 - x0) * scale, y1 - y0
    if height / width < box_ratio:
        grow = (width * box_ratio - height) / 2
        y0, y1 = y0 - grow, y1 + grow
    else:
        grow = (height / box_ratio / scale - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    (x0, x1), (y0, y1) = _slide_into(x0, x1, bx0, bx1), _slide_into(y0, y1, by0, by1)
    return float(x0), float(y0), float(x1), float(y1)


def _slide_into(a: float, b: float, lo: float, hi: float) -> tuple[float, float]:
    """Move the interval [a, b] inside [lo, hi] without resizing it (centred if it is wider)."""
    if b - a >= hi - lo:
        mid = (lo + hi) / 2
        return mid - (b - a) / 2, mid + (b - a) / 2
    shift = max(lo - a, 0.0) + min(hi - b, 0.0)
    return a + shift, b + shift
