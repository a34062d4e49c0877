"""``batchkit.archive`` as a type checker sees it (mypy --strict and pyright strict, in nox).
Nothing here runs as a test."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
from typing_extensions import assert_type

from batchkit import BatchClient, S3BatchOperationsClient
from batchkit.aio import AsyncBatchClient
from batchkit.archive import Archive, ArchiveError, ExportReport, SqlResult, SyncReport


def archive_api(batch: BatchClient, s3: S3BatchOperationsClient) -> None:
    with Archive("sqlite:///jobs.sqlite", overlap=timedelta(minutes=5)) as archive:
        report = archive.sync(batch, ["etl"], progress=False)
        assert_type(report, SyncReport)
        assert_type(report.requests, int)
        assert_type(report.duration, timedelta)
        assert_type(archive.sync(s3), SyncReport)
        assert_type(archive.sql("SELECT 1"), SqlResult)
        assert_type(archive.sql("SELECT 1").columns, tuple[str, ...])
        assert_type(archive.queue_wait("queue"), pd.DataFrame)
        assert_type(archive.usage(["queue", "share"], freq="day"), pd.DataFrame)
        assert_type(archive.export_parquet("out"), ExportReport)
        assert_type(archive.count(), int)
        archive.sync(42)  # type: ignore[arg-type]


async def async_face(batch: AsyncBatchClient, archive: Archive) -> None:
    assert_type(await archive.sync_async(batch), SyncReport)


def errors(error: ArchiveError) -> None:
    assert_type(error.report, SyncReport | None)
    assert_type(error.resume_token, str | None)
    _: Any = error.queue
