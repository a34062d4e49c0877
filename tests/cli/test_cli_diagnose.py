"""``batchkit why`` (either report; ``--queue Q [--stuck]``) and ``batchkit queues --health``."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

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


def stuck_queue(fake: FakeAWS) -> tuple[str, str]:
    fake.add_compute_environment("gpu-ce", instance_types=["g4dn"], desired_vcpus=8, max_vcpus=64)
    fake.configure_queue("gpu", compute_environments=["gpu-ce"])
    head = fake.add_job(
        "gpu", job_name="big\x1b[31m", status="RUNNABLE", created_at=T0 - timedelta(hours=2)
    )
    fake.block_job(head.job_id, "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY")
    behind = fake.add_job(
        "gpu", job_name="small", status="RUNNABLE", created_at=T0 - timedelta(hours=1)
    )
    return head.job_id, behind.job_id


def test_why_prints_either_report(fake: FakeAWS) -> None:
    head, behind = stuck_queue(fake)
    failed = fake.add_job("q", status="FAILED", exit_code=137)
    result = run("why", head, failed.job_id, "--lines", "0")
    assert result.exit_code == 0, result.output
    assert "CAPACITY -- AWS says CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY" in result.output
    assert "OUT_OF_MEMORY" in result.output
    assert "\x1b" not in result.output
    assert "big\\x1b[31m" in result.output
    data = json.loads(run("why", behind, failed.job_id, "--format", "json").output)
    assert [(r["report_type"], r["kind"]) for r in data] == [
        ("wait", "BEHIND_BLOCKED_JOB"),
        ("failure", "OUT_OF_MEMORY"),
    ]
    assert data[0]["blocked_by"]["job_id"] == head


def test_why_queue_and_stuck(fake: FakeAWS) -> None:
    head, behind = stuck_queue(fake)
    front = run("why", "--queue", "gpu", "--format", "jsonl")
    assert front.exit_code == 0, front.output
    assert [json.loads(line)["job_id"] for line in front.output.splitlines()] == [head, behind]
    stuck = run("why", "--queue", "gpu", "--stuck", "--format", "json")
    assert [r["job_id"] for r in json.loads(stuck.output)] == [head]
    fake.add_queue("idle")
    empty = run("why", "--queue", "idle", "--stuck")
    assert empty.exit_code == 0
    assert "no stuck jobs at the front of idle" in empty.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("why",), "no job ids given"),
        (("why", "j1", "--queue", "q"), "not both"),
        (("why", "j1", "--stuck"), "--stuck needs --queue"),
        (("why", "--queue", "q", "--limit", "0"), "--limit"),
        (("queues", "--health", "--limit", "3"), "--limit is for the listing"),
    ],
)
def test_usage_errors(fake: FakeAWS, args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert fake.requests == []


def test_why_unknown_job_exits_1(fake: FakeAWS) -> None:
    head, _behind = stuck_queue(fake)
    result = run("why", head, "nope")
    assert result.exit_code == 1
    assert "CAPACITY" in result.output
    assert "not found: nope" in result.output


def test_queues_health_table_csv_and_json(fake: FakeAWS) -> None:
    stuck_queue(fake)
    fake.configure_queue("off", state="DISABLED")
    table = run("queues", "--health")
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split()[:4] == ["NAME", "STATE", "STATUS", "COMPUTE"]
    gpu = next(line for line in lines if line.startswith("gpu "))
    assert "gpu-ce 8/64" in gpu
    assert "2h00m" in gpu  # the front job's wait
    assert "blocked: CAPACITY" in gpu
    off = next(line for line in lines if line.startswith("off "))
    assert "queue DISABLED" in off
    rows = list(
        csv.DictReader(io.StringIO(run("queues", "gpu", "--health", "--format", "csv").output))
    )
    assert rows[0]["runnable"] == "2"
    assert float(rows[0]["front_wait_seconds"]) == 7200.0
    data = json.loads(run("queues", "gpu", "--health", "--format", "json").output)
    assert data[0]["queue"]["name"] == "gpu"
    assert data[0]["healthy"] is False
    listing = run("queues", "--format", "json")  # without --health: the DescribeJobQueues shape
    assert {q["jobQueueName"] for q in json.loads(listing.output)} >= {"gpu", "off"}


def test_queues_health_says_what_it_could_not_check(fake: FakeAWS) -> None:
    stuck_queue(fake)
    fake.inject(operation="GetJobQueueSnapshot", code="AccessDeniedException", status=403, times=5)
    result = run("queues", "gpu", "--health")
    assert result.exit_code == 0, result.output
    assert (
        "not checked: GetJobQueueSnapshot: no permission (AccessDeniedException)" in result.output
    )
