"""why() and queue_health() at their edges: reads that fail part-way, a queue without a
snapshot, children that cannot all be read, the reports' faces for every part."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from rich.console import Console

from batchkit import FailureReport, QueueHealth, S3StatusReport, WaitKind, WaitReport
from batchkit._core.diagnose import is_waiting, waiting_child_status
from batchkit.models import JobDetail
from batchkit.testing import FakeAWS
from tests.conftest import NO_RETRY, T0

pytestmark = pytest.mark.usefixtures("face")


@pytest.fixture
def fake() -> FakeAWS:
    return FakeAWS(now=lambda: T0)


def rendered(report: Any) -> str:
    buffer = io.StringIO()
    Console(file=buffer, force_terminal=True, markup=False, width=200).print(report)
    return buffer.getvalue()


def test_why_queue_without_a_snapshot_lists_the_blocked_jobs(fake: FakeAWS) -> None:
    head = fake.add_job("q", status="RUNNABLE", created_at=T0 - timedelta(hours=1))
    fake.block_job(head.job_id, "MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS")
    fake.add_job("q", status="RUNNABLE", created_at=T0)
    fake.inject(operation="GetJobQueueSnapshot", code="AccessDeniedException", status=403, times=9)
    batch = fake.batch_client(NO_RETRY)
    (stuck,) = batch.why_queue("q", stuck=True)
    assert stuck.job_id == head.job_id
    assert stuck.kind == WaitKind.SERVICE_ROLE
    assert [n.check for n in stuck.checks_not_made] == ["GetJobQueueSnapshot"]
    assert len(batch.why_queue("q")) == 2  # every RUNNABLE job the listing finds


def test_queue_health_when_reads_fail(fake: FakeAWS) -> None:
    fake.add_job("q", status="RUNNABLE")
    fake.inject(operation="DescribeComputeEnvironments", code="AccessDeniedException", status=403)
    fake.inject(operation="ListJobs", code="ServerException", status=500)
    fake.inject(operation="DescribeJobs", code="ServerException", status=500)
    (health,) = fake.batch_client(NO_RETRY).queue_health(runnable_limit=10)
    assert isinstance(health, QueueHealth)
    assert health.runnable is None
    assert health.compute_environments == ()
    assert {n.check for n in health.checks_not_made} == {
        "DescribeComputeEnvironments",
        "ListJobs",
        "DescribeJobs",
    }
    assert health.healthy  # nothing seen wrong; what was not seen is listed
    assert health.problem() == ""
    skipped = fake.batch_client(NO_RETRY).queue_health("q", runnable_limit=0)
    assert skipped[0].runnable is None


def test_a_queue_invalid_or_with_broken_compute_is_unhealthy(fake: FakeAWS) -> None:
    fake.configure_queue("bad", status="INVALID", status_reason="no CE")
    fake.add_compute_environment("broken", status="INVALID")
    fake.configure_queue("nocompute", compute_environments=["broken"])
    bad, nocompute = fake.batch_client(NO_RETRY).queue_health(["bad", "nocompute"])
    assert bad.problem() == "queue INVALID: no CE"
    assert nocompute.problem() == "no usable compute environment"
    assert "nocompute" in nocompute.to_json_dict()["queue"]["name"]


def test_children_that_cannot_all_be_read(fake: FakeAWS) -> None:
    array = fake.add_job(
        "q", status="FAILED", array_size=3, child_statuses=["FAILED", "FAILED", "SUCCEEDED"]
    )
    fake.inject(operation="ListJobs", code="ServerException", status=500, on_call=1)
    report = fake.batch_client(NO_RETRY).why(array.job_id, lines=0)
    assert isinstance(report, FailureReport)
    assert report.children is not None
    assert report.children.error is not None
    assert report.children.counts == {"FAILED": 2, "SUCCEEDED": 1}  # AWS's own summary
    assert "children not all read" in str(report)
    assert "children not all read" in report._repr_html_()
    assert "array children (3)" in rendered(report)


def test_every_part_of_a_wait_report_prints(fake: FakeAWS) -> None:
    fake.add_consumable_resource("lic", total=1, in_use=1)
    fake.add_compute_environment("gone-soon", state="DISABLED")
    fake.add_compute_environment("ok", instance_types=["m5"])
    fake.configure_queue(
        "q",
        compute_environments=["gone-soon", "ok", "missing"],
        time_limit_actions=[
            {
                "reason": "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
                "state": "RUNNABLE",
                "maxTimeSeconds": 600,
                "action": "CANCEL",
            }
        ],
    )
    upstream = fake.add_job("q", status="SUCCEEDED")
    needs = [{"type": "VCPU", "value": "1"}, {"type": "GPU", "value": "0"}]
    job = fake.add_job(
        "q",
        status="RUNNABLE",
        created_at=T0 - timedelta(minutes=3),
        dependsOn=[{"jobId": upstream.job_id, "type": "SEQUENTIAL"}],
        container={"image": "busybox", "resourceRequirements": needs},
        consumableResourceProperties={
            "consumableResourceList": [{"consumableResource": "lic", "quantity": 1}]
        },
    )
    report = fake.batch_client(NO_RETRY).why(job.job_id)
    assert isinstance(report, WaitReport)
    assert report.kind == WaitKind.CONSUMABLE_RESOURCE
    assert report.queue is not None
    assert report.queue.time_limit_actions == (
        "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY after 600 s: CANCEL",
    )
    assert [(e.name, e.found) for e in report.compute_environments] == [
        ("gone-soon", True),
        ("ok", True),
        ("missing", False),
    ]
    assert report.dependencies == ()  # RUNNABLE: its dependencies were not read
    assert not report.failed
    assert report.waited is not None
    text = str(report)
    assert "missing  not found" in text
    assert "consumable lic: needs 1, 0 available of 1" in text
    assert "position" in text
    html = report._repr_html_()
    assert "<pre>" in html
    assert "consumable lic" in rendered(report)


def test_s3_reports_of_every_status(fake: FakeAWS) -> None:
    s3 = fake.s3_client()
    active = fake.add_s3_job(status="Active", total=10, succeeded=4)
    report = s3.why(active)
    assert isinstance(report, S3StatusReport)
    assert report.summary == "active: 4 of 10 task(s) succeeded"
    assert report.progress == 0.4
    assert not report.failed
    assert "40%" in str(report)
    cancelled = fake.add_s3_job(status="Cancelled", total=0)
    fake.set_s3_job_details(cancelled, status_update_reason="Cancelled by user")
    gone = s3.why(cancelled)
    assert gone.summary == "cancelled"
    assert "Cancelled by user" in str(gone)
    assert "cancelled" in rendered(gone).lower()
    assert gone.to_json_dict()["progress"] is None


def test_waiting_helpers() -> None:
    base = {"jobName": "n", "jobId": "j", "jobQueue": "q", "jobDefinition": "d"}
    assert is_waiting(JobDetail.model_validate({**base, "status": "HIBERNATING"}))
    assert not is_waiting(JobDetail.model_validate({**base, "status": "RUNNING"}))
    assert waiting_child_status({"PENDING": 2, "RUNNABLE": 0}) == "PENDING"
    assert waiting_child_status({"RUNNING": 3}) is None
