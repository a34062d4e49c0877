"""BatchClient.why: the classification table, the report's content, its three faces.

The client tests run on BatchClient.why and (with aiobotocore) AsyncBatchClient.why
(tests/conftest.py's face fixture; both assemble the report with batchkit._core.report)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from rich.console import Console

from batchkit import FailureKind, FailureReport, InvalidParameterError, JobNotFoundError
from batchkit._core.report import classify
from batchkit.models import JobDetail
from batchkit.testing import FakeAWS
from tests.conftest import NO_RETRY, T0

OOM = "OutOfMemoryError: Container killed due to memory usage"


def detail(status: str = "FAILED", **members: Any) -> JobDetail:
    base = {"jobName": "n", "jobId": "1", "jobQueue": "q", "status": status}
    return JobDetail.model_validate({**base, "jobDefinition": "d", **members})


@pytest.mark.parametrize(
    ("members", "kind"),
    [
        ({"container": {"exitCode": 137}}, FailureKind.OUT_OF_MEMORY),
        ({"container": {"reason": OOM}}, FailureKind.OUT_OF_MEMORY),
        ({"statusReason": OOM, "container": {"exitCode": 137}}, FailureKind.OUT_OF_MEMORY),
        (
            {"attempts": [{"container": {"exitCode": 137, "reason": "OOMKilled"}}]},
            FailureKind.OUT_OF_MEMORY,
        ),
        (
            {
                "statusReason": "Task failed to start",
                "container": {"reason": "CannotPullContainerError: x"},
            },
            FailureKind.IMAGE_PULL,
        ),
        (
            {"statusReason": "CannotPullContainerError: pull access denied"},
            FailureKind.IMAGE_PULL,
        ),
        ({"statusReason": "Host EC2 (instance i-0abc) terminated."}, FailureKind.HOST_TERMINATED),
        (
            {"statusReason": "Your Spot Task was interrupted.", "container": {"exitCode": 143}},
            FailureKind.HOST_TERMINATED,
        ),
        (
            {
                "statusReason": "Job attempt duration exceeded timeout",
                "container": {"exitCode": 137},
            },
            FailureKind.TIMEOUT,
        ),
        ({"statusReason": "Dependent Job failed"}, FailureKind.DEPENDENCY_FAILED),
        ({"statusReason": "Cancelled by user"}, FailureKind.CANCELLED),
        (
            {"isTerminated": True, "statusReason": "stop it", "container": {"exitCode": 137}},
            FailureKind.CANCELLED,
        ),
        ({"isCancelled": True}, FailureKind.CANCELLED),
        (
            {"statusReason": "Essential container in task exited", "container": {"exitCode": 2}},
            FailureKind.NON_ZERO_EXIT,
        ),
        (
            {
                "ecsProperties": {
                    "taskProperties": [{"containers": [{"name": "app", "exitCode": 3}]}]
                }
            },
            FailureKind.NON_ZERO_EXIT,
        ),
        ({"statusReason": "Something new AWS says"}, FailureKind.UNKNOWN),
        ({}, FailureKind.UNKNOWN),
    ],
)
def test_classification_table(members: dict[str, Any], kind: FailureKind) -> None:
    assert classify(detail(**members)) == kind


@pytest.mark.parametrize("status", ["SUCCEEDED", "RUNNING", "RUNNABLE"])
def test_jobs_that_did_not_fail(status: str) -> None:
    assert classify(detail(status, container={"exitCode": 137})) == FailureKind.NOT_FAILED


def test_the_kind_is_an_open_enum() -> None:
    later = FailureKind.from_wire("GPU_XID_ERROR")
    assert not later.is_known
    assert later.value == "GPU_XID_ERROR"


@pytest.fixture
def fake() -> FakeAWS:
    return FakeAWS(now=lambda: T0)


@pytest.mark.usefixtures("face")  # BatchClient.why and AsyncBatchClient.why
def test_report_of_an_oom_job_with_attempts(fake: FakeAWS) -> None:
    attempts = [
        {
            "container": {
                "exitCode": 137,
                "reason": OOM,
                "logStreamName": "train/default/a0",
                "containerInstanceArn": "arn:aws:ecs:us-east-1:123456789012:container-instance/i0",
                "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/c/a0",
            },
            "startedAt": 1_000,
            "stoppedAt": 61_000,
            "statusReason": "Essential container in task exited",
        },
        {
            "container": {"exitCode": 137, "reason": OOM, "logStreamName": "train/default/a1"},
            "startedAt": 70_000,
            "stoppedAt": 190_000,
        },
    ]
    job = fake.add_job(
        "q",
        job_name="train",
        status="FAILED",
        exit_code=137,
        status_reason=OOM,
        attempts=attempts,
    )
    assert job.container is not None
    stream = job.container.log_stream_name  # the current (latest) attempt's stream
    assert stream is not None
    fake.logs.delete_stream("/aws/batch/job", stream)
    fake.logs.put("/aws/batch/job", stream, [f"line {i}" for i in range(30)])
    report = fake.batch_client(NO_RETRY).why(job.job_id, lines=5)
    assert isinstance(report, FailureReport)
    assert report.kind == FailureKind.OUT_OF_MEMORY
    assert report.failed
    assert report.status == "FAILED"
    assert report.exit_code == 137
    assert [a.index for a in report.attempts] == [0, 1]
    first = report.attempts[0]
    assert first.exit_code == 137
    assert first.instance is not None
    assert first.instance.endswith("container-instance/i0")
    assert first.task is not None
    assert first.duration is not None
    assert first.duration.total_seconds() == 60
    assert [line.message for line in report.log_lines] == [f"line {i}" for i in range(25, 30)]
    assert report.log_stream == stream
    assert report.job_url.endswith(f"#jobs/detail/{job.job_id}")
    assert report.log_url is not None
    assert "$252Faws$252Fbatch$252Fjob" in report.log_url
    data = json.loads(json.dumps(report.to_json_dict()))
    assert data["kind"] == "OUT_OF_MEMORY"
    assert data["attempts"][0]["duration_seconds"] == 60
    assert data["log_lines"][-1]["message"] == "line 29"


@pytest.mark.usefixtures("face")  # BatchClient.why and AsyncBatchClient.why
def test_report_faces_escape_aws_text(fake: FakeAWS) -> None:
    job = fake.add_job(
        "q",
        job_name="evil\x1b]0;pwned\x07",
        status="FAILED",
        exit_code=2,
        status_reason="<script>alert(1)</script> \x1b[2J",
    )
    fake.logs.append(job.job_id, "\x1b[31mred\x1b[0m and <b>bold</b>")
    report = fake.batch_client(NO_RETRY).why(job.job_id)
    text = str(report)
    assert "\x1b" not in text
    assert "\\x1b]0;pwned\\x07" in text
    assert "NON_ZERO_EXIT" in text
    assert "red" in text
    html = report._repr_html_()
    assert "<script>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<a href='https://us-east-1.console.aws.amazon.com/batch/home" in html
    buffer = io.StringIO()
    Console(file=buffer, force_terminal=True, markup=False, width=200).print(report)
    rendered = buffer.getvalue()
    assert "pwned" in rendered
    assert "\x1b]0;" not in rendered  # only rich's own colour codes reach the terminal


@pytest.mark.usefixtures("face")  # BatchClient.why and AsyncBatchClient.why
def test_logs_that_cannot_be_read_do_not_fail_the_report(fake: FakeAWS) -> None:
    config = {"logDriver": "fluentd", "options": {"fluentd-address": "collector:24224"}}
    job = fake.add_job(
        "q", status="FAILED", exit_code=1, container={"logConfiguration": config, "exitCode": 1}
    )
    report = fake.batch_client(NO_RETRY).why(job)
    assert isinstance(report, FailureReport)  # why() of a job that ended
    assert report.kind == FailureKind.NON_ZERO_EXIT
    assert report.log_lines == ()
    assert report.logs_error is not None
    assert "collector:24224" in report.logs_error
    fake.inject(operation="Logs.GetLogEvents", code="AccessDeniedException", status=400)
    other = fake.add_job("q", status="FAILED", exit_code=1)
    denied = fake.batch_client(NO_RETRY).why(other.job_id)
    assert isinstance(denied, FailureReport)
    assert denied.logs_error is not None
    assert "AccessDenied" in denied.logs_error


@pytest.mark.usefixtures("face")  # BatchClient.why and AsyncBatchClient.why
def test_image_pull_failure_has_no_logs_and_says_so(fake: FakeAWS) -> None:
    job = fake.add_job(
        "q", status="FAILED", status_reason="CannotPullContainerError: manifest unknown"
    )
    report = fake.batch_client(NO_RETRY).why(job.job_id)
    assert isinstance(report, FailureReport)
    assert report.kind == FailureKind.IMAGE_PULL
    assert report.logs_error == "the job has no log stream (its container never started)"
    assert "image could not be pulled" in str(report)


@pytest.mark.usefixtures("face")  # BatchClient.why and AsyncBatchClient.why
def test_array_and_multi_node_parents_report_their_failed_child(fake: FakeAWS) -> None:
    batch = fake.batch_client(NO_RETRY)
    array = fake.add_job(
        "q", status="FAILED", array_size=3, child_statuses=["SUCCEEDED", "FAILED", "SUCCEEDED"]
    )
    report = batch.why(array.job_id)
    assert isinstance(report, FailureReport)
    assert report.parent_job_id == array.job_id
    assert report.job_id == f"{array.job_id}:1"
    assert report.kind == FailureKind.NON_ZERO_EXIT
    assert report.log_lines  # the child's own stream
    nodes = fake.add_job("q", status="FAILED", num_nodes=2)
    node_report = batch.why(nodes.job_id)
    assert node_report.parent_job_id == nodes.job_id
    assert node_report.job_id.startswith(f"{nodes.job_id}#")


@pytest.mark.usefixtures("face")  # BatchClient.why and AsyncBatchClient.why
def test_a_succeeded_job_is_not_failed(fake: FakeAWS) -> None:
    job = fake.add_job("q", status="SUCCEEDED")
    report = fake.batch_client(NO_RETRY).why(job.job_id, lines=0)
    assert isinstance(report, FailureReport)
    assert report.kind == FailureKind.NOT_FAILED
    assert not report.failed
    assert report.log_lines == ()
    assert fake.calls("Logs.GetLogEvents") == 0


@pytest.mark.usefixtures("face")  # BatchClient.why and AsyncBatchClient.why
def test_why_arguments(fake: FakeAWS) -> None:
    batch = fake.batch_client(NO_RETRY)
    with pytest.raises(InvalidParameterError, match="lines"):
        batch.why("x", lines=-1)
    with pytest.raises(JobNotFoundError):
        batch.why("no-such-job")


def test_console_urls_of_other_partitions() -> None:
    from batchkit._core.locations import job_console_url, log_console_url

    assert job_console_url("j", "cn-north-1", "aws-cn").startswith(
        "https://cn-north-1.console.amazonaws.cn/batch/"
    )
    gov = log_console_url("/g", "a/b", "us-gov-west-1", "aws-us-gov")
    assert gov.startswith("https://us-gov-west-1.console.amazonaws-us-gov.com/cloudwatch/")
    assert gov.endswith("log-group/$252Fg/log-events/a$252Fb")
