"""Every ```python block of the README and docs/ runs, against the local backend.

The blocks of one page run in order, in one namespace, with boto3's default session wired to
a :class:`batchkit.testing.FakeAWS` seeded with the demo account (``batchkit demo``), so the
docs cannot rot.  A block defining ``test_*`` functions is a pytest example: those functions
are called with a fresh ``batchkit_fake``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from batchkit.testing import FakeAWS, SimulatedClock
from batchkit.testing.plugin import serve_default_session

ROOT = Path(__file__).parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text())


@pytest.fixture
def demo_account(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAWS]:
    fake = FakeAWS.demo(jobs=800)
    detach = serve_default_session(fake, monkeypatch)
    try:
        yield fake
    finally:
        detach()


def test_every_page_has_runnable_examples() -> None:
    runnable = {page.name for page in PAGES if python_blocks(page)}
    for page in ("README.md", "index.md", "filters.md", "pagination.md", "testing.md"):
        assert page in runnable


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_examples_run(
    page: Path,
    demo_account: FakeAWS,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for number, block in enumerate(python_blocks(page), start=1):
        try:
            exec(compile(block, f"{page.name}[block {number}]", "exec"), namespace)
        except Exception as error:
            pytest.fail(f"{page.name}, block {number} raised {error!r}:\n{block}")
    for name, value in list(namespace.items()):
        if name.startswith("test_") and inspect.isfunction(value):
            # as the batchkit_fake fixture does: a fresh fake, botocore on simulated time
            clock = SimulatedClock()
            with clock.patch_botocore():
                fresh = FakeAWS()
                detach = serve_default_session(fresh, monkeypatch)
                extra = {"batchkit_clock": clock}
                wanted = inspect.signature(value).parameters
                try:
                    value(fresh, **{k: v for k, v in extra.items() if k in wanted})
                finally:
                    detach()
    capsys.readouterr()
