"""FakeAWS's job lifecycle: scheduled and random status changes on a ManualClock, seen
through raw boto3 calls (what the backend sends, not what batchkit makes of it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from batchkit.models import JobDetail
from batchkit.testing import FakeAWS, ManualClock, Step
from tests.conftest import NO_RETRY


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> FakeAWS:
    return FakeAWS(now=clock.now)


def describe(fake: FakeAWS, *ids: str) -> list[dict[str, Any]]:
    jobs: list[dict[str, Any]] = fake.boto3_client("batch", NO_RETRY).describe_jobs(jobs=list(ids))[
        "jobs"
    ]
    for job in jobs:
        JobDetail.model_validate(job)  # every state is a valid JobDetail
    return sorted(jobs, key=lambda j: j["jobId"])


def ms(clock: ManualClock) -> int:
    return int(clock.now().timestamp() * 1000)


def test_a_scheduled_job_moves_with_the_clock(fake: FakeAWS, clock: ManualClock) -> None:
    job = fake.add_job("q", job_id="j", job_name="etl", status="SUBMITTED").job_id
    fake.lifecycle.schedule(
        job,
        [
            ("PENDING", 1),
            ("RUNNABLE", 2),
            ("STARTING", 10),
            ("RUNNING", timedelta(seconds=15)),
            ("SUCCEEDED", 75),
        ],
    )
    assert describe(fake, job)[0]["status"] == "SUBMITTED"
    clock.advance(12)
    (detail,) = describe(fake, job)
    assert detail["status"] == "STARTING"
    assert "startedAt" not in detail
    clock.advance(3)
    started = ms(clock)
    (detail,) = describe(fake, job)
    assert detail["status"] == "RUNNING"
    assert detail["startedAt"] == started
    assert detail["container"]["logStreamName"] == "etl/default/j"
    clock.advance(60)
    (detail,) = describe(fake, job)
    assert detail["status"] == "SUCCEEDED"
    assert detail["stoppedAt"] == ms(clock)
    assert detail["container"]["exitCode"] == 0
    assert detail["statusReason"] == "Essential container in task exited"
    assert [a["container"]["exitCode"] for a in detail["attempts"]] == [0]
    assert detail["attempts"][0]["startedAt"] == started
    assert fake.lifecycle.scheduled == 0


def test_listings_follow_the_lifecycle(fake: FakeAWS, clock: ManualClock) -> None:
    job = fake.add_job("q", status="RUNNABLE").job_id
    fake.lifecycle.schedule(job, [("RUNNING", 5), ("FAILED", 9)])
    client = fake.boto3_client("batch", NO_RETRY)
    assert client.list_jobs(jobQueue="q")["jobSummaryList"] == []  # RUNNING only
    clock.advance(5)
    assert [j["jobId"] for j in client.list_jobs(jobQueue="q")["jobSummaryList"]] == [job]
    clock.advance(4)
    (failed,) = client.list_jobs(jobQueue="q", jobStatus="FAILED")["jobSummaryList"]
    assert failed["container"]["exitCode"] == 1


def test_several_steps_between_requests_apply_in_order(fake: FakeAWS, clock: ManualClock) -> None:
    job = fake.add_job("q", status="RUNNABLE").job_id
    fake.lifecycle.schedule(
        job,
        [
            ("RUNNING", 1),
            Step("RUNNABLE", 2, reason="Host terminated"),
            ("RUNNING", 3),
            Step("FAILED", 4, exit_code=137, reason="OutOfMemoryError"),
        ],
    )
    clock.advance(10)
    (detail,) = describe(fake, job)
    assert detail["status"] == "FAILED"
    assert detail["statusReason"] == "OutOfMemoryError"
    assert detail["container"]["exitCode"] == 137
    assert [a["statusReason"] for a in detail["attempts"]] == [
        "Host terminated",
        "OutOfMemoryError",
    ]


def test_array_parent_follows_its_children(fake: FakeAWS, clock: ManualClock) -> None:
    parent = fake.add_job("q", job_id="arr", status="SUBMITTED", array_size=3).job_id
    (detail,) = describe(fake, parent)
    summary = detail["arrayProperties"]["statusSummary"]
    assert summary == {
        "SUBMITTED": 3,
        "PENDING": 0,
        "RUNNABLE": 0,
        "STARTING": 0,
        "RUNNING": 0,
        "SUCCEEDED": 0,
        "FAILED": 0,
    }
    fake.lifecycle.schedule("arr:0", [("RUNNABLE", 5), ("RUNNING", 10), ("SUCCEEDED", 20)])
    fake.lifecycle.schedule("arr:1", [("RUNNABLE", 5), ("RUNNING", 10), ("FAILED", 30)])
    fake.lifecycle.schedule("arr:2", [("PENDING", 1), ("RUNNABLE", 25), ("SUCCEEDED", 40)])
    clock.advance(1)
    assert describe(fake, parent)[0]["status"] == "SUBMITTED"
    clock.advance(4)
    (detail,) = describe(fake, parent)
    assert detail["status"] == "PENDING"  # a child is RUNNABLE
    assert detail["arrayProperties"]["statusSummaryLastUpdatedAt"] == ms(clock)
    clock.advance(20)
    (detail,) = describe(fake, parent)
    assert detail["status"] == "PENDING"  # never RUNNING, as AWS documents
    counts = {k: v for k, v in detail["arrayProperties"]["statusSummary"].items() if v}
    assert counts == {"SUCCEEDED": 1, "RUNNING": 1, "RUNNABLE": 1}
    clock.advance(15)
    (detail,) = describe(fake, parent)
    assert detail["status"] == "FAILED"  # every child ended, one failed
    assert detail["stoppedAt"] == ms(clock)
    assert detail["arrayProperties"]["size"] == 3
    children = describe(fake, "arr:0", "arr:1", "arr:2")
    assert [c["status"] for c in children] == ["SUCCEEDED", "FAILED", "SUCCEEDED"]


def test_scheduling_a_parent_schedules_its_children(fake: FakeAWS, clock: ManualClock) -> None:
    parent = fake.add_job("q", job_id="arr", status="SUBMITTED", array_size=4).job_id
    nodes = fake.add_job("q", job_id="mnp", status="SUBMITTED", num_nodes=2).job_id
    fake.lifecycle.schedule(parent, [("RUNNABLE", 1), ("RUNNING", 2), ("SUCCEEDED", 3)])
    fake.lifecycle.schedule(nodes, [("RUNNING", 2), ("SUCCEEDED", 3)])
    clock.advance(3)
    assert [j["status"] for j in describe(fake, "arr", "mnp", "mnp#0", "mnp#1")] == [
        "SUCCEEDED"
    ] * 4


def test_the_random_model_is_seeded(clock: ManualClock) -> None:
    def run(seed: int) -> list[tuple[str, str]]:
        clock = ManualClock()
        fake = FakeAWS(now=clock.now)
        ids = [fake.add_job("q", job_id=f"j{i}", status="SUBMITTED").job_id for i in range(30)]
        fake.lifecycle.randomize(ids, seed=seed, failure_rate=0.3)
        clock.advance(20)
        middle = describe(fake, *ids)
        clock.advance(timedelta(hours=2))
        end = describe(fake, *ids)
        return [(a["status"], b["status"]) for a, b in zip(middle, end, strict=False)]

    first = run(1)
    assert first == run(1)
    assert first != run(2)
    assert {end for _, end in first} == {"SUCCEEDED", "FAILED"}
    assert len({middle for middle, _ in first}) > 2  # jobs spread over the statuses


def test_random_model_starts_from_the_current_status(fake: FakeAWS, clock: ManualClock) -> None:
    running = fake.add_job("q", job_id="r", status="RUNNING").job_id
    done = fake.add_job("q", job_id="d", status="SUCCEEDED").job_id
    fake.lifecycle.randomize([running, done], seed=0, failure_rate=0)
    assert fake.lifecycle.scheduled == 1  # RUNNING -> SUCCEEDED; the ended job stays
    clock.advance(timedelta(days=1))
    assert [j["status"] for j in describe(fake, done, running)] == ["SUCCEEDED", "SUCCEEDED"]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([("RUNNING", 10), ("RUNNABLE", 5)], "must not go back"),
        ([("RUNNING", -1)], "seconds >= 0"),
        ([("", 1)], "non-empty string"),
    ],
)
def test_bad_schedules_are_rejected(fake: FakeAWS, steps: list[Any], message: str) -> None:
    job = fake.add_job("q", status="SUBMITTED").job_id
    with pytest.raises(ValueError, match=message):
        fake.lifecycle.schedule(job, steps)


def test_unknown_job_and_bad_model_parameters(fake: FakeAWS) -> None:
    with pytest.raises(KeyError, match="no job 'nope'"):
        fake.lifecycle.schedule("nope", [("RUNNING", 1)])
    with pytest.raises(ValueError, match="failure_rate"):
        fake.lifecycle.randomize([], failure_rate=2)
    with pytest.raises(ValueError, match="time_scale"):
        fake.lifecycle.randomize([], time_scale=0)


def test_manual_clock() -> None:
    clock = ManualClock()
    start = clock.now()
    clock.sleep(1.5)
    clock.advance(timedelta(minutes=1))
    assert clock.now() - start == timedelta(seconds=61.5)
    assert clock.monotonic() == 61.5
    assert clock.sleeps == [1.5]
    with pytest.raises(ValueError, match="does not go back"):
        clock.advance(-1)
    with pytest.raises(ValueError, match="negative"):
        clock.sleep(-1)


def test_concurrent_requests_apply_every_step_once_and_in_order() -> None:
    """Describe workers answer on several threads at once: due steps are taken from the
    schedule under a lock, so no thread applies a later step before an earlier one (a job
    stuck in RUNNING after its SUCCEEDED step made a watch poll forever)."""
    import sys
    import threading

    from batchkit.testing import FakeAWS, ManualClock

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show
    try:
        _hammer_rounds(FakeAWS, ManualClock, threading)
    finally:
        sys.setswitchinterval(interval)


def _hammer_rounds(FakeAWS: Any, ManualClock: Any, threading: Any) -> None:
    for round_ in range(5):
        clock = ManualClock()
        fake = FakeAWS(now=clock.now)
        ids = [fake.add_job("q", job_id=f"c{i:03d}", status="SUBMITTED").job_id for i in range(300)]
        fake.lifecycle.randomize(ids, seed=round_, failure_rate=0.1, time_scale=0.05)
        start = threading.Barrier(8)

        def hammer(start: Any = start, fake: Any = fake) -> None:
            start.wait(5)
            for _ in range(200):
                fake.lifecycle.advance()

        for _step in range(40):
            clock.sleep(3)
            threads = [threading.Thread(target=hammer) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(10)
            start.reset()
        clock.sleep(100_000)
        fake.lifecycle.advance()
        assert fake.lifecycle.scheduled == 0
        statuses = {job.job_id: job.status for job in fake.batch_client().describe_jobs(ids)}
        assert all(status is not None and status.is_terminal for status in statuses.values())
