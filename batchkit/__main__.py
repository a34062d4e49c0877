"""``batchkit`` / ``python -m batchkit``: the command line (``demo`` for now)."""

from __future__ import annotations

import argparse
import os
import sys

from batchkit import __version__
from batchkit._generated_models import BOTOCORE_VERSION


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="batchkit",
        description="Typed reads of AWS Batch and S3 Batch Operations jobs.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"batchkit {__version__} (botocore {BOTOCORE_VERSION})",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo", help="run the SDK on an embedded AWS backend with a realistic account"
    )
    demo.add_argument("--jobs", type=int, default=3000, help="how many jobs to seed (default 3000)")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from batchkit._demo import run

        if args.jobs < 1:
            parser.error("--jobs must be at least 1")
        try:
            run(jobs=args.jobs)
        except BrokenPipeError:  # `batchkit demo | head`: the reader left, which is fine
            # Point stdout at devnull so the interpreter's final flush does not fail too.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
