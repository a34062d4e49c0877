"""The Batch operations of the fake: ListJobs, ListServiceJobs, DescribeJobs and
DescribeJobQueues, with AWS's filter, status and order rules (each a ``handler(state,
params)`` returning the parsed-form response, or raising ``AWSErrorResponse``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from batchkit._spec.operations import (
    DESCRIBE_JOB_QUEUES,
    DESCRIBE_JOBS,
    LIST_JOBS,
    LIST_SERVICE_JOBS,
)
from batchkit.testing._fake.paging import fingerprint, max_results, page
from batchkit.testing._fake.state import State, definition_name
from batchkit.testing._wire import AWSErrorResponse

__all__ = ["describe_job_queues", "describe_jobs", "list_jobs", "list_service_jobs"]


def list_jobs(state: State, params: dict[str, Any]) -> dict[str, Any]:
    """ListJobs: a queue's jobs, or an array job's children, or a multi-node job's nodes."""
    sources = [k for k in ("jobQueue", "arrayJobId", "multiNodeJobId") if params.get(k)]
    if len(sources) != 1:
        raise AWSErrorResponse(
            "ClientException",
            "Exactly one of jobQueue, arrayJobId or multiNodeJobId must be specified.",
        )
    op = LIST_JOBS
    server_filter = _one_filter(params.get("filters"), set(op.filters))
    limit = max_results(params, op)
    children = "jobQueue" not in params
    if children:
        server_filter = None  # AWS: the filter doesn't apply to child jobs
    else:
        queue = _known_queue(state, params["jobQueue"])
    if server_filter is not None and op.filtered_page_size_max is not None:
        limit = min(limit or op.filtered_page_size_max, op.filtered_page_size_max)

    def compute() -> list[dict[str, Any]]:
        if not children:
            candidates = state.queue_summaries(queue)
        else:
            parent = params.get("arrayJobId") or params.get("multiNodeJobId") or ""
            candidates = state.child_summaries(parent, nodes="arrayJobId" not in params)
        items = _select(candidates, server_filter, params.get("jobStatus"), op.status_filters)
        if children:
            items.sort(key=_child_key)
        return items

    items = state.cached(op.key + fingerprint(params, op), compute)
    key = _child_key if children else _order_key(server_filter)
    return page(items, params, op, limit, key=key)


def list_service_jobs(state: State, params: dict[str, Any]) -> dict[str, Any]:
    """ListServiceJobs: a queue's service jobs."""
    if not params.get("jobQueue"):
        raise AWSErrorResponse("ClientException", "jobQueue is required.")
    op = LIST_SERVICE_JOBS
    server_filter = _one_filter(params.get("filters"), set(op.filters))
    queue = _known_queue(state, params["jobQueue"])
    limit = max_results(params, op)

    def compute() -> list[dict[str, Any]]:
        candidates = state.service_job_summaries(queue)
        return _select(candidates, server_filter, params.get("jobStatus"), op.status_filters)

    items = state.cached(op.key + fingerprint(params, op), compute)
    return page(items, params, op, limit, key=_order_key(server_filter))


def describe_jobs(state: State, params: dict[str, Any]) -> dict[str, Any]:
    """DescribeJobs: at most 100 ids or ARNs; unknown ones are absent."""
    ids = params.get("jobs")
    if not isinstance(ids, list):
        raise AWSErrorResponse("ClientException", "jobs is required.")
    if len(ids) > DESCRIBE_JOBS.page_size_max:
        raise AWSErrorResponse(
            "ClientException",
            f"A maximum of {DESCRIBE_JOBS.page_size_max} job IDs can be specified.",
        )
    found = state.job_details(ids)
    # AWS answers in no particular order: do not mirror the request's.
    return {"jobs": [found[k] for k in sorted(found)]}


def describe_job_queues(state: State, params: dict[str, Any]) -> dict[str, Any]:
    """DescribeJobQueues: every queue, or the ones named (at most 100), paginated."""
    limit = max_results(params, DESCRIBE_JOB_QUEUES)
    wanted = params.get("jobQueues")
    queues = state.queues()
    if wanted:
        if len(wanted) > 100:
            raise AWSErrorResponse(
                "ClientException", "A maximum of 100 job queues can be specified."
            )
        names = {w.rsplit("/", 1)[-1] if w.startswith("arn:") else w for w in wanted}
        queues = [q for q in queues if q.name in names]
    account = f"arn:aws:batch:{state.region}:{state.account_id}"
    details = [q.detail(account) for q in queues]
    return page(details, params, DESCRIBE_JOB_QUEUES, limit)


def _known_queue(state: State, name_or_arn: str) -> str:
    name = state.find_queue(name_or_arn)
    if name is None:
        raise AWSErrorResponse("ClientException", f"Job queue {name_or_arn} does not exist.")
    return name


def _one_filter(filters: Any, allowed: set[str]) -> tuple[str, str] | None:
    if not filters:
        return None
    if len(filters) != 1 or len(filters[0].get("values") or []) != 1:
        raise AWSErrorResponse(
            "ClientException", "Only one filter key-value pair can be specified."
        )
    name, value = filters[0].get("name"), filters[0]["values"][0]
    if name not in allowed:
        raise AWSErrorResponse(
            "ClientException", f"Invalid filter name {name!r}; valid: {', '.join(sorted(allowed))}."
        )
    if not isinstance(value, str) or not value:
        raise AWSErrorResponse("ClientException", f"Invalid value for filter {name}.")
    if name in ("BEFORE_CREATED_AT", "AFTER_CREATED_AT") and not value.isdigit():
        raise AWSErrorResponse(
            "ClientException", f"{name} takes epoch milliseconds, got {value!r}."
        )
    if name == "JOB_DEFINITION" and value.startswith("arn:") and "*" in value:
        raise AWSErrorResponse(
            "ClientException", "Asterisk (*) isn't supported when the ARN is used."
        )
    if "*" in value[:-1]:
        raise AWSErrorResponse(
            "ClientException", f"'*' is only supported at the end of the {name} value."
        )
    return name, value


def _matches(item: Mapping[str, Any], name: str, value: str) -> bool:
    if name == "JOB_NAME":
        job_name = str(item.get("jobName", "")).lower()
        wanted = value.lower()
        return job_name.startswith(wanted[:-1]) if wanted.endswith("*") else job_name == wanted
    if name == "JOB_DEFINITION":
        actual = str(item.get("jobDefinition", ""))
        if value.startswith("arn:"):
            return actual == value
        actual_name, _ = definition_name(actual)
        return actual_name.startswith(value[:-1]) if value.endswith("*") else actual_name == value
    if name == "BEFORE_CREATED_AT":
        return int(item.get("createdAt", 0)) < int(value)
    if name == "AFTER_CREATED_AT":
        return int(item.get("createdAt", 0)) > int(value)
    if name == "SHARE_IDENTIFIER":
        return item.get("shareIdentifier") == value
    if name == "QUOTA_SHARE_NAME":
        return item.get("quotaShareName") == value
    raise AssertionError(name)


def _select(
    candidates: list[dict[str, Any]],
    server_filter: tuple[str, str] | None,
    status: str | None,
    status_with: tuple[str, ...],
) -> list[dict[str, Any]]:
    if server_filter is None:
        wanted: str | None = status or "RUNNING"
    elif server_filter[0] in status_with:
        wanted = status
    else:
        wanted = None  # AWS ignores jobStatus when a filter is set
    items = [
        c
        for c in candidates
        if (wanted is None or c.get("status") == wanted)
        and (server_filter is None or _matches(c, *server_filter))
    ]
    # "the results are grouped by the job name" for JOB_NAME; newest first otherwise
    items.sort(key=_order_key(server_filter))
    return items


def _newest_first(item: Mapping[str, Any]) -> tuple[Any, ...]:
    return (-int(item.get("createdAt", 0)), item["jobId"])


def _by_name(item: Mapping[str, Any]) -> tuple[Any, ...]:
    return (str(item.get("jobName", "")).lower(), *_newest_first(item))


def _order_key(server_filter: tuple[str, str] | None) -> Callable[[Any], tuple[Any, ...]]:
    """The order of a listing (its pages continue after the last key they sent)."""
    return (
        _by_name
        if server_filter is not None and server_filter[0] == "JOB_NAME"
        else (_newest_first)
    )


def _child_key(summary: Mapping[str, Any]) -> tuple[Any, ...]:
    array = summary.get("arrayProperties") or {}
    node = summary.get("nodeProperties") or {}
    return (int(array.get("index", node.get("nodeIndex", 0))), summary["jobId"])
