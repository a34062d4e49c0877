"""What the CLI's tests share.  They see no terminal width unless they set one: ``COLUMNS``
(which pytest-xdist's workers may inherit) would fit every table to it (issue 23.5: tables fit
``COLUMNS``).  ``small_account``: ``--fake`` answered by a small account of known jobs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from batchkit._cli import base
from batchkit.testing import FakeAWS

NOW = datetime.now(timezone.utc).replace(microsecond=0)


@pytest.fixture(autouse=True)
def _no_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)


def small_account(
    monkeypatch: pytest.MonkeyPatch, *, first_name: str = "job-0", second_queue: bool = False
) -> FakeAWS:
    """``--fake`` answered by a small account of known jobs: four in ``etl`` (the first
    named ``first_name``), and with ``second_queue`` one FAILED job in ``ml``."""
    fake = FakeAWS(now=lambda: NOW)
    for i, status in enumerate(["FAILED", "SUCCEEDED", "FAILED", "RUNNING"]):
        fake.add_job(
            "etl",
            job_id=f"job-{i}",
            job_name=first_name if i == 0 else f"job-{i}",
            status=status,
            created_at=NOW - timedelta(hours=10 - i),
            status_reason="Essential container in task exited" if status == "FAILED" else None,
            exit_code=2 if status == "FAILED" else None,
        )
    if second_queue:
        fake.add_job("ml", job_id="job-ml", job_name="train", status="FAILED", exit_code=1,
                     created_at=NOW - timedelta(hours=1))  # fmt: skip
    monkeypatch.setattr(base.Settings, "backend", lambda self: fake)
    return fake
