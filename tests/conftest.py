from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config

from batchkit import BatchClient, S3BatchOperationsClient
from batchkit.testing import FakeAWS, WireStubber
from tests.aio_adapter import Blocking

# Tests send a real SIGINT to real child processes (the CLI's Ctrl-C).  A test run started in
# the background by a shell without job control (`cmd &` in a script) ignores SIGINT, and
# an ignored signal stays ignored across exec: the children would never see it.  The test
# process takes Python's own handler back, so its children start with the default.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

#: aiobotocore is installed (the ``[async]`` extra, nox -s tests_async): the behavioural
#: tests that use the ``face`` fixture then run against the async client too.
HAS_AIO = importlib.util.find_spec("aiobotocore") is not None

# batchkit.plot in tests (and the docs' examples): draw off-screen, never open a window.
os.environ.setdefault("MPLBACKEND", "Agg")

ACCOUNT = "123456789012"
T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)
T0_MS = int(T0.timestamp() * 1000)
DEFINITION_ARN = f"arn:aws:batch:us-east-1:{ACCOUNT}:job-definition/train:3"

# No retries in unit tests unless a test asks for them: an error is one response.
NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1})


def raw_client(service: str, config: Config = NO_RETRY) -> Any:
    factory: Any = boto3.client  # the service name is a variable here: skip the overloads
    return factory(
        service,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )


def summary(i: int, **overrides: Any) -> dict[str, Any]:
    """A realistic ListJobs item; job i was created i minutes before T0."""
    job: dict[str, Any] = {
        "jobArn": f"arn:aws:batch:us-east-1:{ACCOUNT}:job/job-{i:05d}",
        "jobId": f"job-{i:05d}",
        "jobName": f"train-{i % 3}",
        "createdAt": T0_MS - i * 60_000,
        "status": "FAILED" if i % 2 else "SUCCEEDED",
        "jobDefinition": DEFINITION_ARN,
    }
    job.update(overrides)
    return job


def created(i: int) -> datetime:
    return T0 - timedelta(minutes=i)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``face``: every test using it runs on the sync client, and on the async one when
    aiobotocore is installed (unless marked ``sync_only``: threads, Ctrl-C, sync types)."""
    if "face" in metafunc.fixturenames:
        faces = ["sync"]
        if HAS_AIO and metafunc.definition.get_closest_marker("sync_only") is None:
            faces.append("async")
        metafunc.parametrize("face", faces, indirect=True)


def is_pager(obj: object) -> bool:
    """A JobPager, or (under the async face) an AsyncJobPager behind the adapter."""
    if isinstance(obj, Blocking):
        from batchkit.aio import AsyncJobPager

        return isinstance(obj.target, AsyncJobPager)
    from batchkit import JobPager

    return isinstance(obj, JobPager)


class Face:
    """Which client face a test runs on; under ``async`` it owns the event loop."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.loop = asyncio.new_event_loop() if name == "async" else None
        self._closers: list[Callable[[], Any]] = []

    def opened(self, client: Any) -> Any:
        """An async batchkit client, opened on this face's loop, behind the sync adapter."""
        assert self.loop is not None
        self.loop.run_until_complete(client.open())
        self._closers.append(client.aclose)
        return Blocking(client, self.loop)

    def raw_client(self, service: str, config: Config = NO_RETRY) -> Any:
        """An opened aiobotocore client (fake credentials), closed with the face."""
        assert self.loop is not None
        context = aio_raw_client(service, config)
        raw = self.loop.run_until_complete(context.__aenter__())
        self._closers.append(lambda: context.__aexit__(None, None, None))
        return raw

    def close(self) -> None:
        if self.loop is not None:
            for close in reversed(self._closers):
                self.loop.run_until_complete(close())
            self.loop.close()


def aio_raw_client(service: str = "batch", config: Config = NO_RETRY) -> Any:
    """An aiobotocore client's context (``async with`` opens it), fake credentials."""
    from aiobotocore.session import AioSession

    # a service name as str, a botocore Config: aiobotocore takes both (types-aiobotocore
    # asks for a literal name and an AioConfig)
    return AioSession().create_client(  # type: ignore[call-overload]
        service,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )


@pytest.fixture(autouse=True)
def requests_count_as_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sync client overlaps requests (fetching ahead, describe's workers) only after one
    waited for the network (``batchkit._sync.runtime.OVERLAP_MIN_WAIT``); FakeAWS and the
    stubs answer at once.  Every test runs the overlapped paths, as against AWS -- where two
    features meet is where losses hid -- and tests/clients/test_fetch_ahead.py checks the
    pacing itself."""
    import batchkit._sync.runtime

    monkeypatch.setattr(batchkit._sync.runtime, "OVERLAP_MIN_WAIT", float("-inf"))


@pytest.fixture
def face(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Face]:
    current = Face(request.param)
    if current.name == "async":

        def batch_client(
            fake: FakeAWS, config: Config | None = None, *, fetch_ahead: bool = True
        ) -> Any:
            return current.opened(fake.async_batch_client(config, fetch_ahead=fetch_ahead))

        def s3_client(
            fake: FakeAWS, account_id: str | None = None, config: Config | None = None
        ) -> Any:
            return current.opened(fake.async_s3_client(account_id, config))

        monkeypatch.setattr(FakeAWS, "batch_client", batch_client)
        monkeypatch.setattr(FakeAWS, "s3_client", s3_client)
    try:
        yield current
    finally:
        current.close()


@pytest.fixture
def batch_stub(face: Face) -> Iterator[tuple[BatchClient, WireStubber]]:
    if face.name == "async":
        from batchkit.aio import AsyncBatchClient

        raw = face.raw_client("batch")
        # responses are consumed in order: a fan-out's sub-listings fetch one at a time
        client: Any = Blocking(AsyncBatchClient(raw, fetch_ahead=False), face.loop)  # type: ignore[arg-type]
    else:
        raw = raw_client("batch")
        client = BatchClient(raw, fetch_ahead=False)
    with WireStubber(raw) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


@pytest.fixture
def s3_stub(face: Face) -> Iterator[tuple[S3BatchOperationsClient, WireStubber]]:
    if face.name == "async":
        from batchkit.aio import AsyncS3BatchOperationsClient

        raw = face.raw_client("s3control")
        client: Any = Blocking(AsyncS3BatchOperationsClient(ACCOUNT, raw), face.loop)  # type: ignore[arg-type]
    else:
        raw = raw_client("s3control")
        client = S3BatchOperationsClient(ACCOUNT, raw)
    with WireStubber(raw) as stub:
        yield client, stub
        stub.assert_no_pending_responses()
