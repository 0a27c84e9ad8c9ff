"""Fault injection shared by tests/test_faults.py, tests/test_doctor.py and tests/test_concurrency.py.

Everything here does the real thing to real files and processes: an index built by the real
`assistant index build` command, SQLite locks held by another process, bytes overwritten on disk,
builds killed with SIGKILL, an HTTP server on 127.0.0.1 that accepts and never answers. Every
process started here is stopped by its PID (`stop`), also when a test fails.

The index uses the `hash:64` embedder (no model load, builds in well under a second); the faults
are in Chroma, the files and the processes, which do not depend on the embedder.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.answers.chat import Assistant, Engine, Reply
from assistant.core.settings import Settings
from assistant.index.digital_index import DigitalIndex
from assistant.index.scoring import figure
from assistant.projects.embeddings import HashingEmbedder, Vectors
from tests.conftest import PROJECT_ROOT, SHIPPED_DATA, run_cli, stop_process

CORPUS = PROJECT_ROOT / "corpus"
ASSISTANT = str(Path(sys.executable).with_name("assistant"))
EMBEDDER = "hash:64"
NUMERIC_QUESTIONS = (
    "Wie schneidet Hagen bei Glasfaser ab?",
    "Welche fünf Kommunen haben den höchsten Digital-Index?",
    "Vergleiche Bochum und Herne bei der 5G-Abdeckung",
    "What is Dortmund's overall score?",
)
PROJECT_QUESTION = "Welche Projekte zur Luftqualität gibt es in Lünen?"
PROJECT_QUERIES = ("Luftqualität Sensoren", "Glasfaserausbau", "Smart City Dashboard", "Gründerzentrum Startups")
#: An absolute path with two or more parts that is not part of a URL ("https://a/b" is fine).
_PATH = re.compile(r"(?<![\w.:/])(?:/[\w.+@-]+){2,}")


def environment(home: Path, corpus: Path = CORPUS, data_dir: Path = SHIPPED_DATA, **extra: str) -> dict[str, str]:
    """The process environment for one installation (CHROMA_HOST and ASSISTANT_LLM unset unless given)."""
    env = {k: v for k, v in os.environ.items() if k not in ("CHROMA_HOST", "CHROMA_PORT", "ASSISTANT_LLM",
                                                             "ASSISTANT_LLM_BASE_URL")}
    env.update(ASSISTANT_HOME=str(home), ASSISTANT_CORPUS_DIR=str(corpus), ASSISTANT_DATA_DIR=str(data_dir),
               ASSISTANT_EMBEDDER=EMBEDDER, ANONYMIZED_TELEMETRY="False", PYTHONPATH=str(PROJECT_ROOT))
    env.update(extra)
    return env


def settings_for(home: Path, corpus: Path = CORPUS, data_dir: Path = SHIPPED_DATA, **extra: str) -> Settings:
    keys = ("ASSISTANT_HOME", "ASSISTANT_CORPUS_DIR", "ASSISTANT_DATA_DIR", "ASSISTANT_EMBEDDER", "CHROMA_HOST",
            "CHROMA_PORT", "ASSISTANT_LLM", "ASSISTANT_LLM_BASE_URL")
    env = environment(home, corpus, data_dir, **extra)
    return Settings.from_env({k: env[k] for k in keys if k in env})


def build(home: Path, corpus: Path = CORPUS, *args: str) -> dict[str, Any]:
    """Run `assistant index build --json [ARGS]`; its summary (fails the test on a non-zero exit)."""
    done = run_cli(["index", "build", "--json", *args], environment(home, corpus))
    assert done.returncode == 0, done.stderr
    summary: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return summary


def copy_home(source: Path, target: Path) -> Path:
    """A private copy of a built ASSISTANT_HOME (Chroma directory, state file) for one test."""
    shutil.copytree(source, target)
    return target


def copy_corpus(target: Path) -> Path:
    shutil.copytree(CORPUS, target)
    return target


def wait_for(path: Path, process: subprocess.Popen[Any], timeout: float = 60) -> None:
    """Wait until a child wrote its marker file; fail with its stderr if it died first."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
            _, err = process.communicate(timeout=30)
            stop_process(process)
            raise AssertionError(f"child did not reach its marker {path.name}: {err}")
        time.sleep(0.02)


# --- faults on files ------------------------------------------------------------------------------

def sqlite_file(home: Path) -> Path:
    return home / "chroma" / "chroma.sqlite3"


def overwrite_random(path: Path, start_fraction: float = 0.0, length_fraction: float = 1.0) -> None:
    """Overwrite part of a file with random bytes in place (size unchanged), like a bad disk block."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(int(size * start_fraction))
        handle.write(os.urandom(max(1, int(size * length_fraction))))


def damage(home: Path, how: str) -> None:
    """Inject one kind of damage into a built store (see test_faults for what each must cause)."""
    database = sqlite_file(home)
    if how == "sqlite-garbage":
        overwrite_random(database)
    elif how == "sqlite-middle":
        overwrite_random(database, 0.5, 0.25)
    elif how == "sqlite-empty-file":
        database.write_bytes(b"")
    elif how == "hnsw-garbage":
        segments = [p for p in (home / "chroma").glob("*/*") if p.is_file()]
        assert segments, "no HNSW segment files: the store is below Chroma's sync threshold"
        for path in segments:
            overwrite_random(path)
    elif how == "missing":
        shutil.rmtree(home / "chroma")
    else:
        raise ValueError(how)


HOLD_LOCK = r"""
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


@contextlib.contextmanager
def locked_store(home: Path, seconds: float = 120) -> Iterator[subprocess.Popen[str]]:
    """Another process holds an exclusive SQLite lock on the store until the block ends."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(sqlite_file(home)), str(seconds)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked", holder.stderr.read() if holder.stderr else ""
        yield holder
    finally:
        stop_process(holder)


SILENT_SERVER = r"""
import socket, sys, threading, time
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(64)
print(server.getsockname()[1], flush=True)
held = []
def drain(conn):
    while conn.recv(65536):
        pass
while True:
    conn, _ = server.accept()
    held.append(conn)  # accepted, read, never answered
    threading.Thread(target=drain, args=(conn,), daemon=True).start()
"""


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """An HTTP 'server' on 127.0.0.1 that accepts connections and never answers; yields its port."""
    server = subprocess.Popen([sys.executable, "-c", SILENT_SERVER], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        yield int(server.stdout.readline())
    finally:
        stop_process(server)


def closed_port() -> int:
    """A loopback port nothing listens on (bound and released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# --- a build that can be killed at a chosen point -------------------------------------------------

class MarkerEmbedder(HashingEmbedder):
    """hash:64 (same name, so it fits the CLI-built index) that stops after its first batch when asked."""

    def __init__(self, marker: Path | None = None) -> None:
        super().__init__(64)
        self.marker = marker

    def embed_documents(self, texts: list[str]) -> Vectors:
        vectors = super().embed_documents(texts)
        if self.marker is not None:
            marker, self.marker = self.marker, None
            hold(marker)
        return vectors


def hold(marker: Path) -> None:
    """Tell the test we reached the chosen point, then wait to be killed or told to go on (`release`)."""
    marker.write_text("ready")
    go = marker.with_name(marker.name + ".go")
    deadline = time.monotonic() + 120
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def release(marker: Path) -> None:
    marker.with_name(marker.name + ".go").write_text("go")


def child_build(home: str, corpus: str, marker: str, stage: str, rebuild: str) -> None:
    """Entry point of KILLED_BUILD: an `index build` that reaches `stage` and waits to be SIGKILLed.

    stage: "embedding" (first embedder batch done, nothing written), "writing" (half the chunks of
    the first file written), "state" (everything written, index-state.json about to be replaced),
    "listed" (the corpus directory has been listed; the file in the middle is deleted before it
    is read, then the build goes on by itself).
    """
    from assistant.core import atomic_files
    from assistant.projects import corpus as corpus_module
    from assistant.projects.indexing import IndexWriter
    from assistant.projects.retrieval import ProjectSearch

    point = Path(marker)
    if stage == "writing":
        original = IndexWriter._add

        def add_then_hold(self: IndexWriter, collection: Any, chunks: Any, vectors: Any) -> None:
            half = max(1, len(chunks) // 2)
            original(self, collection, chunks[:half], vectors[:half])
            hold(point)

        IndexWriter._add = add_then_hold  # type: ignore[method-assign]
    if stage == "state":
        real_replace = os.replace

        def replace_then_hold(src: Any, dst: Any) -> None:
            if Path(dst).name == "index-state.json":
                hold(point)
            real_replace(src, dst)

        atomic_files.os.replace = replace_then_hold  # type: ignore[assignment]
    if stage == "listed":
        real_files = corpus_module.corpus_files

        def list_then_delete(directory: Path) -> list[Path]:
            files = real_files(directory)
            if not point.exists():  # once: the corpus is listed again for the duplicate-id check
                victim = files[len(files) // 2]
                victim.unlink()
                point.write_text(victim.name)
            return files

        corpus_module.corpus_files = list_then_delete  # type: ignore[assignment]
    embedder = MarkerEmbedder(point if stage == "embedding" else None)
    with ProjectSearch(settings_for(Path(home), Path(corpus)), embedder=embedder) as search:
        search.build(rebuild=rebuild == "rebuild")


KILLED_BUILD = "import sys\nfrom tests.fault_support import child_build\nchild_build(*sys.argv[1:])\n"


def start_build(home: Path, corpus: Path, stage: str, *, rebuild: bool, marker: Path) -> subprocess.Popen[str]:
    """A build in a child process that stops at `stage` (see child_build)."""
    marker.unlink(missing_ok=True)
    return subprocess.Popen(
        [sys.executable, "-c", KILLED_BUILD, str(home), str(corpus), str(marker), stage,
         "rebuild" if rebuild else "incremental"],
        env=environment(home, corpus), cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True,
    )


def kill_build_at(home: Path, corpus: Path, stage: str, *, rebuild: bool, tmp_path: Path) -> None:
    """Start a build in a child process, SIGKILL it at `stage`, and reap it."""
    marker = tmp_path / f"build-{stage}.ready"
    child = start_build(home, corpus, stage, rebuild=rebuild, marker=marker)
    try:
        wait_for(marker, child)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
    finally:
        stop_process(child)


def close_engine(engine: Engine) -> None:
    """Release the Chroma client an Engine's project search opened (SQLite handles, shared systems)."""
    source = engine.toolbox.project_source()
    close = getattr(source, "close", None)
    if close is not None:
        close()


def search_ids(home: Path, corpus: Path = CORPUS, k: int = 2) -> dict[str, list[str]]:
    """The top project ids per query of PROJECT_QUERIES, from a fresh reader (closed afterwards).

    Only the top 2: Chroma's HNSW graph is rebuilt on every open, and with the hash embedder's
    near-ties the dense channel's order below that differs between processes on the same index.
    """
    from assistant.projects.retrieval import ProjectSearch

    with ProjectSearch(settings_for(home, corpus)) as search:
        return {q: [h.id for h in search.search(q, k=k)] for q in PROJECT_QUERIES}


def write_generated_corpus(directory: Path, files: int = 110, paragraphs: int = 10) -> Path:
    """The real corpus plus generated project files: enough passages (> 1,000) that Chroma writes its
    HNSW segment files to disk (below its sync threshold it keeps vectors in SQLite only)."""
    from tests.retrieval_fixtures import write_project

    copy_corpus(directory)
    for n in range(files):
        body = "\n\n".join(
            f"Absatz {p} des Testprojekts {n}: " + " ".join(f"Wort{n}x{p}x{w}" for w in range(70))
            for p in range(paragraphs)
        )
        write_project(directory, f"generiert-{n:03d}", body)
    return directory


# --- what every fault must leave intact -----------------------------------------------------------

def ask_all(engine: Engine, questions: Sequence[str]) -> list[Reply]:
    return [Assistant(engine).ask(q) for q in questions]


def assert_numbers_correct(engine: Engine, reference: DigitalIndex) -> None:
    """Every figure of every numeric answer equals a fresh DigitalIndex's figure, field by field."""
    for reply in ask_all(engine, NUMERIC_QUESTIONS):
        assert reply.figures, reply.answer
        for shown in reply.figures:
            assert shown == figure(reference.table, reference.registry, str(shown["ags"]), str(shown["metric"]))
        assert reply.guard is not None
        assert reply.guard.ok


def assert_no_path(text: str, *roots: Path) -> None:
    """A user-facing text names no file system path (in particular none of `roots`) and no traceback."""
    for root in roots:
        assert str(root) not in text
    assert "Traceback" not in text
    assert _PATH.search(text) is None, _PATH.search(text)


def assert_reports_unavailable(reply: Reply, repair: str, *roots: Path) -> None:
    """A project answer that says the search is unavailable, with the repair command, without paths."""
    shown = "\n".join([reply.answer, *reply.notices])
    assert repair in shown, shown
    assert not reply.projects
    assert_no_path(shown, *roots)
