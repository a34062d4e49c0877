"""A loopback AWS Batch endpoint for ``bench/latency.py``: real HTTP on 127.0.0.1, in a
process of its own, every request answered after a fixed delay.

Why a real server (and not ``_replay.py`` plus a sleep): what the latency benchmark
measures is overlap -- requests in flight while the client parses, validates, or waits on
other requests.  Here both sides run botocore's whole HTTP path (urllib3's connection pool,
its ``max_pool_connections`` limit, keep-alive, a blocking socket read that releases the
GIL exactly as a wait on AWS does), and the server's own work runs in another process, so
it takes nothing from the client's GIL.  A replay at ``before-send`` with a sleep would skip
urllib3 and the pool limit, the two things concurrent requests meet first.

What it answers, as AWS documents it (enough for the benchmark; anything else is a 400
``ClientException`` so that a benchmark asking something unexpected fails loudly instead of
measuring a wrong answer):

* ``ListJobs`` of a queue: by ``jobStatus`` (RUNNING when absent; up to 1,000 jobs a page,
  ``maxResults`` 1..1000) or under one ``AFTER_CREATED_AT``/``BEFORE_CREATED_AT`` filter
  (every status, 100 a page at most); newest first; opaque ``nextToken`` s;
* ``DescribeJobs``: up to 100 ids, unknown ids left out, in the order asked.

The same request always gets the same bytes (pages are built once and kept), and every
request -- whatever it costs to answer -- is answered ``latency`` seconds after it was read,
not earlier.  ``GET /_stats`` (``?reset=1`` to start counting again) tells how many requests
of each operation were served and how many were in flight at most.

Run by ``latency.py`` as ``python _loopback.py --latency SECONDS --spec JSON``: it prints
its port, serves until its standard input closes, then exits.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from _data import detail_as, summary_as

__all__ = ["Account", "Reject", "serve"]

_LIST = "/v1/listjobs"
_DESCRIBE = "/v1/describejobs"
_FILTERS = {"AFTER_CREATED_AT", "BEFORE_CREATED_AT"}


class Reject(Exception):
    """A request the endpoint answers with a 400 ``ClientException``."""


class Account:
    """The jobs the endpoint knows, from a spec of deterministic item blocks:
    ``{"queues": {name: [[first, count, status], ...]}, "details": [[first, count,
    status], ...]}`` -- items ``first .. first+count-1`` of ``bench/_data.py``."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.queues: dict[str, list[dict[str, Any]]] = {}
        for queue, blocks in spec["queues"].items():
            items = [
                summary_as(i, status)
                for first, n, status in blocks
                for i in range(first, first + n)
            ]
            items.sort(key=lambda item: -item["createdAt"])  # newest first, as AWS lists
            self.queues[queue] = items
        self.details: dict[str, str] = {}
        for first, n, status in spec["details"]:
            for i in range(first, first + n):
                item = detail_as(i, status)
                self.details[item["jobId"]] = json.dumps(item)
        self._pages: dict[tuple[Any, ...], bytes] = {}
        self._lock = threading.Lock()

    def list_jobs(self, params: dict[str, Any]) -> bytes:
        queue = params.get("jobQueue")
        if queue not in self.queues:
            raise Reject(f"unknown or missing jobQueue: {queue!r}")
        unknown = set(params) - {"jobQueue", "jobStatus", "filters", "maxResults", "nextToken"}
        if unknown:
            raise Reject(f"not served here: {sorted(unknown)}")
        filters = params.get("filters") or []
        if filters:
            only = filters[0]
            if len(filters) != 1 or only.get("name") not in _FILTERS or len(only["values"]) != 1:
                raise Reject(f"not served here: filters {filters}")
            query: tuple[Any, ...] = (queue, only["name"], int(only["values"][0]))
            size_max = 100
        else:
            query = (queue, params.get("jobStatus", "RUNNING"))
            size_max = 1000
        size = params.get("maxResults", size_max)
        if not 1 <= size <= size_max:
            raise Reject(f"maxResults must be 1..{size_max}")
        token = params.get("nextToken")
        start = 0
        if token is not None:
            prefix, _, offset = token.partition(":")
            if prefix != f"{hash(query) & 0xFFFFFFFF:x}" or not offset.isdigit():
                raise Reject("invalid nextToken")
            start = int(offset)
        key = (query, start, size)
        with self._lock:
            body = self._pages.get(key)
        if body is None:
            body = self._page(query, start, size)
            with self._lock:
                self._pages[key] = body
        return body

    def _page(self, query: tuple[Any, ...], start: int, size: int) -> bytes:
        items = self.queues[query[0]]
        if len(query) == 3:
            _, name, bound = query
            if name == "AFTER_CREATED_AT":
                chosen = [item for item in items if item["createdAt"] > bound]
            else:
                chosen = [item for item in items if item["createdAt"] < bound]
        else:
            chosen = [item for item in items if item["status"] == query[1]]
        page: dict[str, Any] = {"jobSummaryList": chosen[start : start + size]}
        if start + size < len(chosen):
            page["nextToken"] = f"{hash(query) & 0xFFFFFFFF:x}:{start + size}"
        return json.dumps(page).encode()

    def describe_jobs(self, params: dict[str, Any]) -> bytes:
        ids = params.get("jobs")
        if not isinstance(ids, list) or len(ids) > 100:
            raise Reject("jobs: a list of at most 100 job ids")
        found = [self.details[i] for i in dict.fromkeys(ids) if i in self.details]
        return ('{"jobs": [' + ", ".join(found) + "]}").encode()


class _Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: dict[str, int] = {}
        self.in_flight = 0
        self.max_in_flight = 0

    def enter(self, operation: str) -> None:
        with self.lock:
            self.requests[operation] = self.requests.get(operation, 0) + 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1

    def read(self, reset: bool) -> bytes:
        with self.lock:
            out = json.dumps({"requests": self.requests, "max_in_flight": self.max_in_flight})
            if reset:
                self.requests = {}
                self.max_in_flight = self.in_flight
        return out.encode()


def serve(account: Account, latency: float, port: int = 0) -> ThreadingHTTPServer:
    """Start the endpoint on 127.0.0.1 (``port`` 0: any free port) in a daemon thread."""
    stats = _Stats()
    operations = {
        _LIST: ("ListJobs", account.list_jobs),
        _DESCRIBE: ("DescribeJobs", account.describe_jobs),
    }

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects
        disable_nagle_algorithm = True  # headers and body leave at once

        def do_POST(self) -> None:
            received = time.monotonic()
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            name, answer = operations.get(self.path, ("?", None))
            stats.enter(name)
            try:
                if answer is None:
                    raise Reject(f"not served here: {self.path}")
                status, body = 200, answer(json.loads(raw or b"{}"))
            except Reject as error:
                status = 400
                body = json.dumps({"__type": "ClientException", "message": str(error)}).encode()
            wait = received + latency - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            stats.leave()
            self._reply(status, body, "application/json")

        def do_GET(self) -> None:
            if self.path.startswith("/_stats"):
                self._reply(200, stats.read("reset=1" in self.path), "application/json")
            else:
                self._reply(404, b"{}", "application/json")

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("x-amzn-RequestId", "loopback")
            if status >= 400:
                self.send_header("x-amzn-ErrorType", "ClientException")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: one line per request would be the benchmark's noise

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--latency", type=float, required=True, help="seconds per request")
    parser.add_argument("--spec", required=True, help="the Account spec, JSON")
    args = parser.parse_args(argv)
    server = serve(Account(json.loads(args.spec)), args.latency)
    print(server.server_address[1], flush=True)
    sys.stdin.read()  # until the benchmark closes it (or exits)
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
