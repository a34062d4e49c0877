"""The clients: :class:`AsyncBatchClient` and :class:`AsyncS3BatchOperationsClient`.

They are thin on purpose.  botocore does the signing, endpoints, retries (its ``adaptive``
retry mode -- backoff plus a client-side rate limiter -- unless you pass another ``config``)
and HTTP; batchkit checks your arguments before any request, plans filters
(:mod:`batchkit._core.plans`), and hands out typed, lazy iterators.  Each method is a plan
and the face's pager, watch or reader over it; the same methods on the other face are
generated from these.

>>> import asyncio
>>> from batchkit.testing import FakeAWS
>>> fake = FakeAWS()
>>> _ = fake.add_job("etl", job_name="ingest", status="FAILED", exit_code=2)
>>> async def main() -> None:
...     async with fake.async_batch_client() as batch:
...         async for job in batch.list_jobs("etl", status="FAILED"):
...             print(job.job_name, job.exit_code)
>>> asyncio.run(main())
ingest 2
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterable, Callable, Iterable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, cast, overload

from batchkit._async.describe import AsyncJobDetails
from batchkit._async.merge import AsyncMergedPager, AsyncMergedSource, merge_pagers
from batchkit._async.pager import AsyncPager
from batchkit._async.runtime import ClientBase, read_ids
from batchkit._async.source import AsyncPageSource
from batchkit._async.watch import AsyncWatch
from batchkit._core.checks import (
    HasJobId,
    check_account_id,
    job_id_of,
    require_text,
)
from batchkit._core.errors import (
    InvalidParameterError,
    JobNotFoundError,
    ResponseValidationError,
)
from batchkit._core.plans import (
    Call,
    ListingSpec,
    OnInvalid,
    check_on_invalid,
    concurrency,
    plan_compute_environments,
    plan_consumable_resource,
    plan_consumable_resources,
    plan_instance_types,
    plan_job_definitions,
    plan_job_queues,
    plan_list_jobs,
    plan_list_service_jobs,
    plan_merged,
    plan_queue_snapshot,
    plan_s3_describe_job,
    plan_s3_list_jobs,
    plan_service_job,
    plan_watch,
)

if TYPE_CHECKING:
    from datetime import datetime, timedelta

    from aiobotocore.session import AioSession as Session
    from botocore.config import Config
    from types_aiobotocore_batch.client import BatchClient as RawBatchClient
    from types_aiobotocore_s3control.client import S3ControlClient as RawS3ControlClient

    from batchkit._core.diagnose import QueueHealth, WaitReport
    from batchkit._core.filters import JobFilter
    from batchkit._core.logs import FollowPolicy, LogEvent
    from batchkit._core.report import FailureReport
    from batchkit._core.s3report import S3StatusReport
    from batchkit._core.watch import AsyncClock, Clock, Interval
    from batchkit.models import (
        ComputeEnvironmentDetail,
        ConsumableResourceDetail,
        ConsumableResourceSummary,
        EC2InstanceTypeInfo,
        JobDefinition,
        JobDetail,
        JobQueueDetail,
        JobQueueSnapshot,
        JobStatus,
        JobSummary,
        S3BatchJob,
        S3BatchJobDetail,
        S3JobStatus,
        ServiceJobDetail,
        ServiceJobStatus,
        ServiceJobSummary,
    )

__all__ = ["AsyncBatchClient", "AsyncS3BatchOperationsClient"]


class _Client(ClientBase):
    def _pager(
        self,
        spec: ListingSpec,
        on_invalid: object = ListingSpec.on_invalid,
        opener: Callable[[], Any] | None = None,
    ) -> AsyncPager[Any]:
        """A pager over one listing, over several sub-listings one after the other, or over
        several sub-listings merged newest first (``spec.merged``: one per status);
        ``on_invalid`` checked (before any request) into the spec; ``opener``: the listing is
        another service's, whose client it opens on first use."""
        own = self._open_client()
        raw = own if opener is None else None
        spec = replace(spec, on_invalid=check_on_invalid(on_invalid))
        if spec.merged:
            source = AsyncMergedSource(partial(self._merge, spec))
            return AsyncPager([source], **spec.pager_options())
        return AsyncPager(
            [
                AsyncPageSource(
                    raw,
                    spec.operation,
                    request,
                    fast=self._fast,
                    on_invalid=spec.on_invalid,
                    opener=opener,
                )
                for request in spec.requests
            ],
            ahead=self._ahead_of(own),  # bounded by this client's connection pool
            **spec.pager_options(),
        )

    def _merge(self, spec: ListingSpec, token: str | None) -> AsyncMergedPager[Any]:
        """The merge of a fan-out's sub-listings, from ``token`` (the merge's own)."""
        pagers = []
        for part, ended in spec.merge_parts(token):
            pager = self._pager(part, spec.on_invalid)
            if ended:
                pager.close()
            pagers.append(pager)
        options = spec.pager_options()
        return merge_pagers(pagers, spec.merged, label=options["label"], model=options["model"])

    async def _one(self, call: Call) -> Any:
        """The one object an operation answers with (a snapshot, a description)."""
        source: AsyncPageSource[Any] = AsyncPageSource(
            self._open_client(), call.operation, call.request, fast=self._fast
        )
        page = await source.call(call.request)
        if not page.items:
            raise ResponseValidationError(
                f"{call.operation.label}: the response has no {call.operation.item_model}"
            )
        return page.items[0]


class AsyncBatchClient(_Client):
    """Typed, lazy reads of AWS Batch jobs.

    ``AsyncBatchClient()`` uses aiobotocore's default session (credentials, region); or pass
    ``client=`` (an aiobotocore ``batch`` client: yours to close), or ``session=``/
    ``region_name=``/``endpoint_url=``/``config=`` (merged over batchkit's default:
    botocore's ``adaptive`` retry mode, 10 attempts; ``config=Config(retries={"mode":
    "standard"})`` turns the rate limiter off).  ``fast_path=False`` lets botocore parse
    every response (batchkit then validates its dicts): slower, but your own
    ``before-parse``/``after-call`` handlers see full responses.  ``gc_pause=`` is accepted
    and ignored (batchkit never changes the garbage collector's state; docs/performance.md).
    Each listing fetches its next page while its current one is read (at most one page ahead,
    only when the call will need it); ``fetch_ahead=False`` makes every listing strictly one
    request after another.  One instance is safe to share between tasks (pagers are not).
    Leaving ``async with`` (or :meth:`aclose`) closes the connections batchkit opened.

    Job logs (:meth:`logs`, :meth:`why`) are read with CloudWatch Logs clients made from the
    same session, config and endpoint URL, one per region a job logs to
    (:meth:`logs_client`); ``logs_client=`` gives your own for its region.
    """

    _service = "batch"

    def __init__(
        self,
        client: RawBatchClient | None = None,
        *,
        session: Session | None = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        config: Config | None = None,
        fast_path: bool = True,
        gc_pause: bool = True,
        logs_client: Any = None,
        fetch_ahead: bool = True,
    ) -> None:
        super().__init__(
            client,
            session,
            region_name,
            endpoint_url,
            config,
            fast_path,
            gc_pause,
            logs_client,
            fetch_ahead=fetch_ahead,
        )

    @property
    def client(self) -> RawBatchClient:
        """The underlying aiobotocore client."""
        raw: RawBatchClient = self._open_client()
        return raw

    def __repr__(self) -> str:
        return f"AsyncBatchClient(region_name={self.region_name!r})"

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
        on_invalid: OnInvalid = "raise",
    ) -> AsyncPager[JobSummary]: ...

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
        on_invalid: OnInvalid = "raise",
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
        on_invalid: OnInvalid = "raise",
    ) -> AsyncPager[JobSummary] | AsyncMergedPager[JobSummary]:
        """List jobs of a queue (or of several), or the children of an array or multi-node job.

        Give exactly one of ``job_queue``, ``array_job_id``, ``multi_node_job_id``.
        Without ``status`` and ``filter`` AWS lists RUNNING jobs only.  With a ``filter``
        every status is listed (AWS ignores ``status`` then; batchkit applies it
        client-side; for array and multi-node children, where AWS applies no filter,
        batchkit lists each status, merged newest first).

        ``status`` is one status, a collection of them (``{JobStatus.FAILED,
        JobStatus.SUCCEEDED}``) or ``"ALL"`` (:data:`batchkit.ALL_STATUSES`) for every
        status; batchkit plans how (see docs/views.md): each job is yielded once, and
        several statuses read like one listing -- newest first across them, one token.

        ``job_queue`` may be a list or tuple of queue names or ARNs: the result is one lazy
        :class:`AsyncMergedPager` over all of them, each job once, newest first across the
        queues (each queue's listing is newest-first when there is a server-side filter
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
            on_invalid: an item that cannot be typed (a value no model can hold):
                ``"raise"`` (default) a ``ResponseValidationError`` naming it, or
                ``"skip"``: leave it out, listed in the pager's ``skipped`` (and logged).

        Returns:
            A lazy :class:`AsyncPager` of ``JobSummary`` (an :class:`AsyncMergedPager` for
            several queues).

        Raises:
            InvalidParameterError: bad arguments or a forged token (before any request).
            BatchKitError: while iterating, any failure, with ``resume_token`` set.

        >>> import asyncio
        >>> from batchkit.testing import FakeAWS
        >>> fake = FakeAWS()
        >>> _ = fake.add_job("a", job_name="old", status="FAILED", created_at=1_000)
        >>> _ = fake.add_job("b", job_name="new", status="SUCCEEDED", created_at=2_000)
        >>> _ = fake.add_job("b", job_name="live", status="RUNNING", created_at=3_000)
        >>> async def main() -> None:
        ...     async with fake.async_batch_client() as batch:
        ...         finished = batch.list_jobs(["a", "b"], status={"FAILED", "SUCCEEDED"})
        ...         print(" ".join([j.job_name async for j in finished]))
        ...         every = batch.list_jobs("b", status="ALL")
        ...         print(" ".join([j.job_name async for j in every]))
        >>> asyncio.run(main())
        new old
        live new
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
            pagers: list[AsyncPager[JobSummary]] = []
            for spec, ended in zip(plan.specs, plan.ended, strict=True):
                pager = self._pager(spec, on_invalid)
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
        return self._pager(spec, on_invalid)

    def job_queues(
        self,
        names: Iterable[str] | None = None,
        *,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
        on_invalid: OnInvalid = "raise",
    ) -> AsyncPager[JobQueueDetail]:
        """The job queues of the account and region (DescribeJobQueues), or the ones named.

        ``names`` are queue names or ARNs (at most 100, as AWS allows); unknown ones are
        simply not listed.  Feed the names to :meth:`list_jobs` to list every queue.

        Args:
            names: queue names or ARNs; None for every queue.
            page_size: queues per request (1..100).
            max_items: stop after this many queues.
            starting_token: a ``resume_token`` or ``next_token`` to continue from.
            on_invalid: an item that cannot be typed (a value no model can hold):
                ``"raise"`` (default) a ``ResponseValidationError`` naming it, or
                ``"skip"``: leave it out, listed in the pager's ``skipped`` (and logged).

        Returns:
            A lazy :class:`AsyncPager` of ``JobQueueDetail``.

        Raises:
            InvalidParameterError: bad arguments (before any request).

        >>> import asyncio
        >>> from batchkit.testing import FakeAWS
        >>> fake = FakeAWS()
        >>> _ = fake.add_queue("etl", priority=10)
        >>> _ = fake.add_job("gpu", status="RUNNING")
        >>> async def main() -> None:
        ...     async with fake.async_batch_client() as batch:
        ...         queues = await batch.job_queues().to_list()
        ...         print(" ".join(f"{q.job_queue_name}={q.state.value}" for q in queues))
        ...         names = [q.job_queue_name for q in queues]
        ...         print(len(await batch.list_jobs(names).to_list()))
        >>> asyncio.run(main())
        etl=ENABLED gpu=ENABLED
        1
        """
        return self._pager(
            plan_job_queues(
                names, page_size=page_size, max_items=max_items, starting_token=starting_token
            ),
            on_invalid,
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
        on_invalid: OnInvalid = "raise",
    ) -> AsyncPager[ServiceJobSummary]:
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
            on_invalid: an item that cannot be typed (a value no model can hold):
                ``"raise"`` (default) a ``ResponseValidationError`` naming it, or
                ``"skip"``: leave it out, listed in the pager's ``skipped`` (and logged).

        Returns:
            A lazy :class:`AsyncPager` of ``ServiceJobSummary``.

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
        return self._pager(spec, on_invalid)

    def describe_jobs(
        self,
        job_ids: Iterable[str | HasJobId] | AsyncIterable[str | HasJobId],
        *,
        max_concurrency: int | None = None,
        on_invalid: OnInvalid = "raise",
    ) -> AsyncJobDetails:
        """Describe jobs by id, ARN or summary, 100 a request, lazily -- input included.

        ``job_ids`` is any iterable of job ids, job ARNs or objects with a ``job_id`` (the
        ``JobSummary`` items of a listing, ``JobDetail`` s...) -- a pager included.  The
        input is read as the details are consumed, 100 ids a request (with
        ``max_concurrency``, up to ``2 * max_concurrency`` requests ahead), so
        ``describe_jobs(batch.list_jobs("q", status="ALL"), max_concurrency=4)`` streams
        full details in listing order without reading the whole listing first.  A list or
        tuple is checked entirely up front; any other input item by item as it is read (an
        invalid item raises ``InvalidParameterError`` when reached, after the details before
        it).

        Duplicates are dropped (an id and its ARN are the same job); an empty input makes
        no request.  Jobs are yielded in the order of their first occurrence in
        ``job_ids``; ids AWS does not return are skipped and listed in ``missing_ids``
        (complete once iteration ends).  With ``max_concurrency > 1`` up to that many
        requests run at once (order is unchanged; at most the client's
        ``max_pool_connections``).  Throttling is absorbed by botocore's ``adaptive`` retry
        mode (batchkit's default): its client-side rate limiter slows every request down
        together.  Use the result with ``async with`` (or ``aclose()``) to stop early:
        requests not yet done are cancelled.

        Args:
            job_ids: ids, job ARNs or objects with a ``job_id`` (summaries, a pager).
            max_concurrency: requests at once (1 .. the client's ``max_pool_connections``;
                default 8, or 1 on a client made with ``fetch_ahead=False``).

        Returns:
            A lazy :class:`AsyncJobDetails` of ``JobDetail``.

        Raises:
            InvalidParameterError: bad arguments (a list or tuple is checked up front).
            BatchKitError: while iterating, after every chunk that succeeded, with
                ``undescribed_ids``.

        >>> import asyncio
        >>> from batchkit.testing import FakeAWS
        >>> fake = FakeAWS()
        >>> for i in range(3):
        ...     _ = fake.add_job("q", job_name=f"j{i}", status="FAILED", exit_code=i,
        ...                      status_reason="Essential container in task exited")
        >>> async def main() -> None:
        ...     async with fake.async_batch_client() as batch:
        ...         async with batch.describe_jobs(batch.list_jobs("q", status="ALL")) as details:
        ...             print(sorted([(job.job_name, job.exit_code) async for job in details]))
        >>> asyncio.run(main())
        [('j0', 0), ('j1', 1), ('j2', 2)]
        """
        raw = self._open_client()
        ids = read_ids(job_ids)
        workers = concurrency("max_concurrency", max_concurrency, raw, overlap=self._fetch_ahead)
        return AsyncJobDetails(
            raw, ids, workers, fast=self._fast, on_invalid=check_on_invalid(on_invalid)
        )

    async def describe_job(self, job_id: str | HasJobId) -> JobDetail:
        """Describe one job (again: a ``JobDetail`` given is described afresh).

        Args:
            job_id: the job's id or ARN, or a ``JobSummary``/``JobDetail`` of it.

        Returns:
            The job's ``JobDetail`` (the job asked for, whatever else AWS sent).

        Raises:
            InvalidParameterError: ``job_id`` is not a non-blank string or a job.
            JobNotFoundError: AWS did not return that job.
            BatchKitError: the request failed (AWS error, transport, body).
        """
        wanted = job_id_of(job_id, "job_id")
        async with self.describe_jobs([wanted]) as details:
            async for job in details:
                if wanted in (job.job_id, job.job_arn):
                    return job
        raise JobNotFoundError([wanted])

    def watch(
        self,
        job_ids: Iterable[str | HasJobId],
        *,
        until: Iterable[JobStatus | str] | None = None,
        timeout: timedelta | float | None = None,
        poll_interval: Interval | None = None,
        max_concurrency: int | None = None,
        progress: bool = True,
        clock: Clock | AsyncClock | None = None,
        visibility_grace: timedelta | float | None = None,
    ) -> AsyncWatch:
        """Follow jobs until each is done, as :class:`~batchkit.StatusChange` events.

        Every poll describes the jobs not yet done with one DescribeJobs request per 100
        (chunks run concurrently up to ``max_concurrency``).  Each job is reported when first
        seen (``old`` is None) and on every status change observed after that, once and in
        order (a status passed between two polls is not reported: it was not observed);
        array parents also when their children's counts change (``progress=False`` turns
        that off).  Iteration ends when every job is done.

        Throttling: botocore retries each request (its retry mode; ``adaptive`` adds
        client-side rate limiting); a poll that still fails with throttling, a 5xx or a
        transport error doubles the interval, and after five failed polls in a row the
        error is raised.

        Args:
            job_ids: ids, job ARNs, or anything with a ``job_id`` (summaries, details);
                duplicates are followed once.
            until: the statuses that end the watch for a job (default
                ``JobStatus.terminal()``).  A job is also done once it is terminal (it never
                changes again) or past the earliest status given (``{RUNNING}`` is
                satisfied by a job seen SUCCEEDED, or an array with a child running).
            timeout: seconds or a ``timedelta`` (at most 366 days; None: no limit); then
                :class:`~batchkit.WaitTimeoutError`.
            poll_interval: a fixed interval, or ``(shortest, longest)`` (default
                ``(2, 60)`` seconds; each from 0.1 s to 366 days): the interval starts at the
                shortest, grows 1.5x per poll without a change, doubles after a failed poll,
                is jittered by +-20 % and never leaves the bounds.
            max_concurrency: DescribeJobs requests at once (up to the client's
                ``max_pool_connections``; default 8, or 1 on a client made with
                ``fetch_ahead=False``).
            progress: report array parents' child progress as events too.
            clock: where time comes from (tests: :class:`batchkit.testing.ManualClock`); its
                ``sleep`` may be a coroutine function or a plain one.
            visibility_grace: seconds or a ``timedelta`` (default 30 s, on ``clock``) during
                which a job DescribeJobs has not returned since the watch began is "not
                visible yet" rather than unknown: DescribeJobs is eventually consistent
                right after SubmitJob.  0 turns it off.

        Returns:
            An :class:`AsyncWatch` (an iterator and context manager).

        Raises:
            InvalidParameterError: bad arguments (before any request).
            JobNotFoundError: AWS does not know some ids (raised by the iteration, once the
                visibility grace has passed).
            JobGoneError: a job AWS returned before is no longer returned (aged out).
            WaitTimeoutError: ``timeout`` passed first, with every job's last details.

        >>> async def follow(batch, ids):                              # doctest: +SKIP
        ...     async with batch.watch(ids) as changes:
        ...         async for change in changes:
        ...             print(change.job_name, change.old, "->", change.new, change.progress)
        """
        raw = self._open_client()
        plan = plan_watch(job_ids, until, timeout, poll_interval, visibility_grace)
        workers = concurrency("max_concurrency", max_concurrency, raw, overlap=self._fetch_ahead)
        return AsyncWatch(
            self,
            plan.ids,
            max_concurrency=workers,
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
        max_concurrency: int | None = None,
        clock: Clock | AsyncClock | None = None,
        visibility_grace: timedelta | float | None = None,
    ) -> list[JobDetail]:
        """Until every job is done; their last details, in input order.

        The arguments are :meth:`watch`'s.  A ``timeout`` raises
        :class:`~batchkit.WaitTimeoutError`, whose ``details`` hold every job's last
        description; ids AWS does not know raise :class:`~batchkit.JobNotFoundError`.
        Ctrl-C (or cancelling the task) stops it at once, leaving nothing running.

        Args:
            job_ids: ids, ARNs, summaries or details.
            until: statuses that end the wait for a job (default: terminal).
            timeout: seconds or a ``timedelta`` (at most 366 days).
            poll_interval: a fixed interval or ``(shortest, longest)`` (0.1 s to 366 days).
            max_concurrency: DescribeJobs requests at once (default as :meth:`watch`).
            clock: where time comes from.
            visibility_grace: how long a job not returned yet counts as not visible yet
                (default 30 s).

        Returns:
            The jobs' last details (all done).

        Raises:
            WaitTimeoutError: the timeout passed first.
            JobNotFoundError: AWS does not know some ids (after the visibility grace).
            JobGoneError: a job AWS returned before is no longer returned.

        >>> async def failed(batch, ids):                              # doctest: +SKIP
        ...     details = await batch.wait(ids, timeout=timedelta(hours=2))
        ...     return [d for d in details if d.status == JobStatus.FAILED]
        """
        async with self.watch(
            job_ids,
            until=until,
            timeout=timeout,
            poll_interval=poll_interval,
            max_concurrency=max_concurrency,
            progress=False,
            clock=clock,
            visibility_grace=visibility_grace,
        ) as watch:
            return await watch._drain()  # pyright: ignore[reportPrivateUsage]

    def logs(
        self,
        job: str | HasJobId,
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
    ) -> AsyncPager[LogEvent]:
        """A job's output from CloudWatch Logs: a lazy, resumable pager of
        :class:`~batchkit.LogEvent`.

        Nothing is requested until the first event is asked for; then the job is described
        (unless you passed its ``JobDetail``) and its stream read with ``GetLogEvents``,
        ended when the forward token repeats (CloudWatch's end of a stream).
        ``resume_token`` at the end points past the last event: a listing started from it
        later yields only what was written since.  Following waits with the
        :class:`~batchkit.FollowPolicy`'s ``sleep`` (``asyncio.sleep`` by default).

        Args:
            job: A job id or job ARN (an array child by its own id, ``parent:3``), a
                ``JobSummary``, or a ``JobDetail`` (then it is not described again).
            attempt: Index into ``job.attempts`` (negative from the end); default the
                latest attempt.
            node: A multi-node job's node (default its main node).
            container: An ECS-properties job's container name (default the first
                essential one).
            since: Only events at or after this aware time, or this long ago.
            limit: At most this many events.
            tail: Start with the last ``tail`` events (one request) instead of the first.
            follow: Keep waiting for new events until the job is terminal and no more come
                (polling with backoff; a :class:`~batchkit.FollowPolicy` sets the delays,
                clock and sleep).  It also waits for a job that has not started yet.
            page_size: Events per request (1..10000; default: as many as fit in 1 MB).
            starting_token: A ``resume_token`` of an earlier listing of the same stream.

        Returns:
            An :class:`AsyncPager` of :class:`~batchkit.LogEvent`.

        Raises:
            InvalidParameterError: A bad argument (before any request).
            LogDriverError: The job logs with another driver than ``awslogs`` (on
                iteration; the message says where its output is).
            EksJobLogsError: An EKS job (its logs are the pod's).
            LogStreamNotFoundError: The stream does not exist (yet, or anymore).
            LogsUnavailableError: An array parent (its children have the logs).

        >>> import asyncio
        >>> from batchkit.testing import FakeAWS
        >>> fake = FakeAWS()
        >>> job = fake.add_job("q", status="FAILED", exit_code=137)
        >>> async def main() -> None:
        ...     async with fake.async_batch_client() as batch:
        ...         lines = await batch.logs(job.job_id, tail=2).to_list()
        ...         print(len(lines), lines[0].group)
        >>> asyncio.run(main())
        2 /aws/batch/job
        """
        from batchkit._async.logs import open_logs  # deferred: the log models (pydantic)

        self._open_client()
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

    async def why(
        self, job: JobDetail | JobSummary | str, *, lines: int = 20
    ) -> FailureReport | WaitReport:
        """Why a job failed -- or why it has not started: one call, with the evidence.

        A job that has not started (SUBMITTED, PENDING, RUNNABLE, STARTING) gets a
        :class:`~batchkit.WaitReport`: a :class:`~batchkit.WaitKind` to branch on
        (``DEPENDENCY``, ``QUEUE_DISABLED``, ``RESOURCE_REQUIREMENT``, ``CAPACITY``...,
        ``QUEUED`` when nothing is wrong), the evidence (its queue, compute environments
        with their vCPU figures, its position at the front of the queue and since when,
        AWS's blocked-queue code and message, what it asks for and the shortfall) and advice
        -- from its dependencies, queue, compute environments, EC2 instance sizes, the
        queue's snapshot and its consumable resources (docs/stuck-jobs.md).  A check that
        cannot be made (no permission for EC2 ``DescribeInstanceTypes``, an operation the
        endpoint lacks) is listed in ``checks_not_made``, never an error.

        Any other job gets a :class:`~batchkit.FailureReport`: its status, every attempt,
        the last ``lines`` lines of the failing attempt's log and a
        :class:`~batchkit.FailureKind`.  Logs that cannot be read do not fail it
        (``logs_error`` says why).  An array or multi-node parent's report carries
        ``children``: counts per status and the failures grouped by kind, exit code and
        reason; a waiting array parent's report is about its furthest-along waiting child.

        Args:
            job: A job id, job ARN, ``JobSummary`` or ``JobDetail``.
            lines: How many of the last log lines a failure report includes (0..10000).

        Returns:
            A :class:`~batchkit.WaitReport` or a :class:`~batchkit.FailureReport` (both
            :class:`~batchkit.JobReport`: narrow with ``isinstance``); ``print()`` it in a
            terminal, show it in a notebook, ``to_json_dict()`` it for programs.

        Raises:
            InvalidParameterError: A bad argument (before any request).
            JobNotFoundError: No such job.

        >>> import asyncio
        >>> from batchkit.testing import FakeAWS
        >>> fake = FakeAWS()
        >>> failed = fake.add_job("q", status="FAILED", exit_code=137,
        ...                       status_reason="OutOfMemoryError: Container killed")
        >>> _ = fake.add_compute_environment("ce", desired_vcpus=16, max_vcpus=16)
        >>> _ = fake.configure_queue("busy", compute_environments=["ce"])
        >>> stuck = fake.add_job("busy", status="RUNNABLE")
        >>> async def main() -> None:
        ...     async with fake.async_batch_client() as batch:
        ...         print((await batch.why(failed.job_id)).kind)
        ...         print((await batch.why(stuck.job_id)).kind)
        >>> asyncio.run(main())
        OUT_OF_MEMORY
        MAX_RESOURCE
        """
        from batchkit._async.diagnose import explain  # deferred: the report models

        return await explain(self, job, lines=lines)

    async def why_queue(
        self, queue: JobQueueDetail | str, *, stuck: bool = False, limit: int = 10
    ) -> list[WaitReport]:
        """The :class:`~batchkit.WaitReport` s of the jobs at the front of a queue.

        The front is the queue's snapshot (GetJobQueueSnapshot: the first 100 RUNNABLE
        jobs, in scheduling order); the queue, its compute environments and instance sizes
        are read once for all of them.  ``stuck=True`` keeps the jobs held by something other
        than their turn -- typically the one AWS marked with a blocked-queue code -- and
        leaves out those merely waiting behind it.

        Args:
            queue: The queue's name, ARN or ``JobQueueDetail``.
            stuck: Only the jobs that are stuck (kind not ``QUEUED``/``DEPENDENCY``/
                ``STARTING``/``BEHIND_BLOCKED_JOB``).
            limit: At most this many reports (1..100).

        Returns:
            The reports, front of the queue first.

        Raises:
            InvalidParameterError: A bad argument (before any request).
            NotFoundError: The queue could not be read.
        """
        from batchkit._async.diagnose import why_queue

        return await why_queue(self, queue, stuck=stuck, limit=limit)

    async def queue_health(
        self,
        queues: Iterable[JobQueueDetail | str] | str | None = None,
        *,
        runnable_limit: int = 1000,
    ) -> list[QueueHealth]:
        """Every job queue (or the ones named) at a glance: a :class:`~batchkit.QueueHealth`
        each -- state and status, compute environments with desired/max vCPUs, how many jobs
        are RUNNABLE, how long the front job has waited, and AWS's blocked-queue code if a
        job at the front carries one.

        Reads: DescribeJobQueues and DescribeComputeEnvironments once, then per queue a
        RUNNABLE listing (counting stops at ``runnable_limit``), its snapshot and the first
        five front jobs.  A read that fails is in the queue's ``checks_not_made``.

        Args:
            queues: Queue names, ARNs or details (None: every queue).
            runnable_limit: Count RUNNABLE jobs up to this many (0: do not count).

        Returns:
            One ``QueueHealth`` per queue, in DescribeJobQueues' order.

        Raises:
            InvalidParameterError: A bad argument (before any request).
            BatchKitError: DescribeJobQueues failed.

        >>> import asyncio
        >>> from batchkit.testing import FakeAWS
        >>> fake = FakeAWS()
        >>> _ = fake.add_compute_environment("spot", type="SPOT", max_vcpus=256)
        >>> _ = fake.configure_queue("etl", compute_environments=["spot"])
        >>> _ = fake.add_job("etl", status="RUNNABLE")
        >>> async def main() -> None:
        ...     async with fake.async_batch_client() as batch:
        ...         (etl,) = await batch.queue_health(["etl"])
        ...         print(etl.queue.name, etl.runnable, etl.healthy)
        >>> asyncio.run(main())
        etl 1 True
        """
        from batchkit._async.diagnose import queue_health

        return await queue_health(self, queues, runnable_limit=runnable_limit)

    def compute_environments(
        self,
        names: Iterable[str] | None = None,
        *,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> AsyncPager[ComputeEnvironmentDetail]:
        """The compute environments of the account and region (DescribeComputeEnvironments),
        or the ones named: state, status (and why), type, min/desired/max vCPUs, instance
        types, allocation strategy.

        Args:
            names: Compute environment names or ARNs (at most 100); None for every one.
            page_size: Compute environments per request (1..100).
            max_items: Stop after this many.
            starting_token: A ``resume_token`` or ``next_token`` to continue from.

        Returns:
            A lazy :class:`AsyncPager` of ``ComputeEnvironmentDetail``.

        Raises:
            InvalidParameterError: Bad arguments (before any request).

        >>> import asyncio
        >>> from batchkit.testing import FakeAWS
        >>> fake = FakeAWS()
        >>> _ = fake.add_compute_environment("spot", type="SPOT", max_vcpus=256)
        >>> async def main() -> None:
        ...     async with fake.async_batch_client() as batch:
        ...         ce = await batch.compute_environments(["spot"]).first()
        ...         print(ce.compute_environment_name, ce.compute_resources.maxv_cpus)
        >>> asyncio.run(main())
        spot 256
        """
        return self._pager(
            plan_compute_environments(
                names, page_size=page_size, max_items=max_items, starting_token=starting_token
            )
        )

    def job_definitions(
        self,
        definitions: Iterable[str] | None = None,
        *,
        name: str | None = None,
        status: str | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> AsyncPager[JobDefinition]:
        """Job definitions (DescribeJobDefinitions): the ones named, every revision of one
        name, or all; ``status`` ``ACTIVE`` or ``INACTIVE``.

        Args:
            definitions: ``name:revision`` or ARNs (at most 100).
            name: Every revision of this definition name (instead of ``definitions``).
            status: ``ACTIVE`` or ``INACTIVE`` (any case).
            page_size: Definitions per request (1..100).
            max_items: Stop after this many.
            starting_token: A ``resume_token`` or ``next_token`` to continue from.

        Returns:
            A lazy :class:`AsyncPager` of ``JobDefinition``.

        Raises:
            InvalidParameterError: Bad arguments (before any request).
        """
        return self._pager(
            plan_job_definitions(
                definitions,
                name=name,
                status=status,
                page_size=page_size,
                max_items=max_items,
                starting_token=starting_token,
            )
        )

    def consumable_resources(
        self,
        *,
        name: str | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> AsyncPager[ConsumableResourceSummary]:
        """Consumable resources (ListConsumableResources): total and in-use quantities.

        Args:
            name: Only this name (case-insensitive; ``prefix*`` for a prefix).
            page_size: Resources per request (1..100).
            max_items: Stop after this many.
            starting_token: A ``resume_token`` or ``next_token`` to continue from.

        Returns:
            A lazy :class:`AsyncPager` of ``ConsumableResourceSummary``.

        Raises:
            InvalidParameterError: Bad arguments (before any request).
        """
        return self._pager(
            plan_consumable_resources(
                name, page_size=page_size, max_items=max_items, starting_token=starting_token
            )
        )

    async def describe_consumable_resource(
        self, resource: ConsumableResourceSummary | str
    ) -> ConsumableResourceDetail:
        """One consumable resource (DescribeConsumableResource): total, in use, available.

        Args:
            resource: Its name, ARN or ``ConsumableResourceSummary``.

        Returns:
            Its ``ConsumableResourceDetail``.

        Raises:
            InvalidParameterError: A bad argument (before any request).
            BatchKitError: The request failed (an unknown resource: ``InvalidRequestError``).
        """
        return cast("ConsumableResourceDetail", await self._one(plan_consumable_resource(resource)))

    async def queue_snapshot(self, queue: JobQueueDetail | str) -> JobQueueSnapshot:
        """The front of a queue (GetJobQueueSnapshot): its first 100 RUNNABLE jobs in
        scheduling order with ``earliest_time_at_position`` (per quota share too), and its
        capacity usage.

        Args:
            queue: The queue's name, ARN or ``JobQueueDetail``.

        Returns:
            A ``JobQueueSnapshot``.

        Raises:
            InvalidParameterError: A bad argument (before any request).
            BatchKitError: The request failed (an unknown queue: ``InvalidRequestError``).

        >>> import asyncio
        >>> from batchkit.testing import FakeAWS
        >>> fake = FakeAWS()
        >>> job = fake.add_job("etl", status="RUNNABLE")
        >>> async def main() -> None:
        ...     async with fake.async_batch_client() as batch:
        ...         snapshot = await batch.queue_snapshot("etl")
        ...         print(snapshot.front_of_queue.jobs[0].job_arn == job.job_arn)
        >>> asyncio.run(main())
        True
        """
        return cast("JobQueueSnapshot", await self._one(plan_queue_snapshot(queue)))

    async def describe_service_job(
        self, job: ServiceJobSummary | ServiceJobDetail | str
    ) -> ServiceJobDetail:
        """One service job (DescribeServiceJob: a SageMaker training job run by Batch), with
        its attempts, retry and timeout settings and ``status_reason``.

        Args:
            job: Its id, ARN, ``ServiceJobSummary`` or ``ServiceJobDetail``.

        Returns:
            Its ``ServiceJobDetail``.

        Raises:
            InvalidParameterError: A bad argument (before any request).
            BatchKitError: The request failed (an unknown job: ``InvalidRequestError``).
        """
        return cast("ServiceJobDetail", await self._one(plan_service_job(job)))

    def instance_types(
        self,
        names: Iterable[str] | None = None,
        *,
        families: Iterable[str] | None = None,
        region: str | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> AsyncPager[EC2InstanceTypeInfo]:
        """EC2 instance types (DescribeInstanceTypes): vCPUs, memory, GPUs... -- what a
        compute environment's instances give a job.

        Read with an EC2 client made like the CloudWatch Logs ones (this client's session,
        config and endpoint URL), for ``region`` (default: this client's), closed with this
        client.

        Args:
            names: Instance types (``m5.large``), at most 100.
            families: Whole families (``m5``: every size), at most 100 with ``names``.
            region: The region to ask (default this client's).
            page_size: Types per request (5..100: EC2's limits).
            max_items: Stop after this many.
            starting_token: A ``resume_token`` or ``next_token`` to continue from.

        Returns:
            A lazy :class:`AsyncPager` of ``EC2InstanceTypeInfo``.

        Raises:
            InvalidParameterError: Bad arguments (before any request).
        """
        spec = plan_instance_types(
            names,
            families=families,
            page_size=page_size,
            max_items=max_items,
            starting_token=starting_token,
        )
        if region is not None:
            require_text("region", region)
        self._open_client()  # its region is known once open
        where = region if region is not None else self.region_name
        if where is None:
            raise InvalidParameterError("region: this client has no region; pass region=")
        return self._pager(spec, opener=functools.partial(self.ec2_client, where))


class AsyncS3BatchOperationsClient(_Client):
    """Typed, lazy reads of S3 Batch Operations jobs (S3 Control ``ListJobs``).

    ``account_id`` is the 12-digit account that owns the jobs; it becomes part of the
    S3 Control host name, so anything else is rejected before a request is built (and it
    cannot be changed afterwards).  The other arguments are :class:`AsyncBatchClient`'s.
    """

    _service = "s3control"

    def __init__(
        self,
        account_id: str,
        client: RawS3ControlClient | None = None,
        *,
        session: Session | None = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        config: Config | None = None,
        fast_path: bool = True,
        gc_pause: bool = True,
        fetch_ahead: bool = True,
    ) -> None:
        self._account_id = check_account_id(account_id)
        super().__init__(
            client,
            session,
            region_name,
            endpoint_url,
            config,
            fast_path,
            gc_pause,
            fetch_ahead=fetch_ahead,
        )

    @property
    def account_id(self) -> str:
        """The account whose jobs are listed (read-only: it is part of the host name)."""
        return self._account_id

    @property
    def client(self) -> RawS3ControlClient:
        """The underlying aiobotocore client."""
        raw: RawS3ControlClient = self._open_client()
        return raw

    def __repr__(self) -> str:
        return (
            f"AsyncS3BatchOperationsClient(account_id={self._account_id!r}, "
            f"region_name={self.region_name!r})"
        )

    def list_jobs(
        self,
        status: S3JobStatus | str | Iterable[S3JobStatus | str] | None = None,
        *,
        statuses: Iterable[S3JobStatus | str] | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
        on_invalid: OnInvalid = "raise",
    ) -> AsyncPager[S3BatchJob]:
        """Current jobs and jobs that ended in the last 90 days, optionally by status.

        ``status`` follows :meth:`AsyncBatchClient.list_jobs`' rule: one status, a collection
        of them, or ``"ALL"``; a string in any case (``"active"``), a member, or a member
        made for a value newer than batchkit (``S3JobStatus.from_wire("X")``).  Without it
        S3 lists every status.

        Args:
            status: one status, a collection of statuses, or ``"ALL"``; None for every one.
            statuses: the earlier name of ``status`` (a collection), still accepted.
            page_size: jobs per request (1..1000).
            max_items: stop after this many jobs.
            starting_token: a ``resume_token`` or ``next_token`` to continue from.
            on_invalid: an item that cannot be typed (a value no model can hold):
                ``"raise"`` (default) a ``ResponseValidationError`` naming it, or
                ``"skip"``: leave it out, listed in the pager's ``skipped`` (and logged).

        Returns:
            A lazy :class:`AsyncPager` of ``S3BatchJob``.

        Raises:
            InvalidParameterError: bad arguments or a forged token (before any request).
            BatchKitError: while iterating, any failure, with ``resume_token`` set.
        """
        spec = plan_s3_list_jobs(
            self._account_id,
            status,
            statuses=statuses,
            page_size=page_size,
            max_items=max_items,
            starting_token=starting_token,
        )
        return self._pager(spec, on_invalid)

    async def describe_job(self, job: S3BatchJob | str) -> S3BatchJobDetail:
        """One job in full (S3 Control DescribeJob): its manifest, operation, progress with
        timers, ``FailureReasons``, ``StatusUpdateReason``, ``SuspendedCause``, report
        settings -- what ``list_jobs`` lacks.

        Args:
            job: The job id, or an ``S3BatchJob`` from :meth:`list_jobs`.

        Returns:
            Its ``S3BatchJobDetail``.

        Raises:
            InvalidParameterError: A bad argument (before any request).
            BatchKitError: The request failed (an unknown job: ``NotFoundError``).
        """
        return cast(
            "S3BatchJobDetail", await self._one(plan_s3_describe_job(self._account_id, job))
        )

    async def why(self, job: S3BatchJob | str) -> S3StatusReport:
        """Why a job is where it is: an :class:`~batchkit.S3StatusReport` of its status,
        failure reasons, suspended cause, progress and where its completion report goes,
        with advice.

        Args:
            job: The job id, or an ``S3BatchJob`` from :meth:`list_jobs`.

        Returns:
            The report (``print()`` it, show it in a notebook, ``to_json_dict()``).

        Raises:
            InvalidParameterError: A bad argument (before any request).
            BatchKitError: DescribeJob failed.

        >>> import asyncio
        >>> from batchkit.testing import FakeAWS
        >>> fake = FakeAWS()
        >>> job = fake.add_s3_job(status="Failed")
        >>> fake.set_s3_job_details(job, failure_reasons=[
        ...     ("ManifestNotFound", "the manifest object does not exist")])
        >>> async def main() -> None:
        ...     async with fake.async_s3_client() as s3:
        ...         print((await s3.why(job.job_id)).summary)
        >>> asyncio.run(main())
        failed: ManifestNotFound: the manifest object does not exist
        """
        from batchkit._core.s3report import assemble_s3_report  # deferred: the report models

        detail = await self.describe_job(job)
        return assemble_s3_report(detail, region=self.region_name or "")
