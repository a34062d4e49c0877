"""The rules of ``describe_jobs``: what one DescribeJobs answer yields, and the failure.

Why: DescribeJobs answers 100 ids a request in no particular order, may leave ids out (jobs
AWS does not know, or no longer keeps) and may fail; the sync result (threads) and the async
one (tasks) must yield and account for ids identically.  No I/O here.

>>> order_described(["b", "a"], [])
[]
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from batchkit._core.errors import BatchKitError

if TYPE_CHECKING:
    from batchkit.models import JobDetail

__all__ = ["describe_failure", "new_described", "order_described"]

log = logging.getLogger("batchkit")


def order_described(chunk: list[str], jobs: Iterable[JobDetail]) -> list[JobDetail]:
    """A DescribeJobs answer in the order of the ids asked for (AWS answers in no
    particular order; ids may also be given as job ARNs); jobs not asked for go last."""
    jobs = list(jobs)
    by_key = {job.job_id: job for job in jobs} | {j.job_arn: j for j in jobs if j.job_arn}
    ordered = [by_key[i] for i in chunk if i in by_key]
    placed = {id(job) for job in ordered}
    return ordered + [job for job in jobs if id(job) not in placed]


def new_described(
    chunk: list[str], jobs: list[JobDetail], missing: list[str], yielded: set[str]
) -> list[JobDetail]:
    """The jobs of one answered chunk not yielded before; records the ids AWS did not
    return in ``missing`` and the yielded ids in ``yielded``."""
    returned = {job.job_id for job in jobs} | {job.job_arn for job in jobs}
    missing.extend(i for i in chunk if i not in returned)
    log.debug("DescribeJobs: %d ids, %d jobs", len(chunk), len(jobs))
    fresh = []
    for job in jobs:
        if job.job_id not in yielded:
            yielded.add(job.job_id)
            fresh.append(job)
    return fresh


def describe_failure(error: BatchKitError, failed_ids: list[str]) -> BatchKitError:
    """The first failure of a describe_jobs, naming every id that could not be described."""
    error.undescribed_ids = tuple(failed_ids)
    error.args = (
        f"{error}; {len(failed_ids)} job id(s) not described "
        f"(see .undescribed_ids): {', '.join(failed_ids[:5])}"
        + (", ..." if len(failed_ids) > 5 else ""),
    )
    return error
