"""`assistant verify`: an answer saved by `assistant ask --json` checks texts written elsewhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.cli.commands import main
from tests.conftest import PROJECT_ROOT, SHIPPED_DATA


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_LLM": ""}
    return subprocess.run([sys.executable, "-m", "assistant", "--data-dir", str(SHIPPED_DATA), *args], input=stdin,
                          capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=120, check=False)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    done = run("ask", "--json", "Vergleiche Bochum und Essen bei KI-Stellenanzeigen")
    assert done.returncode == 0, done.stderr
    path = tmp_path_factory.mktemp("answers") / "answer.json"
    path.write_text(done.stdout, encoding="utf-8")
    return path, json.loads(done.stdout)


def test_the_answers_own_text_verifies_with_exit_code_0(saved: tuple[Path, dict[str, Any]],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    path, answer = saved
    assert main(["verify", "--answer", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert report["checked"] == len(report["numbers"]) > 0
    assert {n["claim_id"] for n in report["numbers"]} >= {f["claim_id"] for f in answer["figures"]}


def test_a_reworded_text_from_stdin_verifies_and_a_tampered_one_fails(saved: tuple[Path, dict[str, Any]]) -> None:
    path, answer = saved
    essen = next(f for f in answer["figures"] if f["municipality"] == "Essen")
    honest = f"Essen leads on AI job ads with {essen['value']:.1f}% (rank {essen['rank']} of {essen['of']})."
    done = run("verify", "--answer", str(path), "--text", "-", stdin=honest)
    assert done.returncode == 0, done.stdout + done.stderr
    tampered = honest.replace(f"{essen['value']:.1f}%", f"{essen['value'] + 1:.1f}%")
    done = run("verify", "--answer", str(path), "--text", "-", stdin=tampered)
    assert done.returncode == 1
    assert f"{essen['value'] + 1:.1f}" in done.stdout
    assert "OHNE BELEG" in done.stdout  # the answer was German, so is the report


def test_a_forged_figure_fails_even_when_the_text_matches_it(saved: tuple[Path, dict[str, Any]], tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    _, answer = saved
    forged = json.loads(json.dumps(answer))
    forged["figures"][0]["value"] += 1.0
    shown = f"{answer['figures'][0]['value'] + 1.0:.2f}".replace(".", ",")
    (tmp_path / "forged.json").write_text(json.dumps(forged), encoding="utf-8")
    (tmp_path / "text.md").write_text(f"{forged['figures'][0]['municipality']}: {shown} %", encoding="utf-8")
    assert main(["verify", "--answer", str(tmp_path / "forged.json"), "--text", str(tmp_path / "text.md"),
                 "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["unverified"] == 0
    assert report["forged_claims"] == [answer["figures"][0]["claim_id"]]


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read the answer file"), ("{not json", "is not JSON"), ("[1, 2]", "one JSON object"),
     ('{"answer": "x", "figures": {}}', "'figures' must be a list"), ('{"figures": []}', "no text")],
)
def test_bad_input_exits_with_2_and_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             content: str | None, message: str) -> None:
    path = tmp_path / "answer.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["verify", "--answer", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_a_missing_text_file_exits_with_2(saved: tuple[Path, dict[str, Any]], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--answer", str(saved[0]), "--text", str(tmp_path / "missing.md")]) == 2
    assert "cannot read the text file" in capsys.readouterr().err
