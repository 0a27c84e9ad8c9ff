"""The shipped index_data/: format, completeness, public values and the published findings.

Every finding is checked by computing the scores with assistant.index.scoring on the shipped values, so a
change to the data, the generator or the default method that breaks a published statement fails here.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assistant.index.data import IndexData, load_index_data, validate_data_dir
from assistant.index.names import NameResolver, fold, fold_loose
from assistant.index.registry import INDICATOR_IDS, Registry
from assistant.index.scoring import ScoreTable, compute_scores

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "index_data"
GENERATOR = ROOT / "scripts" / "generate_values.py"

SEVEN = ("Dortmund", "Holzwickede", "Bochum", "Essen", "Haltern am See", "Hünxe", "Gelsenkirchen")
HEADERS = {
    "municipalities.csv": "ags,name,kreis,kreisfrei,population,population_date,area_km2,lat,lon,aliases",
    "indicators.csv": "id,area,name_de,name_en,unit,higher_is_better,weight,status,description_de,"
    "description_en,synonyms",
    "values.csv": "ags,indicator,value,year,provenance,source",
    "sources.csv": "id,title,publisher,url,date,licence,note",
    "findings.csv": "id,statement_de,statement_en,area,municipalities,source",
}
#: (municipality, indicator, value, source id) that must be shipped with provenance "public".
PUBLIC = [
    ("Hünxe", "fibre_households", 98.9, "rp-fibre-wesel"),
    ("Haltern am See", "fibre_households", 94.8, "rn-fibre-recklinghausen"),
    ("Waltrop", "fibre_households", 71.2, "rn-fibre-recklinghausen"),
    ("Marl", "fibre_households", 56.3, "rn-fibre-recklinghausen"),
    ("Gelsenkirchen", "fibre_households", 51.5, "nrz-fibre-nrw"),
    ("Dortmund", "fibre_households", 34.4, "rn-fibre-dortmund"),
    ("Dinslaken", "fibre_households", 25.9, "rp-fibre-wesel"),
    ("Mülheim an der Ruhr", "fibre_households", 13.2, "nrz-fibre-nrw"),
    ("Dorsten", "fibre_households", 13.2, "rn-fibre-recklinghausen"),
    ("Duisburg", "fibre_households", 20.0, "waz-fibre-duisburg"),
    ("Hamm", "fibre_households", 6.7, "nrz-fibre-nrw"),
    ("Herne", "fibre_households", 5.5, "nrz-fibre-nrw"),
    ("Oer-Erkenschwick", "fibre_households", 1.9, "rn-fibre-recklinghausen"),
    ("Voerde (Niederrhein)", "fibre_households", 0.2, "rp-fibre-wesel"),
    ("Mülheim an der Ruhr", "ai_job_ads", 4.2, "indeed-ai-jobs"),
    ("Gelsenkirchen", "ai_job_ads", 0.8, "indeed-ai-jobs"),
    ("Hagen", "ai_job_ads", 0.8, "indeed-ai-jobs"),
    ("Herne", "ai_job_ads", 0.5, "indeed-ai-jobs"),
    ("Oberhausen", "ai_job_ads", 0.5, "indeed-ai-jobs"),
    ("Hamm", "ai_job_ads", 0.4, "indeed-ai-jobs"),
    ("Dortmund", "digital_companies", 10.2, "dortmund-pr"),
    ("Dortmund", "it_employees", 74.9, "uv-do-it"),
    ("Bochum", "digital_startups", 3.9, "nrz-startups-2023"),
    ("Dortmund", "digital_startups", 3.2, "nrz-startups-2023"),
    ("Essen", "digital_startups", 2.2, "nrz-startups-2023"),
    ("Duisburg", "digital_startups", 1.2, "nrz-startups-2023"),
    ("Mülheim an der Ruhr", "digital_startups", 1.2, "nrz-startups-2023"),
    ("Herne", "digital_startups", 0.0, "nrz-startups-2023"),
    ("Duisburg", "mobile_5g", 99.6, "waz-5g-duisburg"),
    ("Oberhausen", "mobile_5g", 100.0, "oberhausen-5g"),
    ("Dortmund", "mobile_5g", 99.9, "dortmund-5g"),
    ("Bottrop", "fibre_households", 34.0, "bottrop-fibre"),
    ("Schermbeck", "fibre_households", 99.0, "rn-fibre-dorsten"),
]
#: Institutions counted per municipality (data-facts.md 4.4; rules in the research-count source note).
INSTITUTION_COUNTS = {
    "Dortmund": 13, "Bochum": 11, "Essen": 6, "Duisburg": 5, "Gelsenkirchen": 4, "Hagen": 4,
    "Mülheim an der Ruhr": 3, "Hamm": 2, "Bottrop": 1, "Oberhausen": 1, "Recklinghausen": 1, "Witten": 1,
    "Kamp-Lintfort": 1, "Herne": 1, "Wesel": 1,
}


@pytest.fixture(scope="module")
def index() -> IndexData:
    return load_index_data(DATA_DIR)


@pytest.fixture(scope="module")
def registry(index: IndexData) -> Registry:
    return index.registry


@pytest.fixture(scope="module")
def table(index: IndexData) -> ScoreTable:
    return compute_scores(index.values, index.registry)


@pytest.fixture(scope="module")
def ags_of(registry: Registry) -> dict[str, str]:
    return {m.name: m.ags for m in registry.municipalities}


def name_of(registry: Registry, ags: object) -> str:
    return registry.municipality(str(ags)).name


# --- files -------------------------------------------------------------------------------------


@pytest.mark.parametrize("file", sorted(HEADERS))
def test_csv_files_are_plain_utf8_with_lf_and_exact_header(file: str) -> None:
    raw = (DATA_DIR / file).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    assert b"\r" not in raw, "LF line endings only"
    text = raw.decode("utf-8")
    assert text.endswith("\n")
    assert text.split("\n", 1)[0] == HEADERS[file]


def test_validation_passes() -> None:
    assert validate_data_dir(DATA_DIR) == []


def test_generator_reproduces_values_csv_byte_for_byte(tmp_path: Path) -> None:
    output = tmp_path / "values.csv"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--output", str(output), "--quiet"], check=True, cwd=tmp_path, timeout=300
    )
    assert output.read_bytes() == (DATA_DIR / "values.csv").read_bytes()


def test_generator_refuses_to_overwrite_official_values(tmp_path: Path) -> None:
    data_dir = tmp_path / "index_data"
    data_dir.mkdir()
    for file in (*HEADERS, "method.toml"):
        (data_dir / file).write_bytes((DATA_DIR / file).read_bytes())
    values = data_dir / "values.csv"
    imported = values.read_text(encoding="utf-8").replace(",synthetic,synthetic-demo", ",official,synthetic-demo", 1)
    values.write_text(imported, encoding="utf-8", newline="")
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--data-dir", str(data_dir), "--quiet"],
        capture_output=True, text=True, check=False, timeout=300,
    )
    assert result.returncode != 0
    assert "official" in result.stderr
    assert values.read_text(encoding="utf-8") == imported


def test_method_toml_holds_the_documented_defaults() -> None:
    method = tomllib.loads((DATA_DIR / "method.toml").read_text(encoding="utf-8"))
    assert method["cap"] == 300.0
    assert method["area_weights"] == dict.fromkeys(("forschung", "beschaeftigung", "unternehmen", "infrastruktur"), 1.0)
    assert method["indicator_weights"] == dict.fromkeys(INDICATOR_IDS, 1.0)


# --- values grid -------------------------------------------------------------------------------


def test_values_are_complete_unique_and_sorted(index: IndexData, registry: Registry) -> None:
    values = index.values
    assert len(values) == 53 * 12
    assert not values.duplicated(["ags", "indicator"]).any()
    expected = [(m, i) for m in sorted(x.ags for x in registry.municipalities) for i in INDICATOR_IDS]
    assert list(zip(values["ags"], values["indicator"], strict=True)) == expected


def test_value_ranges_and_provenance(index: IndexData, registry: Registry) -> None:
    values = index.values
    source_ids = {s.id for s in registry.sources}
    assert set(values["source"]) <= source_ids
    assert set(values["provenance"]) == {"public", "synthetic"}
    synthetic = values[values["provenance"] == "synthetic"]
    assert set(synthetic["source"]) == {"synthetic-demo"}
    assert set(synthetic["year"]) == {2024}
    for indicator in registry.indicators:
        column = values.loc[values["indicator"] == indicator.id, "value"]
        assert (column >= 0).all(), indicator.id
        if indicator.is_percentage:
            assert column.between(0, 100).all(), indicator.id


@pytest.mark.parametrize(("name", "indicator", "value", "source"), PUBLIC)
def test_public_value_is_shipped(
    index: IndexData, registry: Registry, ags_of: dict[str, str], name: str, indicator: str, value: float, source: str
) -> None:
    rows = index.values[(index.values["ags"] == ags_of[name]) & (index.values["indicator"] == indicator)]
    row = rows.iloc[0]
    assert row["provenance"] == "public"
    assert row["value"] == pytest.approx(value, abs=0.005)
    assert row["source"] == source
    assert registry.source(source) is not None
    assert 2022 <= int(row["year"]) <= 2025


def test_research_institutes_are_counted_per_population(index: IndexData, registry: Registry) -> None:
    rows = index.values[index.values["indicator"] == "research_institutes"].set_index("ags")
    for municipality in registry.municipalities:
        row = rows.loc[municipality.ags]
        one_institution = 100_000 / municipality.population
        count = INSTITUTION_COUNTS.get(municipality.name)
        if count is None:
            # No institution listed: a synthetic rate below what a single institution would give.
            assert row["provenance"] == "synthetic", municipality.name
            assert row["value"] < one_institution, municipality.name
        else:
            assert row["provenance"] == "public"
            assert row["source"] == "research-count"
            assert row["value"] == pytest.approx(round(count * one_institution, 2), abs=1e-9)


# --- published findings ------------------------------------------------------------------------


def test_exactly_the_seven_are_above_the_ruhr_average(table: ScoreTable, registry: Registry) -> None:
    above = {name_of(registry, a) for a, score in table.overall.items() if score > 100}
    assert above == set(SEVEN)
    others = table.overall[[a for a in table.overall.index if name_of(registry, a) not in SEVEN]]
    assert others.max() <= 99.0, "visible margin below the average"


def test_the_seven_rank_in_the_published_order(table: ScoreTable, ags_of: dict[str, str]) -> None:
    assert [int(table.overall_rank[ags_of[n]]) for n in SEVEN] == list(range(1, 8))
    assert int(table.overall_rank[ags_of["Bochum"]]) <= 4


def _sole_leaders(ranks: pd.Series, registry: Registry) -> list[str]:
    first, second = (ranks[ranks == r] for r in (1, 2))
    assert len(first) == 1, "no tie for first place"
    assert len(second) == 1, "no tie for second place"
    return [name_of(registry, first.index[0]), name_of(registry, second.index[0])]


def test_bochum_and_dortmund_lead_forschung(table: ScoreTable, registry: Registry) -> None:
    assert _sole_leaders(table.area_ranks["forschung"], registry) == ["Bochum", "Dortmund"]


def test_kamp_lintfort_and_bochum_lead_research_funding(table: ScoreTable, registry: Registry) -> None:
    assert _sole_leaders(table.indicator_ranks["research_projects"], registry) == ["Kamp-Lintfort", "Bochum"]


def test_huenxe_and_ennepetal_lead_digital_patents(table: ScoreTable, registry: Registry) -> None:
    assert _sole_leaders(table.indicator_ranks["digital_patents"], registry) == ["Hünxe", "Ennepetal"]


def test_dortmund_is_top_three_in_three_of_four_areas(table: ScoreTable, ags_of: dict[str, str]) -> None:
    ranks = table.area_ranks.loc[ags_of["Dortmund"]]
    assert sorted(str(area) for area, rank in ranks.items() if rank <= 3) == [
        "beschaeftigung", "forschung", "unternehmen",
    ]


def test_dortmund_stands_out_in_it_and_ai_job_ads(table: ScoreTable, ags_of: dict[str, str]) -> None:
    ranks = table.indicator_ranks.loc[ags_of["Dortmund"]]
    assert ranks["it_employees"] <= 3
    assert ranks["it_graduates"] <= 3
    assert ranks["ai_job_ads"] <= 5


def test_muelheim_is_the_only_municipality_above_the_national_ai_average(
    table: ScoreTable, registry: Registry
) -> None:
    above = [name_of(registry, a) for a, v in table.values["ai_job_ads"].items() if v > 2.4]
    assert above == ["Mülheim an der Ruhr"]


def test_5g_area_weighted_means_match_the_published_figures(table: ScoreTable, registry: Registry) -> None:
    area = pd.Series({m.ags: m.area_km2 for m in registry.municipalities})
    five_g = table.values["mobile_5g"]
    assert np.average(five_g, weights=area[five_g.index]) == pytest.approx(98.3, abs=0.1)
    en = [m.ags for m in registry.municipalities if m.kreis == "Ennepe-Ruhr-Kreis"]
    assert len(en) == 9
    assert np.average(five_g[en], weights=area[en]) == pytest.approx(94.8, abs=0.1)


def test_bochum_has_the_highest_start_up_rate(table: ScoreTable, registry: Registry) -> None:
    """The Startup-Verband names Bochum the Ruhr city with the highest start-up intensity."""
    startups = table.values["digital_startups"].sort_values(ascending=False)
    assert name_of(registry, startups.index[0]) == "Bochum"
    assert startups.iloc[1] < startups.iloc[0]


def test_it_graduates_average_the_published_ruhr_value(table: ScoreTable, registry: Registry) -> None:
    population = pd.Series({m.ags: m.population for m in registry.municipalities})
    graduates = table.values["it_graduates"]
    assert np.average(graduates, weights=population[graduates.index]) == pytest.approx(1.6, abs=0.01)


def test_synthetic_fibre_respects_published_fibre_facts(table: ScoreTable, registry: Registry) -> None:
    fibre = table.values["fibre_households"]
    recklinghausen = fibre[[m.ags for m in registry.municipalities if m.kreis == "Kreis Recklinghausen"]]
    order = [name_of(registry, a) for a in recklinghausen.sort_values(ascending=False).index]
    assert order[:3] == ["Haltern am See", "Waltrop", "Marl"]
    assert order[-1] == "Oer-Erkenschwick"
    cities = fibre[[m.ags for m in registry.municipalities if m.kreisfrei]].sort_values(ascending=False)
    assert name_of(registry, cities.index[0]) == "Gelsenkirchen"
    assert name_of(registry, cities.index[-1]) == "Herne"


# --- reference files ---------------------------------------------------------------------------


def test_findings_cover_the_published_statements(registry: Registry, ags_of: dict[str, str]) -> None:
    findings = {f.id: f for f in registry.findings}
    assert len(findings) == len(registry.findings)
    source_ids = {s.id for s in registry.sources}
    assert all(f.source in source_ids for f in registry.findings)
    assert set(findings["above-average"].municipalities) == {ags_of[n] for n in SEVEN}
    assert "10,2 %" in findings["dortmund-digital-companies"].statement_de
    assert "10.2 %" in findings["dortmund-digital-companies"].statement_en
    assert "98,3 %" in findings["ruhr-5g"].statement_de
    assert "98.3 %" in findings["ruhr-5g"].statement_en
    assert "1,6" in findings["ruhr-it-graduates"].statement_de
    assert "1.6" in findings["ruhr-it-graduates"].statement_en
    assert "10 von 12" in findings["ruhr-overall-rank"].statement_de
    actions = [f for f in registry.findings if f.id.startswith("action-")]
    assert len(actions) == 4


def test_indicator_contract_and_synonyms(registry: Registry) -> None:
    assert [i.id for i in registry.indicators] == list(INDICATOR_IDS)
    assert {i.unit for i in registry.indicators} <= {"%", "per 100,000 inhabitants", "per 1,000 employees"}
    assert {i.id for i in registry.indicators if i.status == "assumed"} == {"ai_companies", "gigabit_business"}
    owner: dict[str, str] = {}
    for indicator in registry.indicators:
        assert indicator.higher_is_better
        assert indicator.weight == 1.0
        assert indicator.description_de
        assert indicator.description_en
        if indicator.status == "assumed":
            assert "Annahme" in indicator.description_de
            assert "Assumption" in indicator.description_en
        for form in (indicator.name_de, indicator.name_en, *indicator.synonyms):
            key = fold(form)
            assert owner.setdefault(key, indicator.id) == indicator.id, f"'{form}' names two indicators"


def test_aliases_are_unambiguous_and_resolve(registry: Registry) -> None:
    owner: dict[str, str] = {}
    for municipality in registry.municipalities:
        for form in (municipality.name, *municipality.aliases):
            for key in (fold(form), fold_loose(form)):
                assert owner.setdefault(key, municipality.ags) == municipality.ags, f"'{form}' is ambiguous"
    resolver = NameResolver(registry)
    typed = {
        "Muelheim": "Mülheim an der Ruhr", "Mülheim": "Mülheim an der Ruhr", "Huenxe": "Hünxe",
        "Hunxe": "Hünxe", "Boenen": "Bönen", "Froendenberg": "Fröndenberg/Ruhr", "Haltern": "Haltern am See",
        "Voerde": "Voerde (Niederrhein)", "Wetter": "Wetter (Ruhr)", "Kamp Lintfort": "Kamp-Lintfort",
        "Castrop": "Castrop-Rauxel", "Luenen": "Lünen", "Sprockhoevel": "Sprockhövel",
        "Neukirchen Vluyn": "Neukirchen-Vluyn", "Oer Erkenschwick": "Oer-Erkenschwick",
        "Hamm (Westf.)": "Hamm",
    }
    for text, name in typed.items():
        found = resolver.resolve(text)
        assert found is not None, text
        assert found.name == name, text


def test_municipalities_match_the_census_and_contract(registry: Registry) -> None:
    municipalities = registry.municipalities
    assert len({m.ags for m in municipalities}) == 53
    assert sum(m.kreisfrei for m in municipalities) == 11
    assert sum(m.population for m in municipalities) == 5_093_721  # Zensus 2022, RVR total
    assert sum(m.area_km2 for m in municipalities) == pytest.approx(4438.85, abs=0.01)
    assert {m.population_date for m in municipalities} == {"2022-05-15"}
    assert all(m.lat is not None and 51.2 < m.lat < 51.9 for m in municipalities)
    assert all(m.lon is not None and 6.3 < m.lon < 8.0 for m in municipalities)
    with (DATA_DIR / "municipalities.csv").open(encoding="utf-8", newline="") as handle:
        assert all(len(row["ags"]) == 8 and row["ags"].startswith("0") for row in csv.DictReader(handle))
