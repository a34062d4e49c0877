"""Issue 23.16-17: one demo account for ``batchkit demo`` and ``--fake``, with the spread, the
failure kinds and the retries of a real account, each failure in the shape AWS gives it."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from batchkit import BatchClient
from batchkit._cli import base
from batchkit.models import JobDetail
from batchkit.testing import FakeAWS

NOW = datetime(2026, 11, 20, 15, tzinfo=timezone.utc)
QUEUES = ["cpu-spot", "gpu-ondemand", "etl"]


@pytest.fixture(scope="module")
def jobs() -> list[JobDetail]:
    batch = FakeAWS.demo(now=NOW).batch_client()
    return batch.describe_jobs(batch.list_jobs(QUEUES, status="ALL"), max_workers=4).to_list()


@pytest.fixture(scope="module")
def batch() -> BatchClient:
    return FakeAWS.demo(now=NOW).batch_client()


def queue(job: JobDetail) -> str:
    return job.job_queue.rsplit("/", 1)[-1]


def test_the_fake_flag_serves_the_demo_account() -> None:
    """--fake had 1,500 jobs, the demo 3,000: the README's ids differed between them."""
    fake = base.Settings(fake=True).backend()
    demo = FakeAWS.demo(now=fake.now())
    listed = {j.job_id for j in fake.batch_client().list_jobs(QUEUES, status="ALL")}
    assert listed == {j.job_id for j in demo.batch_client().list_jobs(QUEUES, status="ALL")}
    assert len(listed) >= 3000 + 3 + 1  # the queue jobs, the sweeps, the multi-node job...


def test_times_have_spread(jobs: list[JobDetail]) -> None:
    """Every job ran exactly 300 s before (std 0)."""
    for name in QUEUES:
        mine = [j for j in jobs if queue(j) == name and j.duration is not None]
        runs = [j.duration.total_seconds() for j in mine if j.duration is not None]
        waits = [(j.started_at - j.created_at).total_seconds() for j in mine
                 if j.started_at and j.created_at]  # fmt: skip
        assert statistics.pstdev(runs) > 0.3 * statistics.mean(runs), name
        assert statistics.pstdev(waits) > 0.3 * statistics.mean(waits), name
        assert max(runs) > 3 * statistics.median(runs), name  # a tail, as real run times have
    medians = {
        name: statistics.median(
            j.duration.total_seconds() for j in jobs if queue(j) == name and j.duration
        )
        for name in QUEUES
    }
    assert medians["etl"] < medians["cpu-spot"] < medians["gpu-ondemand"]


def test_failures_of_every_kind(jobs: list[JobDetail], batch: BatchClient) -> None:
    failed = [j for j in jobs if j.status.value == "FAILED"]
    kinds = Counter(batch.why(job, lines=0).kind.value for job in failed)
    assert set(kinds) >= {
        "NON_ZERO_EXIT",
        "OUT_OF_MEMORY",
        "HOST_TERMINATED",
        "IMAGE_PULL",
        "TIMEOUT",
        "DEPENDENCY_FAILED",
        "CANCELLED",
    }
    assert "UNKNOWN" not in kinds


def test_each_failure_has_the_shape_aws_gives_it(jobs: list[JobDetail]) -> None:
    failed = [j for j in jobs if j.status.value == "FAILED" and j.array_properties is None]
    pulls = [j for j in failed if j.status_reason == "Task failed to start"]
    assert pulls
    for job in pulls:  # CannotPullContainerError: never started, no exit code, no stream
        assert job.container is not None
        assert (job.container.reason or "").startswith("CannotPullContainerError: ")
        assert (job.started_at, job.exit_code, job.log_stream_name) == (None, None, None)
        assert job.stopped_at is not None
    ooms = [j for j in failed if j.container and "OutOfMemoryError" in (j.container.reason or "")]
    assert ooms
    assert all(j.exit_code == 137 for j in ooms)
    assert all(j.status_reason == "Essential container in task exited" for j in ooms)
    spot = [j for j in failed if (j.status_reason or "").startswith("Host EC2 (instance i-")]
    assert spot
    assert all(j.exit_code is None and len(j.attempts) == 3 for j in spot)
    assert all(queue(j) == "cpu-spot" for j in spot)
    for job in failed:
        if job.started_at is not None:
            assert job.attempts, job.job_id  # every job that ran has its attempts
            assert job.log_stream_name, job.job_id


def test_retries_leave_several_attempts(jobs: list[JobDetail]) -> None:
    retried = [j for j in jobs if len(j.attempts) > 1]
    outcomes = Counter(j.status.value for j in retried)
    assert outcomes["SUCCEEDED"] > 10  # a reclaimed instance, retried, then the job ran
    assert outcomes["FAILED"] > 0
    for job in retried:
        first = job.attempts[0]
        assert (first.status_reason or "").startswith("Host EC2")
        assert first.stopped_at is not None
        assert first.started_at is not None
        streams = {a.container.log_stream_name for a in job.attempts if a.container}
        assert len(streams) == len(job.attempts)  # each attempt its own stream
        assert job.started_at == job.attempts[-1].started_at  # the job's times: its last run


def test_array_parents_stay_pending_while_children_run(batch: BatchClient) -> None:
    """AWS keeps an array parent PENDING while its children run (it was RUNNING here)."""
    sweeps = batch.list_jobs("cpu-spot", status="ALL", filter=None).to_list()
    parents = [j for j in sweeps if j.job_name.startswith("hyperparam-sweep-")]
    assert {p.job_name: str(p.status) for p in parents} == {
        "hyperparam-sweep-0": "PENDING",
        "hyperparam-sweep-1": "PENDING",
        "hyperparam-sweep-2": "FAILED",
    }


def test_statuses_follow_the_clock(jobs: list[JobDetail]) -> None:
    statuses = Counter(j.status.value for j in jobs)
    assert statuses["RUNNING"] >= 10
    assert statuses["RUNNABLE"] + statuses["PENDING"] >= 2
    for job in jobs:
        if job.status.value == "RUNNING" and job.array_properties is None:
            assert job.started_at is not None
            assert job.started_at <= NOW
            assert job.stopped_at is None
        if job.started_at is not None and job.created_at is not None:
            assert job.created_at <= job.started_at
        if job.stopped_at is not None and job.started_at is not None:
            assert job.started_at <= job.stopped_at <= NOW + timedelta(seconds=1)
