"""batchkit over real HTTP: a loopback server (stdlib ``http.server``) behind ``endpoint_url``.

The fakes answer at botocore's ``before-send`` event; these tests go through urllib3 and a
socket, where a connection that drops after the headers is a real ``IncompleteRead``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from botocore.config import Config

from batchkit import BatchClient, ConnectError

Handler = Callable[[BaseHTTPRequestHandler, dict[str, Any]], None]


@contextmanager
def loopback(handle: Handler) -> Iterator[str]:
    """A server on 127.0.0.1 (a free port) answering each POST with ``handle``."""

    class _Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            handle(self, json.loads(self.rfile.read(length) or b"{}"))

        def log_message(self, *_args: Any) -> None:  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def send_json(handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def client(url: str, attempts: int = 1) -> BatchClient:
    import boto3

    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    config = Config(
        retries={"mode": "standard", "total_max_attempts": attempts},
        connect_timeout=2,
        read_timeout=2,
    )
    return BatchClient(session=session, endpoint_url=url, config=config)


JOBS = [{"jobId": f"j{i}", "jobName": f"n{i}"} for i in range(6)]


def test_a_connection_closed_after_the_headers_is_a_typed_resumable_error() -> None:
    calls: list[str | None] = []

    def handle(handler: BaseHTTPRequestHandler, params: dict[str, Any]) -> None:
        token = params.get("nextToken")
        calls.append(token)
        if token == "3" and calls.count("3") == 1:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", "500")
            handler.end_headers()
            handler.wfile.write(b'{"jobSummaryList": [')  # then the connection drops
            handler.close_connection = True
            return
        start = int(token or 0)
        page: dict[str, Any] = {"jobSummaryList": JOBS[start : start + 3]}
        if start + 3 < len(JOBS):
            page["nextToken"] = str(start + 3)
        send_json(handler, page)

    with loopback(handle) as url:
        batch = client(url)
        pager = batch.list_jobs("q", page_size=3)
        seen: list[str] = []
        with pytest.raises(ConnectError) as info:
            seen.extend(job.job_id for job in pager)
        assert seen == ["j0", "j1", "j2"]
        assert info.value.resume_token is not None
        assert [job.job_id for job in pager] == ["j3", "j4", "j5"]  # the same pager resumes


def test_headers_then_nothing_is_a_dropped_connection_not_an_empty_last_page() -> None:
    dropped: list[bool] = []

    def handle(handler: BaseHTTPRequestHandler, params: dict[str, Any]) -> None:
        if not dropped:
            dropped.append(True)
            handler.send_response(200)
            handler.send_header("Content-Length", "100")
            handler.end_headers()
            handler.close_connection = True
            return
        send_json(handler, {"jobSummaryList": JOBS})

    with loopback(handle) as url:
        pager = client(url, attempts=3).list_jobs("q")
        with pytest.raises(ConnectError, match="closed after 0 of 100 bytes"):
            pager.to_list()
        assert len(pager.to_list()) == 6
