"""The README's first command: ``batchkit demo`` on the embedded backend."""

from __future__ import annotations

import subprocess
import sys

import pytest

from batchkit.__main__ import main


def test_demo_shows_every_operation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--jobs", "600"]) == 0
    out = capsys.readouterr().out
    for heading in (
        "Jobs per queue and status",
        "Failed in the last 24 hours",
        "A created-at range",
        "Name prefix",
        "Array job children",
        "Service jobs of team-nlp",
        "S3 Batch Operations jobs",
    ):
        assert heading in out
    assert "hyperparam-sweep-0: {'FAILED': 2, 'RUNNING': 6, 'SUCCEEDED': 12}" in out
    assert "active only: ['nightly-active-0']" in out
    assert "too-old-to-list" not in out  # ended > 30 days ago: S3 does not list it
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
    assert main([]) == 2
    assert "demo" in capsys.readouterr().out


def test_bad_job_count_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as info:
        main(["demo", "--jobs", "0"])
    assert info.value.code == 2


def test_demo_piped_into_a_closed_reader_exits_quietly() -> None:
    result = subprocess.run(
        f"{sys.executable} -m batchkit demo --jobs 200 | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stdout.startswith("batchkit demo")
    assert "Traceback" not in result.stderr
