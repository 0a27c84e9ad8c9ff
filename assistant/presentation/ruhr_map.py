"""The map of the 53 municipalities with an answer's places highlighted.

It uses the municipality boundaries and centre points in `assets/geo/` (licences in
`assets/geo/ATTRIBUTION.md`) and renders as a Vega-Lite geoshape: no map tiles, nothing fetched,
so the page works offline and tells no tile server what was asked. The boundaries are simplified
once at start-up to what a screen can show, which keeps every map spec small.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt

from assistant.core.settings import PROJECT_ROOT
from assistant.index.registry import Registry
from assistant.presentation.charts import HIGHLIGHT_COLOUR, OTHER_COLOUR
from assistant.presentation.ui_text import Lang, text

GEO_DIR = PROJECT_ROOT / "assets" / "geo"
GEOJSON_FILE = "ruhr_municipalities.geojson"
COORDINATES_FILE = "municipality_coordinates.csv"
#: The display geometry as a file Streamlit serves itself (`server.enableStaticServing`, folder
#: `static/` beside app.py): the browser fetches it once and caches it, so a map's spec carries
#: only the highlighted AGS and the labels. Written by `scripts/build_display_geometry.py`.
STATIC_GEOMETRY_FILE = PROJECT_ROOT / "static" / "ruhr_municipalities.json"
STATIC_GEOMETRY_URL = "app/static/ruhr_municipalities.json"

_AGS = re.compile(r"^\d{8}$")


@dataclass(frozen=True)
class GeoData:
    """Display-ready boundaries (simplified, wound for d3-geo) and centre points by AGS."""

    features: tuple[dict[str, Any], ...]
    points: Mapping[str, tuple[float, float]]  # ags -> (lat, lon)
    names: Mapping[str, str]


# --- geometry for display ------------------------------------------------------------------------

def _signed_area(ring: Sequence[Sequence[float]]) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring)) / 2.0


def _douglas_peucker(points: list[list[float]], tolerance: float) -> list[list[float]]:
    """Keep the vertices that deviate more than `tolerance` (degrees) from the simplified line."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first][:2], points[last][:2]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        worst, index = 0.0, -1
        for n in range(first + 1, last):
            px, py = points[n][0], points[n][1]
            distance = (abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm) if norm else math.hypot(px - x1, py - y1)
            if distance > worst:
                worst, index = distance, n
        if index > 0 and worst > tolerance:
            keep[index] = True
            stack.extend(((first, index), (index, last)))
    return [p for p, k in zip(points, keep, strict=True) if k]


def _display_ring(ring: Sequence[Sequence[float]], tolerance: float, exterior: bool) -> list[list[float]]:
    """Simplify a ring for display, and wind it for d3-geo (which Vega uses): exterior rings
    clockwise, holes counter-clockwise, the reverse of RFC 7946. Without the rewinding d3 reads
    each polygon as the whole globe minus the municipality."""
    closed = [[round(float(p[0]), 4), round(float(p[1]), 4)] for p in ring]
    if len(closed) > 1 and closed[0] == closed[-1]:
        closed.pop()
    if len(closed) < 3:
        return []
    # split the ring in two halves so that the simplified ring keeps its start and opposite point
    half = len(closed) // 2
    out = _douglas_peucker([*closed[: half + 1]], tolerance)[:-1] + _douglas_peucker(
        [*closed[half:], closed[0]], tolerance)[:-1]
    if len(out) < 3:
        return []
    out.append(list(out[0]))
    clockwise = _signed_area(out) < 0
    if clockwise != exterior:
        out.reverse()
    return out


def simplify_geometry(geometry: Mapping[str, Any], tolerance: float) -> dict[str, Any] | None:
    """A Polygon or MultiPolygon simplified for display; parts that vanish are dropped."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    kept = []
    for polygon in polygons:
        rings = [_display_ring(ring, tolerance, exterior=n == 0) for n, ring in enumerate(polygon)]
        if rings and rings[0]:
            kept.append([r for r in rings if r])
    if not kept:
        return None
    if len(kept) == 1:
        return {"type": "Polygon", "coordinates": kept[0]}
    return {"type": "MultiPolygon", "coordinates": kept}


@lru_cache(maxsize=4)
def load_geo(directory: Path = GEO_DIR, tolerance: float = 0.001) -> GeoData:
    """Read the shipped boundaries and points once. `tolerance` (degrees; 0.001° ≈ 70-110 m) is
    below one pixel of the map on screen (≈ 0.002-0.0025°), so shared borders still look shared."""
    collection = json.loads((directory / GEOJSON_FILE).read_text(encoding="utf-8"))
    features = []
    names: dict[str, str] = {}
    for feature in collection["features"]:
        geometry = simplify_geometry(feature["geometry"], tolerance)
        if geometry is None:
            continue
        ags = str(feature["properties"]["ags"])
        names[ags] = str(feature["properties"]["name"])
        features.append({"type": "Feature", "geometry": geometry, "properties": {"ags": ags, "name": names[ags]}})
    points: dict[str, tuple[float, float]] = {}
    with (directory / COORDINATES_FILE).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            points[row["ags"]] = (float(row["lat"]), float(row["lon"]))
    return GeoData(tuple(features), points, names)


def display_geojson(geo: GeoData | None = None) -> str:
    """The simplified boundaries as a GeoJSON FeatureCollection (the text of STATIC_GEOMETRY_FILE)."""
    geo = geo or load_geo()
    return json.dumps({"type": "FeatureCollection", "features": list(geo.features)}, ensure_ascii=False,
                      separators=(",", ":")) + "\n"


# --- the map spec --------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _map_base(lang: Lang, height: int) -> str:
    """The map's Vega-Lite spec without data, built with Altair once per language (JSON text)."""
    on, off = text("highlighted", lang), text("other", lang)
    shapes = alt.Chart(alt.NamedData("ruhr_municipalities")).mark_geoshape(stroke="white", strokeWidth=0.8).encode(
        color=alt.Color("state:N", scale=alt.Scale(domain=[on, off], range=[HIGHLIGHT_COLOUR, OTHER_COLOUR]),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=[alt.Tooltip("properties.name:N", title=text("col_municipality", lang))],
    )
    marks = alt.Chart(alt.NamedData("labels"))
    # dots and names repeat what the colouring and the text summary say: hidden from screen readers
    # (an empty layer would otherwise be an unnamed graphic, axe 'svg-img-alt')
    dots = marks.mark_circle(color="#1f2937", size=28, aria=False).encode(longitude="lon:Q", latitude="lat:Q")
    names = marks.mark_text(dy=-9, fontSize=12, fontWeight="bold", color="#111827", aria=False).encode(
        longitude="lon:Q", latitude="lat:Q", text="name:N",
    )
    chart = alt.layer(shapes, dots, names).project(type="mercator").properties(width="container", height=height)
    return json.dumps(chart.configure_view(stroke=None).to_dict())


def map_spec(
    highlight: Iterable[str], lang: Lang, geo: GeoData | None = None, height: int = 380, *, legend: bool = True,
    geometry_url: str | None = None,
) -> dict[str, Any]:
    """A Vega-Lite spec of the 53 municipalities with those in `highlight` (AGS) coloured and
    labelled. The boundaries go in as GeoJSON (no tiles, nothing from outside); the highlighting is
    an expression over the AGS, so the large geometry is shared by every map, never re-validated.

    With `geometry_url` (the page: STATIC_GEOMETRY_URL) the boundaries are loaded by the browser
    from our own server instead of travelling inside the spec. Inline they are ~100 KB of JSON that
    Streamlit encodes, parses and re-encodes for every map on every rerun (about 70 ms of server
    CPU per map on the reference machine), which made each answer dearer than the one before."""
    geo = geo or load_geo()
    marked = [a for a in dict.fromkeys(highlight) if _AGS.match(a) and a in geo.names]
    spec: dict[str, Any] = json.loads(_map_base(lang, height))
    on, off = text("highlighted", lang), text("other", lang)
    expression = f"indexof({json.dumps(marked)}, datum.properties.ags) >= 0 ? {json.dumps(on)} : {json.dumps(off)}"
    spec["layer"][0]["transform"] = [{"calculate": expression, "as": "state"}]
    if not legend:
        spec["layer"][0]["encoding"]["color"]["legend"] = None
    labels = [{"name": geo.names[a], "lat": geo.points[a][0], "lon": geo.points[a][1]}
              for a in marked if a in geo.points]
    if geometry_url is None:
        spec["datasets"] = {"ruhr_municipalities": list(geo.features), "labels": labels}
    else:
        spec["layer"][0]["data"] = {"url": geometry_url, "format": {"type": "json", "property": "features"}}
        spec["datasets"] = {"labels": labels}
    return spec


def map_summary(highlight: Iterable[str], lang: Lang, geo: GeoData | None = None) -> str:
    """The map in words: which of the 53 municipalities it colours (the map shows no numbers)."""
    geo = geo or load_geo()
    names = [geo.names[a] for a in dict.fromkeys(highlight) if a in geo.names]
    return text("map_summary", lang, names=", ".join(names) or "–")


def answer_municipalities(reply: Mapping[str, Any], registry: Registry) -> list[str]:
    """AGS of every municipality a reply is about: its figures, then its projects' places."""
    found: list[str] = []
    for f in reply.get("figures") or []:
        ags = str(f.get("ags", ""))
        if registry.has_municipality(ags) and ags not in found:
            found.append(ags)
    by_name: dict[str, str] = {m.name: m.ags for m in registry.municipalities}
    for project in reply.get("projects") or []:
        for name in project.get("municipalities") or []:
            place = by_name.get(str(name))
            if place and place not in found:
                found.append(place)
    return found
