"""The feeding loop: AWS -> the archive, one queue at a time, one page a transaction.

Written once (this async source; ``batchkit/_sync/archive.py`` is generated from it by
``tools/unasync.py``); database calls are synchronous on both faces: the store is
:class:`~batchkit._core.archive.ArchiveStore`, whichever database is behind it.

Per queue: (1) describe the jobs the archive holds unfinished, 100 a request; (2) list the
queue newest-first from its watermark minus the overlap (or resume the listing a crash
interrupted), describing each page's new jobs and writing the page with its resume point
in one transaction; (3) describe what (2) stored without a description (the children of
new array and multi-node jobs, jobs DescribeJobs did not return yet).  The rules are
:mod:`batchkit._core.archive`'.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from batchkit._core.archive import (
    ArchiveError,
    ArchiveStore,
    FeedOptions,
    Identity,
    Listing,
    QueueState,
    SyncKey,
    SyncReport,
    after_page,
    decide,
    decide_s3,
    job_row,
    listing_state,
    s3_row,
    start_listing,
    summary_row,
    to_describe,
)
from batchkit._core.errors import BatchKitError, InvalidParameterError, InvalidRequestError
from batchkit._core.filters import JobFilter

__all__ = ["AsyncBatchSource", "AsyncFeed", "AsyncS3Source"]

#: DescribeJobs takes at most 100 ids a request.
DESCRIBE_CHUNK = 100
#: A created-at filtered ListJobs page holds at most 100 jobs.
LIST_PAGE = 100


class AsyncBatchSource(Protocol):
    """What the feed needs from a Batch client (``AsyncBatchClient`` is one)."""

    def job_queues(self, names: Iterable[str] | None = None) -> Any:
        """An async iterable of ``JobQueueDetail`` (their names and ARNs)."""
        ...

    def list_jobs(
        self,
        job_queue: str,
        *,
        filter: JobFilter | None = None,
        page_size: int | None = None,
        starting_token: str | None = None,
    ) -> Any:
        """A listing whose ``pages()`` yields pages (``items``, ``next_token``)."""
        ...

    def describe_jobs(self, job_ids: Iterable[str]) -> Any:
        """An async iterable of ``JobDetail`` with ``missing_ids`` once exhausted."""
        ...


class AsyncS3Source(Protocol):
    """What the feed needs from an S3 Batch Operations client."""

    @property
    def account_id(self) -> str: ...

    @property
    def client(self) -> Any:
        """The underlying client (its ``meta.region_name`` is the region)."""
        ...

    def list_jobs(self, *, starting_token: str | None = None) -> Any: ...


def _ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def identity_of(queue_arn: str) -> tuple[Identity, str]:
    """``arn:aws:batch:REGION:ACCOUNT:job-queue/NAME`` -> (Identity, NAME)."""
    parts = queue_arn.split(":", 5)
    if len(parts) != 6 or not parts[5].startswith("job-queue/"):
        raise ArchiveError(f"not a job queue ARN: {queue_arn!r}")
    return Identity(account_id=parts[4], region=parts[3]), parts[5].split("/", 1)[1]


class AsyncFeed:
    """One sync of one client into a store."""

    def __init__(self, store: ArchiveStore, options: FeedOptions) -> None:
        self.store = store
        self.options = options
        self.report = SyncReport()
        self._started = options.clock.monotonic()
        self._writes_before = store.writes

    def _now(self) -> int:
        return _ms(self.options.clock.now())

    def _add(self, **counts: int) -> None:
        report = self.report
        self.report = replace(
            report, **{name: getattr(report, name) + value for name, value in counts.items()}
        )

    def finish(self, complete: bool = True) -> SyncReport:
        elapsed = self.options.clock.monotonic() - self._started
        self.report = replace(
            self.report,
            writes=self.store.writes - self._writes_before,
            duration=timedelta(seconds=max(elapsed, 0.0)),
            complete=complete,
        )
        return self.report

    def _tell(self, queue: str) -> None:
        if self.options.progress is not None:
            self.options.progress(queue, self.finish())

    def _stopped(self, error: BaseException, where: str, token: str | None) -> ArchiveError:
        report = self.finish(complete=False)
        message = str(error) or type(error).__name__
        return ArchiveError(
            f"sync stopped in {where}: {message} -- everything before this point is in the "
            "archive; run sync again to resume",
            report=report,
            resume_token=token,
            queue=where,
        )

    # ------------------------------------------------------------------ Batch

    async def run(self, client: AsyncBatchSource, queues: Sequence[str] | None) -> SyncReport:
        found: list[tuple[Identity, str, str]] = []
        listing = client.job_queues(list(queues) if queues is not None else None)
        try:
            async for queue in listing:
                identity, name = identity_of(queue.job_queue_arn)
                found.append((identity, name, queue.job_queue_arn))
        except BatchKitError as error:
            raise self._stopped(error, "DescribeJobQueues", None) from error
        finally:
            self._add(queue_requests=getattr(listing, "requests_made", 1))
        if queues is not None:
            names = {name for _, name, _ in found} | {arn for _, _, arn in found}
            unknown = [q for q in queues if q not in names]
            if unknown:
                raise ArchiveError(
                    f"queues: no job queue {', '.join(map(repr, unknown))} in this account "
                    "and region (batchkit queues lists them)"
                )
        for identity, name, arn in sorted(found):
            where = f"{identity.account_id}/{identity.region}/{name}"
            self.report = replace(self.report, queues=(*self.report.queues, where))
            await self._queue(client, identity, name, arn, where)
            self._tell(where)
        return self.finish()

    async def _queue(
        self, client: AsyncBatchSource, identity: Identity, name: str, arn: str, where: str
    ) -> None:
        await self._describe_pending(client, identity, name, where, undescribed_only=False)
        await self._list(client, identity, name, arn, where)
        await self._describe_pending(client, identity, name, where, undescribed_only=True)

    async def _describe_pending(
        self,
        client: AsyncBatchSource,
        identity: Identity,
        queue: str,
        where: str,
        *,
        undescribed_only: bool,
    ) -> None:
        after: str | None = None
        while True:
            ids = self.store.pending(
                identity, queue, after, DESCRIBE_CHUNK, undescribed_only=undescribed_only
            )
            if not ids:
                return
            after = ids[-1]
            await self._describe(client, identity, queue, ids, where)
            self._tell(where)

    async def _describe(
        self,
        client: AsyncBatchSource,
        identity: Identity,
        queue: str,
        ids: Sequence[str],
        where: str,
        *,
        listed: Sequence[Any] = (),
        state: Any = None,
        known: Any = None,
    ) -> None:
        if known is None:
            known = self.store.known(identity, ids)
        rows = []
        missing: Sequence[str] = ()
        if ids:
            details = client.describe_jobs(ids)
            self._add(describe_requests=1)
            try:
                async for detail in details:
                    rows.append(job_row(detail.to_boto(), identity, queue))
            except BatchKitError as error:
                token = None if state is None else state[1].listing_token
                raise self._stopped(error, where, token) from error
            missing = details.missing_ids
        decision = decide(
            known,
            rows,
            missing,
            now=self._now(),
            gone_after=round(self.options.gone_after.total_seconds() * 1000),
            listed=[summary_row(s, identity, queue) for s in listed if s["jobId"] in missing],
        )
        self.store.write(
            identity, decision, now=self._now(), state=None if decision.empty else state
        )
        self._add(
            new=decision.new,
            changed=decision.changed,
            ended=decision.ended,
            gone=decision.gone_count,
        )

    async def _list(
        self, client: AsyncBatchSource, identity: Identity, name: str, arn: str, where: str
    ) -> None:
        key = SyncKey("batch", identity, name)
        saved = self.store.queue_state(key)
        listing = start_listing(saved, round(self.options.overlap.total_seconds() * 1000))
        try:
            listing = await self._pages(client, identity, name, arn, where, key, listing)
        except (InvalidParameterError, InvalidRequestError) as error:
            if listing.token is None:
                raise self._stopped(error, where, None) from error
            # a stored token the service (or batchkit) no longer takes: list again from the
            # same lower bound (idempotent: stored jobs are not written twice)
            listing = replace(listing, token=None)
            listing = await self._pages(client, identity, name, arn, where, key, listing)
        final = listing_state(listing, done=True)
        if final != self.store.queue_state(key):
            self.store.save_state(key, final)

    async def _pages(
        self,
        client: AsyncBatchSource,
        identity: Identity,
        name: str,
        arn: str,
        where: str,
        key: SyncKey,
        listing: Listing,
    ) -> Listing:
        since = datetime.fromtimestamp(listing.since / 1000, tz=timezone.utc)
        pager = client.list_jobs(
            arn,
            filter=JobFilter.created_after(since),
            page_size=LIST_PAGE,
            starting_token=listing.token,
        )
        counted = 0
        try:
            async for page in pager.pages():
                self._add(list_requests=pager.requests_made - counted)
                counted = pager.requests_made
                summaries = [item.to_boto() for item in page.items]
                created = (s.get("createdAt") for s in summaries)
                listing = after_page(listing, created, page.next_token)
                ids = [s["jobId"] for s in summaries]
                known = self.store.known(identity, ids)
                wanted = to_describe(known, summaries)
                state = None
                if page.next_token is not None:
                    state = (key, listing_state(listing, done=False))
                await self._describe(
                    client,
                    identity,
                    name,
                    wanted,
                    where,
                    listed=summaries,
                    state=state,
                    known=known,
                )
                self._tell(where)
        except ArchiveError:
            raise
        except (InvalidParameterError, InvalidRequestError):
            self._add(list_requests=pager.requests_made - counted)
            raise
        except BatchKitError as error:
            self._add(list_requests=pager.requests_made - counted)
            raise self._stopped(error, where, listing.token) from error
        self._add(list_requests=pager.requests_made - counted)
        return listing

    # ------------------------------------------------------------------ S3

    async def run_s3(self, client: AsyncS3Source) -> SyncReport:
        identity = Identity(client.account_id, str(client.client.meta.region_name))
        where = f"{identity.account_id}/{identity.region}/s3"
        self.report = replace(self.report, queues=(*self.report.queues, where))
        key = SyncKey("s3", identity, "")
        saved = self.store.queue_state(key)
        token = None if saved is None else saved.listing_token
        # a listing from its start sees every job S3 still lists: unfinished stored jobs
        # it does not see are gone (a resumed one cannot tell: the pages before are lost)
        unfinished = self.store.unfinished_s3(identity) if token is None else {}
        seen: set[str] = set()
        pager = client.list_jobs(starting_token=token)
        counted = 0
        try:
            async for page in pager.pages():
                self._add(list_requests=pager.requests_made - counted)
                counted = pager.requests_made
                rows = [s3_row(item.to_boto(), identity) for item in page.items]
                seen.update(r.job_id for r in rows if r.job_id in unfinished)
                decision = decide_s3(
                    self.store.known_s3(identity, [r.job_id for r in rows]), rows, now=self._now()
                )
                state = None
                if page.next_token is not None and not decision.empty:
                    state = (key, QueueState(listing_since=0, listing_token=page.next_token))
                self.store.write_s3(identity, decision, now=self._now(), state=state)
                self._add(new=decision.new, changed=decision.changed, ended=decision.ended)
                self._tell(where)
        except BatchKitError as error:
            self._add(list_requests=pager.requests_made - counted)
            raise self._stopped(error, where, token) from error
        self._add(list_requests=pager.requests_made - counted)
        unseen = sorted(set(unfinished) - seen)
        decision = decide_s3(unfinished, [], now=self._now(), unseen=unseen)
        current = self.store.queue_state(key)
        final = None if current is None or current.listing_token is None else (key, QueueState())
        self.store.write_s3(identity, decision, now=self._now(), state=final)
        self._add(gone=decision.gone_count)
        self._tell(where)
        return self.finish()
