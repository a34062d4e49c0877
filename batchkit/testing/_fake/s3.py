"""The S3 Control operation of the fake: ListJobs (S3 Batch Operations jobs), with its
``JobStatuses`` filter and AWS's 90-day window for ended jobs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from batchkit._spec.operations import S3_LIST_JOBS
from batchkit.testing._fake.paging import max_results, page
from batchkit.testing._fake.state import State
from batchkit.testing._wire import AWSErrorResponse

__all__ = ["list_jobs"]


#: S3 Control ListJobs lists jobs that ended within this many days (botocore's model).
S3_LISTED_DAYS = 90


def list_jobs(state: State, params: dict[str, Any]) -> dict[str, Any]:
    """S3 Control ListJobs: an account's jobs, newest first; those that ended more than 30
    days ago are not listed."""
    account = params.get("AccountId") or ""
    if not (len(account) == 12 and account.isascii() and account.isdigit()):
        raise AWSErrorResponse("InvalidRequestException", "AccountId must be 12 digits.")
    limit = max_results(params, S3_LIST_JOBS, low=0, code="InvalidRequestException")
    statuses = set(params.get("JobStatuses") or [])
    cutoff = state.now() - timedelta(days=S3_LISTED_DAYS)
    visible = [
        job
        for job in state.s3_jobs(account)
        if (not statuses or job["Status"] in statuses)
        and not (job.get("TerminationDate") and job["TerminationDate"] < cutoff)
    ]
    visible.sort(key=lambda job: job["CreationTime"], reverse=True)
    return page(visible, params, S3_LIST_JOBS, limit, invalid=("InvalidNextTokenException", 400))
