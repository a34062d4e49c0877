"""FakeAWS: an in-memory AWS Batch + S3 Control + CloudWatch Logs backend for the operations
batchkit reads.

Why: moto implements ``ListJobs`` only partly (no pagination, JOB_NAME only) and has no
``ListServiceJobs`` and no S3 Control ``ListJobs``.  FakeAWS follows the AWS documentation
for all four and plugs in *underneath* botocore, at the ``before-send`` event: botocore's
real serializer, retry handler and parsers (rest-json for Batch, rest-xml for S3 Control)
run on every call, and FakeAWS answers with the bytes AWS would send.

>>> from datetime import datetime, timezone
>>> fake = FakeAWS()
>>> job = fake.add_job("q", job_name="train-1", status="FAILED", exit_code=3)
>>> batch = fake.batch_client()
>>> [j.job_name for j in batch.list_jobs("q", status="FAILED")]
['train-1']
>>> batch.describe_job(job.job_id).exit_code
3

Behaviour (each rule is tested in ``tests/fake/test_fake.py``):

* pagination with ``nextToken`` / ``maxResults`` and opaque tokens bound to their query (Batch
  listings: cursors "after this job", so jobs changing status between pages shift nothing);
  ``maxResults`` 1..1000 for ListJobs (a filtered page holds at most 100), 1..100 for
  ListServiceJobs, 0..1000 for S3 Control;
* newest-first by ``createdAt`` (``JOB_NAME`` results grouped by name, newest first within);
* no status and no filter: RUNNING jobs only; a filter makes AWS ignore ``jobStatus``, except
  ``SHARE_IDENTIFIER`` (and ``QUOTA_SHARE_NAME`` for service jobs);
* one filter with one value; JOB_NAME case-insensitive with trailing ``*``; JOB_DEFINITION by
  name (every revision), ``name*``, or ARN (one revision, no ``*``); BEFORE/AFTER_CREATED_AT
  strictly before/after the epoch-millisecond value;
* array and multi-node children are listed only by ``arrayJobId`` / ``multiNodeJobId``, where
  filters do not apply;
* DescribeJobs: at most 100 ids (more is a ClientException), unknown ids absent, ids or ARNs;
  :meth:`FakeAWS.hide_job` leaves a job out for a while (eventual consistency after
  SubmitJob) or for good (aged out);
* S3 Control ListJobs: ``JobStatuses`` filter, and jobs that ended more than 90 days ago
  are not listed (botocore's model and the S3 User Guide: "ended within the last 90 days");
* CloudWatch Logs ``GetLogEvents``: every job's log streams, seeded on first read
  (:mod:`batchkit.testing._fake_logs`; ``fake.logs``), ``update_job`` to move a job on;
* DescribeJobQueues (``add_queue``; queues also appear on first use), paginated;
* faults: :meth:`FakeAWS.inject` (throttling, 5xx, any error, on the N-th call),
  :meth:`FakeAWS.set_latency`, and :meth:`FakeAWS.set_rate_limit` (HTTP 429 beyond N requests a
  second per operation, on a clock you can simulate); jobs move on with ``set_job_status``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
from botocore.config import Config

from batchkit._core.config import client_config as _client_config
from batchkit._spec.models.mixins import TERMINAL_BATCH_VALUES, TERMINAL_S3_VALUES
from batchkit._spec.operations import (
    DESCRIBE_JOB_QUEUES,
    DESCRIBE_JOBS,
    LIST_JOBS,
    LIST_SERVICE_JOBS,
    OPERATIONS,
    S3_LIST_JOBS,
)
from batchkit._spec.row import Operation
from batchkit._spec.time import to_epoch_millis
from batchkit._sync.client import BatchClient, S3BatchOperationsClient
from batchkit.models import JobDetail, S3BatchJob, ServiceJobSummary
from batchkit.testing._fake_logs import FakeLogs
from batchkit.testing._lifecycle import Lifecycle, status_summary
from batchkit.testing._throttle import RateLimit
from batchkit.testing._wire import AWSErrorResponse, RawReply, serve, serving_async

if TYPE_CHECKING:
    from batchkit.aio import AsyncBatchClient, AsyncS3BatchOperationsClient

__all__ = ["FAULT_KINDS", "FakeAWS", "Fault"]

_TERMINAL = TERMINAL_BATCH_VALUES
_S3_ENDED = TERMINAL_S3_VALUES
#: S3 Control ListJobs lists jobs that ended within this many days (botocore's model).
S3_LISTED_DAYS = 90


def _ms(moment: datetime | int) -> int:
    return moment if isinstance(moment, int) else to_epoch_millis(moment)


class _Reject(Exception):
    """Answer the current request with an AWS error."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


#: Transport failures :class:`Fault` can inject (``Fault(kind=...)``): the botocore
#: exception a real network problem raises, so botocore's retry handler sees the real thing.
FAULT_KINDS = (
    "error",  # an AWS error response: ``code`` with HTTP ``status`` (the default)
    "body",  # these exact ``body`` bytes with ``status``: truncated, empty, HTML, ...
    "connection-closed",  # the connection dropped before a whole response (retried)
    "connect-timeout",  # connecting timed out (retried)
    "read-timeout",  # the response did not arrive in time (retried)
    "endpoint-unreachable",  # nothing listens at the endpoint (retried)
    "no-credentials",  # the credential provider chain found nothing
    "token-cycle",  # the page's next token is its own (A -> A): a listing that follows loops
    "interrupt",  # KeyboardInterrupt, as if Ctrl-C was pressed during the request
)


@dataclass
class Fault:
    """An injected failure on matching calls.

    ``on_call`` (1-based, counted per operation) fails that call only; otherwise the next
    ``times`` matching calls fail.  ``kind`` is one of :data:`FAULT_KINDS`: an AWS error
    (``code``, HTTP ``status``: the default is throttling), a raw ``body``, a transport
    failure, missing credentials, a pagination-token cycle or a Ctrl-C.
    """

    code: str = "TooManyRequestsException"
    status: int = 429
    operation: str | None = None
    on_call: int | None = None
    times: int = 1
    message: str = "injected fault"
    body: bytes | None = None
    """Send these bytes (with ``status``) instead of an error document: a truncated or
    garbled response, as a misbehaving proxy would."""
    kind: str = "error"

    def __post_init__(self) -> None:
        if self.body is not None and self.kind == "error":
            self.kind = "body"
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"kind: one of {', '.join(FAULT_KINDS)}; got {self.kind!r}")
        if self.kind == "body" and self.body is None:
            raise ValueError("kind='body' needs body= (the bytes to send)")


def _raise_transport(kind: str, url: str) -> None:
    from botocore import exceptions as b

    if kind == "connection-closed":
        raise b.ConnectionClosedError(endpoint_url=url)
    if kind == "connect-timeout":
        raise b.ConnectTimeoutError(endpoint_url=url)
    if kind == "read-timeout":
        raise b.ReadTimeoutError(endpoint_url=url)
    if kind == "endpoint-unreachable":
        raise b.EndpointConnectionError(endpoint_url=url)
    if kind == "no-credentials":
        raise b.NoCredentialsError()
    if kind == "interrupt":
        raise KeyboardInterrupt


@dataclass
class _Queue:
    name: str
    arn: str
    state: str = "ENABLED"
    status: str = "VALID"
    priority: int = 1
    scheduling_policy_arn: str | None = None
    job_queue_type: str = "ECS"

    def detail(self, account_arn: str) -> dict[str, Any]:
        """The queue as DescribeJobQueues returns it."""
        queue: dict[str, Any] = {
            "jobQueueName": self.name,
            "jobQueueArn": self.arn,
            "state": self.state,
            "status": self.status,
            "statusReason": "JobQueue Healthy",
            "priority": self.priority,
            "computeEnvironmentOrder": [
                {"order": 1, "computeEnvironment": f"{account_arn}:compute-environment/default"}
            ],
            "jobQueueType": self.job_queue_type,
        }
        if self.scheduling_policy_arn is not None:
            queue["schedulingPolicyArn"] = self.scheduling_policy_arn
        return queue


@dataclass
class _Job:
    detail: dict[str, Any]
    summary: dict[str, Any]
    queue: str | None  # None for array / multi-node children
    array_parent: str | None = None
    node_parent: str | None = None


class FakeAWS:
    """The backend.  Seed it with ``add_*``; get wired clients with ``batch_client()`` /
    ``s3_client()``, or wire any boto3 client (or session) with :meth:`attach`."""

    def __init__(
        self,
        *,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.region = region
        self.account_id = account_id
        self._now = now or (lambda: datetime.now(timezone.utc))
        self._lock = threading.Lock()
        self._queues: dict[str, _Queue] = {}
        self._jobs: dict[str, _Job] = {}
        self._service_jobs: dict[str, tuple[str, dict[str, Any]]] = {}  # id -> (queue, summary)
        self._s3_jobs: dict[str, list[dict[str, Any]]] = {}  # account -> jobs
        self._faults: list[Fault] = []
        self._hidden: dict[str, datetime | None] = {}  # job id -> hidden until (None: for good)
        self._latency: dict[str | None, float] = {}
        self._calls: dict[str, int] = {}  # requests received, per operation
        self._version = 0  # bumped on every change: invalidates cached query results
        self._results: dict[str, tuple[int, list[dict[str, Any]]]] = {}
        self._session: boto3.Session | None = None
        self._aio_session: Any = None
        self._lifecycle: Lifecycle | None = None
        self._throttle: RateLimit | None = None
        self.requests: list[tuple[str, dict[str, Any]]] = []
        """Every request served, as (operation, decoded parameters), in order."""
        self.logs = FakeLogs(self)
        """CloudWatch Logs: every job's log streams (seeded on first read); ``append`` lines."""

    @classmethod
    def demo(cls, jobs: int = 3000, now: datetime | None = None) -> FakeAWS:
        """A backend seeded with the demo account (what ``batchkit demo`` and ``--fake`` use):
        queues ``cpu-spot``, ``gpu-ondemand``, ``etl`` (jobs over four weeks, array and
        multi-node jobs), ``sagemaker`` (service jobs), and S3 Batch Operations jobs."""
        from batchkit.testing._demo_account import seed

        moment = (now or datetime.now(timezone.utc)).replace(microsecond=0)
        fake = cls(now=lambda: moment)
        seed(fake, moment, jobs=jobs)
        return fake

    # ------------------------------------------------------------------ clients

    def now(self) -> datetime:
        """The backend's clock (used for defaults and the S3 90-day window)."""
        return self._now()

    def session(self) -> boto3.Session:
        """The ``boto3.Session`` (fake credentials, this backend's region) whose clients --
        of any service it serves, in any region -- this backend answers."""
        # A session of our own: handlers another fake attached to boto3's default session
        # (the pytest fixture does that) must not answer for this one.
        if self._session is None:
            session = boto3.Session(
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
                region_name=self.region,
            )
            self.attach(session)  # before any client: a client copies the session's handlers
            self._session = session
        return self._session

    def boto3_client(
        self, service: str, config: Config | None = None, region: str | None = None
    ) -> Any:
        """A real boto3 client (fake credentials) whose requests this backend answers,
        configured as batchkit configures its own (``config`` merged over its default)."""
        factory: Any = self.session().client
        return factory(service, config=_client_config(config), region_name=region or self.region)

    def batch_client(self, config: Config | None = None) -> BatchClient:
        """A :class:`batchkit.BatchClient` on this backend (its CloudWatch Logs clients,
        for any region, too)."""
        return BatchClient(session=self.session(), config=config)

    def s3_client(
        self, account_id: str | None = None, config: Config | None = None
    ) -> S3BatchOperationsClient:
        """A :class:`batchkit.S3BatchOperationsClient` on this backend."""
        return S3BatchOperationsClient(
            account_id or self.account_id, self.boto3_client("s3control", config)
        )

    def aio_session(self) -> Any:
        """An aiobotocore ``AioSession`` (fake credentials, this backend's region) whose
        clients this backend answers (needs aiobotocore: ``batchkit-aws[async]``)."""
        if self._aio_session is None:
            from batchkit.testing._aio import fake_session

            self._aio_session = fake_session(self)
        return self._aio_session

    def async_batch_client(self, config: Config | None = None) -> AsyncBatchClient:
        """A :class:`batchkit.aio.AsyncBatchClient` on this backend (``async with`` it)."""
        from batchkit.aio import AsyncBatchClient

        return AsyncBatchClient(session=self.aio_session(), config=config)

    def async_s3_client(
        self, account_id: str | None = None, config: Config | None = None
    ) -> AsyncS3BatchOperationsClient:
        """A :class:`batchkit.aio.AsyncS3BatchOperationsClient` on this backend."""
        from batchkit.aio import AsyncS3BatchOperationsClient

        return AsyncS3BatchOperationsClient(
            account_id or self.account_id, session=self.aio_session(), config=config
        )

    def attach(self, target: Any) -> Callable[[], None]:
        """Answer the requests of a boto3 client, a ``boto3.Session`` or a botocore session.

        Returns a function that detaches again.
        """
        stops = [
            serve(target, functools.partial(self._answer, service), services=(service,))
            for service in self._SERVICES
            if getattr(getattr(target, "meta", None), "service_model", None) is None
            or target.meta.service_model.service_name == service
        ]

        def detach() -> None:
            for stop in stops:
                stop()

        return detach

    # ------------------------------------------------------------------ faults

    def inject(self, fault: Fault | None = None, **kwargs: Any) -> Fault:
        """Add a fault (``inject(code="ServerException", status=500, on_call=3)``)."""
        fault = fault or Fault(**kwargs)
        with self._lock:
            self._faults.append(fault)
        return fault

    def set_latency(self, seconds: float, operation: str | None = None) -> None:
        """Delay every response (of ``operation``, or all) by ``seconds``."""
        self._latency[operation] = seconds

    def set_rate_limit(
        self,
        per_second: int | None,
        *,
        operation: str | None = None,
        clock: Callable[[], float] | None = None,
    ) -> RateLimit | None:
        """Throttle like AWS: beyond ``per_second`` requests in one second (of ``clock``,
        ``time.monotonic`` by default), per operation (or only ``operation``), answer HTTP 429
        ``TooManyRequestsException``.  ``None`` removes the limit.  Returns the limiter, whose
        ``throttled`` counts the 429s sent.  Pair it with :class:`SimulatedClock` for tests
        that exercise botocore's backoff without waiting.
        """
        self._throttle = (
            None if per_second is None else RateLimit(per_second, operation=operation, clock=clock)
        )
        return self._throttle

    def calls(self, operation: str) -> int:
        """How many requests of ``operation`` were received (faulted ones included)."""
        return self._calls.get(operation, 0)

    # ------------------------------------------------------------------ seeding

    def queue_arn(self, name: str) -> str:
        return f"arn:aws:batch:{self.region}:{self.account_id}:job-queue/{name}"

    def definition_arn(self, definition: str) -> str:
        """``name`` or ``name:revision`` -> the job definition ARN (revision 1 by default)."""
        if definition.startswith("arn:"):
            return definition
        name, _, revision = definition.partition(":")
        return (
            f"arn:aws:batch:{self.region}:{self.account_id}:job-definition/{name}:{revision or 1}"
        )

    def _queue(self, name_or_arn: str) -> _Queue:
        name = name_or_arn.rsplit("/", 1)[-1] if name_or_arn.startswith("arn:") else name_or_arn
        if name not in self._queues:
            self._queues[name] = _Queue(name, self.queue_arn(name))
        return self._queues[name]

    def add_queue(
        self,
        name: str,
        *,
        state: str = "ENABLED",
        status: str = "VALID",
        priority: int = 1,
        scheduling_policy_arn: str | None = None,
        job_queue_type: str = "ECS",
    ) -> str:
        """Create (or update) a job queue; returns its ARN.  Queues are also created on
        first use by ``add_job`` / ``add_service_job``.  ``job_queue_type``: ``ECS``,
        ``FARGATE``, ``EKS`` or ``SAGEMAKER_TRAINING`` (service jobs)."""
        queue = self._queue(name)
        queue.state, queue.status, queue.priority = state, status, priority
        queue.scheduling_policy_arn = scheduling_policy_arn
        queue.job_queue_type = job_queue_type
        with self._lock:
            self._version += 1
        return queue.arn

    def hide_job(self, job_id: str, *, seconds: float | timedelta | None = None) -> None:
        """Leave a job out of DescribeJobs answers: for ``seconds`` on the backend's clock
        (as AWS does right after SubmitJob: DescribeJobs is eventually consistent), or for
        good with ``seconds=None`` (a job that aged out).  ``seconds=0`` shows it again."""
        with self._lock:
            if job_id not in self._jobs:
                raise KeyError(f"hide_job: no job {job_id!r}")
        if seconds is None:
            until = None
        else:
            step = seconds if isinstance(seconds, timedelta) else timedelta(seconds=seconds)
            until = self.now() + step
        with self._lock:
            self._hidden[job_id] = until

    def _visible(self, job_id: str) -> bool:
        """Whether DescribeJobs returns the job now (see :meth:`hide_job`); under the lock."""
        if job_id not in self._hidden:
            return True
        until = self._hidden[job_id]
        return until is not None and self.now() >= until

    def set_job_status(self, job_id: str, status: str, **members: Any) -> JobDetail:
        """Move a job to ``status`` (and set other JobDetail wire members), as AWS does
        while a listing is under way: later pages see the change."""
        with self._lock:
            job = self._jobs[job_id]
        detail = dict(job.detail, status=status)
        now = _ms(self.now())
        if status in ("RUNNING", *_TERMINAL):
            detail.setdefault("startedAt", now)
        if status in _TERMINAL:
            detail.setdefault("stoppedAt", max(now, detail["startedAt"]))
        _check_members(members, "JobDetail")
        detail.update(members)
        model = JobDetail.model_validate(detail)
        with self._lock:
            job.detail, job.summary = detail, _summary_of(detail)
            self._version += 1
        return model

    def add_job(
        self,
        job_queue: str = "default",
        *,
        job_name: str = "job",
        status: str = "SUCCEEDED",
        created_at: datetime | int | None = None,
        started_at: datetime | int | None = None,
        stopped_at: datetime | int | None = None,
        job_definition: str = "default:1",
        job_id: str | None = None,
        share_identifier: str | None = None,
        scheduling_priority: int | None = None,
        exit_code: int | None = None,
        status_reason: str | None = None,
        array_size: int | None = None,
        child_statuses: Iterable[str] | None = None,
        num_nodes: int | None = None,
        **members: Any,
    ) -> JobDetail:
        """Add a job; its ListJobs summary is derived from the same detail.

        Times default from the status (queued a minute, ran five).  ``array_size`` makes an
        array parent with that many children (``child_statuses`` per child, else the
        parent's status); ``num_nodes`` a multi-node parent with one child per node.
        Extra keyword arguments are JobDetail wire members (``container={...}``...).
        """
        created = _ms(created_at) if created_at is not None else _ms(self.now())
        job_id = job_id or str(uuid.uuid4())
        detail: dict[str, Any] = {
            "jobArn": f"arn:aws:batch:{self.region}:{self.account_id}:job/{job_id}",
            "jobName": job_name,
            "jobId": job_id,
            "jobQueue": self._queue(job_queue).arn,
            "status": status,
            "createdAt": created,
            "jobDefinition": self.definition_arn(job_definition),
        }
        running = status in ("STARTING", "RUNNING") or status in _TERMINAL
        if started_at is not None or (running and status != "STARTING"):
            detail["startedAt"] = _ms(started_at) if started_at is not None else created + 60_000
        if stopped_at is not None or status in _TERMINAL:
            stop = _ms(stopped_at) if stopped_at is not None else detail["startedAt"] + 300_000
            detail["stoppedAt"] = stop
        if share_identifier is not None:
            detail["shareIdentifier"] = share_identifier
        if scheduling_priority is not None:
            detail["schedulingPriority"] = scheduling_priority
        if status_reason is not None:
            detail["statusReason"] = status_reason
        if exit_code is not None or status in _TERMINAL or status == "RUNNING":
            container = {"image": "public.ecr.aws/docker/library/busybox", "vcpus": 1}
            container |= {"memory": 512, "command": ["run.sh"]}
            if exit_code is not None:
                container["exitCode"] = exit_code
            elif status in _TERMINAL:
                container["exitCode"] = 0 if status == "SUCCEEDED" else 1
            if "CannotPullContainer" not in (status_reason or ""):  # never started: no stream
                container["logStreamName"] = f"{job_name}/default/{detail['jobId']}"
            detail["container"] = container
        if array_size is not None:
            statuses = list(child_statuses or [status] * array_size)
            if len(statuses) != array_size:
                raise ValueError("child_statuses: give one status per child")
            detail["arrayProperties"] = {
                "size": array_size,
                "statusSummary": status_summary(statuses),
                "statusSummaryLastUpdatedAt": created,
            }
        if num_nodes is not None:
            detail["nodeProperties"] = {
                "numNodes": num_nodes,
                "mainNode": 0,
                "nodeRangeProperties": [{"targetNodes": "0:"}],
            }
        _check_members(members, "JobDetail")
        detail.update(members)
        parent = self._store(detail, job_queue)
        if array_size is not None:
            for index, child_status in enumerate(statuses):
                child = self._child(detail, f"{detail['jobId']}:{index}", child_status)
                child["arrayProperties"] = {"index": index}
                self._store(child, None, array_parent=detail["jobId"])
        if num_nodes is not None:
            for index in range(num_nodes):
                child = self._child(detail, f"{detail['jobId']}#{index}", status)
                child.pop("nodeProperties", None)
                child["nodeDetails"] = {"nodeIndex": index, "isMainNode": index == 0}
                self._store(child, None, node_parent=detail["jobId"])
        return parent

    def _child(self, parent: dict[str, Any], job_id: str, status: str) -> dict[str, Any]:
        child = {k: v for k, v in parent.items() if k not in ("arrayProperties", "container")}
        child |= {"jobId": job_id, "status": status}
        child["jobArn"] = f"arn:aws:batch:{self.region}:{self.account_id}:job/{job_id}"
        task_id = uuid.uuid5(uuid.NAMESPACE_URL, job_id).hex  # stream names have no ':'
        stream = f"{_definition_name(parent['jobDefinition'])[0]}/default/{task_id}"
        if status in _TERMINAL:
            exit_code = 0 if status == "SUCCEEDED" else 1
            child["container"] = {"exitCode": exit_code, "image": "busybox", "vcpus": 1}
            child["container"]["logStreamName"] = stream
            child.setdefault("startedAt", parent["createdAt"] + 60_000)
            child.setdefault("stoppedAt", child["startedAt"] + 300_000)
        elif status == "RUNNING":
            child["container"] = {"image": "busybox", "vcpus": 1, "logStreamName": stream}
        return child

    def _store(
        self,
        detail: dict[str, Any],
        queue: str | None,
        array_parent: str | None = None,
        node_parent: str | None = None,
    ) -> JobDetail:
        model = JobDetail.model_validate(detail)  # only valid jobs get in
        with self._lock:
            self._jobs[detail["jobId"]] = _Job(
                detail=detail,
                summary=_summary_of(detail),
                queue=None if queue is None else self._queue(queue).name,
                array_parent=array_parent,
                node_parent=node_parent,
            )
            self._version += 1
        self.logs.register(detail)
        return model

    def update_job(self, job_id: str, **members: Any) -> JobDetail:
        """Change a stored job, as AWS would while it runs: ``status=``, ``statusReason=``,
        ``stoppedAt=`` (a datetime or epoch ms), ``container=``... (JobDetail wire members).

        Becoming SUCCEEDED or FAILED sets ``stoppedAt`` (now) and the container's exit code
        (0 / 1) unless given.
        """
        _check_members(members, "JobDetail")
        with self._lock:
            entry = self._jobs.get(job_id)
            if entry is None:
                raise KeyError(f"no job {job_id!r} in this FakeAWS")
            detail = dict(entry.detail)
        detail.update(
            {
                k: _ms(v) if isinstance(v, datetime) and k.endswith("At") else v
                for k, v in members.items()
            }
        )
        if detail.get("status") in _TERMINAL:
            detail.setdefault("stoppedAt", _ms(self.now()))
            container = dict(detail.get("container") or {})
            container.setdefault("exitCode", 0 if detail["status"] == "SUCCEEDED" else 1)
            detail["container"] = container
        model = JobDetail.model_validate(detail)
        with self._lock:
            entry.detail = detail
            entry.summary = _summary_of(detail)
            self._version += 1
        self.logs.register(detail)
        return model

    # ------------------------------------------------------------------ lifecycle

    @property
    def lifecycle(self) -> Lifecycle:
        """Jobs that move on this backend's clock: ``fake.lifecycle.schedule(job_id,
        [("RUNNING", 30), ("SUCCEEDED", 90)])`` or ``.randomize(ids, seed=1)`` (see
        :class:`batchkit.testing.Lifecycle`)."""
        if self._lifecycle is None:
            self._lifecycle = Lifecycle(self)
        return self._lifecycle

    def _job_statuses(self) -> dict[str, str]:
        with self._lock:
            return {job_id: job.detail["status"] for job_id, job in self._jobs.items()}

    def _children(self, job_id: str) -> dict[str, list[str]]:
        with self._lock:
            jobs = list(self._jobs.items())
        return {
            "array": [i for i, j in jobs if j.array_parent == job_id],
            "nodes": [i for i, j in jobs if j.node_parent == job_id],
        }

    def _edit_jobs(self, edit: Callable[[dict[str, _Job]], Iterable[str]]) -> None:
        """Change job details in place, atomically: ``edit`` returns the ids it changed,
        whose ListJobs summaries are then derived again."""
        with self._lock:
            for job_id in list(edit(self._jobs)):
                job = self._jobs[job_id]
                job.summary = _summary_of(job.detail)
            self._version += 1

    def add_service_job(
        self,
        job_queue: str = "default",
        *,
        job_name: str = "service-job",
        status: str = "RUNNING",
        created_at: datetime | int | None = None,
        share_identifier: str | None = None,
        quota_share_name: str | None = None,
        job_id: str | None = None,
        **members: Any,
    ) -> ServiceJobSummary:
        """Add a service job (SageMaker training) as ListServiceJobs returns it."""
        created = _ms(created_at) if created_at is not None else _ms(self.now())
        job_id = job_id or str(uuid.uuid4())
        summary: dict[str, Any] = {
            "jobArn": f"arn:aws:batch:{self.region}:{self.account_id}:service-job/{job_id}",
            "jobId": job_id,
            "jobName": job_name,
            "serviceJobType": "SAGEMAKER_TRAINING",
            "status": status,
            "createdAt": created,
        }
        if status in ("STARTING", "RUNNING") or status in _TERMINAL:
            summary["startedAt"] = created + 60_000
            summary["latestAttempt"] = {
                "serviceResourceId": {
                    "name": "TrainingJobArn",
                    "value": f"arn:aws:sagemaker:{self.region}:{self.account_id}:"
                    f"training-job/{job_name}",
                }
            }
        if status in _TERMINAL:
            summary["stoppedAt"] = summary["startedAt"] + 600_000
        if share_identifier is not None:
            summary["shareIdentifier"] = share_identifier
        if quota_share_name is not None:
            summary["quotaShareName"] = quota_share_name
        _check_members(members, "ServiceJobSummary")
        summary.update(members)
        model = ServiceJobSummary.model_validate(summary)
        with self._lock:
            self._service_jobs[job_id] = (self._queue(job_queue).name, summary)
            self._version += 1
        return model

    def add_s3_job(
        self,
        *,
        account_id: str | None = None,
        status: str = "Active",
        operation: str = "S3PutObjectCopy",
        created: datetime | None = None,
        terminated: datetime | None = None,
        total: int = 1000,
        succeeded: int = 0,
        failed: int = 0,
        description: str | None = None,
        priority: int = 10,
        job_id: str | None = None,
    ) -> S3BatchJob:
        """Add an S3 Batch Operations job to an account (default: this backend's)."""
        created = created or self.now()
        job: dict[str, Any] = {
            "JobId": job_id or str(uuid.uuid4()),
            "Operation": operation,
            "Priority": priority,
            "Status": status,
            "CreationTime": created,
            "ProgressSummary": {
                "TotalNumberOfTasks": total,
                "NumberOfTasksSucceeded": succeeded,
                "NumberOfTasksFailed": failed,
                "Timers": {"ElapsedTimeInActiveSeconds": 0},
            },
        }
        if description is not None:
            job["Description"] = description
        if status in _S3_ENDED:
            job["TerminationDate"] = terminated or min(created + timedelta(hours=1), self.now())
        elapsed = int(((terminated or self.now()) - created).total_seconds())
        job["ProgressSummary"]["Timers"]["ElapsedTimeInActiveSeconds"] = max(elapsed, 0)
        model = S3BatchJob.model_validate(job)
        with self._lock:
            self._s3_jobs.setdefault(account_id or self.account_id, []).append(job)
        return model

    # ------------------------------------------------------------------ serving

    _SERVICES = ("batch", "s3control", "logs")

    def _answer(self, service: str, operation_name: str, params: dict[str, Any]) -> Any:
        """The responder: one request of ``service`` (decoded by the wire layer)."""
        key = f"{service}.{operation_name}"
        label = OPERATIONS[key].label if key in OPERATIONS else operation_name
        with self._lock:
            count = self._calls.get(label, 0) + 1
            self._calls[label] = count
            self.requests.append((label, params))
            fault = self._take_fault(label, count)
        if self._lifecycle is not None:
            self._lifecycle.advance()
        delay = self._latency.get(label, self._latency.get(None, 0.0))
        if delay and serving_async():  # an aiobotocore client: never block the event loop
            respond = functools.partial(self._respond, service, key, label, params, fault)
            return _delayed(delay, respond)
        if delay:
            time.sleep(delay)  # simulated network latency, not synchronisation
        return self._respond(service, key, label, params, fault)

    def _respond(
        self, service: str, key: str, label: str, params: dict[str, Any], fault: Fault | None
    ) -> Any:
        operation_name = key.split(".", 1)[1]
        throttle = self._throttle
        if fault is None and throttle is not None and throttle.exceeded(label):
            raise AWSErrorResponse("TooManyRequestsException", "Too Many Requests", 429)
        if fault is not None and fault.kind == "body":
            return RawReply(fault.status, fault.body or b"")
        if fault is not None and fault.kind == "error":
            raise AWSErrorResponse(fault.code, fault.message, fault.status)
        if fault is not None and fault.kind != "token-cycle":
            _raise_transport(fault.kind, f"https://{service}.{self.region}.amazonaws.com")
        handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "batch.ListJobs": self._list_jobs,
            "batch.ListServiceJobs": self._list_service_jobs,
            "batch.DescribeJobs": self._describe_jobs,
            "s3control.ListJobs": self._s3_list_jobs,
            "logs.GetLogEvents": self.logs.get_log_events,
            "batch.DescribeJobQueues": self._describe_job_queues,
        }
        handler = handlers.get(key)
        try:
            if handler is None:
                code = "ClientException" if service == "batch" else "InvalidRequestException"
                raise _Reject(code, f"{operation_name} is not implemented by batchkit's FakeAWS")
            response = handler(params)
        except _Reject as error:
            raise AWSErrorResponse(error.code, error.message, error.status) from None
        operation = OPERATIONS.get(key)
        if fault is not None and operation is not None and operation.output_token is not None:
            # token-cycle: the page points back at itself (A -> A); a first page, which has
            # no token of its own, is sent unchanged
            assert operation.input_token is not None
            previous = params.get(operation.input_token)
            if previous is not None:
                response[operation.output_token] = previous
        return response

    def _take_fault(self, operation: str, count: int) -> Fault | None:
        for fault in self._faults:
            if fault.operation not in (None, operation):
                continue
            if fault.on_call is not None:
                if fault.on_call == count:
                    return fault
                continue
            if fault.times > 0:
                fault.times -= 1
                return fault
        return None

    # ------------------------------------------------------------------ operations

    def _cached(
        self, key: str, compute: Callable[[], list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """A query's full, ordered result, recomputed only after the data changed: paging
        through a 100,000-job queue must not filter and sort it again for every page."""
        with self._lock:
            version = self._version
            hit = self._results.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        items = compute()
        with self._lock:
            self._results[key] = (version, items)
        return items

    def _list_jobs(self, params: dict[str, Any]) -> dict[str, Any]:
        sources = [k for k in ("jobQueue", "arrayJobId", "multiNodeJobId") if params.get(k)]
        if len(sources) != 1:
            raise _Reject(
                "ClientException",
                "Exactly one of jobQueue, arrayJobId or multiNodeJobId must be specified.",
            )
        op = LIST_JOBS
        server_filter = _one_filter(params.get("filters"), set(op.filters))
        limit = _max_results(params, op)
        children = "jobQueue" not in params
        if children:
            server_filter = None  # AWS: the filter doesn't apply to child jobs
        else:
            queue = self._known_queue(params["jobQueue"])
        if server_filter is not None and op.filtered_page_size_max is not None:
            limit = min(limit or op.filtered_page_size_max, op.filtered_page_size_max)

        def compute() -> list[dict[str, Any]]:
            with self._lock:
                jobs = list(self._jobs.values())
            if not children:
                candidates = [j.summary for j in jobs if j.queue == queue]
            else:
                parent = params.get("arrayJobId") or params.get("multiNodeJobId")
                attr = "array_parent" if "arrayJobId" in params else "node_parent"
                candidates = [j.summary for j in jobs if getattr(j, attr) == parent]
            items = _select(candidates, server_filter, params.get("jobStatus"), op.status_filters)
            if children:
                items.sort(key=_child_key)
            return items

        items = self._cached(op.key + _fingerprint(params, op), compute)
        key = _child_key if children else _order_key(server_filter)
        return _page(items, params, op, limit, key=key)

    def _list_service_jobs(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("jobQueue"):
            raise _Reject("ClientException", "jobQueue is required.")
        op = LIST_SERVICE_JOBS
        server_filter = _one_filter(params.get("filters"), set(op.filters))
        queue = self._known_queue(params["jobQueue"])
        limit = _max_results(params, op)

        def compute() -> list[dict[str, Any]]:
            with self._lock:
                candidates = [s for q, s in self._service_jobs.values() if q == queue]
            return _select(candidates, server_filter, params.get("jobStatus"), op.status_filters)

        items = self._cached(op.key + _fingerprint(params, op), compute)
        return _page(items, params, op, limit, key=_order_key(server_filter))

    def _describe_jobs(self, params: dict[str, Any]) -> dict[str, Any]:
        ids = params.get("jobs")
        if not isinstance(ids, list):
            raise _Reject("ClientException", "jobs is required.")
        if len(ids) > DESCRIBE_JOBS.page_size_max:
            raise _Reject(
                "ClientException",
                f"A maximum of {DESCRIBE_JOBS.page_size_max} job IDs can be specified.",
            )
        with self._lock:
            by_arn = {j.detail["jobArn"]: j for j in self._jobs.values()}
            found = {
                j.detail["jobId"]: j.detail
                for i in ids
                if (j := self._jobs.get(i) or by_arn.get(i)) is not None
                and self._visible(j.detail["jobId"])
            }
        # AWS answers in no particular order: do not mirror the request's.
        return {"jobs": [found[k] for k in sorted(found)]}

    def _describe_job_queues(self, params: dict[str, Any]) -> dict[str, Any]:
        limit = _max_results(params, DESCRIBE_JOB_QUEUES)
        wanted = params.get("jobQueues")
        with self._lock:
            queues = list(self._queues.values())
        if wanted:
            if len(wanted) > 100:
                raise _Reject("ClientException", "A maximum of 100 job queues can be specified.")
            names = {w.rsplit("/", 1)[-1] if w.startswith("arn:") else w for w in wanted}
            queues = [q for q in queues if q.name in names]
        account = f"arn:aws:batch:{self.region}:{self.account_id}"
        details = [q.detail(account) for q in queues]
        return _page(details, params, DESCRIBE_JOB_QUEUES, limit)

    def _s3_list_jobs(self, params: dict[str, Any]) -> dict[str, Any]:
        account = params.get("AccountId") or ""
        if not (len(account) == 12 and account.isascii() and account.isdigit()):
            raise _Reject("InvalidRequestException", "AccountId must be 12 digits.")
        limit = _max_results(params, S3_LIST_JOBS, low=0, code="InvalidRequestException")
        statuses = set(params.get("JobStatuses") or [])
        cutoff = self.now() - timedelta(days=S3_LISTED_DAYS)
        with self._lock:
            jobs = list(self._s3_jobs.get(account, []))
        visible = [
            job
            for job in jobs
            if (not statuses or job["Status"] in statuses)
            and not (job.get("TerminationDate") and job["TerminationDate"] < cutoff)
        ]
        visible.sort(key=lambda job: job["CreationTime"], reverse=True)
        return _page(
            visible, params, S3_LIST_JOBS, limit, invalid=("InvalidNextTokenException", 400)
        )

    def _known_queue(self, name_or_arn: str) -> str:
        name = name_or_arn.rsplit("/", 1)[-1] if name_or_arn.startswith("arn:") else name_or_arn
        if name not in self._queues:
            raise _Reject("ClientException", f"Job queue {name_or_arn} does not exist.")
        return name


# ---------------------------------------------------------------------- helpers


def _check_members(members: Mapping[str, Any], model: str) -> None:
    """Extra keyword arguments must be wire members of ``model``: a typo is an error, not a
    member silently kept as an unknown extra."""
    import batchkit.models

    fields = getattr(batchkit.models, model).model_fields
    known = {f.alias or name for name, f in fields.items()}
    unknown = sorted(set(members) - known)
    if unknown:
        raise TypeError(
            f"unknown {model} member(s) {', '.join(map(repr, unknown))}; extra keyword "
            f"arguments are {model} wire members such as {', '.join(sorted(known)[:6])}, ..."
        )


def _summary_of(detail: Mapping[str, Any]) -> dict[str, Any]:
    """The ListJobs summary AWS derives from a job's detail."""
    keys = (
        "jobArn",
        "jobId",
        "jobName",
        "createdAt",
        "scheduledAt",
        "shareIdentifier",
        "status",
        "statusReason",
        "startedAt",
        "stoppedAt",
        "jobDefinition",
        "capacityUsage",
    )
    summary = {k: detail[k] for k in keys if k in detail}
    container = detail.get("container") or {}
    if "exitCode" in container or "reason" in container:
        summary["container"] = {k: container[k] for k in ("exitCode", "reason") if k in container}
    array = detail.get("arrayProperties") or {}
    if "size" in array or "index" in array:
        summary["arrayProperties"] = {k: array[k] for k in ("size", "index") if k in array}
    nodes = detail.get("nodeProperties")
    node = detail.get("nodeDetails")
    if nodes:
        summary["nodeProperties"] = {"isMainNode": True, "numNodes": nodes["numNodes"]}
    elif node:
        summary["nodeProperties"] = {
            "isMainNode": node.get("isMainNode", False),
            "nodeIndex": node.get("nodeIndex", 0),
        }
    return summary


def _one_filter(filters: Any, allowed: set[str]) -> tuple[str, str] | None:
    if not filters:
        return None
    if len(filters) != 1 or len(filters[0].get("values") or []) != 1:
        raise _Reject("ClientException", "Only one filter key-value pair can be specified.")
    name, value = filters[0].get("name"), filters[0]["values"][0]
    if name not in allowed:
        raise _Reject(
            "ClientException", f"Invalid filter name {name!r}; valid: {', '.join(sorted(allowed))}."
        )
    if not isinstance(value, str) or not value:
        raise _Reject("ClientException", f"Invalid value for filter {name}.")
    if name in ("BEFORE_CREATED_AT", "AFTER_CREATED_AT") and not value.isdigit():
        raise _Reject("ClientException", f"{name} takes epoch milliseconds, got {value!r}.")
    if name == "JOB_DEFINITION" and value.startswith("arn:") and "*" in value:
        raise _Reject("ClientException", "Asterisk (*) isn't supported when the ARN is used.")
    if "*" in value[:-1]:
        raise _Reject("ClientException", f"'*' is only supported at the end of the {name} value.")
    return name, value


def _definition_name(arn_or_name: str) -> tuple[str, str]:
    tail = arn_or_name.rsplit("/", 1)[-1]
    name, _, revision = tail.partition(":")
    return name, revision


def _matches(item: Mapping[str, Any], name: str, value: str) -> bool:
    if name == "JOB_NAME":
        job_name = str(item.get("jobName", "")).lower()
        wanted = value.lower()
        return job_name.startswith(wanted[:-1]) if wanted.endswith("*") else job_name == wanted
    if name == "JOB_DEFINITION":
        actual = str(item.get("jobDefinition", ""))
        if value.startswith("arn:"):
            return actual == value
        actual_name, _ = _definition_name(actual)
        return actual_name.startswith(value[:-1]) if value.endswith("*") else actual_name == value
    if name == "BEFORE_CREATED_AT":
        return int(item.get("createdAt", 0)) < int(value)
    if name == "AFTER_CREATED_AT":
        return int(item.get("createdAt", 0)) > int(value)
    if name == "SHARE_IDENTIFIER":
        return item.get("shareIdentifier") == value
    if name == "QUOTA_SHARE_NAME":
        return item.get("quotaShareName") == value
    raise AssertionError(name)


def _select(
    candidates: list[dict[str, Any]],
    server_filter: tuple[str, str] | None,
    status: str | None,
    status_with: tuple[str, ...],
) -> list[dict[str, Any]]:
    if server_filter is None:
        wanted: str | None = status or "RUNNING"
    elif server_filter[0] in status_with:
        wanted = status
    else:
        wanted = None  # AWS ignores jobStatus when a filter is set
    items = [
        c
        for c in candidates
        if (wanted is None or c.get("status") == wanted)
        and (server_filter is None or _matches(c, *server_filter))
    ]
    # "the results are grouped by the job name" for JOB_NAME; newest first otherwise
    items.sort(key=_order_key(server_filter))
    return items


def _newest_first(item: Mapping[str, Any]) -> tuple[Any, ...]:
    return (-int(item.get("createdAt", 0)), item["jobId"])


def _by_name(item: Mapping[str, Any]) -> tuple[Any, ...]:
    return (str(item.get("jobName", "")).lower(), *_newest_first(item))


def _order_key(server_filter: tuple[str, str] | None) -> Callable[[Any], tuple[Any, ...]]:
    """The order of a listing (its pages continue after the last key they sent)."""
    return (
        _by_name
        if server_filter is not None and server_filter[0] == "JOB_NAME"
        else (_newest_first)
    )


def _child_key(summary: Mapping[str, Any]) -> tuple[Any, ...]:
    array = summary.get("arrayProperties") or {}
    node = summary.get("nodeProperties") or {}
    return (int(array.get("index", node.get("nodeIndex", 0))), summary["jobId"])


def _max_results(
    params: Mapping[str, Any], op: Operation, low: int = 1, code: str = "ClientException"
) -> int | None:
    assert op.limit_key is not None
    value = params.get(op.limit_key)
    if value is None:
        return None
    if not isinstance(value, int) or not low <= value <= op.page_size_max:
        raise _Reject(code, f"{op.limit_key} must be between {low} and {op.page_size_max}.")
    return value


def _fingerprint(params: Mapping[str, Any], op: Operation) -> str:
    query = {k: v for k, v in params.items() if k not in (op.input_token, op.limit_key)}
    return hashlib.sha256(json.dumps(query, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _page(
    items: list[dict[str, Any]],
    params: Mapping[str, Any],
    op: Operation,
    limit: int | None,
    invalid: tuple[str, int] = ("ClientException", 400),
    key: Callable[[Any], tuple[Any, ...]] | None = None,
) -> dict[str, Any]:
    """One page of ``items``.  With ``key`` (the listing's sort key) a token is a cursor
    -- "after this key" -- as a database-backed service's is: jobs changing status (leaving
    or joining the listing) between pages neither shift later items out of reach nor repeat
    earlier ones.  Without it, a token is an offset."""
    assert op.input_token is not None
    assert op.output_token is not None
    token_key, result_key = op.input_token, op.result_key
    limit = limit or op.page_size_max
    start = 0
    fingerprint = _fingerprint(params, op)
    token = params.get(token_key)
    if token is not None:
        try:
            decoded = json.loads(base64.b64decode(token, validate=True))
            start, bound = int(decoded["o"]), decoded["q"]
            after = decoded.get("k")
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise _Reject(invalid[0], "Invalid nextToken.", invalid[1]) from error
        if bound != fingerprint or start < 0:
            raise _Reject(invalid[0], "The nextToken does not belong to this query.", invalid[1])
        if key is not None and after is not None:
            start = _after(items, key, after, start)
    end = start + limit
    response: dict[str, Any] = {result_key: items[start:end]}
    if end < len(items):
        payload: dict[str, Any] = {"o": end, "q": fingerprint}
        if key is not None:
            payload["k"] = list(key(items[end - 1]))
        response[op.output_token] = base64.b64encode(json.dumps(payload).encode()).decode()
    return response


def _after(
    items: list[dict[str, Any]], key: Callable[[Any], tuple[Any, ...]], after: Any, hint: int
) -> int:
    """The index of the first item whose key sorts after ``after`` (``hint`` when the list
    did not change, else a scan)."""
    last = tuple(after)
    if 0 < hint <= len(items) and key(items[hint - 1]) == last:
        return hint
    for index, item in enumerate(items):
        if key(item) > last:
            return index
    return len(items)


_R = TypeVar("_R")


async def _delayed(delay: float, then: Callable[[], _R]) -> _R:
    """``then()`` after ``delay`` seconds of simulated latency, awaited (async clients)."""
    import asyncio

    await asyncio.sleep(delay)
    return then()
