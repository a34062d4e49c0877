"""The archive's one error type: every failure of :mod:`batchkit.archive` is an
:class:`ArchiveError` (a :class:`batchkit.BatchKitError`), or an
``InvalidParameterError`` for bad input (raised before anything is read or written)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from batchkit import BatchKitError

if TYPE_CHECKING:
    from batchkit.archive._report import SyncReport

__all__ = ["ArchiveError"]


class ArchiveError(BatchKitError):
    """Something went wrong reading AWS into the archive, or in the database.

    The message says what happened and where; ``__cause__`` is the original error (a
    :class:`batchkit.BatchKitError` from the client, a driver's database error).  A sync
    that stops on an error has committed every page before it: ``report`` says what it
    did, and running ``sync`` again resumes (``resume_token`` is the listing position
    stored for the queue it stopped in, kept in the archive's ``sync_state`` table).
    """

    def __init__(
        self,
        message: str,
        *,
        report: SyncReport | None = None,
        resume_token: str | None = None,
        queue: str | None = None,
    ) -> None:
        super().__init__(message)
        self.report = report
        """What the sync had done when it stopped (None outside a sync)."""
        self.resume_token = resume_token
        self.queue = queue
        """The queue (``account/region/name``) the sync stopped in, when it was in one."""
