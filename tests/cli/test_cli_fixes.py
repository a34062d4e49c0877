"""A new user's second look at the CLI (issue 23): --query failures, --query on every
report, integer options, usage messages, tables that fit, global options after a group,
capped echoes, CLI words in errors, help examples that fit their records."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner, Result

from batchkit._cli import app as _cli
from batchkit._cli import base
from batchkit.testing import FakeAWS

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def run(*args: str, env: dict[str, str | None] | None = None, input: str | None = None) -> Result:
    return CliRunner().invoke(_cli.cli, list(args), env=env, input=input)


def one_error_line(result: Result, code: int = 2) -> str:
    """The single ``error:`` line of a failed command (no traceback)."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[:2000]
    assert lines[0].startswith("error: "), lines
    return lines[0]


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> FakeAWS:
    """``--fake`` answered by a small account of known jobs."""
    fake = FakeAWS(now=lambda: NOW)
    for i, status in enumerate(["FAILED", "SUCCEEDED", "FAILED", "RUNNING"]):
        fake.add_job(
            "etl",
            job_id=f"job-{i}",
            job_name=f"job-{i}",
            status=status,
            created_at=NOW - timedelta(hours=10 - i),
            status_reason="Essential container in task exited" if status == "FAILED" else None,
            exit_code=2 if status == "FAILED" else None,
        )
    monkeypatch.setattr(base.Settings, "backend", lambda self: fake)
    return fake


# ------------------------------------------------------------------ 1. --query failures

DEEP = "|".join(["@"] * 1000)  # compiles; Python's recursion limit is hit evaluating it


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "keys(@)",
            "error: --query: cannot be evaluated: in function keys(): expected object, got array",
        ),
        ("foo(@)", "error: --query: cannot be evaluated: Unknown function: foo()"),
        (DEEP, "error: --query: cannot be evaluated: nested too deeply to evaluate"),
        ("[" * 500, "error: --query: not a JMESPath expression: nested too deeply"),
    ],
)
@pytest.mark.parametrize(
    "command",
    [
        ["jobs", "etl", "--status", "ALL"],
        ["queues"],
        ["queues", "--health"],
        ["describe", "job-0"],
        ["logs", "job-0"],
        ["why", "job-0"],
        ["s3-jobs", "--account-id", "123456789012"],
    ],
)
def test_a_query_that_fails_is_one_usage_line(
    small: FakeAWS, command: list[str], query: str, message: str
) -> None:
    line = one_error_line(run("--fake", *command, "--query", query))
    assert line.startswith(message), line
    assert line.endswith(f"(see: batchkit {command[0]} --help)")
    assert len(line) < 300


# ------------------------------------------------------------------ 2. queues --health --query


def test_queue_health_applies_the_query(small: FakeAWS) -> None:
    name = run("--fake", "queues", "--health", "--output", "json", "--query", "[0].queue.name")
    assert name.exit_code == 0, name.output
    assert json.loads(name.stdout) == "etl"
    count = run("--fake", "queues", "--health", "--query", "length(@)")
    assert json.loads(count.stdout) == 1
    line = one_error_line(run("--fake", "queues", "--health", "--format", "csv", "--query", "@"))
    assert line.startswith("error: --query: prints JSON: give --format json or jsonl")
