"""Display helpers: fixed DataFrame schemas, any pydantic model, no dependency on the base."""

from __future__ import annotations

import ast
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pydantic
import pytest

from batchkit import to_pandas
from batchkit._spec.display import flatten, html_row_table, html_table, schema_columns
from batchkit.models import JobDetail, JobSummary, S3BatchJob
from batchkit.testing import FakeAWS

DISPLAY = Path(__file__).parents[2] / "batchkit" / "_spec" / "display.py"


def test_display_does_not_import_the_model_base() -> None:
    tree = ast.parse(DISPLAY.read_text())
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not {m for m in imported if m.startswith("batchkit")}, imported


@pytest.mark.parametrize("model", [JobSummary, JobDetail, S3BatchJob])
def test_an_empty_listing_has_the_columns_and_dtypes_of_a_full_one(
    model: type[pydantic.BaseModel],
) -> None:
    fake = FakeAWS.demo(jobs=200)
    batch = fake.batch_client()
    full: list[Any]
    running: list[Any]
    if model is JobSummary:
        full = batch.list_jobs("etl", status="FAILED").to_list()
        running = batch.list_jobs("cpu-spot", status="RUNNING").to_list()
    elif model is JobDetail:
        ids = [j.job_id for j in batch.list_jobs("etl", status="FAILED").take(5)]
        full = list(batch.describe_jobs(ids))
        running = list(batch.describe_jobs([j.job_id for j in batch.list_jobs("cpu-spot")]))
    else:
        full = fake.s3_client().list_jobs().to_list()
        running = fake.s3_client().list_jobs(["Active"]).to_list()
    assert full
    assert running
    frames = [to_pandas(full), to_pandas(running), to_pandas([], model=model)]
    assert list(frames[0].columns) == schema_columns(model)
    for frame in frames[1:]:
        assert list(frame.columns) == list(frames[0].columns)
        assert dict(frame.dtypes) == dict(frames[0].dtypes)
    assert frames[2].empty


def test_an_integer_beyond_int64_is_na_with_a_warning_and_kept_in_attrs() -> None:
    """A raw OverflowError before (issue 22, item 17); AWS documents 32-bit integers, but a
    response may carry anything JSON can."""
    huge, low = 2**70, -(2**63) - 1
    jobs = [
        JobSummary.model_validate({"jobId": "1", "jobName": "a", "container": {"exitCode": huge}}),
        JobSummary.model_validate({"jobId": "2", "jobName": "b", "container": {"exitCode": 3}}),
        JobSummary.model_validate({"jobId": "3", "jobName": "c", "container": {"exitCode": low}}),
    ]
    with pytest.warns(RuntimeWarning, match=r"container.exit_code \(2 cell\(s\)\)"):
        frame = to_pandas(jobs)
    column = frame["container.exit_code"]
    assert str(column.dtype) == "Int64"  # the column's type is kept
    assert column.isna().tolist() == [True, False, True]
    assert column[1] == 3
    assert frame.attrs["batchkit_out_of_range"] == {"container.exit_code": {0: huge, 2: low}}
    assert frame["job_id"].tolist() == ["1", "2", "3"]  # nothing else is lost


def test_dtypes_come_from_the_field_types() -> None:
    running = JobSummary.model_validate({"jobId": "1", "jobName": "n", "status": "RUNNING"})
    failed = JobSummary.model_validate(
        {
            "jobId": "2",
            "jobName": "n",
            "status": "FAILED",
            "createdAt": 1_000,
            "container": {"exitCode": -1, "reason": "=oops"},
            "futureMember": "kept out of the columns",
        }
    )
    frame = to_pandas([running, failed])
    assert str(frame["container.exit_code"].dtype) == "Int64"  # not float: <NA>, -1
    assert frame["container.exit_code"].isna().tolist() == [True, False]
    assert frame.loc[1, "container.exit_code"] == -1
    assert isinstance(frame["created_at"].dtype, pd.DatetimeTZDtype)
    assert str(frame["created_at"].dt.tz) == "UTC"
    assert frame.loc[1, "created_at"] == pd.Timestamp(1_000, unit="ms", tz="UTC")
    assert frame["status"].tolist() == ["RUNNING", "FAILED"]
    assert all(type(v) is str for v in frame["status"])
    assert str(frame["node_properties.is_main_node"].dtype) == "boolean"
    assert "futureMember" not in frame.columns
    only_running = to_pandas([running])
    assert list(only_running.columns) == list(frame.columns)
    assert dict(only_running.dtypes) == dict(frame.dtypes)


def test_times_before_1677_and_after_2262_fit() -> None:
    early = JobSummary.model_validate({"jobId": "1", "jobName": "n", "createdAt": -62135596800000})
    frame = to_pandas([early])
    assert frame["created_at"].dt.year.tolist() == [1]


def test_flatten_and_html_work_on_any_pydantic_model() -> None:
    class Inner(pydantic.BaseModel):
        code: int
        when: datetime

    class Outer(pydantic.BaseModel):
        name: str
        inner: Inner | None = None
        tags: dict[str, str] = {}

    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    row = Outer(name="<x>", inner=Inner(code=3, when=when), tags={"a": "b"})
    assert flatten(row) == {"name": "<x>", "inner.code": 3, "inner.when": when, "tags": {"a": "b"}}
    assert "&lt;x&gt;" in html_row_table(row)
    assert "inner.code" in html_table([row], "rows")
    assert schema_columns(Outer) == ["name", "inner.code", "inner.when", "tags"]
    frame = to_pandas([], model=Outer)
    assert list(frame.columns) == ["name", "inner.code", "inner.when", "tags"]
    assert str(frame["inner.code"].dtype) == "Int64"
    assert isinstance(frame["inner.when"].dtype, pd.DatetimeTZDtype)


def test_no_rows_and_no_model_is_an_empty_frame() -> None:
    assert to_pandas([]).empty
    assert list(to_pandas([]).columns) == []
