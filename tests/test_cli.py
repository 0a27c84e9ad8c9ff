"""The index commands of the CLI on the shipped data, including unknown names and bad weights."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from assistant.cli.commands import main
from assistant.index.registry import AREA_IDS, INDICATOR_IDS
from tests.conftest import SHIPPED_DATA, run_cli

FIGURE_KEYS = {"ags", "municipality", "metric", "value", "score", "rank", "of", "unit", "year", "provenance", "source",
               "claim_id"}


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def oracle() -> pd.DataFrame:
    """Overall index recomputed independently from values.csv with the documented default method."""
    values = pd.read_csv(SHIPPED_DATA / "values.csv", dtype={"ags": str})
    indicators = pd.read_csv(SHIPPED_DATA / "indicators.csv")
    wide = values.pivot(index="ags", columns="indicator", values="value")
    scores = (100 * wide / wide.mean()).clip(upper=300)
    areas = pd.DataFrame({a: scores[list(indicators.loc[indicators.area == a, "id"])].mean(axis=1) for a in AREA_IDS})
    return areas.assign(overall=areas.mean(axis=1))


def test_profile_json_figures_match_the_method(capsys, oracle):
    result = run_json(capsys, "profile", "Hagen")
    assert result["municipality"] == "Hagen"
    figures = {f["metric"]: f for f in result["figures"]}
    assert set(figures) == {"overall", *AREA_IDS, *INDICATOR_IDS}
    assert all(set(f) == FIGURE_KEYS for f in result["figures"])
    assert figures["overall"]["value"] == pytest.approx(oracle.at["05914000", "overall"])
    for area in AREA_IDS:
        assert figures[area]["value"] == pytest.approx(oracle.at["05914000", area])
    assert figures["fibre_households"]["of"] == 53


@pytest.mark.parametrize(("typed", "expected"), [("muelheim", "Mülheim an der Ruhr"), ("HUENXE", "Hünxe"),
                                                 ("Gelsenkirchn", "Gelsenkirchen"), ("5914000", "Hagen")])
def test_names_resolve_case_umlaut_typo_and_lost_zero(capsys, typed, expected):
    assert run_json(capsys, "profile", typed)["municipality"] == expected


def test_unknown_municipality_is_a_clear_error(capsys):
    assert main(["profile", "Köln"]) == 2
    err = capsys.readouterr().err
    assert "Unknown municipality 'Köln'" in err
    assert "53 municipalities" in err


def test_unknown_name_offers_closest_matches(capsys):
    assert main(["--lang", "en", "profile", "Bochumer Land"]) == 2
    assert "Did you mean: Bochum" in capsys.readouterr().err


def test_compare_resolves_metric_synonyms(capsys):
    result = run_json(capsys, "compare", "Bochum", "Dortmund", "--metric", "Glasfaser")
    assert result["metric"] == "fibre_households"
    assert [f["municipality"] for f in result["figures"]] == ["Bochum", "Dortmund"]


def test_rank_top_and_filters(capsys, oracle):
    top = run_json(capsys, "rank", "overall", "--top", "7")["figures"]
    expected = list(oracle["overall"].sort_values(ascending=False).index[:7])
    assert [f["ags"] for f in top] == expected
    assert [f["rank"] for f in top] == sorted(f["rank"] for f in top)
    unna = run_json(capsys, "rank", "mobile_5g", "--kreis", "Unna")["figures"]
    assert len(unna) == 10
    assert all(f["ags"].startswith("05978") for f in unna)
    kreisfrei = run_json(capsys, "rank", "forschung", "--kreisfrei", "--bottom", "3")["figures"]
    assert len(kreisfrei) == 3
    assert kreisfrei[0]["rank"] >= kreisfrei[-1]["rank"]


def test_rank_unknown_metric(capsys):
    assert main(["rank", "schwimmbaeder"]) == 2
    assert "Unknown metric 'schwimmbaeder'" in capsys.readouterr().err


def test_explain_contributions_sum_to_distance_from_100(capsys):
    result = run_json(capsys, "explain", "Essen")
    assert sum(c["points"] for c in result["areas"]) == pytest.approx(result["overall"] - 100)
    assert sum(c["points"] for c in result["indicators"]) == pytest.approx(result["overall"] - 100)


def test_peers_excludes_itself_and_prefers_same_status(capsys):
    result = run_json(capsys, "peers", "Herne")
    names = [p["municipality"] for p in result["peers"]]
    assert "Herne" not in names
    assert len(names) == 5
    assert all(p["kreisfrei"] for p in result["peers"][:2])


def test_whatif_changes_ranks_and_rejects_bad_weights(capsys):
    result = run_json(capsys, "whatif", "--weights", "infrastruktur=3,forschung=0")
    ranking = result["ranking"]
    assert len(ranking) == 53
    assert result["area_weights"] == {"infrastruktur": 3.0, "forschung": 0.0}
    assert any(row["change"] != 0 for row in ranking)
    assert sum(row["change"] for row in ranking) == 0 or len({r["rank"] for r in ranking}) < 53
    assert main(["whatif", "--weights", "infrastruktur"]) == 2
    assert "name=number" in capsys.readouterr().err
    assert main(["whatif", "--weights", "schwimmbad=2"]) == 2


def test_findings_lists_published_statements(capsys):
    findings = run_json(capsys, "--lang", "en", "findings")["findings"]
    assert len(findings) >= 10
    assert any("98.3" in f["statement"] for f in findings)


def test_text_output_uses_german_number_format(capsys):
    assert main(["compare", "Hünxe", "--metric", "fibre_households"]) == 0
    out = capsys.readouterr().out
    assert "98,9" in out
    assert "[public]" in out


def test_console_script_runs_as_module():
    completed = run_cli(["profile", "Bottrop", "--json"])
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["municipality"] == "Bottrop"
