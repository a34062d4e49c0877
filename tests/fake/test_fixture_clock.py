"""Issue 23.18: the ``batchkit_fake`` fixture runs botocore's retries on simulated time by
default (a throttling test took 41 s: botocore's backoff really slept)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from batchkit import BatchClient
from batchkit.testing import FakeAWS, SimulatedClock


def test_retries_of_throttled_requests_take_no_real_time(
    batchkit_fake: FakeAWS, request: pytest.FixtureRequest
) -> None:
    batchkit_fake.add_job("q", job_name="etl", status="FAILED", exit_code=2)
    batchkit_fake.inject(code="TooManyRequestsException", status=429, operation="ListJobs",
                         times=6)  # fmt: skip
    started = time.monotonic()
    jobs = BatchClient().list_jobs("q", status="FAILED").to_list()  # BatchClient(): as users do
    assert [job.exit_code for job in jobs] == [2]
    assert time.monotonic() - started < 3  # six backoffs: ~30 s of botocore's sleeps before
    clock: SimulatedClock = request.getfixturevalue("batchkit_clock")
    assert clock.slept > 1  # they happened, on the simulated clock


def test_a_rate_limit_runs_on_the_same_clock(
    batchkit_fake: FakeAWS, batchkit_clock: SimulatedClock
) -> None:
    for i in range(300):
        batchkit_fake.add_job("q", job_id=f"j{i}", status="FAILED")
    limit = batchkit_fake.set_rate_limit(2, operation="DescribeJobs")
    assert limit is not None
    started = time.monotonic()
    batch = BatchClient()
    assert len(batch.describe_jobs([f"j{i}" for i in range(300)], max_workers=3).to_list()) == 300
    assert limit.throttled > 0  # throttled, retried, refilled: all on simulated seconds
    assert time.monotonic() - started < 10


def test_the_real_time_marker_in_a_fresh_pytest_run(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(
        "import time\n"
        "import botocore.endpoint\n"
        "import pytest\n\n"
        "def test_simulated(batchkit_fake, batchkit_clock):\n"
        "    assert botocore.endpoint.time is not time\n\n"
        "@pytest.mark.batchkit_real_time\n"
        "def test_real(batchkit_fake):\n"
        "    assert botocore.endpoint.time is time\n\n"
        "def test_restored():\n"
        "    assert botocore.endpoint.time is time\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "-W", "error::pytest.PytestUnknownMarkWarning", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
