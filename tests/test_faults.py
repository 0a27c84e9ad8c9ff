"""Broken parts, for real: a missing, empty, locked or damaged project index, an unreachable or
silent LLM backend, corpus files deleted during a build, builds and imports killed with SIGKILL.

In every case: numeric answers equal a fresh DigitalIndex, project search says it is unavailable
with the command that repairs it (no traceback, no file system path), the repair works, and no
file is left half written. Fault injection lives in tests/fault_support.py (shared with
test_doctor.py, which checks that `assistant doctor` finds each of these faults).
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assistant.answers.chat import Assistant, Engine, Reply
from assistant.index.digital_index import DigitalIndex
from assistant.projects.retrieval import ProjectSearch
from assistant.projects.vector_store import DOCTOR_COMMAND, LOCK_WAIT, REPAIR_COMMAND, SERVER_COMMAND, SERVER_TIMEOUT
from tests.conftest import PROJECT_ROOT, SHIPPED_DATA, run_cli, stop_process
from tests.fault_support import (
    CORPUS,
    NUMERIC_QUESTIONS,
    PROJECT_QUESTION,
    assert_no_path,
    assert_numbers_correct,
    assert_reports_unavailable,
    build,
    close_engine,
    closed_port,
    copy_corpus,
    copy_home,
    damage,
    environment,
    kill_build_at,
    locked_store,
    release,
    search_ids,
    settings_for,
    silent_server,
    start_build,
    wait_for,
    write_generated_corpus,
)
from tests.test_import import kill_import_at

pytestmark = pytest.mark.slow  # child processes and real Chroma stores; still part of every CI run


@pytest.fixture(scope="module")
def reference() -> DigitalIndex:
    return DigitalIndex.load(SHIPPED_DATA)


@pytest.fixture(scope="module")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ASSISTANT_HOME with the real corpus indexed by the real `assistant index build` command."""
    home = tmp_path_factory.mktemp("built") / "home"
    summary = build(home)
    assert summary["files"] == len(list(CORPUS.glob("*.md"))) - 1
    return home


@pytest.fixture(scope="module")
def big_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A store above Chroma's sync threshold, so its HNSW files on disk are really read."""
    root = tmp_path_factory.mktemp("big")
    corpus = write_generated_corpus(root / "corpus")
    home = root / "home"
    assert build(home, corpus)["chunks"] > 1000
    return home, corpus


@pytest.fixture
def home(built_home: Path, tmp_path: Path) -> Path:
    return copy_home(built_home, tmp_path / "home")


@pytest.fixture
def engines() -> Iterator[list[Engine]]:
    made: list[Engine] = []
    yield made
    for engine in made:
        close_engine(engine)


def engine_for(engines: list[Engine], home: Path, corpus: Path = CORPUS, **extra: str) -> Engine:
    engine = Engine(settings_for(home, corpus, **extra), llm_timeout=2.0)
    engines.append(engine)
    return engine


def project_reply(engine: Engine) -> tuple[Reply, float]:
    started = time.monotonic()
    reply = Assistant(engine).ask(PROJECT_QUESTION)
    return reply, time.monotonic() - started


# --- the project index missing, empty, damaged --------------------------------------------------

@pytest.mark.parametrize("how", ["missing", "sqlite-empty-file", "sqlite-garbage", "sqlite-middle"])
def test_broken_store_costs_only_the_project_answer(
    how: str, home: Path, reference: DigitalIndex, engines: list[Engine]
) -> None:
    damage(home, how)
    engine = engine_for(engines, home)
    assert_numbers_correct(engine, reference)
    reply = Assistant(engine).ask(PROJECT_QUESTION)
    assert_reports_unavailable(reply, REPAIR_COMMAND, home)
    status = engine.toolbox.project_source().status()  # type: ignore[union-attr]
    assert not status.available
    assert status.problem
    assert_no_path(status.problem, home)
    assert str(home) in (status.detail or "") + status.location  # operators (doctor, logs) see where

    done = run_cli(["index", "build", "--rebuild", "--json"], environment(home))  # the repair command
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["embedded"] > 100
    quarantined = list(home.glob("chroma.damaged-*"))
    assert len(quarantined) == (1 if how in ("sqlite-garbage", "sqlite-middle") else 0)
    assert Assistant(engine).ask(PROJECT_QUESTION).projects  # the running engine recovers without restart
    close_engine(engine)
    assert Assistant(engine_for(engines, home)).ask(PROJECT_QUESTION).projects  # and a new process works


def test_empty_index_is_reported_and_rebuilt(tmp_path: Path, reference: DigitalIndex, engines: list[Engine]) -> None:
    empty = tmp_path / "empty-corpus"
    empty.mkdir()
    shutil.copy(CORPUS / "README.md", empty / "README.md")
    home = tmp_path / "home"
    assert build(home, empty)["chunks"] == 0
    engine = engine_for(engines, home, empty)
    assert_numbers_correct(engine, reference)
    reply = Assistant(engine).ask(PROJECT_QUESTION)
    assert_reports_unavailable(reply, REPAIR_COMMAND, home)
    assert "Projektindex ist leer" in reply.answer  # the German question gets the German reason
    assert build(home)["chunks"] > 100
    assert Assistant(engine_for(engines, home)).ask(PROJECT_QUESTION).projects


def test_damaged_hnsw_files_are_reported_and_rebuilt(
    big_home: tuple[Path, Path], tmp_path: Path, reference: DigitalIndex, engines: list[Engine]
) -> None:
    source, corpus = big_home
    home = copy_home(source, tmp_path / "home")
    damage(home, "hnsw-garbage")
    engine = engine_for(engines, home, corpus)
    assert_numbers_correct(engine, reference)
    assert_reports_unavailable(Assistant(engine).ask(PROJECT_QUESTION), REPAIR_COMMAND, home)
    assert build(home, corpus, "--rebuild")["embedded"] > 1000
    assert Assistant(engine_for(engines, home, corpus)).ask(PROJECT_QUESTION).projects


@pytest.mark.parametrize("opened_before", [True, False])
def test_store_locked_by_another_process(
    opened_before: bool, home: Path, reference: DigitalIndex, engines: list[Engine]
) -> None:
    engine = engine_for(engines, home)
    engine.warm()
    if opened_before:
        assert Assistant(engine).ask(PROJECT_QUESTION).projects
    with locked_store(home):
        waiting: list[tuple[Reply, float]] = []
        asker = threading.Thread(target=lambda: waiting.append(project_reply(engine)))
        asker.start()
        started = time.monotonic()
        assert_numbers_correct(engine, reference)  # other sessions go on while the project question waits
        numbers_took = time.monotonic() - started
        assert asker.is_alive() or numbers_took < LOCK_WAIT
        asker.join(timeout=LOCK_WAIT + 30)
        reply, took = waiting[0]
        assert took < LOCK_WAIT + 5
        assert_reports_unavailable(reply, DOCTOR_COMMAND, home)
        assert "von einem anderen Prozess gesperrt" in reply.answer
    assert numbers_took < LOCK_WAIT  # numeric answers never waited for the lock
    assert Assistant(engine).ask(PROJECT_QUESTION).projects  # free again: no restart needed


def test_the_web_page_shows_the_repair_but_no_path(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    damage(home, "sqlite-garbage")
    for key, value in environment(home).items():
        if key.startswith(("ASSISTANT_", "ANONYMIZED")):
            monkeypatch.setenv(key, value)
    for key in ("ASSISTANT_LLM", "CHROMA_HOST"):
        monkeypatch.delenv(key, raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        page = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
        assert not page.exception
        sidebar = " ".join(w.value for w in page.sidebar.warning)
        assert REPAIR_COMMAND in sidebar
        assert_no_path(sidebar, home)
        page.chat_input[0].set_value(PROJECT_QUESTION).run()
        assert not page.exception
        answer = re.sub(r"\\(.)", r"\1", " ".join(m.value for m in page.chat_message[-1].markdown))
        assert "assistant index build" in answer
        assert_no_path(answer, home)
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def test_cli_ask_with_a_damaged_store_answers_without_traceback(home: Path) -> None:
    damage(home, "sqlite-middle")
    done = run_cli(["ask", "--json", PROJECT_QUESTION], environment(home))
    assert done.returncode == 0
    assert "Traceback" not in done.stderr
    reply = json.loads(done.stdout)
    assert REPAIR_COMMAND in reply["answer"]
    assert_no_path(done.stdout, home)
    numeric = run_cli(["ask", "--json", NUMERIC_QUESTIONS[0]], environment(home))
    assert json.loads(numeric.stdout)["figures"]


# --- the LLM backend unreachable or silent --------------------------------------------------------

@pytest.mark.parametrize("provider", ["openai", "ollama"])
@pytest.mark.parametrize("backend", ["unreachable", "silent"])
def test_llm_backend_failure_falls_back_to_correct_numbers(
    provider: str, backend: str, home: Path, reference: DigitalIndex, engines: list[Engine],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with silent_server() as silent_port:
        port = closed_port() if backend == "unreachable" else silent_port
        suffix = "/v1" if provider == "openai" else ""
        engine = engine_for(engines, home, ASSISTANT_LLM=f"{provider}:test-model",
                            ASSISTANT_LLM_BASE_URL=f"http://127.0.0.1:{port}{suffix}")
        started = time.monotonic()
        assert_numbers_correct(engine, reference)
        took = time.monotonic() - started
        reply = Assistant(engine).ask(NUMERIC_QUESTIONS[0])
    assert took < len(NUMERIC_QUESTIONS) * (engine.llm_timeout + 3)  # bounded by the timeout, never hung
    assert any("Offline-Planer" in n and f"{provider}:test-model" in n for n in reply.notices)
    assert reply.backend == "offline"
    assert_no_path(reply.answer)


# --- corpus files deleted during a build ----------------------------------------------------------

def test_corpus_file_deleted_while_the_build_embeds(home: Path, tmp_path: Path, engines: list[Engine]) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    marker = tmp_path / "embedding.ready"
    victim = corpus / "luft-hub.md"
    child = start_build(home, corpus, "embedding", rebuild=True, marker=marker)
    try:
        wait_for(marker, child)
        victim.unlink()  # deleted after the build read the corpus, while it embeds
        release(marker)
        assert child.wait(timeout=60) == 0, child.stderr.read() if child.stderr else ""
    finally:
        stop_process(child)
    # the build indexed the corpus as it read it; the next build removes the deleted file
    assert "luft-hub" in search_ids(home, corpus)["Luftqualität Sensoren"]
    summary = build(home, corpus)
    assert summary["removed"] > 0
    assert summary["embedded"] == 0
    assert "luft-hub" not in search_ids(home, corpus)["Luftqualität Sensoren"]


def test_corpus_file_deleted_between_listing_and_reading(home: Path, tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    marker = tmp_path / "listed.ready"
    child = start_build(home, corpus, "listed", rebuild=False, marker=marker)
    try:
        assert child.wait(timeout=60) == 0, child.stderr.read() if child.stderr else ""
        assert "Traceback" not in (child.stderr.read() if child.stderr else "")
    finally:
        stop_process(child)
    deleted = marker.read_text()
    assert not (corpus / deleted).exists()
    assert build(home, corpus)["removed"] == 0  # the interrupted build already removed it
    assert build(home, corpus)["embedded"] == 0


# --- builds and imports killed midway -------------------------------------------------------------

@pytest.mark.parametrize(("stage", "rebuild"), [("embedding", True), ("writing", True), ("state", True),
                                                ("embedding", False), ("writing", False)])
def test_killed_build_leaves_a_working_index(
    stage: str, rebuild: bool, home: Path, tmp_path: Path, reference: DigitalIndex, engines: list[Engine]
) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    before = search_ids(home, corpus)
    if not rebuild:  # something to write: two edited files
        for name in ("luft-hub.md", "ruhr-on.md"):
            path = corpus / name
            path.write_text(path.read_text(encoding="utf-8") + "\nErgänzung: Quantensensorik.\n", encoding="utf-8")
    kill_build_at(home, corpus, stage, rebuild=rebuild, tmp_path=tmp_path)

    state = json.loads((home / "index-state.json").read_text(encoding="utf-8"))  # old or new, never torn
    assert state["state"] == "complete"
    engine = engine_for(engines, home, corpus)
    assert_numbers_correct(engine, reference)
    assert Assistant(engine).ask(PROJECT_QUESTION).projects  # an index answers right after the kill
    if rebuild:
        assert search_ids(home, corpus) == before  # the old index (or an identical new one) answers

    summary = build(home, corpus)  # the lock was released by the kill; the next build repairs everything
    assert summary["chunks"] == summary["embedded"] + summary["skipped"]
    assert list(home.glob(".index-state.json.*.tmp")) == []
    with ProjectSearch(settings_for(home, corpus)) as search:
        assert len(search.store.collections()) == 1  # abandoned "building" collections are gone
    if not rebuild:  # the edits are in the index now, exactly once
        with ProjectSearch(settings_for(home, corpus)) as search:
            assert {h.id for h in search.search("Quantensensorik", k=2)} == {"luft-hub", "ruhr-on"}
        assert build(home, corpus)["embedded"] == 0


@pytest.mark.parametrize("mode", ["during-write", "before-replace", "after-replace"])
def test_killed_import_keeps_every_answer_consistent(
    mode: str, tmp_path: Path, home: Path, engines: list[Engine]
) -> None:
    """tests/test_import.py kills the importer itself; here the assistant runs on what it left."""
    data_dir = tmp_path / "data"
    shutil.copytree(SHIPPED_DATA, data_dir)
    source = tmp_path / "kill.csv"
    source.write_text("AGS,fibre_households,mobile_5g\n05913000,34.4,99.1\n", encoding="utf-8")
    kill_import_at(mode, source, data_dir, tmp_path)
    engine = Engine(settings_for(home, data_dir=data_dir))
    engines.append(engine)
    assert_numbers_correct(engine, DigitalIndex.load(data_dir))
    figures = Assistant(engine).ask("Wie hoch ist der Glasfaser-Anteil in Dortmund?").figures
    dortmund = [f["value"] for f in figures if (f["municipality"], f["metric"]) == ("Dortmund", "fibre_households")]
    shipped = DigitalIndex.load(SHIPPED_DATA).compare(["Dortmund"], ["fibre_households"])[0]["value"]
    assert dortmund == [34.4 if mode == "after-replace" else shipped]


@pytest.mark.parametrize("server", ["down", "silent"])
def test_chroma_server_down_or_hung_is_reported_with_its_start_command(
    server: str, home: Path, reference: DigitalIndex, engines: list[Engine]
) -> None:
    with silent_server() as silent_port:
        port = closed_port() if server == "down" else silent_port
        engine = engine_for(engines, home, CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(port))
        assert_numbers_correct(engine, reference)
        reply, took = project_reply(engine)
    assert took < SERVER_TIMEOUT + 5  # Chroma's own HTTP client would wait forever on a hung server
    assert_reports_unavailable(reply, SERVER_COMMAND, home)
    assert "127.0.0.1:" not in reply.answer
