"""What the web page shows, prepared without Streamlit: display tables, Altair charts, the map,
project cards, CSV export, share links and feedback records.

Every number shown comes from a figure (DESIGN 3.4) returned by the chat engine, from the
`DigitalIndex` or from `assistant.analysis`; nothing here computes a score. Text that may come
from outside (retrieved project text, front matter, the user's own question) is made inert before
it reaches Markdown: no raw HTML, no images, no LaTeX.

The map uses the municipality boundaries and centre points in `assets/geo/` (licences in
`assets/geo/ATTRIBUTION.md`) and renders as a Vega-Lite geoshape: no map tiles, nothing fetched.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import altair as alt
import pandas as pd

from assistant.digital_index import DigitalIndex
from assistant.errors import AssistantError
from assistant.numbers import format_number
from assistant.plan import ToolCall
from assistant.registry import AREA_IDS, AREA_NAMES, OVERALL, UNIT_LABELS, Registry, metric_name
from assistant.scoring import COMPUTED_SOURCE, SCORE_UNIT
from assistant.settings import PROJECT_ROOT
from assistant.ui_text import Lang, text

if TYPE_CHECKING:
    from assistant.chat import Engine
    from assistant.retrieval import IndexStatus

FigureDict = Mapping[str, Any]

GEO_DIR = PROJECT_ROOT / "assets" / "geo"
GEOJSON_FILE = "ruhr_municipalities.geojson"
COORDINATES_FILE = "municipality_coordinates.csv"
FEEDBACK_FILE = "feedback.jsonl"
#: Longest question accepted from a shared link (the chat engine accepts 2,000 characters).
MAX_SHARED_QUESTION = 2000

PROVENANCE_ICONS = {"official": "🟢", "public": "🔵", "synthetic": "🟠"}
HIGHLIGHT_COLOUR = "#c2410c"
OTHER_COLOUR = "#d6d3d1"
ABOVE_COLOUR = "#15803d"
BELOW_COLOUR = "#b45309"
GROUP_COLOUR = "#94a3b8"
BAR_HEIGHT = 26

#: Number formats for Vega (axes) per language; tooltips and labels use format_number.
VEGA_LOCALES: dict[str, dict[str, Any]] = {
    "de": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " €"]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", " €"]},
}


# --- text safety ---------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$:=^])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def escape_markdown(value: object) -> str:
    """Plain text that renders as itself in Markdown: no markup, links, images, HTML, LaTeX or
    Streamlit directives (``:red[...]``, emoji codes). Line breaks become spaces."""
    plain = _CONTROL.sub("", str(value)).replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", plain).replace("<", "&lt;")


def inert_markdown(markdown: str) -> str:
    """The answer's Markdown with its formatting kept but nothing active left in it.

    Images (inline or reference style) become visible text and load nothing; raw HTML shows as
    text; ``$`` cannot start LaTeX. Links stay links (a click is the user's choice). Applied on top
    of the chat engine's own escaping of retrieved text, and idempotent with it.
    """
    cleaned = _CONTROL.sub("", markdown)
    cleaned = re.sub(r"(?<!\\)!\[", r"!\\[", cleaned)
    cleaned = cleaned.replace("<", "&lt;")
    cleaned = re.sub(r"(?<!\\)\$", r"\\$", cleaned)
    return _hard_breaks(cleaned)


def _hard_breaks(markdown: str) -> str:
    """A line break in the answer is a line break on the page (as in chat apps), not a space:
    consecutive non-empty lines outside code blocks end with Markdown's hard break."""
    lines = markdown.split("\n")
    fenced = False
    for n, line in enumerate(lines[:-1]):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and line.strip() and lines[n + 1].strip() and not line.endswith("  "):
            lines[n] = line + "  "
    return "\n".join(lines)


def as_sentence(value: object) -> str:
    """'no index has been built yet' -> 'no index has been built yet.' (for messages in running text)."""
    sentence = str(value or "").strip()
    return sentence if not sentence or sentence.endswith((".", "!", "?")) else sentence + "."


def safe_url(url: object) -> str | None:
    """An http(s) URL without spaces or quotes, or None."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    if not candidate or any(ch in candidate for ch in " \"'<>\\\n\r\t"):
        return None
    parts = urlsplit(candidate)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return candidate


def url_label(url: str) -> str:
    """The host of a URL without 'www.', for link texts."""
    host = urlsplit(url).netloc
    return host[4:] if host.startswith("www.") else host


def markdown_link(url: object, label: str | None = None) -> str:
    """A Markdown link with an escaped label, or '' for anything but an http(s) URL."""
    safe = safe_url(url)
    if safe is None:
        return ""
    shown = escape_markdown(label if label else url_label(safe))
    return f"[{shown}](<{safe}>)"


# --- numbers and labels -------------------------------------------------------------------------

def unit_label(unit: str, lang: Lang) -> str:
    if unit == SCORE_UNIT:
        return text("score_unit", lang)
    labels = UNIT_LABELS.get(unit)
    if labels is None:
        return unit
    return labels[0] if lang == "de" else labels[1]


def format_value(value: float, unit: str, lang: Lang, decimals: int = 1) -> str:
    """'23,4 %' (de) / '23.4%' (en); scores as '110,5 (Index, Ruhr = 100)'; rates with their unit."""
    number = format_number(float(value), lang, decimals)
    if unit == "%":
        return f"{number} %" if lang == "de" else f"{number}%"
    if unit == SCORE_UNIT:
        return f"{number} ({text('score_unit', lang)})"
    return f"{number} {unit_label(unit, lang)}".strip()


def rank_text(rank: object, of: object, lang: Lang) -> str:
    if not isinstance(rank, int) or not isinstance(of, int):
        return ""
    return text("rank_of", lang, rank=rank, of=of)


def provenance_badge(provenance: object, lang: Lang) -> str:
    key = str(provenance)
    icon = PROVENANCE_ICONS.get(key, "⚪")
    label = text(f"provenance_{key}", lang) if key in PROVENANCE_ICONS else key
    return f"{icon} {label}"


def safe_metric_name(registry: Registry, metric: str, lang: Lang) -> str:
    try:
        return metric_name(registry, metric, lang)
    except KeyError:
        return metric


def has_synthetic(figures: Iterable[FigureDict]) -> bool:
    """True when any figure rests on synthetic values (DESIGN 1.4)."""
    return any(f.get("provenance") == "synthetic" for f in figures)


def _number(value: object) -> float | None:
    """A finite float from a JSON value, or None (bools, text, NaN and infinities are not numbers)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _float(value: object) -> float:
    number = _number(value)
    if number is None:
        raise ValueError(f"expected a number, got {value!r}")
    return number


def _is_number(value: object) -> bool:
    return _number(value) is not None


# --- the figures table and CSV ------------------------------------------------------------------

@dataclass(frozen=True)
class DisplayTable:
    """A frame ready for display; `link_column` holds URLs to show as links."""

    frame: pd.DataFrame
    link_column: str


def source_of(registry: Registry, source_id: object, lang: Lang) -> tuple[str, str | None]:
    """(title, url) of a figure's source; computed figures name the scoring module."""
    key = str(source_id or "")
    if key == COMPUTED_SOURCE:
        return text("computed", lang), None
    source = registry.source(key)
    if source is None:
        return key, None
    return source.title, safe_url(source.url)


def figure_table(figures: Sequence[FigureDict], registry: Registry, lang: Lang) -> DisplayTable:
    """Municipality, metric, value with unit, rank 'x von 53', year, provenance badge, source."""
    columns = [text(key, lang) for key in (
        "col_municipality", "col_metric", "col_value", "col_rank", "col_year", "col_provenance",
        "col_source", "col_link",
    )]
    rows = []
    for f in figures:
        value = _number(f.get("value"))
        title, url = source_of(registry, f.get("source"), lang)
        year = f.get("year")
        rows.append([
            str(f.get("municipality", "")),
            safe_metric_name(registry, str(f.get("metric", "")), lang),
            format_value(value, str(f.get("unit", "")), lang) if value is not None else "–",
            rank_text(f.get("rank"), f.get("of"), lang),
            str(year) if isinstance(year, int) and year > 0 else "",
            provenance_badge(f.get("provenance"), lang),
            title,
            url,
        ])
    return DisplayTable(pd.DataFrame(rows, columns=columns), columns[-1])


CSV_FIELDS = (
    "ags", "municipality", "metric", "metric_name", "value", "score", "rank", "of", "unit", "year",
    "provenance", "source", "source_url",
)


def figures_csv(figures: Sequence[FigureDict], registry: Registry, lang: Lang) -> bytes:
    """The figures as CSV (UTF-8 with BOM so spreadsheet programs show umlauts; unrounded values,
    '.' as decimal mark, so the file reads back exactly)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for f in figures:
        _, url = source_of(registry, f.get("source"), lang)
        row = {name: f.get(name) for name in CSV_FIELDS}
        row["metric_name"] = safe_metric_name(registry, str(f.get("metric", "")), lang)
        row["source_url"] = url or ""
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue().encode("utf-8-sig")


def csv_file_name(question: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", question.lower().encode("ascii", "ignore").decode()).strip("-")
    return f"digital-index-{slug[:40] or 'figures'}.csv"


# --- charts --------------------------------------------------------------------------------------

def _configure(chart: alt.TopLevelMixin, lang: Lang) -> Any:
    return chart.configure(locale={"number": VEGA_LOCALES[lang]}).configure_view(stroke=None)


def _grouped_by_metric(figures: Sequence[FigureDict]) -> dict[str, list[FigureDict]]:
    groups: dict[str, list[FigureDict]] = {}
    for f in figures:
        if _is_number(f.get("value")) and f.get("municipality"):
            groups.setdefault(str(f.get("metric")), []).append(f)
    return groups


def _bar_layer(rows: list[dict[str, Any]], reference: float, reference_label: str, axis_title: str,
               lang: Lang) -> Any:
    labels = [r["label"] for r in rows]
    status_domain = [text("above", lang), text("below", lang)]
    data = pd.DataFrame(rows)
    bars = alt.Chart(data).mark_bar(cornerRadiusEnd=2).encode(
        x=alt.X("value:Q", title=axis_title, scale=alt.Scale(zero=True)),
        y=alt.Y("label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=180)),
        color=alt.Color("status:N", scale=alt.Scale(domain=status_domain, range=[ABOVE_COLOUR, BELOW_COLOUR]),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=[alt.Tooltip("label:N", title=text("col_municipality", lang)),
                 alt.Tooltip("display:N", title=text("col_value", lang)),
                 alt.Tooltip("rank:N", title=text("col_rank", lang))],
    )
    ref = pd.DataFrame([{"ref": reference, "ref_label": reference_label}])
    rule = alt.Chart(ref).mark_rule(color="#1f2937", strokeDash=[5, 3], strokeWidth=2).encode(
        x="ref:Q", tooltip=[alt.Tooltip("ref_label:N", title="Ø")],
    )
    note = alt.Chart(ref).mark_text(align="right", dx=-4, dy=-6, color="#1f2937", fontSize=11).encode(
        x="ref:Q", y=alt.value(0), text="ref_label:N",
    )
    # a fixed step per bar: Streamlit's theme would otherwise squeeze the bands to a few pixels
    return alt.layer(bars, rule, note).properties(height=alt.Step(BAR_HEIGHT), width="container")


def figure_chart(figures: Sequence[FigureDict], index: DigitalIndex, lang: Lang) -> Any | None:
    """A bar chart of the answer's municipalities with the reference marked, or None.

    One metric: a bar per municipality; the Ruhr average (100) is marked for scores, the Ruhr
    mean of the stored values (from the ScoreTable) for an indicator. One municipality on several
    metrics (a profile): a bar per area (or indicator score) against 100.
    """
    groups = _grouped_by_metric(figures)
    if not groups:
        return None
    metric, chosen = max(groups.items(), key=lambda item: len({f["municipality"] for f in item[1]}))
    registry = index.registry
    if len({f["municipality"] for f in chosen}) == 1 and len(groups) > 1:
        return _profile_chart(groups, registry, lang)
    unique = list({str(f["municipality"]): f for f in reversed(chosen)}.values())[::-1]
    unit = str(unique[0].get("unit", ""))
    name = safe_metric_name(registry, metric, lang)
    if unit == SCORE_UNIT or metric in (OVERALL, *AREA_IDS):
        reference = 100.0
        reference_label = text("ruhr_average", lang)
        axis_title = f"{name} – {text('score_unit', lang)}"
    else:
        if metric not in index.table.means.index:
            return None
        reference = float(index.table.means[metric])
        reference_label = text("ruhr_mean", lang, value=format_value(reference, unit, lang))
        axis_title = f"{name} ({unit_label(unit, lang)})"
    rows = []
    for f in unique:
        value = float(f["value"])
        score = f.get("score")
        score_number = _number(score)
        better = score_number >= 100.0 if score_number is not None else value >= reference
        rows.append({
            "label": str(f["municipality"]), "value": value, "display": format_value(value, unit, lang),
            "rank": rank_text(f.get("rank"), f.get("of"), lang),
            "status": text("above" if better else "below", lang),
        })
    return _configure(_bar_layer(rows, reference, reference_label, axis_title, lang), lang)


def _profile_chart(groups: dict[str, list[FigureDict]], registry: Registry, lang: Lang) -> Any | None:
    aggregate = [m for m in (OVERALL, *AREA_IDS) if m in groups]
    rows = []
    if aggregate:
        for metric in aggregate:
            f = groups[metric][0]
            rows.append((metric, float(f["value"]), f))
    else:
        for metric, fs in groups.items():
            if _is_number(fs[0].get("score")):
                rows.append((metric, float(fs[0]["score"]), fs[0]))
    if not rows:
        return None
    data = [
        {
            "label": safe_metric_name(registry, metric, lang), "value": value,
            "display": format_number(value, lang), "rank": rank_text(f.get("rank"), f.get("of"), lang),
            "status": text("above" if value >= 100.0 else "below", lang),
        }
        for metric, value, f in rows
    ]
    title = f"{rows[0][2].get('municipality', '')} – {text('score_unit', lang)}"
    return _configure(_bar_layer(data, 100.0, text("ruhr_average", lang), title, lang), lang)


# --- map -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GeoData:
    """Display-ready boundaries (simplified, wound for d3-geo) and centre points by AGS."""

    features: tuple[dict[str, Any], ...]
    points: Mapping[str, tuple[float, float]]  # ags -> (lat, lon)
    names: Mapping[str, str]


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


_AGS = re.compile(r"^\d{8}$")


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
    dots = marks.mark_circle(color="#1f2937", size=28).encode(longitude="lon:Q", latitude="lat:Q")
    names = marks.mark_text(dy=-9, fontSize=12, fontWeight="bold", color="#111827").encode(
        longitude="lon:Q", latitude="lat:Q", text="name:N",
    )
    chart = alt.layer(shapes, dots, names).project(type="mercator").properties(width="container", height=height)
    return json.dumps(chart.configure_view(stroke=None).to_dict())


def map_spec(
    highlight: Iterable[str], lang: Lang, geo: GeoData | None = None, height: int = 380, *, legend: bool = True,
) -> dict[str, Any]:
    """A Vega-Lite spec of the 53 municipalities with those in `highlight` (AGS) coloured and
    labelled. The boundaries go in as GeoJSON (no tiles, nothing fetched); the highlighting is an
    expression over the AGS, so the large geometry is shared by every map, never re-validated."""
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
    spec["datasets"] = {"ruhr_municipalities": list(geo.features), "labels": labels}
    return spec


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


# --- project cards -------------------------------------------------------------------------------

def _listing(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, Iterable):
        return [str(v) for v in value if str(v).strip()]
    return []


def _shorten(value: object, limit: int) -> str:
    words = str(value).split()
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > limit:
            return out + " …"
        out = f"{out} {word}".strip()
    return out


def project_markdown(project: Mapping[str, Any], lang: Lang, *, compact: bool = False) -> str:
    """A project card as inert Markdown: title, municipalities, status, what is reusable,
    funding and source links. Every field is escaped; only http(s) links survive. `compact`
    (the sidebar) keeps the title, places, a short "why" and the first link."""
    lines = [f"**{escape_markdown(project.get('title') or project.get('id') or '?')}**"]
    places = _listing(project.get("municipalities"))
    where = ", ".join(escape_markdown(p) for p in places) if places else escape_markdown(text("project_region", lang))
    facts = [f"{text('project_municipalities', lang)}: {where}"]
    status = project.get("status")
    if status:
        key = f"status_{status}"
        label = text(key, lang) if key in _STATUS_KEYS else str(status)
        facts.append(f"{text('project_status', lang)}: {escape_markdown(label)}")
    lines.append(" · ".join(facts))
    fields = (("reason", "project_why"),) if compact else (
        ("reusable", "project_reusable"), ("funding", "project_funding"), ("reason", "project_why"))
    for key, label in fields:
        value = project.get(key)
        if value:
            shown = _shorten(value, 160) if compact else value
            lines.append(f"{text(label, lang)}: {escape_markdown(shown)}")
    links = [markdown_link(u) for u in _listing(project.get("sources") or project.get("url"))]
    links = [link for link in links if link][: 1 if compact else None]
    if links:
        lines.append(f"{text('sources_heading', lang)}: " + " · ".join(links))
    return "  \n".join(lines)


_STATUS_KEYS = frozenset({"status_planned", "status_running", "status_completed", "status_ongoing", "status_unknown"})


def sources_markdown(sources: Sequence[Mapping[str, Any]]) -> list[str]:
    """One inert Markdown line per source: its title as a link where it has an http(s) URL."""
    lines = []
    for source in sources:
        title = str(source.get("title") or source.get("id") or "")
        link = markdown_link(source.get("url"), title)
        lines.append(link or escape_markdown(title))
    return [line for line in lines if line]


def extra_notices(reply: Mapping[str, Any]) -> list[str]:
    """The reply's notices that its answer text does not already say."""
    answer = str(reply.get("answer", ""))
    return [str(n) for n in reply.get("notices") or [] if str(n).strip() and str(n) not in answer]


def tool_calls_json(tool_calls: Sequence[Mapping[str, Any]]) -> str:
    """The tool calls with their arguments, for the 'How was this computed?' expander."""
    calls = [{"name": c.get("name"), "args": c.get("args", {})} for c in tool_calls]
    return json.dumps(calls, ensure_ascii=False, indent=2, default=str)


# --- explorer ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExplorerView:
    ags: str
    name: str
    place: str  # "Kreis: Kreis Unna" / "kreisfreie Stadt"
    overall: str  # "Digital-Index gesamt: 104,2 (Rang 12 von 53)"
    rows: tuple[dict[str, Any], ...]  # chart rows: area, series, value, display
    strengths: tuple[str, ...]
    weaknesses: tuple[str, ...]
    synthetic: bool


def _score_of(figure: FigureDict) -> float | None:
    score = _number(figure.get("score"))
    return score if score is not None else _number(figure.get("value"))


def explorer_view(index: DigitalIndex, name: str, lang: Lang, limit: int = 3) -> ExplorerView:
    """A municipality's four area scores against 100 and its group's mean, plus strengths and
    weaknesses (metrics above/below 100), all from `DigitalIndex.profile`."""
    profile = index.profile(name)
    municipality = profile.municipality
    registry = index.registry
    by_metric = {str(f["metric"]): f for f in profile.figures}
    overall = by_metric[OVERALL]
    group = text("kreisfreie_staedte", lang) if municipality.kreisfrei else municipality.kreis
    rows: list[dict[str, Any]] = []
    for area in AREA_IDS:
        label = AREA_NAMES[area][0 if lang == "de" else 1]
        own = _float(by_metric[area]["value"])
        mean = float(profile.group_means[area])
        rows.append({"area": label, "series": municipality.name, "value": own, "display": format_number(own, lang)})
        rows.append({"area": label, "series": text("explorer_group_mean", lang, group=group), "value": mean,
                     "display": format_number(mean, lang)})

    def describe(metrics: Sequence[str]) -> tuple[str, ...]:
        out = []
        for metric in metrics[:limit]:
            score = _score_of(by_metric[metric]) if metric in by_metric else None
            shown = f" ({format_number(score, lang)})" if score is not None else ""
            out.append(safe_metric_name(registry, metric, lang) + shown)
        return tuple(out)

    place = (text("explorer_kreisfrei", lang) if municipality.kreisfrei
             else text("explorer_kreis", lang, kreis=municipality.kreis))
    return ExplorerView(
        ags=municipality.ags, name=municipality.name, place=place,
        overall=text("explorer_overall", lang, value=format_number(_float(overall["value"]), lang),
                     rank=rank_text(overall.get("rank"), overall.get("of"), lang)),
        rows=tuple(rows), strengths=describe(profile.strengths), weaknesses=describe(profile.weaknesses),
        synthetic=has_synthetic(profile.figures),
    )


def explorer_chart(view: ExplorerView, lang: Lang) -> Any:
    """Grouped columns: the municipality's area scores next to its group's mean, 100 marked.
    Columns, not bars, so that the chart fits the narrow sidebar at any width."""
    data = pd.DataFrame(list(view.rows))
    series = list(dict.fromkeys(data["series"]))
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("area:N", title=None, sort=list(dict.fromkeys(data["area"])),
                axis=alt.Axis(labelAngle=-45, labelLimit=110, labelOverlap=False)),
        xOffset=alt.XOffset("series:N", sort=series),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=True)),
        color=alt.Color("series:N", sort=series, scale=alt.Scale(domain=series, range=[HIGHLIGHT_COLOUR, GROUP_COLOUR]),
                        legend=alt.Legend(title=None, orient="bottom", direction="vertical", labelLimit=170)),
        tooltip=[alt.Tooltip("series:N", title=" "), alt.Tooltip("area:N", title=text("col_area", lang)),
                 alt.Tooltip("display:N", title=text("col_score", lang))],
    )
    rule = alt.Chart(pd.DataFrame([{"ref": 100.0, "label": text("ruhr_average", lang)}])).mark_rule(
        color="#1f2937", strokeDash=[5, 3], strokeWidth=2,
    ).encode(y="ref:Q", tooltip=[alt.Tooltip("label:N", title="Ø")])
    # Streamlit fits axes and legend into `height`, so it is generous
    title = alt.TitleParams(text("score_unit", lang), fontSize=11, anchor="start", fontWeight="normal")
    return _configure(alt.layer(bars, rule).properties(height=380, width="container", title=title), lang)


# --- what-if -------------------------------------------------------------------------------------

def change_text(change: int) -> str:
    """Rank change against the default: '▲ 3' moved up, '▼ 2' moved down, '–' unchanged."""
    if change > 0:
        return f"▲ {change}"
    if change < 0:
        return f"▼ {-change}"
    return "–"


def what_if_table(index: DigitalIndex, area_weights: Mapping[str, float], lang: Lang) -> pd.DataFrame:
    """The ranking under other area weights with rank changes (from DigitalIndex.what_if)."""
    rows = index.what_if(dict(area_weights))
    return pd.DataFrame(
        [
            {
                text("col_rank", lang): int(str(row["rank"])),
                text("col_municipality", lang): str(row["municipality"]),
                text("col_index", lang): format_number(float(str(row["overall"])), lang),
                text("col_change", lang): change_text(int(str(row["change"]))),
                text("col_default_rank", lang): int(str(row["default_rank"])),
            }
            for row in rows
        ]
    )


def default_area_weights(index: DigitalIndex) -> dict[str, float]:
    return {area: float(index.registry.method.area_weights[area]) for area in AREA_IDS}


# --- sidebar facts -------------------------------------------------------------------------------

def provenance_counts(index: DigitalIndex) -> dict[str, int]:
    """How many stored values are official, public and synthetic."""
    counts = Counter(str(p) for p in index.data.values["provenance"])
    return {key: counts.get(key, 0) for key in ("official", "public", "synthetic")}


def provenance_summary(index: DigitalIndex, lang: Lang) -> str:
    counts = provenance_counts(index)
    return " · ".join(f"{provenance_badge(k, lang)}: {v}" for k, v in counts.items())


def index_has_synthetic(index: DigitalIndex) -> bool:
    return provenance_counts(index)["synthetic"] > 0


def warm_up(index: DigitalIndex) -> None:
    """Load the map geometry and Altair's schema once at start-up, not on the first question."""
    load_geo()
    figures = index.rank(OVERALL, top=1)
    chart = figure_chart(figures, index, "de")
    if chart is not None:
        chart.to_dict()


# --- what is answering --------------------------------------------------------------------------

def backend_description(engine: Engine, lang: Lang) -> str:
    """'Offline planner …', 'Language model: ollama:llama3' or the fallback with its reason."""
    if not engine.settings.llm:
        return text("backend_offline", lang)
    model, problem = engine.chat_model()
    if model is not None:
        return text("backend_llm", lang, name=engine.backend)
    return text("backend_fallback", lang, name=engine.settings.llm, reason=as_sentence(problem))


def project_index_status(engine: Engine) -> IndexStatus:
    """The project index's status; a missing or broken index is a status, never an exception."""
    from assistant.retrieval import IndexStatus

    mode = "server" if engine.settings.chroma_host else "embedded"
    try:
        source = engine.toolbox.project_source()
        status = getattr(source, "status", None)
        if source is None or status is None:
            return IndexStatus(False, mode, "", problem="project search is not configured")
        found: IndexStatus = status()
        return found
    except AssistantError as error:
        return IndexStatus(False, mode, "", problem=str(error))


def reusable_projects(
    engine: Engine, municipality: str, lang: Lang, k: int = 3,
) -> tuple[list[dict[str, Any]], str | None]:
    """Projects the municipality could take over, through the same tool the chat uses
    (allow-list, inert text): (projects, None) or ([], the reason none could be found)."""
    result = engine.toolbox.execute(ToolCall("suggest_reusable_projects", {"municipality": municipality, "k": k}), lang)
    if not result.ok:
        return [], result.error
    return [dict(p) for p in result.projects], None


# --- share links ---------------------------------------------------------------------------------

def clean_question(raw: object) -> str | None:
    """A question from a shared link: text, control characters removed, at most 2,000 chars."""
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    if not isinstance(raw, str):
        return None
    question = _CONTROL.sub(" ", raw).strip()
    return question[:MAX_SHARED_QUESTION] or None


def share_params(question: str, lang: Lang) -> dict[str, str]:
    return {"q": question[:MAX_SHARED_QUESTION], "lang": lang}


def share_link(base_url: str | None, question: str, lang: Lang) -> str:
    """A link that asks `question` again when opened (relative when the page URL is unknown)."""
    query = urlencode(share_params(question, lang))
    base = (base_url or "").split("?", 1)[0].split("#", 1)[0]
    return f"{base}?{query}"


# --- feedback ------------------------------------------------------------------------------------

_FEEDBACK_LOCK = threading.Lock()


def feedback_record(
    *, rating: int, question: str, answer: str, language: str, intent: str | None,
    tool_calls: Sequence[Mapping[str, Any]] = (), when: datetime | None = None,
) -> dict[str, Any]:
    """One line of feedback.jsonl. `rating` is st.feedback's thumbs value: 1 up, 0 down."""
    return {
        "time": (when or datetime.now(UTC)).isoformat(timespec="seconds"),
        "rating": "up" if rating == 1 else "down",
        "question": question,
        "answer": answer,
        "language": language,
        "intent": intent,
        "tool_calls": [{"name": c.get("name"), "args": c.get("args", {})} for c in tool_calls],
    }


def append_feedback(home: Path, record: Mapping[str, Any]) -> Path:
    """Append one JSON line to ASSISTANT_HOME/feedback.jsonl (created with its directory)."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / FEEDBACK_FILE
    line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
    with _FEEDBACK_LOCK, path.open("a", encoding="utf-8") as handle:
        handle.write(line)
    return path
