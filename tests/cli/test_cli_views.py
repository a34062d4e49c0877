"""The CLI's account-wide views: several queues, --all-queues, status lists, --describe,
``batchkit queues``."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner, Result

from batchkit._cli import app as _cli
from batchkit.models import JobDetail


def run(*args: str) -> Result:
    return CliRunner().invoke(_cli.cli, list(args))


def test_several_queues_are_one_newest_first_listing() -> None:
    result = run(
        "--fake", "jobs", "cpu-spot", "etl", "--status", "failed,SUCCEEDED", "--since", "2d",
        "--format", "csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows
    assert {row["status"] for row in rows} == {"FAILED", "SUCCEEDED"}
    created = [row["created_at"] for row in rows]
    assert created == sorted(created, reverse=True)
    assert len({row["job_id"] for row in rows}) == len(rows)


def test_all_queues_failed_with_reasons_and_log_streams() -> None:
    result = run(
        "--fake", "jobs", "--all-queues", "--status", "FAILED", "--since", "1d", "--describe",
        "--format", "jsonl",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    jobs = [JobDetail.model_validate(json.loads(line)) for line in result.stdout.splitlines()]
    assert "skipped 1 service-job queue(s): sagemaker" in result.stderr  # said, not silent
    assert jobs
    assert {job.status.value for job in jobs} == {"FAILED"}
    assert all(job.status_reason for job in jobs)
    # a job whose image could not be pulled (or whose dependency failed) never started: it
    # has no log stream; every other one has
    started = [job for job in jobs if job.started_at is not None]
    assert started
    assert all(job.log_stream_name for job in started)
    assert not any(job.log_stream_name for job in jobs if job.started_at is None)
    queues = {job.job_queue.rsplit("/", 1)[-1] for job in jobs}
    assert queues <= {"cpu-spot", "gpu-ondemand", "etl"}  # not the SageMaker queue
    assert len(queues) > 1


def test_describe_table_shows_exit_code_reason_and_log_stream() -> None:
    result = run("--fake", "jobs", "etl", "--status", "FAILED", "--describe", "--limit", "3")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split()[:4] == ["NAME", "QUEUE", "STATUS", "CREATED"]
    assert all(title in header for title in ("EXIT", "REASON", "LOG STREAM", "DURATION"))
    assert len(rows) == 3
    assert all(" etl " in row for row in rows)


def test_status_all_csv_of_every_queue() -> None:
    result = run("--fake", "jobs", "--all-queues", "--status", "all", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    statuses = {row["status"] for row in rows}
    assert {"SUCCEEDED", "FAILED", "RUNNING"} <= statuses


def test_queues_command() -> None:
    result = run("--fake", "queues", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [row["name"] for row in rows] == ["cpu-spot", "gpu-ondemand", "etl", "sagemaker"]
    assert rows[3]["type"] == "SAGEMAKER_TRAINING"
    one = run("--fake", "queues", "etl")
    assert one.exit_code == 0
    assert len(one.output.splitlines()) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["jobs", "a", "--all-queues"], "exactly one of QUEUE..., --all-queues"),
        (["jobs"], "exactly one of QUEUE..."),
        (["jobs", "q", "--status", "FAILED,NOPE"], "'NOPE': give one or more of"),
        (["jobs", "q", "--status", ","], "give one or more of"),
        (["service-jobs", "q", "--status", "ALL,FAILED"], "'ALL': give one or more"),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    result = run("--fake", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_service_jobs_several_statuses() -> None:
    result = run("--fake", "service-jobs", "sagemaker", "--status", "RUNNING,SCHEDULED", "--format",
                 "jsonl")  # fmt: skip
    assert result.exit_code == 0, result.output
    statuses = {json.loads(line)["status"] for line in result.output.splitlines()}
    assert statuses == {"RUNNING", "SCHEDULED"}
