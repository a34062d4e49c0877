"""Pictures of jobs for notebooks: a timeline and status counts over time (``batchkit-aws[plot]``).

Why: a table of 500 jobs hides what a picture shows at once -- jobs that waited an hour in
the queue, a burst of failures at 3 am, an array job whose children finished unevenly.
Both functions take **any iterable of job summaries or details** (a pager, a merged
listing, ``describe_jobs(...)``, a list) **or a DataFrame** from ``to_pandas()``, and draw
on a matplotlib ``Axes`` (a new figure unless you pass ``ax=``); they return the ``Axes``.
matplotlib is imported only when a function is called: ``pip install 'batchkit-aws[plot]'``.

>>> from datetime import datetime, timezone
>>> from matplotlib.figure import Figure
>>> from batchkit.plot import status_counts, timeline
>>> from batchkit.testing import FakeAWS
>>> fake = FakeAWS.demo(jobs=200, now=datetime(2026, 11, 2, tzinfo=timezone.utc))
>>> batch = fake.batch_client()
>>> jobs = batch.list_jobs(["cpu-spot", "etl"], status="ALL").take(40)
>>> ax = timeline(jobs, ax=Figure().subplots())
>>> len(ax.get_yticks())
40
>>> ax = status_counts(jobs, ax=Figure().subplots())
>>> ax.get_ylabel()
'jobs'
"""

from __future__ import annotations

import importlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Literal, cast

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "MAX_BINS",
    "STATUS_COLORS",
    "TIMELINE_MAX_JOBS",
    "TIMELINE_MAX_JOBS_LIMIT",
    "status_counts",
    "timeline",
]

#: A colour per status (Batch and service jobs); unknown statuses are drawn in grey.
STATUS_COLORS: Mapping[str, str] = {
    "SUBMITTED": "#9e9e9e",
    "PENDING": "#bcaaa4",
    "RUNNABLE": "#ffb74d",
    "SCHEDULED": "#ce93d8",
    "STARTING": "#4dd0e1",
    "RUNNING": "#1e88e5",
    "SUCCEEDED": "#43a047",
    "FAILED": "#e53935",
}
_QUEUED = "#d7d7d7"
_OTHER = "#616161"
_ORDER = tuple(STATUS_COLORS)
_CHILD = re.compile(r"(?P<parent>.+?)(?P<sep>[:#])(?P<index>\d+)$")


@dataclass(frozen=True)
class _Job:
    job_id: str
    name: str
    status: str
    created: datetime | None
    started: datetime | None
    stopped: datetime | None
    parent: str | None  # array / multi-node parent id
    index: int | None


def _when(value: Any) -> datetime | None:
    """A datetime from a model field or a pandas cell (Timestamp, NaT, None)."""
    if value is None:
        return None
    if hasattr(value, "to_pydatetime"):
        if value != value:  # NaT
            return None
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    return None


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(getattr(value, "value", value))


def _records(jobs: Iterable[Any]) -> list[_Job]:
    """Summaries, details or a DataFrame's rows as plain records."""
    if hasattr(jobs, "to_dict") and hasattr(jobs, "columns"):  # a pandas DataFrame
        rows: Iterable[Any] = cast(Any, jobs).to_dict("records")
        get = _row_get
    else:
        rows = jobs
        get = _attr_get
    out = []
    for row in rows:
        job_id = _text(get(row, "job_id")) or "?"
        match = _CHILD.fullmatch(job_id)
        out.append(
            _Job(
                job_id=job_id,
                name=_text(get(row, "job_name")) or job_id,
                status=_text(get(row, "status")) or "?",
                created=_when(get(row, "created_at")),
                started=_when(get(row, "started_at")),
                stopped=_when(get(row, "stopped_at")),
                parent=match["parent"] if match else None,
                index=int(match["index"]) if match else None,
            )
        )
    return out


def _row_get(row: Any, name: str) -> Any:
    return row.get(name)


def _attr_get(row: Any, name: str) -> Any:
    return getattr(row, name, None)


#: What a missing matplotlib says (as ``to_pandas`` does for pandas).
INSTALL_HINT = "batchkit.plot needs matplotlib: pip install 'batchkit-aws[plot]'"


def _matplotlib(module: str) -> Any:
    """``module`` (a matplotlib module), or an ImportError that says how to install it."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if (error.name or "matplotlib").partition(".")[0] != "matplotlib":
            raise  # something matplotlib itself needs: its own message says what
        raise ModuleNotFoundError(INSTALL_HINT, name="matplotlib") from error


def _dates() -> Any:
    """``matplotlib.dates`` (untyped functions: used through ``Any``)."""
    return _matplotlib("matplotlib.dates")


def _new_axes(figsize: tuple[float, float]) -> Axes:
    plt = _matplotlib("matplotlib.pyplot")
    _figure, ax = plt.subplots(figsize=figsize, layout="constrained")
    return cast("Axes", ax)


#: The most jobs :func:`timeline` draws by default (one row each, a quarter inch a row).
TIMELINE_MAX_JOBS = 200
#: The most jobs ``max_jobs=`` may ask :func:`timeline` for: a figure of ~250 inches.
TIMELINE_MAX_JOBS_LIMIT = 1000
#: The most bins :func:`status_counts` draws: a ``bin=`` that would make more is widened.
MAX_BINS = 200


def timeline(
    jobs: Iterable[Any],
    *,
    ax: Axes | None = None,
    now: datetime | None = None,
    group_arrays: bool = True,
    title: str | None = None,
    max_jobs: int = TIMELINE_MAX_JOBS,
) -> Axes:
    """One bar per job: its queue wait (grey, created -> started), then its run time
    (started -> stopped, or -> ``now`` while running), coloured by status.

    Children of an array or multi-node job (ids ``parent:3`` / ``parent#3``) are drawn
    together, under a band naming their parent, when ``group_arrays``.  Jobs are drawn in
    creation order, oldest at the top.

    At most ``max_jobs`` rows are drawn (the figure grows a quarter inch a row: 3,000 jobs
    made a 751-inch figure): the newest ``max_jobs`` jobs by creation, and the title says
    how many of how many are shown.  Use :func:`status_counts` for the shape of many jobs.

    Args:
        jobs: job summaries or details (any iterable: a pager, a list) or a DataFrame from
            ``to_pandas()`` (columns ``job_id``, ``job_name``, ``status``, ``created_at``,
            ``started_at``, ``stopped_at``).
        ax: the matplotlib Axes to draw on (default: a new figure).
        now: where the bars of unfinished jobs end (default: the current time).
        group_arrays: group array / multi-node children under their parent.
        title: the Axes title (default: how many jobs).
        max_jobs: the most jobs drawn (1 to 1,000; default 200): the newest by creation.

    Returns:
        The Axes drawn on.

    Raises:
        InvalidParameterError: ``max_jobs`` is not an int from 1 to 1,000 (a ValueError).
        ImportError: matplotlib is not installed (``pip install 'batchkit-aws[plot]'``).
    """
    from batchkit._core.checks import check_int

    check_int("max_jobs", max_jobs, 1, TIMELINE_MAX_JOBS_LIMIT)
    mdates = _dates()
    patch: Any = _matplotlib("matplotlib.patches").Patch

    records = _records(jobs)
    end = now or datetime.now(timezone.utc)
    oldest = datetime.max.replace(tzinfo=timezone.utc)
    earliest = datetime.min.replace(tzinfo=timezone.utc)

    def created(job: _Job) -> datetime:
        return job.created or oldest

    total = len(records)
    note = None
    if total > max_jobs:  # the newest max_jobs (a job without a creation time: the oldest)
        records.sort(key=lambda j: j.created or earliest, reverse=True)
        del records[max_jobs:]
        note = f"the {max_jobs:,} newest of {total:,} jobs shown (max_jobs={max_jobs})"

    if group_arrays:
        first_seen: dict[str, datetime] = {}
        for job in records:
            group = job.parent or job.job_id
            first_seen[group] = min(first_seen.get(group, oldest), created(job))
        records.sort(
            key=lambda j: (
                first_seen[j.parent or j.job_id],
                j.parent or j.job_id,
                -1 if j.parent is None else (j.index or 0),
                created(j),
            )
        )
    else:
        records.sort(key=created)
    if ax is None:
        ax = _new_axes((10, max(2.5, 0.25 * len(records) + 1.2)))

    labels: list[str] = []
    seen_status: list[str] = []
    for row, job in enumerate(records):
        start = job.created or job.started
        if start is None:
            labels.append(job.name)
            continue
        finished = job.stopped or (end if job.status not in ("SUCCEEDED", "FAILED") else None)
        queue_end = job.started or finished or end
        colour = STATUS_COLORS.get(job.status, _OTHER)
        if queue_end > start:
            ax.barh(
                row,
                mdates.date2num(queue_end) - mdates.date2num(start),
                left=mdates.date2num(start),
                height=0.6,
                color=_QUEUED,
                edgecolor="none",
            )
        if job.started is not None:
            run_end = finished or job.started
            width = max(mdates.date2num(run_end) - mdates.date2num(job.started), 1e-5)
            ax.barh(
                row,
                width,
                left=mdates.date2num(job.started),
                height=0.6,
                color=colour,
                edgecolor="none",
            )
        elif job.status in STATUS_COLORS:  # never started: mark the status at the end
            ax.plot(mdates.date2num(queue_end), row, marker="|", color=colour, markersize=9)
        if job.status not in seen_status:
            seen_status.append(job.status)
        labels.append(f"  [{job.index}]" if job.parent is not None and group_arrays else job.name)

    if group_arrays:
        _bands(ax, records)
    ax.set_yticks(range(len(records)), labels=labels, fontsize=7)
    if records:
        ax.set_ylim(len(records) - 0.5, -0.5)  # oldest at the top
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.grid(axis="x", alpha=0.3)
    handles = [patch(color=_QUEUED, label="queued")]
    handles += [
        patch(color=STATUS_COLORS.get(s, _OTHER), label=s.lower())
        for s in sorted(seen_status, key=_status_rank)
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    shown_title = title if title is not None else f"{len(records)} jobs: queue wait, then run"
    ax.set_title(shown_title if note is None else f"{shown_title}\n{note}")
    return ax


def _bands(ax: Axes, records: list[_Job]) -> None:
    """A light band behind each group of children, labelled with the parent."""
    row = 0
    while row < len(records):
        parent = records[row].parent
        end = row
        while end + 1 < len(records) and parent is not None and records[end + 1].parent == parent:
            end += 1
        if parent is not None:
            ax.axhspan(row - 0.45, end + 0.45, color="#5c6bc0", alpha=0.08, zorder=0)
            ax.annotate(
                f"{parent[:8]}: {end - row + 1} children",
                xy=(0.0, row - 0.45),
                xycoords=("axes fraction", "data"),
                fontsize=7,
                color="#3949ab",
                va="top",
            )
        row = end + 1


def _status_rank(status: str) -> tuple[int, str]:
    return (_ORDER.index(status) if status in _ORDER else len(_ORDER), status)


_YEAR = timedelta(days=365.25)


def _bin_width(span: timedelta) -> timedelta:
    """A round bin width giving at most ~60 bins over ``span`` -- any span: jobs dated 1970
    and 9999 drew 97,764 bars of 30 days."""
    for width in (
        timedelta(minutes=5),
        timedelta(minutes=15),
        timedelta(hours=1),
        timedelta(hours=6),
        timedelta(days=1),
        timedelta(weeks=1),
        timedelta(days=30),
        timedelta(days=91),
    ):
        if span / width <= 60:
            return width
    for years in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if span / (_YEAR * years) <= 60:
            break
    return _YEAR * years  # datetimes span at most 10,000 years: <= 60 bins of 5,000


def status_counts(
    jobs: Iterable[Any],
    *,
    by: Literal["created_at", "started_at", "stopped_at"] = "created_at",
    bin: timedelta | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """How many jobs of each status, per time bin: stacked bars, one colour per status.

    A job is counted in the bin of its ``by`` time (creation by default; ``stopped_at``
    shows when failures happened), with the status it has now.  Jobs without that time are
    left out.

    Args:
        jobs: job summaries or details (any iterable) or a DataFrame from ``to_pandas()``.
        by: which time places a job in a bin.
        bin: the bin width (default: chosen from the time span, at most ~60 bins).  One
            that would make more than 200 bins is widened to a multiple of itself, and the
            title says so.
        ax: the matplotlib Axes to draw on (default: a new figure).
        title: the Axes title.

    Returns:
        The Axes drawn on.

    Raises:
        ValueError: ``by`` is not one of the times, or ``bin`` is not positive.
        ImportError: matplotlib is not installed (``pip install 'batchkit-aws[plot]'``).
    """
    mdates = _dates()

    if by not in ("created_at", "started_at", "stopped_at"):
        raise ValueError(f"by: one of created_at, started_at, stopped_at; got {by!r}")
    if bin is not None and (not isinstance(bin, timedelta) or bin <= timedelta(0)):
        raise ValueError(f"bin: a positive timedelta, got {bin!r}")
    attribute = {"created_at": "created", "started_at": "started", "stopped_at": "stopped"}[by]
    timed = [
        (moment, job.status)
        for job in _records(jobs)
        if (moment := getattr(job, attribute)) is not None
    ]
    if ax is None:
        ax = _new_axes((10, 3.5))
    note = None
    if timed:
        first = min(m for m, _ in timed)
        last = max(m for m, _ in timed)
        width = bin or _bin_width(last - first)
        if (last - first) / width + 1 > MAX_BINS:  # a given bin too narrow for the span
            widened = width * math.ceil((last - first) / width / (MAX_BINS - 1))
            note = f"bin widened from {width} to {widened} (at most {MAX_BINS} bins)"
            width = widened
        origin = datetime(1970, 1, 1, tzinfo=timezone.utc)
        try:
            start = origin + ((first - origin) // width) * width
        except OverflowError:  # aligned before year 1: start at the first job instead
            start = first
        bins = int((last - start) // width) + 1
        counts: Counter[tuple[int, str]] = Counter(
            (int((m - start) // width), status) for m, status in timed
        )
        lefts = [mdates.date2num(start + i * width) for i in range(bins)]
        days = width / timedelta(days=1)
        bottom = [0] * bins
        for status in sorted({s for _, s in timed}, key=_status_rank):
            heights = [counts[i, status] for i in range(bins)]
            ax.bar(
                lefts,
                heights,
                width=days,
                bottom=bottom,
                align="edge",
                color=STATUS_COLORS.get(status, _OTHER),
                label=status.lower(),
                edgecolor="white",
                linewidth=0.3,
            )
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.set_ylabel("jobs")
    ax.grid(axis="y", alpha=0.3)
    shown_title = title if title is not None else f"jobs by status, per bin of {by}"
    ax.set_title(shown_title if note is None else f"{shown_title}\n{note}")
    return ax
