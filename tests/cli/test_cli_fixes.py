"""A new user's second look at the CLI (issue 23): --query failures, --query on every
report, integer options, usage messages, tables that fit, global options after a group,
capped echoes, CLI words in errors, help examples that fit their records."""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from batchkit._cli import app as _cli
from batchkit.testing import FakeAWS
from tests.cli.conftest import small_account


def run(*args: str, env: dict[str, str | None] | None = None, input: str | None = None) -> Result:
    return CliRunner().invoke(_cli.cli, list(args), env=env, input=input)


def one_error_line(result: Result, code: int = 2) -> str:
    """The single ``error:`` line of a failed command (no traceback)."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr[:2000]
    assert lines[-1] == errors[0], result.stderr[:2000]
    return errors[0]


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> FakeAWS:
    """``--fake`` answered by a small account of known jobs."""
    return small_account(monkeypatch)


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


# ------------------------------------------------------------------ 4. integer options

HUGE = "9" * 5000


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["jobs", "etl", "--limit", HUGE], "--limit"),
        (["queues", "--limit", "-" + HUGE], "--limit"),
        (["why", "job-0", "--lines", HUGE], "--lines"),
        (["why", "--queue", "etl", "--limit", HUGE], "--limit"),
        (["logs", "job-0", "--attempt", "-" + HUGE], "--attempt"),
        (["logs", "job-0", "--node", HUGE], "--node"),
        (["logs", "job-0", "--tail", HUGE], "--tail"),
        (["describe", "job-0", "--workers", HUGE], "--workers"),
        (["watch", "job-0", "--workers", HUGE], "--workers"),
        (["demo", "--jobs", HUGE], "--jobs"),
        (["jobs", "etl", "--since", HUGE + "d"], "--since"),
        (["logs", "job-0", "--since", HUGE + "m"], "--since"),
        (["watch", "job-0", "--timeout", HUGE + "s"], "--timeout"),
        (["archive", "stats", "--since", HUGE + "w"], "--since"),
        (["archive", "sync", "--every", HUGE + "h"], "--every"),
    ],
)
def test_thousands_of_digits_are_refused_in_one_short_line(
    small: FakeAWS, args: list[str], option: str
) -> None:
    line = one_error_line(run("--fake", *args))
    assert line.startswith(f"error: {option}: '"), line
    assert "(+4900 more characters)" in line or "(+4901 more characters)" in line
    assert len(line) < 400


def test_an_integer_out_of_range_says_the_range(small: FakeAWS) -> None:
    for value in (str(2**63), "0", "-1"):
        line = one_error_line(run("--fake", "jobs", "etl", "--limit", value))
        assert line == (
            f"error: --limit: {value} is not a whole number from 1 to 9223372036854775807 "
            "(see: batchkit jobs --help)"
        )
    fine = run("--fake", "jobs", "etl", "--status", "ALL", "--limit", "0" * 30 + "2",
               "--output", "json")  # fmt: skip
    assert len(json.loads(fine.stdout)) == 2  # leading zeros: still a number in range
    most = one_error_line(run("--fake", "jobs", "etl", "--since", "1000000000d"))
    assert "'1000000000d' is too far in the past" in most
    longest = one_error_line(run("--fake", "watch", "job-0", "--timeout", "1000000000d"))
    assert "'1000000000d' is too long (at most 999999999d)" in longest


# ------------------------------------------------------------------ 5. usage messages


def test_an_empty_time_range_says_which_comes_first(small: FakeAWS) -> None:
    line = one_error_line(run("--fake", "jobs", "etl", "--since", "1d", "--until", "2d"))
    assert line.startswith("error: --since/--until: --since must be before --until")
    assert line.endswith("(see: batchkit jobs --help)")
    started = one_error_line(
        run("--fake", "jobs", "etl", "--started-since", "1h", "--started-until", "3h")
    )
    assert "--started-since must be before --started-until" in started


def test_an_option_without_its_value_says_what_it_takes(small: FakeAWS) -> None:
    status = one_error_line(run("--fake", "jobs", "etl", "--status"))
    assert status == (
        "error: --status: requires a value: one or more of SUBMITTED, PENDING, RUNNABLE, "
        "STARTING, RUNNING, SUCCEEDED, FAILED (any case) separated by commas, or ALL "
        "(see: batchkit jobs --help)"
    )
    fmt = one_error_line(run("--fake", "why", "job-0", "--format"))
    assert fmt == (
        "error: --format: requires a value: one of text, json, jsonl (see: batchkit why --help)"
    )
    limit = one_error_line(run("--fake", "archive", "sql", "x", "--db"))
    assert limit == "error: --db: requires a value (see: batchkit archive sql --help)"


def test_a_mistyped_status_gets_the_librarys_suggestion(small: FakeAWS) -> None:
    line = one_error_line(run("--fake", "jobs", "etl", "--status", "FAILD"))
    assert line.startswith("error: --status: 'FAILD': did you mean 'FAILED'? give one or more")
    several = one_error_line(run("--fake", "jobs", "etl", "--status", "FAILD,runing,xyz"))
    assert "did you mean 'FAILED' for 'FAILD', 'RUNNING' for 'runing'? give" in several
    s3 = one_error_line(run("--fake", "s3-jobs", "--status", "complet"))
    assert "'complet': did you mean 'Complete'?" in s3
    service = one_error_line(run("--fake", "service-jobs", "q", "--status", "SCHEDULD"))
    assert "'SCHEDULD': did you mean 'SCHEDULED'?" in service
    none = one_error_line(run("--fake", "jobs", "etl", "--status", "xyz"))
    assert "did you mean" not in none


# ------------------------------------------------------------------ 7. global options in a group


def test_global_options_are_taken_after_a_group_too(small: FakeAWS, tmp_path: Path) -> None:
    db = str(tmp_path / "a.sqlite")
    synced = run("archive", "--fake", "sync", "--db", db)
    assert synced.exit_code == 0, synced.output
    counted = run("archive", "--no-color", "sql", "select count(*) as n from jobs", "--db", db,
                  "--format", "json")  # fmt: skip
    assert counted.exit_code == 0, counted.output
    assert "4" in counted.stdout
    twice = one_error_line(run("archive", "--region", "a", "sync", "--region", "b", "--db", db))
    assert twice.startswith("error: --region: given before and after the command")


# ------------------------------------------------------------------ 8. echoed input is capped

LONG = "x" * 100_000


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["describe", LONG], 1),
        (["jobs", LONG], 1),
        (["logs", LONG], 1),
        (["why", LONG], 1),
        (["why", "--queue", LONG], 1),
        (["service-jobs", LONG], 1),
        (["jobs", "etl", "--format", LONG], 2),
        (["jobs", "etl", "--status", LONG], 2),
        (["jobs", "etl", "--since", LONG], 2),
        (["jobs", "etl", "--limit", LONG], 2),
        (["jobs", "etl", "--endpoint-url", LONG], 2),
        (["jobs", "etl", "--" + LONG], 2),
        (["s3-jobs", "--account-id", LONG], 2),
        ([LONG], 2),
        (["archive", "sql", LONG, "--db", "sqlite:///:memory:"], 1),
        (["archive", "sql", "select 1", "--db", LONG], 1),
        (["archive", "export", "--parquet", "/" + LONG, "--db", "sqlite:///:memory:"], 1),
    ],
)
def test_an_error_line_shows_the_first_100_characters_of_a_huge_value(
    small: FakeAWS, args: list[str], code: int
) -> None:
    line = one_error_line(run("--fake", *args), code)
    assert re.search(r"x{85,100}\.\.\. \(\+99\d\d\d more characters\)", line), line[:300]
    assert "x" * 101 not in line
    assert len(line) < 400


def test_a_thousand_ids_not_found_is_one_capped_line(small: FakeAWS) -> None:
    ids = [f"missing-{i:04d}" for i in range(1000)]
    line = one_error_line(run("--fake", "describe", *ids), 1)
    assert line.startswith("error: job(s) not found: missing-0000, missing-0001")
    assert line.endswith("more characters)")
    assert len(line) < 2100
    usage = one_error_line(run("--fake", "jobs", "etl", "--account", *ids))
    assert len(usage) < 2100


# ------------------------------------------------------------------ 9. CLI words in errors


def refused_url() -> str:
    """An endpoint nothing listens on (a port just released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_ids_not_described_are_named_in_cli_terms() -> None:
    env = {"AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t", "AWS_DEFAULT_REGION":
           "us-east-1", "AWS_PROFILE": None, "AWS_CONFIG_FILE": os.devnull}  # fmt: skip
    result = run("describe", "job-a", "job b", "--endpoint-url", refused_url(), env=env)
    line = one_error_line(result, 1)
    assert "connection refused" in line
    assert ".undescribed_ids" not in line
    assert line.endswith(
        "; 2 job id(s) not described, nothing printed for them "
        "(describe them again: batchkit describe job-a 'job b')"
    )


# ------------------------------------------------------------------ 10. help examples that fit


def _fields(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _fields(v)}
    if isinstance(value, list):
        return {k for v in value for k in _fields(v)}
    return set()


def _example(command: list[str]) -> str:
    help_text = " ".join(run(*command, "--help").stdout.split())
    found = re.search(r'--query JMESPATH A JMESPath expression over the records --format json '
                      r'prints \(e\.g\. "([^"]+)"', help_text)  # fmt: skip
    assert found, help_text
    return found[1]


@pytest.mark.parametrize(
    "command",
    [
        ["jobs", "cpu-spot", "--status", "ALL", "--limit", "50"],
        ["describe", "7e1f0000-0000-4000-8000-00000000b10c"],
        ["service-jobs", "sagemaker", "--status", "ALL"],
        ["s3-jobs", "--account-id", "123456789012"],
        ["queues"],
        ["logs", "FAILED-JOB"],
        ["why", "--queue", "gpu-ondemand"],
    ],
)
def test_each_query_example_names_fields_of_its_own_records(command: list[str]) -> None:
    """Each command's --query example reads fields its own records have (they differ:
    log events have no status, reports no jobId)."""
    example = _example(command[:1])
    if "FAILED-JOB" in command:
        # a job whose container ran (the demo's "Dependent Job failed" ones have no log
        # stream, and which comes first depends on the time of day the demo is seeded at)
        ran = "[?statusReason=='Essential container in task exited'] | [0].jobId"
        failed = run("--fake", "jobs", "etl", "--status", "FAILED", "--query", ran)
        command = [json.loads(failed.stdout) if c == "FAILED-JOB" else c for c in command]
    fmt = "jsonl" if command[0] == "logs" else "json"
    printed = run("--fake", *command, "--format", fmt)
    assert printed.exit_code == 0, printed.output
    if fmt == "jsonl":
        records = [json.loads(line) for line in printed.stdout.splitlines()]
    else:
        records = json.loads(printed.stdout)
    assert records, command
    named = set(re.findall(r"[A-Za-z_]\w*", re.sub(r"'[^']*'|\w+\(", "", example)))
    assert named <= _fields(records), (example, named - _fields(records))
    queried = run("--fake", *command, "--query", example)
    assert queried.exit_code == 0, queried.output
    assert isinstance(json.loads(queried.stdout), list)


def test_a_log_stream_not_there_yet_points_at_the_option() -> None:
    line = one_error_line(run("--fake", "logs", "7e1f0000-0000-4000-8000-00000000b10c"), 1)
    assert line.endswith("has not started yet (RUNNABLE); --follow waits for it"), line


# ------------------------------------------------------------------ 3. report commands' options


@pytest.fixture
def archive_db(small: FakeAWS, tmp_path: Path) -> str:
    db = str(tmp_path / "a.sqlite")
    assert run("--fake", "archive", "sync", "--db", db).exit_code == 0
    return db


def test_archive_stats_and_sql_take_output_and_query(archive_db: str) -> None:
    stats = run("archive", "stats", "--db", archive_db, "--since", "30d", "--output", "json")
    assert stats.exit_code == 0, stats.output
    report = json.loads(stats.stdout)
    assert list(report) == ["queue_wait", "run_time", "failures_per_day", "usage_per_day"]
    assert report["failures_per_day"][0]["queue"] == "etl"
    queues = run("archive", "stats", "--db", archive_db, "--since", "30d", "--query",
                 "failures_per_day[].queue")  # fmt: skip
    assert json.loads(queues.stdout) == ["etl"]
    csv = one_error_line(run("archive", "stats", "--db", archive_db, "--format", "csv"))
    assert csv.startswith("error: --format/--output: 'csv' is not one of 'table', 'json'")
    sql = "select job_id, status from jobs order by job_id"
    ids = run("archive", "sql", sql, "--db", archive_db, "--query", "[?status=='FAILED'].job_id")
    assert ids.exit_code == 0, ids.output
    assert json.loads(ids.stdout) == ["job-0", "job-2"]
    array = run("archive", "sql", sql, "--db", archive_db, "--format", "json")
    assert [row["job_id"] for row in json.loads(array.stdout)] == [f"job-{i}" for i in range(4)]
    table = one_error_line(run("archive", "sql", sql, "--db", archive_db, "--format", "csv",
                               "--query", "@"))  # fmt: skip
    assert table.startswith("error: --query: prints JSON: give --format json or jsonl")


# ------------------------------------------------------------------ 6. tables fit the terminal


def test_queue_health_fits_the_terminal(small: FakeAWS) -> None:
    for width in (40, 60, 80):
        result = run("--fake", "queues", "--health", env={"COLUMNS": str(width)})
        assert result.exit_code == 0, result.output
        assert max(len(line) for line in result.stdout.splitlines()) <= width, result.stdout
        assert result.stdout.startswith("NAME")


def test_array_children_fit_with_their_ids_whole() -> None:
    listed = run("--fake", "jobs", "cpu-spot", "--status", "PENDING", "--format", "json")
    parent = next(j["jobId"] for j in json.loads(listed.stdout) if "arrayProperties" in j)
    result = run("--fake", "jobs", "--array-job", parent, "--status", "ALL", "--limit", "3",
                 env={"COLUMNS": "60"})  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 60, result.stdout
    assert all(line.split()[-1].startswith(parent + ":") for line in lines[1:])


def test_sql_tables_fit_drop_columns_and_keep_ids_whole(archive_db: str) -> None:
    result = run("archive", "sql", "select * from jobs order by job_id limit 2", "--db",
                 archive_db, env={"COLUMNS": "60"})  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 60, result.stdout
    assert lines[0].split()[0] == "job_id"
    assert [line.split()[0] for line in lines[1:]] == ["job-0", "job-1"]
    assert "│" not in result.stdout  # no grid of squeezed columns
    assert "column(s) left out to fit the terminal" in result.stderr
    wide = run("archive", "sql", "select job_id, status from jobs order by job_id limit 1",
               "--db", archive_db, env={"COLUMNS": "200"})  # fmt: skip
    assert wide.stdout.split() == ["job_id", "status", "job-0", "FAILED"]
    assert wide.stderr == ""
