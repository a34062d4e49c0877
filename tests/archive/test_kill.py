"""Kill tests: a sync interrupted at random points -- injected transport errors, AWS
errors, Ctrl-C, a SIGKILLed process -- and run again equals one clean sync, row for row,
over a few thousand jobs whose statuses change between syncs."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.config import Config

from batchkit.archive import Archive, ArchiveError
from tests.archive.helpers import build, snapshot

NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1})
ROOT = Path(__file__).resolve().parents[2]
#: Jobs of the SIGKILL test (each run of its child process builds the account again).
KILLED_JOBS = 1000
FAULTS = (
    {"kind": "connection-closed"},
    {"kind": "read-timeout"},
    {"kind": "interrupt"},
    {"code": "ServerException", "status": 500},
    {"code": "TooManyRequestsException", "status": 429},
)


def test_faults_at_random_points_lose_and_duplicate_nothing(archive_url: str) -> None:
    rng = random.Random(2026)
    faults = 0
    with Archive(archive_url) as faulty, Archive("sqlite://") as clean:
        for round_ in range(3):
            fake, clock = build(round_)
            clean._clock = faulty._clock = clock  # both observe at the same (manual) times
            clean.sync(fake.batch_client())
            injected = []
            for _attempt in range(4):  # each attempt dies at a random request
                operation = rng.choice(("ListJobs", "DescribeJobs", "DescribeJobs"))
                fault = fake.inject(
                    operation=operation,
                    on_call=fake.calls(operation) + rng.randint(1, 12),
                    **rng.choice(FAULTS),
                )
                injected.append(fault)
                try:
                    faulty.sync(fake.batch_client(NO_RETRY))
                except (ArchiveError, KeyboardInterrupt):
                    faults += 1
            for fault in injected:  # disarm the faults a short sync left unused
                fault.on_call = -1
            faulty.sync(fake.batch_client(NO_RETRY))
            assert snapshot(faulty) == snapshot(clean), f"round {round_}"
    assert faults >= 6  # most attempts were interrupted


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_sync_process_resumes_to_the_same_archive(tmp_path: Path) -> None:
    rng = random.Random(11)
    path = tmp_path / "killed.sqlite"
    kills = 0
    child_command = [sys.executable, "-m", "tests.archive.sync_child"]
    with Archive("sqlite://") as clean:
        for round_ in range(2):
            for _attempt in range(2):
                child = subprocess.Popen(
                    [*child_command, str(path), str(round_), str(KILLED_JOBS)],
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                )
                assert child.stdout is not None
                lines = rng.randint(1, 10)
                for _ in range(lines):
                    line = child.stdout.readline()
                    if not line or line.strip() == "done":
                        break
                else:
                    child.send_signal(signal.SIGKILL)
                    kills += 1
                child.stdout.close()
                child.wait(timeout=120)
            finished = subprocess.run(
                [*child_command, str(path), str(round_), str(KILLED_JOBS)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert finished.returncode == 0, finished.stderr[-2000:]
            fake, clock = build(round_, KILLED_JOBS)
            clean._clock = clock
            clean.sync(fake.batch_client())
            with Archive(f"sqlite:///{path}") as killed:
                assert snapshot(killed) == snapshot(clean), f"round {round_}"
    assert kills >= 2
