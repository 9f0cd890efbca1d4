"""Import an ACLED export (the standard columns: event_date, sub_event_type, actor1, admin1-3,
location, latitude, longitude, geo_precision, time_precision, source, notes, fatalities, ...).

ACLED codes every kind of political violence; only aerial strikes are ours. An "Air/drone strike"
row is kept; a "Shelling/artillery/missile attack" row is kept only when its notes name a missile,
drone or guided bomb, because ACLED puts artillery and rocket-artillery fire under the same
sub-event type. The weapon class comes from the notes (acled_weapons.csv), the claimant from the
``source`` column, the attacking side from ``actor1`` (acled_actors.csv), and the precision codes
map as acled_codes.csv says. Coordinates are kept exactly as ACLED gives them.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .accounting import Account
from .common import (Draft, accepted_rows, Imported, Places, Row, TableReport, _km, adopt_classes, fold,
                     fold_classes, parse_count, place_record, read_rows, read_vocabulary, strike_key)
from ..reports import MONTHS

SOURCE = "ACLED"
URL = "https://acleddata.com"
REQUIRED = ("event_date", "sub_event_type", "latitude", "longitude", "notes", "fatalities")
FIGURES = {"fatalities": "killed"}
AIR_STRIKE = "Air/drone strike"
SHELLING = "Shelling/artillery/missile attack"
#: Most that ACLED's point may lie from the gazetteer's town of the same name for the event to
#: take the gazetteer's spelling of the name (so that it merges with reports of the same strike).
SAME_TOWN_KM = 30
KEY_COLUMNS = ("event_id_cnty", "event_date", "latitude", "longitude", "sub_event_type", "actor1",
               "fatalities", "notes")

_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_LONG = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})")


@lru_cache(maxsize=1)
def _weapon_words() -> tuple[re.Pattern, tuple[tuple[str, str], ...]]:
    rows = read_vocabulary("acled_weapons.csv")
    pattern = "|".join(f"(?P<w{i}>{r['pattern']})" for i, r in enumerate(rows))
    return (re.compile(rf"(?<![\w-])(?:{pattern})(?![\w])", re.I),
            tuple((r["weapon"], r["model"]) for r in rows))


@lru_cache(maxsize=1)
def _codes() -> dict[tuple[str, str], str]:
    return {(r["field"], r["code"]): r["ours"] for r in read_vocabulary("acled_codes.csv")}


@lru_cache(maxsize=1)
def _actors() -> tuple[tuple[str, str], ...]:
    return tuple((r["pattern"].casefold(), r["side"]) for r in read_vocabulary("acled_actors.csv"))


def weapon_of(notes: str) -> tuple[str | None, str | None]:
    """(class, models) named by the notes; class None when the notes name no aerial weapon.

    Examples: "launched 2 'S-300' missiles" -> ("missile", "S-300"); "Shahed-136 drone strikes" ->
    ("drone", "Shahed"); "shelled ... with artillery and mortars" -> (None, None).
    """
    regex, table = _weapon_words()
    classes, models = [], []
    for m in regex.finditer(notes or ""):
        weapon, model = table[int(m.lastgroup[1:])]
        if weapon == "-":
            continue
        classes.append(weapon)
        if model:
            models.append(m.group(0) if model.endswith("-") else model)
    if not classes:
        return None, None
    return fold_classes(classes), "; ".join(dict.fromkeys(models)) or None


def attacker_of(actor1: str) -> str | None:
    """"Military Forces of Russia (2000-) Air Force" -> "RU"; None when the actor is not a side."""
    text = actor1.casefold()
    return next((side for pattern, side in _actors() if pattern in text), None)


def parse_event_date(text: str) -> dt.date:
    """ACLED's event_date: "14/08/2020", "14/08/2020 00:00:00", "2020-08-14", "14 August 2020"."""
    text = text.strip()
    if m := _DMY.fullmatch(text):
        day, month, year = map(int, m.groups())
    elif m := _ISO.fullmatch(text):
        year, month, day = map(int, m.groups())
    elif (m := _LONG.fullmatch(text)) and m.group(2).lower() in MONTHS:
        day, month, year = int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))
    else:
        raise ValueError(text)
    return dt.date(year, month, day)


def row_key(row: Row) -> tuple:
    return tuple(re.sub(r"\s+", " ", row.get(c)) for c in KEY_COLUMNS)


def check_row(row: Row) -> tuple[str | None, dict]:
    """(reason to reject or None, parsed fields) for one row, without looking up any place."""
    if row.problem:
        return row.problem, {}
    try:
        date = parse_event_date(row.get("event_date"))
    except ValueError:
        return f"unparseable date: event_date {row.cells.get('event_date')!r}", {}
    sub = row.get("sub_event_type")
    weapon, models = weapon_of(row.get("notes"))
    if sub == SHELLING and weapon is None:
        return "not an aerial strike (shelling: the notes name no missile, drone or guided bomb)", {}
    if sub not in (AIR_STRIKE, SHELLING):
        return f"not an aerial strike ({sub or 'no sub_event_type'})", {}
    try:
        killed = parse_count(row.get("fatalities"))
    except ValueError as exc:
        return f"unparseable count: fatalities {exc}", {}
    lat, lon = _coordinate(row.get("latitude"), 90), _coordinate(row.get("longitude"), 180)
    if killed is None and (lat is None or lon is None) and not row.get("location"):
        return "no count and no place", {}
    return None, {"date": date.isoformat(), "weapon": weapon or "unknown", "models": models,
                  "killed": killed, "lat": lat, "lon": lon}


def _coordinate(text: str, limit: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if -limit <= value <= limit else None


def row_keys(text: str) -> set[tuple]:
    """Key facts of the importable rows of a stored file (to merge rows imported before)."""
    _header, rows = read_rows(text, "stored", REQUIRED)
    return {row_key(r) for r in rows if check_row(r)[0] is None}


class _Placer:
    """ACLED's place fields in our terms, with the gazetteer's spelling where it agrees."""

    def __init__(self, places: Places):
        self.places = places
        self.country = lru_cache(maxsize=None)(self._country)
        self.region = lru_cache(maxsize=None)(self._region)

    def _country(self, name: str) -> str | None:
        place = self.places.lookup(name) if name else None
        return place.country if place is not None and place.precision == "country" else None

    def _region(self, admin1: str, country: str | None):
        """The gazetteer's region for ACLED's admin1 ("Zaporizhia", "Kyiv City"), or None."""
        for name in (admin1, f"{admin1} oblast"):
            place = self.places.lookup(name, country) if admin1 else None
            if place is not None and place.precision == "region":
                return place
        return None

    def fields(self, row: Row, parsed: dict) -> dict:
        country = self.country(row.get("country"))
        admin1 = row.get("admin1")
        region = self.region(admin1, country)
        precision = _codes().get(("geo_precision", row.get("geo_precision")), "city")
        location = row.get("location")
        lat, lon = parsed["lat"], parsed["lon"]
        out = {"country": country, "admin1": region.name if region else (admin1 or None),
               "geo_precision": precision, "lat": lat, "lon": lon, "place": location or None}
        if precision == "region":
            out["place"] = out["admin1"] or location or None
        elif location:
            town = self._town(location, country, lat, lon)
            if town is not None:
                out["place"] = town.name
        if lat is None or lon is None:      # no coordinates: the gazetteer's, if it knows the name
            known = self.places.resolve(location, country) if location else None
            out.update(place_record(known, location or None) if known else {"geo_precision": None})
        return out

    def _town(self, location: str, country: str | None, lat, lon):
        for name in dict.fromkeys((location, location.split(" - ")[0].strip())):
            town = self.places.lookup(name, country)
            if town is not None and town.precision in ("city", "facility"):
                if lat is None or lon is None or _km(town, _Point(lat, lon)) <= SAME_TOWN_KM:
                    return town
        return None


class _Point:
    def __init__(self, lat: float, lon: float):
        self.lat, self.lon = lat, lon


def read_acled(data: bytes, text: str, path: str, report_id: str, places: Places,
               known: Callable[[tuple], bool] = lambda key: False) -> Imported:
    """Read an ACLED export into a report, its events and the account of its rows.

    Parameters are those of `kaggle.read_kaggle` (without the weapon table).
    """
    header, rows = read_rows(text, path, REQUIRED)
    account = Account(path, "acled", dict(FIGURES), header)
    placer = _Placer(places)
    drafts: list[Draft] = []
    for row, parsed in accepted_rows(rows, account, check_row, row_key, known):
        notes = row.get("notes")
        where = row.line.find(notes) if notes else -1
        span = (row.start + where, row.start + where + len(notes)) if where >= 0 else None
        record = {
            **placer.fields(row, parsed), "date": parsed["date"],
            "date_precision": _codes().get(("time_precision", row.get("time_precision")), "day"),
            "date_inferred": False, "weapon": parsed["weapon"], "weapon_model": parsed["models"],
            "killed": parsed["killed"], "claimed_by": row.get("source") or None,
            "attacker": attacker_of(row.get("actor1")), "source": SOURCE, "source_url": None,
        }
        drafts.append(Draft(record, row.number, "0", [(notes, span)]))
    adopt_classes(drafts)
    events = fold(drafts, report_id)
    for event in events:
        account.stored["killed"] += event["killed"] or 0
    account.events = len(events)
    folded = len(drafts) - len({strike_key(d.record) for d in drafts})
    if folded:
        account.note(f"{folded} row(s) added into others of the same date, place, weapon class and "
                     "sides (separate ACLED events of one strike)")
    report = TableReport(report_id=report_id, path=path, raw=text, text=text, title=Path(path).name,
                         url=URL, source=SOURCE, warnings=tuple(account.notes))
    return Imported(report, events, account)


def looks_like(header: list[str]) -> bool:
    """True for the header of an ACLED export."""
    return all(c in header for c in REQUIRED)
