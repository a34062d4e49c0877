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
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar, cast

from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.paginate import Paginator, TokenDecoder
from botocore.parsers import ResponseParserError

from batchkit import _fastpath
from batchkit._errors import (
    BatchKitError,
    InvalidParameterError,
    JobNotFoundError,
    ResponseValidationError,
    from_client_error,
    require_text,
)
from batchkit._filters import JobFilter, plan_listing
from batchkit._pager import JobPager
from batchkit._version import __version__

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

__all__ = ["BatchClient", "S3BatchOperationsClient"]

log = logging.getLogger("batchkit")

M = TypeVar("M", bound="BatchKitModel")
E = TypeVar("E", bound="OpenEnum")


def _models() -> ModuleType:
    """``batchkit.models``, imported on first use: importing it builds ~90 pydantic classes,
    which `import batchkit` (and a CLI's start-up) should not pay for."""
    import batchkit.models

    return batchkit.models


#: DescribeJobs takes at most this many ids a call.
DESCRIBE_CHUNK = 100

_DEFAULT_CONFIG = Config(retries={"mode": "standard"}, user_agent_extra=f"batchkit/{__version__}")

#: botocore has no paginator for S3 Control ListJobs; this is the one it would have.
_S3_LIST_JOBS_PAGINATION = {
    "input_token": "NextToken",
    "output_token": "NextToken",
    "limit_key": "MaxResults",
    "result_key": "Jobs",
}


def _boto3_client(
    service: str,
    client: Any,
    session: boto3.Session | None,
    region_name: str | None,
    endpoint_url: str | None,
    config: Config | None,
) -> Any:
    if client is not None:
        if any(v is not None for v in (session, region_name, endpoint_url, config)):
            raise InvalidParameterError(
                "client: pass either a boto3 client or session/region_name/endpoint_url/config, "
                "not both (configure the client you pass instead)"
            )
        if getattr(getattr(client, "meta", None), "service_model", None) is None:
            raise InvalidParameterError(
                f"client: expected a boto3 {service} client, got {client!r}"
            )
        actual = client.meta.service_model.service_name
        if actual != service:
            raise InvalidParameterError(
                f"client: expected a boto3 {service} client, got {actual!r}"
            )
        return client
    import boto3  # deferred: `import batchkit` should not pay for boto3 (and s3transfer)

    if session is not None and not isinstance(session, boto3.Session):
        raise InvalidParameterError(
            f"session: expected a boto3.Session, got {type(session).__name__}"
        )
    merged = _DEFAULT_CONFIG
    if config is not None:
        merged = merged.merge(config)
        retries: Any = getattr(config, "retries", None)  # not in botocore-stubs' Config
        if retries:  # merge() replaces the whole retries dict: keep our default mode
            merged = merged.merge(Config(retries=cast(Any, {"mode": "standard", **retries})))
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
        member = enum(value)
        if member.is_known:
            return member
    allowed = ", ".join(m.value for m in enum)
    raise InvalidParameterError(
        f"{name}: unknown value {value!r}; allowed: {allowed} "
        f"(for a value newer than this batchkit, pass {enum.__name__}({value!r}))"
    )


def _check_token(value: object, token_key: str) -> str | None:
    if value is None:
        return None
    require_text("starting_token", value)
    assert isinstance(value, str)
    try:
        decoded = TokenDecoder().decode(value)
    except Exception as error:
        raise InvalidParameterError(
            "starting_token: not a token from this operation (use a pager's resume_token or "
            "a page's next_token)"
        ) from error
    if not isinstance(decoded, dict) or not set(decoded) <= {token_key, "boto_truncate_amount"}:
        raise InvalidParameterError(
            "starting_token: a token from a different operation (expected one holding "
            f"{token_key!r})"
        )
    return value


def _converter(model: type[M], operation: str) -> Callable[[Mapping[str, Any]], M]:
    """The slow path: validate botocore's parsed dicts (S3 Control, or plain Stubber tests)."""
    from pydantic import ValidationError

    def convert(raw: Mapping[str, Any]) -> M:
        try:
            return model.model_validate(raw)
        except ValidationError as error:
            problems = _fastpath.describe_errors(error)
            raise ResponseValidationError(
                f"{operation}: the response does not match the {model.__name__} shape: {problems}"
            ) from error

    return convert


class BatchClient:
    """Typed, lazy reads of AWS Batch jobs.

    ``BatchClient()`` uses boto3's default session (credentials, region); or pass
    ``client=boto3.client("batch")``, or ``session=``/``region_name=``/``endpoint_url=``/
    ``config=`` (merged over batchkit's default: botocore's ``standard`` retry mode).
    One instance is safe to share between threads.
    """

    def __init__(
        self,
        client: Boto3BatchClient | None = None,
        *,
        session: boto3.Session | None = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        config: Config | None = None,
    ) -> None:
        self._client: Boto3BatchClient = _boto3_client(
            "batch", client, session, region_name, endpoint_url, config
        )
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
        AWS would ignore ``status``; batchkit then applies it client-side instead.
        """
        sources = {
            "jobQueue": ("job_queue", job_queue),
            "arrayJobId": ("array_job_id", array_job_id),
            "multiNodeJobId": ("multi_node_job_id", multi_node_job_id),
        }
        given = {
            wire: require_text(name, v) for wire, (name, v) in sources.items() if v is not None
        }
        if len(given) != 1:
            raise InvalidParameterError(
                "list_jobs: give exactly one of job_queue, array_job_id, multi_node_job_id"
            )
        status_value = (
            None if status is None else _check_enum("status", status, _models().JobStatus).value
        )
        return self._listing(
            "ListJobs",
            _models().JobSummary,
            given,
            status_value,
            filter,
            children="jobQueue" not in given,
            page_size=page_size,
            max_items=max_items,
            starting_token=starting_token,
        )

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
        params = {"jobQueue": require_text("job_queue", job_queue)}
        status_value = (
            None
            if status is None
            else _check_enum("status", status, _models().ServiceJobStatus).value
        )
        return self._listing(
            "ListServiceJobs",
            _models().ServiceJobSummary,
            params,
            status_value,
            filter,
            children=False,
            page_size=page_size,
            max_items=max_items,
            starting_token=starting_token,
        )

    def _listing(
        self,
        operation: str,
        model: type[M],
        params: dict[str, Any],
        status: str | None,
        job_filter: JobFilter | None,
        *,
        children: bool,
        page_size: int | None,
        max_items: int | None,
        starting_token: str | None,
    ) -> JobPager[M]:
        if job_filter is not None and not isinstance(job_filter, JobFilter):
            raise InvalidParameterError(
                f"filter: expected a JobFilter, got {type(job_filter).__name__}"
            )
        plan = plan_listing(job_filter, operation, status=status, children=children)  # type: ignore[arg-type]
        request = dict(params)
        if plan.server_filter is not None:
            request["filters"] = [plan.server_filter]
        if status is not None and plan.send_status:
            request["jobStatus"] = status
        if page_size is not None:
            limit = (
                100 if plan.server_filter is not None or operation == "ListServiceJobs" else 1000
            )
            _check_int("page_size", page_size, 1, limit)
        if max_items is not None:
            _check_int("max_items", max_items, 1, 2**63)
        paginator: Any = self._client.get_paginator(
            "list_jobs" if operation == "ListJobs" else "list_service_jobs"
        )

        def paginate(config: dict[str, Any]) -> Iterable[Mapping[str, Any]]:
            return _fastpath.typed_pages(paginator.paginate(**request, PaginationConfig=config))

        return JobPager(
            operation=operation,
            paginate=paginate,
            token_key="nextToken",
            result_key="jobSummaryList",
            convert=_converter(model, operation),
            keep=plan.keep,
            stop=plan.stop,
            starting_token=_check_token(starting_token, "nextToken"),
            page_size=page_size,
            max_items=max_items,
        )

    def describe_jobs(self, job_ids: Iterable[str], *, max_workers: int = 1) -> JobDetails:
        """Describe jobs by id, 100 ids a request, lazily.

        Duplicates are dropped; an empty input makes no request.  Jobs are yielded in the
        order of their first occurrence in ``job_ids``; ids AWS does not return are skipped
        and listed in :attr:`JobDetails.missing_ids` (complete once iteration ends).  With
        ``max_workers > 1`` up to that many requests run at once (order is unchanged).
        """
        if isinstance(job_ids, (str, bytes)) or not isinstance(job_ids, Iterable):
            raise InvalidParameterError(
                "job_ids: expected an iterable of job id strings (for one id use describe_job)"
            )
        ids = list(dict.fromkeys(require_text("job_ids item", j) for j in job_ids))
        _check_int("max_workers", max_workers, 1, 64)
        return JobDetails(self._client, ids, max_workers)

    def describe_job(self, job_id: str) -> JobDetail:
        """Describe one job; raises :class:`batchkit.JobNotFoundError` if AWS does not know it."""
        details = self.describe_jobs([require_text("job_id", job_id)])
        for job in details:
            return job
        raise JobNotFoundError(details.missing_ids)


class JobDetails(Iterator["JobDetail"]):
    """The lazy result of :meth:`BatchClient.describe_jobs`."""

    def __init__(self, client: Boto3BatchClient, ids: list[str], max_workers: int) -> None:
        self._client = client
        self._ids = ids
        self._max_workers = max_workers
        self._missing: list[str] = []
        self._failed_ids: list[str] = []
        self._convert = _converter(_models().JobDetail, "DescribeJobs")
        self._iterator: Iterator[JobDetail] = self._run()

    @property
    def missing_ids(self) -> tuple[str, ...]:
        """Requested ids AWS did not return (so far)."""
        return tuple(self._missing)

    def __iter__(self) -> JobDetails:
        return self

    def __next__(self) -> JobDetail:
        return next(self._iterator)

    def to_pandas(self, *, progress: bool = False) -> pd.DataFrame:
        """The remaining jobs as a DataFrame of flat columns (needs ``batchkit[pandas]``)."""
        from batchkit._display import to_pandas

        return to_pandas(self, progress=progress)

    @property
    def undescribed_ids(self) -> tuple[str, ...]:
        """Requested ids whose request failed so far (see ``BatchKitError.undescribed_ids``)."""
        return tuple(self._failed_ids)

    def _describe(self, chunk: list[str]) -> list[JobDetail]:
        try:
            with _fastpath.typed_responses():
                response: Any = self._client.describe_jobs(jobs=chunk)
        except ClientError as error:
            raise from_client_error(error, "DescribeJobs") from error
        except ResponseParserError as error:
            raise ResponseValidationError(f"DescribeJobs: unreadable response: {error}") from error
        jobs: list[JobDetail] = list(response.get(_fastpath.TYPED_ITEMS, ())) or [
            self._convert(raw) for raw in response.get("jobs") or []
        ]
        # AWS answers in no particular order; ids may also be given as job ARNs.
        by_key = {job.job_id: job for job in jobs} | {j.job_arn: j for j in jobs if j.job_arn}
        ordered = [by_key[i] for i in chunk if i in by_key]
        placed = {id(job) for job in ordered}
        return ordered + [job for job in jobs if id(job) not in placed]

    def _attempt(self, chunk: list[str]) -> list[JobDetail] | BatchKitError:
        try:
            return self._describe(chunk)
        except BatchKitError as error:
            return error

    def _run(self) -> Iterator[JobDetail]:
        chunks = [
            self._ids[i : i + DESCRIBE_CHUNK] for i in range(0, len(self._ids), DESCRIBE_CHUNK)
        ]
        if self._max_workers == 1 or len(chunks) <= 1:
            yield from self._emit((chunk, self._attempt(chunk)) for chunk in chunks)
            return
        with ThreadPoolExecutor(self._max_workers, thread_name_prefix="batchkit") as pool:
            window: deque[tuple[list[str], Future[list[JobDetail] | BatchKitError]]] = deque()
            try:
                yield from self._emit(self._ordered(pool, window, iter(chunks)))
            finally:
                for _chunk, future in window:
                    future.cancel()

    def _ordered(
        self,
        pool: ThreadPoolExecutor,
        window: deque[tuple[list[str], Future[list[JobDetail] | BatchKitError]]],
        pending: Iterator[list[str]],
    ) -> Iterator[tuple[list[str], list[JobDetail] | BatchKitError]]:
        # Keep at most 2 * max_workers requests in flight: memory stays bounded.
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
            returned = {job.job_id for job in outcome} | {job.job_arn for job in outcome}
            self._missing.extend(i for i in chunk if i not in returned)
            log.debug("DescribeJobs: %d ids, %d jobs", len(chunk), len(outcome))
            yield from outcome
        if first_error is not None:
            first_error.undescribed_ids = tuple(self._failed_ids)
            first_error.args = (
                f"{first_error}; {len(self._failed_ids)} job id(s) not described "
                f"(see .undescribed_ids): {', '.join(self._failed_ids[:5])}"
                + (", ..." if len(self._failed_ids) > 5 else ""),
            )
            raise first_error


_ACCOUNT_ID = re.compile(r"[0-9]{12}")


class S3BatchOperationsClient:
    """Typed, lazy reads of S3 Batch Operations jobs (S3 Control ``ListJobs``).

    ``account_id`` is the 12-digit account that owns the jobs; it becomes part of the
    S3 Control host name, so anything else is rejected before a request is built.
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
    ) -> None:
        if not isinstance(account_id, str) or not _ACCOUNT_ID.fullmatch(account_id):
            raise InvalidParameterError(f"account_id: expected 12 ASCII digits, got {account_id!r}")
        self.account_id = account_id
        self._client: Boto3S3ControlClient = _boto3_client(
            "s3control", client, session, region_name, endpoint_url, config
        )

    @property
    def client(self) -> Boto3S3ControlClient:
        """The underlying boto3 client."""
        return self._client

    def __repr__(self) -> str:
        return (
            f"S3BatchOperationsClient(account_id={self.account_id!r}, "
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
        request: dict[str, Any] = {"AccountId": self.account_id}
        if statuses is not None:
            if isinstance(statuses, str) or not isinstance(statuses, Iterable):
                raise InvalidParameterError(
                    "statuses: expected an iterable of S3JobStatus (e.g. [S3JobStatus.ACTIVE])"
                )
            values = list(
                dict.fromkeys(
                    _check_enum("statuses", s, _models().S3JobStatus).value for s in statuses
                )
            )
            if not values:
                raise InvalidParameterError("statuses: empty; pass None for every status")
            request["JobStatuses"] = values
        if page_size is not None:
            _check_int("page_size", page_size, 1, 1000)
        if max_items is not None:
            _check_int("max_items", max_items, 1, 2**63)
        paginator: Any = Paginator(
            cast(Any, self._client.list_jobs),
            _S3_LIST_JOBS_PAGINATION,
            self._client.meta.service_model.operation_model("ListJobs"),
        )

        def paginate(config: dict[str, Any]) -> Iterable[Mapping[str, Any]]:
            return paginator.paginate(**request, PaginationConfig=config)  # type: ignore[no-any-return]

        return JobPager(
            operation="S3Control.ListJobs",
            paginate=paginate,
            token_key="NextToken",
            result_key="Jobs",
            convert=_converter(_models().S3BatchJob, "S3Control.ListJobs"),
            starting_token=_check_token(starting_token, "NextToken"),
            page_size=page_size,
            max_items=max_items,
        )
