"""Throttling at account scale: FakeAWS's request-rate limit against botocore's adaptive
retry mode (batchkit's default), on simulated time -- nothing sleeps for real."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from batchkit import BatchClient, ThrottlingError
from batchkit.testing import FakeAWS, RateLimit, SimulatedClock
from tests.conftest import NO_RETRY

N = 10_000


@pytest.fixture(scope="module")
def account() -> FakeAWS:
    fake = FakeAWS()
    for i in range(N):
        fake.add_job("q", job_id=f"j{i:05d}", status="SUCCEEDED", created_at=1_000_000 + i)
    return fake


def _client(fake: FakeAWS, config: Config | None = None) -> BatchClient:
    # batchkit's own defaults (not the fake's plain boto3 client): what a user gets.
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    batch = BatchClient(session=session, config=config)
    fake.attach(batch.client)
    return batch


@pytest.fixture
def clock() -> Iterator[SimulatedClock]:
    clock = SimulatedClock()
    with clock.patch_botocore():
        yield clock


def test_describing_10k_ids_with_8_workers_under_throttling_loses_nothing(
    account: FakeAWS, clock: SimulatedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    limit = account.set_rate_limit(2, operation="DescribeJobs", clock=clock)
    assert limit is not None
    try:
        before_calls = account.calls("DescribeJobs")
        before_threads = threading.active_count()
        batch = _client(account)  # default settings: adaptive retries
        config: Any = batch.client.meta.config
        assert config.retries == {"mode": "adaptive", "total_max_attempts": 10}
        ids = [f"j{i:05d}" for i in range(N)]
        started = time.perf_counter()
        details = batch.describe_jobs(ids, max_workers=8)
        described = [job.job_id for job in details]
        elapsed = time.perf_counter() - started
    finally:
        account.set_rate_limit(None)
    requests = account.calls("DescribeJobs") - before_calls
    assert described == ids  # complete, in order
    assert details.missing_ids == ()
    assert details.undescribed_ids == ()
    assert threading.active_count() == before_threads
    assert limit.throttled > 0  # it was throttled ...
    assert requests == N // 100 + limit.throttled  # ... and every 429 was retried
    assert clock.slept > 0  # botocore backed off / its token bucket waited: simulated
    assert elapsed < 30  # no real sleeping
    with capsys.disabled():
        print(
            f"\n[throttle] 10k ids, 8 workers, 2 req/s: {requests} DescribeJobs requests, "
            f"{limit.throttled} x 429, {clock.slept:.0f} simulated s, {elapsed:.2f} real s"
        )


def test_without_retries_throttling_is_a_typed_error_naming_the_ids(clock: SimulatedClock) -> None:
    fake = FakeAWS()
    for i in range(300):
        fake.add_job("q", job_id=f"j{i:03d}", status="FAILED")
    fake.set_rate_limit(1, operation="DescribeJobs", clock=clock)
    details = fake.batch_client(NO_RETRY).describe_jobs([f"j{i:03d}" for i in range(300)])
    got: list[str] = []
    with pytest.raises(ThrottlingError) as info:
        got.extend(job.job_id for job in details)
    assert got == [f"j{i:03d}" for i in range(100)]  # the first request of the second
    assert info.value.undescribed_ids == tuple(f"j{i:03d}" for i in range(100, 300))


def test_rate_limit_windows_per_operation() -> None:
    clock = SimulatedClock()
    limit = RateLimit(2, clock=clock)
    assert [limit.exceeded("ListJobs") for _ in range(3)] == [False, False, True]
    assert [limit.exceeded("DescribeJobs") for _ in range(3)] == [False, False, True]
    clock.sleep(0.5)
    assert limit.exceeded("ListJobs")  # still the same second
    clock.sleep(0.5)
    assert not limit.exceeded("ListJobs")
    assert (limit.requests, limit.throttled) == (8, 3)
    only = RateLimit(1, operation="DescribeJobs", clock=clock)
    assert not any(only.exceeded("ListJobs") for _ in range(5))
    with pytest.raises(ValueError, match="per_second"):
        RateLimit(0)


def test_the_fake_answers_429_and_botocore_sees_throttling(clock: SimulatedClock) -> None:
    fake = FakeAWS()
    fake.add_job("q", status="RUNNING")
    fake.set_rate_limit(1, clock=clock)
    raw = fake.boto3_client("batch", NO_RETRY)
    raw.list_jobs(jobQueue="q")
    with pytest.raises(raw.exceptions.ClientError) as info:
        raw.list_jobs(jobQueue="q")
    assert info.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    clock.sleep(1)
    raw.list_jobs(jobQueue="q")
    fake.set_rate_limit(None)
    for _ in range(5):
        raw.list_jobs(jobQueue="q")


def test_simulated_clock_restores_botocore() -> None:
    import botocore.endpoint
    from botocore.retries import bucket

    names = [(bucket, "Clock"), (bucket, "threading"), (botocore.endpoint, "time")]
    saved = [getattr(module, name) for module, name in names]
    clock = SimulatedClock(start=0)
    with clock.patch_botocore():
        assert bucket.Clock is not saved[0]
        getattr(botocore.endpoint, "time").sleep(3)  # noqa: B009  # not in the stubs
    assert [getattr(module, name) for module, name in names] == saved
    assert clock.time() == 3
    assert clock() == 3
