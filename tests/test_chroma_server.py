"""Server mode against a real Chroma server: `chroma run` in a subprocess, HttpClient, stop by PID."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.projects.retrieval import IndexUnavailableError, ProjectSearch
from tests.conftest import stop_process
from tests.retrieval_fixtures import (
    CountingEmbedder,
    fixture_registry,
    settings_for,
    write_fixture_corpus,
    write_project,
)

CHROMA = Path(sys.executable).with_name("chroma")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_heartbeat(port: int, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/api/v2/heartbeat"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chroma exited with code {process.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.3)
    raise TimeoutError(f"no heartbeat from {url} within {timeout} s")


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    if not CHROMA.is_file():
        pytest.skip("chroma CLI not installed next to the interpreter")
    port = free_port()
    log = (tmp_path / "chroma.log").open("wb")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    process = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    try:
        wait_for_heartbeat(port, process)
        yield port
    finally:
        stop_process(process, timeout=20)  # stop exactly the server we started
        log.close()


@pytest.mark.slow
def test_build_and_search_through_chroma_server(
    tmp_path: Path, chroma_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    corpus = write_fixture_corpus(tmp_path / "corpus")
    settings = settings_for(tmp_path, corpus, chroma_host="127.0.0.1", chroma_port=chroma_server)
    embedder = CountingEmbedder()
    writer = ProjectSearch(settings, registry=fixture_registry(), embedder=embedder)
    replica = ProjectSearch(settings, registry=fixture_registry(), embedder=CountingEmbedder())
    with writer, replica:
        check_server_mode(tmp_path, chroma_server, corpus, writer, replica)


def check_server_mode(tmp_path: Path, port: int, corpus: Path, writer: ProjectSearch, replica: ProjectSearch) -> None:
    first = writer.build()
    assert first.embedded == first.chunks > 0
    assert not (tmp_path / "home" / "chroma").exists()  # nothing embedded on local disk in server mode

    # the second app replica: its own client, same server
    hits = replica.search("Feinstaub Luftqualität", kreis="Kreis Unna", k=3)
    assert [h.id for h in hits] == ["luftsensoren-luenen"]
    status = replica.status()
    assert (status.available, status.mode, status.location) == (True, "server", f"http://127.0.0.1:{port}")
    assert status.chunks == first.chunks

    assert writer.build().embedded == 0  # incremental state is read back from the server
    write_project(corpus, "neu-server", "Ein Makerspace mit Laserschneider.", municipalities=["Unna"])
    assert writer.build().embedded == 1
    assert replica.search("Laserschneider", k=1)[0].id == "neu-server"  # replica sees the writer's change

    rebuilt = writer.build(rebuild=True)
    assert rebuilt.rebuilt
    assert rebuilt.collection != first.collection
    assert [c.name for c in replica.store.collections()] == [rebuilt.collection]
    assert replica.search("Laserschneider", k=1)[0].id == "neu-server"


def test_unreachable_server_shows_the_repair_and_logs_the_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    corpus = write_fixture_corpus(tmp_path / "corpus")
    port = free_port()  # nothing listens here
    settings = settings_for(tmp_path, corpus, chroma_host="127.0.0.1", chroma_port=port)
    search = ProjectSearch(settings, registry=fixture_registry(), embedder=CountingEmbedder())
    with search, pytest.raises(IndexUnavailableError) as caught:
        search.search("Glasfaser")
    message = str(caught.value)
    assert f"http://127.0.0.1:{port}" not in message  # users see what to do, operators (logs, doctor) where
    assert f"http://127.0.0.1:{port}" in caught.value.detail
    assert "CHROMA_HOST" in message
    assert "chroma run --path DIR --host 127.0.0.1" in message
    assert not search.status().available
    search.close()
