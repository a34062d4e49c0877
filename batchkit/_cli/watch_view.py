"""How a watch looks on a terminal: a live table, or one plain line per change.

Shared by ``batchkit watch`` and ``batchkit demo``.  Text from AWS (job names, ids) is
escaped (:func:`batchkit._core.text.escape_controls`) and never parsed as markup (cells are
``Text``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from rich.console import Group, RenderableType
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from batchkit._cli.output import Column, fit, fit_widths, with_id_width
from batchkit._core.text import escape_controls
from batchkit._core.watch import ArrayProgress, StatusChange
from batchkit._sync.watch import Watch
from batchkit.models import JobDetail

__all__ = ["change_line", "elapsed", "summary_line", "watch_table"]

STATUS_STYLE = {
    "SUCCEEDED": "green",
    "FAILED": "bold red",
    "RUNNING": "cyan",
    "STARTING": "blue",
}


def _clock_text(value: timedelta) -> str:
    seconds = max(int(value.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def elapsed(job: JobDetail, now: datetime) -> str:
    """Run time: started -> stopped, or started -> now while it runs; ``-`` before."""
    if job.started_at is None:
        return "-"
    return _clock_text((job.stopped_at or now) - job.started_at)


def _progress_text(progress: ArrayProgress) -> str:
    text = f"{progress.done}/{progress.size} done"
    if progress.failed:
        text += f", {progress.failed} failed"
    if progress.running:
        text += f", {progress.running} running"
    return text


def change_line(change: StatusChange) -> str:
    """One change as one plain line (UTC time, name, id, old -> new, child progress)."""
    when = change.at.strftime("%H:%M:%S")
    if change.old is None:
        what = change.new.value
    elif change.status_changed:
        what = f"{change.old.value} -> {change.new.value}"
    else:
        what = change.new.value
    line = f"{when}  {change.job_name}  {change.job_id}  {what}"
    progress = change.progress
    if progress is not None:
        line += f"  [{_progress_text(progress)}]"
    return escape_controls(line)


def summary_line(jobs: Iterable[JobDetail]) -> str:
    """``3 jobs: 2 SUCCEEDED, 1 FAILED``."""
    counts = Counter(job.status.value for job in jobs)
    total = sum(counts.values())
    parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    return escape_controls(f"{total} job{'s' if total != 1 else ''}: {parts}")


def _children_text(job: JobDetail) -> str:
    progress = ArrayProgress.of(job)
    return "-" if progress is None else _progress_text(progress)


#: The live table's columns, fitted to the terminal as the listings' are
#: (:func:`batchkit._cli.output.fit_widths`): the progress bar, attempts and the run time are
#: left out first, names and the children's counts narrowed; status and ids stay whole.
#: Unlike a listing (which may overflow a narrow terminal), a live display must fit: below
#: ~57 columns the name is left out too.
WATCH_COLUMNS = (
    Column("NAME", 28, lambda j: j.job_name, min_width=8, priority=9),
    Column("STATUS", 9, lambda j: j.status.value),
    Column("DURATION", 8, lambda j: None, lambda j, now: elapsed(j, now), priority=8),
    Column("ATTEMPTS", 8, lambda j: len(j.attempts or ()), priority=4),
    Column("PROGRESS", 20, lambda j: None, priority=3),
    Column("CHILDREN", 24, _children_text, min_width=10, priority=6),
    Column("JOB ID", 36, lambda j: j.job_id, whole=True),
)


def watch_table(
    watch: Watch, now: datetime, *, ascii_only: bool = False, width: int | None = None
) -> RenderableType:
    """The live table: name, status, run time, attempts, array progress, id -- within
    ``width`` terminal cells (:func:`batchkit._cli.output.table_width`; None: every column
    whole)."""
    ellipsis = "..." if ascii_only else "…"
    jobs = watch.jobs
    columns = with_id_width(WATCH_COLUMNS, max((len(job.job_id) for job in jobs), default=0))
    fitted = fit_widths(columns, width)
    table = Table(box=None, pad_edge=False, header_style="bold", safe_box=ascii_only)
    for column, cells in fitted:
        whole = cells if column.whole else None  # narrower still: rich squeezes the others
        title = fit(column.title, cells, ellipsis)
        table.add_column(title, width=cells, min_width=whole, no_wrap=True)
    for job in jobs:
        status = job.status.value
        row: list[RenderableType] = []
        for column, cells in fitted:
            if column.title == "PROGRESS":
                progress = ArrayProgress.of(job)
                if progress is not None:
                    done = progress.done
                    row.append(
                        ProgressBar(total=max(progress.size, 1), completed=done, width=cells)
                    )
                    continue
            text = escape_controls(column.table_text(job, now))
            style = STATUS_STYLE.get(status, "yellow") if column.title == "STATUS" else ""
            row.append(Text(text if column.whole else fit(text, cells, ellipsis), style=style))
        table.add_row(*row)
    pending = len(watch.pending_ids)
    footer = Text(
        f"{len(jobs)} job(s), {pending} not done; {watch.polls} poll(s), "
        f"{watch.requests_made} DescribeJobs request(s)",
        style="dim",
    )
    return Group(table, footer)
