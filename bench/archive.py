"""Benchmark of ``batchkit.archive`` (not in the default nox run): ``python bench/archive.py``.

1. **Throughput and memory**: 1,000,000 jobs synced into one SQLite archive from FakeAWS
   (real boto3 clients, botocore's serializer and parsers): a hundred accounts of 10,000
   jobs each (two queues, 5% still running), synced one after the other into the same
   archive -- FakeAWS's DescribeJobs indexes all its jobs on every request, so one fake of
   a million jobs (or ten of 100,000) would mostly measure the fake.  Jobs per second over
   the syncs (seeding the fakes excluded) and the resident
   memory: its growth during each sync (sampled every 20 ms) and after each account.
2. **Incremental request count**: a 100,000-job queue synced, then 1,000 new jobs: the
   ListJobs requests of the second sync (bound: ``ceil(1000 / 100) + 1`` = 11) and its
   DescribeJobs requests (the new jobs' and the still-running ones').

``--jobs N`` scales part 1 down (N jobs in total) for a quick run.  Results are printed and
written to bench/results-archive.json; docs/performance.md records a run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from batchkit.archive import Archive
from batchkit.testing import FakeAWS, ManualClock

START = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss() -> int:
    """Resident memory of this process, in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


class Peak:
    """The highest resident memory seen while a block runs (sampled every 20 ms)."""

    def __init__(self) -> None:
        self.peak = rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss())

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss())


def seed(
    fake: FakeAWS, jobs: int, queues: tuple[str, ...], spacing: float, rng: random.Random
) -> None:
    now = fake.now()
    for i in range(jobs):
        status = "RUNNING" if rng.random() < 0.05 else rng.choice(("SUCCEEDED", "FAILED"))
        fake.add_job(
            queues[i % len(queues)],
            job_id=f"{fake.account_id}-{i:07d}",
            job_name=f"job-{i % 50}",
            status=status,
            created_at=now - timedelta(seconds=spacing * (jobs - i)),
            job_definition=f"def-{i % 7}:1",
        )


def throughput(total: int, accounts: int) -> dict[str, object]:
    per_account = total // accounts
    rng = random.Random(1)
    clock = ManualClock(START)
    synced = 0
    seconds = 0.0
    growth: list[int] = []
    after: list[int] = []
    with (
        tempfile.TemporaryDirectory() as folder,
        Archive(f"sqlite:///{folder}/bench.sqlite", clock=clock) as archive,
    ):
        for index in range(accounts):
            fake = FakeAWS(now=clock.now, account_id=f"{100000000000 + index:012d}")
            seed(fake, per_account, ("cpu", "gpu"), 600_000 / per_account, rng)
            client = fake.batch_client()
            before = rss()
            started = time.perf_counter()
            with Peak() as peak:
                report = archive.sync(client)
            elapsed = time.perf_counter() - started
            seconds += elapsed
            synced += report.new
            growth.append(peak.peak - before)
            del fake, client
            after.append(rss())
            if index % 10 == 9 or index == accounts - 1:
                print(
                    f"account {index + 1}/{accounts}: {report.new} jobs in {elapsed:.1f} s, "
                    f"sync grew memory {growth[-1] / 2**20:.1f} MiB, "
                    f"rss now {after[-1] / 2**20:.0f} MiB",
                    flush=True,
                )
        size = Path(f"{folder}/bench.sqlite").stat().st_size
        jobs_in_archive = archive.count("jobs")
    return {
        "jobs": synced,
        "jobs_in_archive": jobs_in_archive,
        "seconds": round(seconds, 1),
        "jobs_per_second": round(synced / seconds),
        "max_sync_growth_mib": round(max(growth) / 2**20, 1),
        "rss_after_each_account_mib": [round(a / 2**20) for a in after],
        "database_mib": round(size / 2**20),
    }


def incremental(queue_jobs: int = 100_000, new: int = 1_000) -> dict[str, object]:
    rng = random.Random(2)
    clock = ManualClock(START)
    fake = FakeAWS(now=clock.now)
    seed(fake, queue_jobs, ("big",), 604_800 / queue_jobs, rng)  # a week, as AWS keeps
    with Archive("sqlite://", clock=clock) as archive:
        archive.sync(fake.batch_client())
        running = (
            archive.count("jobs")
            - next(iter(archive.sql("SELECT COUNT(*) FROM jobs WHERE final")))[0]
        )
        clock.advance(3600)
        for i in range(new):
            fake.add_job(
                "big",
                job_id=f"new-{i:05d}",
                status="SUCCEEDED",
                created_at=clock.now() - timedelta(seconds=3 * i),
            )
        lists, describes = fake.calls("ListJobs"), fake.calls("DescribeJobs")
        report = archive.sync(fake.batch_client())
    list_requests = fake.calls("ListJobs") - lists
    describe_requests = fake.calls("DescribeJobs") - describes
    bound = math.ceil(new / 100) + 1
    return {
        "queue_jobs": queue_jobs,
        "new_jobs": report.new,
        "list_requests": list_requests,
        "list_bound": bound,
        "within_bound": list_requests <= bound,
        "describe_requests": describe_requests,
        "describes_needed": math.ceil(new / 100) + math.ceil(running / 100),
        "still_running_before": running,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=100)
    arguments = parser.parse_args()
    results = {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
        "incremental": incremental(),
        "throughput": throughput(arguments.jobs, arguments.accounts),
    }
    text = json.dumps(results, indent=2)
    print(text)
    (Path(__file__).parent / "results-archive.json").write_text(text + "\n")
    return 0 if results["incremental"]["within_bound"] else 1  # type: ignore[index]


if __name__ == "__main__":
    sys.exit(main())
