"""Issue 23 (CLI habits) and issue 22's CLI items: global options anywhere, --output and
--query, one error style, repeated options, tables that fit, one column set per record,
help that tells the truth, JSON that stays well-formed, Ctrl-C, CSV formulas."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from batchkit._cli import app as _cli
from batchkit._cli import base, output, params
from batchkit.testing import FakeAWS
from tests.cli.conftest import NOW, small_account


def run(*args: str, env: dict[str, str | None] | None = None, input: str | None = None) -> Result:
    return CliRunner().invoke(_cli.cli, list(args), env=env, input=input)


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> FakeAWS:
    """``--fake`` answered by a small account of known jobs: the first one's name a CSV
    formula after a separator, and a second queue."""
    return small_account(
        monkeypatch, first_name="nightly copy;=cmd|' /C calc'!A0", second_queue=True
    )


# ------------------------------------------------------------------ 23.1 global options


def test_global_options_also_follow_the_command(small: FakeAWS) -> None:
    after = run("jobs", "etl", "--status", "FAILED", "--format", "jsonl", "--fake", "--region",
                "us-west-2", "--no-color", "--profile", "p")  # fmt: skip
    assert after.exit_code == 0, after.output
    assert [json.loads(line)["jobId"] for line in after.stdout.splitlines()] == ["job-2", "job-0"]
    url = run("--fake", "jobs", "etl", "--endpoint-url", "ftp://x")
    assert url.exit_code == 2
    assert "error: --endpoint-url: 'ftp://x' is not an http(s) URL" in url.output


def test_a_global_option_given_before_and_after_is_a_repeat(small: FakeAWS) -> None:
    result = run("--fake", "--region", "a", "jobs", "etl", "--region", "b")
    assert result.exit_code == 2
    assert "error: --region: given before and after the command" in result.output


def test_every_command_takes_the_global_options() -> None:
    for name, command in walk(_cli.cli):
        if isinstance(command, click.Group):
            continue
        options = {opt for param in command.params for opt in getattr(param, "opts", ())}
        assert {"--profile", "--region", "--endpoint-url", "--fake", "--no-color"} <= options, name


def walk(group: click.Group, prefix: str = "batchkit") -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from walk(command, f"{prefix} {name}")


# ------------------------------------------------------------------ 23.2 --output, --query


def test_output_is_another_name_for_format(small: FakeAWS) -> None:
    result = run("--fake", "jobs", "etl", "--status", "FAILED", "--output", "json")
    assert result.exit_code == 0, result.output
    assert [job["jobId"] for job in json.loads(result.stdout)] == ["job-2", "job-0"]
    twice = run("--fake", "jobs", "etl", "--format", "json", "--output", "csv")
    assert twice.exit_code == 2  # one option, two names: given twice
    assert "error: --format/--output: given more than once" in twice.output


def test_every_format_option_is_also_spelled_output() -> None:
    formats = [
        (name, param)
        for name, command in walk(_cli.cli)
        for param in command.params
        if "--format" in getattr(param, "opts", ())
    ]
    assert len(formats) >= 8
    for name, param in formats:
        assert "--output" in param.opts, name


def test_logs_take_a_query_too(small: FakeAWS) -> None:
    result = run("--fake", "logs", "job-0", "--query", "length(@)")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) > 3
    follow = run("--fake", "logs", "job-0", "--query", "length(@)", "--follow")
    assert follow.exit_code == 2
    assert "error: --query: reads every event first: it cannot --follow" in follow.output


def test_query_is_jmespath_over_the_json_records(small: FakeAWS) -> None:
    ids = run("--fake", "jobs", "etl", "--status", "ALL", "--query", "[?status=='FAILED'].jobId")
    assert ids.exit_code == 0, ids.output
    assert json.loads(ids.stdout) == ["job-2", "job-0"]
    count = run("--fake", "jobs", "etl", "ml", "--status", "FAILED", "--query", "length(@)")
    assert json.loads(count.stdout) == 3
    queues = run("--fake", "jobs", "etl", "ml", "--status", "FAILED", "--query", "[].jobQueue")
    assert json.loads(queues.stdout) == ["ml", "etl", "etl"]  # merged: the queue of each job
    lines = run("--fake", "describe", "job-0", "job-1", "--query", "[].exitCode || [].status",
                "--format", "jsonl")  # fmt: skip
    assert lines.exit_code == 0, lines.output
    assert [json.loads(line) for line in lines.stdout.splitlines()] == ["FAILED", "SUCCEEDED"]
    report = run("--fake", "why", "job-0", "--query", "[0].kind")
    assert json.loads(report.stdout) == "NON_ZERO_EXIT"
    table = run("--fake", "jobs", "etl", "--query", "[]", "--format", "csv")
    assert table.exit_code == 2
    assert "error: --query: prints JSON: give --format json or jsonl" in table.output


# ------------------------------------------------------------------ 22.8 repeated options


def test_repeated_status_is_the_union_everywhere(small: FakeAWS) -> None:
    result = run("--fake", "jobs", "etl", "--status", "FAILED", "--status", "succeeded",
                 "--format", "jsonl")  # fmt: skip
    assert result.exit_code == 0, result.output
    statuses = sorted(json.loads(line)["status"] for line in result.stdout.splitlines())
    assert statuses == ["FAILED", "FAILED", "SUCCEEDED"]  # not SUCCEEDED only (last wins)
    both = run("--fake", "jobs", "etl", "--status", "FAILED,RUNNING", "--status", "FAILED",
               "--format", "jsonl")  # fmt: skip
    assert len(both.stdout.splitlines()) == 3
    assert params.statuses((("FAILED",), "ALL")) == "ALL"


@pytest.mark.parametrize(
    "args",
    [
        ["jobs", "etl", "--name", "a", "--name", "b"],
        ["jobs", "etl", "--limit", "1", "--limit", "2"],
        ["describe", "x", "--workers", "2", "--workers", "3"],
        ["why", "x", "--lines", "1", "--lines", "2"],
        ["archive", "stats", "--db", "sqlite:///:memory:", "--db", "sqlite:///:memory:"],
    ],
)
def test_any_other_repeated_option_is_refused(args: list[str]) -> None:
    result = run("--fake", *args)
    assert result.exit_code == 2
    assert "given more than once; give it once" in result.output
    assert len(result.output.strip().splitlines()) == 1


# ------------------------------------------------------------------ 23.5 width, 23.14 columns


@pytest.mark.parametrize("columns", [40, 60, 80, 120])
def test_tables_fit_the_terminal_and_keep_ids_whole(columns: int) -> None:
    result = run("--fake", "jobs", "--all-queues", "--status", "ALL", "--limit", "30",
                 env={"COLUMNS": str(columns)})  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    ids = [line.split()[-1] for line in lines[1:]]
    assert all(len(job_id) == 36 for job_id in ids)  # never truncated
    assert max(len(line) for line in lines) <= max(columns, 58)  # 58: name, status and an id


def test_one_column_set_per_record_type_in_every_command(small: FakeAWS) -> None:
    expected = [column.csv_title for column in output.JOB_COLUMNS]
    for args in (
        ["jobs", "etl", "--status", "ALL"],
        ["jobs", "etl", "ml", "--status", "ALL"],
        ["jobs", "etl", "--status", "ALL", "--describe"],
        ["describe", "job-0", "job-3"],
    ):
        result = run("--fake", *args, "--format", "csv")
        assert result.exit_code == 0, (args, result.output)
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert list(rows[0]) == expected, args
        assert {"queue", "created_at", "started_at", "stopped_at", "duration_seconds"} <= set(
            expected
        )
        for row in rows:
            assert row["queue"] in ("etl", "ml"), (args, row)
            if row["status"] in ("SUCCEEDED", "FAILED"):
                started = datetime.fromisoformat(row["started_at"])
                stopped = datetime.fromisoformat(row["stopped_at"])
                assert (stopped - started).total_seconds() == float(row["duration_seconds"])
    table = run("--fake", "jobs", "etl", "--status", "ALL")
    assert table.stdout.splitlines()[0].split()[:4] == ["NAME", "QUEUE", "STATUS", "CREATED"]


# ------------------------------------------------------------------ 23.6-7 help


def test_dash_h_is_help_everywhere() -> None:
    """Checking repeats once made click cache the group's help option as --help only."""
    for args in ([], ["jobs"], ["archive", "sync"]):
        result = run(*args, "-h")
        assert result.exit_code == 0, (args, result.output)
        assert result.output.startswith("Usage: batchkit")
    assert run("--region", "x", "-h").exit_code == 0


def test_help_says_the_true_ranges_in_plain_text() -> None:
    for name, _command in walk(_cli.cli):
        text = run(*name.split()[1:], "--help")
        assert text.exit_code == 0, name
        assert "``" not in text.output, name  # no reST markup shown literally
    assert "1..10" in run("describe", "--help").output
    assert "At most this many queues." in run("queues", "--help").output
    assert "At most this many jobs." in run("jobs", "--help").output


# ------------------------------------------------------------------ 23.12 service queues


def test_all_queues_says_which_queues_it_skips() -> None:
    result = run("--fake", "jobs", "--all-queues", "--status", "RUNNING", "--limit", "1")
    assert result.exit_code == 0, result.output
    assert "skipped 1 service-job queue(s): sagemaker" in result.stderr
    assert "batchkit service-jobs QUEUE" in result.stderr


# ------------------------------------------------------------------ 22.18 JSON well-formed


def test_why_json_stays_an_array_when_a_later_job_fails(small: FakeAWS) -> None:
    small.inject(code="AccessDeniedException", status=403, operation="DescribeJobs", on_call=2)
    result = run("--fake", "why", "job-0", "job-2", "--format", "json")
    assert result.exit_code == 1
    reports = json.loads(result.stdout)  # closed: "[ {...} ]", not an unterminated "["
    assert [r["job_id"] for r in reports] == ["job-0"]
    assert "error: DescribeJobs: AccessDeniedException" in result.stderr


# ------------------------------------------------------------------ 22.19 Ctrl-C


def test_ctrl_c_in_any_command_exits_130_in_one_line(
    small: FakeAWS, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: "Aborted!" and exit 1 (every command but watch), a traceback now and then,
    an unterminated JSON array."""
    real = output.JsonArray.add

    def interrupted_at_the_second(self: output.JsonArray, text: str) -> None:
        if self.count == 1:
            raise KeyboardInterrupt
        real(self, text)

    monkeypatch.setattr(output.JsonArray, "add", interrupted_at_the_second)
    for command in (
        ["jobs", "etl", "--status", "ALL"],
        ["jobs", "etl", "ml", "--status", "ALL"],
        ["jobs", "etl", "--status", "ALL", "--describe"],
        ["describe", "job-0", "job-1"],
        ["why", "job-0", "job-2"],
        ["queues"],
    ):
        result = run("--fake", *command, "--format", "json")
        assert result.exit_code == 130, (command, result.output)
        assert len(json.loads(result.stdout)) == 1, command  # the array is closed
        assert result.stderr == "interrupted\n", command


class Stalling(BaseHTTPRequestHandler):
    """ListJobs: a first page of two jobs, then a second page that waits (to be interrupted)."""

    calls: list[str]
    release: threading.Event

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        type(self).calls.append(self.path)
        if body.get("nextToken"):
            type(self).release.wait(30)
            payload: dict[str, Any] = {"jobSummaryList": []}
        else:
            payload = {
                "jobSummaryList": [
                    {"jobId": f"j{i}", "jobName": "n", "status": "FAILED", "createdAt": 1000 - i}
                    for i in range(2)
                ],
                "nextToken": "more",
            }
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.mark.parametrize("extra", [[], ["--describe"]])
def test_a_real_sigint_mid_listing(extra: list[str]) -> None:
    """A real process, a real SIGINT while a page is awaited: exit 130, one line, closed JSON."""
    handler: Any = type("Handler", (Stalling,), {"calls": [], "release": threading.Event()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t", "AWS_DEFAULT_REGION":
            "us-east-1", "AWS_CONFIG_FILE": os.devnull, "NO_PROXY": "127.0.0.1"}  # fmt: skip
    url = f"http://127.0.0.1:{server.server_address[1]}"
    process = subprocess.Popen(
        [sys.executable, "-m", "batchkit", "jobs", "q", "--status", "FAILED", "--format", "json",
         "--endpoint-url", url, *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while len(handler.calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # waiting for the real process to reach the stalled page
        assert len(handler.calls) == 2, handler.calls
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        handler.release.set()
        process.kill()
        server.shutdown()
        server.server_close()
    assert process.returncode == 130, stderr
    assert stderr == "interrupted\n"
    jobs = json.loads(stdout)
    assert jobs == ([] if extra else [{"jobId": "j0", "jobName": "n", "status": "FAILED",
                                       "createdAt": 1000},
                                      {"jobId": "j1", "jobName": "n", "status": "FAILED",
                                       "createdAt": 999}])  # fmt: skip


# ------------------------------------------------------------------ 22.21 CSV formulas


def test_csv_guards_a_formula_after_any_separator(small: FakeAWS) -> None:
    assert output.csv_cell("nightly copy;=cmd|' /C calc'!A0") == "nightly copy;'=cmd|' /C calc'!A0"
    assert output.csv_cell("a; +1") == "a; '+1"
    assert output.csv_cell("a;b") == "a;b"  # no formula: unchanged
    assert output.csv_cell("=1;=2") == "'=1;'=2"
    result = run("--fake", "jobs", "etl", "--status", "FAILED", "--format", "csv")
    line = next(line for line in result.stdout.splitlines() if "job-0" in line)
    # split on ';' as a spreadsheet in such a locale does: no cell starts a formula
    assert not any(cell.lstrip().startswith(("=", "+", "-", "@")) for cell in line.split(";"))


# ------------------------------------------------------------------ found by attacking it


def test_a_tiny_or_zero_columns_still_prints_the_rows(small: FakeAWS) -> None:
    """rich prints nothing at all at width 0: a listing vanished with COLUMNS=0."""
    for columns in ("0", "1", "19"):
        result = run("--fake", "jobs", "etl", "--status", "FAILED", env={"COLUMNS": columns})
        assert result.exit_code == 0, result.output
        assert [line.split()[-1] for line in result.stdout.splitlines()[1:]] == ["job-2", "job-0"]


def test_wide_characters_keep_the_columns_aligned(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeAWS(now=lambda: NOW)
    for i, name in enumerate(
        ["日本語のジョブ名です、とても長い名前", "ascii-name", "🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀"]
    ):
        fake.add_job("q", job_id=f"j{i}", job_name=name, status="FAILED", created_at=NOW)
    monkeypatch.setattr(base.Settings, "backend", lambda self: fake)
    result = run("--fake", "jobs", "q", "--status", "FAILED", env={"COLUMNS": "80"})
    from rich.cells import cell_len

    lines = result.stdout.splitlines()
    starts = {cell_len(line[: line.index("FAILED")]) for line in lines[1:]}
    assert starts == {cell_len(lines[0][: lines[0].index("STATUS")])}  # one STATUS column
    assert max(cell_len(line) for line in lines) <= 80


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["jobs", "etl", "--region"], "error: --region: requires a value"),
        (["jobs", "etl", "--status", "RUNNING", "--stopped-since", "2h"],
         "error: --stopped-since/--stopped-until: only SUCCEEDED, FAILED jobs have stopped"),
        (["jobs", "etl", "--stopped-since", "1h", "--stopped-until", "2h"],
         "error: --stopped-since/--stopped-until: --stopped-since must be before --stopped-until"),
    ],
)  # fmt: skip
def test_more_usage_errors_name_the_option(small: FakeAWS, args: list[str], message: str) -> None:
    result = run("--fake", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
