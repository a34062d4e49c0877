"""``batchkit logs`` and ``batchkit why``: streaming, safe text, JSON, exit codes, `| head`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner, Result

from batchkit._cli import app as _cli
from batchkit._cli import base
from batchkit.testing import FakeAWS
from tests.conftest import T0


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeAWS:
    backend = FakeAWS(now=lambda: T0)
    monkeypatch.setattr(base.Settings, "backend", lambda self: backend)
    return backend


def run(*args: str) -> Result:
    return CliRunner().invoke(_cli.cli, ["--fake", *args])


def seeded(fake: FakeAWS, lines: list[str], **kwargs: object) -> str:
    job = fake.add_job("q", job_name="etl", **kwargs)  # type: ignore[arg-type]
    where = fake.logs.location(job.job_id)
    assert where.stream is not None
    fake.logs.delete_stream(where.group, where.stream)
    fake.logs.put(where.group, where.stream, lines, start=T0)
    return job.job_id


def test_logs_text_is_time_and_escaped_message(fake: FakeAWS) -> None:
    job_id = seeded(fake, ["hello", "evil \x1b]0;title\x07 end", "tab\there"])
    result = run("logs", job_id)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "2026-11-01T00:00:00.000Z hello"
    assert lines[1].endswith("evil \\x1b]0;title\\x07 end")
    assert lines[2].endswith("tab here")
    assert "\x1b" not in result.output


def test_logs_jsonl_tail_and_since(fake: FakeAWS) -> None:
    job_id = seeded(fake, [f"l{i}" for i in range(10)])
    result = run("logs", job_id, "--tail", "3", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [row["message"] for row in rows] == ["l7", "l8", "l9"]
    assert rows[0]["group"] == "/aws/batch/job"
    assert rows[0]["timestamp"] == "2026-11-01T00:00:07.000Z"
    since = run("logs", job_id, "--since", "2026-11-01T00:00:08Z")
    assert [line.split(" ", 1)[1] for line in since.output.splitlines()] == ["l8", "l9"]


def test_logs_errors_are_one_line(fake: FakeAWS) -> None:
    job = fake.add_job("q", status="RUNNABLE")
    result = run("logs", job.job_id)
    assert result.exit_code == 1
    assert "has no log stream" in result.output
    assert "Traceback" not in result.output
    bad = run("logs", job.job_id, "--attempt", "3")
    assert bad.exit_code == 1 or bad.exit_code == 2
    assert "--attempt" in bad.output or "attempt" in bad.output


def test_why_text_and_json(fake: FakeAWS) -> None:
    oom = fake.add_job(
        "q",
        job_name="train",
        status="FAILED",
        exit_code=137,
        status_reason="OutOfMemoryError: Container killed due to memory usage",
    )
    crash = fake.add_job("q", job_name="etl", status="FAILED", exit_code=1)
    text = run("why", oom.job_id, crash.job_id, "--lines", "3")
    assert text.exit_code == 0, text.output
    assert "OUT_OF_MEMORY" in text.output
    assert "NON_ZERO_EXIT" in text.output
    assert "ValueError: corrupt record" in text.output
    as_json = run("why", oom.job_id, crash.job_id, "--format", "json")
    reports = json.loads(as_json.output)
    assert [r["kind"] for r in reports] == ["OUT_OF_MEMORY", "NON_ZERO_EXIT"]
    lines = run("why", oom.job_id, "--format", "jsonl").output.splitlines()
    assert json.loads(lines[0])["job_id"] == oom.job_id


def test_why_unknown_job_exits_1_after_the_others(fake: FakeAWS) -> None:
    job = fake.add_job("q", status="FAILED", exit_code=3)
    result = run("why", job.job_id, "nope")
    assert result.exit_code == 1
    assert "NON_ZERO_EXIT" in result.output
    assert "not found: nope" in result.output


def test_logs_piped_into_head_exits_0() -> None:
    """A real process: the demo account's job logs, read by `head -1`."""
    script = (
        "from batchkit.testing import FakeAWS\n"
        "from batchkit._cli import app as _cli, base\n"
        "fake = FakeAWS()\n"
        "job = fake.add_job('q', status='SUCCEEDED')\n"
        "fake.logs.append(job.job_id, *[f'line {i}' for i in range(20000)])\n"
        "base.Settings.backend = lambda self: fake\n"
        "raise SystemExit(_cli.main(['--fake', 'logs', job.job_id]))\n"
    )
    producer = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert producer.stdout is not None
    first = producer.stdout.readline()
    producer.stdout.close()
    _, err = producer.communicate(timeout=120)
    assert b"INFO starting job" in first
    assert producer.returncode == 0, err
    assert b"Traceback" not in err
