"""One invalid value never blocks a listing (issue 22 item 7).

What botocore parses is parsed with botocore's meaning: a float epoch is milliseconds
(truncated), a lone surrogate in a string is kept, an S3 timestamp without a zone is UTC.
What truly cannot be typed (an epoch out of any datetime's range, an S3 time that overflows
in UTC) raises a ``ResponseValidationError`` naming the item and the way past it -- or, with
``on_invalid="skip"``, is skipped and reported (``skipped``, a warning) while the rest of the
page and the listing go on.  Every case on the fast and the slow path, JSON and XML, on both
faces; the bodies are sent as raw bytes (``serve`` + ``RawReply``), independent of FakeAWS."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest

from batchkit import (
    BatchClient,
    InvalidParameterError,
    ResponseValidationError,
    S3BatchOperationsClient,
)
from batchkit.testing import RawReply, serve
from tests.aio_adapter import Blocking
from tests.conftest import ACCOUNT, Face, raw_client, summary

JSON = {"Content-Type": "application/json"}


def client(face: Face, service: str, fast: bool) -> tuple[Any, Any]:
    """(batchkit client on this face, its raw botocore client)."""
    if face.name == "async":
        from batchkit.aio import AsyncBatchClient, AsyncS3BatchOperationsClient

        raw = face.raw_client(service)
        if service == "batch":
            made: Any = AsyncBatchClient(raw, fast_path=fast)
        else:
            made = AsyncS3BatchOperationsClient(ACCOUNT, raw, fast_path=fast)
        return Blocking(made, face.loop), raw  # type: ignore[arg-type]
    raw = raw_client(service)
    if service == "batch":
        return BatchClient(raw, fast_path=fast), raw
    return S3BatchOperationsClient(ACCOUNT, raw, fast_path=fast), raw


def pages(raw: Any, *bodies: bytes, headers: dict[str, str] = JSON) -> None:
    """Answer the requests with ``bodies`` in turn (the last one again)."""
    queue = list(bodies)

    def answer(_operation: str, _params: dict[str, Any]) -> RawReply:
        body = queue.pop(0) if len(queue) > 1 else queue[0]
        return RawReply(200, body, headers)

    serve(raw, answer, ())


def listing(*jobs: dict[str, Any], token: str | None = None) -> bytes:
    document: dict[str, Any] = {"jobSummaryList": list(jobs)}
    if token:
        document["nextToken"] = token
    return json.dumps(document).encode()


@pytest.mark.parametrize("fast", [True, False])
def test_what_botocore_parses_is_read_with_its_meaning(face: Face, fast: bool) -> None:
    batch, raw = client(face, "batch", fast)
    float_epoch = summary(1, createdAt=1_000.9)  # milliseconds, like botocore's long
    surrogate = summary(2)
    body = listing(float_epoch, surrogate).replace(b'"train-2"', b'"a\\ud800b"')
    pages(raw, body)
    first, second = batch.list_jobs("q", status="FAILED").to_list()
    assert first.created_at == datetime(1970, 1, 1, 0, 0, 1, tzinfo=timezone.utc)
    assert second.job_name == "a\ud800b"  # kept, as botocore keeps it


@pytest.mark.parametrize("fast", [True, False])
def test_an_untypable_item_is_named_with_the_way_past_it(face: Face, fast: bool) -> None:
    batch, raw = client(face, "batch", fast)
    pages(raw, listing(summary(1), summary(2, createdAt=10**17), summary(3), token="t2"))
    pager = batch.list_jobs("q", status="FAILED")
    with pytest.raises(ResponseValidationError) as info:
        pager.to_list()
    message = str(info.value)
    assert "item 1 ('job-00002')" in message
    assert "createdAt" in message
    assert 'on_invalid="skip"' in message


@pytest.mark.parametrize("fast", [True, False])
def test_skip_leaves_the_item_out_reports_it_and_reads_on(
    face: Face, fast: bool, caplog: pytest.LogCaptureFixture
) -> None:
    batch, raw = client(face, "batch", fast)
    bad = summary(2, createdAt=10**17)
    pages(raw, listing(summary(1), bad, token="t2"), listing(summary(3)))
    pager = batch.list_jobs("q", status="FAILED", on_invalid="skip")
    with caplog.at_level(logging.WARNING, logger="batchkit"):
        jobs = pager.to_list()
    assert [j.job_id for j in jobs] == ["job-00001", "job-00003"]
    [skipped] = pager.skipped
    assert (skipped.index, skipped.item_id) == (1, "job-00002")
    assert "createdAt" in skipped.reason
    assert pager.skipped_count == 1
    assert any("skipped item 1" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("fast", [True, False])
def test_describe_jobs_skips_an_untypable_job_without_calling_it_missing(
    face: Face, fast: bool
) -> None:
    batch, raw = client(face, "batch", fast)
    good = {**summary(1), "jobQueue": "q", "jobDefinition": "d:1"}
    bad = {**summary(2), "jobQueue": "q", "jobDefinition": "d:1", "startedAt": -(10**17)}
    pages(raw, json.dumps({"jobs": [bad, good]}).encode())
    with pytest.raises(ResponseValidationError, match=r"item 0 \('job-00002'\)"):
        batch.describe_jobs(["job-00001", "job-00002"]).to_list()
    details = batch.describe_jobs(["job-00001", "job-00002"], on_invalid="skip")
    assert [j.job_id for j in details.to_list()] == ["job-00001"]
    assert [s.item_id for s in details.skipped] == ["job-00002"]
    assert details.missing_ids == ()


XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<ListJobsResult xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><Jobs>{}</Jobs>'
    "</ListJobsResult>"
)


def s3_job(job_id: str, created: str) -> str:
    return (
        f"<member><JobId>{job_id}</JobId><Status>Active</Status>"
        f"<CreationTime>{created}</CreationTime></member>"
    )


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize(
    "created", ["9999-12-31T23:00:00-05:00", "2026-11-01T00:00:00+25:00", "99999-01-01T00:00:00Z"]
)
def test_s3_times_without_a_zone_are_utc_and_overflowing_ones_can_be_skipped(
    face: Face, fast: bool, created: str
) -> None:
    s3, raw = client(face, "s3control", fast)
    body = XML.format(
        s3_job("naive", "2026-11-01T00:00:00")
        + s3_job("bad", created)
        + s3_job("ok", "2026-11-02T00:00:00Z")
    ).encode()
    pages(raw, body, headers={"Content-Type": "application/xml"})
    with pytest.raises(ResponseValidationError, match="CreationTime"):
        s3.list_jobs().to_list()
    pager = s3.list_jobs(on_invalid="skip")
    jobs = pager.to_list()
    assert [j.job_id for j in jobs] == ["naive", "ok"]
    assert jobs[0].creation_time == datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert [s.index for s in pager.skipped] == [1]


def test_on_invalid_is_checked_before_any_request(face: Face) -> None:
    batch, raw = client(face, "batch", True)
    pages(raw, b"{}")
    calls: list[Callable[[], object]] = [
        lambda: batch.list_jobs("q", on_invalid="ignore"),
        lambda: batch.list_jobs(["q", "r"], on_invalid=None),
        lambda: batch.describe_jobs(["j"], on_invalid="SKIP"),
        lambda: batch.job_queues(on_invalid=1),
    ]
    for call in calls:
        with pytest.raises(InvalidParameterError, match="on_invalid"):
            call()


@pytest.mark.usefixtures("face")
def test_a_lone_surrogate_in_a_log_message_is_kept() -> None:
    """Valid JSON botocore accepts (``"\\ud800"``): the log line is read, not an error."""
    from batchkit.testing import FakeAWS

    fake = FakeAWS()
    job = fake.add_job("q", status="FAILED", exit_code=1)
    fake.logs.append(job.job_id, "before", "bad \ud800 byte", "after")
    lines = [event.message for event in fake.batch_client().logs(job.job_id).to_list()]
    assert lines[-3:] == ["before", "bad \ud800 byte", "after"]
