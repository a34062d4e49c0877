"""The rules of ``describe_jobs``: what one DescribeJobs answer yields, and the failure.

Why: DescribeJobs answers 100 ids a request in no particular order, may leave ids out (jobs
AWS does not know, or no longer keeps) and may fail; the sync result (threads) and the async
one (tasks) must yield and account for ids identically.  No I/O here.

>>> described(["b", "a"], [], missing := [])
[]
>>> missing
['b', 'a']
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from batchkit._core.checks import id_key
from batchkit._core.errors import BatchKitError

if TYPE_CHECKING:
    from batchkit.models import JobDetail

__all__ = ["describe_failure", "described", "input_failure"]

log = logging.getLogger("batchkit")


def described(
    chunk: list[str],
    jobs: Iterable[JobDetail],
    missing: list[str],
    skipped: Collection[str | None] = (),
) -> list[JobDetail]:
    """What one chunk's answer yields: the job of each id asked for, in the order asked,
    from *this* answer.  Ids the answer lacks go to ``missing``.

    AWS answers in no particular order, and ids may be given as job ARNs.  A job nobody
    asked for in this request (an extra one, or one asked for in another chunk) is not
    yielded: each id's job comes from its own request's answer, so its status is never a
    stale one from an earlier reply, and only what was asked for is yielded, once.  Ids of
    jobs the answer held but could not be typed (``skipped``, under ``on_invalid="skip"``)
    are not missing: they are reported as skipped.
    """
    by_key: dict[str, JobDetail] = {}
    received = 0
    for job in jobs:
        received += 1
        by_key.setdefault(job.job_id, job)
        if job.job_arn:
            by_key.setdefault(job.job_arn, job)
    ordered: list[JobDetail] = []
    for asked in chunk:
        answer = by_key.get(asked) or by_key.get(id_key(asked))
        if answer is None:
            if asked not in skipped and id_key(asked) not in skipped:
                missing.append(asked)
        else:
            ordered.append(answer)
    log.debug("DescribeJobs: %d ids, %d jobs", len(chunk), received)
    if received > len(ordered):
        log.debug("DescribeJobs: %d job(s) not asked for ignored", received - len(ordered))
    return ordered


def input_failure(error: BaseException, failed_ids: list[str]) -> BaseException:
    """A failure reading ``describe_jobs``' input (a listing's error, an invalid item),
    raised after the details of every id read before it: it also names the ids whose
    request failed (``undescribed_ids``), so resuming the input from the error's
    ``resume_token`` and describing those loses nothing."""
    if isinstance(error, BatchKitError) and failed_ids:
        return describe_failure(error, failed_ids)
    return error


def describe_failure(error: BatchKitError, failed_ids: list[str]) -> BatchKitError:
    """The first failure of a describe_jobs, naming every id that could not be described."""
    error.undescribed_ids = tuple(failed_ids)
    error.args = (
        f"{error}; {len(failed_ids)} job id(s) not described "
        f"(see .undescribed_ids): {', '.join(failed_ids[:5])}"
        + (", ..." if len(failed_ids) > 5 else ""),
    )
    return error
