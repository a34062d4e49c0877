"""batchkit.aio: what only the async face has -- cancellation, concurrency, tasks, the
event loop.  The behavioural tests shared with the sync client run on both faces through
the ``face`` fixture (tests/conftest.py); these are the async-only ones."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

pytest.importorskip("aiobotocore")

from batchkit import BatchClient, BatchKitError, InvalidParameterError, JobFilter
from batchkit.aio import AsyncBatchClient, AsyncJobPager, AsyncS3BatchOperationsClient
from batchkit.testing import FakeAWS, RawReply, serve
from tests.conftest import NO_RETRY, raw_client

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)


def seeded(n: int) -> FakeAWS:
    fake = FakeAWS(now=lambda: NOW)
    for i in range(n):
        fake.add_job(
            "q",
            job_id=f"j{i:04d}",
            job_name=f"train-{i % 3}",
            status="RUNNING",
            created_at=NOW - timedelta(minutes=i),
        )
    return fake


def ids(jobs: Any) -> list[str]:
    return [job.job_id for job in jobs]


class Gate:
    """A responder wrapper that holds requests until released, counting those in flight:
    concurrency and cancellation are observed, not timed (no sleeps)."""

    def __init__(self, fake: FakeAWS) -> None:
        self.fake = fake
        self.open = asyncio.Event()
        self.open.set()
        self.in_flight = 0
        self.peak = 0
        self.started = 0
        self.arrived = asyncio.Event()
        self.waiting = 0

    async def answer(self, service: str, operation: str, params: dict[str, Any]) -> Any:
        self.started += 1
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        self.arrived.set()
        try:
            for _ in range(3):  # let the other tasks run: real interleaving
                await asyncio.sleep(0)
            self.waiting += 1
            try:
                await self.open.wait()
            finally:
                self.waiting -= 1
            return self.fake._answer(service, operation, params)
        finally:
            self.in_flight -= 1

    async def held(self) -> None:
        """Until a request waits at the closed gate (bounded: a test never hangs)."""
        for _ in range(10_000):
            if self.waiting:
                return
            await asyncio.sleep(0)
        raise AssertionError("no request reached the gate")

    def attach(self, client: AsyncBatchClient) -> Callable[[], None]:
        def async_answer(operation: str, params: dict[str, Any]) -> Awaitable[Any]:
            return self.answer("batch", operation, params)

        return serve(client.client, async_answer)


async def opened(fake: FakeAWS) -> AsyncBatchClient:
    return await fake.async_batch_client(NO_RETRY).open()


def other_tasks(before: set[asyncio.Task[Any]]) -> set[asyncio.Task[Any]]:
    """Tasks started since ``before`` (the current one excluded) that have not finished."""
    current = asyncio.current_task()
    return {t for t in asyncio.all_tasks() - before if t is not current and not t.done()}


# ---------------------------------------------------------------------- the basics


async def test_async_for_first_take_pages_peek_and_tokens() -> None:
    fake = seeded(25)
    async with fake.async_batch_client() as batch:
        pager = batch.list_jobs("q", status="RUNNING", page_size=10)
        assert isinstance(pager, AsyncJobPager)
        assert pager.requests_made == 0
        assert await pager.peek(3) == await pager.peek(3)
        first = await pager.first()
        assert first is not None
        assert first.job_id == "j0000"
        assert ids(await pager.take(4)) == [f"j{i:04d}" for i in range(1, 5)]
        pages = [page async for page in pager.pages()]
        assert [len(p.items) for p in pages] == [5, 10, 5]
        assert pages[-1].next_token is None
        assert pager.done
        assert pager.resume_token is None
        every = [job.job_id async for job in batch.list_jobs("q", status="RUNNING")]
        assert every == [f"j{i:04d}" for i in range(25)]


async def test_tokens_are_shared_between_the_sync_and_the_async_pager() -> None:
    fake = seeded(30)
    sync = fake.batch_client()
    pager = sync.list_jobs("q", status="RUNNING", page_size=7)
    head = ids(pager.take(11))
    async with fake.async_batch_client() as batch:
        apager = batch.list_jobs(
            "q", status="RUNNING", page_size=7, starting_token=pager.resume_token
        )
        middle = ids(await apager.take(9))
        tail = ids(sync.list_jobs("q", status="RUNNING", starting_token=apager.resume_token))
    assert head + middle + tail == [f"j{i:04d}" for i in range(30)]


async def test_arguments_are_checked_before_any_request_as_the_sync_client_checks_them() -> None:
    fake = seeded(1)
    sync = fake.batch_client()
    async with fake.async_batch_client() as batch:
        calls: list[Callable[[Any], object]] = [
            lambda c: c.list_jobs("q", page_size=0),
            lambda c: c.list_jobs("q", status="FAIL"),
            lambda c: c.list_jobs(),
            lambda c: c.list_jobs("q", filter="train-*"),
            lambda c: c.list_jobs("q", starting_token="forged"),
            lambda c: c.list_service_jobs("q", page_size=101),
        ]
        for call in calls:
            with pytest.raises(InvalidParameterError) as sync_error:
                call(sync)
            with pytest.raises(InvalidParameterError) as async_error:
                call(batch)
            assert str(async_error.value) == str(sync_error.value)
        with pytest.raises(InvalidParameterError, match="max_concurrency"):
            batch.describe_jobs(["j"], max_concurrency=0)
        with pytest.raises(InvalidParameterError, match="job_ids"):
            batch.describe_jobs("j0000")
    assert fake.requests == []


async def test_an_unopened_client_says_how_to_open_it() -> None:
    batch = seeded(1).async_batch_client()
    with pytest.raises(BatchKitError, match="async with AsyncBatchClient"):
        batch.list_jobs("q")
    await batch.open()
    try:
        assert len(await batch.list_jobs("q").to_list()) == 1
    finally:
        await batch.aclose()
    with pytest.raises(BatchKitError, match="not open"):
        batch.describe_jobs(["j"])


async def test_client_arguments_are_checked() -> None:
    with pytest.raises(InvalidParameterError, match="synchronous"):
        AsyncBatchClient(raw_client("batch"))
    with pytest.raises(InvalidParameterError, match="not both"):
        AsyncBatchClient(raw_client("batch"), region_name="us-east-1")
    with pytest.raises(InvalidParameterError, match="AioSession"):
        AsyncBatchClient(session=object())  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="config"):
        AsyncBatchClient(config={"retries": 3})  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="account_id"):
        AsyncS3BatchOperationsClient("evil.example.com#")


async def test_a_client_you_pass_stays_yours() -> None:
    fake = seeded(3)
    session = fake.aio_session()
    async with session.create_client("batch", config=NO_RETRY) as raw:
        async with AsyncBatchClient(raw) as batch:
            assert batch.client is raw
            assert len(await batch.list_jobs("q", status="RUNNING").to_list()) == 3
        # leaving batchkit's block did not close your client
        assert (await raw.list_jobs(jobQueue="q", jobStatus="RUNNING"))["jobSummaryList"]


async def test_s3_batch_operations() -> None:
    fake = FakeAWS(now=lambda: NOW)
    for i in range(5):
        fake.add_s3_job(status="Active" if i % 2 else "Complete", created=NOW)
    async with fake.async_s3_client() as s3:
        assert s3.account_id == fake.account_id
        assert len(await s3.list_jobs(page_size=2).to_list()) == 5
        active = await s3.list_jobs(["Active"]).to_list()
        assert [job.status for job in active] == ["Active", "Active"]


# ---------------------------------------------------------------------- cancellation


async def test_a_cancelled_task_leaves_nothing_running_and_the_pager_resumable() -> None:
    before = asyncio.all_tasks()
    fake = seeded(30)
    async with await opened(fake) as batch:
        gate = Gate(fake)
        gate.attach(batch)
        pager = batch.list_jobs("q", status="RUNNING", page_size=10)
        got = ids(await pager.take(12))  # pages 1 and 2 read
        gate.open.clear()
        consumer = asyncio.ensure_future(pager.to_list())
        await gate.held()  # the request for page 2's rest... is in flight
        consumer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await consumer
        assert gate.in_flight == 0
        assert not other_tasks(before)
        token = pager.resume_token
        gate.open.set()
        rest = ids(await pager.to_list())  # the same pager carries on...
        again = ids(await batch.list_jobs("q", status="RUNNING", starting_token=token).to_list())
    assert got + rest == [f"j{i:04d}" for i in range(30)]
    assert again == rest  # ...and so does a new listing from its token


async def test_take_gives_back_what_it_read_when_cancelled() -> None:
    fake = seeded(30)
    async with await opened(fake) as batch:
        gate = Gate(fake)
        gate.attach(batch)
        pager = batch.list_jobs("q", status="RUNNING", page_size=10)
        start = pager.resume_token
        assert start is None
        gate.open.set()
        await pager.peek(1)
        gate.open.clear()
        taking = asyncio.ensure_future(pager.take(25))  # reads page 1, waits in page 2
        await gate.held()
        taking.cancel()
        with pytest.raises(asyncio.CancelledError):
            await taking
        gate.open.set()
        assert ids(await pager.to_list()) == [f"j{i:04d}" for i in range(30)]


async def test_aclose_ends_the_listing_and_keeps_the_resume_token() -> None:
    fake = seeded(10)
    async with fake.async_batch_client() as batch:
        async with batch.list_jobs("q", status="RUNNING", page_size=4) as pager:
            async for job in pager:
                if job.job_id == "j0005":
                    break
        assert pager.done
        assert [j async for j in pager] == []
        rest = batch.list_jobs("q", status="RUNNING", starting_token=pager.resume_token)
        assert ids(await rest.to_list()) == [f"j{i:04d}" for i in range(6, 10)]


async def test_describe_closed_early_cancels_what_runs_and_leaves_no_task() -> None:
    before = asyncio.all_tasks()
    fake = seeded(1000)
    async with await opened(fake) as batch:
        gate = Gate(fake)
        gate.attach(batch)
        async with batch.describe_jobs(
            [f"j{i:04d}" for i in range(1000)], max_concurrency=4
        ) as details:
            first = await details.first()
            assert first is not None
            assert first.job_id == "j0000"
            gate.open.clear()
        assert not other_tasks(before)
        assert gate.in_flight == 0
        assert gate.started <= 1 + 2 * 4  # the window, not all 10 chunks


async def test_a_cancelled_describe_is_resumable_and_loses_nothing() -> None:
    before = asyncio.all_tasks()
    fake = seeded(1000)
    wanted = [f"j{i:04d}" for i in range(1000)]
    async with await opened(fake) as batch:
        gate = Gate(fake)
        gate.attach(batch)
        details = batch.describe_jobs(wanted, max_concurrency=3)
        got = ids(await details.take(150))  # chunks 1 and 2 (of 10) answered
        gate.open.clear()
        consumer = asyncio.ensure_future(details.to_list())
        await gate.held()
        consumer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await consumer
        assert not other_tasks(before)
        gate.open.set()
        got += ids(await details.to_list())
    assert got == wanted
    assert details.missing_ids == ()


@pytest.mark.parametrize("max_concurrency", [1, 3])
async def test_a_cancel_while_the_input_awaits_a_page_keeps_the_input(
    max_concurrency: int,
) -> None:
    """Issue 22 item 2: ``wait_for(details.__anext__(), ...)`` times out while the input
    (a pager) awaits its page; iterating again reads on: all 90 jobs, nothing lost."""
    fake = seeded(90)
    fake.set_latency(0.2, operation="ListJobs")
    async with await opened(fake) as batch:
        details = batch.describe_jobs(
            batch.list_jobs("q", status="RUNNING", page_size=30), max_concurrency=max_concurrency
        )
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(details.__anext__(), 0.3)  # page 2 of 3 is awaited
        fake.set_latency(0, operation="ListJobs")
        got = ids(await details.to_list())
    assert got == [f"j{i:04d}" for i in range(90)]
    assert details.missing_ids == details.undescribed_ids == ()


# ---------------------------------------------------------------------- concurrency


async def test_describe_runs_up_to_max_concurrency_requests_at_once_in_order() -> None:
    fake = seeded(1000)
    wanted = [f"j{i:04d}" for i in reversed(range(1000))] + ["nope"]
    async with await opened(fake) as batch:
        gate = Gate(fake)
        gate.attach(batch)
        got = [job.job_id async for job in batch.describe_jobs(wanted, max_concurrency=4)]
        assert got == wanted[:-1]
        assert gate.peak == 4  # really concurrent, and never more
        assert gate.started == 11
        paced = Gate(fake)
        # the default: the first request alone, then up to 8 at once (here 2 are left)
        details = batch.describe_jobs(wanted[:300])
        stop = paced.attach(batch)
        assert len(await details.to_list()) == 300
        stop()
        assert paced.peak == 2
        assert details.missing_ids == ()


async def test_describe_failures_name_the_undescribed_ids_and_keep_the_rest() -> None:
    fake = seeded(300)
    fake.inject(code="ClientException", status=400, operation="DescribeJobs", on_call=2)
    async with await opened(fake) as batch:
        details = batch.describe_jobs([f"j{i:04d}" for i in range(300)], max_concurrency=3)
        got = ids(await details.take(200))
        with pytest.raises(BatchKitError) as info:
            await details.first()
    assert len(got) == 200
    assert set(info.value.undescribed_ids) == {f"j{i:04d}" for i in range(100, 200)}
    assert details.undescribed_ids == info.value.undescribed_ids


async def test_many_tasks_share_one_client_each_with_its_own_fast_path_capture() -> None:
    # Pages of different listings interleave in one thread: each task's before-parse
    # must see its own capture (a context variable, not a thread-local).
    fake = seeded(120)
    filters = [JobFilter.job_name("train-0"), JobFilter.job_name("train-1"), None]
    expected = [
        ids(fake.batch_client().list_jobs("q", filter=f, page_size=7))
        if f
        else ids(fake.batch_client().list_jobs("q", status="RUNNING", page_size=7))
        for f in filters
    ]
    async with await opened(fake) as batch:
        gate = Gate(fake)
        gate.attach(batch)

        async def listing(i: int) -> list[str]:
            f = filters[i % 3]
            pager = (
                batch.list_jobs("q", filter=f, page_size=7)
                if f
                else batch.list_jobs("q", status="RUNNING", page_size=7)
            )
            return [job.job_id async for job in pager]

        results = await asyncio.gather(*(listing(i) for i in range(9)))
    assert gate.peak > 1
    for i, got in enumerate(results):
        assert got == expected[i % 3]


async def test_a_pager_refuses_a_second_concurrent_task() -> None:
    fake = seeded(5)
    async with await opened(fake) as batch:
        gate = Gate(fake)
        gate.attach(batch)
        gate.open.clear()
        pager = batch.list_jobs("q", status="RUNNING", page_size=1)
        first = asyncio.ensure_future(pager.first())
        await gate.held()
        with pytest.raises(BatchKitError, match="another task"):
            await pager.first()
        gate.open.set()
        assert (await first) is not None
        assert ids(await pager.to_list()) == [f"j{i:04d}" for i in range(1, 5)]


async def test_latency_of_the_fake_does_not_block_the_event_loop() -> None:
    fake = seeded(3)
    fake.set_latency(0.05)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    async with await opened(fake) as batch:
        task = asyncio.ensure_future(ticker())
        assert len(await batch.list_jobs("q", status="RUNNING").to_list()) == 3
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert ticks > 10  # the loop ran other work while the response was "on the wire"


# ---------------------------------------------------------------------- errors, fixture


async def test_failures_are_typed_and_carry_the_resume_token() -> None:
    fake = seeded(10)
    fake.inject(kind="read-timeout", operation="ListJobs", on_call=2)
    async with await opened(fake) as batch:
        pager = batch.list_jobs("q", status="RUNNING", page_size=4)
        got = ids(await pager.take(4))
        with pytest.raises(BatchKitError) as info:
            await pager.to_list()
        assert type(info.value).__name__ == "RequestTimeoutError"
        rest = batch.list_jobs("q", status="RUNNING", starting_token=info.value.resume_token)
        assert got + ids(await rest.to_list()) == [f"j{i:04d}" for i in range(10)]


async def test_a_2xx_that_is_not_a_result_is_an_error_on_the_async_path_too() -> None:
    from aiobotocore.session import AioSession

    session = AioSession()
    session.set_credentials("testing", "testing")
    # aiobotocore takes a botocore Config (types-aiobotocore asks for an AioConfig)
    async with session.create_client("batch", region_name="us-east-1", config=NO_RETRY) as raw:  # type: ignore[call-overload]
        serve(raw, lambda _op, _params: RawReply(200, b"<html>proxy</html>"))
        with pytest.raises(BatchKitError, match="not valid JSON"):
            await AsyncBatchClient(raw).list_jobs("q").first()


async def test_the_pytest_fixture_answers_async_default_clients(batchkit_fake: FakeAWS) -> None:
    batchkit_fake.add_job("q", job_name="etl", status="FAILED", exit_code=2)
    async with AsyncBatchClient() as batch:
        job = await batch.list_jobs("q", status="FAILED").first()
        assert job is not None
        assert (await batch.describe_job(job.job_id)).exit_code == 2
    assert BatchClient().list_jobs("q", status="FAILED").first() == job  # same state
    async with AsyncS3BatchOperationsClient(batchkit_fake.account_id) as s3:
        assert await s3.list_jobs().to_list() == []


async def test_the_async_guide_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/async.md's ``py`` blocks (``python`` blocks run in tests/meta/test_docs.py, where
    aiobotocore may be missing) against the demo account."""
    import inspect
    import re
    from pathlib import Path

    from batchkit.testing.plugin import serve_default_session

    page = Path(__file__).parents[2] / "docs" / "async.md"
    blocks = re.findall(r"^```py\n(.*?)^```", page.read_text(), re.DOTALL | re.MULTILINE)
    assert len(blocks) >= 4
    fake = FakeAWS.demo(jobs=300)
    serve_default_session(fake, monkeypatch)
    monkeypatch.setattr("aiobotocore.session.get_session", fake.aio_session)
    namespace: dict[str, Any] = {"__name__": "docs_async"}
    for number, block in enumerate(blocks, start=1):
        exec(compile(block, f"async.md[block {number}]", "exec"), namespace)
    await namespace["report"]("cpu-spot")
    assert await namespace["with_my_client"]() >= 0
    assert await namespace["at_most_two_seconds"]("cpu-spot") is None  # read to the end
    fresh = FakeAWS()
    serve_default_session(fresh, monkeypatch)
    test = namespace["test_failed_jobs"]
    assert inspect.iscoroutinefunction(test)
    await test(fresh)


async def test_the_async_benchmark_compares_the_same_items() -> None:
    """bench/run_async.py runs (tiny sizes); timings are for ``nox -s bench_async``."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
    import run_async

    for row in (await run_async.bench_list_jobs(1, 300), await run_async.bench_describe(1, 150)):
        assert row["items"] in (300, 150)
        assert row["ratio"]["median"] > 0


async def test_the_fixture_simulates_aiobotocore_retry_time(batchkit_fake: FakeAWS) -> None:
    """Issue 23.18 on the async face: aiobotocore's endpoint sleeps with asyncio.sleep."""
    import time

    batchkit_fake.add_job("q", job_name="etl", status="FAILED", exit_code=2)
    batchkit_fake.inject(code="TooManyRequestsException", status=429, operation="ListJobs",
                         times=6)  # fmt: skip
    started = time.monotonic()
    async with AsyncBatchClient() as batch:
        assert [job.exit_code for job in await batch.list_jobs("q", status="FAILED").to_list()] == [
            2
        ]
    assert time.monotonic() - started < 3
