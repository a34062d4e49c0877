"""Against moto's CloudWatch Logs (an implementation we did not write): GetLogEvents read
through batchkit's operations-table row, page source and pager -- forward paging, the
repeated-forward-token end, the tail, resuming -- and the same answers from FakeAWS."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from moto import mock_aws

from batchkit import BatchClient, LogStreamNotFoundError
from batchkit._core.locations import LogLocation
from batchkit._sync.logs import stream_pager
from batchkit.testing import FakeAWS

REGION = "us-east-1"
GROUP = "/aws/batch/job"
STREAM = "train/default/0123456789abcdef"
# CloudWatch (and moto) reject events more than 14 days old: an hour ago, whole seconds.
T0 = (datetime.now(timezone.utc) - timedelta(hours=1)).replace(microsecond=0)
T0_MS = int(T0.timestamp() * 1000)
LINES = [f"line {i}" for i in range(23)]


@pytest.fixture
def moto_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        logs: Any = boto3.client("logs", region_name=REGION)
        logs.create_log_group(logGroupName=GROUP)
        logs.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)
        logs.put_log_events(
            logGroupName=GROUP,
            logStreamName=STREAM,
            logEvents=[{"timestamp": T0_MS + i * 1000, "message": m} for i, m in enumerate(LINES)],
        )
        yield logs


WHERE = LogLocation(job_id="j", group=GROUP, stream=STREAM, region=REGION)


def read(client: Any, **kwargs: Any) -> list[str]:
    return [event.message for event in stream_pager(client, WHERE, **kwargs)]


def test_forward_paging_ends_on_the_repeated_token(moto_logs: Any) -> None:
    pager = stream_pager(moto_logs, WHERE, page_size=5)
    events = pager.to_list()
    assert [e.message for e in events] == LINES
    assert events[0].timestamp == T0
    assert pager.requests_made == 6  # 5+5+5+5+3, then moto repeats the forward token
    assert pager.done
    assert pager.resume_token is not None  # the open end


def test_tail_and_resume_against_moto(moto_logs: Any) -> None:
    assert read(moto_logs, tail=4) == LINES[-4:]
    pager = stream_pager(moto_logs, WHERE, page_size=7)
    head = [e.message for e in pager.take(9)]
    rest = read(moto_logs, page_size=7, starting_token=pager.resume_token)
    assert head + rest == LINES
    end = stream_pager(moto_logs, WHERE)
    end.to_list()
    moto_logs.put_log_events(
        logGroupName=GROUP,
        logStreamName=STREAM,
        logEvents=[{"timestamp": T0_MS + 100_000, "message": "late"}],
    )
    assert read(moto_logs, starting_token=end.resume_token) == ["late"]


def test_a_missing_stream_is_typed(moto_logs: Any) -> None:
    missing = LogLocation(job_id="j", group=GROUP, stream="nope", region=REGION)
    with pytest.raises(LogStreamNotFoundError, match="nope"):
        stream_pager(moto_logs, missing).to_list()


def test_fake_and_moto_agree(moto_logs: Any) -> None:
    fake = FakeAWS()
    fake.logs.put(GROUP, STREAM, LINES, start=T0, step=timedelta(seconds=1))
    fake_client = fake.boto3_client("logs")
    for kwargs in ({}, {"page_size": 4}, {"tail": 6}, {"since": T0 + timedelta(seconds=20)}):
        from_moto = [(e.timestamp, e.message) for e in stream_pager(moto_logs, WHERE, **kwargs)]
        from_fake = [(e.timestamp, e.message) for e in stream_pager(fake_client, WHERE, **kwargs)]
        assert from_fake == from_moto, kwargs


def test_batch_client_reads_moto_logs_for_a_job(moto_logs: Any) -> None:
    """The whole path: a job's detail (as DescribeJobs returns it) to moto's stream."""
    from batchkit.models import JobDetail

    job = JobDetail.model_validate(
        {
            "jobArn": f"arn:aws:batch:{REGION}:123456789012:job/j1",
            "jobName": "train",
            "jobId": "j1",
            "jobQueue": "q",
            "status": "SUCCEEDED",
            "jobDefinition": "train:1",
            "container": {"logStreamName": STREAM},
        }
    )
    batch = BatchClient(region_name=REGION)
    assert [e.message for e in batch.logs(job)] == LINES
