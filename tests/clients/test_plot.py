"""batchkit.plot: a timeline and status counts from summaries, details or a DataFrame (Agg)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from batchkit.models import JobSummary
from batchkit.plot import STATUS_COLORS, status_counts, timeline
from batchkit.testing import FakeAWS

NOW = datetime(2026, 11, 2, 12, tzinfo=timezone.utc)
ROOT = Path(__file__).parents[2]


def _fake() -> FakeAWS:
    fake = FakeAWS(now=lambda: NOW)
    fake.add_job("q", job_id="done", job_name="done", status="SUCCEEDED",
                 created_at=NOW - timedelta(hours=3))  # fmt: skip
    fake.add_job("q", job_id="bad", job_name="bad", status="FAILED",
                 created_at=NOW - timedelta(hours=2))  # fmt: skip
    fake.add_job("q", job_id="wait", job_name="wait", status="RUNNABLE",
                 created_at=NOW - timedelta(hours=1))  # fmt: skip
    fake.add_job("q", job_id="arr", job_name="sweep", status="RUNNING", array_size=3,
                 child_statuses=["SUCCEEDED", "FAILED", "RUNNING"],
                 created_at=NOW - timedelta(minutes=90))  # fmt: skip
    return fake


def _width(patch: object) -> float:
    assert isinstance(patch, Rectangle)
    return patch.get_width()


def _height(patch: object) -> float:
    assert isinstance(patch, Rectangle)
    return patch.get_height()


def _colours(ax: object) -> list[str]:
    from matplotlib.colors import to_hex

    return [to_hex(patch.get_facecolor()) for patch in ax.patches]  # type: ignore[attr-defined]


def test_timeline_bars_queue_wait_then_run_coloured_by_status() -> None:
    batch = _fake().batch_client()
    jobs = [
        *batch.list_jobs("q", status="ALL"),
        *batch.describe_jobs(batch.list_jobs(array_job_id="arr", status="ALL")),
    ]
    ax = timeline(jobs, ax=Figure().subplots(), now=NOW)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # oldest first; the array's children right under their parent
    assert labels == ["done", "bad", "sweep", "  [0]", "  [1]", "  [2]", "wait"]
    colours = _colours(ax)
    assert STATUS_COLORS["FAILED"] in colours
    assert STATUS_COLORS["SUCCEEDED"] in colours
    assert STATUS_COLORS["RUNNING"] in colours
    assert "#d7d7d7" in colours  # queue wait
    box = ax.get_legend()
    assert box is not None
    legend = [t.get_text() for t in box.get_texts()]
    assert legend[0] == "queued"
    assert {"succeeded", "failed", "running", "runnable"} <= set(legend)
    assert any("3 children" in t.get_text() for t in ax.texts)


def test_timeline_from_a_dataframe_equals_from_models() -> None:
    batch = _fake().batch_client()
    models = batch.list_jobs("q", status="ALL").to_list()
    frame = batch.list_jobs("q", status="ALL").to_pandas()
    from_models = timeline(models, ax=Figure().subplots(), now=NOW)
    from_frame = timeline(frame, ax=Figure().subplots(), now=NOW)
    assert [t.get_text() for t in from_models.get_yticklabels()] == [
        t.get_text() for t in from_frame.get_yticklabels()
    ]
    assert [_width(p) for p in from_models.patches] == pytest.approx(
        [_width(p) for p in from_frame.patches]
    )


def test_status_counts_stack_per_bin() -> None:
    batch = _fake().batch_client()
    jobs = batch.list_jobs("q", status="ALL").to_list()
    ax = status_counts(jobs, bin=timedelta(hours=1), ax=Figure().subplots())
    heights = sorted(_height(p) for p in ax.patches if _height(p) > 0)
    assert heights == [1, 1, 1, 1]  # four jobs, each alone in its hour
    assert ax.get_ylabel() == "jobs"
    by_stop = status_counts(jobs, by="stopped_at", ax=Figure().subplots())
    assert sum(_height(p) for p in by_stop.patches) == 2  # only finished jobs stopped
    with pytest.raises(ValueError, match="bin"):
        status_counts(jobs, bin=timedelta(0))
    with pytest.raises(ValueError, match="by"):
        status_counts(jobs, by="when")  # type: ignore[arg-type]


def test_public_types() -> None:
    # Here, not in tests/typing: pyright's environment there need not have matplotlib.
    from matplotlib.axes import Axes
    from typing_extensions import assert_type

    assert_type(timeline([], ax=Figure().subplots()), Axes)
    assert_type(status_counts([], ax=Figure().subplots()), Axes)


def test_empty_input_draws_empty_axes() -> None:
    assert timeline([], ax=Figure().subplots()).get_title() == "0 jobs: queue wait, then run"
    assert len(status_counts([], ax=Figure().subplots()).patches) == 0


def test_without_ax_a_new_pyplot_figure() -> None:
    import matplotlib.pyplot as plt

    plt.switch_backend("Agg")
    ax = timeline(_fake().batch_client().list_jobs("q", status="ALL"), now=NOW)
    try:
        assert ax.figure is not None
        assert len(ax.get_yticks()) == 4
    finally:
        plt.close("all")


def test_importing_batchkit_does_not_import_matplotlib() -> None:
    code = "import batchkit, batchkit.plot, sys; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False"


def test_docs_figures_are_drawn_by_the_script(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("figures", ROOT / "docs" / "figures.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.main(tmp_path)
    for path in written:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        committed = ROOT / "docs" / "img" / path.name
        assert committed.exists(), f"run python docs/figures.py and commit {committed}"
    assert "img/timeline.png" in (ROOT / "docs" / "plots.md").read_text()


# ---------------------------------------------------------------- bounded (issue 22, item 17)


def _summaries(created: list[datetime], status: str = "SUCCEEDED") -> list[JobSummary]:
    return [
        JobSummary.model_validate(
            {
                "jobId": f"j{i}",
                "jobName": f"n{i}",
                "status": status,
                "createdAt": int(moment.timestamp() * 1000),
            }
        )
        for i, moment in enumerate(created)
    ]


def test_status_counts_over_1970_and_9999_draws_a_bounded_number_of_bars() -> None:
    # 30-day bins over 8,000 years drew 97,764 bars (55 s)
    far = [
        datetime(1970, 1, 1, tzinfo=timezone.utc),
        datetime(9999, 12, 31, tzinfo=timezone.utc),
        NOW,
    ]
    jobs = _summaries(far[:2], "FAILED") + _summaries(far[1:], "SUCCEEDED")
    ax = status_counts(jobs, ax=Figure().subplots())
    assert 0 < len(ax.patches) <= 2 * 60  # two statuses, at most ~60 bins each
    assert sum(_height(p) for p in ax.patches) == 4


def test_a_bin_too_narrow_for_the_span_is_widened_with_a_note() -> None:
    jobs = _summaries([NOW - timedelta(days=3650), NOW])
    ax = status_counts(jobs, bin=timedelta(minutes=5), ax=Figure().subplots())
    assert len(ax.patches) <= 200
    assert sum(_height(p) for p in ax.patches) == 2
    assert "bin widened from 0:05:00" in ax.get_title()


def test_timeline_of_3000_jobs_draws_the_newest_200_with_a_note() -> None:
    created = [NOW - timedelta(minutes=i) for i in range(3000)]
    jobs = _summaries(created)
    ax = timeline(jobs, now=NOW)  # a new figure: its height is bounded too
    assert len(ax.get_yticks()) == 200
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "n199"  # the newest 200, the oldest of them at the top
    assert labels[-1] == "n0"
    assert "the 200 newest of 3,000 jobs shown" in ax.get_title()
    figure = ax.get_figure(root=True)
    assert figure is not None
    assert figure.get_size_inches()[1] <= 0.25 * 200 + 1.2  # height, inches
    import matplotlib.pyplot as plt

    plt.close(figure)
    ax = timeline(jobs, now=NOW, max_jobs=1000, ax=Figure().subplots())
    assert len(ax.get_yticks()) == 1000
    with pytest.raises(ValueError, match="max_jobs: must be between 1 and 1000"):
        timeline(jobs, max_jobs=3000)


@pytest.mark.sync_only
def test_without_matplotlib_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 23.20: a bare ModuleNotFoundError before; to_pandas already gave the hint."""
    import sys

    from batchkit import plot

    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib: not installed
    for draw in (plot.timeline, plot.status_counts):
        with pytest.raises(ModuleNotFoundError, match=r"pip install 'batchkit-aws\[plot\]'"):
            draw([])
