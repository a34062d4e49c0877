"""batchkit.aio after the merge with main: what the async client shares with the sync
client's account views (status collections and ALL, job_queues, lazy describe input --
async iterables included).  Behaviour shared with the sync client's tests
runs on both faces through the ``face`` fixture; these need an event loop of their own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta, timezone

import pytest

pytest.importorskip("aiobotocore")

from batchkit import BatchKitError, InvalidParameterError, JobNotFoundError
from batchkit.aio import AsyncMergedPager
from batchkit.models import JobSummary
from batchkit.testing import FakeAWS
from tests.aio.test_aio import Gate

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)


def account() -> FakeAWS:
    fake = FakeAWS(now=lambda: NOW)
    statuses = ["FAILED", "SUCCEEDED", "RUNNING", "RUNNABLE"]
    for i in range(240):
        fake.add_job(
            "q",
            job_id=f"j{i:04d}",
            status=statuses[i % 4],
            created_at=NOW - timedelta(minutes=i),
        )
    fake.add_queue("etl", priority=10)
    return fake


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ({"FAILED", "SUCCEEDED"}, {"FAILED", "SUCCEEDED"}),
        ("all", {"FAILED", "SUCCEEDED", "RUNNING", "RUNNABLE"}),
        (["RUNNING"], {"RUNNING"}),
    ],
)
async def test_status_collections_and_all_are_planned_as_for_the_sync_client(
    status: str | set[str] | list[str], expected: set[str]
) -> None:
    fake = account()
    sync_ids = [j.job_id for j in fake.batch_client().list_jobs("q", status=status)]
    sync_requests = len(fake.requests)
    async with fake.async_batch_client() as batch:
        pager = batch.list_jobs("q", status=status)
        jobs = await pager.to_list()
    assert {j.status.value for j in jobs if j.status is not None} == expected
    assert [j.job_id for j in jobs] == sync_ids  # the same plan, the same order
    assert len(fake.requests) - sync_requests == sync_requests  # and the same requests
    assert len({j.job_id for j in jobs}) == len(jobs)


async def test_an_empty_status_collection_is_refused_before_any_request() -> None:
    fake = account()
    async with fake.async_batch_client() as batch:
        with pytest.raises(InvalidParameterError, match="status"):
            batch.list_jobs("q", status=[])
    assert fake.requests == []


def two_queues(n: int) -> tuple[FakeAWS, list[str]]:
    """n FAILED jobs alternating between queues a and b, newest first: the merge's order."""
    fake = FakeAWS(now=lambda: NOW)
    for i in range(n):
        fake.add_job(
            "ab"[i % 2], job_id=f"j{i:04d}", status="FAILED", created_at=NOW - timedelta(minutes=i)
        )
    return fake, [f"j{i:04d}" for i in range(n)]


async def test_a_cancelled_merge_is_resumable_and_its_token_is_the_sync_ones() -> None:
    fake, everything = two_queues(30)
    before = asyncio.all_tasks()
    async with await fake.async_batch_client().open() as batch:
        gate = Gate(fake)
        gate.attach(batch)
        pager = batch.list_jobs(["a", "b"], status="FAILED", page_size=4)
        assert isinstance(pager, AsyncMergedPager)
        got = [j.job_id for j in await pager.take(7)]
        gate.open.clear()
        taking = asyncio.ensure_future(pager.take(20))  # waits for a queue's next page
        await gate.held()
        taking.cancel()
        with pytest.raises(asyncio.CancelledError):
            await taking
        assert gate.in_flight == 0
        assert not {t for t in asyncio.all_tasks() - before if not t.done()} - {
            asyncio.current_task()
        }
        token = pager.resume_token
        assert token is not None
        gate.open.set()
        rest = [j.job_id async for j in pager]  # the same pager carries on (lossless take)
        assert got + rest == everything
        async with batch.list_jobs(["a", "b"], status="FAILED", starting_token=token) as again:
            assert [j.job_id for j in await again.to_list()] == rest
            assert again.done
    # the combined token is the sync MergedPager's too, both ways
    sync = fake.batch_client().list_jobs(["a", "b"], status="FAILED", starting_token=token)
    assert [j.job_id for j in sync] == rest
    half = fake.batch_client().list_jobs(["a", "b"], status="FAILED")
    half.take(11)
    async with fake.async_batch_client() as batch:
        tail = batch.list_jobs(["a", "b"], status="FAILED", starting_token=half.resume_token)
        assert [j.job_id for j in await tail.to_list()] == everything[11:]


async def test_a_merge_is_for_one_task_and_refuses_bad_calls_early() -> None:
    fake, _ = two_queues(10)
    async with await fake.async_batch_client().open() as batch:
        gate = Gate(fake)
        gate.attach(batch)
        gate.open.clear()
        pager = batch.list_jobs(["a", "b"], status="FAILED")
        first = asyncio.ensure_future(pager.first())
        await gate.held()
        with pytest.raises(BatchKitError, match="another task"):
            await pager.first()
        gate.open.set()
        assert (await first) is not None
        calls = fake.calls("ListJobs")
        with pytest.raises(InvalidParameterError, match="exactly one"):
            batch.list_jobs(["a"], array_job_id="x")  # type: ignore[call-overload]
        with pytest.raises(InvalidParameterError, match="a single queue's token"):
            batch.list_jobs(["a", "b"], starting_token="eyJuZXh0VG9rZW4iOiAieCJ9")
        assert fake.calls("ListJobs") == calls


async def test_job_queues() -> None:
    fake = account()
    async with fake.async_batch_client() as batch:
        names = [q.job_queue_name async for q in batch.job_queues(page_size=1)]
        assert sorted(names) == ["etl", "q"]
        named = await batch.job_queues(["etl"]).to_list()
        assert [q.priority for q in named] == [10]
        with pytest.raises(InvalidParameterError, match="names"):
            batch.job_queues("etl")


def failed(n: int) -> FakeAWS:
    fake = FakeAWS(now=lambda: NOW)
    for i in range(n):
        fake.add_job(
            "q", job_id=f"j{i:04d}", status="FAILED", created_at=NOW - timedelta(seconds=i)
        )
    return fake


async def test_describe_streams_an_async_pager_without_reading_it_first() -> None:
    fake = failed(1000)
    async with fake.async_batch_client() as batch:
        listing = batch.list_jobs("q", status="FAILED", page_size=50)
        details = batch.describe_jobs(listing)
        first = await details.first()
        assert first is not None
        assert first.job_id == "j0000"
        assert fake.calls("ListJobs") == 2  # one chunk of 100 ids: two pages, not twenty
        assert not listing.done
        rest = await details.to_list()
    assert [first.job_id] + [d.job_id for d in rest] == [f"j{i:04d}" for i in range(1000)]
    assert fake.calls("DescribeJobs") == 10
    assert listing.done


async def test_describe_reads_sync_iterators_lazily_and_checks_lists_up_front() -> None:
    fake = account()
    read: list[int] = []

    def ids() -> Iterator[str]:
        for i in range(150):
            read.append(i)
            yield f"j{i:04d}"

    async with fake.async_batch_client() as batch:
        details = batch.describe_jobs(ids())
        assert read == []  # nothing read before the first item is asked for
        await details.first()
        assert len(read) == 100
        assert len(await details.to_list()) == 149
        with pytest.raises(InvalidParameterError, match="job_ids item"):
            batch.describe_jobs(["j0000", 3])  # type: ignore[list-item]
        assert fake.calls("DescribeJobs") == 2


async def test_summaries_and_arns_are_ids_and_duplicates_are_described_once() -> None:
    fake = account()
    async with fake.async_batch_client() as batch:
        summaries: list[JobSummary] = await batch.list_jobs("q", status="FAILED").take(3)
        arn = summaries[0].job_arn
        assert arn is not None

        async def given() -> AsyncIterator[object]:
            for item in [*summaries, arn, summaries[1].job_id]:
                yield item

        details = await batch.describe_jobs(given()).to_list()  # type: ignore[arg-type]
    assert [d.job_id for d in details] == [s.job_id for s in summaries]


async def test_an_invalid_item_of_an_async_input_comes_after_the_details_before_it() -> None:
    fake = account()

    async def given() -> AsyncIterator[object]:
        for i in range(100):
            yield f"j{i:04d}"
        yield 7

    async with fake.async_batch_client() as batch:
        details = batch.describe_jobs(given(), max_concurrency=2)  # type: ignore[arg-type]
        seen = [job.job_id for job in await details.take(100)]
        with pytest.raises(InvalidParameterError, match="job_ids item"):
            await details.first()
    assert seen == [f"j{i:04d}" for i in range(100)]  # the chunk before it was described
    assert fake.calls("DescribeJobs") == 1


async def test_a_failing_async_pager_as_input_raises_its_typed_error() -> None:
    fake = failed(250)
    fake.inject(code="AccessDeniedException", status=403, operation="ListJobs", on_call=2)
    async with fake.async_batch_client() as batch:
        listing = batch.list_jobs("q", status="FAILED", page_size=100)
        details = batch.describe_jobs(listing)
        got = [job.job_id for job in await details.take(100)]
        with pytest.raises(BatchKitError) as info:
            await details.first()
    assert got == [f"j{i:04d}" for i in range(100)]  # the first chunk's details came first
    assert not isinstance(info.value, JobNotFoundError)
    assert info.value.resume_token == listing.resume_token is not None  # resumable


async def test_a_merge_asks_every_queue_at_once_and_each_listing_reads_ahead() -> None:
    """Fan-outs overlap (issue 24): the first page of every queue is requested together,
    and while a page is read the next one is already on its way."""
    fake = FakeAWS()
    for i in range(24):
        fake.add_job("abc"[i % 3], job_id=f"j{i:02d}", status="FAILED", created_at=1_000 - i)
    async with await fake.async_batch_client().open() as batch:
        gate = Gate(fake)
        gate.attach(batch)
        gate.open.clear()
        pager = batch.list_jobs(["a", "b", "c"], status="FAILED", page_size=2)
        first = asyncio.ensure_future(pager.__anext__())
        for _ in range(1000):  # every queue's first request reaches the gate, none answered
            if gate.waiting == 3:
                break
            await asyncio.sleep(0)
        assert (gate.waiting, gate.started) == (3, 3)
        gate.open.set()
        assert (await first).job_id == "j00"
        assert gate.peak >= 3
        rest = [job.job_id async for job in pager]
        assert ["j00", *rest] == [f"j{i:02d}" for i in range(24)]
