"""What the data consists of (assistant.index.data_status): the counts, the CLI, and the generated tables
of docs/data.md, which must equal the shipped data (this test fails when the doc is stale)."""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from assistant.cli.commands import main
from assistant.index.data import load_index_data
from assistant.index.data_status import data_status, markdown_tables, year_span

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_DATA = ROOT / "index_data"
DOC = ROOT / "docs" / "data.md"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("data_status_table", ROOT / "scripts" / "data_status_table.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = load_script()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "index_data"
    shutil.copytree(SHIPPED_DATA, target)
    return target


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_docs_table_matches_the_shipped_data(capsys: pytest.CaptureFixture[str]) -> None:
    code = SCRIPT.main(["--check"])
    assert code == 0, capsys.readouterr().err + " Run: python scripts/data_status_table.py --write"


def test_counts_agree_with_values_csv_read_directly() -> None:
    """An independent count with the csv module, not through pandas."""
    values = csv_rows(SHIPPED_DATA / "values.csv")
    titles = {row["id"]: row["title"] for row in csv_rows(SHIPPED_DATA / "sources.csv")}
    status = data_status(load_index_data(SHIPPED_DATA))
    assert [i.id for i in status.indicators] == [row["id"] for row in csv_rows(SHIPPED_DATA / "indicators.csv")]
    for indicator in status.indicators:
        mine = [row for row in values if row["indicator"] == indicator.id]
        assert dict(indicator.counts) == {p: sum(r["provenance"] == p for r in mine)
                                          for p in ("official", "public", "synthetic")}
        assert indicator.years == tuple(sorted({int(r["year"]) for r in mine}))
        assert {u.id: u.values for u in indicator.sources} == Counter(r["source"] for r in mine)
        assert all(u.title == titles[u.id] for u in indicator.sources)
    assert status.total == len(values)
    counter = Counter(r["provenance"] for r in values)
    assert dict(status.counts) == {p: counter.get(p, 0) for p in ("official", "public", "synthetic")}
    assert sum(u.values for u in status.sources) == len(values)


def add_official_value(data_dir: Path) -> None:
    """An imported-looking value: new source (appended), new year, provenance official."""
    with (data_dir / "sources.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["amt-2030", "Amtliche Tabelle | Teil A", "RVR", "", "2030-01-15", "", "test"])
    rows = csv_rows(data_dir / "values.csv")
    target = next(r for r in rows if r["indicator"] == "mobile_5g")
    target.update(value="99.5", year="2030", provenance="official", source="amt-2030")
    with (data_dir / "values.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_new_sources_years_and_provenances_show_up(data_dir: Path) -> None:
    before = data_status(load_index_data(data_dir))
    add_official_value(data_dir)
    after = data_status(load_index_data(data_dir))
    five_g = next(i for i in after.indicators if i.id == "mobile_5g")
    old_five_g = next(i for i in before.indicators if i.id == "mobile_5g")
    assert five_g.counts["official"] == old_five_g.counts["official"] + 1
    assert five_g.total == old_five_g.total
    assert five_g.years[-1] == 2030
    assert ("amt-2030", "Amtliche Tabelle | Teil A", 1) in {(u.id, u.title, u.values) for u in five_g.sources}
    assert after.sources[-1].id == "amt-2030"  # sources.csv order
    assert after.counts["official"] == before.counts["official"] + 1
    table = markdown_tables(after)
    assert "| `amt-2030` | Amtliche Tabelle \\| Teil A | 1 |" in table  # the pipe cannot break the table
    assert after.to_dict()["totals"]["years"][-1] == 2030  # type: ignore[index]


def test_check_fails_on_stale_doc_and_write_fixes_only_the_block(data_dir: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "data.md"
    shutil.copy(DOC, doc)
    original = doc.read_text(encoding="utf-8")
    args = ["--data-dir", str(data_dir), "--doc", str(doc)]
    assert SCRIPT.main(["--check", *args]) == 0
    add_official_value(data_dir)
    assert SCRIPT.main(["--check", *args]) == 1
    assert "is stale" in capsys.readouterr().err
    assert SCRIPT.main(["--write", *args]) == 0
    assert SCRIPT.main(["--check", *args]) == 0
    rewritten = doc.read_text(encoding="utf-8")
    assert "amt-2030" in rewritten
    head, tail = SCRIPT.START, SCRIPT.END
    assert rewritten.split(head)[0] == original.split(head)[0]
    assert rewritten.split(tail)[1] == original.split(tail)[1]


@pytest.mark.parametrize("broken", ["no markers", "<!-- data-status:end --> x <!-- data-status:start -->",
                                    "<!-- data-status:start --><!-- data-status:start --><!-- data-status:end -->"])
def test_missing_or_misordered_markers(tmp_path: Path, broken: str, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "data.md"
    doc.write_text(broken, encoding="utf-8")
    assert SCRIPT.main(["--write", "--doc", str(doc)]) == 2
    assert doc.read_text(encoding="utf-8") == broken
    assert "data-status" in capsys.readouterr().err


def test_year_span() -> None:
    assert year_span([2025, 2022, 2023, 2024]) == "2022–2025"
    assert year_span([2022, 2024, 2025, 2025]) == "2022, 2024–2025"
    assert year_span([]) == ""


def test_cli_status_text_and_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_official_value(data_dir)
    status = data_status(load_index_data(data_dir))
    code, out = main(["--data-dir", str(data_dir), "data", "status"]), capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["indicator", "official", "public", "synthetic"]
    five_g = next(line for line in lines if line.startswith("mobile_5g "))
    counts = next(i.counts for i in status.indicators if i.id == "mobile_5g")
    assert counts["official"] == 1  # the value added above
    assert five_g.split()[1:4] == [str(counts[p]) for p in ("official", "public", "synthetic")]
    assert "amt-2030 (1)" in five_g
    total = next(line for line in lines if line.startswith("total "))
    assert total.split()[1:4] == [str(status.counts[p]) for p in ("official", "public", "synthetic")]
    assert f"{status.total} values" in total
    assert "  amt-2030: Amtliche Tabelle | Teil A (1 value)" in lines
    code, out = main(["--data-dir", str(data_dir), "data", "status", "--json"]), capsys.readouterr().out
    payload = json.loads(out)
    assert (code, payload["ok"]) == (0, True)
    assert payload["totals"]["total"] == 636
    assert payload["indicators"][-1]["id"] == "mobile_5g"
    assert payload["indicators"][-1]["counts"]["official"] == 1


def test_cli_status_on_invalid_data(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data_dir / "values.csv").write_text("ags,indicator,value,year,provenance,source\n", encoding="utf-8")
    code, out = main(["--data-dir", str(data_dir), "data", "status"]), capsys.readouterr().out
    assert code == 1
    assert out.startswith(f"INVALID {data_dir}")
