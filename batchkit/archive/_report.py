"""What a sync did: :class:`SyncReport`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

__all__ = ["FeedOptions", "SyncReport"]


@dataclass(frozen=True)
class SyncReport:
    """What one ``Archive.sync`` did (also on :attr:`ArchiveError.report` when it stopped).

    ``new``: jobs stored for the first time; ``changed``: stored jobs whose status or any
    other member changed; ``ended``: of those, jobs that became SUCCEEDED/FAILED (S3:
    Complete/Failed/Cancelled); ``gone``: unfinished jobs AWS no longer knows, marked
    ``gone``.  ``requests`` counts the AWS requests batchkit made (``list_requests``:
    ListJobs and S3 Control ListJobs pages, ``describe_requests``: DescribeJobs,
    ``queue_requests``: DescribeJobQueues); botocore's retries are not counted.
    ``writes``: rows the archive inserted or updated (0 when nothing was new).
    """

    new: int = 0
    changed: int = 0
    ended: int = 0
    gone: int = 0
    list_requests: int = 0
    describe_requests: int = 0
    queue_requests: int = 0
    writes: int = 0
    duration: timedelta = timedelta(0)
    queues: tuple[str, ...] = field(default=())
    """The queues synced, as ``account_id/region/name`` (``account_id/region/s3`` for S3)."""
    complete: bool = True
    """False on the report of an :class:`ArchiveError`: the sync stopped part-way."""

    @property
    def requests(self) -> int:
        """Every AWS request made."""
        return self.list_requests + self.describe_requests + self.queue_requests

    def __add__(self, other: SyncReport) -> SyncReport:
        return SyncReport(
            new=self.new + other.new,
            changed=self.changed + other.changed,
            ended=self.ended + other.ended,
            gone=self.gone + other.gone,
            list_requests=self.list_requests + other.list_requests,
            describe_requests=self.describe_requests + other.describe_requests,
            queue_requests=self.queue_requests + other.queue_requests,
            writes=self.writes + other.writes,
            duration=self.duration + other.duration,
            queues=self.queues + other.queues,
            complete=self.complete and other.complete,
        )

    def __str__(self) -> str:
        seconds = self.duration.total_seconds()
        return (
            f"{self.new} new, {self.changed} changed ({self.ended} ended), {self.gone} gone; "
            f"{self.requests} requests ({self.list_requests} list, {self.describe_requests} "
            f"describe), {self.writes} rows written, {seconds:.1f} s, "
            f"{len(self.queues)} queue(s)" + ("" if self.complete else " -- stopped part-way")
        )


@dataclass(frozen=True)
class FeedOptions:
    clock: Any  # batchkit.Clock: now(), monotonic()
    overlap: timedelta
    gone_after: timedelta
    progress: Callable[[str, SyncReport], None] | None = None
