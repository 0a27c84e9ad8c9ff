"""`assistant data validate|status|import`: the CLI face of data.py, data_status.py and importer.py.

Kept thin: the modules decide, this file only prints. Both commands list every problem (never only
the first) and exit 1 when there is any, so a script or CI job can rely on the exit code, while a
person reads the same file/row/column/expected/found lines the web page would show.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.core.errors import DataValidationError, Problem
from assistant.core.settings import Settings

if TYPE_CHECKING:
    from assistant.index.import_report import ImportReport

EXAMPLES = 5


def _data_dir(args: argparse.Namespace) -> Path:
    """--data-dir of the main parser, else the configured default (ASSISTANT_DATA_DIR or bundled)."""
    given = getattr(args, "data_dir", None)
    return Path(given) if given else Settings.from_env().data_dir


def _problem_dicts(problems: list[Problem]) -> list[dict[str, object]]:
    return [asdict(problem) | {"message": str(problem)} for problem in problems]


def _print_problems(problems: list[Problem], verdict: str) -> None:
    print(f"{verdict}: {len(problems)} problem(s)")
    for problem in problems:
        print(f"- {problem}")


def cmd_validate(args: argparse.Namespace) -> int:
    """Check index_data/; exit 0 with counts if valid, else 1 with every problem."""
    from assistant.index.data import load_index_data, validate_data_dir

    data_dir = _data_dir(args)
    problems = validate_data_dir(data_dir)
    counts: dict[str, int] = {}
    if not problems:
        try:
            data = load_index_data(data_dir)
        except DataValidationError as error:  # validate_data_dir and the loader should agree; be safe
            problems = error.problems
        else:
            provenance = Counter(str(p) for p in data.values["provenance"])
            counts = {
                "municipalities": len(data.registry.municipalities),
                "indicators": len(data.registry.indicators),
                "values": len(data.values),
                **{name: provenance.get(name, 0) for name in ("official", "public", "synthetic")},
            }
    if getattr(args, "json", False):
        print(json.dumps({"ok": not problems, "data_dir": str(data_dir), "counts": counts,
                          "problems": _problem_dicts(problems)}, ensure_ascii=False))
    elif problems:
        _print_problems(problems, f"INVALID {data_dir}")
    else:
        print(
            f"OK: {counts['municipalities']} municipalities, {counts['indicators']} indicators, "
            f"{counts['values']} values ({counts['official']} official, {counts['public']} public, "
            f"{counts['synthetic']} synthetic)"
        )
    return 1 if problems else 0


def _decimal_summary(report: ImportReport) -> str:
    """"decimal mark ','", "decimal mark '.' (stated)", per column, or that none was needed."""
    if report.decimal_stated:
        return f"decimal mark '{report.decimal_mark}' (stated by --decimal)"
    if report.decimal_mark == "per column":
        return "decimal mark per column: " + ", ".join(
            f"{column} '{mark}'" for column, mark in report.decimal_marks.items() if mark is not None)
    if report.decimal_mark:
        return f"decimal mark '{report.decimal_mark}'"
    return "no decimal mark needed"


def cmd_status(args: argparse.Namespace) -> int:
    """Per indicator: official/public/synthetic counts, years and sources; totals at the end."""
    from assistant.index.data import load_index_data
    from assistant.index.data_status import data_status, text_lines

    data_dir = _data_dir(args)
    try:
        status = data_status(load_index_data(data_dir))
    except DataValidationError as error:
        if getattr(args, "json", False):
            print(json.dumps({"ok": False, "data_dir": str(data_dir), "problems": _problem_dicts(error.problems)},
                             ensure_ascii=False))
        else:
            _print_problems(error.problems, f"INVALID {data_dir}")
        return 1
    if getattr(args, "json", False):
        print(json.dumps({"ok": True, "data_dir": str(data_dir), **status.to_dict()}, ensure_ascii=False))
    else:
        print("\n".join(text_lines(status)))
    return 0


def format_import_report(report: ImportReport) -> list[str]:
    """Human-readable summary: totals, per indicator, a few examples old -> new, what was ignored."""
    how = f"{report.layout} layout, {_decimal_summary(report)}"
    if report.encoding:
        how += f", encoding {report.encoding}, separator {report.separator!r}"
    lines = [
        f"Import of {report.file} ({how})",
        f"  {len(report.changes)} cells imported, {report.changed_values} with a different value, "
        f"{report.kept_blank} blank cells keep their stored value",
    ]
    for indicator, (imported, changed) in sorted(report.per_indicator().items()):
        lines.append(f"  {indicator}: {imported} imported, {changed} changed")
    examples = [c for c in report.changes if c.value_changed][:EXAMPLES]
    if examples:
        lines.append("  Examples:")
    for c in examples:
        lines.append(f"    {c.municipality} / {c.indicator}: {c.old_value} ({c.old_provenance}, {c.old_year}) "
                     f"-> {c.new_value} (official, {c.new_year})")
    if report.ignored_columns:
        lines.append("  Ignored columns: " + ", ".join(report.ignored_columns))
    if report.skipped_rows:
        lines.append("  Skipped rows (Kreise and aggregates are not stored): " + "; ".join(report.skipped_rows))
    lines.append(f"  New source: {report.source.id} - {report.source.title}")
    lines.append("DRY RUN: nothing was written." if report.dry_run else "Written: sources.csv and values.csv updated.")
    return lines


def cmd_import(args: argparse.Namespace) -> int:
    """Import an official table; exit 1 with every problem (nothing written) if it is rejected."""
    from assistant.index.importer import import_file

    try:
        report = import_file(
            Path(args.file), _data_dir(args), year=args.year, source_title=args.source_title,
            source_url=args.source_url, source_publisher=args.source_publisher or "", dry_run=args.dry_run,
            decimal=args.decimal,
        )
    except DataValidationError as error:  # ImportRejectedError is a subclass
        if getattr(args, "json", False):
            print(json.dumps({"ok": False, "written": False, "problems": _problem_dicts(error.problems)},
                             ensure_ascii=False))
        else:
            _print_problems(error.problems, "REJECTED, nothing was written")
        return 1
    except OSError as error:  # disk full, permissions: values.csv is replaced last, so it is intact
        print(f"FAILED: {error}. values.csv is unchanged; sources.csv may hold an unused new source row.")
        return 1
    if getattr(args, "json", False):
        print(json.dumps({"ok": True, **report.to_dict()}, ensure_ascii=False))
    else:
        print("\n".join(format_import_report(report)))
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `data validate|status|import` to the main parser (which owns --data-dir and --lang)."""
    data = subparsers.add_parser("data", help="validate index_data/, show what it holds, or import official values")
    commands = data.add_subparsers(dest="data_command", required=True)
    validate = commands.add_parser("validate", help="check every file of index_data/ and list every problem")
    validate.add_argument("--json", action="store_true", help="print JSON")
    validate.set_defaults(handler=cmd_validate)
    status = commands.add_parser(
        "status", help="per indicator: how many values are official, public and synthetic, years, sources")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(handler=cmd_status)
    load = commands.add_parser(
        "import", help="import an official table (CSV or XLSX, wide or long) into values.csv",
        description="Imported cells replace the same (municipality, indicator) values with provenance "
        "'official' and a new source row. Year: --year, else the file's year column, else last year.",
    )
    load.add_argument("file", type=Path, help="CSV (UTF-8 or cp1252; ; , or tab) or XLSX (first sheet)")
    load.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    load.add_argument("--year", type=int, default=None, help="year of all imported values")
    load.add_argument("--source-title", default=None, help="title of the new source row")
    load.add_argument("--source-url", default=None, help="URL of the new source row (http/https)")
    load.add_argument("--source-publisher", default=None, help="publisher of the new source row")
    load.add_argument(
        "--decimal", choices=(",", "."), default=None,
        help="the file's decimal mark: ',' (German, 1.250 = 1250) or '.' (English, 1.250 = 1.25); needed only "
        "when a column's values fit both readings; values that contradict it are reported",
    )
    load.add_argument("--json", action="store_true", help="print JSON")
    load.set_defaults(handler=cmd_import)
