"""The command line (`assistant ...`) and `assistant doctor`."""

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """`assistant ...`: see assistant.cli.commands."""
    from assistant.cli.commands import main as run

    return run(argv)
