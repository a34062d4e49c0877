"""``batchkit watch``: change lines when piped, a live table on a terminal, exit codes."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from batchkit._cli import app as _cli
from batchkit._cli import base, following
from batchkit.testing import FakeAWS, ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> FakeAWS:
    backend = FakeAWS(now=clock.now)
    configs: list[Any] = []

    def batch_client(config: Any = None) -> Any:
        configs.append(config)
        return FakeAWS.batch_client(backend, config)

    monkeypatch.setattr(backend, "batch_client", batch_client)
    monkeypatch.setattr(base.Settings, "backend", lambda self: backend)
    monkeypatch.setattr(following, "watch_clock", lambda: clock)
    backend.configs = configs  # type: ignore[attr-defined]
    return backend


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(_cli.cli, ["--fake", "watch", *args], input=input)


def jobs(fake: FakeAWS, *final: str) -> list[str]:
    ids = []
    for i, status in enumerate(final):
        job_id = fake.add_job("q", job_id=f"job-{i}", job_name=f"etl-{i}", status="RUNNABLE").job_id
        fake.lifecycle.schedule(job_id, [("RUNNING", 10 + i), (status, 30 + 10 * i)])
        ids.append(job_id)
    return ids


def test_all_succeeded_exits_0_with_one_line_per_change(fake: FakeAWS) -> None:
    ids = jobs(fake, "SUCCEEDED", "SUCCEEDED")
    result = run(*ids)
    assert result.exit_code == 0, result.output
    lines = [line.split("  ") for line in result.stdout.splitlines()]
    assert [line[1:] for line in lines] == [
        ["etl-0", "job-0", "RUNNABLE"],
        ["etl-1", "job-1", "RUNNABLE"],
        ["etl-0", "job-0", "RUNNABLE -> RUNNING"],
        ["etl-1", "job-1", "RUNNABLE -> RUNNING"],
        ["etl-0", "job-0", "RUNNING -> SUCCEEDED"],
        ["etl-1", "job-1", "RUNNING -> SUCCEEDED"],
    ]
    assert "2 jobs: 2 SUCCEEDED" in result.stderr
    # the watch runs with botocore's adaptive retry mode (client-side rate limiting)
    assert [c.retries["mode"] for c in fake.configs] == ["adaptive"]  # type: ignore[attr-defined]


def test_any_failed_exits_1(fake: FakeAWS) -> None:
    result = run(*jobs(fake, "SUCCEEDED", "FAILED"))
    assert result.exit_code == 1
    assert "RUNNING -> FAILED" in result.stdout
    assert "1 FAILED, 1 SUCCEEDED" in result.stderr


def test_timeout_exits_3(fake: FakeAWS, clock: ManualClock) -> None:
    stuck = fake.add_job("q", job_id="stuck", status="RUNNABLE").job_id
    result = run(stuck, "--timeout", "5m")
    assert result.exit_code == 3
    assert "error: timed out after 0:05:00: 1 job(s) not done: stuck" in result.stderr
    assert "1 job: 1 RUNNABLE" in result.stderr
    assert clock.monotonic() == 300


def test_until_running(fake: FakeAWS, clock: ManualClock) -> None:
    ids = jobs(fake, "SUCCEEDED", "FAILED")
    result = run(*ids, "--until", "running")
    assert result.exit_code == 0, result.output
    assert "2 jobs: 2 RUNNING" in result.stderr
    assert clock.monotonic() < 30


def test_ids_from_stdin(fake: FakeAWS) -> None:
    ids = jobs(fake, "SUCCEEDED", "SUCCEEDED")
    result = run("-", input="\n".join(ids) + "\n")
    assert result.exit_code == 0
    assert result.stdout.count("-> SUCCEEDED") == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "JOB_ID...: missing argument"),
        (("job-0", "--timeout", "soon"), "give a positive duration"),
        (("job-0", "--timeout", "0m"), "give a positive duration"),
        (("job-0", "--until", "done"), "'done' is not one of"),
        (("job-0", "--interval", "0"), "0.5"),
        (("job-0", "--workers", "0"), "from 1 to 10"),
    ],
)
def test_usage_errors_exit_2(fake: FakeAWS, args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert fake.calls("DescribeJobs") == 0


def test_empty_stdin_is_a_usage_error(fake: FakeAWS) -> None:
    result = run("-", input="")
    assert result.exit_code == 2
    assert "no job ids given" in result.output


def test_unknown_id_exits_1(fake: FakeAWS) -> None:
    result = run(*jobs(fake, "SUCCEEDED"), "nope")
    assert result.exit_code == 1
    assert "error: job(s) not found: nope" in result.stderr


def test_ctrl_c_exits_130(fake: FakeAWS, clock: ManualClock) -> None:
    def press_ctrl_c(_seconds: float) -> None:
        raise KeyboardInterrupt

    clock.on_sleep = press_ctrl_c
    result = run(*jobs(fake, "SUCCEEDED"))
    assert result.exit_code == 130
    assert "interrupted" in result.stderr


def test_control_characters_in_names_are_escaped(fake: FakeAWS) -> None:
    fake.add_job("q", job_id="evil", job_name="x\x1b]0;pwned\x07", status="FAILED")
    result = run("evil")
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout
    assert "x\\x1b]0;pwned\\x07" in result.stdout


def test_a_terminal_gets_a_live_table(
    fake: FakeAWS, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = io.StringIO()

    def console(color: bool, stderr: bool) -> Console:
        if stderr:
            return Console(file=io.StringIO(), markup=False)
        return Console(file=screen, force_terminal=True, width=160, markup=False, emoji=False)

    monkeypatch.setattr(_cli, "make_console", console)
    ids = jobs(fake, "SUCCEEDED")
    sweep = fake.add_job("q", job_id="sweep", job_name="sweep", status="SUBMITTED", array_size=8)
    fake.lifecycle.randomize([sweep.job_id], seed=1, failure_rate=0)
    result = run(*ids, "sweep")
    assert result.exit_code == 0, result.output
    shown = screen.getvalue()
    for text in ("NAME", "STATUS", "DURATION", "ATTEMPTS", "PROGRESS", "etl-0", "8/8 done"):
        assert text in shown
    assert "SUCCEEDED" in shown
    assert "DescribeJobs request(s)" in shown
    assert "->" not in shown  # no change lines on a terminal


@pytest.mark.parametrize("width", [50, 72, 100, 200])
def test_the_live_table_fits_the_terminal_with_ids_and_statuses_whole(
    fake: FakeAWS, clock: ManualClock, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """Fitted like the listings' tables (was: rich squeezed every column, ids and statuses
    cut to ``7e1f…``/``R…`` at 100 columns, STATUS left out at 60)."""
    from rich.cells import cell_len

    screen = io.StringIO()

    def console(color: bool, stderr: bool) -> Console:
        if stderr:
            return Console(file=io.StringIO(), markup=False)
        return Console(file=screen, force_terminal=True, width=width, markup=False, emoji=False)

    monkeypatch.setattr(_cli, "make_console", console)
    monkeypatch.setenv("COLUMNS", str(width))
    long_id = "7e1f0000-0000-4000-8000-0000000c0d02"
    fake.add_job("q", job_id=long_id, job_name="a-rather-long-job-name-" * 3, status="RUNNABLE")
    fake.lifecycle.schedule(long_id, [("RUNNING", 10), ("SUCCEEDED", 40)])
    sweep = fake.add_job("q", job_id="sweep", job_name="sweep", status="SUBMITTED", array_size=8)
    fake.lifecycle.randomize([sweep.job_id], seed=1, failure_rate=0)
    result = run(long_id, "sweep")
    assert result.exit_code == 0, result.output
    last = _plain(screen.getvalue())
    assert long_id in last  # the id whole
    assert "SUCCEEDED" in last  # the status whole
    table = last.splitlines()[:3]  # the titles and the two jobs (the footer may wrap)
    for line in table:
        assert cell_len(line) <= width, line
    assert ("NAME" in last) is (width > 57)  # left out when the rest would not fit
    if width >= 200:
        for title in ("NAME", "DURATION", "ATTEMPTS", "PROGRESS", "CHILDREN"):
            assert title in last


def _plain(screen: str) -> str:
    """The live display's last frame (from its title line on), without escape sequences."""
    from rich.text import Text

    text = Text.from_ansi(screen).plain
    return text[text.rfind("\n", 0, text.rindex("STATUS")) + 1 :]


def test_the_demo_account_through_the_real_fake_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    """No monkeypatching of the backend: ``--fake`` jobs that already ended."""
    runner = CliRunner()
    listing = runner.invoke(
        _cli.cli,
        ["--fake", "jobs", "etl", "--status", "FAILED", "--limit", "1", "--format", "jsonl"],
    )
    failed = json.loads(listing.stdout)["jobId"]
    listing = runner.invoke(
        _cli.cli,
        ["--fake", "jobs", "etl", "--status", "SUCCEEDED", "--limit", "2", "--format", "jsonl"],
    )
    succeeded = [json.loads(line)["jobId"] for line in listing.stdout.splitlines()]
    ok = runner.invoke(_cli.cli, ["--fake", "watch", *succeeded])
    assert ok.exit_code == 0
    assert ok.stdout.count("SUCCEEDED") == 2
    bad = runner.invoke(_cli.cli, ["--fake", "watch", *succeeded, failed])
    assert bad.exit_code == 1
