"""Which jobs failed in a queue in the last day, and why.

Run against your account: ``python examples/failed_jobs.py my-queue``.
The same ``report`` function is exercised by the test suite against a local fake.
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import timedelta

from batchkit import BatchClient, JobFilter
from batchkit.models import JobDetail, JobStatus, JobSummary


def failed_since(batch: BatchClient, queue: str, hours: int = 24) -> list[JobSummary]:
    """Failed jobs created in the last ``hours`` (status is checked client-side: AWS ignores
    jobStatus once a created-at filter is set)."""
    recent = JobFilter.created_after(timedelta(hours=hours))
    return batch.list_jobs(queue, status=JobStatus.FAILED, filter=recent).to_list()


def report(batch: BatchClient, queue: str, hours: int = 24) -> list[str]:
    """One line per failed job with its exit code and reason, plus a per-reason tally."""
    failed = failed_since(batch, queue, hours)
    details: list[JobDetail] = list(batch.describe_jobs([j.job_id for j in failed], max_workers=4))
    lines = [
        f"{job.job_name:<24} exit={job.exit_code!s:<4} {job.status_reason or ''}" for job in details
    ]
    reasons = Counter(job.status_reason or "unknown" for job in details)
    lines += [f"{count:>5} x {reason}" for reason, count in reasons.most_common()]
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: failed_jobs.py QUEUE", file=sys.stderr)
        return 2
    for line in report(BatchClient(), argv[0]):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
