"""Country outlines for the offline map, from the outlines the ``countryinfo`` package ships (MIT licence;
already a dependency for the gazetteer), thinned for drawing: coordinates rounded to 0.05° and repeated
points dropped; rings left with fewer than four points are dropped.
"""

from __future__ import annotations

import ast
from typing import Any

from eventwire.gazetteer.points import countryinfo_records

__all__ = ["country_outlines"]

_STEP = 0.05


def _thin(ring: list[Any]) -> list[list[float]]:
    out: list[list[float]] = []
    for point in ring:
        lon, lat = round(round(float(point[0]) / _STEP) * _STEP, 2), round(round(float(point[1]) / _STEP) * _STEP, 2)
        if not out or out[-1] != [lon, lat]:
            out.append([lon, lat])
    return out if len(out) >= 4 else []


def country_outlines() -> dict[str, Any]:
    """``{"source": …, "countries": [{"code", "name", "rings": [[[lon, lat], …], …]}]}``, outer rings only."""
    countries: list[dict[str, Any]] = []
    for code, info in sorted(countryinfo_records(), key=lambda item: item[0]):
        outline = info.get("geoJSON")
        if isinstance(outline, str):
            try:
                outline = ast.literal_eval(outline)
            except (ValueError, SyntaxError):
                continue
        if not isinstance(outline, dict):
            continue
        rings: list[list[list[float]]] = []
        for feature in outline.get("features") or []:
            geometry = (feature or {}).get("geometry") or {}
            polygons = ([geometry.get("coordinates")] if geometry.get("type") == "Polygon"
                        else geometry.get("coordinates") if geometry.get("type") == "MultiPolygon" else [])
            for polygon in polygons or []:
                if polygon and (ring := _thin(polygon[0])):
                    rings.append(ring)
        if rings:
            countries.append({"code": code, "name": info.get("name"), "rings": rings})
    return {"source": "countryinfo package data (MIT licence), thinned to 0.05 degrees", "countries": countries}
