"""The flow map as a pydeck Deck: county outlines, arcs from source to target city, sized markers.

pydeck reads plain strings in layer arguments as JavaScript expressions (a column name, say), so
every literal string is passed quoted ("'auto'"). No basemap unless MAP_BASEMAP_STYLE names one:
the map must work offline and behind a firewall.
"""

import html
import json
import math
import os
import weakref

import numpy as np
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from dashboard.charts import geo
from dashboard.domain.flows import Flows, all_totals

# Okabe-Ito orange → blue: an arc's colour runs from its source city to its target city.
SOURCE_COLOR = (230, 159, 0)
TARGET_COLOR = (0, 114, 178)
ARC_ALPHA = 220
MIN_WIDTH, MAX_WIDTH = 1.5, 16.0  # pixels
MIN_RADIUS, MAX_RADIUS = 6.0, 15.0  # pixels
# Both arcs of a pair lean by the same angle to the left of their own direction, so A→B and B→A
# fall on opposite sides of the line between the two cities instead of on top of each other.
ARC_TILT = 30
ARC_RISE_KM = 45  # every arc rises about as high as a 45 km one would (see arc_height)
ARC_HEIGHT = 0.5
ARROW = "▶"  # drawn at each arc's top, pointing to the target: direction without colour
FONT_FAMILY = '"Noto Sans CJK TC", "Noto Sans TC", "Microsoft JhengHei", "PingFang TC", sans-serif'
MAP_HEIGHT = 470
# The view is fitted once, on the server, for the narrowest map the page draws: the map column at
# 1024×768 with the sidebar open is 338 px wide (390×844 stacks the columns: 358 px; 1280×720: 515 px).
# Wider maps show the same view with more room around it.
MAP_WIDTH = 338
ALTITUDE = 1.5  # deck.gl's MapView camera: 1.5 viewport heights above the centre of the view
LABEL_SIZE = 17  # px, the city names'
LABEL_PADDING = (4, 1, 4, 1)  # px left, top, right, bottom of the names' background
EDGE = 4  # px kept free between a name and the map's edge
PITCH = 35
ON_TOP = {"depthTest": False}  # markers and labels stay visible under arcs in the air
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQUATOR = 111_320.0

BASEMAP_ENV = "MAP_BASEMAP_STYLE"

COUNTY_FILL = (236, 233, 226)
SELECTED_FILL = (255, 228, 160)
BACKDROP_FILL = (243, 243, 243)


_JSON: "weakref.WeakKeyDictionary[pdk.Deck, str]" = weakref.WeakKeyDictionary()


class CompactDeck(pdk.Deck):
    """A Deck whose JSON is not indented and is built once. Streamlit asks for the JSON on every run
    of the map page, on the server as in tests, and the page caches the deck. Measured on this
    machine for the default map: pydeck's own indent=2 JSON is 497 KB and takes 17.6 ms; compact, 109 KB
    and 3.3 ms (a quarter of the map page's run); built once, nothing. Treat a deck as frozen once
    its JSON has been asked for."""

    def to_json(self) -> str:
        if self not in _JSON:  # kept outside the instance: pydeck serializes every attribute
            _JSON[self] = json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))
        return _JSON[self]


def literal(text: str) -> str:
    """Quote a string so pydeck passes it through as a literal, not as a JavaScript expression."""
    if "'" in text:
        raise ValueError("pydeck strips every quote character of a quoted literal")
    return f"'{text}'"


def arc_width(count: int, max_count: int) -> float:
    """Square-root scale with a floor, so that 1 stays visible next to 1,208."""
    if count <= 0 or max_count <= 0:
        return 0.0
    return round(MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * math.sqrt(min(count, max_count) / max_count), 2)


def marker_radius(total: int, max_total: int) -> float:
    if max_total <= 0:
        return MIN_RADIUS
    return round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(max(total, 0) / max_total), 2)


def width_stops(max_count: int) -> list[int]:
    """Counts to show in the width legend: powers of ten well below the maximum, then the maximum."""
    return [s for s in (1, 10, 100, 1000) if s * 2 <= max_count] + ([max_count] if max_count > 0 else [])


def _metres(source: tuple[float, float], target: tuple[float, float]) -> tuple[float, float]:
    """Eastward and northward metres from source to target (flat approximation; fine at this scale)."""
    lat = math.radians((source[1] + target[1]) / 2)
    return ((target[0] - source[0]) * M_PER_DEG_LON_EQUATOR * math.cos(lat), (target[1] - source[1]) * M_PER_DEG_LAT)


def arc_height(source: tuple[float, float], target: tuple[float, float]) -> float:
    """deck.gl scales an arc's height with its length; lift short arcs (臺北市↔新北市 are ~20 km
    apart) so that they rise clear of the markers like the longer ones."""
    km = math.hypot(*_metres(source, target)) / 1000
    return round(min(2.5, max(1.0, ARC_RISE_KM / max(km, 1))) * ARC_HEIGHT, 3)


def arc_top(
    source: tuple[float, float], target: tuple[float, float], height: float, tilt: float = ARC_TILT
) -> list[float]:
    """[lon, lat, metres up] of an arc's highest point, as deck.gl's ArcLayer draws it: half the
    length times the height ratio above the midpoint, leaned left of the direction by the tilt."""
    east, north = _metres(source, target)
    length = math.hypot(east, north)
    rise = 0.5 * length * height
    side = rise * math.sin(math.radians(tilt)) / max(length, 1e-9)  # along the left normal (-north, east)
    lat = math.radians((source[1] + target[1]) / 2)
    lon = (source[0] + target[0]) / 2 + (-north * side) / (M_PER_DEG_LON_EQUATOR * math.cos(lat))
    return [
        round(lon, 5),
        round((source[1] + target[1]) / 2 + east * side / M_PER_DEG_LAT, 5),
        round(rise * math.cos(math.radians(tilt)), 1),
    ]


def bearing_angle(source: tuple[float, float], target: tuple[float, float]) -> float:
    """Degrees counter-clockwise from east, as TextLayer's getAngle wants for the arrow."""
    east, north = _metres(source, target)
    return round(math.degrees(math.atan2(north, east)), 1)


def fit_view(
    bounds: tuple[float, float, float, float],
    *,
    width: int = MAP_WIDTH,
    height: int = MAP_HEIGHT,
    pitch: float = PITCH,
    padding: float = 0.04,
) -> pdk.ViewState:
    """A Web-Mercator view centred on the bounds with the zoom that fits them in width×height."""
    west, south, east, north = bounds

    def merc_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max(math.radians(east - west), 1e-6)
    span_y = max(merc_y(north) - merc_y(south), 1e-6)
    usable = 1 - 2 * padding
    # 512 px span 2π radians at zoom 0. A pitched camera squeezes the ground vertically, so the
    # height can hold a little more than its pixels; cos(pitch)**0.5 is a cautious allowance.
    zoom_x = math.log2(width * usable * 2 * math.pi / (512 * span_x))
    zoom_y = math.log2(height * usable / math.cos(math.radians(pitch)) ** 0.5 * 2 * math.pi / (512 * span_y))
    centre_y = (merc_y(north) + merc_y(south)) / 2
    latitude = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return pdk.ViewState(
        longitude=round((west + east) / 2, 4),
        latitude=round(latitude, 4),
        zoom=round(min(zoom_x, zoom_y, 10.5), 2),
        pitch=pitch,
        bearing=0,
        min_zoom=6,
        max_zoom=12,
    )


def _screen(points: np.ndarray, view: dict, width: int, height: int) -> np.ndarray:
    """Pixels (x right, y down, from the map's top-left) where deck.gl's pitched Web-Mercator camera
    draws ground points (lon, lat): north of the centre is farther from the camera, so drawn smaller."""
    scale = 512 * 2 ** view["zoom"] / (2 * math.pi)
    lon, lat = np.radians(points[:, 0]), np.radians(points[:, 1])
    dx = scale * (lon - math.radians(view["longitude"]))
    dy = scale * (
        np.log(np.tan(np.pi / 4 + lat / 2)) - math.log(math.tan(math.pi / 4 + math.radians(view["latitude"]) / 2))
    )
    pitch = math.radians(view["pitch"])
    depth = ALTITUDE + dy / height * math.sin(pitch)
    return np.column_stack([width / 2 + ALTITUDE * dx / depth, height / 2 - ALTITUDE * dy * math.cos(pitch) / depth])


def label_boxes(labels: list[dict], view: dict, width: int, height: int) -> np.ndarray:
    """(left, top, right, bottom) in pixels of each city name of city_rows as the labels layer
    draws it: LABEL_SIZE px characters centred on the marker, above or below it, padded."""
    if not labels:
        return np.empty((0, 4))
    at = _screen(np.array([label["position"] for label in labels], dtype=float), view, width, height)
    left, top, right, bottom = LABEL_PADDING
    wide = np.array([LABEL_SIZE * len(label["name"]) + left + right for label in labels], dtype=float)
    tall = LABEL_SIZE + top + bottom
    x = at[:, 0] + np.array([label["offset"][0] for label in labels])
    y = at[:, 1] + np.array([label["offset"][1] for label in labels])
    start = np.array([label["anchor"] == "start" for label in labels])
    baseline = np.array([label["baseline"] for label in labels])
    lefts = np.where(start, x - left, x - wide / 2)
    uppers = np.select([baseline == "bottom", baseline == "center"], [y - tall, y - tall / 2], y)
    return np.column_stack([lefts, uppers, lefts + wide, uppers + tall])


def fit_on_screen(
    outline: list[tuple[float, float]],
    labels: list[dict],
    *,
    width: int = MAP_WIDTH,
    height: int = MAP_HEIGHT,
    pitch: float = PITCH,
) -> pdk.ViewState:
    """The largest zoom (and its centre) at which the outline's points and the city names `labels`
    (city_rows) all lie inside width×height as deck.gl draws them, EDGE px from every side."""
    points = np.array(outline, dtype=float)
    guess = fit_view(
        (points[:, 0].min(), points[:, 1].min(), points[:, 0].max(), points[:, 1].max()),
        width=width,
        height=height,
        pitch=pitch,
    )

    def placed(zoom: float) -> tuple[dict, bool]:
        """The view at `zoom` centred on what it shows, and whether everything fits."""
        view = {"longitude": guess.longitude, "latitude": guess.latitude, "zoom": zoom, "pitch": pitch}
        for _ in range(6):  # re-centre: the pitched camera moves things unevenly
            dots, boxes = _screen(points, view, width, height), label_boxes(labels, view, width, height)
            left = min(dots[:, 0].min(), boxes[:, 0].min(initial=math.inf))
            top = min(dots[:, 1].min(), boxes[:, 1].min(initial=math.inf))
            right = max(dots[:, 0].max(), boxes[:, 2].max(initial=-math.inf))
            bottom = max(dots[:, 1].max(), boxes[:, 3].max(initial=-math.inf))
            shift_x, shift_y = (left + right - width) / 2, (top + bottom - height) / 2
            if abs(shift_x) < 0.5 and abs(shift_y) < 0.5:
                break
            scale = 512 * 2**zoom / (2 * math.pi)
            view["longitude"] += math.degrees(shift_x / scale)
            merc = math.log(math.tan(math.pi / 4 + math.radians(view["latitude"]) / 2)) - shift_y / scale
            view["latitude"] = math.degrees(2 * math.atan(math.exp(merc)) - math.pi / 2)
        fits = left >= EDGE and top >= EDGE and right <= width - EDGE and bottom <= height - EDGE
        return view, fits

    low, high = guess.zoom - 2, guess.zoom + 0.5
    for _ in range(18):  # bisect the zoom to about 0.00002
        middle = (low + high) / 2
        low, high = (middle, high) if placed(middle)[1] else (low, middle)
    view, _ = placed(math.floor(low * 100) / 100)
    return pdk.ViewState(
        longitude=round(view["longitude"], 4),
        latitude=round(view["latitude"], 4),
        zoom=math.floor(low * 100) / 100,
        pitch=pitch,
        bearing=0,
        min_zoom=6,
        max_zoom=12,
    )


def basemap_style() -> str | None:
    """An optional MapLibre style URL (e.g. an internal tile server); unset means no basemap."""
    return os.environ.get(BASEMAP_ENV, "").strip() or None


def basemap_arguments() -> dict:
    """Deck arguments for the basemap. Without a style, pydeck must keep its default style marker:
    passing map_style=None makes Streamlit fall back to fetching a Carto basemap."""
    style = basemap_style()
    return {"map_provider": "carto", "map_style": style} if style else {"map_provider": None}


def arc_rows(flows: Flows, positions: dict[str, tuple[float, float]], max_count: int) -> list[dict]:
    """One row per drawn arc, widest first (so thin arcs are drawn last, on top)."""
    rows = []
    for r in flows.drawn.itertuples():
        source, target = positions[r.from_code], positions[r.to_code]
        height = arc_height(source, target)
        rows.append(
            {
                "from_code": r.from_code,
                "to_code": r.to_code,
                "source": list(source),
                "target": list(target),
                "count": int(r.count),
                "label": f"{int(r.count):,}",
                "arrow": ARROW,
                "width": arc_width(int(r.count), max_count),
                "height": height,
                "top": arc_top(source, target, height),
                "angle": bearing_angle(source, target),
                "tooltip": r.sentence if not r.detail else f"{r.sentence}\n（{r.detail}）",
            }
        )
    return sorted(rows, key=lambda row: -row["count"])


def city_tooltip(flows: Flows, totals) -> str:
    kind = flows.kind
    return (
        f"{kind.out_label(totals.name)}：{flows.amount(totals.out_count)}\n"
        f"{kind.in_label(totals.name)}：{flows.amount(totals.in_count)}"
    )


def label_above(city, cities, *, column_km: float = 10) -> bool:
    """Put a city's name above or below its marker, on the side with more room before the next
    city in the same column (臺北市 and 新北市 sit ~20 km apart, one above the other)."""
    room = {True: math.inf, False: math.inf}
    for other in cities:
        east, north = _metres((city.lon, city.lat), (other.lon, other.lat))
        if other.code != city.code and abs(east) < column_km * 1000 and north != 0:
            room[north > 0] = min(room[north > 0], abs(north))
    return room[True] >= room[False]


def label_right(city, cities, *, near_km: float = 20, row_km: float = 10) -> bool:
    """Put a city's name to the right of its marker when another city sits close to its west at
    about the same latitude (基隆市, 15 km east of 臺北市): names above both would run into each other."""
    for other in cities:
        east, north = _metres((other.lon, other.lat), (city.lon, city.lat))
        if other.code != city.code and 0 < east < near_km * 1000 and abs(north) < row_km * 1000:
            return True
    return False


def label_place(city, cities, radius: float) -> dict:
    """The labels layer's placement of a city's name: text anchor, baseline and pixel offset."""
    if label_right(city, cities):
        return {"anchor": "start", "baseline": "center", "offset": [round(radius + 4), 0]}
    if label_above(city, cities):
        return {"anchor": "middle", "baseline": "bottom", "offset": [0, -round(radius + 3)]}
    return {"anchor": "middle", "baseline": "top", "offset": [0, round(radius + 2)]}


def city_rows(flows: Flows, cities, *, selected: str | None, shown: set[str], totals: dict | None = None) -> list[dict]:
    """Markers sized by each city's incoming plus outgoing total (over all flows, not the filtered)."""
    totals = totals or all_totals(flows, cities)
    max_total = max((t.total for t in totals.values()), default=0)
    rows = []
    for city in cities:
        t = totals[city.code]
        active = selected is None or city.code in shown
        radius = marker_radius(t.total, max_total)
        rows.append(
            {
                "code": city.code,
                "name": city.name,
                "position": [city.lon, city.lat],
                "total": t.total,
                "radius": radius,
                **label_place(city, cities, radius),
                "fill": [25, 25, 25, 240]
                if city.code == selected
                else ([75, 82, 95, 200] if active else [160, 160, 160, 140]),
                "line": [255, 190, 0, 255] if city.code == selected else [255, 255, 255, 255],
                "text_color": [20, 20, 20, 255] if active else [125, 125, 125, 255],
                "tooltip": city_tooltip(flows, t),
            }
        )
    return rows


def county_features(flows: Flows, cities, *, selected: str | None, totals: dict | None = None) -> list[dict]:
    by_name = {city.name: city for city in cities}
    totals = totals or all_totals(flows, cities)
    features = []
    for feature in geo.region_features():
        city = by_name.get(feature["properties"]["name"])
        if city is None:
            continue
        feature["properties"].update(
            {
                "code": city.code,
                "fill": [*(SELECTED_FILL if city.code == selected else COUNTY_FILL), 255],
                "tooltip": city_tooltip(flows, totals[city.code]),
            }
        )
        features.append(feature)
    return features


def view_for(cities, *, codes: set[str] | None = None, labels: list[dict] = ()) -> pdk.ViewState:
    """Fit the counties of `codes` (all eight if None) and their names among `labels` (city_rows)."""
    names = {city.name for city in cities if codes is None or city.code in codes}
    features = [f for f in geo.region_features() if f["properties"]["name"] in names]
    return fit_on_screen(
        geo.outline(features or geo.region_features()), [label for label in labels if label["name"] in names]
    )


def flow_deck(flows: Flows, cities, *, selected: str | None = None, scale_flows: Flows | None = None) -> pdk.Deck:
    """The map: backdrop, the eight counties, markers, arcs with arrows, labels.

    `flows` is what to draw (already filtered to one city if one is chosen); `scale_flows` (default:
    `flows`) fixes the width and marker scales, so choosing a city does not rescale anything.
    With a city chosen the view fits that city and its partners, and each arc shows its count.
    """
    scale_flows = scale_flows or flows
    positions = {city.code: (city.lon, city.lat) for city in cities}
    max_count = int(scale_flows.frame["count"].max()) if not scale_flows.frame.empty else 0
    shown = set(flows.drawn["from_code"]) | set(flows.drawn["to_code"]) | ({selected} if selected else set())
    arcs = arc_rows(flows, positions, max_count)
    totals = all_totals(scale_flows, cities)
    markers = city_rows(scale_flows, cities, selected=selected, shown=shown, totals=totals)
    text = {
        "font_family": literal(FONT_FAMILY),
        "character_set": literal("auto"),
        "size_units": literal("pixels"),
        "parameters": ON_TOP,
        "pickable": False,
    }
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            id="backdrop",
            data={"type": "FeatureCollection", "features": geo.backdrop_features()},
            pickable=False,
            stroked=True,
            filled=True,
            get_fill_color=[*BACKDROP_FILL, 255],
            get_line_color=[210, 210, 210, 255],
            line_width_units=literal("pixels"),
            get_line_width=1,
        ),
        pdk.Layer(
            "GeoJsonLayer",
            id="counties",
            data={
                "type": "FeatureCollection",
                "features": county_features(scale_flows, cities, selected=selected, totals=totals),
            },
            pickable=True,
            stroked=True,
            filled=True,
            get_fill_color="properties.fill",
            get_line_color=[140, 136, 128, 255],
            line_width_units=literal("pixels"),
            get_line_width=1.5,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="cities",
            data=markers,
            pickable=True,
            get_position="position",
            get_radius="radius",
            radius_units=literal("pixels"),
            get_fill_color="fill",
            stroked=True,
            get_line_color="line",
            line_width_units=literal("pixels"),
            get_line_width=2,
            parameters=ON_TOP,
        ),
        pdk.Layer(
            "ArcLayer",
            id="arcs",
            data=arcs,
            pickable=True,
            get_source_position="source",
            get_target_position="target",
            get_width="width",
            width_units=literal("pixels"),
            get_source_color=[*SOURCE_COLOR, ARC_ALPHA],
            get_target_color=[*TARGET_COLOR, ARC_ALPHA],
            get_tilt=ARC_TILT,
            get_height="height",
            great_circle=False,
        ),
        pdk.Layer(
            "TextLayer",
            id="arrows",
            data=arcs,
            get_position="top",
            get_text="arrow",
            get_angle="angle",
            get_size=15,
            billboard=False,
            get_color=[35, 35, 35, 255],
            get_text_anchor=literal("middle"),
            get_alignment_baseline=literal("center"),
            **text,
        ),
    ]
    if selected:
        layers.append(
            pdk.Layer(
                "TextLayer",
                id="counts",
                data=arcs,
                get_position="top",
                get_text="label",
                get_size=15,
                get_color=[20, 20, 20, 255],
                font_weight=700,
                get_text_anchor=literal("middle"),
                get_alignment_baseline=literal("bottom"),
                get_pixel_offset=[0, -10],
                background=True,
                get_background_color=[255, 255, 255, 225],
                background_padding=[3, 0, 3, 0],
                **text,
            )
        )
    layers.append(  # last, so city names stay readable over arcs and counts
        pdk.Layer(
            "TextLayer",
            id="labels",
            data=markers,
            get_position="position",
            get_text="name",
            get_size=LABEL_SIZE,
            get_color="text_color",
            font_weight=700,
            get_text_anchor="anchor",
            get_alignment_baseline="baseline",
            get_pixel_offset="offset",
            background=True,
            get_background_color=[255, 255, 255, 210],
            background_padding=list(LABEL_PADDING),
            **text,
        )
    )
    return CompactDeck(
        layers=layers,
        initial_view_state=view_for(cities, codes=shown if selected else None, labels=markers),
        **basemap_arguments(),
        tooltip={
            "text": "{tooltip}",
            "style": {
                "fontSize": "16px",
                "fontFamily": FONT_FAMILY,
                "whiteSpace": "pre-line",
                "backgroundColor": "#1f2937",
                "color": "#ffffff",
            },
        },
    )


def city_from_selection(selection: dict | None) -> str | None:
    """The city code of a clicked marker or county, from st.pydeck_chart's selection state."""
    objects = (selection or {}).get("objects") or {}
    for layer in ("cities", "counties"):
        for obj in objects.get(layer) or []:
            code = obj.get("code") or (obj.get("properties") or {}).get("code")
            if code:
                return code
    return None


def _rgb(color: tuple[int, int, int]) -> str:
    return "rgb({},{},{})".format(*color)


def legend_html(flows: Flows, *, max_count: int) -> str:
    """The legend beside the map: direction in colour, arrow and words; then the width scale."""
    kind = flows.kind
    source, target = html.escape(kind.source_role), html.escape(kind.target_role)
    direction = (
        f'<div style="display:flex;flex-wrap:wrap;align-items:center;gap:2px 6px;white-space:nowrap">'
        f'<span>{source}</span><span style="flex:1;height:10px;border-radius:5px;min-width:40px;'
        f'background:linear-gradient(90deg,{_rgb(SOURCE_COLOR)},{_rgb(TARGET_COLOR)})"></span>'
        f"<span>{ARROW}</span><span>{target}</span></div>"
    )
    widths = "".join(
        f'<span style="display:inline-flex;align-items:center;gap:3px;margin-right:8px;white-space:nowrap">'
        f'<span style="display:inline-block;width:22px;height:{max(arc_width(s, max_count), 1):.0f}px;'
        f'background:{_rgb(TARGET_COLOR)}"></span>{s:,}</span>'
        for s in width_stops(max_count)
    )
    unit = html.escape(kind.unit)
    return (
        f'<div style="font-size:0.9rem;line-height:1.6">{direction}'
        f"<div>線寬＝{html.escape(flows.measure)}（{unit}）：{widths}</div>"
        f'<div style="opacity:.8">{ARROW} 指向終點；兩市互相往來時兩條弧線分走兩側；圓點大小＝往來合計</div></div>'
    )
