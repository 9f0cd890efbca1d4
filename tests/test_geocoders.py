"""Opt-in online geocoding with a fake Nominatim: switch, throttle, cache, fallback. No network."""
from __future__ import annotations

import logging

import pytest
from geopy.exc import GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable
from geopy.location import Location

from dashboard.gazetteer import default_gazetteer
from dashboard.geocoders import (ENV_SWITCH, USER_AGENT, FallbackGeocoder, JsonCache,
                                 online_enabled, place_from_nominatim)


def _village(name="Novoselivka Druha", lat=48.3, lon=37.4, addresstype="village", cc="ua"):
    raw = {"osm_type": "node", "osm_id": 42, "name": name, "addresstype": addresstype,
           "address": {"country_code": cc, "state": "Donetsk Oblast"}}
    return Location(f"{name}, Donetsk Oblast, Ukraine", (lat, lon), raw)


class FakeNominatim:
    """Answers from a dict, or raises ``error``; records every query."""

    def __init__(self, answers=None, error: Exception | None = None):
        self.answers = answers or {}
        self.error = error
        self.queries: list[tuple[str, dict]] = []

    def geocode(self, query, **kwargs):
        self.queries.append((query, kwargs))
        if self.error is not None:
            raise self.error
        return self.answers.get(query)


@pytest.fixture
def cache_path(tmp_path):
    return tmp_path / "geocode.json"


def _geocoder(fake, cache_path, **kwargs):
    return FallbackGeocoder(default_gazetteer(), online=True, nominatim=fake, cache_path=cache_path,
                            min_delay_seconds=0, **kwargs)


@pytest.mark.parametrize("setting, env, expected", [
    (None, None, False), (None, "1", True), (None, "true", True), (None, "0", False),
    (None, "", False), (False, "1", False), (True, None, True),
])
def test_online_is_off_unless_switched_on(monkeypatch, setting, env, expected):
    monkeypatch.delenv(ENV_SWITCH, raising=False)
    if env is not None:
        monkeypatch.setenv(ENV_SWITCH, env)
    assert online_enabled(setting) is expected


def test_user_agent_names_the_tool():
    assert USER_AGENT.startswith("strike-map-newsroom/0.1")


def test_offline_by_default_never_calls_nominatim(monkeypatch, cache_path):
    monkeypatch.delenv(ENV_SWITCH, raising=False)
    fake = FakeNominatim({"Novoselivka Druha": _village()})
    geocoder = FallbackGeocoder(default_gazetteer(), nominatim=fake, cache_path=cache_path)
    assert geocoder.resolve("Novoselivka Druha").place is None
    assert geocoder.resolve("Kharkiv").source == "offline"
    assert fake.queries == [] and not cache_path.exists()


def test_known_names_stay_offline_when_online(cache_path):
    fake = FakeNominatim()
    result = _geocoder(fake, cache_path).resolve("Kiev")
    assert (result.place.name, result.source) == ("Kyiv", "offline")
    assert fake.queries == []


def test_unknown_name_goes_online_once_then_comes_from_cache(cache_path):
    fake = FakeNominatim({"Novoselivka Druha": _village()})
    first = _geocoder(fake, cache_path).resolve("Novoselivka Druha")
    assert (first.source, first.place.precision, first.place.country) == ("nominatim", "city", "UA")
    assert fake.queries[0][1]["addressdetails"] is True
    second = _geocoder(fake, cache_path).resolve("Novoselivka Druha")  # a new process, same cache
    assert (second.source, second.place) == ("cache", first.place)
    assert len(fake.queries) == 1


def test_misses_are_cached_too(cache_path):
    fake = FakeNominatim()
    assert _geocoder(fake, cache_path).resolve("Xyzgrad").place is None
    assert _geocoder(fake, cache_path).resolve("Xyzgrad").place is None
    assert len(fake.queries) == 1


@pytest.mark.parametrize("error", [GeocoderUnavailable("down"), GeocoderTimedOut("slow"),
                                   GeocoderServiceError("503"), OSError("no route to host")])
def test_network_failure_falls_back_to_offline_with_a_warning(cache_path, caplog, error):
    fake = FakeNominatim(error=error)
    with caplog.at_level(logging.WARNING, logger="dashboard.geocoders"):
        unknown = _geocoder(fake, cache_path).resolve("Novoselivka Druha")
        known = _geocoder(fake, cache_path, prefer_online=True).resolve("Kharkov")
    assert unknown.place is None and "failed" in unknown.warning
    assert (known.place.name, known.source) == ("Kharkiv", "offline") and known.warning
    assert "offline gazetteer" in caplog.text
    assert not cache_path.exists()  # failures are not cached: the next run asks again


def test_prefer_online_asks_nominatim_first(cache_path):
    fake = FakeNominatim({"Kharkiv": _village("Kharkiv", 49.99, 36.23, "city")})
    result = _geocoder(fake, cache_path, prefer_online=True).resolve("Kharkiv")
    assert (result.source, result.place.key) == ("nominatim", "osm:node/42")


def test_country_hint_is_passed_to_nominatim(cache_path):
    fake = FakeNominatim()
    _geocoder(fake, cache_path).resolve("Xyzgrad", country="UA")
    assert fake.queries[0][1]["country_codes"] == "ua"


@pytest.mark.parametrize("location, expected", [
    (_village(), ("city", "UA")),
    (_village("Black Sea", 43.4, 34.0, "sea", "ua"), ("sea", None)),
    (_village("Some depot", 48.0, 37.0, "industrial"), ("facility", "UA")),
    (_village("Atlantis", -33.6, 18.4, "town", "za"), None),  # outside the map area
    (None, None),
])
def test_place_from_nominatim(location, expected):
    place = place_from_nominatim(location)
    assert (place and (place.precision, place.country)) == (expected or None)


def test_cache_survives_a_corrupt_file(cache_path):
    cache_path.write_text("{not json", encoding="utf-8")
    cache = JsonCache(cache_path)
    cache.set("a|", None)
    assert "a|" in JsonCache(cache_path)


def test_online_geocoder_is_a_switched_on_callable(monkeypatch, cache_path):
    import dashboard.geocoders as geocoders

    fake = FakeNominatim({"Novoselivka Druha": _village()})
    monkeypatch.setattr(geocoders, "Nominatim", lambda **kwargs: fake)
    geocode = geocoders.online_geocoder(cache_path=cache_path)
    assert geocode("Kharkov").name == "Kharkiv"  # offline, no request
    assert geocode("Novoselivka Druha").precision == "city"
    assert [q for q, _ in fake.queries] == ["Novoselivka Druha"]
