"""Issue 23.21: what the docs claim, checked against the code (not only that blocks run)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from batchkit._core.config import RETRY_MODE
from batchkit.testing import FakeAWS
from batchkit.testing.plugin import serve_default_session

ROOT = Path(__file__).parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_every_page_names_the_default_retry_mode_the_code_uses() -> None:
    """docs/watch.md said "batchkit's default `standard`" while the code uses adaptive."""
    claims = [
        (page.name, mode)
        for page in PAGES
        if page.name != "decisions.md"  # history: what was decided when
        for mode in re.findall(r"default[^.`]{0,40}`(standard|adaptive|legacy)`", page.read_text())
    ]
    assert claims  # the pages do say it
    assert {mode for _, mode in claims} == {RETRY_MODE}, claims


@pytest.fixture
def demo_account(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAWS]:
    fake = FakeAWS.demo(jobs=800)
    detach = serve_default_session(fake, monkeypatch)
    try:
        yield fake
    finally:
        detach()


def test_getting_started_describes_the_jobs_it_printed(
    demo_account: FakeAWS, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/index.md printed take(3), then described take(5) of what followed (items 4-8)."""
    block = re.search(r"```python\n(.*?)```", (ROOT / "docs" / "index.md").read_text(), re.S)
    assert block is not None
    exec(compile(block[1], "index.md", "exec"), {"__name__": "docs_index"})
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6, lines
    listed, described = lines[:3], lines[3:]
    assert [line.split()[0] for line in listed] == [line.split()[0] for line in described]
