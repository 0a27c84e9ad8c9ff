"""Fixtures of the adversarial suite: one installation under attack per session (the shipped index
data, read only; a temporary home with a project index over a poisoned corpus) and the fake
secrets in the environment while a module runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.adversarial.harness import Catalogue, World, build_world, load_catalogue, secrets_in_environment


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue) -> Iterator[World]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ANONYMIZED_TELEMETRY", "False")
        built = build_world(tmp_path_factory.mktemp("adversarial"), catalogue)
    yield built
    built.search.close()


@pytest.fixture(scope="module", autouse=True)
def fake_secrets() -> Iterator[dict[str, str]]:
    """OPENAI_API_KEY and a secret-named marker set while a module runs, restored afterwards."""
    with secrets_in_environment() as secrets:
        yield secrets
