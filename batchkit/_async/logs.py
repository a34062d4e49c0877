"""A job's output from CloudWatch Logs: the I/O loop of ``logs()``.

Every rule is :mod:`batchkit._core.logs`' and :mod:`batchkit._core.locations`': the
arguments (:func:`~batchkit._core.logs.plan_logs`), where a job logs and what following
does (:class:`~batchkit._core.logs.LogsCore`), the GetLogEvents request and its events
(:class:`~batchkit._core.logs.StreamSteps`), the end of a stream (the repeated forward
token, :class:`~batchkit._core.pager.PagerCore`).  Here only the describe, the Logs client,
the page fetch and the wait between polls happen.

Cancellation: cancel the task reading the events (or time it out) and the request or the
wait in flight ends with it; nothing keeps running, and the pager's ``resume_token`` says
where to go on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from batchkit._async.pager import AsyncPager
from batchkit._async.runtime import AWAITS_SLEEP, follow_sleep
from batchkit._async.source import AsyncPageSource
from batchkit._core.errors import LogStreamNotFoundError, NotFoundError
from batchkit._core.logs import (
    FollowPolicy,
    LogEvent,
    LogsCore,
    StreamSteps,
    check_anchor,
    plan_logs,
    start_millis,
)
from batchkit._core.tokens import decode_token
from batchkit._spec.operations import GET_LOG_EVENTS
from batchkit._wire import fastpath

if TYPE_CHECKING:
    from batchkit._async.protocols import AsyncJobReader
    from batchkit._core.checks import HasJobId
    from batchkit._core.locations import LogLocation
    from batchkit._core.pager import RawPage
    from batchkit.models import JobDetail, LogsOutputLogEvent

__all__ = ["open_logs", "stream_pager"]


class _StreamSource(AsyncPageSource[LogEvent]):
    """GetLogEvents pages of one stream, as :class:`~batchkit.LogEvent` s
    (:class:`~batchkit._core.logs.StreamSteps` around the call)."""

    def __init__(
        self,
        client: Any,
        location: LogLocation,
        *,
        start_ms: int | None = None,
        tail: int | None = None,
        fast: bool = True,
    ) -> None:
        self.steps = StreamSteps(location, start_ms=start_ms, tail=tail)
        super().__init__(client, GET_LOG_EVENTS, self.steps.params, fast=fast)

    @property
    def location(self) -> LogLocation:
        return self.steps.location

    async def fetch(self, token: str | None, page_size: int | None) -> RawPage[LogEvent]:
        request = self.steps.request(token, page_size)
        try:
            page: RawPage[LogsOutputLogEvent] = await self.call(request)  # type: ignore[assignment]
        except NotFoundError as error:
            raise self.steps.missing(error) from error
        return self.steps.events(page, token)


class _JobLogs:
    """The page fetcher of ``logs()``: :class:`~batchkit._core.logs.LogsCore`'s rules
    around the I/O.  Finds the stream on the first fetch (lazy), then reads it; with a
    :class:`~batchkit.FollowPolicy`, waits at the end of the stream for more until the job is
    terminal and a poll after that finds nothing new."""

    def __init__(self, batch: AsyncJobReader, core: LogsCore) -> None:
        self._batch = batch
        self._core = core
        self._source: _StreamSource | None = None

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
        location = self._core.open(job, self._batch.region_name or "")
        if location is not None:
            client = await self._batch.logs_client(location.region)
            self._source = _StreamSource(
                client,
                location,
                start_ms=self._core.start_ms,
                tail=self._core.tail,
                fast=self._batch.fast_path,
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
            if core.pause_due():  # empty pages with new tokens only: back off all the same
                await follow_sleep(policy, core.next_delay())
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
            await follow_sleep(policy, core.next_delay())
            if core.describe_due():
                assert core.job_id is not None
                job = await self._describe(core.job_id)
                if core.open_now(job):
                    await self._open(job)


def open_logs(batch: AsyncJobReader, job: str | HasJobId, **arguments: Any) -> AsyncPager[LogEvent]:
    """The pager of ``logs()`` (arguments checked here, before any request)."""
    plan = plan_logs(job, awaits_sleep=AWAITS_SLEEP, **arguments)
    return AsyncPager([_JobLogs(batch, plan.core())], **plan.pager_options())


def stream_pager(
    client: Any,
    location: LogLocation,
    *,
    since: datetime | timedelta | None = None,
    tail: int | None = None,
    page_size: int | None = None,
    starting_token: str | None = None,
    fast: bool = True,
) -> AsyncPager[LogEvent]:
    """A pager over one known stream with a CloudWatch Logs client (no job involved)."""
    fastpath.install(client)
    assert GET_LOG_EVENTS.input_token is not None
    check_anchor(decode_token(starting_token, GET_LOG_EVENTS.input_token).token)
    source = _StreamSource(client, location, start_ms=start_millis(since), tail=tail, fast=fast)
    return AsyncPager(
        [source],
        label=GET_LOG_EVENTS.label,
        token_key=GET_LOG_EVENTS.input_token,
        starting_token=starting_token,
        page_size=page_size,
        model=LogEvent,
        end_on_repeated_token=GET_LOG_EVENTS.token_repeats_at_end,
    )
