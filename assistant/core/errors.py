"""A small exception tree: every error a user can cause has a readable message and, where it
helps, the closest valid alternatives, so the CLI, the chat and the web page can show it as is."""

from __future__ import annotations

from dataclasses import dataclass


class AssistantError(Exception):
    """Base class for errors that carry a message meant for the user."""


@dataclass(frozen=True)
class Problem:
    """One validation problem, located as precisely as the input allows."""

    file: str
    row: int | None
    column: str | None
    expected: str
    found: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: expected {self.expected}, found {self.found}"


class DataValidationError(AssistantError):
    """Raised with *all* problems found, never only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"- {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) found:\n{lines}")


class UnknownNameError(AssistantError):
    """An unknown municipality, indicator or other name, with the closest valid matches."""

    def __init__(self, kind: str, name: str, suggestions: list[str], valid_hint: str = "") -> None:
        self.kind = kind
        self.name = name
        self.suggestions = suggestions
        message = f"Unknown {kind} '{name}'."
        if suggestions:
            message += " Did you mean: " + ", ".join(suggestions) + "?"
        if valid_hint:
            message += " " + valid_hint
        super().__init__(message)


class ImportRejectedError(DataValidationError):
    """An official-data import that failed validation; nothing was written."""
