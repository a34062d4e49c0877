"""``why(job)``: the I/O of a failure report -- describe the job (its failed child, its main
node), read the last lines of its log -- around :mod:`batchkit._core.report`'s sans-I/O
steps (argument checks, which child or node, the classification and the report itself).

Logs that cannot be read (another log driver, an expired stream, no permission) never fail
the report: ``report.logs_error`` says why they are missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from batchkit._core.errors import BatchKitError
from batchkit._core.locations import locate
from batchkit._core.report import (
    FailureReport,
    assemble_report,
    check_report_job,
    failed_children,
    logs_error_text,
    main_node,
)

if TYPE_CHECKING:
    from batchkit._async.protocols import AsyncJobReader
    from batchkit._core.checks import HasJobId
    from batchkit._core.locations import LogLocation
    from batchkit._core.logs import LogEvent

__all__ = ["build_report"]


async def build_report(
    batch: AsyncJobReader, job: str | HasJobId, *, lines: int = 20
) -> FailureReport:
    """The :class:`~batchkit.FailureReport` of ``job`` (``why()``)."""
    given = check_report_job(job, lines)
    detail = await batch.describe_job(given) if isinstance(given, str) else given
    parent: str | None = None
    children = failed_children(detail)
    child = await batch.list_jobs(**children).first() if children is not None else None
    if child is not None:
        parent, detail = detail.job_id, await batch.describe_job(child.job_id)
    elif (node := main_node(detail)) is not None:  # the main node's logs
        parent, detail = detail.job_id, await batch.describe_job(node)
    default_region = batch.region_name or ""
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
