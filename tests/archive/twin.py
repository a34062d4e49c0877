"""The mechanical async -> sync translation of the archive's feeding loop
(``batchkit/archive/_feed_async.py`` -> ``_feed.py``): the same lines without
``async``/``await``, ``AsyncX`` names -> ``X``.  ``python -m tests.archive.twin`` writes the
sync file; ``tests/archive/test_twins.py`` checks it is current."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "batchkit" / "archive" / "_feed_async.py"
TARGET = ROOT / "batchkit" / "archive" / "_feed.py"

_RULES = (
    (re.compile(r"\basync (def|for|with)\b"), r"\1"),
    (re.compile(r"\bawait "), ""),
    (re.compile(r"\bAsync([A-Z]\w*)"), r"\1"),
    (re.compile(r"\b__aiter__\b"), "__iter__"),
    (re.compile(r"\b__anext__\b"), "__next__"),
    (re.compile(r"\baclose\b"), "close"),
)


def translate(source: str) -> str:
    for pattern, replacement in _RULES:
        source = pattern.sub(replacement, source)
    return source


def main() -> int:
    TARGET.write_text(translate(SOURCE.read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
