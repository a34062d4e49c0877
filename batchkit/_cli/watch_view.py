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


def watch_table(watch: Watch, now: datetime, *, ascii_only: bool = False) -> RenderableType:
    """The live table: name, status, run time, attempts, array progress, id."""
    table = Table(box=None, pad_edge=False, header_style="bold", safe_box=ascii_only)
    for title in ("NAME", "STATUS", "DURATION", "ATTEMPTS", "PROGRESS", "CHILDREN", "JOB ID"):
        table.add_column(title, no_wrap=True, overflow="ellipsis")
    for job in watch.jobs:
        status = job.status.value
        progress = ArrayProgress.of(job)
        bar: RenderableType = Text("-")
        children = Text("-")
        if progress is not None:
            bar = ProgressBar(total=max(progress.size, 1), completed=progress.done, width=20)
            children = Text(_progress_text(progress))
        table.add_row(
            Text(escape_controls(job.job_name)),
            Text(escape_controls(status), style=STATUS_STYLE.get(status, "yellow")),
            Text(elapsed(job, now)),
            Text(str(len(job.attempts or ()))),
            bar,
            children,
            Text(escape_controls(job.job_id)),
        )
    pending = len(watch.pending_ids)
    footer = Text(
        f"{len(watch.jobs)} job(s), {pending} not done; {watch.polls} poll(s), "
        f"{watch.requests_made} DescribeJobs request(s)",
        style="dim",
    )
    return Group(table, footer)
