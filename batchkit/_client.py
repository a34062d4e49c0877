"""The public clients: :class:`BatchClient` and :class:`S3BatchOperationsClient`.

They are thin on purpose.  boto3 does the signing, endpoints, retries (botocore's
``standard`` retry mode unless you pass another ``config``) and HTTP; batchkit validates
your arguments before any request, plans filters, and hands out typed, lazy iterators.

>>> from batchkit import BatchClient, JobFilter
>>> batch = BatchClient(region_name="us-east-1")               # doctest: +SKIP
>>> for job in batch.list_jobs("my-queue", filter=JobFilter.job_name("train-*")):
...     print(job.job_name, job.status)                         # doctest: +SKIP
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, cast

from botocore.config import Config

from batchkit import _fastpath
from batchkit._errors import (
    BatchKitError,
    InvalidParameterError,
    JobNotFoundError,
    require_text,
)
from batchkit._filters import JobFilter, plan_listing
from batchkit._operation import Operation
from batchkit._operations import DESCRIBE_JOBS, LIST_JOBS, LIST_SERVICE_JOBS, S3_LIST_JOBS
from batchkit._pager import JobPager, decode_token
from batchkit._pages import PageSource, RawPage, item_model

if TYPE_CHECKING:
    import boto3
    import pandas as pd
    from mypy_boto3_batch.client import BatchClient as Boto3BatchClient
    from mypy_boto3_s3control.client import S3ControlClient as Boto3S3ControlClient

    from batchkit._model_base import BatchKitModel, OpenEnum
    from batchkit.models import (
        JobDetail,
        JobStatus,
        JobSummary,
        S3BatchJob,
        S3JobStatus,
        ServiceJobStatus,
        ServiceJobSummary,
    )

__all__ = ["BatchClient", "JobDetails", "S3BatchOperationsClient"]

log = logging.getLogger("batchkit")

M = TypeVar("M", bound="BatchKitModel")
E = TypeVar("E", bound="OpenEnum")


def _models() -> ModuleType:
    """``batchkit.models``, imported on first use: importing it builds ~90 pydantic classes,
    which `import batchkit` (and a CLI's start-up) should not pay for."""
    import batchkit.models

    return batchkit.models


_DEFAULT_CONFIG = Config(retries={"mode": "standard"}, user_agent_extra="batchkit/0.1.0")


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
            merged = merged.merge(Config(retries=cast(Any, {"mode": "standard", **retries})))
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


def _pager(client: Any, spec: ListingSpec, *, fast: bool) -> JobPager[Any]:
    """A pager over one listing, or over several sub-listings one after the other."""
    return JobPager(
        [PageSource(client, spec.operation, request, fast=fast) for request in spec.requests],
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
    """Check ``list_jobs``' arguments and plan the listing."""
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
    status_value = (
        None if status is None else _check_enum("status", status, _models().JobStatus).value
    )
    return _plan_listing(
        LIST_JOBS,
        given,
        status_value,
        job_filter,
        children="jobQueue" not in given,
        page_size=page_size,
        max_items=max_items,
        starting_token=starting_token,
    )


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
    status_value = (
        None if status is None else _check_enum("status", status, _models().ServiceJobStatus).value
    )
    return _plan_listing(
        LIST_SERVICE_JOBS,
        params,
        status_value,
        job_filter,
        children=False,
        page_size=page_size,
        max_items=max_items,
        starting_token=starting_token,
    )


def _plan_listing(
    operation: Operation,
    params: dict[str, Any],
    status: str | None,
    job_filter: object,
    *,
    children: bool,
    page_size: int | None,
    max_items: int | None,
    starting_token: str | None,
) -> ListingSpec:
    if job_filter is not None and not isinstance(job_filter, JobFilter):
        raise InvalidParameterError(
            f"filter: expected a JobFilter, got {type(job_filter).__name__}"
        )
    plan = plan_listing(job_filter, operation.name, status=status, children=children)  # type: ignore[arg-type]
    request = dict(params)
    if plan.server_filter is not None:
        request["filters"] = [plan.server_filter]
    if status is not None and plan.send_status:
        request["jobStatus"] = status
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
        dedupe=_job_id if len(requests) > 1 else None,
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


def check_describe(client: Any, job_ids: object, name: str, concurrency: object) -> list[str]:
    """Check ``describe_jobs``' arguments: the unique ids, in first-occurrence order.

    ``concurrency`` (``max_workers``, ``max_concurrency``) is at most the client's
    ``max_pool_connections``: more requests at once would only queue for a connection.
    """
    if isinstance(job_ids, (str, bytes)) or not isinstance(job_ids, Iterable):
        raise InvalidParameterError(
            "job_ids: expected an iterable of job id strings (for one id use describe_job)"
        )
    ids = _unique_ids(cast(Iterable[str], job_ids))
    pool = int(getattr(client.meta.config, "max_pool_connections", None) or 10)
    _check_int(name, concurrency, 1, pool)
    return ids


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


def chunks_of(ids: list[str]) -> list[list[str]]:
    """The ids in DescribeJobs-sized requests."""
    size = DESCRIBE_JOBS.page_size_max
    return [ids[i : i + size] for i in range(0, len(ids), size)]


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
    ``config=`` (merged over batchkit's default: botocore's ``standard`` retry mode).
    ``fast_path=False`` lets botocore parse every response (batchkit then validates its
    dicts): slower, but your own ``before-parse``/``after-call`` handlers see full
    responses.  One instance is safe to share between threads (pagers are not).
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
    ) -> None:
        self._client: Boto3BatchClient = _boto3_client(
            "batch", client, session, region_name, endpoint_url, config
        )
        self._fast = bool(fast_path)
        _fastpath.install(self._client)

    @property
    def client(self) -> Boto3BatchClient:
        """The underlying boto3 client."""
        return self._client

    def __repr__(self) -> str:
        return f"BatchClient(region_name={self._client.meta.region_name!r})"

    def list_jobs(
        self,
        job_queue: str | None = None,
        *,
        array_job_id: str | None = None,
        multi_node_job_id: str | None = None,
        status: JobStatus | str | None = None,
        filter: JobFilter | None = None,  # the name users expect, shadowing the builtin
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> JobPager[JobSummary]:
        """List jobs of a queue, or the children of an array or multi-node job.

        Give exactly one of ``job_queue``, ``array_job_id``, ``multi_node_job_id``.
        Without ``status`` and ``filter`` AWS lists RUNNING jobs only.  With a ``filter``
        every status is listed (AWS ignores ``status`` then; batchkit applies it
        client-side; for array and multi-node children, where AWS applies no filter,
        batchkit lists each status in turn).
        """
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
        return _pager(self._client, spec, fast=self._fast)

    def list_service_jobs(
        self,
        job_queue: str,
        *,
        status: ServiceJobStatus | str | None = None,
        filter: JobFilter | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> JobPager[ServiceJobSummary]:
        """List service jobs (e.g. SageMaker training) of a queue.

        ``JobFilter.share_identifier`` and ``quota_share_name`` are sent to AWS together
        with ``status``; other filters make batchkit apply ``status`` client-side.
        """
        spec = plan_list_service_jobs(
            job_queue,
            status=status,
            job_filter=filter,
            page_size=page_size,
            max_items=max_items,
            starting_token=starting_token,
        )
        return _pager(self._client, spec, fast=self._fast)

    def describe_jobs(self, job_ids: Iterable[str], *, max_workers: int = 1) -> JobDetails:
        """Describe jobs by id or ARN, 100 a request, lazily.

        Duplicates are dropped (an id and its ARN are the same job); an empty input makes
        no request.  Jobs are yielded in the order of their first occurrence in
        ``job_ids``; ids AWS does not return are skipped and listed in
        :attr:`JobDetails.missing_ids` (complete once iteration ends).  With
        ``max_workers > 1`` up to that many requests run at once (order is unchanged; at
        most the client's ``max_pool_connections``).  Use the result as a context manager
        (or call ``close()``) to stop early: queued requests are cancelled.
        """
        ids = check_describe(self._client, job_ids, "max_workers", max_workers)
        return JobDetails(self._client, ids, max_workers, fast=self._fast)

    def describe_job(self, job_id: str) -> JobDetail:
        """Describe one job (by id or ARN); raises :class:`batchkit.JobNotFoundError` if AWS
        does not return that job."""
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


def _unique_ids(job_ids: Iterable[str]) -> list[str]:
    """The ids (or ARNs) as given, each job once, in first-occurrence order."""
    unique: dict[str, str] = {}
    for job_id in job_ids:
        unique.setdefault(_id_key(require_text("job_ids item", job_id)), job_id)
    return list(unique.values())


class JobDetails(Iterator["JobDetail"]):
    """The lazy result of :meth:`BatchClient.describe_jobs`: an iterator of ``JobDetail``.

    A context manager: leaving the block (or :meth:`close`, or dropping out of a ``for``
    loop of a generator that owns it) cancels requests not yet started and waits for the
    running ones, so no thread outlives it.
    """

    def __init__(
        self, client: Boto3BatchClient, ids: list[str], max_workers: int, *, fast: bool = True
    ) -> None:
        self._source: PageSource[JobDetail] = PageSource(client, DESCRIBE_JOBS, {}, fast=fast)
        self._ids = ids
        self._max_workers = max_workers
        self._missing: list[str] = []
        self._failed_ids: list[str] = []
        self._yielded: set[str] = set()
        self._pool: ThreadPoolExecutor | None = None
        self._window: deque[tuple[list[str], Future[list[JobDetail] | BatchKitError]]] = deque()
        self._iterator: Iterator[JobDetail] = self._run()

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

    def __enter__(self) -> JobDetails:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop: cancel queued requests, wait for running ones, end iteration."""
        self._iterator.close()  # type: ignore[attr-defined]
        self._shutdown()

    def first(self) -> JobDetail | None:
        """The next job, or None."""
        return next(self, None)

    def take(self, n: int) -> list[JobDetail]:
        """The next ``n`` jobs (fewer if the input ends first)."""
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise InvalidParameterError(f"take: n must be an int >= 0, got {n!r}")
        out: list[JobDetail] = []
        for job in self:
            out.append(job)
            if len(out) >= n:
                break
        return out

    def to_list(self) -> list[JobDetail]:
        """Every remaining job."""
        return list(self)

    def to_pandas(self, *, progress: bool = False) -> pd.DataFrame:
        """The remaining jobs as a DataFrame of flat columns (needs ``batchkit[pandas]``)."""
        from batchkit._display import to_pandas

        return to_pandas(self, model=item_model(DESCRIBE_JOBS), progress=progress)

    def _describe(self, chunk: list[str]) -> list[JobDetail]:
        page: RawPage[JobDetail] = self._source.call({DESCRIBE_JOBS.id_key or "jobs": chunk})
        return order_described(chunk, page.items)

    def _attempt(self, chunk: list[str]) -> list[JobDetail] | BatchKitError:
        try:
            return self._describe(chunk)
        except BatchKitError as error:
            return error

    def _run(self) -> Iterator[JobDetail]:
        chunks = chunks_of(self._ids)
        try:
            if self._max_workers == 1 or len(chunks) <= 1:
                yield from self._emit(self._sequential(chunks))
            else:
                self._pool = ThreadPoolExecutor(self._max_workers, thread_name_prefix="batchkit")
                yield from self._emit(self._ordered(self._pool, iter(chunks)))
        finally:
            self._shutdown()

    def _sequential(
        self, chunks: list[list[str]]
    ) -> Iterator[tuple[list[str], list[JobDetail] | BatchKitError]]:
        for index, chunk in enumerate(chunks):
            try:
                outcome = self._attempt(chunk)
            except BaseException:
                # Ctrl-C: every chunk not yet yielded is undescribed.
                self._failed_ids.extend(i for c in chunks[index:] for i in c)
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
        # Keep at most 2 * max_workers requests in flight: memory stays bounded.
        window = self._window
        for chunk in pending:
            window.append((chunk, pool.submit(self._attempt, chunk)))
            if len(window) >= 2 * self._max_workers:
                done_chunk, future = window.popleft()
                yield done_chunk, future.result()
        while window:
            done_chunk, future = window.popleft()
            yield done_chunk, future.result()

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
    ) -> None:
        self._account_id = check_account_id(account_id)
        self._client: Boto3S3ControlClient = _boto3_client(
            "s3control", client, session, region_name, endpoint_url, config
        )
        self._fast = bool(fast_path)
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
        """Current jobs and jobs that ended in the last 30 days, optionally by status."""
        spec = plan_s3_list_jobs(
            self._account_id,
            statuses,
            page_size=page_size,
            max_items=max_items,
            starting_token=starting_token,
        )
        return _pager(self._client, spec, fast=self._fast)
