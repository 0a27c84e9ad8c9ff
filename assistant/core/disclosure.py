"""What no answer may show: secret values from the environment and the installation's file paths.

Why a check of its own: the number guard (assistant.answers.guard) traces numbers, not words, so a
language model that has been talked into echoing an API key or a server path (OWASP LLM02/LLM07)
would pass it. Secrets never enter a prompt, so an honest model cannot know them; the check is the
containment for the dishonest case and for error messages that name files.

- `secret_values`: values of environment variables whose *name* says secret (KEY, TOKEN, SECRET,
  PASSWORD, CREDENTIAL, AUTH), at least 8 characters, so that "1" or "true" never count.
- `installation_paths`: ASSISTANT_HOME, the data and corpus directories, the project root, the
  user's home directory and the Python environment, as written and resolved.
- with `any_path`, any absolute file path counts (used on a model's answer and tool arguments).
- `redact_paths`: any absolute path (POSIX or Windows drive) in a message becomes "‹path›"; used on
  tool error messages, which are shown in answers and sent to a model. URLs are left alone.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from assistant.core.settings import PROJECT_ROOT, Settings

SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH", re.I)
MIN_SECRET_CHARS = 8
PATH_PLACEHOLDER = "‹path›"
#: An absolute path with at least two parts ("/srv/data", "C:\\x\\y"); not inside a URL or "km/h".
_ABSOLUTE_PATH = re.compile(
    r"(?<![\w.:/~\\-])(?:/[\w.+@~-]*[\w+@~-]){2,}/?|(?<![\w])[A-Za-z]:\\[^\s'\"`<>|]*[^\s'\"`<>|.,;:!?)]"
)


def secret_values(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Values of secret-named environment variables (longest first, so a longer secret wins)."""
    env = os.environ if environ is None else environ
    found = {value.strip() for name, value in env.items() if SECRET_NAME.search(name)}
    return tuple(sorted((v for v in found if len(v) >= MIN_SECRET_CHARS), key=len, reverse=True))


def installation_paths(settings: Settings | None = None) -> tuple[str, ...]:
    """The directories of this installation, as configured and resolved (longest first)."""
    chosen = settings or Settings.from_env()
    candidates: list[Path] = [chosen.home, chosen.data_dir, chosen.corpus_dir, PROJECT_ROOT, Path(sys.prefix)]
    with contextlib.suppress(RuntimeError):  # no home directory (some service accounts)
        candidates.append(Path.home())
    found: set[str] = set()
    for path in candidates:
        for form in (path, path.expanduser().resolve()):
            text = str(form).rstrip("/\\")
            if len(text) > 1 and form.is_absolute():
                found.add(text)
    return tuple(sorted(found, key=len, reverse=True))


def _mentions_path(text: str, path: str) -> bool:
    """`path` occurs as a whole path: "/root" in "/root/x" or "/root." but not in "/rooted"."""
    return re.search(re.escape(path) + r"(?![\w-])", text) is not None


def find_disclosures(
    text: str, settings: Settings | None = None, environ: Mapping[str, str] | None = None, *, any_path: bool = False
) -> list[str]:
    """What `text` reveals: "secret" for each secret value, "path" for each installation path, and
    with `any_path` for any absolute file path at all (a model's answer never needs one)."""
    found = ["secret" for value in secret_values(environ) if value in text]
    found += ["path" for path in installation_paths(settings) if _mentions_path(text, path)]
    if any_path and _ABSOLUTE_PATH.search(text):
        found.append("path")
    return found


def redact_paths(text: str) -> str:
    """`text` with every absolute file path replaced by "‹path›"."""
    return _ABSOLUTE_PATH.sub(PATH_PLACEHOLDER, text)
