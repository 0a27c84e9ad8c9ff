"""One writer, many readers, for real: `assistant index build --rebuild` runs again and again while
several `assistant ask --json` processes and a long-running `assistant chat --jsonl` ask numeric
and project questions. Nothing may crash, every number must equal a fresh DigitalIndex, and
project questions must keep finding projects (the old index answers until the new one is live).

Embedded Chroma is not process-safe for *writers*; readers in other processes are fine as long
as they reopen after a build (index-state.json) and never wait on a lock while holding the GIL
(assistant.projects.vector_store.check_sqlite). This test is what shows both hold under load.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.index.digital_index import DigitalIndex
from assistant.index.scoring import figure
from assistant.projects.retrieval import ProjectSearch
from tests.conftest import PROJECT_ROOT, SHIPPED_DATA, stop_process
from tests.fault_support import (
    ASSISTANT,
    NUMERIC_QUESTIONS,
    PROJECT_QUESTION,
    assert_no_path,
    build,
    environment,
    settings_for,
)

pytestmark = pytest.mark.slow

READERS = 5
ROUNDS = 4
MIN_REBUILDS = 3
WRITER = r"""
import subprocess, sys
from pathlib import Path
assistant, stop_file, log = sys.argv[1:4]
codes = []
while not Path(stop_file).exists() or len(codes) < int(sys.argv[4]):
    done = subprocess.run([assistant, "index", "build", "--rebuild", "--json"], capture_output=True, text=True)
    codes.append(done.returncode)
    with open(log, "a", encoding="utf-8") as out:
        out.write(json.dumps({"code": done.returncode, "stderr": done.stderr[-2000:]}) + "\n")
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    build(home)
    return home


@pytest.fixture
def reference() -> DigitalIndex:
    return DigitalIndex.load(SHIPPED_DATA)


@pytest.fixture
def writer(home: Path, tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """The single writer: rebuilds in a loop until the stop file exists (and at least MIN_REBUILDS)."""
    stop_file, log = tmp_path / "stop", tmp_path / "writer.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-c", "import json\n" + WRITER, ASSISTANT, str(stop_file), str(log), str(MIN_REBUILDS)],
        env=environment(home), cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        yield stop_file, log
        stop_file.write_text("stop")
        assert process.wait(timeout=300) == 0, process.stderr.read() if process.stderr else ""
    finally:
        stop_process(process)


def check_reply(reply: dict[str, Any], reference: DigitalIndex, home: Path) -> str:
    """'numbers' or 'projects' for a good reply; fails the test on a wrong number or a path."""
    assert_no_path(reply["answer"], home)
    if reply["figures"]:
        for shown in reply["figures"]:
            assert shown == figure(reference.table, reference.registry, str(shown["ags"]), str(shown["metric"]))
        return "numbers"
    assert reply["projects"], reply["answer"]  # never "unavailable" while a rebuild runs
    return "projects"


def test_readers_keep_answering_while_the_index_is_rebuilt(
    home: Path, reference: DigitalIndex, writer: tuple[Path, Path]
) -> None:
    env = environment(home)
    questions = [*NUMERIC_QUESTIONS, PROJECT_QUESTION, "Was könnte Herne von anderen übernehmen?"]
    chat = subprocess.Popen([ASSISTANT, "chat", "--jsonl"], env=env, cwd=PROJECT_ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    kinds: dict[str, int] = {"numbers": 0, "projects": 0}
    try:
        assert chat.stdin is not None
        assert chat.stdout is not None
        for round_number in range(ROUNDS):
            askers = [
                subprocess.Popen([ASSISTANT, "ask", "--json", questions[(round_number + n) % len(questions)]],
                                 env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for n in range(READERS)
            ]
            for question in (PROJECT_QUESTION, NUMERIC_QUESTIONS[round_number % len(NUMERIC_QUESTIONS)]):
                chat.stdin.write(question + "\n")  # the long-running reader: one process across rebuilds
                chat.stdin.flush()
                kind = check_reply(json.loads(chat.stdout.readline()), reference, home)
                kinds[kind] += 1
            for asker in askers:
                try:
                    out, err = asker.communicate(timeout=120)
                finally:
                    stop_process(asker)
                assert asker.returncode == 0, err
                assert "Traceback" not in err
                kinds[check_reply(json.loads(out), reference, home)] += 1
            time.sleep(0.3)
    finally:
        if chat.stdin is not None:
            chat.stdin.close()
        stop_process(chat)
    stop_file, log = writer
    stop_file.write_text("stop")
    deadline = time.monotonic() + 300
    while len(log.read_text(encoding="utf-8").splitlines() if log.exists() else []) < MIN_REBUILDS:
        assert time.monotonic() < deadline, "the writer did not finish its rebuilds"
        time.sleep(0.2)
    runs = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert all(run["code"] == 0 for run in runs), runs
    assert kinds["numbers"] >= ROUNDS * 3
    assert kinds["projects"] >= ROUNDS * 2


def test_a_second_writer_is_refused_while_one_builds(home: Path, writer: tuple[Path, Path]) -> None:
    """Only one build per ASSISTANT_HOME: a second one during the loop is refused, never interleaved."""
    env = environment(home)
    outcomes = set()
    for _ in range(12):
        done = subprocess.run([ASSISTANT, "index", "build", "--json"], env=env, cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=120, check=False)
        assert "Traceback" not in done.stderr
        outcomes.add("refused" if "Another index build is running" in done.stderr else str(done.returncode))
        assert done.returncode in (0, 1)
    writer[0].write_text("stop")
    assert outcomes <= {"0", "refused"}
    with ProjectSearch(settings_for(home)) as search:
        assert search.status().available
