"""The CLI's tests see no terminal width unless they set one: ``COLUMNS`` (which pytest-xdist's
workers may inherit) would fit every table to it (issue 23.5: tables fit ``COLUMNS``)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
