"""The county outlines of data/geo/: not stored, but a broken file would break the map page."""

import json
from pathlib import Path

from dashboard.datafiles.reading import read_text, rel_path
from dashboard.domain.problems import WHOLE_FILE, Problem


def check_outlines(root: Path, problems: list[Problem], city_names: set[str]) -> None:
    """Every county of the region has an outline the map can draw."""
    path = root / "geo" / "taiwan_counties.geojson"
    file = rel_path(path, root)
    text = read_text(path, file, problems)
    if text is None:
        return
    try:
        features = json.loads(text).get("features")
    except (ValueError, AttributeError, RecursionError) as error:
        where = f"第 {error.lineno} 行" if isinstance(error, json.JSONDecodeError) else WHOLE_FILE
        problems.append(Problem(file, where, "-", "不是有效的 GeoJSON（應為含 features 清單的 JSON 物件）"))
        return
    if not isinstance(features, list):
        problems.append(Problem(file, WHOLE_FILE, "features", "應為縣市界線的清單"))
        return
    region, malformed = set(), False
    for position, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not (
            isinstance(properties, dict)
            and isinstance(properties.get("name"), str)
            and isinstance(properties.get("region"), bool)
            and isinstance(geometry, dict)
            and geometry.get("type") in ("Polygon", "MultiPolygon")
            and isinstance(geometry.get("coordinates"), list)
        ):
            problems.append(
                Problem(
                    file,
                    f"第 {position} 個縣市",
                    "-",
                    "應有 properties（name、region）與 Polygon 或 MultiPolygon 的 geometry",
                )
            )
            malformed = True
        elif properties["region"]:
            region.add(properties["name"])
    if not malformed:
        for name in sorted(city_names - region):
            problems.append(Problem(file, WHOLE_FILE, "region", f"缺少「{name}」的界線（region 為 true 的縣市）"))
