"""batchkit.aio: requests running in tasks of their own (fetching ahead, describing side by
side) end where the consumer can see them -- found by an attack on round 3's fetch-ahead:

- a Ctrl-C inside one of ``describe_jobs``' (or ``watch``'s) concurrent DescribeJobs escaped
  the event loop (out of ``asyncio.run``): the consumer could neither catch it nor go on;
- closing a listing of several statuses left a sub-listing's fetch running, and a failed
  fetch nobody read was logged by asyncio ("Task exception was never retrieved");
- a page fetched ahead that failed and was never read (a listing dropped, or resumed by a
  new one from its token) was logged the same way.

No real time passes: a request that must stay in flight awaits an event never set."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

pytest.importorskip("aiobotocore")

from batchkit import BatchKitError
from batchkit.aio import AsyncBatchClient
from batchkit.testing import AWSErrorResponse, FakeAWS, Fault, ManualClock, serve
from tests.conftest import NO_RETRY, T0, aio_raw_client

pytestmark = pytest.mark.anyio


@pytest.fixture
async def logged() -> AsyncIterator[list[str]]:
    """What asyncio's exception handler was given while the test ran."""
    messages: list[str] = []
    loop = asyncio.get_running_loop()
    before = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: messages.append(context["message"]))
    try:
        yield messages
    finally:
        loop.set_exception_handler(before)


def failed_jobs(fake: FakeAWS, n: int, queue: str = "q") -> list[str]:
    return [fake.add_job(queue, job_id=f"j{i:04d}", status="FAILED").job_id for i in range(n)]


async def drain(items: Any, seen: list[str]) -> None:
    """Every item's job id into ``seen``, as far as iteration gets."""
    async for item in items:
        seen.append(item.job_id)


@pytest.mark.parametrize("concurrency", [1, 8])
@pytest.mark.parametrize("on_call", [1, 3])
async def test_ctrl_c_inside_a_concurrent_describe_reaches_the_consumer(
    concurrency: int, on_call: int
) -> None:
    fake = FakeAWS()
    ids = failed_jobs(fake, 1000)
    fake.inject(Fault(operation="DescribeJobs", on_call=on_call, kind="interrupt"))
    seen: list[str] = []
    async with fake.async_batch_client(NO_RETRY) as batch:
        details = batch.describe_jobs(ids, max_concurrency=concurrency)
        with pytest.raises(KeyboardInterrupt):
            await drain(details, seen)
        assert len(seen) == 100 * (on_call - 1)  # the chunks before the interrupted one
        seen += [job.job_id async for job in details]  # iterating again goes on
    assert seen == ids


@pytest.mark.parametrize("concurrency", [1, 8])
async def test_ctrl_c_inside_a_concurrent_watch_poll_reaches_the_consumer(
    concurrency: int,
) -> None:
    clock = ManualClock()
    fake = FakeAWS(now=clock.now)
    ids = [fake.add_job("q", job_id=f"j{i:04d}", status="SUCCEEDED").job_id for i in range(1000)]
    fake.inject(Fault(operation="DescribeJobs", on_call=3, kind="interrupt"))
    seen: list[str] = []
    async with fake.async_batch_client(NO_RETRY) as batch:
        watch = batch.watch(ids, clock=clock, max_concurrency=concurrency)
        with pytest.raises(KeyboardInterrupt):
            await drain(watch, seen)
        seen += [change.job_id async for change in watch]  # the poll again
    assert sorted(seen) == ids  # each job's change once


@pytest.mark.parametrize("shape", ["statuses", "queues and statuses", "queues"])
@pytest.mark.parametrize("second", ["in flight", "failed"])
async def test_closing_a_merged_listing_leaves_nothing_running_or_logged(
    shape: str, second: str, logged: list[str]
) -> None:
    """The first sub-listing's first page fails at once while another's is in flight (or
    fails too); the consumer leaves ``async with``."""
    fake = FakeAWS()
    for i in range(6):
        queue, status = ["alpha", "beta"][i % 2], ["FAILED", "SUCCEEDED"][i % 2]
        fake.add_job(queue, job_id=f"j{i}", status=status, created_at=T0 - timedelta(minutes=i))
    never = asyncio.Event()
    lists = 0

    async def answer(operation: str, params: dict[str, Any]) -> Any:
        nonlocal lists
        if operation == "ListJobs":
            lists += 1
            if lists == 1 or second == "failed":
                raise AWSErrorResponse("ServerException", "injected", 500)
            await never.wait()  # in flight for good
        return fake._answer("batch", operation, params)

    context = aio_raw_client()
    raw = await context.__aenter__()
    stop = serve(raw, answer)
    try:
        batch = AsyncBatchClient(raw)
        before = asyncio.all_tasks()
        queues = ["alpha"] if shape == "statuses" else ["alpha", "beta"]
        statuses = "FAILED" if shape == "queues" else ["SUCCEEDED", "FAILED"]
        listing = batch.list_jobs(queues if len(queues) > 1 else queues[0], status=statuses)
        with pytest.raises(BatchKitError):
            async with listing:
                await listing.first()
        for _ in range(5):
            await asyncio.sleep(0)  # cancelled tasks finish
        assert [t for t in asyncio.all_tasks() - before if not t.done()] == []
        del listing
        gc.collect()
        await asyncio.sleep(0)
        assert logged == []
    finally:
        stop()
        await context.__aexit__(None, None, None)


@pytest.mark.parametrize("how", ["closed", "resumed by a new listing", "dropped"])
async def test_a_failed_page_fetched_ahead_and_never_read_is_not_logged(
    how: str, logged: list[str]
) -> None:
    fake = FakeAWS()
    fake.add_queue("alpha")
    for i in range(12):
        fake.add_job(
            "alpha", job_id=f"j{i:03d}", status="FAILED", created_at=T0 - timedelta(minutes=i)
        )
    fake.inject(Fault(code="ServerException", status=500, operation="ListJobs", on_call=2))
    async with fake.async_batch_client(NO_RETRY) as batch:
        pager = batch.list_jobs("alpha", status="FAILED", page_size=4)
        first = await pager.__anext__()  # page 1; page 2 fetched ahead, and it fails
        for _ in range(20):
            await asyncio.sleep(0)
        token = pager.resume_token
        if how == "closed":
            await pager.aclose()
        elif how == "resumed by a new listing":
            pager = batch.list_jobs("alpha", status="FAILED", page_size=2, starting_token=token)
            rest = [job.job_id async for job in pager]
            assert [first.job_id, *rest] == [f"j{i:03d}" for i in range(12)]
        else:
            del pager
    gc.collect()
    await asyncio.sleep(0)
    assert logged == []
