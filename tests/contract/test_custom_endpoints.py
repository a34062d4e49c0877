"""Issue 23.4 and 23.19 against real HTTP on loopback (botocore's real stack, no fake):
a refused connection fails fast while throttling and 5xx answers are still retried; an
S3 Control client with a custom endpoint reaches that endpoint's own host."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest

from batchkit import BatchClient, ConnectError, S3BatchOperationsClient
from batchkit._core.config import account_prefix_dropper
from batchkit.testing import SimulatedClock

HAS_AIO = importlib.util.find_spec("aiobotocore") is not None
ACCOUNT = "123456789012"
S3_BODY = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<ListJobsResult xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><Jobs>'
    b"<member><JobId>s3-1</JobId><Status>Active</Status><Description>copy</Description></member>"
    b"</Jobs></ListJobsResult>"
)


class Recorder(BaseHTTPRequestHandler):
    """Answers Batch ListJobs (JSON) and S3 Control ListJobs (XML); ``script`` holds HTTP
    statuses to answer first (429, 500...), then 200s."""

    seen: list[dict[str, Any]]
    script: list[int]

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        type(self).seen.append(
            {"path": self.path, "host": self.headers.get("Host"), **dict(self.headers)}
        )
        status = type(self).script.pop(0) if type(self).script else 200
        if status == 429:
            body = json.dumps({"__type": "TooManyRequestsException", "message": "slow"})
            data, kind = body.encode(), "application/json"
        elif status >= 500:
            data, kind = b'{"__type": "ServerException", "message": "oops"}', "application/json"
        elif self.path.startswith("/v20180820/jobs"):
            data, kind = S3_BODY, "application/xml"
        else:
            data = json.dumps({"jobSummaryList": [{"jobId": "j", "jobName": "n"}]}).encode()
            kind = "application/json"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, type[Recorder]]]:
    handler = type("Handler", (Recorder,), {"seen": [], "script": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@pytest.fixture
def session() -> boto3.Session:
    return boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )


def closed_port() -> str:
    """An address where nothing listens (the port was just released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_a_refused_connection_fails_fast_with_a_clear_message(session: boto3.Session) -> None:
    """Before: 10 attempts and ~20 s of backoff for a port nobody listens on."""
    batch = BatchClient(session=session, endpoint_url=closed_port())
    started = time.monotonic()
    with pytest.raises(ConnectError, match=r"connection refused by .*nothing is listening"):
        batch.list_jobs("q").to_list()
    assert time.monotonic() - started < 3


def test_a_watch_on_a_refused_endpoint_raises_at_its_first_poll(session: boto3.Session) -> None:
    """Before: a refused connection was a transient poll failure -- 5 polls and ~60 s of
    backoff (or, with a timeout, a WaitTimeoutError that never named the refusal)."""
    from batchkit.testing import ManualClock

    batch = BatchClient(session=session, endpoint_url=closed_port())
    clock = ManualClock()
    slept: list[float] = []
    clock.on_sleep = slept.append
    with pytest.raises(ConnectError, match="connection refused") as caught:
        batch.wait(["job-1"], timeout=3600, clock=clock)
    assert caught.value.refused
    assert slept == []  # no backoff: the first poll's error is raised


@pytest.mark.skipif(not HAS_AIO, reason="aiobotocore is not installed (nox -s tests_async)")
def test_a_refused_connection_fails_fast_on_the_async_face() -> None:
    from aiobotocore.session import AioSession

    from batchkit.aio import AsyncBatchClient

    aio = AioSession()
    aio.set_credentials("testing", "testing")

    async def listing() -> None:
        async with AsyncBatchClient(
            session=aio, region_name="us-east-1", endpoint_url=closed_port()
        ) as batch:
            await batch.list_jobs("q").to_list()

    started = time.monotonic()
    with pytest.raises(ConnectError, match="connection refused"):
        asyncio.run(listing())
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("status", [429, 500, 503])
def test_throttling_and_server_errors_are_still_retried(
    session: boto3.Session, server: tuple[str, type[Recorder]], status: int
) -> None:
    url, handler = server
    handler.script = [status, status]
    with SimulatedClock().patch_botocore() as clock:  # botocore's backoff: no real waiting
        batch = BatchClient(session=session, endpoint_url=url)
        assert [job.job_id for job in batch.list_jobs("q")] == ["j"]
    assert len(handler.seen) == 3  # two answered with an error, retried, then the listing
    assert clock.slept > 0


def test_s3_control_reaches_a_custom_endpoints_own_host(
    session: boto3.Session, server: tuple[str, type[Recorder]]
) -> None:
    """Before: botocore sent it to http://123456789012.127.0.0.1:PORT, which does not exist."""
    url, handler = server
    s3 = S3BatchOperationsClient(ACCOUNT, session=session, endpoint_url=url)
    assert [job.job_id for job in s3.list_jobs()] == ["s3-1"]
    (request,) = handler.seen
    assert request["host"] == url.removeprefix("http://")
    assert request["x-amz-account-id"] == ACCOUNT  # the account still travels, in the header
    assert "Credential=testing/" in request["Authorization"]  # signed for the host sent to


@pytest.mark.skipif(not HAS_AIO, reason="aiobotocore is not installed (nox -s tests_async)")
def test_s3_control_custom_endpoint_on_the_async_face(server: tuple[str, type[Recorder]]) -> None:
    from aiobotocore.session import AioSession

    from batchkit.aio import AsyncS3BatchOperationsClient

    url, handler = server
    aio = AioSession()
    aio.set_credentials("testing", "testing")

    async def listing() -> list[str | None]:
        async with AsyncS3BatchOperationsClient(
            ACCOUNT, session=aio, region_name="us-east-1", endpoint_url=url
        ) as s3:
            return [job.job_id async for job in s3.list_jobs()]

    assert asyncio.run(listing()) == ["s3-1"]
    assert handler.seen[0]["host"] == url.removeprefix("http://")


def test_endpoints_on_aws_domains_keep_the_account_prefix() -> None:
    """A VPC endpoint of S3 Control resolves the prefixed name: botocore's rule stands."""
    vpce = "https://control.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com"
    assert account_prefix_dropper(vpce) is None
    assert account_prefix_dropper("https://s3-control.cn-north-1.amazonaws.com.cn") is None
    assert account_prefix_dropper(None) is None
    assert account_prefix_dropper("http://localstack:4566") is not None
