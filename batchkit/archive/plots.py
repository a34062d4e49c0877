"""Pictures of the archive's analyses (``batchkit-aws[plot]``: matplotlib, imported when a
function is called).  Each takes the DataFrame of the matching ``Archive`` method and
draws on a matplotlib ``Axes`` (a new figure unless ``ax=`` is given), which it returns.

>>> from matplotlib.figure import Figure
>>> from batchkit.archive import Archive
>>> from batchkit.archive.plots import queue_depth
>>> from batchkit.testing import FakeAWS
>>> fake = FakeAWS.demo(jobs=200)
>>> with Archive("sqlite://", clock=fake) as archive:
...     _ = archive.sync(fake.batch_client(), ["etl"])
...     ax = queue_depth(archive.queue_depth(), ax=Figure().subplots())
>>> ax.get_ylabel()
'jobs'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["failures", "queue_depth", "usage", "wait_times"]


def _axes(ax: Axes | None, title: str) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(10, 4))
    ax.set_title(title)
    return ax


def _label(key: Any) -> str:
    return " / ".join(str(k) for k in key) if isinstance(key, tuple) else str(key)


def wait_times(frame: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Horizontal bars of p50 and p95 (seconds) per group, from ``Archive.queue_wait()`` or
    ``Archive.run_time()``."""
    axes = _axes(ax, title or "queue wait (p50 and p95)")
    labels = [_label(k) for k in frame.index]
    positions = list(range(len(labels)))
    axes.barh(positions, list(frame["p95"] / 60), color="#ffb74d", label="p95")
    axes.barh(positions, list(frame["p50"] / 60), color="#1e88e5", label="p50")
    axes.set_yticks(positions, labels)
    axes.set_xlabel("minutes")
    axes.legend()
    return axes


def failures(frame: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Failure rate per period, one line per group, from ``Archive.failures()``."""
    axes = _axes(ax, title or "failure rate")
    rates = frame["failure_rate"].unstack(list(range(1, frame.index.nlevels)))
    for column in rates.columns:
        axes.plot(rates.index, rates[column], marker="o", label=_label(column))
    axes.set_ylabel("failed / ended")
    axes.set_ylim(0, 1)
    axes.legend()
    return axes


def queue_depth(frame: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Jobs waiting (dashed) and running (solid) over time per queue, from
    ``Archive.queue_depth()``."""
    axes = _axes(ax, title or "queue depth")
    for queue, group in frame.groupby("queue"):
        line = axes.plot(group["time"], group["running"], label=f"{queue} running")[0]
        axes.plot(
            group["time"],
            group["waiting"],
            linestyle="--",
            color=line.get_color(),
            label=f"{queue} waiting",
        )
    axes.set_ylabel("jobs")
    axes.legend()
    return axes


def usage(
    frame: pd.DataFrame,
    measure: str = "vcpu_hours",
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Stacked bars of ``measure`` (``vcpu_hours``, ``gpu_hours``, ``gib_hours``,
    ``hours``) per period and group, from ``Archive.usage()``."""
    axes = _axes(ax, title or measure.replace("_", "-"))
    table = frame[measure].unstack(list(range(1, frame.index.nlevels)), fill_value=0)
    bottom = [0.0] * len(table.index)
    labels = [str(p)[:10] for p in table.index]
    for column in table.columns:
        values = list(table[column])
        axes.bar(labels, values, bottom=bottom, label=_label(column))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_ylabel(measure.replace("_", " "))
    axes.legend()
    return axes
