"""`assistant doctor` finds every fault that tests/test_faults.py injects, and names the fix.

Same fault injection (tests/fault_support.py): real stores built by `assistant index build`,
bytes overwritten, a SQLite lock held by another process, builds and imports SIGKILLed, an HTTP
server on 127.0.0.1 that never answers. Each test asserts the status of the check that must see
the fault and the command it prints; a healthy installation must come out all OK with exit 0.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from assistant.cli.doctor import FAIL, LLM_TIMEOUT, OK, WARN, Check, Report, run_checks
from assistant.projects.vector_store import REPAIR_COMMAND
from tests.conftest import SHIPPED_DATA, run_cli
from tests.fault_support import (
    CORPUS,
    build,
    closed_port,
    copy_corpus,
    copy_home,
    damage,
    environment,
    kill_build_at,
    locked_store,
    settings_for,
    silent_server,
    write_generated_corpus,
)
from tests.test_import import kill_import_at

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("doctor") / "home"
    build(home)
    return home


@pytest.fixture
def home(built_home: Path, tmp_path: Path) -> Path:
    return copy_home(built_home, tmp_path / "home")


def checks(home: Path, corpus: Path = CORPUS, data_dir: Path = SHIPPED_DATA, **extra: str) -> dict[str, Check]:
    report = run_checks(settings_for(home, corpus, data_dir, **extra))
    return {c.name: c for c in report.checks}


def assert_only(found: dict[str, Check], name: str, status: str, fix: str | None = None) -> Check:
    """`name` has `status` (and `fix` in its fix text); every other check is OK."""
    check = found[name]
    assert check.status == status, check
    if fix is not None:
        assert check.fix is not None
        assert fix in check.fix, check
    others = {n: c.status for n, c in found.items() if n not in (name, "chroma", "index")}
    assert set(others.values()) == {OK}, others
    return check


def test_a_healthy_installation_is_all_ok(home: Path) -> None:
    done = run_cli(["doctor", "--json"], environment(home))
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True
    assert {c["name"]: c["status"] for c in report["checks"]} == {
        "data": OK, "home": OK, "embedder": OK, "chroma": OK, "index": OK, "llm": OK, "feedback": OK,
    }
    text = run_cli(["doctor"], environment(home))
    assert "0 failed, 0 warning(s), 7 OK" in text.stdout


@pytest.mark.parametrize("how", ["sqlite-garbage", "sqlite-middle"])
def test_damaged_database_is_a_failure_with_the_rebuild_command(how: str, home: Path) -> None:
    damage(home, how)
    found = checks(home)
    assert found["chroma"].status == FAIL
    assert found["chroma"].fix == REPAIR_COMMAND
    assert "damaged" in found["chroma"].message
    assert found["index"].status == FAIL
    done = run_cli(["doctor"], environment(home))
    assert done.returncode == 1
    assert f"fix: {REPAIR_COMMAND}" in done.stdout
    assert build(home, CORPUS, "--rebuild")["embedded"] > 100  # the printed command really repairs it
    assert {c.status for c in checks(home).values()} == {OK}


def test_damaged_hnsw_files_fail_the_index_check(tmp_path: Path) -> None:
    corpus = write_generated_corpus(tmp_path / "corpus", files=110)
    home = tmp_path / "home"
    build(home, corpus)
    damage(home, "hnsw-garbage")
    found = checks(home, corpus)
    assert found["chroma"].status == OK  # SQLite itself is sound
    assert found["index"].status == FAIL
    assert found["index"].fix == REPAIR_COMMAND


def test_missing_and_empty_index(home: Path, tmp_path: Path) -> None:
    damage(home, "missing")
    found = checks(home)
    assert found["chroma"].status == WARN
    assert (found["index"].status, found["index"].fix) == (FAIL, REPAIR_COMMAND)
    assert "no" in found["index"].message

    empty = tmp_path / "empty"
    empty.mkdir()
    shutil.copy(CORPUS / "README.md", empty / "README.md")
    build(home, empty)
    found = checks(home, empty)
    assert found["index"].status == FAIL
    assert "empty" in found["index"].message


def test_store_locked_by_another_process(home: Path) -> None:
    with locked_store(home):
        started = time.monotonic()
        found = checks(home)
        took = time.monotonic() - started
    assert found["chroma"].status == FAIL
    assert "lock" in found["chroma"].message
    assert found["chroma"].fix is not None
    assert "fuser -v" in found["chroma"].fix
    assert found["index"].status == FAIL
    assert took < 30  # bounded waits, never hung on the lock


def test_corpus_file_deleted_after_the_build(home: Path, tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    (corpus / "luft-hub.md").unlink()
    check = assert_only(checks(home, corpus), "index", WARN, "assistant index build")
    assert "no longer in the corpus" in check.message
    assert "luft-hub.md" in check.message
    build(home, corpus)
    assert checks(home, corpus)["index"].status == OK


def test_changed_and_invalid_corpus_files(home: Path, tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    path = corpus / "ruhr-on.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nNeu.\n", encoding="utf-8")
    assert "new or changed" in assert_only(checks(home, corpus), "index", WARN).message
    path.write_text("kein front matter", encoding="utf-8")
    assert_only(checks(home, corpus), "index", FAIL, "assistant corpus validate")


@pytest.mark.parametrize(("stage", "left"), [("embedding", "collection dir-projects-"),
                                              ("state", ".index-state.json.")])
def test_killed_build_leftovers_are_reported(stage: str, left: str, home: Path, tmp_path: Path) -> None:
    kill_build_at(home, CORPUS, stage, rebuild=True, tmp_path=tmp_path)
    check = assert_only(checks(home), "index", WARN, "assistant index build")
    assert left in check.message
    build(home)
    assert checks(home)["index"].status == OK


def test_killed_incremental_build_is_an_out_of_date_index(home: Path, tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    for name in ("luft-hub.md", "ruhr-on.md"):
        (corpus / name).write_text((corpus / name).read_text(encoding="utf-8") + "\nMehr.\n", encoding="utf-8")
    kill_build_at(home, corpus, "writing", rebuild=False, tmp_path=tmp_path)
    assert "luft-hub.md" in assert_only(checks(home, corpus), "index", WARN).message
    build(home, corpus)
    assert checks(home, corpus)["index"].status == OK


def test_killed_import_leaves_valid_data_and_a_reported_temp_file(home: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(SHIPPED_DATA, data_dir)
    source = tmp_path / "kill.csv"
    source.write_text("AGS,fibre_households\n05913000,34.4\n", encoding="utf-8")
    kill_import_at("during-write", source, data_dir, tmp_path)
    check = assert_only(checks(home, data_dir=data_dir), "data", WARN, "rm ")
    assert "intact" in check.message


def test_invalid_data_is_a_failure(home: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(SHIPPED_DATA, data_dir)
    (data_dir / "values.csv").write_text("ags,indicator\nkaputt\n", encoding="utf-8")
    found = checks(home, data_dir=data_dir)
    assert found["data"].status == FAIL
    assert "values.csv" in found["data"].message
    assert found["data"].fix is not None
    assert "assistant data validate" in found["data"].fix


@pytest.mark.parametrize("provider", ["openai", "ollama"])
def test_llm_unreachable_or_silent_is_a_warning(provider: str, home: Path) -> None:
    suffix = "/v1" if provider == "openai" else ""
    found = checks(home, ASSISTANT_LLM=f"{provider}:m", ASSISTANT_LLM_BASE_URL=f"http://127.0.0.1:{closed_port()}{suffix}")
    assert_only(found, "llm", WARN, "ASSISTANT_LLM_BASE_URL")
    with silent_server() as port:
        started = time.monotonic()
        found = checks(home, ASSISTANT_LLM=f"{provider}:m", ASSISTANT_LLM_BASE_URL=f"http://127.0.0.1:{port}{suffix}")
        assert time.monotonic() - started < LLM_TIMEOUT + 20
    assert "not reachable" in assert_only(found, "llm", WARN).message


def test_invalid_llm_spec_and_unloadable_embedder_fail(home: Path) -> None:
    assert_only(checks(home, ASSISTANT_LLM="gpt4"), "llm", FAIL, "ASSISTANT_LLM")
    found = checks(home, ASSISTANT_EMBEDDER="bogus:1")
    assert found["embedder"].status == FAIL
    assert "does not load offline" in found["embedder"].message


def test_chroma_server_down(home: Path) -> None:
    port = closed_port()
    found = checks(home, CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(port))
    assert found["chroma"].status == FAIL
    assert found["chroma"].fix is not None
    assert f"chroma run --path DIR --host 127.0.0.1 --port {port}" in found["chroma"].fix
    assert found["index"].status == FAIL


def test_unwritable_home_and_broken_feedback_log(home: Path, tmp_path: Path) -> None:
    (home / "feedback.jsonl").write_text('{"rating": "up"}\n{"rating": "do', encoding="utf-8")
    assert "line(s) [2]" in assert_only(checks(home), "feedback", WARN).message
    not_a_dir = tmp_path / "file-home"
    not_a_dir.write_text("x")
    found = checks(not_a_dir)
    assert found["home"].status == FAIL
    assert not Report(tuple(found.values())).ok
