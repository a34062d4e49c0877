"""AsyncBatchClient.logs/why: what only the async face has.  The rules are shared with the
sync client (batchkit._core.logs.LogsCore, batchkit._core.report) and tested on both faces
in tests/clients/test_logs.py and tests/clients/test_report.py; here: cancelling a follow,
the Logs clients' lifetime, an awaited sleep."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("aiobotocore")

from aiobotocore.client import AioBaseClient

from batchkit import BatchKitError, FailureReport, FollowPolicy, InvalidParameterError, LogEvent
from batchkit.aio import AsyncBatchClient, AsyncJobPager
from batchkit.testing import FakeAWS
from tests.conftest import NO_RETRY, T0

pytestmark = pytest.mark.anyio

CALL = "Logs.GetLogEvents"


@pytest.fixture
def closed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(service, region) of every aiobotocore client closed, in order."""
    seen: list[tuple[str, str]] = []
    real = AioBaseClient.__aexit__

    async def spy(self: Any, *exc: Any) -> None:
        seen.append((self.meta.service_model.service_name, self.meta.region_name))
        await real(self, *exc)

    monkeypatch.setattr(AioBaseClient, "__aexit__", spy)
    return seen


def running(fake: FakeAWS, lines: list[str]) -> str:
    job = fake.add_job("q", job_name="etl", status="RUNNING")
    where = fake.logs.location(job.job_id)
    assert where.stream is not None
    fake.logs.delete_stream(where.group, where.stream)  # no seeded lines: exactly these
    fake.logs.put(where.group, where.stream, lines, start=T0)
    return job.job_id


def messages(events: list[LogEvent]) -> list[str]:
    return [event.message for event in events]


async def until(condition: Any) -> None:
    """Let other tasks run until ``condition()`` (bounded: a test never hangs)."""
    for _ in range(10_000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the condition never held")


async def test_cancelling_a_follow_leaves_nothing_running_and_resumes() -> None:
    fake = FakeAWS(now=lambda: T0)
    job_id = running(fake, ["a", "b"])
    async with fake.async_batch_client(NO_RETRY) as batch:
        # The default policy: asyncio.sleep between polls (cancelled at once, never waited)
        pager = batch.logs(job_id, follow=True)
        got: list[str] = []

        async def read() -> None:
            async for event in pager:
                got.append(event.message)

        before = asyncio.all_tasks()
        task = asyncio.ensure_future(read())
        await until(lambda: fake.calls(CALL) >= 2)  # caught up: now waiting for more
        await asyncio.sleep(0)
        assert not task.done()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert got == ["a", "b"]
        assert asyncio.all_tasks() - before == set()  # nothing left running
        token = pager.resume_token
        assert token is not None
        fake.logs.append(job_id, "c")
        fake.update_job(job_id, status="SUCCEEDED")
        rest = await batch.logs(job_id, starting_token=token).to_list()
        assert messages(rest) == ["c"]
        # the cancelled pager itself goes on (take: no wait for more after "c")
        assert messages(await pager.take(1)) == ["c"]


async def test_an_awaited_sleep_is_awaited() -> None:
    fake = FakeAWS(now=lambda: T0)
    job_id = running(fake, ["boot"])
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds
        await asyncio.sleep(0)
        if len(slept) == 2:
            fake.logs.append(job_id, "done")
        if len(slept) == 3:
            fake.update_job(job_id, status="SUCCEEDED")

    policy = FollowPolicy(
        initial_delay=1, max_delay=4, describe_interval=0, clock=lambda: now[0], sleep=sleep
    )
    async with fake.async_batch_client(NO_RETRY) as batch:
        events = batch.logs(job_id, follow=policy)
        assert isinstance(events, AsyncJobPager)
        assert messages(await events.to_list()) == ["boot", "done"]
    assert slept[:3] == [1, 2, 1]  # backoff, reset by the new line


async def test_aclose_closes_the_logs_clients_it_opened_and_not_a_given_one(
    closed: list[tuple[str, str]],
) -> None:
    fake = FakeAWS(now=lambda: T0)
    here = running(fake, ["here"])
    config = {"logDriver": "awslogs", "options": {"awslogs-region": "eu-west-1"}}
    container = {"image": "busybox", "logConfiguration": config, "logStreamName": "etl/x/t1"}
    far = fake.add_job("q", status="RUNNING", container=container).job_id
    fake.logs.put("/aws/batch/job", "etl/x/t1", ["far"], region="eu-west-1")
    async with fake.async_batch_client(NO_RETRY) as batch:
        assert messages(await batch.logs(here).to_list()) == ["here"]
        assert messages(await batch.logs(far).to_list())[-1] == "far"
        report = await batch.why(far)
        assert isinstance(report, FailureReport)
        assert report.log_region == "eu-west-1"  # the same client, reused
        assert closed == []
    assert sorted(closed) == [("batch", "us-east-1"), ("logs", "eu-west-1"), ("logs", "us-east-1")]
    assert closed[-1] == ("batch", "us-east-1")  # the Batch client last

    closed.clear()
    async with fake.aio_session().create_client("logs", region_name="us-east-1") as mine:
        batch = AsyncBatchClient(session=fake.aio_session(), config=NO_RETRY, logs_client=mine)
        async with batch:
            assert messages(await batch.logs(here).to_list()) == ["here"]
        assert closed == [("batch", "us-east-1")]  # the given logs client stays open
        assert messages(await (await batch.open()).logs(here).to_list()) == ["here"]
        await batch.aclose()


async def test_aclose_closes_every_client_even_when_closing_one_fails(
    closed: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeAWS(now=lambda: T0)
    here = running(fake, ["here"])
    spy = AioBaseClient.__aexit__

    async def failing(self: Any, *exc: Any) -> None:
        await spy(self, *exc)
        if self.meta.service_model.service_name == "logs":
            raise OSError("connection reset while closing")

    monkeypatch.setattr(AioBaseClient, "__aexit__", failing)
    config = {"logDriver": "awslogs", "options": {"awslogs-region": "eu-west-1"}}
    container = {"image": "busybox", "logConfiguration": config, "logStreamName": "etl/x/t1"}
    far = fake.add_job("q", status="RUNNING", container=container).job_id
    fake.logs.put("/aws/batch/job", "etl/x/t1", ["far"], region="eu-west-1")
    batch = await fake.async_batch_client(NO_RETRY).open()
    assert messages(await batch.logs(here).to_list()) == ["here"]
    assert messages(await batch.logs(far).to_list())[-1] == "far"
    with pytest.raises(BatchKitError, match=r"closing the clients: OSError: .*while closing"):
        await batch.aclose()
    # both Logs clients (the first one's failure stops nothing), then the Batch client
    assert sorted(closed[:2]) == [("logs", "eu-west-1"), ("logs", "us-east-1")]
    assert closed[2:] == [("batch", "us-east-1")]


async def test_concurrent_readers_open_one_logs_client_per_region() -> None:
    fake = FakeAWS(now=lambda: T0)
    ids = [running(fake, [f"line {i}"]) for i in range(4)]
    async with fake.async_batch_client(NO_RETRY) as batch:
        results = await asyncio.gather(*(batch.logs(i).to_list() for i in ids))
        assert [messages(r) for r in results] == [[f"line {i}"] for i in range(4)]
        assert len(batch._logs_contexts) == 1


async def test_wrong_logs_clients_and_sleeps_are_refused() -> None:
    import boto3

    fake = FakeAWS()
    sync_logs = boto3.client(
        "logs", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    with pytest.raises(InvalidParameterError, match="logs_client: expected an aiobotocore"):
        AsyncBatchClient(session=fake.aio_session(), logs_client=sync_logs)

    async def sleep(seconds: float) -> None:
        await asyncio.sleep(0)

    policy = FollowPolicy(sleep=sleep)
    with pytest.raises(InvalidParameterError, match="an async sleep is for batchkit"):
        fake.batch_client().logs("job-1", follow=policy)
    assert fake.requests == []
