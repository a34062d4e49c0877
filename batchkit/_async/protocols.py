"""What the features need of a client -- not the client itself.

Why: ``watch``, ``logs`` and ``why`` are built on a few reads (describe jobs, list a parent's
children, open a CloudWatch Logs client for a region) and used to take the concrete client
and reach into it, which tied every feature to the client and the client back to every
feature (an import circle).  Each feature now takes :class:`AsyncJobReader`; the client
implements it and imports the features, never the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from batchkit._async.describe import AsyncJobDetails
    from batchkit._async.pager import AsyncPager
    from batchkit._core.checks import HasJobId
    from batchkit._core.logs import LogEvent
    from batchkit.models import (
        ComputeEnvironmentDetail,
        ConsumableResourceDetail,
        EC2InstanceTypeInfo,
        JobDetail,
        JobQueueDetail,
        JobQueueSnapshot,
        JobSummary,
    )

__all__ = ["AsyncDiagnoseReader", "AsyncJobReader"]


class AsyncJobReader(Protocol):
    """The reads a feature makes through a client (``AsyncBatchClient`` is one)."""

    @property
    def region_name(self) -> str | None:
        """The client's region: where a job logs unless its log configuration says."""
        ...

    @property
    def fast_path(self) -> bool:
        """Whether the client's responses go through batchkit's fast path."""
        ...

    def describe_jobs(
        self, job_ids: Iterable[str | HasJobId], *, max_concurrency: int | None = None
    ) -> AsyncJobDetails:
        """Describe jobs, 100 a request."""
        ...

    async def describe_job(self, job_id: str | HasJobId) -> JobDetail:
        """Describe one job (``JobNotFoundError`` if AWS does not return it)."""
        ...

    def list_jobs(
        self,
        job_queue: str | None = None,
        *,
        array_job_id: str | None = None,
        multi_node_job_id: str | None = None,
        status: str | None = None,
        max_items: int | None = None,
    ) -> AsyncPager[JobSummary]:
        """List a queue's jobs, or a parent's children."""
        ...

    def logs(
        self, job: str | HasJobId, *, tail: int | None = None, limit: int | None = None
    ) -> AsyncPager[LogEvent]:
        """A job's log events."""
        ...

    async def logs_client(self, region: str) -> Any:
        """The CloudWatch Logs client for ``region``."""
        ...


class AsyncDiagnoseReader(AsyncJobReader, Protocol):
    """What ``why()`` of a waiting job and ``queue_health()`` read besides jobs: queues,
    compute environments, EC2 instance sizes, the front of a queue, consumable resources."""

    def job_queues(self, names: Iterable[str] | None = None) -> AsyncPager[JobQueueDetail]:
        """DescribeJobQueues."""
        ...

    def compute_environments(
        self, names: Iterable[str] | None = None
    ) -> AsyncPager[ComputeEnvironmentDetail]:
        """DescribeComputeEnvironments."""
        ...

    def instance_types(
        self,
        names: Iterable[str] | None = None,
        *,
        families: Iterable[str] | None = None,
        region: str | None = None,
    ) -> AsyncPager[EC2InstanceTypeInfo]:
        """EC2 DescribeInstanceTypes."""
        ...

    async def queue_snapshot(self, queue: str) -> JobQueueSnapshot:
        """GetJobQueueSnapshot."""
        ...

    async def describe_consumable_resource(self, resource: str) -> ConsumableResourceDetail:
        """DescribeConsumableResource."""
        ...
