"""BatchClient.watch / wait on FakeAWS's job lifecycle, driven by a ManualClock (no sleeping)."""

from __future__ import annotations

import itertools
import math
import random
import threading
from datetime import timedelta

import botocore.retries.standard
import pytest
from botocore.config import Config

from batchkit import (
    BatchClient,
    InvalidParameterError,
    JobGoneError,
    JobNotFoundError,
    StatusChange,
    SystemClock,
    ThrottlingError,
    WaitTimeoutError,
)
from batchkit._core.watch import MAX_FAILED_POLLS, PollSchedule
from batchkit.models import JobStatus
from batchkit.testing import FakeAWS, Fault, ManualClock, Step
from tests.conftest import NO_RETRY

# Each test runs on BatchClient.watch/wait and (with aiobotocore) on AsyncBatchClient's
# (tests/conftest.py's face fixture; the async watch shares batchkit._core.watch.WatchCore).
pytestmark = pytest.mark.usefixtures("face")


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    # botocore's backoff sleeps between retries: these tests count, not wait.
    monkeypatch.setattr(
        botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> FakeAWS:
    return FakeAWS(now=clock.now)


def batch_of(fake: FakeAWS, config: Config = NO_RETRY) -> BatchClient:
    return fake.batch_client(config)


def offsets(
    changes: list[StatusChange], clock: ManualClock
) -> list[tuple[str, str | None, str, float]]:
    start = clock.now() - timedelta(seconds=clock.monotonic())
    return [
        (
            c.job_id,
            None if c.old is None else c.old.value,
            c.new.value,
            (c.at - start).total_seconds(),
        )
        for c in changes
    ]


def batchkit_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("batchkit")]


# ------------------------------------------------------------------------- transitions


def test_each_observed_change_is_reported_once_in_order(fake: FakeAWS, clock: ManualClock) -> None:
    a = fake.add_job("q", job_id="a", status="SUBMITTED").job_id
    b = fake.add_job("q", job_id="b", status="RUNNABLE").job_id
    fake.lifecycle.schedule(
        a, [("RUNNABLE", 5), ("STARTING", 12), ("RUNNING", 15), ("SUCCEEDED", 40)]
    )
    # b goes RUNNABLE -> STARTING -> RUNNING -> FAILED all between two polls
    fake.lifecycle.schedule(b, [("STARTING", 21), ("RUNNING", 22), ("FAILED", 29)])
    changes = list(batch_of(fake).watch([a, b], poll_interval=10, clock=clock))
    assert offsets(changes, clock) == [
        ("a", None, "SUBMITTED", 0),
        ("b", None, "RUNNABLE", 0),
        ("a", "SUBMITTED", "RUNNABLE", 10),
        ("a", "RUNNABLE", "RUNNING", 20),  # STARTING (12..15) was never observed
        ("b", "RUNNABLE", "FAILED", 30),  # nothing invented in between
        ("a", "RUNNING", "SUCCEEDED", 40),
    ]
    assert clock.sleeps == [10, 10, 10, 10]
    assert fake.calls("DescribeJobs") == 5
    assert changes[-1].detail.exit_code == 0
    assert changes[-2].detail.exit_code == 1
    assert all(c.status_changed for c in changes)


def test_the_same_run_observed_at_any_pace_reports_a_subsequence(clock: ManualClock) -> None:
    """Whatever the interval, the reported statuses are the job's real sequence with some
    left out, never repeated or reordered."""
    truth = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED"]
    for interval in (1, 3, 7, 13, 29):
        clock = ManualClock()
        fake = FakeAWS(now=clock.now)
        job = fake.add_job("q", status="SUBMITTED").job_id
        fake.lifecycle.schedule(job, [(s, 4 * i) for i, s in enumerate(truth[1:], 1)])
        seen = [
            c.new.value for c in batch_of(fake).watch([job], poll_interval=interval, clock=clock)
        ]
        assert len(set(seen)) == len(seen)
        assert seen == [s for s in truth if s in seen]
        assert seen[0] == "SUBMITTED"
        assert seen[-1] == "SUCCEEDED"


def test_wait_returns_the_last_details_in_input_order(fake: FakeAWS, clock: ManualClock) -> None:
    jobs = [fake.add_job("q", job_id=f"j{i}", status="SUBMITTED") for i in range(5)]
    fake.lifecycle.randomize([j.job_id for j in jobs], seed=3, failure_rate=0.5)
    given = [jobs[3].job_arn, jobs[0], "j4", jobs[1].job_id, jobs[2], "j0"]  # ARN, detail, dup
    details = batch_of(fake).wait(given, clock=clock)  # type: ignore[arg-type]
    assert [d.job_id for d in details] == ["j3", "j0", "j4", "j1", "j2"]
    assert all(d.is_terminal for d in details)
    assert {d.status for d in details} == {JobStatus.SUCCEEDED, JobStatus.FAILED}


def test_jobs_already_done_cost_one_poll(fake: FakeAWS, clock: ManualClock) -> None:
    done = [fake.add_job("q", status="SUCCEEDED").job_id for _ in range(3)]
    changes = list(batch_of(fake).watch(done, clock=clock))
    assert [(c.old, c.new) for c in changes] == [(None, JobStatus.SUCCEEDED)] * 3
    assert fake.calls("DescribeJobs") == 1
    assert clock.sleeps == []


def test_no_jobs_no_request(fake: FakeAWS, clock: ManualClock) -> None:
    assert batch_of(fake).wait([], clock=clock) == []
    assert fake.calls("DescribeJobs") == 0


# ------------------------------------------------------------------------- many jobs


def test_1050_jobs_one_request_per_100_pending_jobs_per_poll(
    fake: FakeAWS, clock: ManualClock
) -> None:
    ids = [fake.add_job("q", job_id=f"j{i:04d}", status="SUBMITTED").job_id for i in range(1050)]
    fake.lifecycle.randomize(ids, seed=5, failure_rate=0.05, time_scale=0.3)
    batch = batch_of(fake)
    watch = batch.watch(ids, poll_interval=10, max_workers=4, clock=clock)
    per_poll: list[tuple[int, int]] = []  # (DescribeJobs calls so far, jobs pending next)
    clock.on_sleep = lambda _s: per_poll.append(
        (fake.calls("DescribeJobs"), len(watch.pending_ids))
    )
    with watch:
        changes = list(watch)
    calls = [c for c, _ in per_poll] + [fake.calls("DescribeJobs")]
    pending = [1050] + [p for _, p in per_poll]
    made = [calls[0]] + [b - a for a, b in itertools.pairwise(calls)]
    assert made == [math.ceil(p / 100) for p in pending]  # ceil(pending / 100) per poll
    assert made[0] == 11
    assert len(made) > 5
    assert sum(made) == watch.requests_made == fake.calls("DescribeJobs")
    assert all(len(params["jobs"]) <= 100 for op, params in fake.requests if op == "DescribeJobs")
    # every job: first sighting, then strictly changing statuses, ending terminal
    by_job: dict[str, list[StatusChange]] = {}
    for change in changes:
        by_job.setdefault(change.job_id, []).append(change)
    assert list(by_job) == ids  # first sightings come in input order
    for job_changes in by_job.values():
        assert job_changes[0].old is None
        assert all(a.new == b.old for a, b in itertools.pairwise(job_changes))
        assert all(c.old != c.new for c in job_changes)
        assert job_changes[-1].new.is_terminal
    assert watch.done
    assert not batchkit_threads()


# ------------------------------------------------------------------------- interval


def test_interval_grows_while_quiet_and_resets_on_a_change(
    fake: FakeAWS, clock: ManualClock
) -> None:
    job = fake.add_job("q", status="SUBMITTED").job_id
    fake.lifecycle.schedule(job, [("RUNNABLE", 300), ("SUCCEEDED", 900)])
    list(batch_of(fake).watch([job], poll_interval=(2, 30), clock=clock))
    base, change_seen = 2.0, False
    elapsed = 0.0
    for sleep in clock.sleeps:
        assert max(2.0, 0.8 * base) - 1e-9 <= sleep <= min(30.0, 1.2 * base) + 1e-9
        elapsed += sleep
        if elapsed >= 300 and not change_seen:  # the next poll sees RUNNABLE
            change_seen, base = True, 2.0
        else:
            base = min(base * 1.5, 30.0)
    assert clock.sleeps[0] <= 2.4  # fast at first
    assert max(clock.sleeps) > 24  # reached the ceiling (jittered)
    assert len(set(clock.sleeps)) > len(clock.sleeps) // 2  # jittered, not a fixed ladder
    after_change = next(i for i, s in enumerate(clock.sleeps) if sum(clock.sleeps[: i + 1]) > 300)
    assert clock.sleeps[after_change + 1] <= 2.4  # back to the shortest after RUNNABLE


def test_poll_schedule_rules() -> None:
    schedule = PollSchedule(2, 60, rng=random.Random(1))
    quiet = [schedule.next(changed=False, failed=False) for _ in range(12)]
    assert all(2 <= d <= 60 for d in quiet)
    assert schedule.base == 60
    schedule = PollSchedule(2, 60, rng=random.Random(1))
    failed = [schedule.base for _ in range(5) if schedule.next(changed=False, failed=True)]
    assert failed == [4, 8, 16, 32, 60]
    fixed = PollSchedule(5, 5)
    assert {fixed.next(changed=c, failed=f) for c in (True, False) for f in (True, False)} == {5}


# ------------------------------------------------------------------------- until, timeout


def test_until_running_counts_jobs_that_went_past_it(fake: FakeAWS, clock: ManualClock) -> None:
    fast = fake.add_job("q", job_id="fast", status="RUNNABLE").job_id
    slow = fake.add_job("q", job_id="slow", status="RUNNABLE").job_id
    array = fake.add_job("q", job_id="arr", status="SUBMITTED", array_size=3).job_id
    fake.lifecycle.schedule(fast, [("RUNNING", 1), ("SUCCEEDED", 2)])  # past RUNNING unseen
    fake.lifecycle.schedule(slow, [("STARTING", 30), ("RUNNING", 50)])
    fake.lifecycle.schedule(f"{array}:1", [("RUNNABLE", 20), ("RUNNING", 40)])
    details = batch_of(fake).wait(
        ["fast", "slow", "arr"], until={JobStatus.RUNNING}, poll_interval=10, clock=clock
    )
    statuses = {d.job_id: d.status.value for d in details}
    assert statuses == {"fast": "SUCCEEDED", "slow": "RUNNING", "arr": "PENDING"}
    assert clock.monotonic() == 50  # slow is the last one
    assert details[2].array_properties is not None
    assert details[2].array_properties.status_summary is not None
    assert details[2].array_properties.status_summary["RUNNING"] == 1


def test_timeout_carries_every_jobs_last_details(fake: FakeAWS, clock: ManualClock) -> None:
    done = fake.add_job("q", job_id="done", status="RUNNING").job_id
    stuck = fake.add_job("q", job_id="stuck", status="RUNNABLE").job_id
    fake.lifecycle.schedule(done, [("SUCCEEDED", 30)])
    batch = batch_of(fake)
    with pytest.raises(WaitTimeoutError) as info:
        batch.wait([done, stuck], timeout=timedelta(minutes=5), clock=clock)
    error = info.value
    assert isinstance(error, TimeoutError)
    assert [d.job_id for d in error.details] == ["done", "stuck"]
    assert [d.status.value for d in error.details] == ["SUCCEEDED", "RUNNABLE"]
    assert error.pending_ids == ("stuck",)
    assert [d.job_id for d in error.pending] == ["stuck"]
    assert error.timeout == timedelta(minutes=5)
    assert "1 job(s) not done: stuck" in str(error)
    assert clock.monotonic() == 300  # the last poll is at the deadline, not past it
    described_last = fake.requests[-1]
    assert described_last == ("DescribeJobs", {"jobs": ["stuck"]})


def test_watch_raises_the_timeout_after_the_events(fake: FakeAWS, clock: ManualClock) -> None:
    job = fake.add_job("q", status="RUNNING").job_id
    seen: list[StatusChange] = []

    def follow() -> None:
        for change in batch_of(fake).watch([job], timeout=60, clock=clock):
            seen.append(change)

    with pytest.raises(WaitTimeoutError):
        follow()
    assert [c.new for c in seen] == [JobStatus.RUNNING]
    assert clock.monotonic() == 60


def test_unknown_ids_are_a_typed_error_before_any_event(fake: FakeAWS, clock: ManualClock) -> None:
    known = fake.add_job("q", status="RUNNING")
    gone = "arn:aws:batch:us-east-1:123456789012:job/gone"
    watch = batch_of(fake).watch([known.job_id, "nope", gone], clock=clock, visibility_grace=0)
    with pytest.raises(JobNotFoundError) as info:
        next(watch)
    assert info.value.job_ids == ("nope", gone)  # as given
    assert not isinstance(info.value, JobGoneError)
    with pytest.raises(JobNotFoundError):
        batch_of(fake).wait(["nope"], clock=clock)


def test_a_job_not_visible_yet_is_waited_for_then_unknown_after_the_grace(
    fake: FakeAWS, clock: ManualClock
) -> None:
    """Issue 22 item 5: DescribeJobs is eventually consistent right after SubmitJob.  A job
    it leaves out is "not visible yet" for ``visibility_grace`` (default 30 s, on the
    watch's clock); one that never shows up is then JobNotFoundError."""
    late = fake.add_job("q", job_id="late", status="SUBMITTED")
    fake.hide_job(late.job_id, seconds=10)
    fake.lifecycle.schedule(late.job_id, [("RUNNABLE", 20), ("SUCCEEDED", 40)])
    changes = list(batch_of(fake).watch([late.job_id], clock=clock))
    assert changes[0].old is None  # first seen once visible (at 10 s or later)
    assert changes[-1].new == JobStatus.SUCCEEDED
    assert clock.monotonic() >= 40

    start = clock.monotonic()
    with pytest.raises(JobNotFoundError) as info:
        batch_of(fake).wait(["never"], clock=clock)
    assert not isinstance(info.value, JobGoneError)
    assert 30 <= clock.monotonic() - start <= 30 + 60  # the grace, then the next poll
    with pytest.raises(JobNotFoundError):
        batch_of(fake).wait(["never"], clock=clock, visibility_grace=timedelta(seconds=5))


def test_a_job_seen_then_gone_is_a_distinct_error(fake: FakeAWS, clock: ManualClock) -> None:
    """Issue 22 item 5: a job DescribeJobs returned and then stops returning aged out."""
    job = fake.add_job("q", status="RUNNING")

    def vanish(_seconds: float) -> None:
        fake.hide_job(job.job_id)  # for good

    clock.on_sleep = vanish
    watch = batch_of(fake).watch([job.job_id], clock=clock)
    assert next(watch).new == JobStatus.RUNNING
    with pytest.raises(JobGoneError, match="aged out") as info:
        next(watch)
    assert isinstance(info.value, JobNotFoundError)
    assert info.value.job_ids == (job.job_id,)


@pytest.mark.parametrize("grace", [-1, "30s", float("nan")])
def test_a_bad_visibility_grace_fails_before_any_request(
    fake: FakeAWS, clock: ManualClock, grace: object
) -> None:
    with pytest.raises(InvalidParameterError, match="visibility_grace"):
        batch_of(fake).watch(["j"], clock=clock, visibility_grace=grace)  # type: ignore[arg-type]
    assert fake.calls("DescribeJobs") == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"job_ids": "j1"}, "job_ids: expected an iterable"),
        ({"job_ids": [3]}, "job_ids item: expected a job id"),
        ({"job_ids": [""]}, "job_ids item: must not be empty"),
        ({"until": "RUNNING"}, "until: expected a set of statuses"),
        ({"until": []}, "until: empty"),
        ({"until": {"DONE"}}, "until: 'DONE' is not a known JobStatus"),
        ({"timeout": -1}, "timeout: must be a positive"),
        ({"timeout": "2h"}, "timeout: expected seconds"),
        ({"poll_interval": (5, 1)}, "poll_interval: the shortest interval"),
        ({"poll_interval": 0}, "poll_interval: must be a positive"),
        ({"poll_interval": float("nan")}, "poll_interval: must be a positive"),
        ({"poll_interval": (1, 2, 3)}, "poll_interval: give one interval"),
        ({"max_workers": 0}, "max_(workers|concurrency): must be between 1 and 10"),
        # both ends of every duration (issue 22, item 16): raw OverflowError, or a busy loop
        ({"poll_interval": 1e10}, r"poll_interval: must be at most 366 days \(31622400 s\)"),
        ({"poll_interval": timedelta(days=200_000)}, "poll_interval: must be at most 366 days"),
        ({"poll_interval": (1, 1e10)}, "poll_interval: must be at most 366 days"),
        ({"poll_interval": 1e-9}, r"poll_interval: must be at least 0.1 s \(shorter is a busy"),
        ({"poll_interval": (0.05, 5)}, "poll_interval: must be at least 0.1 s"),
        ({"timeout": 1e10}, "timeout: must be at most 366 days"),
        ({"timeout": timedelta(days=200_000)}, "timeout: must be at most 366 days"),
        ({"timeout": timedelta.max}, "timeout: must be at most 366 days"),
    ],
)
def test_bad_arguments_fail_before_any_request(
    fake: FakeAWS, clock: ManualClock, kwargs: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {"job_ids": ["j1"], "clock": clock, **kwargs}
    with pytest.raises(InvalidParameterError, match=message):
        batch_of(fake).watch(**arguments)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=message):
        batch_of(fake).wait(**arguments)  # type: ignore[arg-type]
    assert fake.calls("DescribeJobs") == 0


def test_the_duration_bounds_themselves_are_accepted(fake: FakeAWS, clock: ManualClock) -> None:
    job = fake.add_job("q", status="SUCCEEDED")
    for interval in (0.1, (0.1, 366 * 86_400), timedelta(days=366)):
        done = batch_of(fake).wait([job.job_id], poll_interval=interval, clock=clock)
        assert [d.job_id for d in done] == [job.job_id]
    batch_of(fake).wait([job.job_id], timeout=timedelta(days=366), clock=clock)


# ------------------------------------------------------------------------- interruption


@pytest.mark.sync_only  # threads / Ctrl-C; the async twins are in tests/aio/test_aio_watch.py
def test_ctrl_c_during_a_poll_leaves_no_threads(fake: FakeAWS, clock: ManualClock) -> None:
    ids = [fake.add_job("q", status="RUNNING").job_id for _ in range(450)]
    fake.inject(Fault(kind="interrupt", operation="DescribeJobs", on_call=8))  # 2nd poll
    watch = batch_of(fake).watch(ids, max_workers=4, clock=clock)
    with pytest.raises(KeyboardInterrupt):
        for _ in watch:
            pass
    assert not batchkit_threads()
    # iterating again makes the interrupted poll again and goes on (issue 22 item 4)
    for job_id in ids:
        fake.set_job_status(job_id, "SUCCEEDED")
    changes = list(watch)
    assert [(c.old, c.new) for c in changes] == [(JobStatus.RUNNING, JobStatus.SUCCEEDED)] * 450
    assert watch.done


@pytest.mark.sync_only  # threads / Ctrl-C; the async twins are in tests/aio/test_aio_watch.py
def test_ctrl_c_while_sleeping(fake: FakeAWS, clock: ManualClock) -> None:
    job = fake.add_job("q", status="RUNNING").job_id

    def press_ctrl_c(_seconds: float) -> None:
        raise KeyboardInterrupt

    clock.on_sleep = press_ctrl_c
    with pytest.raises(KeyboardInterrupt):
        batch_of(fake).wait([job], clock=clock)
    assert fake.calls("DescribeJobs") == 1


def test_a_watch_interrupted_while_waiting_goes_on_when_iterated_again(
    fake: FakeAWS, clock: ManualClock
) -> None:
    """Issue 22 item 4: after Ctrl-C during the wait between polls, iterating again finishes
    the wait and reports later changes (it used to yield nothing, with done False)."""
    job = fake.add_job("q", status="RUNNING").job_id
    pressed: list[float] = []

    def press_ctrl_c_once(seconds: float) -> None:
        if not pressed:
            pressed.append(seconds)
            raise KeyboardInterrupt

    clock.on_sleep = press_ctrl_c_once
    watch = batch_of(fake).watch([job], clock=clock)
    assert next(watch).new == JobStatus.RUNNING
    with pytest.raises(KeyboardInterrupt):
        next(watch)  # interrupted in the wait
    fake.set_job_status(job, "FAILED")
    rest = list(watch)
    assert [(c.old, c.new) for c in rest] == [(JobStatus.RUNNING, JobStatus.FAILED)]
    assert watch.done
    assert fake.calls("DescribeJobs") == 2


@pytest.mark.sync_only  # threads / Ctrl-C; the async twins are in tests/aio/test_aio_watch.py
def test_close_from_another_thread_wakes_a_sleeping_watch(fake: FakeAWS) -> None:
    job = fake.add_job("q", status="RUNNING").job_id
    watch = batch_of(fake).watch([job], poll_interval=3600, clock=SystemClock())
    first = threading.Event()
    seen: list[StatusChange] = []

    def follow() -> None:
        for change in watch:
            seen.append(change)
            first.set()

    thread = threading.Thread(target=follow)
    thread.start()
    assert first.wait(30)
    watch.close()  # the thread is (about to be) asleep for an hour
    thread.join(30)
    assert not thread.is_alive()
    assert [c.new for c in seen] == [JobStatus.RUNNING]
    assert fake.calls("DescribeJobs") == 1


def test_close_ends_iteration(fake: FakeAWS, clock: ManualClock) -> None:
    job = fake.add_job("q", status="RUNNING").job_id
    with batch_of(fake).watch([job], clock=clock) as watch:
        assert next(watch).new == JobStatus.RUNNING
    with pytest.raises(StopIteration):
        next(watch)
    assert fake.calls("DescribeJobs") == 1


# ------------------------------------------------------------------------- throttling


def scheduled_jobs(fake: FakeAWS, n: int) -> list[str]:
    ids = [fake.add_job("q", job_id=f"j{i:03d}", status="SUBMITTED").job_id for i in range(n)]
    for i, job_id in enumerate(ids):
        fake.lifecycle.schedule(
            job_id, [("RUNNABLE", 10 + i % 7), ("RUNNING", 40), ("SUCCEEDED", 60 + i % 30)]
        )
    return ids


def transitions(changes: list[StatusChange]) -> list[tuple[str, str | None, str]]:
    return [(c.job_id, None if c.old is None else c.old.value, c.new.value) for c in changes]


def test_throttling_retried_by_botocore_is_invisible(clock: ManualClock) -> None:
    calm = FakeAWS(now=clock.now)
    watch = batch_of(calm).watch(scheduled_jobs(calm, 250), poll_interval=5, clock=clock)
    expected = transitions(list(watch))
    clock = ManualClock()
    fake = FakeAWS(now=clock.now)
    ids = scheduled_jobs(fake, 250)
    for call in (2, 5, 9, 10):
        fake.inject(Fault(operation="DescribeJobs", on_call=call))  # 429 TooManyRequests
    retrying = Config(retries={"mode": "standard", "max_attempts": 3})
    changes = list(batch_of(fake, retrying).watch(ids, poll_interval=5, clock=clock))
    assert transitions(changes) == expected
    assert set(clock.sleeps) == {5}  # nothing failed: no extra backoff
    assert fake.calls("DescribeJobs") == calm.calls("DescribeJobs") + 4  # one retry each


def test_throttling_after_retries_backs_off_and_loses_nothing(
    fake: FakeAWS, clock: ManualClock
) -> None:
    ids = scheduled_jobs(fake, 250)
    # the 2nd poll's second chunk and the whole 3rd poll fail even after botocore's retries
    fake.inject(Fault(operation="DescribeJobs", on_call=5))
    for call in (7, 8, 9):
        fake.inject(Fault(operation="DescribeJobs", on_call=call))
    changes = list(batch_of(fake).watch(ids, poll_interval=(4, 60), clock=clock))
    once = transitions(changes)
    assert len(once) == len(set(once))
    for job_id in ids:  # the failed chunks' jobs were described again at the next poll
        assert [t for t in once if t[0] == job_id] == [
            (job_id, None, "SUBMITTED"),
            (job_id, "SUBMITTED", "RUNNABLE"),
            (job_id, "RUNNABLE", "RUNNING"),
            (job_id, "RUNNING", "SUCCEEDED"),
        ]
    # after each failed poll the interval doubles (from 4 s: 8 s, then 16 s), jittered
    assert 6.4 <= clock.sleeps[1] <= 9.6
    assert 12.8 <= clock.sleeps[2] <= 19.2


def test_throttling_that_never_stops_is_raised(fake: FakeAWS, clock: ManualClock) -> None:
    job = fake.add_job("q", status="RUNNING").job_id
    fake.inject(Fault(operation="DescribeJobs", on_call=None, times=1000))
    with pytest.raises(ThrottlingError):
        batch_of(fake).wait([job], clock=clock)
    assert fake.calls("DescribeJobs") == MAX_FAILED_POLLS
    assert len(clock.sleeps) == MAX_FAILED_POLLS - 1
    assert not batchkit_threads()


def test_access_denied_is_raised_at_once(fake: FakeAWS, clock: ManualClock) -> None:
    job = fake.add_job("q", status="RUNNING").job_id
    fake.inject(Fault(code="AccessDeniedException", status=403, operation="DescribeJobs"))
    with pytest.raises(Exception, match="AccessDenied"):
        batch_of(fake).wait([job], clock=clock)
    assert fake.calls("DescribeJobs") == 1


# ------------------------------------------------------------------------- arrays


def test_array_parent_reports_child_progress(fake: FakeAWS, clock: ManualClock) -> None:
    parent = fake.add_job("q", job_id="sweep", status="SUBMITTED", array_size=40).job_id
    fake.lifecycle.randomize([parent], seed=2, failure_rate=0.1)
    batch = batch_of(fake)
    changes = list(batch.watch([parent], poll_interval=5, clock=clock))
    statuses = [c.new.value for c in changes if c.status_changed]
    assert statuses[:2] == ["SUBMITTED", "PENDING"]  # AWS never shows a parent RUNNING
    assert statuses[-1] == "FAILED"  # one child failed (seed 2)
    progress = [c.progress for c in changes]
    assert all(p is not None and p.size == 40 for p in progress)
    done = [p.done for p in progress if p is not None]
    assert done == sorted(done)
    assert done[-1] == 40
    quiet = [c for c in changes if not c.status_changed]
    assert len(quiet) > 5  # progress-only reports while the parent stays PENDING
    assert all(c.old == c.new == JobStatus.PENDING for c in quiet)
    assert all(a != b for a, b in itertools.pairwise(progress))  # each report is a change
    last = changes[-1].progress
    assert last is not None
    assert last.failed >= 1
    assert last.fraction == 1.0
    # the summary agrees with the children as ListJobs lists them
    children = {
        s.value: sum(1 for _ in batch.list_jobs(array_job_id=parent, status=s)) for s in JobStatus
    }
    assert {k: v for k, v in last.counts.items() if v} == {k: v for k, v in children.items() if v}


def test_progress_false_reports_status_changes_only(fake: FakeAWS, clock: ManualClock) -> None:
    parent = fake.add_job("q", status="SUBMITTED", array_size=10).job_id
    fake.lifecycle.randomize([parent], seed=4, failure_rate=0)
    changes = list(batch_of(fake).watch([parent], progress=False, clock=clock))
    assert [c.new.value for c in changes] == ["SUBMITTED", "PENDING", "SUCCEEDED"]


def test_steps_with_exit_codes_and_retries(fake: FakeAWS, clock: ManualClock) -> None:
    job = fake.add_job("q", status="RUNNABLE").job_id
    fake.lifecycle.schedule(
        job,
        [
            ("RUNNING", 10),
            Step("RUNNABLE", 20, reason="Host EC2 terminated"),
            ("RUNNING", 30),
            Step("FAILED", 40, exit_code=137, reason="OutOfMemoryError"),
        ],
    )
    changes = list(batch_of(fake).watch([job], poll_interval=5, clock=clock))
    assert [c.new.value for c in changes] == [
        "RUNNABLE",
        "RUNNING",
        "RUNNABLE",
        "RUNNING",
        "FAILED",
    ]
    final = changes[-1].detail
    assert final.exit_code == 137
    assert final.status_reason == "OutOfMemoryError"
    assert final.attempts is not None
    assert len(final.attempts) == 2


def test_a_poll_validates_only_what_it_needs(fake: FakeAWS, clock: ManualClock) -> None:
    """Issue 24 item 3: a poll reads ids, statuses, reasons, times and array progress; the
    nested members of each detail (container, attempts...) stay JSON text until the user
    reads them (JobDetail is lazy), and are then the full detail."""
    ids = [fake.add_job("q", status="RUNNING").job_id for _ in range(150)]
    parent = fake.add_job("q", status="PENDING", array_size=3).job_id
    batch = batch_of(fake)
    with batch.watch([*ids, parent], clock=clock) as watch:
        first = list(itertools.islice(watch, len(ids) + 1))
    plain = [change.detail for change in first if change.job_id != parent]
    assert all(detail.__pydantic_private__ for detail in plain)  # nested members unread
    assert plain[0].container is not None  # the full detail on demand
    assert not plain[0].__pydantic_private__
