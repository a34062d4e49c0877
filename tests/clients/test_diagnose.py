"""why() of a job that has not started: each WaitKind built in FakeAWS, with its evidence;
the precedence; checks that cannot be made; parents' children; why_queue; queue_health.

Every test taking ``face`` runs on BatchClient and (with aiobotocore) AsyncBatchClient: both
decide with batchkit._core.diagnose and read with the loop of batchkit._async.diagnose."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from rich.console import Console

from batchkit import (
    FailureKind,
    FailureReport,
    InvalidParameterError,
    JobReport,
    WaitKind,
    WaitReport,
)
from batchkit.testing import FakeAWS
from tests.conftest import NO_RETRY, T0

pytestmark = pytest.mark.usefixtures("face")  # BatchClient and AsyncBatchClient


def needs(vcpus: float = 1, memory: int = 512, gpus: int = 0) -> dict[str, Any]:
    items = [
        {"type": "VCPU", "value": f"{vcpus:g}"},
        {"type": "MEMORY", "value": str(memory)},
    ]
    if gpus:
        items.append({"type": "GPU", "value": str(gpus)})
    return {"image": "busybox", "resourceRequirements": items}


@pytest.fixture
def fake() -> FakeAWS:
    return FakeAWS(now=lambda: T0)


def why(fake: FakeAWS, job: Any) -> WaitReport:
    report = fake.batch_client(NO_RETRY).why(job)
    assert isinstance(report, WaitReport), report
    assert isinstance(report, JobReport)
    return report


def queued_job(fake: FakeAWS, queue: str = "q", minutes: int = 5, **members: Any) -> Any:
    return fake.add_job(
        queue, status="RUNNABLE", created_at=T0 - timedelta(minutes=minutes), **members
    )


# ----------------------------------------------------------------------------- each kind


def test_dependency_names_the_jobs_it_waits_for_and_reads_no_queue(fake: FakeAWS) -> None:
    upstream = fake.add_job("q", job_name="ingest", status="RUNNING")
    done = fake.add_job("q", job_name="prepare", status="SUCCEEDED")
    job = fake.add_job(
        "q",
        status="PENDING",
        dependsOn=[{"jobId": upstream.job_id}, {"jobId": done.job_id}],
    )
    report = why(fake, job.job_id)
    assert report.kind == WaitKind.DEPENDENCY
    assert report.waiting
    assert report.status == "PENDING"
    assert {(d.job_id, d.job_name, d.status) for d in report.dependencies} == {
        (upstream.job_id, "ingest", "RUNNING"),
        (done.job_id, "prepare", "SUCCEEDED"),
    }
    assert f"ingest {upstream.job_id} (RUNNING)" in report.summary
    assert "prepare" not in report.summary  # ended: not what it waits for
    assert fake.calls("DescribeJobQueues") == 0  # the dependency decides: nothing more read


def test_queue_disabled(fake: FakeAWS) -> None:
    fake.configure_queue("q", state="DISABLED")
    report = why(fake, queued_job(fake).job_id)
    assert report.kind == WaitKind.QUEUE_DISABLED
    assert report.queue is not None
    assert (report.queue.name, report.queue.state) == ("q", "DISABLED")
    assert fake.calls("DescribeComputeEnvironments") == 0


def test_queue_invalid_with_its_reason(fake: FakeAWS) -> None:
    fake.configure_queue("q", status="INVALID", status_reason="CE arn is not VALID")
    report = why(fake, queued_job(fake).job_id)
    assert report.kind == WaitKind.QUEUE_INVALID
    assert "CE arn is not VALID" in report.summary
    assert report.queue is not None
    assert report.queue.status_reason == "CE arn is not VALID"


def test_no_valid_compute_names_each_environment_with_its_reason(fake: FakeAWS) -> None:
    fake.add_compute_environment("ce-a", status="INVALID", status_reason="serviceRole missing")
    fake.add_compute_environment("ce-b", state="DISABLED")
    fake.configure_queue("q", compute_environments=["ce-a", "ce-b"])
    report = why(fake, queued_job(fake).job_id)
    assert report.kind == WaitKind.NO_VALID_COMPUTE
    assert "ce-a ENABLED/INVALID (serviceRole missing)" in report.summary
    assert "ce-b DISABLED/VALID" in report.summary
    assert [(e.name, e.order, e.usable) for e in report.compute_environments] == [
        ("ce-a", 1, False),
        ("ce-b", 2, False),
    ]
    assert fake.calls("EC2.DescribeInstanceTypes") == 0


def test_resource_requirement_names_the_closest_fit_and_the_memory_shortfall(
    fake: FakeAWS,
) -> None:
    """The classic: all of an 8 GiB instance's memory, part of which the host keeps."""
    fake.add_compute_environment("small", instance_types=["m5.large"], max_vcpus=16)
    fake.configure_queue("q", compute_environments=["small"])
    job = queued_job(fake, container=needs(2, 8192))
    report = why(fake, job.job_id)
    assert report.kind == WaitKind.RESOURCE_REQUIREMENT
    assert report.requirement is not None
    assert (report.requirement.vcpus, report.requirement.memory_mib) == (2, 8192)
    shortfall = report.shortfall
    assert shortfall is not None
    assert shortfall.closest is not None
    assert shortfall.closest.instance_type == "m5.large"
    assert (shortfall.closest.memory_mib, shortfall.closest.usable_memory_mib) == (8192, 7953)
    assert (shortfall.vcpus, shortfall.memory_mib, shortfall.gpus) == (0, 239, 0)
    assert "short by 239 MiB memory" in report.summary


def test_resource_requirement_for_gpus_and_for_max_vcpus(fake: FakeAWS) -> None:
    fake.add_compute_environment("cpu", instance_types=["c5"], max_vcpus=256)
    fake.configure_queue("cpu-q", compute_environments=["cpu"])
    gpu = why(fake, queued_job(fake, "cpu-q", container=needs(4, 4096, gpus=1)).job_id)
    assert gpu.kind == WaitKind.RESOURCE_REQUIREMENT
    assert gpu.shortfall is not None
    assert gpu.shortfall.gpus == 1
    fake.add_compute_environment("capped", instance_types=["m5"], max_vcpus=16)
    fake.configure_queue("capped-q", compute_environments=["capped"])
    wide = why(fake, queued_job(fake, "capped-q", container=needs(64, 4096)).job_id)
    assert wide.kind == WaitKind.RESOURCE_REQUIREMENT
    assert wide.shortfall is not None
    assert wide.shortfall.max_vcpus == 48  # m5.24xlarge has the vCPUs, maxvCpus does not
    assert "48 vCPU more than the largest maxvCpus" in wide.summary


def test_fargate_limits(fake: FakeAWS) -> None:
    fake.add_compute_environment("fg", type="FARGATE", max_vcpus=64)
    fake.configure_queue("q", compute_environments=["fg"])
    too_big = why(fake, queued_job(fake, container=needs(32, 4096)).job_id)
    assert too_big.kind == WaitKind.RESOURCE_REQUIREMENT
    assert too_big.shortfall is not None
    assert too_big.shortfall.closest is not None
    assert too_big.shortfall.closest.instance_type == "Fargate"
    assert fake.calls("EC2.DescribeInstanceTypes") == 0  # Fargate has no instance types
    fits = why(fake, queued_job(fake, container=needs(16, 122880)).job_id)
    assert fits.kind == WaitKind.QUEUED


def test_max_resource_from_the_vcpu_figures_and_from_aws(fake: FakeAWS) -> None:
    fake.add_compute_environment("full", instance_types=["m5"], desired_vcpus=64, max_vcpus=64)
    fake.configure_queue("q", compute_environments=["full"])
    report = why(fake, queued_job(fake).job_id)
    assert report.kind == WaitKind.MAX_RESOURCE
    assert "full min 0 / desired 64 / max 64 vCPU" in report.summary
    coded = queued_job(fake, "other")
    fake.block_job(coded.job_id, "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE")
    aws = why(fake, coded.job_id)
    assert aws.kind == WaitKind.MAX_RESOURCE
    assert aws.aws is not None
    assert aws.aws.code == "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE"


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", WaitKind.CAPACITY),
        ("MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS", WaitKind.SERVICE_ROLE),
        (
            "MISCONFIGURATION:EC2_INSTANCE_CONFIGURATION_UNSUPPORTED",
            WaitKind.INSTANCE_CONFIGURATION,
        ),
        ("ACTION_REQUIRED", WaitKind.ACTION_REQUIRED),
        ("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT", WaitKind.RESOURCE_REQUIREMENT),
    ],
)
def test_aws_blocked_queue_codes(fake: FakeAWS, code: str, kind: WaitKind) -> None:
    job = queued_job(fake)
    fake.block_job(job.job_id, code, "what AWS says")
    report = why(fake, job.job_id)
    assert report.kind == kind
    assert report.aws is not None
    assert (report.aws.code, report.aws.message) == (code, "what AWS says")
    assert report.summary.startswith(f"AWS says {code}: what AWS says")
    assert report.blocked


def test_action_required_names_the_invalid_environments(fake: FakeAWS) -> None:
    fake.add_compute_environment("broken", status="INVALID", status_reason="subnet deleted")
    fake.add_compute_environment("fine")
    fake.configure_queue("q", compute_environments=["broken", "fine"])
    job = queued_job(fake)
    fake.block_job(job.job_id, "ACTION_REQUIRED")
    report = why(fake, job.job_id)
    assert report.kind == WaitKind.ACTION_REQUIRED
    assert "broken ENABLED/INVALID (subnet deleted)" in report.summary


def test_consumable_resource(fake: FakeAWS) -> None:
    fake.add_consumable_resource("license", total=4, in_use=3)
    job = queued_job(
        fake,
        consumableResourceProperties={
            "consumableResourceList": [{"consumableResource": "license", "quantity": 2}]
        },
    )
    report = why(fake, job.job_id)
    assert report.kind == WaitKind.CONSUMABLE_RESOURCE
    (short,) = report.consumables
    assert (short.name, short.needed, short.available, short.in_use, short.total) == (
        "license",
        2,
        1,
        3,
        4,
    )
    enough = queued_job(
        fake,
        consumableResourceProperties={
            "consumableResourceList": [{"consumableResource": "license", "quantity": 1}]
        },
    )
    assert why(fake, enough.job_id).kind != WaitKind.CONSUMABLE_RESOURCE


def test_behind_a_blocked_job(fake: FakeAWS) -> None:
    head = queued_job(fake, minutes=30)
    fake.block_job(head.job_id, "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY")
    behind = queued_job(fake, minutes=10)
    report = why(fake, behind.job_id)
    assert report.kind == WaitKind.BEHIND_BLOCKED_JOB
    assert report.blocked_by is not None
    assert (report.blocked_by.job_id, report.blocked_by.code) == (
        head.job_id,
        "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
    )
    assert report.aws is None  # jobs behind the head carry no code


def test_queued_with_its_position_and_the_front_wait(fake: FakeAWS) -> None:
    first = queued_job(fake, minutes=40)
    queued_job(fake, minutes=20)
    third = queued_job(fake, minutes=5)
    report = why(fake, third.job_id)
    assert report.kind == WaitKind.QUEUED
    assert not report.blocked
    position = report.position
    assert position is not None
    assert (position.position, position.listed, position.front_job_id) == (3, 3, first.job_id)
    assert position.front_since == T0 - timedelta(minutes=40)
    assert position.at_position_since == T0 - timedelta(minutes=5)
    assert report.waiting_since == T0 - timedelta(minutes=5)
    assert "position 3 of 3" in report.summary
    assert "front job has been there 40m00s" in report.summary


def test_starting(fake: FakeAWS) -> None:
    job = fake.add_job(
        "q",
        status="STARTING",
        container={"image": "ghcr.io/x/big:1", "taskArn": "arn:aws:ecs:us-east-1:1:task/c/t1"},
    )
    report = why(fake, job.job_id)
    assert report.kind == WaitKind.STARTING
    assert "ghcr.io/x/big:1" in report.summary
    assert "t1" in report.summary
    assert fake.calls("DescribeJobQueues") == 0


def test_undetermined_from_aws_and_when_the_compute_cannot_be_read(fake: FakeAWS) -> None:
    job = queued_job(fake)
    fake.block_job(job.job_id, "UNDETERMINED")
    report = why(fake, job.job_id)
    assert report.kind == WaitKind.UNDETERMINED
    assert report.aws is not None
    assert report.aws.code == "UNDETERMINED"
    fake.inject(operation="DescribeComputeEnvironments", code="AccessDeniedException", status=403)
    unread = why(fake, queued_job(fake, minutes=10).job_id)  # ahead of the blocked one
    assert unread.kind == WaitKind.UNDETERMINED
    (note,) = unread.checks_not_made
    assert note.check == "DescribeComputeEnvironments"
    assert note.reason == "no permission (AccessDeniedException)"


def test_undetermined_code_lets_batchkit_find_the_cause(fake: FakeAWS) -> None:
    fake.add_compute_environment("small", instance_types=["m5.large"])
    fake.configure_queue("q", compute_environments=["small"])
    job = queued_job(fake, container=needs(4, 1024))
    fake.block_job(job.job_id, "UNDETERMINED")
    report = why(fake, job.job_id)
    assert report.kind == WaitKind.RESOURCE_REQUIREMENT  # batchkit fills in where AWS cannot
    assert report.aws is not None
    assert report.aws.code == "UNDETERMINED"


# ----------------------------------------------------------------------------- precedence


def test_precedence_through_the_fake(fake: FakeAWS) -> None:
    """Several problems at once: the first in the documented order wins."""
    fake.add_compute_environment("broken", status="INVALID", status_reason="bad role")
    fake.configure_queue("q", compute_environments=["broken"], state="DISABLED")
    upstream = fake.add_job("q", status="RUNNING")
    pending = fake.add_job("q", status="PENDING", dependsOn=[{"jobId": upstream.job_id}])
    assert why(fake, pending.job_id).kind == WaitKind.DEPENDENCY
    runnable = queued_job(fake, container=needs(999, 10**7))
    assert why(fake, runnable.job_id).kind == WaitKind.QUEUE_DISABLED
    fake.configure_queue("q", state="ENABLED")
    assert why(fake, runnable.job_id).kind == WaitKind.NO_VALID_COMPUTE
    fake.block_job(runnable.job_id, "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY")
    assert why(fake, runnable.job_id).kind == WaitKind.CAPACITY  # AWS's code wins


# ----------------------------------------------------------------------------- no-fail checks


def test_checks_that_cannot_be_made_never_fail_the_report(fake: FakeAWS) -> None:
    fake.add_compute_environment("small", instance_types=["m5.large"])
    fake.configure_queue("q", compute_environments=["small"])
    fake.inject(operation="EC2.DescribeInstanceTypes", code="UnauthorizedOperation", status=403)
    fake.inject(
        operation="GetJobQueueSnapshot",
        code="UnknownOperationException",
        message="Not yet implemented",
        status=404,
    )
    report = why(fake, queued_job(fake, container=needs(2, 8192)).job_id)
    assert {(n.check, n.reason) for n in report.checks_not_made} == {
        ("EC2.DescribeInstanceTypes", "no permission (UnauthorizedOperation)"),
        ("GetJobQueueSnapshot", "the endpoint does not implement it"),
    }
    # without instance sizes the memory shortfall is not claimed; nothing else is wrong
    assert report.kind == WaitKind.QUEUED
    assert report.position is None
    assert "not checked: EC2.DescribeInstanceTypes: no permission" in str(report)


# ----------------------------------------------------------------------------- parents


def test_a_failed_array_parent_summarises_all_children(fake: FakeAWS) -> None:
    array = fake.add_job(
        "q",
        status="FAILED",
        array_size=6,
        child_statuses=["SUCCEEDED", "FAILED", "FAILED", "FAILED", "RUNNING", "RUNNABLE"],
    )
    fake.update_job(
        f"{array.job_id}:2", container={"exitCode": 137}, statusReason="OutOfMemoryError: killed"
    )
    report = fake.batch_client(NO_RETRY).why(array.job_id, lines=0)
    assert isinstance(report, FailureReport)
    assert report.parent_job_id == array.job_id  # the first failed child's report, as before
    children = report.children
    assert children is not None
    assert (children.kind, children.total) == ("array", 6)
    assert children.counts["FAILED"] == 3
    assert children.counts["SUCCEEDED"] == 1
    groups = {(g.kind, g.exit_code): (g.count, g.job_ids) for g in children.failures}
    assert groups[FailureKind.NON_ZERO_EXIT, 1] == (2, (f"{array.job_id}:1", f"{array.job_id}:3"))
    assert groups[FailureKind.OUT_OF_MEMORY, 137] == (1, (f"{array.job_id}:2",))
    assert children.failures[0].count == 2  # largest group first
    assert "3 failed" not in str(report)
    assert "array children (6)" in str(report)


def test_a_multi_node_parent_counts_its_nodes(fake: FakeAWS) -> None:
    nodes = fake.add_job("q", status="SUCCEEDED", num_nodes=3)
    report = fake.batch_client(NO_RETRY).why(nodes.job_id, lines=0)
    assert isinstance(report, FailureReport)
    assert report.children is not None
    assert report.children.kind == "multi-node"
    assert report.children.counts == {"SUCCEEDED": 3}


def test_a_waiting_array_parent_reports_on_a_waiting_child(fake: FakeAWS) -> None:
    fake.add_compute_environment("full", desired_vcpus=8, max_vcpus=8)
    fake.configure_queue("q", compute_environments=["full"])
    array = fake.add_job(
        "q", status="PENDING", array_size=3, child_statuses=["SUCCEEDED", "RUNNABLE", "PENDING"]
    )
    report = why(fake, array.job_id)
    assert report.parent_job_id == array.job_id
    assert report.job_id == f"{array.job_id}:1"  # the RUNNABLE child: furthest along
    assert report.kind == WaitKind.MAX_RESOURCE
    assert report.children is not None
    assert report.children.counts["RUNNABLE"] == 1


# ----------------------------------------------------------------------------- faces


def test_the_report_prints_safely_everywhere(fake: FakeAWS) -> None:
    job = fake.add_job("q", job_name="evil\x1b]0;pwned\x07", status="RUNNABLE")
    fake.block_job(job.job_id, "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", "<b>no</b>\x1b[2J m5")
    report = why(fake, job.job_id)
    text = str(report)
    assert "\x1b" not in text
    assert "\\x1b]0;pwned\\x07" in text
    assert "CAPACITY -- AWS says CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY" in text
    html = report._repr_html_()
    assert "<b>no</b>" not in html
    assert "&lt;b&gt;no&lt;/b&gt;" in html
    buffer = io.StringIO()
    Console(file=buffer, force_terminal=True, markup=False, width=200).print(report)
    assert "\x1b]0;" not in buffer.getvalue()
    assert "pwned" in buffer.getvalue()
    data = json.loads(json.dumps(report.to_json_dict()))
    assert data["kind"] == "CAPACITY"
    assert data["report_type"] == "wait"
    assert data["aws"]["code"] == "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"


def test_why_takes_a_summary_or_a_detail(fake: FakeAWS) -> None:
    job = queued_job(fake)
    batch = fake.batch_client(NO_RETRY)
    summary = batch.list_jobs("q", status="RUNNABLE").first()
    assert summary is not None
    assert why(fake, summary).job_id == job.job_id
    before = fake.calls("DescribeJobs")
    assert why(fake, job).kind == WaitKind.QUEUED
    assert fake.calls("DescribeJobs") == before  # a detail is not described again
    with pytest.raises(InvalidParameterError, match="job: expected a job id"):
        batch.why(42)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- queues


def test_why_queue_reports_the_front_and_the_stuck(fake: FakeAWS) -> None:
    head = queued_job(fake, minutes=30)
    fake.block_job(head.job_id, "MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS")
    second = queued_job(fake, minutes=20)
    queued_job(fake, minutes=10)
    batch = fake.batch_client(NO_RETRY)
    front = batch.why_queue("q", limit=2)
    assert [(r.job_id, r.kind) for r in front] == [
        (head.job_id, WaitKind.SERVICE_ROLE),
        (second.job_id, WaitKind.BEHIND_BLOCKED_JOB),
    ]
    stuck = batch.why_queue(fake.queue_arn("q"), stuck=True)
    assert [r.job_id for r in stuck] == [head.job_id]
    assert fake.calls("DescribeJobQueues") == 2  # the queue is read once a call
    with pytest.raises(InvalidParameterError, match="limit"):
        batch.why_queue("q", limit=0)


def test_queue_health(fake: FakeAWS) -> None:
    fake.add_compute_environment("spot", type="SPOT", desired_vcpus=16, max_vcpus=256)
    fake.configure_queue("etl", compute_environments=["spot"])
    fake.configure_queue("off", state="DISABLED")
    head = queued_job(fake, "etl", minutes=45)
    fake.block_job(head.job_id, "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY")
    for minutes in (30, 20, 10):
        queued_job(fake, "etl", minutes=minutes)
    batch = fake.batch_client(NO_RETRY)
    etl, off = batch.queue_health(["etl", "off"], runnable_limit=3)
    assert etl.queue.name == "etl"
    assert (etl.runnable, etl.runnable_capped) == (3, True)
    assert etl.front_job_id == head.job_id
    assert etl.front_since == T0 - timedelta(minutes=45)
    assert etl.blocked is not None
    assert etl.blocked.code.startswith("CAPACITY")
    (spot,) = etl.compute_environments
    assert (spot.name, spot.desired_vcpus, spot.max_vcpus) == ("spot", 16, 256)
    assert not etl.healthy
    assert etl.problem() == "blocked: CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"
    assert off.problem() == "queue DISABLED"
    assert json.loads(json.dumps(etl.to_json_dict()))["healthy"] is False
    with pytest.raises(InvalidParameterError, match="runnable_limit"):
        batch.queue_health(runnable_limit=-1)


def test_why_queue_of_an_unknown_queue_and_a_refused_one(fake: FakeAWS) -> None:
    from batchkit import AccessDeniedError, NotFoundError

    batch = fake.batch_client(NO_RETRY)
    with pytest.raises(NotFoundError, match="no job queue 'nope'"):
        batch.why_queue("nope")
    fake.add_queue("q")
    fake.inject(operation="DescribeJobQueues", code="AccessDeniedException", status=403)
    with pytest.raises(AccessDeniedError):  # the queue asked about: its error is raised
        batch.why_queue("q")
    job = queued_job(fake)
    fake.inject(operation="DescribeJobQueues", code="AccessDeniedException", status=403)
    report = why(fake, job.job_id)  # for a job, the queue is evidence: a check not made
    assert [n.check for n in report.checks_not_made] == ["DescribeJobQueues"]
    assert report.kind == WaitKind.UNDETERMINED
