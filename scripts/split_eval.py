"""Split one full file of evaluation entries into a dev file and a held-back test file.

The split has to be fixed before any question is run, and reproducible by anyone, so that nobody
can (even unknowingly) move an entry the planner fails into the dev file. It therefore depends
only on things written into the entries themselves:

1. group the entries by (first tag, second tag) = (category, language);
2. within a group sort the entries by the hex SHA-1 digest of their `id` (UTF-8);
3. positions 0, 2, 4, ... go to the dev file, positions 1, 3, 5, ... to the test file.

Grouping first keeps every category and language represented on both sides in nearly equal
numbers. The full source file is kept out of the repository; the two outputs are the record.

    python scripts/split_eval.py FULL.yaml --dev eval/newcomer3_dev.yaml \
        --test eval/newcomer3_test.yaml
"""

from __future__ import annotations

import argparse
import hashlib
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

HEADER = """\
# {title}
# Written from corpus/*.md, index_data/municipalities.csv, index_data/indicators.csv and
# eval/README.md only (not from the planner code, the tests or the other question files).
# Split rule, fixed before anything was run (scripts/split_eval.py): entries are grouped by
# (category, language) = (first tag, second tag), sorted within a group by the SHA-1 hex digest
# of their id; even positions go to the dev file, odd positions to the test file.
# {role}
"""

DEV_ROLE = "This is the DEV half: the planner may be tuned on it."
TEST_ROLE = "This is the TEST half: held back, only measured; do not tune on it."


def id_digest(entry_id: str) -> str:
    """SHA-1 hex of the id: stable, content-free ordering nobody can steer by wording."""
    return hashlib.sha1(entry_id.encode("utf-8")).hexdigest()


def split_entries(
    entries: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (dev, test) by the rule in the module docstring; groups keep first-seen order."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        tags = entry.get("tags") or []
        if len(tags) < 2:
            raise ValueError(f"{entry.get('id')}: needs category and language as first two tags")
        groups[(str(tags[0]), str(tags[1]))].append(entry)
    dev: list[dict[str, Any]] = []
    test: list[dict[str, Any]] = []
    for group in groups.values():
        ordered = sorted(group, key=lambda entry: id_digest(str(entry["id"])))
        dev.extend(ordered[0::2])
        test.extend(ordered[1::2])
    return dev, test


def dump(entries: list[dict[str, Any]], path: Path, title: str, role: str) -> None:
    """Write entries as YAML with the split-rule header, lists of scalars in flow style."""
    body = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False,
                          default_flow_style=None, width=120)
    path.write_text(HEADER.format(title=title, role=role) + body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Read the full file, check ids are unique, write both halves."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("source", type=Path, help="full YAML list of entries")
    parser.add_argument("--dev", type=Path, required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--title", default="Newcomer evaluation questions")
    args = parser.parse_args(argv)
    entries = yaml.safe_load(args.source.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise SystemExit(f"{args.source}: expected a list of entries")
    ids = [str(entry["id"]) for entry in entries]
    duplicates = sorted({entry_id for entry_id in ids if ids.count(entry_id) > 1})
    if duplicates:
        raise SystemExit(f"duplicate ids: {', '.join(duplicates)}")
    dev, test = split_entries(entries)
    dump(dev, args.dev, args.title, DEV_ROLE)
    dump(test, args.test, args.title, TEST_ROLE)
    print(f"{len(entries)} entries: {len(dev)} dev -> {args.dev}, {len(test)} test -> {args.test}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
