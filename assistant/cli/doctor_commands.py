"""`assistant doctor [--json]`: check the installation and print what to fix (assistant.cli.doctor).

Exit code 0 when nothing failed (warnings allowed), 1 on any FAIL, so a deploy script or a
monitoring job can run it after an upgrade, a crash or a restore.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
from pathlib import Path
from typing import Any

from assistant.core.settings import Settings


def cmd_doctor(args: argparse.Namespace) -> int:
    from assistant.cli.doctor import run_checks

    settings = Settings.from_env()
    if getattr(args, "data_dir", None):
        settings = dataclasses.replace(settings, data_dir=Path(args.data_dir))
    logging.getLogger("assistant").setLevel(logging.ERROR)  # findings are reported as checks, not log lines
    report = run_checks(settings)
    print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else report.render())
    return 0 if report.ok else 1


def register(subparsers: Any) -> None:
    """Add `doctor` to the main parser (called by assistant.cli.commands)."""
    doctor = subparsers.add_parser("doctor", help="check data, index, embedder, Chroma, LLM and ASSISTANT_HOME")
    doctor.add_argument("--json", action="store_true", help="print one JSON object: ok and the checks")
    doctor.set_defaults(handler=cmd_doctor)
