"""dashboard.maps: the deck's JSON spec, as the browser will receive it."""

import json
import math

import pytest

from dashboard.charts import geo, maps
from dashboard.domain import flows as fl

FIELD = "@@="


@pytest.fixture(autouse=True)
def no_basemap_setting(monkeypatch):
    monkeypatch.delenv(maps.BASEMAP_ENV, raising=False)


def spec(deck) -> dict:
    return json.loads(deck.to_json())


def layers(deck) -> dict[str, dict]:
    return layers_of(spec(deck))


def layers_of(document: dict) -> dict[str, dict]:
    return {layer["id"]: layer for layer in document["layers"]}


def deck_for(mutual_aid, cities, metric="all", selected=None):
    flows = fl.aid_flows(mutual_aid, metric=metric)
    shown = fl.for_city(flows, selected) if selected else flows
    return maps.flow_deck(shown, cities, selected=selected, scale_flows=flows)


# --- layers and what they carry


def test_layers_in_drawing_order(mutual_aid, cities):
    assert list(layers(deck_for(mutual_aid, cities))) == ["backdrop", "counties", "cities", "arcs", "arrows", "labels"]


def test_counts_are_written_on_arcs_when_a_city_is_chosen(mutual_aid, cities):
    chosen = layers(deck_for(mutual_aid, cities, selected="taipei"))
    assert "counts" in chosen
    assert sorted(row["label"] for row in chosen["counts"]["data"]) == ["1,245", "666"]


def test_backdrop_is_the_rest_of_taiwan_and_counties_the_eight(mutual_aid, cities):
    chosen = layers(deck_for(mutual_aid, cities))
    backdrop = [f["properties"]["name"] for f in chosen["backdrop"]["data"]["features"]]
    counties = [f["properties"]["name"] for f in chosen["counties"]["data"]["features"]]
    assert sorted(counties) == sorted(c.name for c in cities)
    assert len(backdrop) == 14 and not set(backdrop) & set(counties)
    assert chosen["backdrop"]["pickable"] is False


@pytest.mark.parametrize("metric", list(fl.METRICS))
def test_one_arc_per_nonzero_pair_from_requester_to_supporter(mutual_aid, cities, metric):
    arcs = layers(deck_for(mutual_aid, cities, metric=metric))["arcs"]["data"]
    column = fl.METRICS[metric][1]
    expected = {(r.from_code, r.to_code): getattr(r, column) for r in mutual_aid.itertuples() if getattr(r, column) > 0}
    assert {(a["from_code"], a["to_code"]): a["count"] for a in arcs} == expected
    where = {c.code: [c.lon, c.lat] for c in cities}
    assert all(a["source"] == where[a["from_code"]] and a["target"] == where[a["to_code"]] for a in arcs)


@pytest.mark.parametrize("metric", list(fl.METRICS))
def test_widths_grow_with_counts(mutual_aid, cities, metric):
    arcs = layers(deck_for(mutual_aid, cities, metric=metric))["arcs"]["data"]
    by_count = sorted(arcs, key=lambda a: a["count"])
    for low, high in zip(by_count, by_count[1:]):
        assert (low["width"] < high["width"]) if low["count"] < high["count"] else low["width"] == high["width"]
    assert all(maps.MIN_WIDTH <= a["width"] <= maps.MAX_WIDTH for a in arcs)


def test_one_stays_visible_next_to_the_largest():
    assert maps.arc_width(1, 1208) >= maps.MIN_WIDTH >= 1.5
    assert maps.arc_width(1208, 1208) == maps.MAX_WIDTH
    assert maps.arc_width(74, 1208) > 2 * maps.arc_width(1, 1208)
    assert maps.arc_width(0, 1208) == 0


def test_arc_widths_keep_their_scale_when_a_city_is_chosen(mutual_aid, cities):
    full = {(a["from_code"], a["to_code"]): a["width"] for a in layers(deck_for(mutual_aid, cities))["arcs"]["data"]}
    chosen = layers(deck_for(mutual_aid, cities, selected="taoyuan"))["arcs"]["data"]
    assert chosen and all(a["width"] == full[(a["from_code"], a["to_code"])] for a in chosen)
    assert all("taoyuan" in (a["from_code"], a["to_code"]) for a in chosen)


def test_reverse_arcs_lean_to_opposite_sides(cities):
    where = {c.code: (c.lon, c.lat) for c in cities}
    a, b = where["taipei"], where["new-taipei"]
    there, back = maps.arc_top(a, b, 1.0), maps.arc_top(b, a, 1.0)
    middle = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]
    # the two tops sit on either side of the midpoint, mirrored
    assert there[:2] != back[:2]
    assert math.isclose(there[0] - middle[0], middle[0] - back[0], abs_tol=1e-4)
    assert math.isclose(there[1] - middle[1], middle[1] - back[1], abs_tol=1e-4)
    assert there[2] == back[2] > 0


def test_arrow_points_from_source_to_target():
    assert maps.bearing_angle((121.0, 25.0), (121.5, 25.0)) == 0  # east
    assert maps.bearing_angle((121.0, 25.0), (121.0, 24.5)) == -90  # south
    assert maps.bearing_angle((121.5, 25.0), (121.0, 25.0)) == 180  # west


@pytest.mark.parametrize(
    "metric, text",
    [
        ("relay", "臺北市 請 新北市 支援：轉報 1,208 件\n（火警 5 件、救護 32 件、轉報 1,208 件）"),
        ("fire", "臺北市 請 新北市 支援：火警 5 件\n（火警 5 件、救護 32 件、轉報 1,208 件）"),
        ("all", "臺北市 請 新北市 支援：合計 1,245 件\n（火警 5 件、救護 32 件、轉報 1,208 件）"),
    ],
)
def test_arc_tooltips_state_the_exact_counts(mutual_aid, cities, metric, text):
    arcs = layers(deck_for(mutual_aid, cities, metric=metric))["arcs"]["data"]
    assert text in [a["tooltip"] for a in arcs]


def test_social_worker_arcs_and_tooltips(training, cities):
    deck = maps.flow_deck(fl.social_flows(training), cities)
    arcs = layers(deck)["arcs"]["data"]
    assert sum(a["count"] for a in arcs) == 57
    assert "宜蘭縣 社工 參加 新北市 開設之課程：18 位" in [a["tooltip"] for a in arcs]
    markers = {m["code"]: m for m in layers(deck)["cities"]["data"]}
    assert markers["new-taipei"]["tooltip"] == "新北市 社工參加他市課程：3 位\n他市社工參加 新北市 開設之課程：48 位"


def test_tooltip_template_reads_the_tooltip_field(mutual_aid, cities):
    tooltip = deck_for(mutual_aid, cities)._tooltip
    assert tooltip["text"] == "{tooltip}"
    chosen = layers(deck_for(mutual_aid, cities))
    pickable = [name for name, layer in chosen.items() if layer.get("pickable")]
    assert sorted(pickable) == ["arcs", "cities", "counties"]
    for name in pickable:
        rows = chosen[name]["data"]
        rows = rows["features"] if isinstance(rows, dict) else rows
        assert all((row.get("properties") or row).get("tooltip") for row in rows), name


# --- markers


def test_markers_grow_with_in_plus_out_totals(mutual_aid, cities):
    markers = layers(deck_for(mutual_aid, cities))["cities"]["data"]
    for m in markers:
        involved = mutual_aid[(mutual_aid["from_code"] == m["code"]) | (mutual_aid["to_code"] == m["code"])]
        assert m["total"] == involved["total"].sum()
    by_total = sorted(markers, key=lambda m: m["total"])
    for low, high in zip(by_total, by_total[1:]):
        assert (low["radius"] < high["radius"]) if low["total"] < high["total"] else low["radius"] == high["radius"]


def test_marker_tooltip_words_both_directions(mutual_aid, cities):
    markers = {m["code"]: m for m in layers(deck_for(mutual_aid, cities))["cities"]["data"]}
    assert markers["taipei"]["tooltip"] == "臺北市 請他市支援：合計 1,245 件\n他市請 臺北市 支援：合計 666 件"
    relay = {m["code"]: m for m in layers(deck_for(mutual_aid, cities, metric="relay"))["cities"]["data"]}
    assert relay["taipei"]["tooltip"] == "臺北市 請他市支援：轉報 1,208 件\n他市請 臺北市 支援：轉報 660 件"


# --- literals versus expressions


def test_literal_strings_are_quoted_so_pydeck_keeps_them(mutual_aid, cities):
    chosen = layers(deck_for(mutual_aid, cities, selected="taipei"))
    for name in ("labels", "arrows", "counts"):
        assert chosen[name]["characterSet"] == "auto"
        assert chosen[name]["fontFamily"].startswith('"Noto Sans CJK TC"')
        assert chosen[name]["sizeUnits"] == "pixels"
    assert chosen["arcs"]["widthUnits"] == "pixels"
    assert chosen["cities"]["radiusUnits"] == "pixels"
    assert chosen["arrows"]["getTextAnchor"] == "middle"
    assert chosen["labels"]["getTextAnchor"] == f"{FIELD}anchor"  # per name: beside or centred on its marker


def test_every_field_accessor_names_a_field_of_its_rows(mutual_aid, cities):
    for layer in layers(deck_for(mutual_aid, cities, selected="taipei")).values():
        data = layer["data"]
        rows = [f["properties"] for f in data["features"]] if isinstance(data, dict) else data
        for key, value in layer.items():
            if isinstance(value, str) and value.startswith(FIELD):
                field = value[len(FIELD) :].removeprefix("properties.")
                assert rows and all(field in row for row in rows), (layer["id"], key, value)
            elif isinstance(value, str) and key != "@@type" and key != "id":
                assert "'" not in value, (layer["id"], key, value)


def test_literal_refuses_a_quote_pydeck_would_strip():
    with pytest.raises(ValueError):
        maps.literal("it's")


def test_labels_carry_the_official_names(mutual_aid, cities):
    labels = layers(deck_for(mutual_aid, cities))["labels"]
    assert [row["name"] for row in labels["data"]] == [c.name for c in cities]
    assert labels["getText"] == FIELD + "name"


def test_deck_json_is_built_once(mutual_aid, cities):
    """The map page caches its deck and Streamlit asks for the JSON on every run."""
    deck = deck_for(mutual_aid, cities)
    assert deck.to_json() is deck.to_json()


def test_deck_spec_stays_compact(mutual_aid, cities):
    """The browser receives the whole spec on every run; the backdrop counties are simplified
    more coarsely than the eight, so the default map stays well under the 188 KB it once was."""
    deck = deck_for(mutual_aid, cities)
    assert len(deck.to_json()) < 130_000
    backdrop = len(json.dumps(layers(deck)["backdrop"]))
    assert backdrop < len(json.dumps(layers(deck)["counties"]))  # 14 faint counties, fewer bytes than the 8


# --- basemap and view


def test_no_basemap_by_default(mutual_aid, cities):
    text = deck_for(mutual_aid, cities).to_json()
    document = json.loads(text)
    assert "mapProvider" not in document
    # pydeck's "no style" marker; without any mapStyle key Streamlit falls back to fetching Carto's
    assert document["mapStyle"] == "__MAP_STYLE__"
    assert "http" not in text and "cartocdn" not in text and "mapbox" not in text


def test_a_basemap_only_when_configured(mutual_aid, cities, monkeypatch):
    monkeypatch.setenv(maps.BASEMAP_ENV, "https://tiles.example.gov.tw/style.json")
    document = spec(deck_for(mutual_aid, cities))
    assert document["mapStyle"] == "https://tiles.example.gov.tw/style.json"


def project(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    scale = 512 * 2**zoom / (2 * math.pi)
    return scale * math.radians(lon), scale * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def test_initial_view_fits_the_eight_counties():
    view = maps.fit_view(geo.bounds(geo.region_features()))
    west, south, east, north = geo.bounds(geo.region_features())
    x0, y0 = project(west, south, view.zoom)
    x1, y1 = project(east, north, view.zoom)
    assert x1 - x0 <= maps.MAP_WIDTH and y1 - y0 <= maps.MAP_HEIGHT
    assert x1 - x0 >= 0.8 * maps.MAP_WIDTH  # and uses the room it has
    assert west < view.longitude < east and south < view.latitude < north
    assert 20 <= view.pitch <= 50


# The map's box on the screens of issue 8 (pages/map.py: MAP_HEIGHT tall, the column's width):
# 1024×768 with the sidebar open (the narrowest map column), 390×844 (columns stacked), 1280×720.
MAP_BOXES = {"1024×768": (338, maps.MAP_HEIGHT), "390×844": (358, maps.MAP_HEIGHT), "1280×720": (515, maps.MAP_HEIGHT)}
ALTITUDE = 1.5  # deck.gl's MapView: the camera sits 1.5 viewport heights above the centre


def on_screen(lon: float, lat: float, view: dict, width: int, height: int) -> tuple[float, float]:
    """Where deck.gl's pitched Web-Mercator camera draws a ground point, in pixels from the map's
    top-left: points north of the centre are farther from the camera, so drawn smaller."""
    scale = 512 * 2 ** view["zoom"] / (2 * math.pi)
    dx, dy = (a - b for a, b in zip(project(lon, lat, 0), project(view["longitude"], view["latitude"], 0)))
    dx, dy = dx / (512 / (2 * math.pi)) * scale, dy / (512 / (2 * math.pi)) * scale
    pitch = math.radians(view["pitch"])
    depth = ALTITUDE + dy / height * math.sin(pitch)
    return width / 2 + ALTITUDE * dx / depth, height / 2 - ALTITUDE * dy * math.cos(pitch) / depth


def label_box(label: dict, view: dict, width: int, height: int) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a city's name as the labels layer draws it: 17 px characters
    centred on the marker, above or below it by the row's pixel offset, on a padded background."""
    x, y = on_screen(*label["position"], view, width, height)
    wide, tall = 17 * len(label["name"]) + 8, 17 + 2
    x, y = x + label["offset"][0], y + label["offset"][1]
    left = x - 4 if label.get("anchor") == "start" else x - wide / 2
    top = {"bottom": y - tall, "center": y - tall / 2, "top": y}[label["baseline"]]
    return left, top, left + wide, top + tall


def test_no_two_city_names_overlap_on_the_default_map(mutual_aid, cities):
    """臺北市's and 基隆市's names, both above their markers 15 km apart, ran into each other."""
    document = spec(deck_for(mutual_aid, cities))
    view, labels = document["initialViewState"], layers_of(document)["labels"]["data"]
    for box in MAP_BOXES.values():
        boxes = {label["name"]: label_box(label, view, *box) for label in labels}
        overlaps = [
            (a, b)
            for a in boxes
            for b in boxes
            if a < b
            and boxes[a][0] < boxes[b][2]
            and boxes[b][0] < boxes[a][2]
            and boxes[a][1] < boxes[b][3]
            and boxes[b][1] < boxes[a][3]
        ]
        assert overlaps == [], f"names overlapping in a {box[0]}×{box[1]} map"


@pytest.mark.parametrize("box", list(MAP_BOXES))
@pytest.mark.parametrize("selected", [None, "taipei", "miaoli", "yilan", "hsinchu-city"])
def test_every_city_name_shown_lies_inside_the_map(mutual_aid, cities, selected, box):
    """苗栗縣's name was cut at the map's left edge at 1024 and 390 (issue 20)."""
    width, height = MAP_BOXES[box]
    document = spec(deck_for(mutual_aid, cities, selected=selected))
    view = document["initialViewState"]
    labels = layers_of(document)["labels"]["data"]
    shown = [label for label in labels if label["text_color"][:3] == [20, 20, 20]]  # greyed names may go
    assert selected is not None or len(shown) == 8
    outside = {}
    for label in shown:
        left, top, right, bottom = label_box(label, view, width, height)
        if left < 0 or top < 0 or right > width or bottom > height:
            outside[label["name"]] = [round(v) for v in (left, top, right, bottom)]
    assert outside == {}, f"names cut off in a {width}×{height} map: {outside}"


def test_choosing_a_city_zooms_to_it_and_its_partners(mutual_aid, cities):
    default = spec(deck_for(mutual_aid, cities))["initialViewState"]
    chosen = spec(deck_for(mutual_aid, cities, selected="taipei"))["initialViewState"]
    assert chosen["zoom"] > default["zoom"]


# --- clicks


@pytest.mark.parametrize(
    "selection, code",
    [
        ({"indices": {"cities": [2]}, "objects": {"cities": [{"code": "taipei", "name": "臺北市"}]}}, "taipei"),
        (
            {
                "indices": {"counties": [0]},
                "objects": {"counties": [{"type": "Feature", "properties": {"code": "yilan"}}]},
            },
            "yilan",
        ),
        ({"indices": {"arcs": [0]}, "objects": {"arcs": [{"from_code": "taipei", "to_code": "new-taipei"}]}}, None),
        ({"indices": {}, "objects": {}}, None),
        (None, None),
    ],
)
def test_city_from_selection(selection, code):
    assert maps.city_from_selection(selection) == code


# --- legend


def test_legend_states_direction_in_words_and_the_width_scale(mutual_aid):
    flows = fl.aid_flows(mutual_aid)
    legend = maps.legend_html(flows, max_count=1245)
    assert "請求支援縣市" in legend and "提供支援縣市" in legend and maps.ARROW in legend
    assert "linear-gradient" in legend
    for stop in ("1", "10", "100", "1,245"):
        assert f"</span>{stop}</span>" in legend


@pytest.mark.parametrize("max_count, stops", [(1245, [1, 10, 100, 1245]), (18, [1, 18]), (5, [1, 5]), (0, [])])
def test_width_stops(max_count, stops):
    assert maps.width_stops(max_count) == stops
