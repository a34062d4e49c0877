"""The public clients: :class:`BatchClient` and :class:`S3BatchOperationsClient`.

They are thin on purpose.  boto3 does the signing, endpoints, retries (botocore's
``adaptive`` retry mode -- backoff plus a client-side rate limiter -- unless you pass
another ``config``) and HTTP; batchkit validates
your arguments before any request, plans filters, and hands out typed, lazy iterators.

>>> from batchkit import BatchClient, JobFilter
>>> batch = BatchClient(region_name="us-east-1")               # doctest: +SKIP
>>> for job in batch.list_jobs("my-queue", filter=JobFilter.job_name("train-*")):
...     print(job.job_name, job.status)                         # doctest: +SKIP
"""

from __future__ import annotations

import logging
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from itertools import chain, islice
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast, overload

from botocore.config import Config

from batchkit._core.errors import (
    BatchKitError,
    InvalidParameterError,
    JobNotFoundError,
    require_text,
)
from batchkit._core.filters import ALL_STATUSES, JobFilter, plan_listing
from batchkit._core.merge import MergedPager, decode_merged_token, queue_key
from batchkit._core.pager import JobPager, Results, decode_token
from batchkit._core.watch import Clock, Interval, Watch, check_interval, check_timeout
from batchkit._spec.operations import (
    DESCRIBE_JOB_QUEUES,
    DESCRIBE_JOBS,
    LIST_JOBS,
    LIST_SERVICE_JOBS,
    S3_LIST_JOBS,
)
from batchkit._spec.row import Operation
from batchkit._version import __version__
from batchkit._wire import fastpath as _fastpath
from batchkit._wire.pages import PageSource, RawPage, item_model

if TYPE_CHECKING:
    from datetime import datetime, timedelta

    import boto3
    from mypy_boto3_batch.client import BatchClient as Boto3BatchClient
    from mypy_boto3_s3control.client import S3ControlClient as Boto3S3ControlClient

    from batchkit._core.logs import FollowPolicy, LogEvent
    from batchkit._core.report import FailureReport
    from batchkit._spec.base import BatchKitModel, OpenEnum
    from batchkit.models import (
        JobDetail,
        JobQueueDetail,
        JobStatus,
        JobSummary,
        S3BatchJob,
        S3JobStatus,
        ServiceJobStatus,
        ServiceJobSummary,
    )

__all__ = ["BatchClient", "HasJobId", "JobDetails", "S3BatchOperationsClient"]

log = logging.getLogger("batchkit")

M = TypeVar("M", bound="BatchKitModel")
E = TypeVar("E", bound="OpenEnum")


def _models() -> ModuleType:
    """``batchkit.models``, imported on first use: importing it builds ~90 pydantic classes,
    which `import batchkit` (and a CLI's start-up) should not pay for."""
    import batchkit.models

    return batchkit.models


#: botocore's ``adaptive`` retry mode: ``standard`` retries (exponential backoff with jitter,
#: a retry quota that stops retrying a failing service) plus a client-side token bucket that
#: slows the client down after a throttling response and back up as requests succeed --
#: shared by every thread using the client, so ``describe_jobs(..., max_workers=8)`` at
#: account scale backs off together.  Up to 10 attempts a request (botocore's default is 3:
#: the first burst of a pool of workers can meet more throttles than that before the bucket
#: has adapted).  The knob: ``config=Config(retries={"mode": "standard"})`` (or any other
#: ``retries``) replaces this.
_RETRY_MODE = "adaptive"
_RETRIES: dict[str, Any] = {"mode": _RETRY_MODE, "total_max_attempts": 10}
_DEFAULT_CONFIG = Config(retries=cast(Any, _RETRIES), user_agent_extra=f"batchkit/{__version__}")


def _check_given_client(
    service: str,
    client: Any,
    session: object,
    region_name: str | None,
    endpoint_url: str | None,
    config: Config | None,
    kind: str = "boto3",
) -> bool:
    """True when a client was given (and it is one of ``service``); shared with batchkit.aio."""
    if client is not None:
        if any(v is not None for v in (session, region_name, endpoint_url, config)):
            raise InvalidParameterError(
                f"client: pass either a {kind} client or session/region_name/endpoint_url/config, "
                "not both (configure the client you pass instead)"
            )
        if getattr(getattr(client, "meta", None), "service_model", None) is None:
            raise InvalidParameterError(
                f"client: expected a {kind} {service} client, got {client!r}"
            )
        actual = client.meta.service_model.service_name
        if actual != service:
            raise InvalidParameterError(
                f"client: expected a {kind} {service} client, got {actual!r}"
            )
        return True
    if config is not None and not isinstance(config, Config):
        raise InvalidParameterError(
            f"config: expected a botocore.config.Config, got {type(config).__name__}"
        )
    return False


def _client_config(config: Config | None, base: Config = _DEFAULT_CONFIG) -> Config:
    """``config`` merged over batchkit's default (``base``: a ``Config`` or aiobotocore's
    ``AioConfig``, whose ``merge`` keeps its own type)."""
    merged = base
    if config is not None:
        merged = merged.merge(config)
        retries: Any = getattr(config, "retries", None)  # not in botocore-stubs' Config
        if retries:  # merge() replaces the whole retries dict: keep our default mode
            merged = merged.merge(Config(retries=cast(Any, {"mode": _RETRY_MODE, **retries})))
    return merged


def _boto3_client(
    service: str,
    client: Any,
    session: boto3.Session | None,
    region_name: str | None,
    endpoint_url: str | None,
    config: Config | None,
) -> Any:
    if _check_given_client(service, client, session, region_name, endpoint_url, config):
        return client
    import boto3  # deferred: `import batchkit` should not pay for boto3 (and s3transfer)

    if session is not None and not isinstance(session, boto3.Session):
        raise InvalidParameterError(
            f"session: expected a boto3.Session, got {type(session).__name__}"
        )
    merged = _client_config(config)
    factory = session.client if session is not None else boto3.client
    return factory(service, region_name=region_name, endpoint_url=endpoint_url, config=merged)  # type: ignore[call-overload]


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidParameterError(f"{name}: expected an int, got {type(value).__name__}")
    if not low <= value <= high:
        raise InvalidParameterError(f"{name}: must be between {low} and {high}, got {value}")
    return value


def _check_enum(name: str, value: object, enum: type[E]) -> E:
    """A known member, a member object (even one made for a value AWS added), or an error."""
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        member = enum.known(value)  # a typo must not create (and cache) a member
        if member is not None:
            return member
    allowed = ", ".join(m.value for m in enum)
    raise InvalidParameterError(
        f"{name}: unknown value {value!r}; allowed: {allowed} "
        f"(for a value newer than this batchkit, pass {enum.__name__}({value!r}))"
    )


def _status_values(status: object, enum: type[E]) -> tuple[str, ...] | None:
    """``status=`` as wire values: None (AWS's default), one status, several, or every
    status (``"ALL"``, any case, or a collection naming all of them)."""
    if status is None:
        return None
    if isinstance(status, enum):
        return (status.value,)
    if isinstance(status, str):
        if status.strip().upper() == ALL_STATUSES:
            return tuple(m.value for m in enum)
        return (_check_enum("status", status, enum).value,)
    if isinstance(status, Iterable) and not isinstance(status, (bytes, bytearray)):
        values = tuple(dict.fromkeys(_check_enum("status", s, enum).value for s in status))
        if not values:
            raise InvalidParameterError(
                "status: an empty collection; give one or more statuses, 'ALL' for every "
                "status, or None for AWS's default"
            )
        return values
    _check_enum("status", status, enum)  # raises: names the allowed values
    raise AssertionError(status)


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
        _check_int("page_size", page_size, 1, limit)
    if max_items is not None:
        _check_int("max_items", max_items, 1, 2**63)


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


def _spec(operation: Operation, requests: list[dict[str, Any]], **options: Any) -> ListingSpec:
    assert operation.input_token is not None
    # early, typed errors for a forged or foreign token
    decode_token(options.get("starting_token"), operation.input_token, len(requests))
    return ListingSpec(operation, requests, **options)


def _pager(client: Any, spec: ListingSpec, *, fast: bool, gc_pause: bool) -> JobPager[Any]:
    """A pager over one listing, or over several sub-listings one after the other."""
    return JobPager(
        [
            PageSource(client, spec.operation, request, fast=fast, gc_pause=gc_pause)
            for request in spec.requests
        ],
        **spec.pager_options(),
    )


def _job_id(job: Any) -> object:
    return job.job_id


# ---------------------------------------------------------------- shared with batchkit.aio
# Argument checks and planning, before any request: the sync and async clients call these,
# so the two faces accept (and reject) exactly the same arguments.


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
        _status_values(status, _models().JobStatus),
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
    statuses = _status_values(status, _models().JobStatus)
    if max_items is not None:
        _check_int("max_items", max_items, 1, 2**63)
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
        _status_values(status, _models().ServiceJobStatus),
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
    if statuses is not None and len(statuses) == 1 and plan.send_status:
        request["jobStatus"] = statuses[0]
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
    if names is not None:
        if isinstance(names, str) or not isinstance(names, Iterable):
            raise InvalidParameterError(
                "names: expected an iterable of queue names or ARNs (e.g. ['etl'])"
            )
        wanted = list(
            dict.fromkeys(require_text("names item", n) for n in cast(Iterable[object], names))
        )
        if not wanted:
            raise InvalidParameterError("names: empty; pass None for every queue")
        if len(wanted) > 100:
            raise InvalidParameterError(
                f"names: at most 100 queues a call (AWS's limit), got {len(wanted)}"
            )
        request["jobQueues"] = wanted
    _check_listing_options(DESCRIBE_JOB_QUEUES, page_size, max_items)
    return _spec(
        DESCRIBE_JOB_QUEUES,
        [request],
        starting_token=starting_token,
        page_size=page_size,
        max_items=max_items,
    )


def plan_s3_list_jobs(
    account_id: str,
    statuses: object,
    *,
    page_size: int | None,
    max_items: int | None,
    starting_token: str | None,
) -> ListingSpec:
    """Check S3 Control ``list_jobs``' arguments and plan the listing."""
    request: dict[str, Any] = {"AccountId": account_id}
    if statuses is not None:
        if isinstance(statuses, str) or not isinstance(statuses, Iterable):
            raise InvalidParameterError(
                "statuses: expected an iterable of S3JobStatus (e.g. [S3JobStatus.ACTIVE])"
            )
        values = list(
            dict.fromkeys(
                _check_enum("statuses", s, _models().S3JobStatus).value
                for s in cast(Iterable[object], statuses)
            )
        )
        if not values:
            raise InvalidParameterError("statuses: empty; pass None for every status")
        request["JobStatuses"] = values
    _check_listing_options(S3_LIST_JOBS, page_size, max_items)
    return _spec(
        S3_LIST_JOBS,
        [request],
        starting_token=starting_token,
        page_size=page_size,
        max_items=max_items,
    )


def check_job_ids(job_ids: object) -> None:
    """``describe_jobs``' input is an iterable of ids, ARNs or summaries (not one string)."""
    if isinstance(job_ids, (str, bytes)) or not isinstance(job_ids, Iterable):
        raise InvalidParameterError(
            "job_ids: expected an iterable of job ids, ARNs or summaries (for one id use "
            "describe_job)"
        )


def describe_input(job_ids: Iterable[object]) -> Iterator[str]:
    """The unique ids of ``describe_jobs``' input, lazily; a list or tuple is checked
    entirely up front (before any request), any other iterable item by item as read."""
    if isinstance(job_ids, (list, tuple)):
        return iter(list(_unique_ids(job_ids)))
    return _unique_ids(job_ids)


def pool_size(client: Any) -> int:
    """The client's ``max_pool_connections``: more requests at once would only queue."""
    return int(getattr(client.meta.config, "max_pool_connections", None) or 10)


@dataclass(frozen=True)
class WatchPlan:
    """``watch``/``wait``'s checked arguments (shared with batchkit.aio)."""

    ids: list[tuple[str, str]]  # (job id, the id or ARN as given), each job once
    until: frozenset[JobStatus]
    timeout: float | None
    interval: tuple[float, float]

    def options(self) -> dict[str, Any]:
        return {"until": self.until, "timeout": self.timeout, "interval": self.interval}


def plan_watch(job_ids: object, until: object, timeout: object, poll_interval: object) -> WatchPlan:
    """Check ``watch``'s arguments (before any request)."""
    if isinstance(job_ids, (str, bytes)) or not isinstance(job_ids, Iterable):
        raise InvalidParameterError(
            "job_ids: expected an iterable of job ids, ARNs, summaries or details"
        )
    wanted = list(_unique_ids(cast(Iterable[object], job_ids)))
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
            _check_enum("until", s, job_status) for s in cast(Iterable[object], until)
        )
        if not statuses:
            raise InvalidParameterError("until: empty; give at least one status")
    return WatchPlan(
        [(_id_key(i), i) for i in wanted],
        statuses,
        check_timeout(timeout),
        check_interval(poll_interval),
    )


def check_account_id(account_id: object) -> str:
    """The 12-digit account that owns S3 Batch Operations jobs (part of the host name)."""
    if not isinstance(account_id, str) or not _ACCOUNT_ID.fullmatch(account_id):
        raise InvalidParameterError(f"account_id: expected 12 ASCII digits, got {account_id!r}")
    return account_id


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


class BatchClient:
    """Typed, lazy reads of AWS Batch jobs.

    ``BatchClient()`` uses boto3's default session (credentials, region); or pass
    ``client=boto3.client("batch")``, or ``session=``/``region_name=``/``endpoint_url=``/
    ``config=`` (merged over batchkit's default: botocore's ``adaptive`` retry mode, 10
    attempts; ``config=Config(retries={"mode": "standard"})`` turns the rate limiter off).
    ``fast_path=False`` lets botocore parse every response (batchkit then validates its
    dicts): slower, but your own ``before-parse``/``after-call`` handlers see full
    responses.  ``gc_pause=False`` validates pages without deferring Python's garbage
    collector (see docs/performance.md: it changes the process's gc thresholds for the
    milliseconds a page validates).  One instance is safe to share between threads (pagers
    are not).

    Job logs (:meth:`logs`, :meth:`why`) are read with CloudWatch Logs clients made from
    the same session (boto3's default one when you passed ``client=``), config and
    endpoint URL, one per region a job logs to; ``logs_client=`` gives your own for its
    region.
    """

    def __init__(
        self,
        client: Boto3BatchClient | None = None,
        *,
        session: boto3.Session | None = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        config: Config | None = None,
        fast_path: bool = True,
        gc_pause: bool = True,
        logs_client: Any = None,
    ) -> None:
        self._client: Boto3BatchClient = _boto3_client(
            "batch", client, session, region_name, endpoint_url, config
        )
        self._fast = bool(fast_path)
        self._gc_pause = bool(gc_pause)
        _fastpath.install(self._client)
        self._session = session
        self._endpoint_url = endpoint_url
        self._logs_clients: dict[str, Any] = {}
        self._logs_lock = threading.Lock()
        if logs_client is not None:
            logs = _boto3_client("logs", logs_client, None, None, None, None)
            _fastpath.install(logs)
            self._logs_clients[logs.meta.region_name] = logs

    def _logs_client(self, region: str) -> Any:
        """The CloudWatch Logs client for ``region`` (made once, from this client's session,
        config and endpoint URL)."""
        with self._logs_lock:
            client = self._logs_clients.get(region)
            if client is None:
                import boto3

                factory: Any = self._session.client if self._session is not None else boto3.client
                client = factory(
                    "logs",
                    region_name=region,
                    endpoint_url=self._endpoint_url,
                    config=self._client.meta.config,
                )
                _fastpath.install(client)
                self._logs_clients[region] = client
            return client

    @property
    def client(self) -> Boto3BatchClient:
        """The underlying boto3 client."""
        return self._client

    def __repr__(self) -> str:
        return f"BatchClient(region_name={self._client.meta.region_name!r})"

    @overload
    def list_jobs(
        self,
        job_queue: str | None = None,
        *,
        array_job_id: str | None = None,
        multi_node_job_id: str | None = None,
        status: JobStatus | str | Iterable[JobStatus | str] | None = None,
        filter: JobFilter | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> JobPager[JobSummary]: ...

    @overload
    def list_jobs(
        self,
        job_queue: list[str] | tuple[str, ...],
        *,
        status: JobStatus | str | Iterable[JobStatus | str] | None = None,
        filter: JobFilter | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> MergedPager[JobSummary]: ...

    def list_jobs(
        self,
        job_queue: str | list[str] | tuple[str, ...] | None = None,
        *,
        array_job_id: str | None = None,
        multi_node_job_id: str | None = None,
        status: JobStatus | str | Iterable[JobStatus | str] | None = None,
        filter: JobFilter | None = None,  # the name users expect, shadowing the builtin
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> JobPager[JobSummary] | MergedPager[JobSummary]:
        """List jobs of a queue (or of several), or the children of an array or multi-node job.

        Give exactly one of ``job_queue``, ``array_job_id``, ``multi_node_job_id``.
        Without ``status`` and ``filter`` AWS lists RUNNING jobs only.  With a ``filter``
        every status is listed (AWS ignores ``status`` then; batchkit applies it
        client-side; for array and multi-node children, where AWS applies no filter,
        batchkit lists each status in turn).

        ``status`` is one status, a collection of them (``{JobStatus.FAILED,
        JobStatus.SUCCEEDED}``) or ``"ALL"`` (:data:`batchkit.ALL_STATUSES`) for every
        status; batchkit plans how (see :func:`batchkit._core.filters.plan_statuses` and
        docs/list-jobs.md): each job is yielded once.

        ``job_queue`` may be a list or tuple of queue names or ARNs: the result is one lazy
        :class:`~batchkit.MergedPager` over all of them, each job once, newest first across
        the queues (each queue's listing is newest-first when there is a server-side filter
        other than a job name, or several statuses), resumable with one token.


        Args:
            job_queue: a queue name or ARN, or a list/tuple of them (one merged listing).
            array_job_id: list the children of this array job instead.
            multi_node_job_id: list the nodes of this multi-node job instead.
            status: one status, a collection of statuses, or ``"ALL"``.
            filter: a :class:`~batchkit.JobFilter` (name, definition, created-at range, share).
            page_size: items per request (1..1000; 1..100 with a server-side filter).
            max_items: stop after this many items (``resume_token`` then points at the rest).
            starting_token: a ``resume_token`` or ``next_token`` to continue from.

        Returns:
            A lazy :class:`~batchkit.JobPager` of ``JobSummary`` (a
            :class:`~batchkit.MergedPager` for several queues).

        Raises:
            InvalidParameterError: bad arguments or a forged token (before any request).
            BatchKitError: while iterating, any failure, with ``resume_token`` set.

        >>> from datetime import timedelta
        >>> from batchkit.testing import FakeAWS
        >>> fake = FakeAWS()
        >>> _ = fake.add_job("a", job_name="old", status="FAILED", created_at=1_000)
        >>> _ = fake.add_job("b", job_name="new", status="SUCCEEDED", created_at=2_000)
        >>> _ = fake.add_job("b", job_name="live", status="RUNNING", created_at=3_000)
        >>> batch = fake.batch_client()
        >>> finished = batch.list_jobs(["a", "b"], status={"FAILED", "SUCCEEDED"})
        >>> " ".join(j.job_name for j in finished)
        'new old'
        >>> " ".join(j.job_name for j in batch.list_jobs("b", status="ALL"))
        'live new'
        """
        if isinstance(job_queue, (list, tuple)):
            if array_job_id is not None or multi_node_job_id is not None:
                raise InvalidParameterError(
                    "list_jobs: give exactly one of job_queue, array_job_id, multi_node_job_id"
                )
            return self._merged(
                list(job_queue),
                status=status,
                job_filter=filter,
                page_size=page_size,
                max_items=max_items,
                starting_token=starting_token,
            )
        spec = plan_list_jobs(
            job_queue,
            array_job_id=array_job_id,
            multi_node_job_id=multi_node_job_id,
            status=status,
            job_filter=filter,
            page_size=page_size,
            max_items=max_items,
            starting_token=starting_token,
        )
        return self._pager(spec)

    def _pager(self, spec: ListingSpec) -> JobPager[Any]:
        return _pager(self._client, spec, fast=self._fast, gc_pause=self._gc_pause)

    def _merged(
        self,
        queues: list[str],
        *,
        status: object,
        job_filter: JobFilter | None,
        page_size: int | None,
        max_items: int | None,
        starting_token: str | None,
    ) -> MergedPager[JobSummary]:
        plan = plan_merged(
            queues,
            status=status,
            job_filter=job_filter,
            page_size=page_size,
            max_items=max_items,
            starting_token=starting_token,
        )
        pagers: list[JobPager[JobSummary]] = []
        for spec, ended in zip(plan.specs, plan.ended, strict=True):
            pager = self._pager(spec)
            if ended:
                pager.close()
            pagers.append(pager)
        return MergedPager(pagers, plan.queues, **plan.options())

    def job_queues(
        self,
        names: Iterable[str] | None = None,
        *,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> JobPager[JobQueueDetail]:
        """The job queues of the account and region (DescribeJobQueues), or the ones named.

        ``names`` are queue names or ARNs (at most 100, as AWS allows); unknown ones are
        simply not listed.  Feed the names to :meth:`list_jobs` to list every queue.

        Args:
            names: queue names or ARNs; None for every queue.
            page_size: queues per request (1..100).
            max_items: stop after this many queues.
            starting_token: a ``resume_token`` or ``next_token`` to continue from.

        Returns:
            A lazy :class:`~batchkit.JobPager` of ``JobQueueDetail``.

        Raises:
            InvalidParameterError: bad arguments (before any request).

        >>> from batchkit.testing import FakeAWS
        >>> fake = FakeAWS()
        >>> _ = fake.add_queue("etl", priority=10)
        >>> _ = fake.add_job("gpu", status="RUNNING")
        >>> batch = fake.batch_client()
        >>> " ".join(f"{q.job_queue_name}={q.state.value}" for q in batch.job_queues())
        'etl=ENABLED gpu=ENABLED'
        >>> queues = [q.job_queue_name for q in batch.job_queues()]
        >>> len(batch.list_jobs(queues).to_list())
        1
        """
        return self._pager(
            plan_job_queues(
                names, page_size=page_size, max_items=max_items, starting_token=starting_token
            )
        )

    def list_service_jobs(
        self,
        job_queue: str,
        *,
        status: ServiceJobStatus | str | Iterable[ServiceJobStatus | str] | None = None,
        filter: JobFilter | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> JobPager[ServiceJobSummary]:
        """List service jobs (e.g. SageMaker training) of a queue.

        ``JobFilter.share_identifier`` and ``quota_share_name`` are sent to AWS together
        with one ``status``; other filters make batchkit apply ``status`` client-side.
        ``status`` may be a collection of statuses or ``"ALL"``, as for :meth:`list_jobs`.

        Args:
            job_queue: the queue's name or ARN.
            status: one status, a collection of statuses, or ``"ALL"``.
            filter: a :class:`~batchkit.JobFilter` (name, created-at range, share, quota share).
            page_size: items per request (1..100).
            max_items: stop after this many items.
            starting_token: a ``resume_token`` or ``next_token`` to continue from.

        Returns:
            A lazy :class:`~batchkit.JobPager` of ``ServiceJobSummary``.

        Raises:
            InvalidParameterError: bad arguments or a forged token (before any request).
            BatchKitError: while iterating, any failure, with ``resume_token`` set.
        """
        spec = plan_list_service_jobs(
            job_queue,
            status=status,
            job_filter=filter,
            page_size=page_size,
            max_items=max_items,
            starting_token=starting_token,
        )
        return self._pager(spec)

    def describe_jobs(
        self, job_ids: Iterable[str | HasJobId], *, max_workers: int = 1
    ) -> JobDetails:
        """Describe jobs by id, ARN or summary, 100 a request, lazily -- input included.

        ``job_ids`` is any iterable of job ids, job ARNs or objects with a ``job_id`` (the
        ``JobSummary`` items of a listing, ``JobDetail`` s...): a pager included.  The input
        is read as the details are consumed, 100 ids a request (with ``max_workers``, up to
        ``2 * max_workers`` requests ahead), so::

            batch.describe_jobs(batch.list_jobs("q", status="ALL"), max_workers=4)

        streams full details in listing order without reading the whole listing first.
        A list or tuple is checked entirely up front; an iterator, generator or pager item
        by item as it is read (an invalid item raises ``InvalidParameterError`` when
        reached, after the details before it).

        Duplicates are dropped (an id and its ARN are the same job); an empty input makes
        no request.  Jobs are yielded in the order of their first occurrence in
        ``job_ids``; ids AWS does not return are skipped and listed in
        :attr:`JobDetails.missing_ids` (complete once iteration ends).  With
        ``max_workers > 1`` up to that many requests run at once (order is unchanged; at
        most the client's ``max_pool_connections``).  Throttling is absorbed by botocore's
        ``adaptive`` retry mode (batchkit's default): its client-side rate limiter slows
        every worker down together.  Use the result as a context manager (or call
        ``close()``) to stop early: queued requests are cancelled.


        Args:
            job_ids: ids, job ARNs or objects with a ``job_id`` (summaries, a pager).
            max_workers: requests at once (1 .. the client's ``max_pool_connections``).

        Returns:
            A lazy :class:`~batchkit.JobDetails` of ``JobDetail``.

        Raises:
            InvalidParameterError: bad arguments (a list or tuple is checked up front).
            BatchKitError: while iterating, after every chunk that succeeded, with
                ``undescribed_ids``.

        >>> from batchkit.testing import FakeAWS
        >>> fake = FakeAWS()
        >>> for i in range(3):
        ...     _ = fake.add_job("q", job_name=f"j{i}", status="FAILED", exit_code=i,
        ...                      status_reason="Essential container in task exited")
        >>> batch = fake.batch_client()
        >>> with batch.describe_jobs(batch.list_jobs("q", status="ALL")) as details:
        ...     sorted((job.job_name, job.exit_code) for job in details)
        [('j0', 0), ('j1', 1), ('j2', 2)]
        """
        check_job_ids(job_ids)
        _check_int("max_workers", max_workers, 1, pool_size(self._client))
        ids = describe_input(job_ids)
        return JobDetails(self._client, ids, max_workers, fast=self._fast, gc_pause=self._gc_pause)

    def watch(
        self,
        job_ids: Iterable[str | HasJobId],
        *,
        until: Iterable[JobStatus | str] | None = None,
        timeout: timedelta | float | None = None,
        poll_interval: Interval | None = None,
        max_workers: int = 1,
        progress: bool = True,
        clock: Clock | None = None,
    ) -> Watch:
        """Follow jobs until each is done, as :class:`batchkit.StatusChange` events.

        Every poll describes the jobs not yet done with one DescribeJobs request per 100
        (chunks run concurrently up to ``max_workers``).  Each job is reported when first
        seen (``old`` is None) and on every status change observed after that, once and in
        order (a status passed between two polls is not reported: it was not observed);
        array parents also when their children's counts change (``progress=False`` turns
        that off).  Iteration ends when every job is done.

        Args:
            job_ids: ids, job ARNs, or anything with a ``job_id`` (summaries, details);
                duplicates are followed once.
            until: the statuses that end the watch for a job (default
                ``JobStatus.terminal()``).  A job is also done once it is terminal (it never
                changes again) or past the earliest status given (``{RUNNING}`` is
                satisfied by a job seen SUCCEEDED, or an array with a child running).
            timeout: seconds or a ``timedelta``; then :class:`batchkit.WaitTimeoutError`.
            poll_interval: a fixed interval, or ``(shortest, longest)`` (default
                ``(2, 60)`` seconds): the interval starts at the shortest, grows 1.5x per
                poll without a change, doubles after a failed poll, is jittered by +-20 %
                and never leaves the bounds.
            max_workers: DescribeJobs requests at once (up to the client's
                ``max_pool_connections``).
            progress: report array parents' child progress as events too.
            clock: where time comes from (tests: :class:`batchkit.testing.ManualClock`).

        Returns:
            A :class:`batchkit.Watch` (an iterator and context manager).

        Raises:
            InvalidParameterError: bad arguments (before any request).
            JobNotFoundError: AWS does not know some ids (raised by the iteration).
            WaitTimeoutError: ``timeout`` passed first, with every job's last details.

        Throttling: botocore retries each request (its retry mode; ``adaptive`` adds
        client-side rate limiting); a poll that still fails with throttling, a 5xx or a
        transport error doubles the interval, and after five failed polls in a row the
        error is raised.

        >>> with batch.watch(ids, until=JobStatus.terminal()) as changes:  # doctest: +SKIP
        ...     for change in changes:
        ...         print(change.job_name, change.old, "->", change.new, change.progress)
        """
        plan = plan_watch(job_ids, until, timeout, poll_interval)
        _check_int("max_workers", max_workers, 1, pool_size(self._client))
        return Watch(
            self,
            plan.ids,
            max_workers=max_workers,
            progress=bool(progress),
            clock=clock,
            **plan.options(),
        )

    def wait(
        self,
        job_ids: Iterable[str | HasJobId],
        *,
        until: Iterable[JobStatus | str] | None = None,
        timeout: timedelta | float | None = None,
        poll_interval: Interval | None = None,
        max_workers: int = 1,
        clock: Clock | None = None,
    ) -> list[JobDetail]:
        """Block until every job is done; their last details, in input order.

        The arguments are :meth:`watch`'s.  A ``timeout`` raises
        :class:`batchkit.WaitTimeoutError`, whose ``details`` hold every job's last
        description; ids AWS does not know raise :class:`batchkit.JobNotFoundError`.
        Ctrl-C stops it at once, leaving no thread behind.

        Args:
            job_ids: ids, ARNs, summaries or details.
            until: statuses that end the wait for a job (default: terminal).
            timeout: seconds or a ``timedelta``.
            poll_interval: a fixed interval or ``(shortest, longest)``.
            max_workers: DescribeJobs requests at once.
            clock: where time comes from.

        Returns:
            The jobs' last details (all done).

        Raises:
            WaitTimeoutError: the timeout passed first.
            JobNotFoundError: AWS does not know some ids.

        >>> details = batch.wait(ids, timeout=timedelta(hours=2))  # doctest: +SKIP
        >>> failed = [d for d in details if d.status == JobStatus.FAILED]  # doctest: +SKIP
        """
        with self.watch(
            job_ids,
            until=until,
            timeout=timeout,
            poll_interval=poll_interval,
            max_workers=max_workers,
            progress=False,
            clock=clock,
        ) as watch:
            return watch._drain()  # pyright: ignore[reportPrivateUsage]

    def logs(
        self,
        job: JobDetail | str,
        *,
        attempt: int | None = None,
        node: int | None = None,
        container: str | None = None,
        since: datetime | timedelta | None = None,
        limit: int | None = None,
        tail: int | None = None,
        follow: bool | FollowPolicy = False,
        page_size: int | None = None,
        starting_token: str | None = None,
    ) -> JobPager[LogEvent]:
        """A job's output from CloudWatch Logs: a lazy, resumable pager of :class:`LogEvent`.

        Nothing is requested until the first event is asked for; then the job is described
        (unless you passed its ``JobDetail``) and its stream read with ``GetLogEvents``,
        ended when the forward token repeats (CloudWatch's end of a stream).
        ``resume_token`` at the end points past the last event: a listing started from it
        later yields only what was written since.

        Args:
            job: A ``JobDetail``, job id or job ARN; an array child by its own id
                (``parent:3``).
            attempt: Index into ``job.attempts`` (negative from the end); default the
                latest attempt.
            node: A multi-node job's node (default its main node).
            container: An ECS-properties job's container name (default the first
                essential one).
            since: Only events at or after this aware time, or this long ago.
            limit: At most this many events.
            tail: Start with the last ``tail`` events (one request) instead of the first.
            follow: Keep waiting for new events until the job is terminal and no more come
                (polling with backoff; a :class:`FollowPolicy` sets the delays, clock and
                sleep).  It also waits for a job that has not started yet.
            page_size: Events per request (1..10000; default: as many as fit in 1 MB).
            starting_token: A ``resume_token`` of an earlier listing of the same stream.

        Returns:
            A :class:`JobPager` of :class:`LogEvent`.

        Raises:
            InvalidParameterError: A bad argument (before any request).
            LogDriverError: The job logs with another driver than ``awslogs`` (on
                iteration; the message says where its output is).
            EksJobLogsError: An EKS job (its logs are the pod's).
            LogStreamNotFoundError: The stream does not exist (yet, or anymore).
            LogsUnavailableError: An array parent (its children have the logs).

        >>> from batchkit.testing import FakeAWS
        >>> fake = FakeAWS()
        >>> job = fake.add_job("q", status="FAILED", exit_code=137)
        >>> lines = fake.batch_client().logs(job.job_id, tail=2).to_list()
        >>> len(lines), lines[0].group
        (2, '/aws/batch/job')
        """
        from batchkit._core.logs import open_logs

        return open_logs(
            self,
            job,
            attempt=attempt,
            node=node,
            container=container,
            since=since,
            limit=limit,
            tail=tail,
            follow=follow,
            page_size=page_size,
            starting_token=starting_token,
        )

    def why(self, job: JobDetail | str, *, lines: int = 20) -> FailureReport:
        """Why a job failed: a :class:`FailureReport` of its status, every attempt, the last
        ``lines`` lines of the failing attempt's log and a classification to branch on.

        For an array or multi-node parent the report is about its first failed child (or
        node).  Logs that cannot be read (another log driver, an expired stream, no
        permission) do not fail the report: ``report.logs_error`` says why they are missing.

        Args:
            job: A ``JobDetail``, job id or job ARN.
            lines: How many of the last log lines to include (0..10000).

        Returns:
            A :class:`FailureReport`; ``print()`` it in a terminal, show it in a notebook.

        Raises:
            JobNotFoundError: No such job.

        >>> from batchkit.testing import FakeAWS
        >>> fake = FakeAWS()
        >>> job = fake.add_job("q", status="FAILED", exit_code=137,
        ...                    status_reason="OutOfMemoryError: Container killed")
        >>> fake.batch_client().why(job.job_id).kind
        FailureKind.OUT_OF_MEMORY
        """
        from batchkit._core.report import build_report

        return build_report(self, job, lines=lines)

    def describe_job(self, job_id: str) -> JobDetail:
        """Describe one job.

        Args:
            job_id: the job's id or ARN.

        Returns:
            The job's ``JobDetail`` (the job asked for, whatever else AWS sent).

        Raises:
            InvalidParameterError: ``job_id`` is not a non-blank string.
            JobNotFoundError: AWS did not return that job.
            BatchKitError: the request failed (AWS error, transport, body).
        """
        wanted = require_text("job_id", job_id)
        with self.describe_jobs([wanted]) as details:
            for job in details:
                if wanted in (job.job_id, job.job_arn):
                    return job
        raise JobNotFoundError([wanted])


_JOB_ARN = re.compile(r"arn:[a-z0-9-]+:batch:[a-z0-9-]+:[0-9]{12}:job/(?P<id>.+)")


def _id_key(job_id: str) -> str:
    """The job id behind an id or a job ARN (so both name the same job once)."""
    match = _JOB_ARN.fullmatch(job_id)
    return match["id"] if match else job_id


class HasJobId(Protocol):
    """Anything with a ``job_id``: ``JobSummary``, ``JobDetail``, ``ServiceJobSummary``."""

    @property
    def job_id(self) -> str: ...


def _job_id_of(item: object) -> str:
    if not isinstance(item, str):
        job_id = getattr(item, "job_id", None)
        if isinstance(job_id, str):
            return require_text("job_ids item", job_id)
        if item is not None and not hasattr(item, "job_id"):
            raise InvalidParameterError(
                f"job_ids item: expected a job id, a job ARN or a job summary, got "
                f"{type(item).__name__}"
            )
    return require_text("job_ids item", item)


def _unique_ids(job_ids: Iterable[object]) -> Iterator[str]:
    """The ids (or ARNs) as given, each job once, in first-occurrence order -- lazily."""
    seen: set[str] = set()
    for item in job_ids:
        job_id = _job_id_of(item)
        key = _id_key(job_id)
        if key not in seen:
            seen.add(key)
            yield job_id


class JobDetails(Results["JobDetail"]):
    """The lazy result of :meth:`BatchClient.describe_jobs`: an iterator of ``JobDetail``.

    A context manager: leaving the block (or :meth:`close`, or dropping out of a ``for``
    loop of a generator that owns it) cancels requests not yet started and waits for the
    running ones, so no thread outlives it.
    """

    def __init__(
        self,
        client: Boto3BatchClient,
        ids: Iterable[str],
        max_workers: int,
        *,
        fast: bool = True,
        gc_pause: bool = True,
    ) -> None:
        self._source: PageSource[JobDetail] = PageSource(
            client, DESCRIBE_JOBS, {}, fast=fast, gc_pause=gc_pause
        )
        self._ids = iter(ids)
        self._max_workers = max_workers
        self._missing: list[str] = []
        self._failed_ids: list[str] = []
        self._yielded: set[str] = set()
        self._pool: ThreadPoolExecutor | None = None
        self._window: deque[tuple[list[str], Future[list[JobDetail] | BatchKitError]]] = deque()
        self._iterator: Iterator[JobDetail] = self._run()
        self._model = item_model(DESCRIBE_JOBS)

    @property
    def missing_ids(self) -> tuple[str, ...]:
        """Requested ids AWS did not return (so far)."""
        return tuple(self._missing)

    @property
    def undescribed_ids(self) -> tuple[str, ...]:
        """Requested ids whose request failed so far (see ``BatchKitError.undescribed_ids``)."""
        return tuple(self._failed_ids)

    def __iter__(self) -> JobDetails:
        return self

    def __next__(self) -> JobDetail:
        return next(self._iterator)

    def close(self) -> None:
        """Stop: cancel queued requests, wait for running ones, end iteration."""
        self._iterator.close()  # type: ignore[attr-defined]
        self._shutdown()

    def _describe(self, chunk: list[str]) -> list[JobDetail]:
        page: RawPage[JobDetail] = self._source.call({DESCRIBE_JOBS.id_key or "jobs": chunk})
        return order_described(chunk, page.items)

    def _attempt(self, chunk: list[str]) -> list[JobDetail] | BatchKitError:
        try:
            return self._describe(chunk)
        except BatchKitError as error:
            return error

    def _chunks(self) -> Iterator[list[str]]:
        """The input, 100 ids at a time, read only when the next request is due."""
        size = DESCRIBE_JOBS.page_size_max
        while True:
            chunk = list(islice(self._ids, size))
            if not chunk:
                return
            yield chunk

    def _run(self) -> Iterator[JobDetail]:
        chunks = self._chunks()
        try:
            first = next(chunks, None)
            if first is None:
                return
            if self._max_workers == 1:
                yield from self._emit(self._sequential(chain([first], chunks)))
            else:
                self._pool = ThreadPoolExecutor(self._max_workers, thread_name_prefix="batchkit")
                yield from self._emit(self._ordered(self._pool, chain([first], chunks)))
        finally:
            self._shutdown()

    def _sequential(
        self, chunks: Iterator[list[str]]
    ) -> Iterator[tuple[list[str], list[JobDetail] | BatchKitError]]:
        for chunk in chunks:
            try:
                outcome = self._attempt(chunk)
            except BaseException:
                # Ctrl-C: the chunk under way is undescribed (the rest of the input is
                # not read).
                self._failed_ids.extend(chunk)
                raise
            yield chunk, outcome

    def _shutdown(self) -> None:
        for _chunk, future in self._window:
            future.cancel()
        self._window.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _ordered(
        self, pool: ThreadPoolExecutor, pending: Iterator[list[str]]
    ) -> Iterator[tuple[list[str], list[JobDetail] | BatchKitError]]:
        # Keep at most 2 * max_workers requests in flight: memory stays bounded, and the
        # input is read no further ahead than that.  A failure reading the input (a pager's
        # error) comes after the details of every chunk already sent.
        window = self._window
        input_error: BaseException | None = None
        while True:
            try:
                chunk = next(pending, None)
            except Exception as error:  # Ctrl-C is not deferred
                input_error = error
                break
            if chunk is None:
                break
            window.append((chunk, pool.submit(self._attempt, chunk)))
            if len(window) >= 2 * self._max_workers:
                done_chunk, future = window.popleft()
                yield done_chunk, future.result()
        while window:
            done_chunk, future = window.popleft()
            yield done_chunk, future.result()
        if input_error is not None:
            raise input_error

    def _emit(
        self, results: Iterable[tuple[list[str], list[JobDetail] | BatchKitError]]
    ) -> Iterator[JobDetail]:
        """Yield every chunk that succeeded; then raise the first failure, naming every
        id that could not be described."""
        first_error: BatchKitError | None = None
        for chunk, outcome in results:
            if isinstance(outcome, BatchKitError):
                first_error = first_error or outcome
                self._failed_ids.extend(chunk)
                log.debug("DescribeJobs: %d ids failed (%s)", len(chunk), type(outcome).__name__)
                continue
            yield from new_described(chunk, outcome, self._missing, self._yielded)
        if first_error is not None:
            raise describe_failure(first_error, self._failed_ids)


_ACCOUNT_ID = re.compile(r"[0-9]{12}")


class S3BatchOperationsClient:
    """Typed, lazy reads of S3 Batch Operations jobs (S3 Control ``ListJobs``).

    ``account_id`` is the 12-digit account that owns the jobs; it becomes part of the
    S3 Control host name, so anything else is rejected before a request is built (and it
    cannot be changed afterwards).
    """

    def __init__(
        self,
        account_id: str,
        client: Boto3S3ControlClient | None = None,
        *,
        session: boto3.Session | None = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        config: Config | None = None,
        fast_path: bool = True,
        gc_pause: bool = True,
    ) -> None:
        self._account_id = check_account_id(account_id)
        self._client: Boto3S3ControlClient = _boto3_client(
            "s3control", client, session, region_name, endpoint_url, config
        )
        self._fast = bool(fast_path)
        self._gc_pause = bool(gc_pause)
        _fastpath.install(self._client)

    @property
    def account_id(self) -> str:
        """The account whose jobs are listed (read-only: it is part of the host name)."""
        return self._account_id

    @property
    def client(self) -> Boto3S3ControlClient:
        """The underlying boto3 client."""
        return self._client

    def __repr__(self) -> str:
        return (
            f"S3BatchOperationsClient(account_id={self._account_id!r}, "
            f"region_name={self._client.meta.region_name!r})"
        )

    def list_jobs(
        self,
        statuses: Iterable[S3JobStatus | str] | None = None,
        *,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> JobPager[S3BatchJob]:
        """Current jobs and jobs that ended in the last 30 days, optionally by status.

        Args:
            statuses: S3 job statuses (members or their values/names); None for every one.
            page_size: jobs per request (1..1000).
            max_items: stop after this many jobs.
            starting_token: a ``resume_token`` or ``next_token`` to continue from.

        Returns:
            A lazy :class:`~batchkit.JobPager` of ``S3BatchJob``.

        Raises:
            InvalidParameterError: bad arguments or a forged token (before any request).
            BatchKitError: while iterating, any failure, with ``resume_token`` set.
        """
        spec = plan_s3_list_jobs(
            self._account_id,
            statuses,
            page_size=page_size,
            max_items=max_items,
            starting_token=starting_token,
        )
        return _pager(self._client, spec, fast=self._fast, gc_pause=self._gc_pause)
