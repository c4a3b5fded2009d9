"""Checks on the committed county outlines (data/geo/taiwan_counties.geojson).

Offline: reads only the committed file (regenerate with ``python scripts/build_geo.py``).
"""

import json
from pathlib import Path

import pytest

GEOJSON = Path(__file__).resolve().parents[1] / "data" / "geo" / "taiwan_counties.geojson"

REGION = {"宜蘭縣", "基隆市", "臺北市", "新北市", "桃園市", "新竹縣", "新竹市", "苗栗縣"}
ALL_NAMES = REGION | {
    "臺中市",
    "臺南市",
    "高雄市",
    "彰化縣",
    "南投縣",
    "雲林縣",
    "嘉義縣",
    "嘉義市",
    "屏東縣",
    "臺東縣",
    "花蓮縣",
    "澎湖縣",
    "金門縣",
    "連江縣",
}

# Generous bounding box of Taiwan, Penghu, Kinmen and Matsu.
LON_RANGE = (118.0, 122.5)
LAT_RANGE = (21.5, 26.5)


@pytest.fixture(scope="module")
def collection():
    with GEOJSON.open(encoding="utf-8") as fh:
        return json.load(fh)


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


def signed_area(ring):
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))


def test_file_size_under_500_kb():
    assert GEOJSON.stat().st_size < 500 * 1024


def test_is_feature_collection(collection):
    assert collection["type"] == "FeatureCollection"
    assert all(f["type"] == "Feature" for f in collection["features"])


def test_one_feature_per_county(collection):
    names = [f["properties"]["name"] for f in collection["features"]]
    assert len(names) == len(set(names)) == 22
    assert set(names) == ALL_NAMES
    assert not any("台" in n for n in names)


def test_exactly_the_eight_members_are_region(collection):
    region = [f["properties"]["name"] for f in collection["features"] if f["properties"]["region"] is True]
    assert len(region) == 8
    assert set(region) == REGION
    assert all(isinstance(f["properties"]["region"], bool) for f in collection["features"])


def test_codes(collection):
    codes = [f["properties"]["code"] for f in collection["features"]]
    assert all(isinstance(c, str) and len(c) == 5 and c.isdigit() for c in codes)
    assert len(set(codes)) == len(codes)
    by_name = {f["properties"]["name"]: f["properties"]["code"] for f in collection["features"]}
    assert by_name["臺北市"] == "63000"
    assert by_name["新北市"] == "65000"


def test_geometries_are_polygons_with_valid_closed_rings(collection):
    for feature in collection["features"]:
        name = feature["properties"]["name"]
        geometry = feature["geometry"]
        assert geometry["type"] in {"Polygon", "MultiPolygon"}, name
        polys = polygons(geometry)
        assert polys, name
        for polygon in polys:
            assert polygon, name
            for i, ring in enumerate(polygon):
                assert len(ring) >= 4, name
                assert ring[0] == ring[-1], f"{name}: ring not closed"
                assert all(len(p) == 2 and all(isinstance(v, (int, float)) for v in p) for p in ring)
                assert all(a != b for a, b in zip(ring, ring[1:])), f"{name}: repeated point"
                assert len({tuple(p) for p in ring[:-1]}) == len(ring) - 1, f"{name}: ring pinches"
                area = signed_area(ring)
                assert area != 0, f"{name}: degenerate ring"
                # RFC 7946: exterior rings counter-clockwise, holes clockwise.
                assert (area > 0) == (i == 0), f"{name}: ring {i} wound the wrong way"


def test_coordinates_in_taiwan(collection):
    for feature in collection["features"]:
        for polygon in polygons(feature["geometry"]):
            for ring in polygon:
                for lon, lat in ring:
                    assert LON_RANGE[0] <= lon <= LON_RANGE[1], feature["properties"]["name"]
                    assert LAT_RANGE[0] <= lat <= LAT_RANGE[1], feature["properties"]["name"]


def test_new_taipei_has_a_hole_for_taipei(collection):
    by_name = {f["properties"]["name"]: f["geometry"] for f in collection["features"]}
    new_taipei = polygons(by_name["新北市"])
    assert any(len(p) > 1 for p in new_taipei), "新北市 should have a hole for 臺北市"
