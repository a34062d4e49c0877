"""The sync feeding loop is the async one's mechanical twin (tests/archive/twin.py)."""

from __future__ import annotations

from tests.archive.twin import SOURCE, TARGET, translate


def test_the_sync_feed_is_the_async_feed_without_async() -> None:
    expected = translate(SOURCE.read_text())
    assert TARGET.read_text() == expected, "regenerate it: python -m tests.archive.twin"


def test_the_translation() -> None:
    assert translate(
        "async def f(x: AsyncBatchSource) -> None:\n    async for a in await g():\n"
    ) == ("def f(x: BatchSource) -> None:\n    for a in g():\n")
