"""pytest's configuration for the whole checkout (tests/ and the doctests in batchkit/)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from _pytest.doctest import DoctestItem

_HERE = Path(__file__).parent
#: The async face's examples (its modules and ``batchkit.aio``'s docstrings) run where
#: aiobotocore is installed: ``nox -s tests_async``.
_ASYNC = (_HERE / "batchkit" / "_async", _HERE / "batchkit" / "aio")
_HAS_AIO = importlib.util.find_spec("aiobotocore") is not None


def pytest_report_header(config: pytest.Config) -> str | None:
    if _HAS_AIO:
        return None
    return "batchkit: the async face's doctests are deselected (aiobotocore is not installed)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _HAS_AIO:
        return
    # deselected, not skipped: pytest cannot report a skip of an example whose line is
    # unknown (the ones doctest finds through a module's __test__)
    deselected = [
        item
        for item in items
        if isinstance(item, DoctestItem) and any(item.path.is_relative_to(p) for p in _ASYNC)
    ]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]
