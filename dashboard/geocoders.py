"""Opt-in online geocoding: Nominatim, throttled and cached, with the offline gazetteer as fallback.

Off unless asked for (``online=True`` or ``STRIKES_ONLINE_GEOCODING=1``): the newsroom tool must
work on a laptop on a train, and OpenStreetMap's usage policy allows one request a second with an
identifying user agent. Every answer, a miss included, is cached on disk, so a name costs at most
one request ever. A network failure never raises: the offline answer is used, and the warning is
both returned (``GeocodeResult.warning``) and logged (logger ``dashboard.geocoders``).
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from dashboard.gazetteer import MAP_BBOX, Gazetteer, Place, default_gazetteer

log = logging.getLogger(__name__)

USER_AGENT = "strike-map-newsroom/0.1 (newsroom map of reported aerial strikes)"
ENV_SWITCH = "STRIKES_ONLINE_GEOCODING"
ENV_CACHE = "STRIKES_GEOCODE_CACHE"
#: OpenStreetMap's Nominatim policy: at most one request per second.
MIN_DELAY_SECONDS = 1.0
#: Nominatim's ``addresstype`` -> our precision; anything else is a point feature ("facility").
PRECISION_OF_ADDRESSTYPE = {
    "city": "city", "town": "city", "village": "city", "hamlet": "city", "suburb": "city",
    "municipality": "city", "borough": "city", "quarter": "city", "neighbourhood": "city",
    "state": "region", "region": "region", "province": "region", "county": "region",
    "country": "country", "sea": "sea", "ocean": "sea", "bay": "sea", "strait": "sea",
}


def online_enabled(setting: bool | None = None) -> bool:
    """An explicit setting wins; otherwise ``STRIKES_ONLINE_GEOCODING`` (1/true/yes/on)."""
    if setting is not None:
        return setting
    return os.environ.get(ENV_SWITCH, "").strip().lower() in {"1", "true", "yes", "on"}


def default_cache_path() -> Path:
    """``$STRIKES_GEOCODE_CACHE``, else ``~/.cache/strike-map/nominatim.json`` (never in data/)."""
    override = os.environ.get(ENV_CACHE)
    return Path(override) if override else Path.home() / ".cache" / "strike-map" / "nominatim.json"


class JsonCache:
    """A small name -> answer store in one JSON file, rewritten atomically on every change."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self._data: dict = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._data = {}

    def __contains__(self, key: str) -> bool:
        return key in self._data

    def get(self, key: str):
        return self._data.get(key)

    def set(self, key: str, value) -> None:
        self._data[key] = value
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.path.parent,
                                             delete=False, suffix=".tmp") as fh:
                json.dump(self._data, fh, ensure_ascii=False, indent=0, sort_keys=True)
            os.replace(fh.name, self.path)
        except OSError as exc:  # a read-only disk costs requests, not correctness
            log.warning("geocode cache not written to %s: %s", self.path, exc)


@dataclass(frozen=True)
class GeocodeResult:
    """What a name resolved to, and where the answer came from."""

    place: Place | None
    source: str | None  # "offline" | "cache" | "nominatim" | None (not found)
    warning: str | None = None


def place_from_nominatim(location) -> Place | None:
    """A ``Place`` from a Nominatim ``Location`` (asked with ``addressdetails=True``).

    Answers outside the map area are dropped: a reporter's unknown village is never worth a
    namesake on another continent.
    """
    if location is None:
        return None
    raw = location.raw or {}
    lat, lon = float(location.latitude), float(location.longitude)
    if not (MAP_BBOX[0] <= lon <= MAP_BBOX[2] and MAP_BBOX[1] <= lat <= MAP_BBOX[3]):
        return None
    address = raw.get("address") or {}
    precision = PRECISION_OF_ADDRESSTYPE.get(raw.get("addresstype", ""), "facility")
    country = (address.get("country_code") or "").upper() or None
    if precision == "sea":
        country = None
    name = raw.get("name") or str(location.address).split(",")[0]
    return Place(f"osm:{raw.get('osm_type', 'node')}/{raw.get('osm_id', '')}", name, country,
                 address.get("state"), round(lat, 4), round(lon, 4), precision)


class FallbackGeocoder:
    """Offline gazetteer first, Nominatim for what it does not know (when switched on).

    ``prefer_online=True`` asks Nominatim first (for village-level precision) and uses the
    gazetteer when the network fails or Nominatim has nothing. ``nominatim`` may be any object
    with a geopy-style ``geocode(query, **kwargs)``; tests pass a fake one.
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *, online: bool | None = None,
                 prefer_online: bool = False, nominatim=None, cache_path: Path | None = None,
                 min_delay_seconds: float = MIN_DELAY_SECONDS):
        self.gazetteer = gazetteer or default_gazetteer()
        self.online = online_enabled(online)
        self.prefer_online = prefer_online
        self._nominatim = nominatim
        self._cache_path = cache_path
        self._cache: JsonCache | None = None
        self._min_delay = min_delay_seconds
        self._throttled: Callable | None = None

    def _ask(self) -> Callable:
        if self._throttled is None:
            service = self._nominatim or Nominatim(user_agent=USER_AGENT, timeout=10)
            self._throttled = RateLimiter(service.geocode, min_delay_seconds=self._min_delay,
                                          max_retries=0, swallow_exceptions=False)
        return self._throttled

    @property
    def cache(self) -> JsonCache:
        if self._cache is None:
            self._cache = JsonCache(self._cache_path or default_cache_path())
        return self._cache

    def resolve(self, name: str, country: str | None = None) -> GeocodeResult:
        """Resolve ``name``; never raises for network trouble."""
        offline = self.gazetteer.lookup(name, country=country)
        if not self.online or (offline is not None and not self.prefer_online):
            return GeocodeResult(offline, "offline" if offline else None)
        key = f"{name.strip().lower()}|{(country or '').upper()}"
        if key in self.cache:
            stored = self.cache.get(key)
            if stored:
                return GeocodeResult(Place(**stored), "cache")
            return GeocodeResult(offline, "offline" if offline else None)
        try:
            location = self._ask()(name, exactly_one=True, addressdetails=True, language="en",
                                   country_codes=country.lower() if country else None)
        except (GeopyError, OSError) as exc:
            warning = (f"online geocoding of {name!r} failed ({type(exc).__name__}: {exc}); "
                       "used the offline gazetteer")
            log.warning(warning)
            return GeocodeResult(offline, "offline" if offline else None, warning)
        online = place_from_nominatim(location)
        self.cache.set(key, asdict(online) if online else None)
        if online is not None:
            return GeocodeResult(online, "nominatim")
        return GeocodeResult(offline, "offline" if offline else None)

    def geocode(self, name: str, country: str | None = None) -> Place | None:
        """Just the place (the warning, if any, is logged)."""
        return self.resolve(name, country).place


def online_geocoder(gazetteer: Gazetteer | None = None, *, cache_path: Path | None = None,
                    prefer_online: bool = False) -> Callable[..., Place | None]:
    """``geocode(name, country=None) -> Place | None`` with Nominatim switched on.

    For callers that already decided to go online (the command line's ``--online``); the
    pipeline calls it only for names the offline gazetteer did not resolve.
    """
    return FallbackGeocoder(gazetteer, online=True, prefer_online=prefer_online,
                            cache_path=cache_path).geocode
