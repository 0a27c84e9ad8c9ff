"""Helpers for the corpus/retrieval tests: a tiny registry with Kreise, corpus writers, fake embedders.

Kept out of conftest.py on purpose (the shared conftest belongs to the lead); test modules import
what they need from here.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from assistant.core.settings import Settings
from assistant.index.registry import INDICATORS_BY_AREA, Indicator, Method, Municipality, Registry, Source
from assistant.projects.embeddings import HashingEmbedder, Vectors

# (name, kreis, kreisfrei, aliases)
TOWNS: tuple[tuple[str, str, bool, tuple[str, ...]], ...] = (
    ("Bochum", "Bochum", True, ()),
    ("Herne", "Herne", True, ()),
    ("Mülheim an der Ruhr", "Mülheim an der Ruhr", True, ("Mülheim", "Muelheim a.d. Ruhr")),
    ("Lünen", "Kreis Unna", False, ()),
    ("Unna", "Kreis Unna", False, ()),
    ("Hattingen", "Ennepe-Ruhr-Kreis", False, ()),
)
INDICATOR_NAMES = {
    "fibre_households": ("Glasfaser-Haushalte", "Fibre households"),
    "mobile_5g": ("5G-Abdeckung", "5G coverage"),
    "digital_startups": ("Digitale Gründungen", "Digital start-ups"),
}


def fixture_registry() -> Registry:
    municipalities = tuple(
        Municipality(
            ags=f"0599{n:04d}", name=name, kreis=kreis, kreisfrei=kreisfrei, population=50_000 + n,
            population_date="2022-05-15", area_km2=50.0, lat=None, lon=None, aliases=aliases,
        )
        for n, (name, kreis, kreisfrei, aliases) in enumerate(TOWNS)
    )
    indicators = tuple(
        Indicator(
            id=indicator_id, area=area, name_de=INDICATOR_NAMES.get(indicator_id, (indicator_id,) * 2)[0],
            name_en=INDICATOR_NAMES.get(indicator_id, (indicator_id,) * 2)[1], unit="%", higher_is_better=True,
            weight=1.0, status="published", description_de="", description_en="",
        )
        for area, ids in INDICATORS_BY_AREA.items()
        for indicator_id in ids
    )
    return Registry(municipalities, indicators, (Source("demo", "Demo", "Test", "", "", "", ""),), (), Method())


def front_matter(project_id: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": project_id, "title": f"Projekt {project_id}", "municipalities": ["Bochum"], "kreis": None,
        "scope": "municipality", "topics": ["broadband"], "status": "running", "start": 2021, "end": None,
        "lead": "Stadt", "partners": [], "funding": None, "budget_eur": None, "reusable": None,
        "sources": ["https://example.org/quelle"], "verified": True,
    }
    data.update(overrides)
    return data


def write_project(directory: Path, project_id: str, body: str, *, file_stem: str | None = None, **fields: Any) -> Path:
    """Write corpus/<id>.md with YAML front matter (all contract fields, overridable)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{file_stem or project_id}.md"
    header = yaml.safe_dump(front_matter(project_id, **fields), allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{header}---\n\n{body.strip()}\n", encoding="utf-8")
    return path


#: A small corpus: broadband (Bochum), air sensors (Lünen, Kreis Unna), IT service (KDN, region),
#: online administration (Mülheim), start-ups (Hattingen), Herne's own broadband project.
FIXTURE_PROJECTS: dict[str, tuple[dict[str, Any], str]] = {
    "glasfaser-bochum": (
        {"title": "Glasfaserausbau Bochum", "municipalities": ["Bochum"], "topics": ["broadband"],
         "reusable": "Das Betreibermodell mit Verpachtung des Netzes kann übernommen werden."},
        "Die Stadt Bochum baut ein Glasfasernetz bis in jedes Haus. Gigabit-Anschlüsse für Haushalte "
        "und Schulen entstehen bis 2027.\n\n## English summary\n\nBochum is rolling out fibre to every home.",
    ),
    "luftsensoren-luenen": (
        {"title": "Sensornetz Luftqualität Lünen", "municipalities": ["Lünen"], "topics": ["environment_sensors"],
         "status": "completed", "reusable": "Das Sensorkonzept ist offen dokumentiert."},
        "In Lünen messen Feinstaubsensoren und Wetterstationen die Luftqualität an Bundesstraßen. "
        "Die Messwerte fließen in eine offene Datenplattform.",
    ),
    "kdn-dienste": (
        {"title": "KDN Dachverband kommunaler IT-Dienstleister", "municipalities": [], "scope": "region",
         "topics": ["it_services", "cooperation"], "status": "ongoing",
         "reusable": "Kommunen können Fachverfahren gemeinsam beschaffen."},
        "Der KDN bündelt kommunale Rechenzentren in Nordrhein-Westfalen und stellt gemeinsame "
        "Fachverfahren bereit.",
    ),
    "online-antraege-muelheim": (
        {"title": "Online-Anträge im Bürgeramt", "municipalities": ["Mülheim an der Ruhr"],
         "topics": ["administration"], "status": "planned"},
        "Wohngeld, Meldebescheinigung und Gewerbeanmeldung können Bürgerinnen und Bürger künftig "
        "vollständig digital beantragen, ohne Termin im Rathaus.",
    ),
    "gruenderzentrum-hattingen": (
        {"title": "Gründerzentrum Hattingen", "municipalities": ["Hattingen"], "topics": ["startups", "economy"],
         "verified": False},
        "Ein Coworking-Space mit Beratung hilft jungen Unternehmen beim Start. Gründerinnen erhalten "
        "Mentoring und günstige Arbeitsplätze.",
    ),
    "glasfaser-herne": (
        {"title": "Glasfaser für Herner Schulen", "municipalities": ["Herne"], "topics": ["broadband", "education"]},
        "Herne schließt alle Schulen an das Glasfasernetz an und baut WLAN in den Klassenräumen aus.",
    ),
}


def write_fixture_corpus(directory: Path, only: tuple[str, ...] | None = None) -> Path:
    for project_id, (fields, body) in FIXTURE_PROJECTS.items():
        if only is None or project_id in only:
            write_project(directory, project_id, body, **fields)
    return directory


def close_all(searches: list[Any]) -> None:
    """Close every ProjectSearch a test opened (Chroma clients hold sockets and SQLite handles)."""
    while searches:
        searches.pop().close()


def settings_for(tmp_path: Path, corpus_dir: Path, **changes: Any) -> Settings:
    base = Settings.from_env({"ASSISTANT_HOME": str(tmp_path / "home"), "ASSISTANT_CORPUS_DIR": str(corpus_dir)})
    return dataclasses.replace(base, **changes)


class CountingEmbedder(HashingEmbedder):
    """Hashing embedder that counts embedded passages and can fail on the n-th documents call."""

    def __init__(self, dimension: int = 64, fail_on_call: int | None = None) -> None:
        super().__init__(dimension)
        self.embedded = 0
        self.calls = 0
        self.fail_on_call = fail_on_call

    def embed_documents(self, texts: list[str]) -> Vectors:
        self.calls += 1
        if self.fail_on_call is not None and self.calls >= self.fail_on_call:
            raise RuntimeError(f"embedder failure injected on call {self.calls}")
        self.embedded += len(texts)
        return super().embed_documents(texts)


#: Concept groups for a fake "semantic" embedder: words of one group land on the same axis, so
#: paraphrases without shared words are close, like a (very small) real model.
CONCEPTS: tuple[tuple[str, ...], ...] = (
    ("glasfaser", "internet", "gigabit", "breitband", "fibre", "anschlüsse", "netz"),
    ("luft", "feinstaub", "sensoren", "messen", "wetterstationen", "air", "quality", "luftqualität"),
    ("anträge", "beantragen", "behördengänge", "digital", "bürgeramt", "online", "wohngeld"),
    ("gründer", "gründerinnen", "startups", "unternehmen", "coworking", "start", "mentoring"),
    ("schulen", "klassenräumen", "wlan", "schools"),
)


class ConceptEmbedder(HashingEmbedder):
    """Deterministic toy semantics: concept axes plus a weak hashed bag of words."""

    def __init__(self) -> None:
        super().__init__(32)

    @property
    def name(self) -> str:
        return "concept-test"

    @property
    def dimension(self) -> int:
        return 32 + len(CONCEPTS)

    def _concept_vector(self, text: str) -> np.ndarray[Any, np.dtype[np.float32]]:
        words = [w.strip(".,:;!?()") for w in text.casefold().split()]
        axes = np.array([sum(any(w.startswith(c) for c in group) for w in words) for group in CONCEPTS],
                        dtype=np.float32)
        return np.concatenate([3.0 * axes, 0.3 * HashingEmbedder._vector(self, text)])

    def embed_documents(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        matrix = np.stack([self._concept_vector(t) for t in texts])
        result: Vectors = (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)
        return result

    def embed_query(self, text: str) -> Vectors:
        vector: Vectors = self.embed_documents([text])[0]
        return vector
