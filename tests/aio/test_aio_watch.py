"""AsyncBatchClient.watch/wait: what only the async face has.  The watch's rules are shared
with the sync client (batchkit._core.watch.WatchCore) and tested on both faces in
tests/clients/test_watch.py; here: cancellation, aclose from another task, an awaited clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

pytest.importorskip("aiobotocore")

from batchkit import BatchKitError, InvalidParameterError, StatusChange, WaitTimeoutError
from batchkit.aio import AsyncBatchClient, AsyncSystemClock, AsyncWatch
from batchkit.models import JobStatus
from batchkit.testing import FakeAWS, ManualClock

pytestmark = pytest.mark.anyio


class AwaitedClock:
    """An asyncio-style clock for tests: ``sleep`` is a coroutine that yields to the event
    loop (so other tasks run) and advances simulated time -- no real waiting."""

    def __init__(self) -> None:
        self.manual = ManualClock()
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.manual.now()

    def monotonic(self) -> float:
        return self.manual.monotonic()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.sleep(0)
        self.manual.sleep(seconds)


def lifecycle(clock: AwaitedClock) -> tuple[FakeAWS, list[str]]:
    fake = FakeAWS(now=clock.now)
    ids = []
    for i in range(3):
        job = fake.add_job("q", job_id=f"j{i}", status="SUBMITTED").job_id
        fake.lifecycle.schedule(job, [("RUNNABLE", 5 + i), ("RUNNING", 20), ("SUCCEEDED", 60)])
        ids.append(job)
    return fake, ids


async def test_an_awaited_clock_drives_the_watch_and_wait() -> None:
    clock = AwaitedClock()
    fake, ids = lifecycle(clock)
    async with fake.async_batch_client() as batch:
        watch = batch.watch(ids, poll_interval=5, clock=clock)
        assert isinstance(watch, AsyncWatch)
        changes = [change async for change in watch]
    assert [(c.job_id, c.new.value) for c in changes if c.job_id == "j0"] == [
        ("j0", "SUBMITTED"),
        ("j0", "RUNNABLE"),
        ("j0", "RUNNING"),
        ("j0", "SUCCEEDED"),
    ]
    assert clock.sleeps  # every wait went through the awaited sleep
    assert set(clock.sleeps) == {5.0}
    assert watch.done
    assert watch.polls == fake.calls("DescribeJobs") == len(clock.sleeps) + 1


async def test_wait_returns_last_details_and_times_out_typed() -> None:
    clock = AwaitedClock()
    fake, ids = lifecycle(clock)
    async with fake.async_batch_client() as batch:
        with pytest.raises(WaitTimeoutError) as info:
            await batch.wait(ids, timeout=timedelta(seconds=30), poll_interval=5, clock=clock)
        assert [d.status for d in info.value.details] == [JobStatus.RUNNING] * 3
        assert info.value.pending_ids == tuple(ids)
        details = await batch.wait(ids, clock=clock)
    assert [d.job_id for d in details] == ids
    assert {d.status for d in details} == {JobStatus.SUCCEEDED}


async def test_arguments_are_checked_before_any_request() -> None:
    fake = FakeAWS()
    async with fake.async_batch_client() as batch:
        for bad in (
            {"job_ids": "j0"},
            {"job_ids": ["j0"], "until": []},
            {"job_ids": ["j0"], "timeout": -1},
            {"job_ids": ["j0"], "poll_interval": (5, 1)},
            {"job_ids": ["j0"], "max_concurrency": 0},
        ):
            with pytest.raises(InvalidParameterError):
                batch.watch(**bad)
    assert fake.requests == []
    with pytest.raises(Exception, match="not open"):
        AsyncBatchClient(session=fake.aio_session()).watch(["j0"])


async def test_a_cancelled_task_leaves_nothing_running() -> None:
    before = asyncio.all_tasks()
    fake = FakeAWS()
    job = fake.add_job("q", status="RUNNING").job_id
    async with fake.async_batch_client() as batch:
        seen: list[StatusChange] = []
        first = asyncio.Event()

        async def follow() -> None:
            async for change in batch.watch([job], poll_interval=3600):  # the real clock
                seen.append(change)
                first.set()

        task = asyncio.ensure_future(follow())
        await asyncio.wait_for(first.wait(), 30)
        await asyncio.sleep(0)  # the watch is now asleep for an hour
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert [c.new for c in seen] == [JobStatus.RUNNING]
        assert fake.calls("DescribeJobs") == 1
    assert asyncio.all_tasks() - before == set()  # nothing left running


async def test_aclose_from_another_task_wakes_a_sleeping_watch() -> None:
    fake = FakeAWS()
    job = fake.add_job("q", status="RUNNING").job_id
    async with fake.async_batch_client() as batch:
        watch = batch.watch([job], poll_interval=3600, clock=AsyncSystemClock())
        first = asyncio.Event()

        async def follow() -> list[StatusChange]:
            seen = []
            async for change in watch:
                seen.append(change)
                first.set()
            return seen

        task = asyncio.ensure_future(follow())
        await asyncio.wait_for(first.wait(), 30)
        await asyncio.sleep(0)
        await watch.aclose()  # the other task is asleep for an hour: it wakes and ends
        seen = await asyncio.wait_for(task, 30)
    assert [c.new for c in seen] == [JobStatus.RUNNING]
    assert fake.calls("DescribeJobs") == 1
    assert not watch.done


async def test_wait_after_the_watch_was_closed_says_so() -> None:
    clock = AwaitedClock()
    fake, ids = lifecycle(clock)
    async with fake.async_batch_client() as batch:
        watch = batch.watch(ids, clock=clock)
        assert (await watch.__anext__()).new == JobStatus.SUBMITTED
        await watch.aclose()
        with pytest.raises(StopAsyncIteration):
            await watch.__anext__()
        assert [j.job_id for j in watch.jobs] == ids  # the last details are kept
        with pytest.raises(BatchKitError, match="closed with 3 job"):
            await watch._drain()  # what wait() does: a closed watch is no silent short result


class HeldClock(AwaitedClock):
    """An awaited clock whose waits hold until ``gate`` is set (a wait a test can time out)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        await self.gate.wait()
        await super().sleep(seconds)


@pytest.mark.parametrize("where", ["wait", "poll"])
async def test_a_watch_timed_out_by_wait_for_goes_on_when_iterated_again(where: str) -> None:
    """Issue 22 item 4: ``wait_for(watch.__anext__(), ...)`` times out during the wait
    between polls (or during a poll); iterating again reports the later changes."""
    clock = HeldClock()
    fake = FakeAWS(now=clock.now)
    job = fake.add_job("q", status="RUNNING").job_id
    async with fake.async_batch_client() as batch:
        watch = batch.watch([job], clock=clock)
        assert (await watch.__anext__()).new == JobStatus.RUNNING
        if where == "poll":
            clock.gate.set()
            fake.set_latency(5, operation="DescribeJobs")
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(watch.__anext__(), 0.05)
        assert not watch.done
        clock.gate.set()
        fake.set_latency(0, operation="DescribeJobs")
        fake.set_job_status(job, "SUCCEEDED")
        rest = [change async for change in watch]
    assert [(c.old, c.new) for c in rest] == [(JobStatus.RUNNING, JobStatus.SUCCEEDED)]
    assert watch.done


async def test_a_watch_refuses_a_second_concurrent_task() -> None:
    clock = HeldClock()
    fake = FakeAWS(now=clock.now)
    job = fake.add_job("q", status="RUNNING").job_id
    async with fake.async_batch_client() as batch:
        watch = batch.watch([job], clock=clock)
        await watch.__anext__()
        waiting = asyncio.ensure_future(watch.__anext__())  # held in the wait
        await asyncio.sleep(0)
        with pytest.raises(BatchKitError, match="one consumer at a time"):
            await watch.__anext__()
        await watch.aclose()
        clock.gate.set()
        with pytest.raises(StopAsyncIteration):
            await waiting
