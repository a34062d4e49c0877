"""The README's first command: ``batchkit demo`` on the embedded backend."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import batchkit._cli.demo
import batchkit.testing
from batchkit._cli.app import main


def test_demo_shows_every_operation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--jobs", "600"]) == 0
    out = capsys.readouterr().out
    for heading in (
        "Jobs per queue and status",
        "Queue waits and run times",
        "Failed in the last 24 hours",
        "Retries: Spot reclaims retried",
        "A created-at range",
        "Name prefix",
        "Array job children",
        "Service jobs of team-nlp",
        "S3 Batch Operations jobs",
    ):
        assert heading in out
    assert "hyperparam-sweep-0: {'FAILED': 2, 'RUNNABLE': 2, 'RUNNING': 4, 'SUCCEEDED': 12}" in out
    assert "active only: ['nightly-active-0']" in out
    assert "too-old-to-list" not in out  # ended > 90 days ago: S3 does not list it
    assert "paging stops past the range" in out


def test_demo_as_a_real_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "batchkit", "demo", "--jobs", "200"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "S3 Batch Operations jobs" in result.stdout


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) in (0, 2)
    captured = capsys.readouterr()
    assert "demo" in captured.out + captured.err


def test_bad_job_count_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--jobs", "0"]) == 2
    assert "--jobs" in capsys.readouterr().err


def piped_into_head(arguments: str, lines: int) -> subprocess.CompletedProcess[str]:
    """``python -m batchkit ARGUMENTS | head -n LINES``, failing if batchkit fails."""
    return subprocess.run(
        f"set -o pipefail; {sys.executable} -m batchkit {arguments} | head -n {lines}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_demo_piped_into_a_closed_reader_exits_quietly() -> None:
    result = piped_into_head("demo --jobs 200", 1)
    assert result.stdout.startswith("batchkit demo")
    assert "Traceback" not in result.stderr
    assert result.returncode == 0


def test_a_listing_piped_into_a_closed_reader_exits_0() -> None:
    result = piped_into_head("--fake jobs etl --status SUCCEEDED", 2)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2


@pytest.mark.parametrize("jobs", [1, 2])
def test_demo_with_very_few_jobs(capsys: pytest.CaptureFixture[str], jobs: int) -> None:
    assert main(["demo", "--jobs", str(jobs)]) == 0
    captured = capsys.readouterr()
    assert "error" not in captured.err
    assert "etl " in captured.out  # every queue exists, even without jobs
    assert "active only: ['nightly-active-0']" in captured.out


def test_the_demo_account_lives_in_testing_without_import_cycles() -> None:
    testing = Path(batchkit.testing.__file__).parent
    for path in testing.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                assert name not in ("batchkit._cli.demo", "batchkit._cli.app"), (
                    path.name,
                    name,
                )
    code = (
        "import sys; from batchkit.testing import FakeAWS; fake = FakeAWS.demo(jobs=5); "
        "assert not any(m.startswith('batchkit._cli') for m in sys.modules); "
        "print(sum(1 for _ in fake.batch_client().list_jobs('etl')) >= 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_the_demo_uses_the_fake_s_demo_account() -> None:
    source = Path(batchkit._cli.demo.__file__).read_text()
    assert "FakeAWS.demo(" in source
    assert "def seed" not in source


def test_demo_ends_with_a_watch_on_a_simulated_clock(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--jobs", "100"]) == 0
    out = capsys.readouterr().out
    section = out[out.index("== Watching 5 jobs") :]
    lines = section.splitlines()[1:]
    assert "watch-0  SUBMITTED" in lines[0]
    assert any("watch-sweep  PENDING  [" in line for line in lines)  # child progress
    assert any("RUNNING -> SUCCEEDED" in line for line in lines)
    assert "5 jobs:" in lines[-1]
    assert "simulated seconds" in lines[-1]
    assert "\x1b" not in section  # piped: plain lines, no live table
