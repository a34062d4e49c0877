"""The async clients: :class:`AsyncBatchClient` and :class:`AsyncS3BatchOperationsClient`.

The sync clients' twins on aiobotocore.  Everything but the I/O is shared with
:mod:`batchkit._sync.client`: argument checks and listing plans (``plan_list_jobs``...), the
pager's state (:class:`batchkit._core.pager.PagerCore`), the page source's steps, the fast
path, models, tokens and errors.  Arguments are checked before any request, exactly as the
sync clients check them.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any, overload

from botocore.config import Config
from typing_extensions import Self

from batchkit._async.merge import AsyncMergedPager
from batchkit._async.pager import AsyncJobPager
from batchkit._async.pages import AsyncPageSource
from batchkit._async.runtime import AsyncClosing
from batchkit._async.watch import AsyncClock, AsyncWatch
from batchkit._core.errors import (
    BatchKitError,
    InvalidParameterError,
    JobNotFoundError,
    from_exception,
    require_text,
)
from batchkit._core.pager import _check_count
from batchkit._spec.operations import DESCRIBE_JOBS
from batchkit._sync.client import (
    _DEFAULT_CONFIG,
    ListingSpec,
    _check_given_client,
    _check_int,
    _client_config,
    _id_key,
    _job_id_of,
    check_account_id,
    check_job_ids,
    describe_failure,
    describe_input,
    new_described,
    order_described,
    plan_job_queues,
    plan_list_jobs,
    plan_list_service_jobs,
    plan_merged,
    plan_s3_list_jobs,
    plan_watch,
    pool_size,
)
from batchkit._wire import fastpath as _fastpath
from batchkit._wire.pages import item_model

if TYPE_CHECKING:
    from datetime import datetime, timedelta

    import pandas as pd
    from aiobotocore.session import AioSession
    from types_aiobotocore_batch.client import BatchClient as AioBatchClient
    from types_aiobotocore_s3control.client import S3ControlClient as AioS3ControlClient

    from batchkit._core.filters import JobFilter
    from batchkit._core.logs import FollowPolicy, LogEvent
    from batchkit._core.report import FailureReport
    from batchkit._core.watch import Clock, Interval
    from batchkit._sync.client import HasJobId
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

__all__ = ["AsyncBatchClient", "AsyncJobDetails", "AsyncS3BatchOperationsClient"]


_INSTALL_HINT = "batchkit.aio needs aiobotocore: pip install 'batchkit-aws[async]'"

# The session for clients made without ``session=``: one per process, made on first use
# (as boto3's default session is).  The ``batchkit_fake`` pytest fixture replaces it.
_DEFAULT_SESSION: Any = None


def _aiobotocore_session() -> Any:
    try:
        from aiobotocore.session import get_session
    except ImportError as error:
        raise ImportError(_INSTALL_HINT) from error
    return get_session()


def _default_session() -> Any:
    global _DEFAULT_SESSION
    if _DEFAULT_SESSION is None:
        _DEFAULT_SESSION = _aiobotocore_session()
    return _DEFAULT_SESSION


def _aio_config(config: Config | None) -> Config:
    """``config`` over batchkit's default, as an ``AioConfig`` (so aiobotocore options such
    as ``connector_args`` given in an ``AioConfig`` are kept)."""
    try:
        from aiobotocore.config import AioConfig
    except ImportError as error:
        raise ImportError(_INSTALL_HINT) from error
    base: Any = _DEFAULT_CONFIG
    return _client_config(config, AioConfig(**base._user_provided_options))


def _is_async_client(client: Any) -> bool:
    return inspect.iscoroutinefunction(getattr(type(client), "_make_api_call", None))


class _AsyncClientBase(AsyncClosing):
    _service = ""

    def __init__(
        self,
        client: Any,
        session: AioSession | None,
        region_name: str | None,
        endpoint_url: str | None,
        config: Config | None,
        fast_path: bool,
        gc_pause: bool,
    ) -> None:
        given = _check_given_client(
            self._service, client, session, region_name, endpoint_url, config, "aiobotocore"
        )
        if given and not _is_async_client(client):
            raise InvalidParameterError(
                f"client: expected an aiobotocore {self._service} client (from "
                "session.create_client), got a synchronous one: use batchkit's sync client"
            )
        if session is not None and not callable(getattr(session, "create_client", None)):
            raise InvalidParameterError(
                f"session: expected an aiobotocore AioSession, got {type(session).__name__}"
            )
        self._raw: Any = client
        if given:
            _fastpath.install(client)
        self._session = session
        self._options = {"region_name": region_name, "endpoint_url": endpoint_url}
        self._config = config if given else _aio_config(config)
        self._context: Any = None  # the aiobotocore client's context manager, when ours
        self._fast = bool(fast_path)
        self._gc_pause = bool(gc_pause)

    async def open(self) -> Self:
        """Create the aiobotocore client (``async with`` does this for you); idempotent."""
        if self._raw is None:
            session = self._session if self._session is not None else _default_session()
            # a str service name and a botocore Config: aiobotocore takes both (the stubs do not)
            context = session.create_client(self._service, config=self._config, **self._options)  # type: ignore[call-overload]
            raw = await context.__aenter__()
            _fastpath.install(raw)
            self._raw, self._context = raw, context
        return self

    async def aclose(self) -> None:
        """Close the aiobotocore client batchkit made (its HTTP connections).  A client you
        passed in stays open: it is yours to close."""
        context, self._context = self._context, None
        if context is not None:
            self._raw = None
            await context.__aexit__(None, None, None)

    async def __aenter__(self) -> Self:
        return await self.open()

    def _open_client(self) -> Any:
        if self._raw is None:
            name = type(self).__name__
            raise BatchKitError(
                f"{name} is not open: use `async with {name}(...) as client:` "
                "(or `await client.open()`, and `await client.aclose()` when done)"
            )
        return self._raw

    def _pager(self, spec: ListingSpec) -> AsyncJobPager[Any]:
        raw = self._open_client()
        return AsyncJobPager(
            [
                AsyncPageSource(
                    raw, spec.operation, request, fast=self._fast, gc_pause=self._gc_pause
                )
                for request in spec.requests
            ],
            **spec.pager_options(),
        )

    def _region(self) -> str | None:
        if self._raw is not None:
            region: str | None = self._raw.meta.region_name
            return region
        return self._options["region_name"]


class AsyncBatchClient(_AsyncClientBase):
    """Typed, lazy reads of AWS Batch jobs for asyncio, on aiobotocore (``batchkit-aws[async]``).

    The same methods and arguments as :class:`batchkit.BatchClient`; listings are
    :class:`AsyncJobPager`\\ s (``async for``), describes are awaited.  Use it as an async
    context manager: it opens one aiobotocore client (one connection pool) and closes it.
    ``AsyncBatchClient()`` uses aiobotocore's default credential chain and region; or pass
    ``client=`` (an aiobotocore client you opened and will close), ``session=`` (an
    ``AioSession``), ``region_name=``/``endpoint_url=``/``config=`` (merged over batchkit's
    default: botocore's ``adaptive`` retry mode, 10 attempts), ``fast_path=``/``gc_pause=``
    as for the sync client.  One instance may serve many tasks at once (each pager is for
    one task).

    ``watch``/``wait`` share the sync watch's rules (:class:`batchkit._core.watch.WatchCore`);
    ``logs``/``why`` the sync reader's and report's (:class:`batchkit._core.logs.LogsCore`),
    reading CloudWatch Logs with aiobotocore clients made from the same session, config and
    endpoint URL, one per region a job logs to (``logs_client=``: your own for its region).

    >>> async def report():                                             # doctest: +SKIP
    ...     async with AsyncBatchClient() as batch:
    ...         async for job in batch.list_jobs("q", status="FAILED"):
    ...             print(job.job_name, job.status_reason)
    ...         details = [d async for d in batch.describe_jobs(ids, max_concurrency=8)]
    """

    _service = "batch"

    def __init__(
        self,
        client: AioBatchClient | None = None,
        *,
        session: AioSession | None = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        config: Config | None = None,
        fast_path: bool = True,
        gc_pause: bool = True,
        logs_client: Any = None,
    ) -> None:
        super().__init__(client, session, region_name, endpoint_url, config, fast_path, gc_pause)
        # CloudWatch Logs clients by region: those batchkit opened (closed by aclose) and
        # the one given (the caller's to close).
        self._logs_clients: dict[str, Any] = {}
        self._logs_contexts: list[Any] = []
        self._logs_lock = asyncio.Lock()
        self._given_logs: Any = None
        if logs_client is not None:
            _check_given_client("logs", logs_client, None, None, None, None, "aiobotocore")
            if not _is_async_client(logs_client):
                raise InvalidParameterError(
                    "logs_client: expected an aiobotocore logs client (from "
                    "session.create_client), got a synchronous one"
                )
            _fastpath.install(logs_client)
            self._given_logs = logs_client
            self._logs_clients[logs_client.meta.region_name] = logs_client

    async def _logs_client(self, region: str) -> Any:
        """The CloudWatch Logs client for ``region``: opened once (from this client's
        session, config and endpoint URL), closed by :meth:`aclose`."""
        async with self._logs_lock:  # two tasks asking at once open one client
            client = self._logs_clients.get(region)
            if client is None:
                batch = self._open_client()
                session = self._session if self._session is not None else _default_session()
                context = session.create_client(
                    "logs",
                    region_name=region,
                    endpoint_url=self._options["endpoint_url"],
                    config=batch.meta.config,
                )
                client = await context.__aenter__()
                _fastpath.install(client)
                self._logs_contexts.append(context)
                self._logs_clients[region] = client
            return client

    async def aclose(self) -> None:
        """Close the aiobotocore clients batchkit made: the Batch client and the CloudWatch
        Logs clients ``logs()``/``why()`` opened.  Clients you passed in stay open."""
        contexts, self._logs_contexts = self._logs_contexts, []
        self._logs_clients = {}
        if self._given_logs is not None:
            self._logs_clients[self._given_logs.meta.region_name] = self._given_logs
        # every one is closed even if closing another fails; that failure is then raised,
        # typed (nothing is left to resume: the clients are closed)
        try:
            async with contextlib.AsyncExitStack() as stack:
                stack.push_async_callback(super().aclose)  # the Batch client: last
                for context in contexts:
                    stack.push_async_exit(context)
        except Exception as error:
            raise from_exception(error, "closing the clients") from error

    @property
    def client(self) -> AioBatchClient:
        """The underlying aiobotocore client (while open)."""
        raw: AioBatchClient = self._open_client()
        return raw

    def __repr__(self) -> str:
        return f"AsyncBatchClient(region_name={self._region()!r})"

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
    ) -> AsyncJobPager[JobSummary]: ...

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
    ) -> AsyncMergedPager[JobSummary]: ...

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
    ) -> AsyncJobPager[JobSummary] | AsyncMergedPager[JobSummary]:
        """List jobs of a queue (or of several), or the children of an array or multi-node
        job (see :meth:`batchkit.BatchClient.list_jobs`: the same arguments and rules,
        ``status`` collections and ``"ALL"`` included).

        ``job_queue`` may be a list or tuple of queue names or ARNs: the result is one lazy
        :class:`AsyncMergedPager` over all of them (:class:`batchkit.MergedPager`'s rules:
        each job once, newest first across the queues, one resume token for all of them,
        interchangeable with the sync client's).

        >>> async def failed_everywhere(batch):                       # doctest: +SKIP
        ...     return await batch.list_jobs(["cpu", "gpu"], status="FAILED").to_list()
        """
        if isinstance(job_queue, (list, tuple)):
            if array_job_id is not None or multi_node_job_id is not None:
                raise InvalidParameterError(
                    "list_jobs: give exactly one of job_queue, array_job_id, multi_node_job_id"
                )
            plan = plan_merged(
                list(job_queue),
                status=status,
                job_filter=filter,
                page_size=page_size,
                max_items=max_items,
                starting_token=starting_token,
            )
            pagers: list[AsyncJobPager[JobSummary]] = []
            for spec, ended in zip(plan.specs, plan.ended, strict=True):
                pager = self._pager(spec)
                if ended:
                    pager.close()
                pagers.append(pager)
            return AsyncMergedPager(pagers, plan.queues, **plan.options())
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

    def list_service_jobs(
        self,
        job_queue: str,
        *,
        status: ServiceJobStatus | str | Iterable[ServiceJobStatus | str] | None = None,
        filter: JobFilter | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> AsyncJobPager[ServiceJobSummary]:
        """List service jobs of a queue (see :meth:`batchkit.BatchClient.list_service_jobs`)."""
        spec = plan_list_service_jobs(
            job_queue,
            status=status,
            job_filter=filter,
            page_size=page_size,
            max_items=max_items,
            starting_token=starting_token,
        )
        return self._pager(spec)

    def job_queues(
        self,
        names: Iterable[str] | None = None,
        *,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> AsyncJobPager[JobQueueDetail]:
        """The job queues of the account and region, or the ones named
        (see :meth:`batchkit.BatchClient.job_queues`)."""
        spec = plan_job_queues(
            names, page_size=page_size, max_items=max_items, starting_token=starting_token
        )
        return self._pager(spec)

    def describe_jobs(
        self,
        job_ids: Iterable[str | HasJobId] | AsyncIterable[str | HasJobId],
        *,
        max_concurrency: int = 1,
    ) -> AsyncJobDetails:
        """Describe jobs by id, ARN or summary, 100 a request, lazily -- input included.

        As :meth:`batchkit.BatchClient.describe_jobs`: ``job_ids`` is any iterable of ids,
        ARNs or objects with a ``job_id`` -- or an *async* iterable of them, such as an
        :class:`AsyncJobPager` (``batch.describe_jobs(batch.list_jobs("q", status="ALL"))``
        streams details without reading the whole listing first).  A list or tuple is
        checked up front; other input item by item as it is read.  Duplicates dropped,
        input order, ``missing_ids``; up to ``max_concurrency`` requests at once (at most
        the client's ``max_pool_connections``), in order.  Use it with ``async with`` (or
        ``aclose()``) to stop early: requests still running are cancelled.
        """
        raw = self._open_client()
        if not isinstance(job_ids, AsyncIterable):
            check_job_ids(job_ids)
        _check_int("max_concurrency", max_concurrency, 1, pool_size(raw))
        ids: Iterator[str] | AsyncIterator[str] = (
            _unique_ids_async(job_ids)
            if isinstance(job_ids, AsyncIterable)
            else describe_input(job_ids)
        )
        return AsyncJobDetails(raw, ids, max_concurrency, fast=self._fast, gc_pause=self._gc_pause)

    def watch(
        self,
        job_ids: Iterable[str | HasJobId],
        *,
        until: Iterable[JobStatus | str] | None = None,
        timeout: timedelta | float | None = None,
        poll_interval: Interval | None = None,
        max_concurrency: int = 1,
        progress: bool = True,
        clock: Clock | AsyncClock | None = None,
    ) -> AsyncWatch:
        """Follow jobs until each is done: ``async for`` over :class:`batchkit.StatusChange`.

        :meth:`batchkit.BatchClient.watch`'s arguments and rules (shared: one DescribeJobs
        per 100 pending jobs a poll, the adaptive interval, ``until``, ``timeout``, unknown
        ids, failed polls); ``max_concurrency`` instead of ``max_workers``.  The wait between
        polls is ``asyncio.sleep`` unless ``clock`` says otherwise (its ``sleep`` may be a
        coroutine, or a plain function such as :class:`batchkit.testing.ManualClock`'s).

        Args:
            job_ids: ids, job ARNs, or anything with a ``job_id``.
            until: the statuses that end the watch for a job (default terminal).
            timeout: seconds or a ``timedelta``; then :class:`batchkit.WaitTimeoutError`.
            poll_interval: a fixed interval, or ``(shortest, longest)``.
            max_concurrency: DescribeJobs requests at once.
            progress: report array parents' child progress as events too.
            clock: where time comes from.

        Returns:
            An :class:`AsyncWatch` (an async iterator and async context manager).

        Raises:
            InvalidParameterError: bad arguments (before any request).

        >>> async def follow(batch, ids):                              # doctest: +SKIP
        ...     async with batch.watch(ids) as changes:
        ...         async for change in changes:
        ...             print(change.job_name, change.old, "->", change.new)
        """
        raw = self._open_client()
        plan = plan_watch(job_ids, until, timeout, poll_interval)
        _check_int("max_concurrency", max_concurrency, 1, pool_size(raw))
        return AsyncWatch(
            self,
            plan.ids,
            max_concurrency=max_concurrency,
            progress=bool(progress),
            clock=clock,
            **plan.options(),
        )

    async def wait(
        self,
        job_ids: Iterable[str | HasJobId],
        *,
        until: Iterable[JobStatus | str] | None = None,
        timeout: timedelta | float | None = None,
        poll_interval: Interval | None = None,
        max_concurrency: int = 1,
        clock: Clock | AsyncClock | None = None,
    ) -> list[JobDetail]:
        """Until every job is done; their last details, in input order
        (:meth:`batchkit.BatchClient.wait`'s rules; :meth:`watch`'s arguments).

        Raises:
            WaitTimeoutError: the timeout passed first (``details`` has every job's last
                description).
            JobNotFoundError: AWS does not know some ids.
        """
        async with self.watch(
            job_ids,
            until=until,
            timeout=timeout,
            poll_interval=poll_interval,
            max_concurrency=max_concurrency,
            progress=False,
            clock=clock,
        ) as watch:
            return await watch._drain()  # pyright: ignore[reportPrivateUsage]

    async def describe_job(self, job_id: str) -> JobDetail:
        """Describe one job (by id or ARN); raises :class:`batchkit.JobNotFoundError` if AWS
        does not return that job."""
        wanted = require_text("job_id", job_id)
        async with self.describe_jobs([wanted]) as details:
            async for job in details:
                if wanted in (job.job_id, job.job_arn):
                    return job
        raise JobNotFoundError([wanted])

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
    ) -> AsyncJobPager[LogEvent]:
        """A job's output from CloudWatch Logs: a lazy, resumable ``async for`` over
        :class:`batchkit.LogEvent`.

        :meth:`batchkit.BatchClient.logs`' arguments and rules (shared: where the job logs,
        attempts, nodes, containers, ``since``/``limit``/``tail``, the end of a stream at
        the repeated forward token, ``follow``).  Following waits with ``asyncio.sleep``
        unless the :class:`batchkit.FollowPolicy` gives a ``sleep`` (a coroutine function,
        or a plain one that does not block, such as a test clock's).  The CloudWatch Logs
        client of each region is opened on first use and closed by :meth:`aclose`.

        Args:
            job: A ``JobDetail``, job id or job ARN; an array child by its own id.
            attempt: Index into ``job.attempts`` (negative from the end).
            node: A multi-node job's node (default its main node).
            container: An ECS-properties job's container name.
            since: Only events at or after this aware time, or this long ago.
            limit: At most this many events.
            tail: Start with the last ``tail`` events (one request).
            follow: Keep waiting for new events until the job is terminal and no more come.
            page_size: Events per request (1..10000).
            starting_token: A ``resume_token`` of an earlier listing of the same stream.

        Returns:
            An :class:`AsyncJobPager` of :class:`batchkit.LogEvent`.

        Raises:
            InvalidParameterError: A bad argument (before any request).
            LogDriverError: The job logs with another driver than ``awslogs`` (on
                iteration).
            EksJobLogsError: An EKS job (its logs are the pod's).
            LogStreamNotFoundError: The stream does not exist (yet, or anymore).
            LogsUnavailableError: An array parent (its children have the logs).

        >>> async def last_lines(batch, job_id):                       # doctest: +SKIP
        ...     return [e.message async for e in batch.logs(job_id, tail=20)]
        """
        from batchkit._async.logs import open_logs_async

        self._open_client()
        return open_logs_async(
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

    async def why(self, job: JobDetail | str, *, lines: int = 20) -> FailureReport:
        """Why a job failed: a :class:`batchkit.FailureReport` (:meth:`batchkit.BatchClient.why`'s
        rules and classification, awaited).

        Args:
            job: A ``JobDetail``, job id or job ARN.
            lines: How many of the last log lines to include (0..10000).

        Returns:
            A :class:`batchkit.FailureReport`.

        Raises:
            JobNotFoundError: No such job.

        >>> async def kind(batch, job_id):                              # doctest: +SKIP
        ...     return (await batch.why(job_id)).kind
        """
        from batchkit._async.logs import build_report_async

        return await build_report_async(self, job, lines=lines)


async def _unique_ids_async(job_ids: AsyncIterable[object]) -> AsyncIterator[str]:
    """:func:`batchkit._sync.client._unique_ids` for an async input: each job once, lazily."""
    seen: set[str] = set()
    async for item in job_ids:
        job_id = _job_id_of(item)
        key = _id_key(job_id)
        if key not in seen:
            seen.add(key)
            yield job_id


async def _next_chunk(ids: Iterator[str] | AsyncIterator[str]) -> list[str]:
    """The next DescribeJobs-sized chunk of the input (empty at its end)."""
    size = DESCRIBE_JOBS.page_size_max
    if isinstance(ids, AsyncIterator):
        chunk: list[str] = []
        async for job_id in ids:
            chunk.append(job_id)
            if len(chunk) >= size:
                break
        return chunk
    return list(islice(ids, size))


class AsyncJobDetails(AsyncClosing, AsyncIterator["JobDetail"]):
    """The lazy result of :meth:`AsyncBatchClient.describe_jobs`: ``async for`` over
    ``JobDetail``\\ s, in input order.

    An async context manager: leaving the block (or :meth:`aclose`) cancels the requests
    still running and waits for them, so no task outlives it.  Cancelling the consuming
    task does the same, and keeps it resumable: iterating again re-sends the requests that
    were cut short.
    """

    def __init__(
        self,
        client: Any,
        ids: Iterator[str] | AsyncIterator[str],
        max_concurrency: int,
        *,
        fast: bool = True,
        gc_pause: bool = True,
    ) -> None:
        self._source: AsyncPageSource[JobDetail] = AsyncPageSource(
            client, DESCRIBE_JOBS, {}, fast=fast, gc_pause=gc_pause
        )
        self._ids = ids
        self._input_done = False
        self._input_error: BaseException | None = None
        # Chunks read from the input but not sent (or sent and cut short by a cancel).
        self._pending: deque[list[str]] = deque()
        self._concurrency = max_concurrency
        self._limit: asyncio.Semaphore | None = None
        self._window: deque[tuple[list[str], asyncio.Task[list[JobDetail] | BatchKitError]]] = (
            deque()
        )
        self._ready: deque[JobDetail] = deque()
        self._missing: list[str] = []
        self._failed_ids: list[str] = []
        self._yielded: set[str] = set()
        self._first_error: BatchKitError | None = None
        self._closed = False
        self._busy = False

    @property
    def missing_ids(self) -> tuple[str, ...]:
        """Requested ids AWS did not return (so far)."""
        return tuple(self._missing)

    @property
    def undescribed_ids(self) -> tuple[str, ...]:
        """Requested ids whose request failed so far (see ``BatchKitError.undescribed_ids``)."""
        return tuple(self._failed_ids)

    def __aiter__(self) -> AsyncJobDetails:
        return self

    async def __anext__(self) -> JobDetail:
        if self._busy:
            raise BatchKitError(
                "DescribeJobs: these details are being iterated elsewhere (another task); "
                "they are for one consumer at a time"
            )
        self._busy = True
        try:
            while not self._ready:
                if self._closed:
                    raise StopAsyncIteration
                chunk, outcome = await self._next_outcome()
                if chunk is None:
                    error, self._first_error = self._first_error, None
                    self._closed = True
                    if error is not None:
                        raise describe_failure(error, self._failed_ids)
                    raise StopAsyncIteration
                assert outcome is not None
                if isinstance(outcome, BatchKitError):
                    self._first_error = self._first_error or outcome
                    self._failed_ids.extend(chunk)
                    continue
                self._ready.extend(new_described(chunk, outcome, self._missing, self._yielded))
            return self._ready.popleft()
        finally:
            self._busy = False

    async def aclose(self) -> None:
        """Stop: cancel the requests still running (and wait for them), end iteration."""
        self._closed = True
        await self._cancel_window()
        self._ready.clear()

    async def first(self) -> JobDetail | None:
        """The next job, or None."""
        try:
            return await self.__anext__()
        except StopAsyncIteration:
            return None

    async def take(self, n: int) -> list[JobDetail]:
        """The next ``n`` jobs (fewer if the input ends first).  On an error or a cancelled
        task nothing read by this call is lost: the jobs are yielded again."""
        _check_count("take", n)
        out: list[JobDetail] = []
        try:
            while len(out) < n:
                out.append(await self.__anext__())
        except StopAsyncIteration:
            pass
        except BaseException:
            # An error or a cancelled task: what this call read goes back in front, so
            # iterating again loses nothing.
            self._ready.extendleft(reversed(out))
            raise
        return out

    async def to_list(self) -> list[JobDetail]:
        """Every remaining job."""
        return await self.take(2**63)

    async def to_pandas(self) -> pd.DataFrame:
        """The remaining jobs as a DataFrame of flat columns (needs ``batchkit-aws[pandas]``)."""
        from batchkit._core.display import to_pandas

        return to_pandas(await self.to_list(), model=item_model(DESCRIBE_JOBS))

    # ------------------------------------------------------------------ internals

    async def _attempt(self, chunk: list[str]) -> list[JobDetail] | BatchKitError:
        try:
            page = await self._source.call({DESCRIBE_JOBS.id_key or "jobs": chunk})
        except BatchKitError as error:
            return error
        return order_described(chunk, page.items)

    async def _limited(self, chunk: list[str]) -> list[JobDetail] | BatchKitError:
        assert self._limit is not None
        async with self._limit:
            return await self._attempt(chunk)

    async def _next_outcome(
        self,
    ) -> tuple[Any, list[JobDetail] | BatchKitError | None]:
        """The next chunk in input order and its outcome; (None, None) when all are done.

        The input is read only when a request is due (at most ``2 * max_concurrency``
        chunks ahead); an error reading it (an invalid item, a failing listing) comes after
        the details of every chunk already sent, as in the sync client."""
        if self._concurrency == 1 and not self._window:
            await self._fill(1)
            if not self._pending:
                return self._end_of_input()
            chunk = self._pending[0]
            outcome = await self._attempt(chunk)  # cancelled: the chunk stays pending
            self._pending.popleft()
            return chunk, outcome
        if self._limit is None:
            self._limit = asyncio.Semaphore(self._concurrency)
        # At most 2 * max_concurrency chunks scheduled (max_concurrency of them running):
        # memory stays bounded however many ids there are.
        try:
            while len(self._window) < 2 * self._concurrency:
                await self._fill(1)
                if not self._pending:
                    break
                chunk = self._pending.popleft()
                self._window.append((chunk, asyncio.ensure_future(self._limited(chunk))))
        except BaseException:
            await self._cancel_window(requeue=True)
            raise
        if not self._window:
            return self._end_of_input()
        chunk, task = self._window[0]
        try:
            outcome = await asyncio.shield(task)
        except BaseException:
            # Cancelled (or interrupted): nothing may keep running, and iterating again
            # must re-send what was cut short.
            await self._cancel_window(requeue=True)
            raise
        self._window.popleft()
        return chunk, outcome

    async def _fill(self, want: int) -> None:
        """Read the input until ``want`` chunks are pending (or it ends, or fails)."""
        while not self._input_done and len(self._pending) < want:
            try:
                chunk = await _next_chunk(self._ids)
            except Exception as error:  # deferred; a cancel (a BaseException) is not
                self._input_done, self._input_error = True, error
                return
            if not chunk:
                self._input_done = True
                return
            self._pending.append(chunk)

    def _end_of_input(self) -> tuple[None, None]:
        error, self._input_error = self._input_error, None
        if error is not None:
            self._closed = True
            raise error
        return None, None

    async def _cancel_window(self, *, requeue: bool = False) -> None:
        window, self._window = self._window, deque()
        for _chunk, task in window:
            task.cancel()
        if window:
            await asyncio.gather(*(task for _, task in window), return_exceptions=True)
        if requeue:
            self._pending.extendleft(chunk for chunk, _task in reversed(window))


class AsyncS3BatchOperationsClient(_AsyncClientBase):
    """Typed, lazy reads of S3 Batch Operations jobs for asyncio (S3 Control ``ListJobs``).

    :class:`batchkit.S3BatchOperationsClient`'s twin: ``account_id`` (12 digits, part of
    the host name) is checked before anything else.

    >>> async def active(account):                                      # doctest: +SKIP
    ...     async with AsyncS3BatchOperationsClient(account) as s3:
    ...         return await s3.list_jobs([S3JobStatus.ACTIVE]).to_list()
    """

    _service = "s3control"

    def __init__(
        self,
        account_id: str,
        client: AioS3ControlClient | None = None,
        *,
        session: AioSession | None = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        config: Config | None = None,
        fast_path: bool = True,
        gc_pause: bool = True,
    ) -> None:
        self._account_id = check_account_id(account_id)
        super().__init__(client, session, region_name, endpoint_url, config, fast_path, gc_pause)

    @property
    def account_id(self) -> str:
        """The account whose jobs are listed (read-only: it is part of the host name)."""
        return self._account_id

    @property
    def client(self) -> AioS3ControlClient:
        """The underlying aiobotocore client (while open)."""
        raw: AioS3ControlClient = self._open_client()
        return raw

    def __repr__(self) -> str:
        return (
            f"AsyncS3BatchOperationsClient(account_id={self._account_id!r}, "
            f"region_name={self._region()!r})"
        )

    def list_jobs(
        self,
        statuses: Iterable[S3JobStatus | str] | None = None,
        *,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> AsyncJobPager[S3BatchJob]:
        """Current jobs and jobs that ended in the last 30 days, optionally by status."""
        spec = plan_s3_list_jobs(
            self._account_id,
            statuses,
            page_size=page_size,
            max_items=max_items,
            starting_token=starting_token,
        )
        return self._pager(spec)
