"""The public API of the package: exactly these names, each importable, and `import assistant` cheap."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import assistant

PUBLIC = ["Assistant", "AssistantError", "DigitalIndex", "Engine", "Planner", "Reply", "Settings", "Toolbox",
          "load_registry"]


def test_all_is_exactly_the_public_api() -> None:
    assert assistant.__all__ == PUBLIC
    assert set(PUBLIC) <= set(dir(assistant))


def test_every_public_name_imports_and_is_the_defining_object() -> None:
    for name in PUBLIC:
        value = getattr(importlib.import_module("assistant"), name)
        assert value.__name__ == name
        assert value.__module__.startswith("assistant.")
        assert getattr(importlib.import_module(value.__module__), name) is value
    namespace: dict[str, object] = {}
    exec("from assistant import *", namespace)
    assert set(PUBLIC) <= set(namespace)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="not_a_public_name"):
        assistant.not_a_public_name  # type: ignore[attr-defined]  # noqa: B018


def test_importing_the_package_loads_nothing_heavy() -> None:
    code = "import assistant, sys; print(sorted(m for m in sys.modules if m.startswith(('assistant.', 'pandas'))))"
    shown = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert shown.strip() == "[]"
