"""The benchmarks' data: AWS Batch and S3 Control items as the services send them.

Kept free of batchkit (and boto3) imports: the loopback server of ``bench/latency.py`` and
the fresh processes of the first-item benchmark build or read these without loading the
code under test.  Every builder is deterministic (item ``i`` is always the same bytes), so
two processes agree on ids without exchanging data.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any
from xml.sax.saxutils import escape

T0 = 1_763_000_000_000  # epoch ms
ACCOUNT = "123456789012"
#: Every status of a Batch job, in lifecycle order (AWS's ``JobStatus``).
STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
_STARTED = frozenset({"STARTING", "RUNNING", "SUCCEEDED", "FAILED"})
_DONE = frozenset({"SUCCEEDED", "FAILED"})


def summary(i: int) -> dict[str, Any]:
    return {
        "jobArn": f"arn:aws:batch:us-east-1:{ACCOUNT}:job/{job_id(i)}",
        "jobId": job_id(i),
        "jobName": f"train-resnet-{i % 17}",
        "createdAt": T0 - i * 60_000,
        "status": "FAILED" if i % 9 == 0 else "SUCCEEDED",
        "statusReason": "Essential container in task exited",
        "startedAt": T0 - i * 60_000 + 30_000,
        "stoppedAt": T0 - i * 60_000 + 330_000,
        "container": {"exitCode": 1 if i % 9 == 0 else 0},
        "jobDefinition": f"arn:aws:batch:us-east-1:{ACCOUNT}:job-definition/train:{i % 4 + 1}",
        "shareIdentifier": "team-vision",
    }


def detail(i: int) -> dict[str, Any]:
    """A full, realistic DescribeJobs item (about 1.3 KB of JSON)."""
    base = summary(i)
    log_stream = f"train/default/{base['jobId']}"
    container = {
        "image": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/train:2026.11.{i % 30}",
        "command": ["python", "-m", "train", "--epochs", "10", f"--seed={i}"],
        "jobRoleArn": f"arn:aws:iam::{ACCOUNT}:role/batch-job",
        "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/batch-exec",
        "volumes": [{"name": "scratch", "host": {"sourcePath": "/scratch"}}],
        "environment": [{"name": f"VAR_{k}", "value": f"value-{k}-{i}"} for k in range(6)],
        "mountPoints": [
            {"containerPath": "/scratch", "readOnly": False, "sourceVolume": "scratch"}
        ],
        "ulimits": [{"hardLimit": 65535, "name": "nofile", "softLimit": 65535}],
        "exitCode": base["container"]["exitCode"],
        "containerInstanceArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:container-instance/{i:08x}",
        "taskArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:task/batch/{i:032x}",
        "logStreamName": log_stream,
        "networkInterfaces": [{"attachmentId": f"eni-{i:08x}", "privateIpv4Address": "10.0.3.7"}],
        "resourceRequirements": [
            {"value": "4", "type": "VCPU"},
            {"value": "16384", "type": "MEMORY"},
        ],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {"awslogs-group": "/aws/batch/job"},
        },
    }
    attempt = {
        "container": {
            "containerInstanceArn": container["containerInstanceArn"],
            "taskArn": container["taskArn"],
            "exitCode": container["exitCode"],
            "logStreamName": log_stream,
            "networkInterfaces": container["networkInterfaces"],
        },
        "startedAt": base["startedAt"],
        "stoppedAt": base["stoppedAt"],
        "statusReason": base["statusReason"],
    }
    return {
        "jobArn": base["jobArn"],
        "jobName": base["jobName"],
        "jobId": base["jobId"],
        "jobQueue": f"arn:aws:batch:us-east-1:{ACCOUNT}:job-queue/cpu-spot",
        "status": base["status"],
        "shareIdentifier": "team-vision",
        "schedulingPriority": 10,
        "attempts": [attempt],
        "statusReason": base["statusReason"],
        "createdAt": base["createdAt"],
        "retryStrategy": {
            "attempts": 2,
            "evaluateOnExit": [{"onExitCode": "137", "action": "RETRY"}],
        },
        "startedAt": base["startedAt"],
        "stoppedAt": base["stoppedAt"],
        "dependsOn": [],
        "jobDefinition": base["jobDefinition"],
        "parameters": {"dataset": "s3://bucket/imagenet", "lr": "0.1"},
        "container": container,
        "timeout": {"attemptDurationSeconds": 86400},
        "tags": {"team": "vision", "cost-center": "1234"},
        "propagateTags": True,
        "platformCapabilities": ["EC2"],
    }


def service_summary(i: int) -> dict[str, Any]:
    return {
        "latestAttempt": {
            "serviceResourceId": {
                "name": "TrainingJobArn",
                "value": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:training-job/sm-{i}",
            }
        },
        "capacityUsage": [{"capacityUnit": "NUM_INSTANCES", "quantity": 2.0}],
        "createdAt": T0 - i * 60_000,
        "jobArn": f"arn:aws:batch:us-east-1:{ACCOUNT}:service-job/{i:08d}",
        "jobId": f"{i:08d}",
        "jobName": f"sm-train-{i}",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "shareIdentifier": "team-nlp",
        "status": "SUCCEEDED",
        "startedAt": T0 - i * 60_000 + 60_000,
        "stoppedAt": T0 - i * 60_000 + 600_000,
    }


S3_T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)
_S3_NS = "http://awss3control.amazonaws.com/doc/2018-08-20/"


def s3_job_xml(i: int) -> str:
    """One ``<member>`` of an S3 Control ListJobs response, as AWS writes it."""
    created = S3_T0 - timedelta(minutes=i, milliseconds=i % 1000)
    stamp = created.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    ended = ""
    status = "Active"
    if i % 3:
        status = "Complete"
        end = (created + timedelta(hours=1)).isoformat(timespec="milliseconds")
        ended = f"<TerminationDate>{end.replace('+00:00', 'Z')}</TerminationDate>"
    return (
        f"<member><JobId>{i:08x}-0c2d-4e1f-9a7b-6c5d4e3f2a1b</JobId>"
        f"<Description>{escape(f'nightly copy {i} & verify')}</Description>"
        f"<Operation>S3PutObjectCopy</Operation><Priority>{i % 100}</Priority>"
        f"<Status>{status}</Status><CreationTime>{stamp}</CreationTime>{ended}"
        "<ProgressSummary><TotalNumberOfTasks>1000</TotalNumberOfTasks>"
        f"<NumberOfTasksSucceeded>{i % 1000}</NumberOfTasksSucceeded>"
        "<NumberOfTasksFailed>0</NumberOfTasksFailed>"
        "<Timers><ElapsedTimeInActiveSeconds>3600</ElapsedTimeInActiveSeconds></Timers>"
        "</ProgressSummary></member>"
    )


def s3_pages(n: int, size: int = 100) -> dict[str | None, bytes]:
    """S3 Control ListJobs XML bodies keyed by the token that asks for them."""
    bodies: dict[str | None, bytes] = {}
    for start in range(0, n, size):
        jobs = "".join(s3_job_xml(i) for i in range(start, min(start + size, n)))
        token = f"<NextToken>p{start + size}</NextToken>" if start + size < n else ""
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<ListJobsResult xmlns="{_S3_NS}"><Jobs>{jobs}</Jobs>{token}</ListJobsResult>'
        )
        bodies[None if start == 0 else f"p{start}"] = body.encode()
    return bodies


def paged_bodies(
    items: list[dict[str, Any]], key: str, token_key: str, size: int = 100
) -> dict[str | None, bytes]:
    """JSON page bodies keyed by the token that asks for them (None: the first)."""
    bodies: dict[str | None, bytes] = {}
    for start in range(0, len(items), size):
        page: dict[str, Any] = {key: items[start : start + size]}
        if start + size < len(items):
            page[token_key] = f"p{start + size}"
        bodies[None if start == 0 else f"p{start}"] = json.dumps(page).encode()
    return bodies


def job_id(i: int) -> str:
    """The id of item ``i`` (what :func:`summary` and :func:`detail` carry)."""
    return f"{i:08d}-5c1e-4b3a-9f1e-2a6b7c8d9e0f"


def _as_status(item: dict[str, Any], status: str) -> dict[str, Any]:
    """``item`` (a summary or a detail) as a job in ``status`` looks: only a started job has
    ``startedAt``, only a finished one ``stoppedAt``, a status reason, an exit code and
    attempts."""
    item = dict(item, status=status)
    if status not in _STARTED:
        item.pop("startedAt", None)
    if status not in _DONE:
        item.pop("stoppedAt", None)
        item.pop("statusReason", None)
        if "attempts" in item:
            item["attempts"] = []
        container = {k: v for k, v in item.get("container", {}).items() if k != "exitCode"}
        if container:
            item["container"] = container
        else:
            item.pop("container", None)
    return item


def summary_as(i: int, status: str) -> dict[str, Any]:
    """:func:`summary` of a job in ``status`` (a consistent ListJobs item)."""
    return _as_status(summary(i), status)


def detail_as(i: int, status: str) -> dict[str, Any]:
    """:func:`detail` of a job in ``status`` (a consistent DescribeJobs item)."""
    return _as_status(detail(i), status)
