"""Both faces feed the archive: ``Archive.sync_async`` with ``batchkit.aio`` clients (with
aiobotocore: nox -s tests_async), and -- everywhere -- with a minimal async client over
the sync one, so the async loop itself is exercised on every Python."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from botocore.config import Config

from batchkit import BatchClient, InvalidParameterError
from batchkit.archive import Archive, ArchiveError
from batchkit.testing import FakeAWS, ManualClock
from tests.archive.helpers import build, seed, snapshot

HAS_AIO = importlib.util.find_spec("aiobotocore") is not None


class _AsyncIterable:
    def __init__(self, items: Any) -> None:
        self._source = items
        self._items: Iterator[Any] | None = None

    def __aiter__(self) -> _AsyncIterable:
        self._items = iter(self._source)
        return self

    async def __anext__(self) -> Any:
        assert self._items is not None
        try:
            return next(self._items)
        except StopIteration:
            raise StopAsyncIteration from None

    @property
    def requests_made(self) -> int:
        return int(self._source.requests_made)

    @property
    def missing_ids(self) -> tuple[str, ...]:
        return tuple(self._source.missing_ids)

    async def pages(self) -> AsyncIterator[Any]:
        for page in self._source.pages():
            yield page


class AsyncOverSync:
    """What ``AsyncFeed`` needs, over a sync ``BatchClient`` (each call runs inline)."""

    def __init__(self, client: BatchClient) -> None:
        self._client = client

    def job_queues(self, names: Any = None) -> _AsyncIterable:
        return _AsyncIterable(self._client.job_queues(names))

    def list_jobs(self, job_queue: str, **options: Any) -> _AsyncIterable:
        return _AsyncIterable(self._client.list_jobs(job_queue, **options))

    def describe_jobs(self, job_ids: Any) -> _AsyncIterable:
        return _AsyncIterable(self._client.describe_jobs(job_ids))


def test_the_async_loop_gives_the_sync_loops_archive(sqlite_url: str) -> None:
    with Archive(sqlite_url) as asynchronous, Archive("sqlite://") as synchronous:
        for round_ in range(2):
            fake, clock = build(round_, jobs=300)
            asynchronous._clock = synchronous._clock = clock
            a = asyncio.run(asynchronous.sync_async(AsyncOverSync(fake.batch_client())))  # type: ignore[arg-type]
            s = synchronous.sync(fake.batch_client())
            assert (a.new, a.changed, a.ended, a.gone) == (s.new, s.changed, s.ended, s.gone)
            assert snapshot(asynchronous) == snapshot(synchronous)


@pytest.mark.skipif(not HAS_AIO, reason="needs aiobotocore (pip install 'batchkit-aws[async]')")
def test_async_batch_and_s3_clients_feed_the_archive(archive_url: str, clock: ManualClock) -> None:
    fake = FakeAWS(now=clock.now)
    seed(fake, 250)
    fake.add_s3_job(status="Active", job_id="s3-a")

    async def both(archive: Archive) -> tuple[int, int, int]:
        async with fake.async_batch_client() as batch, fake.async_s3_client() as s3:
            jobs = await archive.sync_async(batch)
            again = await archive.sync_async(batch)
            s3_jobs = await archive.sync_async(s3)
            return jobs.new, again.writes, s3_jobs.new

    with Archive(archive_url, clock=clock) as archive:
        new, writes, s3_new = asyncio.run(both(archive))
        assert writes == 0
        assert s3_new == 1
        assert new == archive.count("jobs")
        with Archive("sqlite://", clock=clock) as synchronous:
            synchronous.sync(fake.batch_client())
            synchronous.sync(fake.s3_client())
            assert snapshot(archive)["jobs"] == snapshot(synchronous)["jobs"]


class AsyncS3OverSync:
    def __init__(self, client: Any) -> None:
        self._client = client
        self.account_id = client.account_id
        self.client = client.client

    def list_jobs(self, **options: Any) -> _AsyncIterable:
        return _AsyncIterable(self._client.list_jobs(**options))


def test_the_async_loop_on_s3_and_on_errors(
    sqlite_url: str, fake: FakeAWS, clock: ManualClock
) -> None:
    fake.add_s3_job(status="Active", job_id="s3-a")
    seed(fake, 250, queues=("etl",), arrays=False)
    fake.inject(code="ServerException", status=500, operation="DescribeJobs", on_call=2)
    with Archive(sqlite_url, clock=clock) as archive:
        s3 = asyncio.run(archive.sync_async(AsyncS3OverSync(fake.s3_client())))  # type: ignore[arg-type]
        assert s3.new == 1
        batch = AsyncOverSync(fake.batch_client(Config(retries={"total_max_attempts": 1})))
        with pytest.raises(ArchiveError, match="run sync again") as caught:
            asyncio.run(archive.sync_async(batch))  # type: ignore[arg-type]
        assert caught.value.report is not None
        assert caught.value.report.new == 100
        assert asyncio.run(archive.sync_async(batch)).new == 150  # type: ignore[arg-type]
        with pytest.raises(InvalidParameterError, match="queues"):
            asyncio.run(archive.sync_async(AsyncS3OverSync(fake.s3_client()), ["q"]))  # type: ignore[arg-type]
