"""``batchkit archive ...`` as a user runs it (on the embedded demo account: --fake)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: The ``batchkit`` command's entry point, as installed (``batchkit.__main__:main``).
(ENTRY,) = entry_points(group="console_scripts", name="batchkit")
main = ENTRY.load()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code: int = main(["--no-color", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_sync_stats_sql_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    code, out, _ = run(
        capsys, "--fake", "archive", "sync", "--db", db, "--s3-account", "123456789012"
    )
    assert code == 0
    assert " new, " in out
    assert "4 queue(s)" in out
    assert "/s3" not in out
    code, out, _ = run(capsys, "--fake", "archive", "sync", "--db", db, "etl")
    assert code == 0
    assert "1 queue(s)" in out
    code, out, _ = run(capsys, "archive", "stats", "--db", db, "--since", "30d", "--by", "queue")
    assert code == 0
    for title in ("queue wait", "run time", "failures per day", "usage per day", "cpu-spot"):
        assert title in out
    code, out, _ = run(
        capsys,
        "archive",
        "sql",
        "--db",
        db,
        "--format",
        "jsonl",
        "SELECT queue, COUNT(*) AS n FROM jobs GROUP BY queue ORDER BY queue",
    )
    assert code == 0
    assert [json.loads(line)["queue"] for line in out.splitlines()] == [
        "cpu-spot",
        "etl",
        "gpu-ondemand",
    ]
    code, out, _ = run(
        capsys,
        "archive",
        "sql",
        "--db",
        db,
        "--format",
        "csv",
        "SELECT COUNT(*) AS n, '=1+1' AS f FROM s3_jobs",
    )
    assert code == 0
    assert out.splitlines()[0] == "n,f"
    assert out.splitlines()[1].endswith(",'=1+1")
    code, out, _ = run(capsys, "archive", "export", "--db", db, "--parquet", str(tmp_path / "pq"))
    assert code == 0
    assert "partition(s)" in out
    assert list((tmp_path / "pq" / "jobs").iterdir())


def test_errors_are_one_line_naming_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    code, _, err = run(capsys, "archive", "sql", "--db", "mysql://h/db", "SELECT 1")
    assert code == 2
    assert err.startswith("error: --db: unsupported database")
    assert err.count("\n") == 1
    code, _, err = run(capsys, "archive", "sql", "--db", db, "DELETE FROM jobs")
    assert code == 1
    assert "readonly" in err.replace("-", "")
    assert err.count("\n") == 1
    code, _, err = run(capsys, "--fake", "archive", "sync", "--db", db, "no-such-queue")
    assert code == 1
    assert err.startswith("error: QUEUE: no job queue 'no-such-queue'")
    code, _, err = run(capsys, "--fake", "archive", "sync", "--db", db, "--all-queues", "etl")
    assert code == 2
    assert "not both" in err
    code, _, err = run(capsys, "archive", "sync", "--db", db, "--every", "0m")
    assert code == 2
    assert "--every" in err
    code, _, err = run(capsys, "archive", "sync", "--db", str(tmp_path / "no" / "dir.sqlite"))
    assert code == 1
    assert "does not exist" in err


def test_output_escapes_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    run(capsys, "--fake", "archive", "sync", "--db", db, "etl")
    code, out, _ = run(capsys, "archive", "sql", "--db", db, "SELECT char(27) || '[2J' AS evil")
    assert code == 0
    assert "\x1b" not in out
    assert "\\x1b[2J" in out


def test_the_default_db_is_documented_and_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BATCHKIT_ARCHIVE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    code, _, _ = run(capsys, "--fake", "archive", "sync", "etl")
    assert code == 0
    assert (tmp_path / "data" / "batchkit" / "archive.sqlite").is_file()
    monkeypatch.setenv("BATCHKIT_ARCHIVE", f"sqlite:///{tmp_path / 'env.sqlite'}")
    code, _, _ = run(capsys, "--fake", "archive", "sync", "etl")
    assert code == 0
    assert (tmp_path / "env.sqlite").is_file()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_every_runs_as_a_service_until_ctrl_c(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "batchkit",
            "--no-color",
            "--fake",
            "archive",
            "sync",
            "--db",
            db,
            "--every",
            "1h",
            "etl",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    assert child.stderr is not None
    first = child.stdout.readline()  # the first sync's report: now it waits an hour
    assert " new, " in first
    child.send_signal(signal.SIGINT)
    assert child.wait(timeout=60) == 130
    assert "interrupted" in child.stderr.read()
    child.stdout.close()
    child.stderr.close()
