"""``AsyncBatchClient.logs()`` and ``why()``: the sync client's, awaited.

Every rule is :mod:`batchkit._core.logs`' and :mod:`batchkit._core.report`'s: the arguments
(:func:`~batchkit._core.logs.plan_logs`), where a job logs and what following does
(:class:`~batchkit._core.logs.LogsCore`), the GetLogEvents request and its events
(:class:`~batchkit._core.logs.StreamSteps`), the end of a stream (the repeated forward token,
:class:`~batchkit._core.pager.PagerCore`), the classification and the report
(:func:`~batchkit._core.report.assemble_report`).  Here only the describe, the Logs client, the
page fetch and the wait between polls are awaited.

Cancellation: cancel the task reading the events (or time it out) and the request or the
wait in flight ends with it; nothing keeps running, and the pager's ``resume_token`` says
where to go on.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import TYPE_CHECKING, Any

from batchkit._async.pager import AsyncJobPager
from batchkit._async.pages import AsyncPageSource
from batchkit._core.errors import BatchKitError, LogStreamNotFoundError, NotFoundError
from batchkit._core.logs import (
    FollowPolicy,
    LogEvent,
    LogLocation,
    LogsCore,
    StreamSteps,
    locate,
    plan_logs,
)
from batchkit._core.report import (
    FailureReport,
    assemble_report,
    check_report_job,
    failed_children,
    logs_error_text,
    main_node,
)
from batchkit._spec.operations import GET_LOG_EVENTS

if TYPE_CHECKING:
    from batchkit._async.client import AsyncBatchClient
    from batchkit._wire.pages import RawPage
    from batchkit.models import JobDetail, LogsOutputLogEvent

__all__ = ["build_report_async", "open_logs_async"]


class _AsyncStreamSource(AsyncPageSource[LogEvent]):
    """GetLogEvents pages of one stream, as :class:`LogEvent` s (:class:`StreamSteps`
    around an awaited call)."""

    def __init__(
        self,
        client: Any,
        location: LogLocation,
        *,
        start_ms: int | None,
        tail: int | None,
        fast: bool,
    ) -> None:
        self.steps = StreamSteps(location, start_ms=start_ms, tail=tail)
        super().__init__(client, GET_LOG_EVENTS, self.steps.params, fast=fast)

    async def fetch(self, token: str | None, page_size: int | None) -> RawPage[LogEvent]:
        request = self.steps.request(token, page_size)
        try:
            page: RawPage[LogsOutputLogEvent] = await self.call(request)  # type: ignore[assignment]
        except NotFoundError as error:
            raise self.steps.missing(error) from error
        return self.steps.events(page, token)


class _AsyncJobLogs:
    """The page fetcher of ``AsyncBatchClient.logs``: :class:`LogsCore`'s rules around
    awaited calls (the sync ``_JobLogs``' twin)."""

    def __init__(self, batch: AsyncBatchClient, core: LogsCore, *, fast: bool) -> None:
        self._batch = batch
        self._core = core
        self._fast = fast
        self._source: _AsyncStreamSource | None = None

    @property
    def location(self) -> LogLocation | None:
        """Where the events come from, once known."""
        return self._core.location

    @property
    def describes(self) -> int:
        """How many DescribeJobs requests this reader made."""
        return self._core.describes

    async def _describe(self, job_id: str) -> JobDetail:
        job = await self._batch.describe_job(job_id)
        self._core.described(job)
        return job

    async def _open(self, job: JobDetail) -> None:
        location = self._core.open(job, self._batch.client.meta.region_name)
        if location is not None:
            client = await self._batch._logs_client(location.region)
            self._source = _AsyncStreamSource(
                client,
                location,
                start_ms=self._core.start_ms,
                tail=self._core.tail,
                fast=self._fast,
            )

    async def fetch(self, token: str | None, page_size: int | None) -> RawPage[LogEvent]:
        core = self._core
        if not core.started:
            job = core.given_job or await self._describe(core.given_id)
            node = core.node_id(job)
            if node is not None:
                job = await self._describe(node)
            await self._open(job)
            core.start(job)
        if core.follow is None:
            assert self._source is not None
            return await self._source.fetch(token, page_size)
        return await self._poll(core.follow, token, page_size)

    async def _poll(
        self, policy: FollowPolicy, token: str | None, page_size: int | None
    ) -> RawPage[LogEvent]:
        core = self._core
        while True:
            page: RawPage[LogEvent] | None = None
            if self._source is not None:
                try:
                    page = await self._source.fetch(token, page_size)
                except LogStreamNotFoundError:
                    if not core.may_wait():
                        raise
            if core.settle(token, page):
                assert page is not None
                return page
            await _sleep(policy, core.next_delay())
            if core.describe_due():
                assert core.job_id is not None
                job = await self._describe(core.job_id)
                if core.open_now(job):
                    await self._open(job)


async def _sleep(policy: FollowPolicy, seconds: float) -> None:
    """The policy's wait: ``asyncio.sleep`` for the default, an awaited coroutine, or a
    plain function's call (a test clock's, which only advances simulated time)."""
    if policy.default_sleep:
        await asyncio.sleep(seconds)
        return
    outcome = policy.sleep(seconds)
    if inspect.isawaitable(outcome):
        await outcome


def open_logs_async(
    batch: AsyncBatchClient, job: JobDetail | str, **arguments: Any
) -> AsyncJobPager[LogEvent]:
    """The pager of ``AsyncBatchClient.logs`` (arguments checked here, before any request)."""
    plan = plan_logs(job, async_sleep=True, **arguments)
    source = _AsyncJobLogs(batch, plan.core(), fast=batch._fast)
    return AsyncJobPager([source], **plan.pager_options())


async def build_report_async(
    batch: AsyncBatchClient, job: JobDetail | str, *, lines: int = 20
) -> FailureReport:
    """The :class:`FailureReport` of ``job`` (``AsyncBatchClient.why``): the steps of
    :func:`batchkit._core.report.build_report`, awaited."""
    given = check_report_job(job, lines)
    detail = await batch.describe_job(given) if isinstance(given, str) else given
    parent: str | None = None
    children = failed_children(detail)
    child = await batch.list_jobs(**children).first() if children is not None else None
    if child is not None:
        parent, detail = detail.job_id, await batch.describe_job(child.job_id)
    elif (node := main_node(detail)) is not None:  # the main node's logs
        parent, detail = detail.job_id, await batch.describe_job(node)
    default_region = batch.client.meta.region_name
    location: LogLocation | None = None
    log_lines: tuple[LogEvent, ...] = ()
    logs_error: str | None = None
    try:
        location = locate(detail, default_region=default_region)
        if lines and location.stream is not None:
            async with batch.logs(detail, tail=lines, limit=lines) as events:
                log_lines = tuple(await events.to_list())
    except BatchKitError as error:
        logs_error = logs_error_text(error)
    return assemble_report(
        detail,
        parent=parent,
        default_region=default_region,
        location=location,
        log_lines=log_lines,
        logs_error=logs_error,
    )
