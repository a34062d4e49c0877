"""AWS Batch's EventBridge events, typed: what a Lambda handler (or an SQS consumer) receives.

Why: AWS Batch sends "Batch Job State Change" and "Batch Job Queue Blocked" events (and their
service-job twins) whose ``detail`` is the job as DescribeJobs (DescribeServiceJob) returns
it.  Parsed into the same models, the rest of batchkit works on them unchanged:
``batch.why(event.detail)`` reports on the job without describing it again, and a blocked
queue's event says its :class:`~batchkit.WaitKind` with no request at all
(:meth:`JobQueueBlocked.wait_report`).

>>> event = parse_event({
...     "version": "0", "id": "c8f9c4b5", "detail-type": "Batch Job Queue Blocked",
...     "source": "aws.batch", "account": "123456789012", "time": "2022-01-11T23:36:40Z",
...     "region": "us-east-1", "resources": [],
...     "detail": {"jobName": "event-test", "jobId": "4c7599ae", "jobQueue": "q",
...                "status": "RUNNABLE", "jobDefinition": "d:1",
...                "statusReason": "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - too big"}})
>>> type(event).__name__, event.detail.job_id, event.wait_report().kind
('JobQueueBlocked', '4c7599ae', WaitKind.RESOURCE_REQUIREMENT)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from batchkit._core.errors import InvalidParameterError

if TYPE_CHECKING:
    from batchkit._core.diagnose import BlockedReason, WaitReport
    from batchkit._core.report import FailureKind
    from batchkit.models import JobDetail, ServiceJobDetail

__all__ = [
    "DETAIL_TYPES",
    "BatchEvent",
    "JobQueueBlocked",
    "JobStateChange",
    "ServiceJobQueueBlocked",
    "ServiceJobStateChange",
    "parse_event",
]

#: The ``source`` of every AWS Batch event.
SOURCE = "aws.batch"


class BatchEvent(BaseModel):
    """An EventBridge event from AWS Batch (the envelope; ``detail`` as sent).  A detail type
    newer than this batchkit parses to this class, its ``detail`` a plain mapping."""

    model_config = ConfigDict(frozen=True, extra="allow", populate_by_name=True)

    DETAIL_TYPE: ClassVar[str | None] = None

    version: str | None = None
    id: str | None = None
    detail_type: str = Field(alias="detail-type")
    source: str
    account: str | None = None
    time: datetime | None = None
    region: str | None = None
    resources: tuple[str, ...] = ()
    detail: Any = None


class JobStateChange(BatchEvent):
    """ "Batch Job State Change": a job moved to ``detail.status`` (no event is sent for the
    submission itself)."""

    DETAIL_TYPE: ClassVar[str | None] = "Batch Job State Change"
    detail: JobDetail

    @property
    def failure_kind(self) -> FailureKind:
        """How the job failed (``NOT_FAILED`` unless the event says FAILED), from the event
        alone; ``batch.why(event.detail)`` adds its log lines."""
        from batchkit._core.report import classify

        return classify(self.detail)


class JobQueueBlocked(BatchEvent):
    """ "Batch Job Queue Blocked": a RUNNABLE job at the front of its queue blocks it; its
    ``statusReason`` carries AWS's code (``CAPACITY:...``, ``MISCONFIGURATION:...``)."""

    DETAIL_TYPE: ClassVar[str | None] = "Batch Job Queue Blocked"
    detail: JobDetail

    @property
    def blocked_reason(self) -> BlockedReason | None:
        """AWS's code and message, parsed (None if the reason carries no known code)."""
        from batchkit._core.diagnose import parse_blocked_reason

        return parse_blocked_reason(self.detail.status_reason, self.detail.job_id)

    def wait_report(self) -> WaitReport:
        """A :class:`~batchkit.WaitReport` from the event alone (no request: the kind is
        AWS's code's); ``batch.why(event.detail)`` adds the queue, compute environments and
        shortfall."""
        from batchkit._core.diagnose import WaitEvidence, assemble_wait_report

        return assemble_wait_report(
            WaitEvidence(self.detail), default_region=self.region or "", now=self.time
        )


class ServiceJobStateChange(BatchEvent):
    """ "Batch Service Job State Change": a service job (SageMaker training) changed status."""

    DETAIL_TYPE: ClassVar[str | None] = "Batch Service Job State Change"
    detail: ServiceJobDetail


class ServiceJobQueueBlocked(BatchEvent):
    """ "Batch Service Job Queue Blocked": a RUNNABLE service job blocks its queue."""

    DETAIL_TYPE: ClassVar[str | None] = "Batch Service Job Queue Blocked"
    detail: ServiceJobDetail

    @property
    def blocked_reason(self) -> BlockedReason | None:
        """AWS's code and message, parsed."""
        from batchkit._core.diagnose import parse_blocked_reason

        return parse_blocked_reason(self.detail.status_reason, self.detail.job_id)


_KINDS: tuple[type[BatchEvent], ...] = (
    JobStateChange,
    JobQueueBlocked,
    ServiceJobStateChange,
    ServiceJobQueueBlocked,
)

#: The detail types batchkit types, and their classes.
DETAIL_TYPES: dict[str, type[BatchEvent]] = {k.DETAIL_TYPE: k for k in _KINDS if k.DETAIL_TYPE}

_resolved = False


def _resolve() -> None:
    """Build the event classes (they name the generated models, imported on first use)."""
    global _resolved
    if _resolved:
        return
    from batchkit.models import JobDetail, ServiceJobDetail

    namespace = {"JobDetail": JobDetail, "ServiceJobDetail": ServiceJobDetail}
    for kind in _KINDS:
        kind.model_rebuild(_types_namespace=namespace)
    _resolved = True


def parse_event(
    event: Mapping[str, Any] | str | bytes,
) -> JobStateChange | JobQueueBlocked | ServiceJobStateChange | ServiceJobQueueBlocked | BatchEvent:
    """An AWS Batch EventBridge event (a Lambda handler's ``event``, or its JSON) as its
    typed class; a Batch detail type newer than this batchkit as a plain :class:`BatchEvent`.

    Args:
        event: The event: a mapping, or its JSON text.

    Returns:
        A :class:`JobStateChange`, :class:`JobQueueBlocked`, :class:`ServiceJobStateChange`,
        :class:`ServiceJobQueueBlocked` or :class:`BatchEvent`.

    Raises:
        InvalidParameterError: Not an AWS Batch event, not JSON, or a ``detail`` that does
            not match the job shape (the message names what).
    """
    if isinstance(event, (str, bytes)):
        try:
            event = json.loads(event)
        except ValueError as error:
            raise InvalidParameterError(f"event: not JSON: {error}") from None
    if not isinstance(event, Mapping):
        raise InvalidParameterError(
            f"event: expected an EventBridge event (a mapping or its JSON), got "
            f"{type(event).__name__}"
        )
    source = event.get("source")
    if source != SOURCE:
        raise InvalidParameterError(
            f"event: not an AWS Batch event (source {str(source)[:60]!r}, expected {SOURCE!r})"
        )
    _resolve()
    kind = DETAIL_TYPES.get(str(event.get("detail-type")), BatchEvent)
    try:
        return kind.model_validate(event)
    except ValidationError as problem:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in problem.errors()[:5]
        )
        raise InvalidParameterError(
            f"event: a {kind.DETAIL_TYPE or 'Batch'} event that does not match its shape: {where}"
        ) from None
