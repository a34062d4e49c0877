"""The docs notebook runs top to bottom in a real Jupyter kernel; display and pandas helpers."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from batchkit import to_pandas
from batchkit.models import JobDetail, JobSummary
from batchkit.testing import FakeAWS

NOTEBOOK = Path(__file__).parents[2] / "docs" / "exploration.ipynb"


def test_docs_notebook_executes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend: PNG outputs
    notebook = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("<caption>ListJobs: first" in h for h in html)  # the pager's table
    assert any("<caption>JobDetail</caption>" in h for h in html)  # one job
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2  # the timeline and the status counts (batchkit.plot)


def test_pager_html_shows_rows_without_consuming_them() -> None:
    fake = FakeAWS()
    for i in range(30):
        fake.add_job("q", job_name=f"job-{i:02d}", status="RUNNING", created_at=10_000 - i)
    pager = fake.batch_client().list_jobs("q", page_size=7)
    html = pager._repr_html_()
    assert "<caption>ListJobs: first 10 rows; the rest is not fetched yet</caption>" in html
    assert "job-00" in html
    assert "job-09" in html
    assert "job-10" not in html
    assert pager.requests_made == 2  # 10 rows need 2 pages of 7, not all 5
    assert [j.job_name for j in pager] == [f"job-{i:02d}" for i in range(30)]


def test_model_html_lists_the_members_aws_sent() -> None:
    job = JobSummary.model_validate(
        {"jobId": "1", "jobName": "<etl>", "status": "FAILED", "container": {"exitCode": 3}}
    )
    html = job._repr_html_()
    assert "<caption>JobSummary</caption>" in html
    assert "&lt;etl&gt;" in html  # escaped
    assert "container.exit_code" in html
    assert "job_arn" not in html  # unset members are not shown


def test_to_pandas_dtypes() -> None:
    fake = FakeAWS.demo(jobs=300)
    batch = fake.batch_client()
    frame = batch.list_jobs("etl", status="SUCCEEDED").to_pandas()
    assert len(frame) > 0
    assert isinstance(frame["created_at"].dtype, pd.DatetimeTZDtype)
    assert str(frame["created_at"].dt.tz) == "UTC"
    assert all(type(value) is str for value in frame["status"])  # enums as plain strings
    assert "container.exit_code" in frame.columns
    details = batch.describe_jobs(frame["job_id"].head(5)).to_pandas()
    assert list(details["job_id"]) == list(frame["job_id"].head(5))
    assert isinstance(details["started_at"].dtype, pd.DatetimeTZDtype)
    s3 = fake.s3_client().list_jobs().to_pandas()
    assert isinstance(s3["creation_time"].dtype, pd.DatetimeTZDtype)
    assert to_pandas([]).empty


def test_to_pandas_of_plain_models() -> None:
    job = JobDetail.model_validate(
        {"jobName": "n", "jobId": "1", "jobQueue": "q", "status": "RUNNING", "jobDefinition": "d",
         "createdAt": 1_000}
    )  # fmt: skip
    frame = to_pandas([job])
    assert frame.loc[0, "job_queue"] == "q"
    assert frame.loc[0, "created_at"] == pd.Timestamp(1_000, unit="ms", tz="UTC")


def test_progress_bar_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    fake = FakeAWS()
    fake.add_job("q", status="RUNNING")
    assert len(fake.batch_client().list_jobs("q").to_list()) == 1
    assert capsys.readouterr().err == ""
    assert len(fake.batch_client().list_jobs("q").to_list(progress=True)) == 1
    assert "ListJobs: 1 jobs" in capsys.readouterr().err  # tqdm's bar, on stderr
