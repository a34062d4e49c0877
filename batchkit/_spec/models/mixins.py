"""Hand-written ergonomics mixed into the generated models.

The generated models mirror the wire; these properties answer the questions
people actually ask of a job ("how long did it run?", "why did it fail?") so
that notebooks and scripts don't re-derive them from nested members.
``batchkit/_spec/codegen.py`` lists which generated class gets which mixin.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:
    from batchkit._spec.models.all import (
        AttemptDetail,
        ContainerDetail,
        ContainerSummary,
        S3JobProgressSummary,
    )

__all__ = [
    "TERMINAL_BATCH_VALUES",
    "TERMINAL_S3_VALUES",
    "AttemptDetailMixin",
    "JobDetailMixin",
    "JobStatusMixin",
    "JobSummaryMixin",
    "S3BatchJobMixin",
    "S3JobStatusMixin",
    "ServiceJobSummaryMixin",
]

#: The statuses after which a job never changes again -- defined here only.  Everything else
#: (``is_terminal`` of statuses and jobs, ``JobStatus.terminal()``...) derives from these.
TERMINAL_BATCH_VALUES = frozenset({"SUCCEEDED", "FAILED"})
TERMINAL_S3_VALUES = frozenset({"Complete", "Failed", "Cancelled"})

_S = TypeVar("_S")


def _duration(started: datetime | None, stopped: datetime | None) -> timedelta | None:
    if started is None or stopped is None:
        return None
    return stopped - started


class _TerminalStatusMixin:
    """``is_terminal`` and ``terminal()`` of a status enum, from ``_TERMINAL_VALUES``."""

    _TERMINAL_VALUES: ClassVar[frozenset[str]] = frozenset()
    value: Any

    @property
    def is_terminal(self) -> bool:
        """True for a status after which the job never changes (unknown values: False)."""
        return self.value in self._TERMINAL_VALUES

    @classmethod
    def terminal(cls: type[_S]) -> frozenset[_S]:
        """The terminal statuses, as members (e.g. ``{JobStatus.SUCCEEDED, JobStatus.FAILED}``)."""
        values: frozenset[str] = getattr(cls, "_TERMINAL_VALUES")  # noqa: B009
        return frozenset(cls(v) for v in values)  # type: ignore[call-arg]


class JobStatusMixin(_TerminalStatusMixin):
    """For ``JobStatus`` and ``ServiceJobStatus``: SUCCEEDED and FAILED are terminal."""

    _TERMINAL_VALUES = TERMINAL_BATCH_VALUES


class S3JobStatusMixin(_TerminalStatusMixin):
    """For ``S3JobStatus``: Complete, Failed and Cancelled are terminal."""

    _TERMINAL_VALUES = TERMINAL_S3_VALUES


def _status_is_terminal(status: Any) -> bool:
    return status is not None and bool(status.is_terminal)


class _TimedMixin:
    if TYPE_CHECKING:
        started_at: datetime | None
        stopped_at: datetime | None

    @property
    def duration(self) -> timedelta | None:
        """``stopped_at - started_at``; None until the job (or attempt) has both."""
        return _duration(self.started_at, self.stopped_at)


class _StatusMixin(_TimedMixin):
    if TYPE_CHECKING:
        status: Any

    @property
    def is_terminal(self) -> bool:
        """True once the job has SUCCEEDED or FAILED (unknown statuses count as not terminal)."""
        return _status_is_terminal(self.status)


class JobSummaryMixin(_StatusMixin):
    if TYPE_CHECKING:
        container: ContainerSummary | None

    @property
    def exit_code(self) -> int | None:
        """The container's exit code, when the summary carries one."""
        return None if self.container is None else self.container.exit_code


class ServiceJobSummaryMixin(_StatusMixin):
    pass


class AttemptDetailMixin(_TimedMixin):
    pass


class JobDetailMixin(_StatusMixin):
    if TYPE_CHECKING:
        attempts: tuple[AttemptDetail, ...]
        container: ContainerDetail | None

    @property
    def latest_attempt(self) -> AttemptDetail | None:
        """The last entry of ``attempts`` (AWS lists attempts oldest first)."""
        return self.attempts[-1] if self.attempts else None

    @property
    def exit_code(self) -> int | None:
        """The job's container exit code, else the latest attempt's."""
        if self.container is not None and self.container.exit_code is not None:
            return self.container.exit_code
        attempt = self.latest_attempt
        if attempt is not None and attempt.container is not None:
            return attempt.container.exit_code
        return None

    @property
    def log_stream_name(self) -> str | None:
        """CloudWatch Logs stream of the container, else of the latest attempt."""
        if self.container is not None and self.container.log_stream_name is not None:
            return self.container.log_stream_name
        attempt = self.latest_attempt
        if attempt is not None and attempt.container is not None:
            return attempt.container.log_stream_name
        return None


class S3BatchJobMixin:
    if TYPE_CHECKING:
        status: Any
        progress_summary: S3JobProgressSummary | None

    @property
    def is_terminal(self) -> bool:
        """True once the job is Complete, Failed or Cancelled (unknown statuses: False)."""
        return _status_is_terminal(self.status)

    @property
    def progress(self) -> float | None:
        """Fraction of tasks done (succeeded + failed) in [0, 1]; None when unknown."""
        summary = self.progress_summary
        if summary is None or not summary.total_number_of_tasks:
            return None
        done = (summary.number_of_tasks_succeeded or 0) + (summary.number_of_tasks_failed or 0)
        return done / summary.total_number_of_tasks
