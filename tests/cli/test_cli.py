"""The command line, through click's runner, and once as a real process."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner, Result

from batchkit._cli import app as _cli
from batchkit._cli import base, output, params
from batchkit.models import JobStatus, JobSummary, ServiceJobStatus


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(_cli.cli, list(args), input=input, env=env)


def test_jobs_table_is_aligned_and_filtered() -> None:
    result = run(
        "--fake", "jobs", "cpu-spot", "--status", "failed", "--since", "7d", "--limit", "5"
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        *("NAME", "QUEUE", "STATUS", "CREATED", "STARTED", "STOPPED", "DURATION", "EXIT"),
        *("REASON", "LOG", "STREAM", "JOB", "ID"),
    ]
    assert len(lines) == 6
    status_column = lines[0].index("STATUS")
    assert all(line[status_column:].startswith("FAILED") for line in lines[1:])
    assert all("ago" in line for line in lines[1:])


def test_json_is_the_exact_wire_shape() -> None:
    result = run(
        "--fake", "jobs", "etl", "--status", "SUCCEEDED", "--limit", "3", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert len(items) == 3
    for item in items:
        assert JobSummary.model_validate(item).to_boto() == item
        assert isinstance(item["createdAt"], int)  # epoch milliseconds, as AWS sends
        assert item["status"] == "SUCCEEDED"


def test_empty_json_listing_is_an_empty_array() -> None:
    result = run("--fake", "jobs", "etl", "--name", "no-such-job", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output) == []


def test_jsonl_and_csv() -> None:
    lines = run(
        "--fake", "jobs", "gpu-ondemand", "--name", "train-*", "--limit", "4", "--format", "jsonl"
    )
    parsed = [json.loads(line) for line in lines.output.splitlines()]
    assert len(parsed) == 4
    assert all(p["jobName"].lower().startswith("train-") for p in parsed)
    table = run("--fake", "s3-jobs", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(table.output)))
    assert {row["status"] for row in rows} >= {"Active", "Complete"}
    assert all(0 <= float(row["progress"]) <= 1 for row in rows)  # a number, not "40%"
    assert {float(row["progress"]) for row in rows} >= {0.4, 1.0}


def test_describe_reads_ids_from_stdin_and_reports_unknown_ids() -> None:
    listing = run(
        "--fake", "jobs", "etl", "--status", "FAILED", "--limit", "3", "--format", "jsonl"
    )
    ids = [json.loads(line)["jobId"] for line in listing.output.splitlines()]
    result = run("--fake", "describe", "-", "--format", "jsonl", input="\n".join(ids) + "\n")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["jobId"] for line in result.output.splitlines()] == ids
    missing = run("--fake", "describe", ids[0], "nope")
    assert missing.exit_code == 1
    assert "error: job(s) not found: nope" in missing.output


def test_service_jobs_with_share_and_status() -> None:
    result = run(
        "--fake",
        "service-jobs",
        "sagemaker",
        "--share",
        "team-nlp",
        "--status",
        "running",
        "--format",
        "jsonl",
    )
    assert result.exit_code == 0, result.output
    jobs = [json.loads(line) for line in result.output.splitlines()]
    assert jobs
    assert {(j["shareIdentifier"], j["status"]) for j in jobs} == {("team-nlp", "RUNNING")}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["jobs", "q", "--since", "yesterday"], "give a duration"),
        (["jobs", "q", "--since", "2026-01-01T00:00:00"], "has no time zone"),
        (["jobs", "q", "--array-job", "a"], "exactly one of QUEUE"),
        (["jobs", "q", "--name", "a*b"], "error: --name: '*' is only allowed at the end"),
        (
            ["jobs", "q", "--since", "1d", "--until", "2d"],
            "error: --since/--until: --since must be before --until",
        ),
        (["jobs", "q", "--status", "BROKEN"], "error: --status: 'BROKEN': give one or more of"),
        (["describe"], "error: JOB_ID...: missing argument"),
        (
            ["jobs", "q", "--limit", "0"],
            "error: --limit: 0 is not a whole number from 1 to 9223372036854775807",
        ),
        (["jobs", "q", "--limit", "1e23"], "error: --limit: '1e23' is not a whole number"),
        (
            ["jobs", "q", "--limit", str(2**63)],
            "is not a whole number from 1 to 9223372036854775807",
        ),
        (["jobs", "q", "--limt", "3"], "error: --limt: no such option; did you mean --limit?"),
        (["jobs", "q", "--format", "xml"], "error: --format/--output: 'xml' is not one of"),
        (["nosuch"], "error: No such command 'nosuch'"),
        (["describe", "x", "--workers", "11"], "error: --workers: 11 is not a whole number from"),
        (["jobs", "q", "--query", "[?"], "error: --query: not a JMESPath expression"),
    ],
)
def test_usage_errors_exit_2_in_one_line(args: list[str], message: str) -> None:
    """Issue 23.3: click's own errors and batchkit's, one style: one line, the option,
    what is allowed, exit 2."""
    result = run("--fake", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "Traceback" not in result.output
    assert "Usage:" not in result.output


def test_aws_errors_exit_1_without_traceback() -> None:
    result = run("--fake", "jobs", "no-such-queue")
    assert result.exit_code == 1
    assert result.output.startswith("error: ListJobs: ClientException: Job queue no-such-queue")
    assert len(result.output.strip().splitlines()) == 1


def test_s3_needs_an_account_id_unless_fake() -> None:
    result = run("s3-jobs")
    assert result.exit_code == 2
    assert "--account-id is required" in result.output
    bad = run("s3-jobs", "--account-id", "12345")
    assert bad.exit_code == 2
    assert "error: --account-id: expected 12 ASCII digits" in bad.output


def test_credentials_are_never_printed() -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
    env = {
        "AWS_ACCESS_KEY_ID": "AKIASECRETIDEXAMPLE1",
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    result = run("--endpoint-url", "http://127.0.0.1:9", "jobs", "q", env=env)
    assert result.exit_code == 1
    assert result.output.startswith("error: ")
    assert secret not in result.output
    assert "AKIASECRETIDEXAMPLE1" not in result.output


def test_colour_and_no_colour() -> None:
    coloured = run(
        "--fake", "jobs", "etl", "--status", "FAILED", "--limit", "2", env={"FORCE_COLOR": "1"}
    )
    assert "\x1b[" in coloured.output
    plain = run(
        "--fake",
        "--no-color",
        "jobs",
        "etl",
        "--status",
        "FAILED",
        "--limit",
        "2",
        env={"FORCE_COLOR": "1"},
    )
    assert "\x1b[" not in plain.output


def test_rows_stream_before_the_listing_ends(capsys: pytest.CaptureFixture[str]) -> None:
    first = JobSummary.model_validate({"jobId": "1", "jobName": "first", "status": "RUNNING"})

    def listing() -> Iterator[Any]:
        yield first
        raise RuntimeError("the second page never comes")

    settings = base.Settings()
    with pytest.raises(RuntimeError):
        output.emit(settings, listing(), output.JOB_COLUMNS, "jsonl", "jobs")
    assert json.loads(capsys.readouterr().out.splitlines()[0])["jobName"] == "first"


def test_cli_status_choices_are_the_documented_statuses() -> None:
    assert list(params.JOB_STATUSES) == [s.value for s in JobStatus]
    assert list(params.SERVICE_JOB_STATUSES) == [s.value for s in ServiceJobStatus]


def test_time_param() -> None:
    from datetime import timedelta, timezone

    param = params.TimeParam()
    assert param.convert("90m", None, None) == timedelta(minutes=90)
    assert param.convert("2w", None, None) == timedelta(weeks=2)
    moment = param.convert("2026-11-01T10:00:00Z", None, None)
    assert not isinstance(moment, timedelta)
    assert moment.tzinfo is not None
    assert moment.utcoffset() == timezone.utc.utcoffset(None)


def test_a_real_process() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "batchkit",
            "--fake",
            "jobs",
            "etl",
            "--status",
            "SUCCEEDED",
            "--limit",
            "3",
            "--format",
            "jsonl",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3


def test_the_default_running_only_listing_is_announced() -> None:
    result = run("--fake", "jobs", "etl")
    assert result.exit_code == 0
    assert "RUNNING jobs only" in result.output
    quiet = run("--fake", "jobs", "etl", "--status", "RUNNING")
    assert "RUNNING jobs only" not in quiet.output
