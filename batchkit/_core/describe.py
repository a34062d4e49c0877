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

__all__ = ["describe_failure", "described", "input_failure", "taken_back"]

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
    message = str(error)
    before = _naming(error.undescribed_ids)
    if before and message.endswith(before):  # named already (see taken_back): name anew
        message = message[: -len(before)]
    error.undescribed_ids = tuple(failed_ids)
    error.args = (message + _naming(error.undescribed_ids),)
    return error


def taken_back(error: BaseException, jobs: list[JobDetail]) -> None:
    """A ``take()`` read ``jobs`` and then failed with ``error``: the caller puts the jobs
    back in front of the result (iterating it again yields them), and here their ids go in
    front of the error's ``undescribed_ids`` -- so either way of resuming loses nothing:
    iterating the same result again, or a new ``describe_jobs`` of ``undescribed_ids``
    followed by the input from the error's ``resume_token``.

    >>> from batchkit.models import JobDetail
    >>> error = BatchKitError("ListJobs failed")
    >>> taken_back(error, [JobDetail.model_validate({"jobId": "a", "jobName": "n",
    ...     "jobQueue": "q", "status": "FAILED", "startedAt": 0, "jobDefinition": "d"})])
    >>> error.undescribed_ids, str(error)
    (('a',), 'ListJobs failed; 1 job id(s) not described (see .undescribed_ids): a')
    """
    if jobs and isinstance(error, BatchKitError):
        describe_failure(error, [job.job_id for job in jobs] + list(error.undescribed_ids))


def _naming(ids: tuple[str, ...]) -> str:
    if not ids:
        return ""
    shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
    return f"; {len(ids)} job id(s) not described (see .undescribed_ids): {shown}"
