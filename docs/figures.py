"""Draw the figures of docs/plots.md from the demo account: ``python docs/figures.py``.

Reproducible (a fixed clock, the demo account's seeded RNG); ``tests/clients/test_plot.py`` runs it
into a temporary directory, so the pictures on the docs site cannot go stale unnoticed.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

NOW = datetime(2026, 11, 2, 12, tzinfo=timezone.utc)
OUT = Path(__file__).parent / "img"


def main(out: Path = OUT) -> list[Path]:
    """Write ``timeline.png`` and ``status-counts.png`` into ``out``; return their paths."""
    from matplotlib.figure import Figure

    from batchkit import JobFilter
    from batchkit.plot import status_counts, timeline
    from batchkit.testing import FakeAWS

    fake = FakeAWS.demo(jobs=3000, now=NOW)
    batch = fake.batch_client()
    queues = ["cpu-spot", "gpu-ondemand", "etl"]
    recent = batch.list_jobs(
        queues, status="ALL", filter=JobFilter.created_after(NOW - timedelta(hours=5))
    )
    sweep = batch.list_jobs("cpu-spot", filter=JobFilter.job_name("hyperparam-sweep-2")).first()
    assert sweep is not None
    children = batch.list_jobs(array_job_id=sweep.job_id, status="ALL").to_list()
    jobs = [*recent.to_list(), *batch.describe_jobs(children)]

    out.mkdir(parents=True, exist_ok=True)
    written = []
    figure = Figure(figsize=(10, 0.22 * len(jobs) + 1.5), layout="constrained")
    timeline(jobs, ax=figure.subplots(), now=NOW, title="Last 5 hours, every queue and status")
    written.append(out / "timeline.png")
    figure.savefig(written[-1], dpi=80)

    week = batch.list_jobs(
        queues, status="ALL", filter=JobFilter.created_after(NOW - timedelta(days=7))
    )
    figure = Figure(figsize=(10, 3.5), layout="constrained")
    status_counts(week.to_pandas(), bin=timedelta(hours=6), ax=figure.subplots(),
                  title="Jobs created per 6 hours, by status (last 7 days)")  # fmt: skip
    written.append(out / "status-counts.png")
    figure.savefig(written[-1], dpi=80)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(f"wrote {path}")
