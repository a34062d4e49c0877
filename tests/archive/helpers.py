"""Shared by the archive tests (and the SIGKILL test's child process): deterministic
accounts on FakeAWS, and a comparable snapshot of an archive."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from batchkit.archive import Archive
from batchkit.testing import FakeAWS, ManualClock

START = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)
STATUSES = ("SUBMITTED", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")


def make_fake(
    clock: ManualClock, *, region: str = "us-east-1", account: str = "123456789012"
) -> FakeAWS:
    return FakeAWS(now=clock.now, region=region, account_id=account)


def seed(
    fake: FakeAWS,
    jobs: int,
    *,
    seed: int = 7,
    queues: tuple[str, ...] = ("cpu", "gpu"),
    prefix: str = "j",
    spacing: float = 30.0,
    arrays: bool = True,
) -> list[str]:
    """``jobs`` jobs over the queues, every status, created ``spacing`` seconds apart
    (the newest now); a few array and multi-node jobs.  Deterministic ids."""
    rng = random.Random(seed)
    now = fake.now()
    ids: list[str] = []
    for i in range(jobs):
        job_id = f"{prefix}{i:06d}"
        status = rng.choice(STATUSES)
        extra: dict[str, Any] = {}
        if arrays and i % 97 == 5:
            extra["array_size"] = 3
        elif arrays and i % 131 == 7:
            extra["num_nodes"] = 2
        fake.add_job(
            queues[i % len(queues)],
            job_id=job_id,
            job_name=f"name-{i % 17}",
            status=status,
            created_at=now - timedelta(seconds=spacing * (jobs - i)),
            job_definition=f"def-{i % 3}:1",
            share_identifier=f"team-{i % 4}",
            **extra,
        )
        ids.append(job_id)
    return ids


def move_on(fake: FakeAWS, ids: list[str], *, seed: int, fraction: float = 0.3) -> None:
    """Move a random fraction of the unfinished jobs on (some end), as between two syncs."""
    rng = random.Random(seed)
    client = fake.batch_client()
    for detail in client.describe_jobs(ids):
        if detail.is_terminal or rng.random() > fraction:
            continue
        if detail.array_properties is not None or detail.node_properties is not None:
            continue
        status = rng.choice(("RUNNING", "SUCCEEDED", "FAILED"))
        if status == detail.status.value:
            continue
        fake.update_job(detail.job_id, status=status)


def _normal(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, str) and value.startswith("{"):
        try:
            return json.dumps(json.loads(value), sort_keys=True)
        except ValueError:
            return value
    return value


def rows(archive: Archive, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(_normal(v) for v in row) for row in archive.sql(sql)]


def snapshot(archive: Archive) -> dict[str, list[tuple[Any, ...]]]:
    """Every table, row for row, without the columns that number transactions (revision,
    event ids), in a stable order."""
    job_columns = [c for c in columns(archive, "jobs") if c != "revision"]
    s3_columns = [c for c in columns(archive, "s3_jobs") if c != "revision"]
    return {
        "jobs": rows(archive, f"SELECT {', '.join(job_columns)} FROM jobs ORDER BY job_arn"),
        "job_events": rows(
            archive,
            "SELECT job_arn, status, previous_status, observed_at, source, queue FROM job_events "
            "ORDER BY job_arn, observed_at, status, source",
        ),
        "sync_state": rows(
            archive, "SELECT * FROM sync_state ORDER BY source, account_id, region, queue"
        ),
        "s3_jobs": rows(archive, f"SELECT {', '.join(s3_columns)} FROM s3_jobs ORDER BY job_id"),
        "s3_job_events": rows(
            archive,
            "SELECT job_id, status, previous_status, observed_at FROM s3_job_events "
            "ORDER BY job_id, observed_at, status",
        ),
    }


def columns(archive: Archive, table: str) -> list[str]:
    result = archive.sql(f"SELECT * FROM {table} WHERE 1 = 0")
    list(result)
    return list(result.columns)


def chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


KILL_JOBS = 2500


def build(round_: int, jobs: int = KILL_JOBS) -> tuple[FakeAWS, ManualClock]:
    """The account as it is at sync number ``round_`` of the kill tests: ``jobs`` jobs, and
    before each later round a third of the unfinished ones moved on and 150 new ones --
    the same, job for job, in every process that builds it."""
    clock = ManualClock(START)
    fake = make_fake(clock)
    ids = seed(fake, jobs)
    for r in range(round_):
        move_on(fake, ids, seed=100 + r)
        clock.advance(120)
        new = seed(fake, 150, seed=200 + r, prefix=f"r{r}-", spacing=0.5)
        ids += new
    return fake, clock
