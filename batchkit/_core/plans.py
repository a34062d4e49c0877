"""Planning a call: its arguments checked and turned into the requests to make.

Why functions of their own: the sync and async clients call exactly these, so the two faces
accept (and reject) the same arguments with the same messages, before any request, and plan
the same requests -- which is what makes their resume tokens interchangeable.  A plan is
data (:class:`ListingSpec`, :class:`MergedPlan`, :class:`WatchPlan`); the faces turn it
into pagers and watches.

>>> spec = plan_list_jobs("q", array_job_id=None, multi_node_job_id=None, status="FAILED",
...                       job_filter=None, page_size=None, max_items=None, starting_token=None)
>>> spec.requests
[{'jobQueue': 'q', 'jobStatus': 'FAILED'}]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, cast

from batchkit._core.checks import (
    MAX_COUNT,
    check_enum,
    check_int,
    id_key,
    job_id_of,
    queue_ref,
    require_text,
    status_values,
    unique_ids,
)
from batchkit._core.errors import InvalidParameterError
from batchkit._core.filters import JobFilter, plan_listing
from batchkit._core.tokens import decode_merged_token, decode_token, queue_key
from batchkit._core.watch import (
    DEFAULT_VISIBILITY_GRACE,
    check_grace,
    check_interval,
    check_timeout,
)
from batchkit._spec.operations import (
    DESCRIBE_COMPUTE_ENVIRONMENTS,
    DESCRIBE_CONSUMABLE_RESOURCE,
    DESCRIBE_JOB_DEFINITIONS,
    DESCRIBE_JOB_QUEUES,
    DESCRIBE_SERVICE_JOB,
    EC2_DESCRIBE_INSTANCE_TYPES,
    GET_JOB_QUEUE_SNAPSHOT,
    LIST_CONSUMABLE_RESOURCES,
    LIST_JOBS,
    LIST_SERVICE_JOBS,
    S3_DESCRIBE_JOB,
    S3_LIST_JOBS,
)
from batchkit._spec.row import Operation

if TYPE_CHECKING:
    from batchkit.models import JobStatus

__all__ = [
    "Call",
    "ListingSpec",
    "MergedPlan",
    "OnInvalid",
    "WatchPlan",
    "check_on_invalid",
    "item_model",
    "plan_compute_environments",
    "plan_consumable_resource",
    "plan_consumable_resources",
    "plan_instance_types",
    "plan_job_definitions",
    "plan_job_queues",
    "plan_list_jobs",
    "plan_list_service_jobs",
    "plan_merged",
    "plan_queue_snapshot",
    "plan_s3_describe_job",
    "plan_s3_list_jobs",
    "plan_service_job",
    "plan_watch",
    "pool_size",
]


#: ``on_invalid=`` of the listing calls: what an item that cannot be typed does.
OnInvalid = Literal["raise", "skip"]


def _models() -> Any:
    """``batchkit.models``, imported on first use (it builds pydantic classes)."""
    import batchkit.models

    return batchkit.models


@functools.cache
def item_model(operation: Operation) -> Any:
    """The public model class of ``operation``'s items (imports its models on first use)."""
    return getattr(_models(), operation.item_model)


def _check_listing_options(
    operation: Operation,
    page_size: int | None,
    max_items: int | None,
    *,
    filtered: bool = False,
) -> None:
    if page_size is not None:
        limit = operation.page_size_max
        if filtered and operation.filtered_page_size_max is not None:
            limit = operation.filtered_page_size_max
        check_int("page_size", page_size, operation.page_size_min, limit)
    if max_items is not None:
        check_int("max_items", max_items, 1, MAX_COUNT)


@dataclass(frozen=True)
class ListingSpec:
    """A checked, planned listing: what the sync and the async pager are built from."""

    operation: Operation
    requests: list[dict[str, Any]]  # one per sub-listing, read one after the other
    starting_token: str | None
    page_size: int | None
    max_items: int | None
    keep: Callable[[Any], bool] | None = None
    stop: Any = None
    dedupe: Callable[[Any], object] | None = None
    merged: tuple[str, ...] = ()
    """The statuses of a fan-out: its sub-listings (one per request) are merged newest
    first, as one listing (:meth:`merge_parts`)."""
    on_invalid: str = "raise"
    """An item that cannot be typed: ``raise`` or ``skip`` (:func:`check_on_invalid`)."""

    def pager_options(self) -> dict[str, Any]:
        """The keyword arguments of a pager (JobPager, AsyncJobPager) over this listing."""
        operation = self.operation
        assert operation.input_token is not None
        return {
            "label": operation.label,
            "token_key": operation.input_token,
            "keep": self.keep,
            "stop": self.stop,
            "starting_token": self.starting_token,
            "page_size": self.page_size,
            "max_items": self.max_items,
            "dedupe": self.dedupe,
            "model": item_model(operation),
        }

    def merge_parts(self, token: str | None) -> list[tuple[ListingSpec, bool]]:
        """A merged fan-out's sub-listings, each started where ``token`` (the merge's own
        token, inside this listing's) says, and whether it has ended."""
        positions = decode_merged_token(token, list(self.merged))
        return [
            (
                replace(
                    self,
                    requests=[request],
                    starting_token=position.token,
                    max_items=None,
                    dedupe=None,
                    merged=(),
                ),
                position.ended,
            )
            for request, position in zip(self.requests, positions, strict=True)
        ]


def _spec(operation: Operation, requests: list[dict[str, Any]], **options: Any) -> ListingSpec:
    assert operation.input_token is not None
    # early, typed errors for a forged or foreign token
    merged = options.get("merged", ())
    position = decode_token(
        options.get("starting_token"), operation.input_token, 1 if merged else len(requests)
    )
    if merged:
        try:
            decode_merged_token(position.token, list(merged))
        except InvalidParameterError:
            raise InvalidParameterError(
                "starting_token: not a token of this listing (it lists the statuses "
                f"{', '.join(merged)} merged newest first: resume it with its own resume_token, "
                "with the same statuses)"
            ) from None
    return ListingSpec(operation, requests, **options)


def _job_id(job: Any) -> object:
    return job.job_id


def plan_list_jobs(
    job_queue: str | None,
    *,
    array_job_id: str | None,
    multi_node_job_id: str | None,
    status: object,
    job_filter: object,
    page_size: int | None,
    max_items: int | None,
    starting_token: str | None,
) -> ListingSpec:
    """Check ``list_jobs``' arguments (one queue, array or multi-node job) and plan it."""
    sources = {
        "jobQueue": ("job_queue", job_queue),
        "arrayJobId": ("array_job_id", array_job_id),
        "multiNodeJobId": ("multi_node_job_id", multi_node_job_id),
    }
    given = {wire: require_text(name, v) for wire, (name, v) in sources.items() if v is not None}
    if len(given) != 1:
        raise InvalidParameterError(
            "list_jobs: give exactly one of job_queue, array_job_id, multi_node_job_id"
        )
    return _plan_listing(
        LIST_JOBS,
        given,
        status_values(status, _models().JobStatus),
        job_filter,
        children="jobQueue" not in given,
        page_size=page_size,
        max_items=max_items,
        starting_token=starting_token,
    )


@dataclass(frozen=True)
class MergedPlan:
    """A checked, planned listing over several queues: one newest-first listing per queue
    (and whether it has ended, by the starting token), what the sync and the async merged
    pager are built from."""

    queues: list[str]  # their names (as the token names them), duplicates removed
    specs: list[ListingSpec]
    ended: list[bool]
    max_items: int | None

    def options(self) -> dict[str, Any]:
        """The keyword arguments of a merged pager (MergedPager, AsyncMergedPager)."""
        return {
            "label": LIST_JOBS.label,
            "max_items": self.max_items,
            "model": item_model(LIST_JOBS),
        }


def plan_merged(
    queues: list[str],
    *,
    status: object,
    job_filter: object,
    page_size: int | None,
    max_items: int | None,
    starting_token: str | None,
) -> MergedPlan:
    """Check ``list_jobs([queue, ...])``' arguments and plan one listing per queue."""
    if not queues:
        raise InvalidParameterError("job_queue: an empty list of queues; give at least one")
    unique: dict[str, str] = {}
    for queue in queues:
        unique.setdefault(queue_key(require_text("job_queue item", queue)), queue)
    names = list(unique.values())
    statuses = status_values(status, _models().JobStatus)
    if max_items is not None:
        check_int("max_items", max_items, 1, MAX_COUNT)
    positions = decode_merged_token(starting_token, list(unique))
    specs = [
        _plan_listing(
            LIST_JOBS,
            {"jobQueue": queue},
            statuses,
            job_filter,
            children=False,
            page_size=page_size,
            max_items=None,
            starting_token=position.token,
            newest_first=True,
        )
        for queue, position in zip(names, positions, strict=True)
    ]
    return MergedPlan(list(unique), specs, [p.ended for p in positions], max_items)


def plan_list_service_jobs(
    job_queue: str,
    *,
    status: object,
    job_filter: object,
    page_size: int | None,
    max_items: int | None,
    starting_token: str | None,
) -> ListingSpec:
    """Check ``list_service_jobs``' arguments and plan the listing."""
    params = {"jobQueue": require_text("job_queue", job_queue)}
    return _plan_listing(
        LIST_SERVICE_JOBS,
        params,
        status_values(status, _models().ServiceJobStatus),
        job_filter,
        children=False,
        page_size=page_size,
        max_items=max_items,
        starting_token=starting_token,
    )


def _plan_listing(
    operation: Operation,
    params: dict[str, Any],
    statuses: tuple[str, ...] | None,
    job_filter: object,
    *,
    children: bool,
    page_size: int | None,
    max_items: int | None,
    starting_token: str | None,
    newest_first: bool = False,
) -> ListingSpec:
    if job_filter is not None and not isinstance(job_filter, JobFilter):
        raise InvalidParameterError(
            f"filter: expected a JobFilter, got {type(job_filter).__name__}"
        )
    plan = plan_listing(
        job_filter,
        operation.name,  # type: ignore[arg-type]
        status=statuses,
        children=children,
        newest_first=newest_first,
    )
    request = dict(params)
    if plan.server_filter is not None:
        request["filters"] = [plan.server_filter]
    if plan.statuses is not None and len(plan.statuses) == 1 and plan.send_status:
        request["jobStatus"] = plan.statuses[0]
    _check_listing_options(operation, page_size, max_items, filtered=plan.server_filter is not None)
    requests = [{**request, "jobStatus": s} for s in plan.fan_out] or [request]
    return _spec(
        operation,
        requests,
        starting_token=starting_token,
        page_size=page_size,
        max_items=max_items,
        keep=plan.keep,
        stop=plan.stop,
        dedupe=_job_id if len(requests) > 1 or plan.strategy == "created-at" else None,
        merged=plan.fan_out if len(requests) > 1 else (),
    )


def _names(
    names: object, what: str, example: str, param: str = "names", to_text: Any = None
) -> list[str] | None:
    """A ``names=`` argument: None, or an iterable (not one string) of non-blank names --
    each once, in order -- at most 100 (AWS's limit for every list of names batchkit sends)."""
    if names is None:
        return None
    if isinstance(names, str) or not isinstance(names, Iterable):
        raise InvalidParameterError(f"{param}: expected an iterable of {what} (e.g. {example})")
    text = to_text or (lambda value: require_text(f"{param} item", value))
    wanted = list(dict.fromkeys(text(n) for n in cast(Iterable[object], names)))
    if not wanted:
        raise InvalidParameterError(f"{param}: empty; pass None for every one")
    if len(wanted) > 100:
        raise InvalidParameterError(f"{param}: at most 100 a call (AWS's limit), got {len(wanted)}")
    return wanted


def _listing(
    operation: Operation,
    request: dict[str, Any],
    page_size: int | None,
    max_items: int | None,
    starting_token: str | None,
) -> ListingSpec:
    _check_listing_options(operation, page_size, max_items)
    return _spec(
        operation,
        [request],
        starting_token=starting_token,
        page_size=page_size,
        max_items=max_items,
    )


def plan_job_queues(
    names: object,
    *,
    page_size: int | None,
    max_items: int | None,
    starting_token: str | None,
) -> ListingSpec:
    """Check ``job_queues``' arguments and plan the DescribeJobQueues listing."""
    request: dict[str, Any] = {}
    wanted = _names(names, "queue names or ARNs", "['etl']", to_text=_queue_text)
    if wanted is not None:
        request["jobQueues"] = wanted
    return _listing(DESCRIBE_JOB_QUEUES, request, page_size, max_items, starting_token)


def _queue_text(value: object) -> str:
    return queue_ref(value, "names item")


def plan_compute_environments(
    names: object,
    *,
    page_size: int | None,
    max_items: int | None,
    starting_token: str | None,
) -> ListingSpec:
    """Check ``compute_environments``' arguments and plan DescribeComputeEnvironments."""
    request: dict[str, Any] = {}
    wanted = _names(names, "compute environment names or ARNs", "['spot-ce']")
    if wanted is not None:
        request["computeEnvironments"] = wanted
    return _listing(DESCRIBE_COMPUTE_ENVIRONMENTS, request, page_size, max_items, starting_token)


#: The statuses DescribeJobDefinitions filters on.
DEFINITION_STATUSES = ("ACTIVE", "INACTIVE")


def plan_job_definitions(
    definitions: object,
    *,
    name: object,
    status: object,
    page_size: int | None,
    max_items: int | None,
    starting_token: str | None,
) -> ListingSpec:
    """Check ``job_definitions``' arguments and plan DescribeJobDefinitions."""
    request: dict[str, Any] = {}
    wanted = _names(
        definitions, "job definitions (name:revision or ARN)", "['train:3']", "definitions"
    )
    if wanted is not None:
        if name is not None:
            raise InvalidParameterError(
                "definitions, name: give one of them (AWS takes either a list of definitions "
                "or a definition name)"
            )
        request["jobDefinitions"] = wanted
    if name is not None:
        request["jobDefinitionName"] = require_text("name", name)
    if status is not None:
        text = require_text("status", status).strip().upper()
        if text not in DEFINITION_STATUSES:
            raise InvalidParameterError(
                f"status: unknown value {status!r}; allowed: {', '.join(DEFINITION_STATUSES)}"
            )
        request["status"] = text
    return _listing(DESCRIBE_JOB_DEFINITIONS, request, page_size, max_items, starting_token)


def plan_consumable_resources(
    name: object,
    *,
    page_size: int | None,
    max_items: int | None,
    starting_token: str | None,
) -> ListingSpec:
    """Check ``consumable_resources``' arguments and plan ListConsumableResources."""
    request: dict[str, Any] = {}
    if name is not None:
        pattern = require_text("name", name)
        if "*" in pattern[:-1]:
            raise InvalidParameterError(
                f"name: '*' is only allowed at the end (a prefix match), got {pattern!r}"
            )
        (filter_name,) = LIST_CONSUMABLE_RESOURCES.filters
        request["filters"] = [{"name": filter_name, "values": [pattern]}]
    return _listing(LIST_CONSUMABLE_RESOURCES, request, page_size, max_items, starting_token)


_INSTANCE_TYPE = re.compile(r"[a-z0-9][a-z0-9-]*\.[a-z0-9-]+")
_FAMILY = re.compile(r"[a-z0-9][a-z0-9-]*")


def plan_instance_types(
    names: object,
    *,
    families: object = None,
    page_size: int | None,
    max_items: int | None,
    starting_token: str | None,
) -> ListingSpec:
    """Check ``instance_types``' arguments and plan EC2 DescribeInstanceTypes: exact names
    (``m5.large``) and/or whole families (``m5``: every size, an ``instance-type`` filter)."""
    request: dict[str, Any] = {}
    exact = _names(names, "instance type names", "['m5.large']", to_text=_instance_type)
    kinds = _names(families, "instance families", "['m5', 'p4d']", "families", _family)
    values = [*(exact or ()), *(f"{f}.*" for f in kinds or ())]
    if len(values) > 100:
        raise InvalidParameterError(
            f"names, families: at most 100 together a call, got {len(values)}"
        )
    if values:
        request["Filters"] = [{"Name": "instance-type", "Values": values}]
    return _listing(EC2_DESCRIBE_INSTANCE_TYPES, request, page_size, max_items, starting_token)


def _instance_type(value: object) -> str:
    text = require_text("names item", value)
    if not _INSTANCE_TYPE.fullmatch(text):
        raise InvalidParameterError(
            f"names item: expected an instance type such as 'm5.large', got {text!r}"
        )
    return text


def _family(value: object) -> str:
    text = require_text("families item", value)
    if not _FAMILY.fullmatch(text):
        raise InvalidParameterError(
            f"families item: expected an instance family such as 'm5', got {text!r}"
        )
    return text


@dataclass(frozen=True)
class Call:
    """A checked, planned single request (an operation answering with one object)."""

    operation: Operation
    request: dict[str, Any]


def plan_queue_snapshot(queue: object) -> Call:
    """Check ``queue_snapshot``'s argument: GetJobQueueSnapshot of a queue (name or ARN)."""
    return Call(GET_JOB_QUEUE_SNAPSHOT, {"jobQueue": queue_ref(queue)})


def plan_consumable_resource(resource: object) -> Call:
    """Check ``describe_consumable_resource``'s argument (name, ARN or summary)."""
    value = resource
    if not isinstance(resource, str):
        value = getattr(resource, "consumable_resource_arn", None) or getattr(
            resource, "consumable_resource_name", None
        )
        if value is None:
            raise InvalidParameterError(
                "resource: expected a consumable resource name, ARN or summary, got "
                f"{type(resource).__name__}"
            )
    request = {"consumableResource": require_text("resource", value)}
    return Call(DESCRIBE_CONSUMABLE_RESOURCE, request)


_SERVICE_JOB_ARN = re.compile(r"arn:[a-z0-9-]+:batch:[a-z0-9-]+:[0-9]{12}:service-job/(?P<id>.+)")


def plan_service_job(job: object) -> Call:
    """Check ``describe_service_job``'s argument (id, ARN, summary or detail): DescribeServiceJob
    takes the id, so an ARN is sent as the id it names."""
    value = job_id_of(job, "job")
    match = _SERVICE_JOB_ARN.fullmatch(value)
    return Call(DESCRIBE_SERVICE_JOB, {"jobId": match["id"] if match else value})


_S3_JOB_ID = re.compile(r"[a-zA-Z0-9\-_]{5,36}")


def plan_s3_describe_job(account_id: str, job: object) -> Call:
    """Check S3 Control ``describe_job``'s argument (a job id, or a listed ``S3BatchJob``)."""
    value = job if isinstance(job, str) else getattr(job, "job_id", None)
    if not isinstance(value, str):
        raise InvalidParameterError(
            f"job: expected an S3 Batch Operations job id or job, got {type(job).__name__}"
        )
    if not _S3_JOB_ID.fullmatch(value):
        raise InvalidParameterError(
            f"job: an S3 Batch Operations job id is 5 to 36 letters, digits, '-' or '_', "
            f"got {value!r}"
        )
    return Call(S3_DESCRIBE_JOB, {"AccountId": account_id, "JobId": value})


def plan_s3_list_jobs(
    account_id: str,
    status: object,
    *,
    statuses: object = None,
    page_size: int | None,
    max_items: int | None,
    starting_token: str | None,
) -> ListingSpec:
    """Check S3 Control ``list_jobs``' arguments and plan the listing: ``status`` by the
    rule of every ``status=`` (one, a collection, ``"ALL"``; any case); ``statuses`` is its
    earlier name (a collection)."""
    request: dict[str, Any] = {"AccountId": account_id}
    name = "status"
    if statuses is not None:
        if status is not None:
            raise InvalidParameterError(
                "statuses: the earlier name of status; give one of them, not both"
            )
        status, name = statuses, "statuses"
    s3_status = _models().S3JobStatus
    every = isinstance(status, str) and status.strip().upper() == "ALL"
    values = None if every else status_values(status, s3_status, name)
    if values is not None:
        request["JobStatuses"] = list(values)
    _check_listing_options(S3_LIST_JOBS, page_size, max_items)
    return _spec(
        S3_LIST_JOBS,
        [request],
        starting_token=starting_token,
        page_size=page_size,
        max_items=max_items,
    )


def check_on_invalid(on_invalid: object) -> str:
    """``on_invalid=``: ``"raise"`` (the default: an item that cannot be typed raises a
    ``ResponseValidationError`` naming it) or ``"skip"`` (it is left out and listed in the
    listing's ``skipped``); InvalidParameterError otherwise, before any request."""
    if not isinstance(on_invalid, str) or on_invalid not in ("raise", "skip"):
        shown = repr(on_invalid)[:80]
        raise InvalidParameterError(f"on_invalid: 'raise' or 'skip', got {shown}")
    return on_invalid


def pool_size(client: Any) -> int:
    """The client's ``max_pool_connections``: more requests at once would only queue."""
    return int(getattr(client.meta.config, "max_pool_connections", None) or 10)


#: DescribeJobs requests at once of ``describe_jobs``, ``watch`` and ``wait`` when the call
#: does not say: a 100-id request waits ~50-100 ms on AWS and takes ~5-10 ms to validate, so
#: 8 at once hide most of the wait (docs/performance.md: 4 reached 3.3x raw boto3 on a 10k-job
#: watch poll, 8 5.1x) and, with a listing fetching ahead, fit the default pool of 10
#: connections; throttling is absorbed by the adaptive retry mode (s3transfer's default is 10).
DEFAULT_CONCURRENCY = 8


def concurrency(name: str, value: int | None, client: Any, *, overlap: bool) -> int:
    """Requests at once: ``value`` checked (1 .. the client's pool), or the default --
    :data:`DEFAULT_CONCURRENCY` (at most the pool), or 1 on a client made with
    ``fetch_ahead=False`` (strictly one request after another)."""
    pool = pool_size(client)
    if value is None:
        return min(DEFAULT_CONCURRENCY, pool) if overlap else 1
    check_int(name, value, 1, pool)
    return value


@dataclass(frozen=True)
class WatchPlan:
    """``watch``/``wait``'s checked arguments (shared with batchkit.aio)."""

    ids: list[tuple[str, str]]  # (job id, the id or ARN as given), each job once
    until: frozenset[JobStatus]
    timeout: float | None
    interval: tuple[float, float]
    visibility_grace: float = DEFAULT_VISIBILITY_GRACE

    def options(self) -> dict[str, Any]:
        return {
            "until": self.until,
            "timeout": self.timeout,
            "interval": self.interval,
            "visibility_grace": self.visibility_grace,
        }


def plan_watch(
    job_ids: object,
    until: object,
    timeout: object,
    poll_interval: object,
    visibility_grace: object = None,
) -> WatchPlan:
    """Check ``watch``'s arguments (before any request)."""
    if isinstance(job_ids, (str, bytes)) or not isinstance(job_ids, Iterable):
        raise InvalidParameterError(
            "job_ids: expected an iterable of job ids, ARNs, summaries or details"
        )
    wanted = list(unique_ids(cast(Iterable[object], job_ids)))
    job_status = _models().JobStatus
    if until is None:
        statuses = frozenset(job_status.terminal())
    else:
        if isinstance(until, (str, bytes)) or not isinstance(until, Iterable):
            raise InvalidParameterError(
                "until: expected a set of statuses (e.g. {JobStatus.RUNNING} or "
                "JobStatus.terminal())"
            )
        statuses = frozenset(
            check_enum("until", s, job_status) for s in cast(Iterable[object], until)
        )
        if not statuses:
            raise InvalidParameterError("until: empty; give at least one status")
    return WatchPlan(
        [(id_key(i), i) for i in wanted],
        statuses,
        check_timeout(timeout),
        check_interval(poll_interval),
        check_grace(visibility_grace),
    )
