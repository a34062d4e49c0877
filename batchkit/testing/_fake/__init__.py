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
  (:mod:`batchkit.testing._fake.logs`; ``fake.logs``), ``update_job`` to move a job on;
* DescribeJobQueues (``add_queue``; queues also appear on first use), paginated;
* faults: :meth:`FakeAWS.inject` (throttling, 5xx, any error, on the N-th call),
  :meth:`FakeAWS.set_latency`, and :meth:`FakeAWS.set_rate_limit` (HTTP 429 beyond N requests a
  second per operation, on a clock you can simulate); jobs move on with ``set_job_status``.

This module is the facade; the parts import the store, never the facade: ``state`` (the store
and its one API), ``batch``, ``s3`` and ``logs`` (the operations), ``capacity`` (compute
environments, instance types, snapshots, consumable resources, job definitions, service job and
S3 job details: a mixin with its own state), ``paging``, ``seeding`` (what ``add_*`` stores),
``faults``, ``lifecycle`` and ``demo_account``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from batchkit._core.config import client_config as _client_config
from batchkit._spec.operations import DESCRIBE_JOB_QUEUES, OPERATIONS
from batchkit._sync.client import BatchClient, S3BatchOperationsClient
from batchkit.models import JobDetail, S3BatchJob, ServiceJobSummary
from batchkit.testing._aio import fake_session
from batchkit.testing._fake import batch, demo_account, s3, seeding
from batchkit.testing._fake.capacity import CapacityMixin
from batchkit.testing._fake.faults import Fault, Traffic, delayed, raise_transport
from batchkit.testing._fake.lifecycle import Lifecycle
from batchkit.testing._fake.logs import FakeLogs
from batchkit.testing._fake.state import State
from batchkit.testing._throttle import RateLimit
from batchkit.testing._wire import AWSErrorResponse, RawReply, serve, serving_async

if TYPE_CHECKING:
    from batchkit.aio import AsyncBatchClient, AsyncS3BatchOperationsClient

__all__ = ["FakeAWS"]

_Handler = Callable[[dict[str, Any]], dict[str, Any]]


class FakeAWS(CapacityMixin):
    """The backend.  Seed it with ``add_*``; get wired clients with ``batch_client()`` /
    ``s3_client()``, or wire any boto3 client (or session) with :meth:`attach`."""

    def __init__(
        self,
        *,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self._state = State(region=region, account_id=account_id, now=now)
        self._traffic = Traffic()
        self._session: boto3.Session | None = None
        self._aio_session: Any = None
        self._lifecycle: Lifecycle | None = None
        self.requests = self._traffic.requests
        """Every request served, as (operation, decoded parameters), in order."""
        self.logs = FakeLogs(self._state)
        """CloudWatch Logs: every job's log streams (seeded on first read); ``append`` lines."""
        state = self._state
        self._handlers: dict[str, _Handler] = {
            "batch.ListJobs": functools.partial(batch.list_jobs, state),
            "batch.ListServiceJobs": functools.partial(batch.list_service_jobs, state),
            "batch.DescribeJobs": functools.partial(batch.describe_jobs, state),
            "batch.DescribeJobQueues": self._describe_job_queues,
            "s3control.ListJobs": functools.partial(s3.list_jobs, state),
            "logs.GetLogEvents": self.logs.get_log_events,
            **self._capacity_handlers(),  # capacity.py: what why() of a waiting job reads
        }

    @classmethod
    def demo(cls, jobs: int = 3000, now: datetime | None = None) -> FakeAWS:
        """A backend seeded with the demo account (what ``batchkit demo`` and ``--fake`` use):
        queues ``cpu-spot``, ``gpu-ondemand``, ``etl`` (jobs over four weeks, array and
        multi-node jobs), ``sagemaker`` (service jobs), and S3 Batch Operations jobs."""
        moment = (now or datetime.now(timezone.utc)).replace(microsecond=0)
        fake = cls(now=lambda: moment)
        demo_account.seed(fake, moment, jobs=jobs)
        return fake

    @property
    def region(self) -> str:
        """The backend's region (of its ARNs, sessions and default log streams)."""
        return self._state.region

    @region.setter
    def region(self, value: str) -> None:
        self._state.region = value

    @property
    def account_id(self) -> str:
        """The backend's account (of its ARNs and S3 jobs)."""
        return self._state.account_id

    @account_id.setter
    def account_id(self, value: str) -> None:
        self._state.account_id = value

    # ------------------------------------------------------------------ clients

    def now(self) -> datetime:
        """The backend's clock (used for defaults and the S3 90-day window)."""
        return self._state.now()

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

    def batch_client(
        self, config: Config | None = None, *, fetch_ahead: bool = True
    ) -> BatchClient:
        """A :class:`batchkit.BatchClient` on this backend (its CloudWatch Logs clients,
        for any region, too)."""
        return BatchClient(session=self.session(), config=config, fetch_ahead=fetch_ahead)

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
            self._aio_session = fake_session(self)
        return self._aio_session

    def async_batch_client(
        self, config: Config | None = None, *, fetch_ahead: bool = True
    ) -> AsyncBatchClient:
        """A :class:`batchkit.aio.AsyncBatchClient` on this backend (``async with`` it)."""
        from batchkit.aio import AsyncBatchClient

        return AsyncBatchClient(session=self.aio_session(), config=config, fetch_ahead=fetch_ahead)

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
        self._traffic.inject(fault)
        return fault

    def set_latency(self, seconds: float, operation: str | None = None) -> None:
        """Delay every response (of ``operation``, or all) by ``seconds``."""
        self._traffic.set_latency(seconds, operation)

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
        self._traffic.rate_limit = (
            None if per_second is None else RateLimit(per_second, operation=operation, clock=clock)
        )
        return self._traffic.rate_limit

    def calls(self, operation: str) -> int:
        """How many requests of ``operation`` were received (faulted ones included)."""
        return self._traffic.calls(operation)

    # ------------------------------------------------------------------ seeding

    def queue_arn(self, name: str) -> str:
        return self._state.batch_arn(f"job-queue/{name}")

    def definition_arn(self, definition: str) -> str:
        """``name`` or ``name:revision`` -> the job definition ARN (revision 1 by default)."""
        return self._state.definition_arn(definition)

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
        queue = self._state.set_queue(
            name,
            state=state,
            status=status,
            priority=priority,
            scheduling_policy_arn=scheduling_policy_arn,
            job_queue_type=job_queue_type,
        )
        return queue.arn

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
        jobs = seeding.batch_job(
            self._state,
            job_queue,
            job_name=job_name,
            status=status,
            created_at=created_at,
            started_at=started_at,
            stopped_at=stopped_at,
            job_definition=job_definition,
            job_id=job_id,
            share_identifier=share_identifier,
            scheduling_priority=scheduling_priority,
            exit_code=exit_code,
            status_reason=status_reason,
            array_size=array_size,
            child_statuses=child_statuses,
            num_nodes=num_nodes,
            members=members,
        )
        stored = [self._store(job) for job in jobs]
        return stored[0]

    def _store(self, job: seeding.NewJob) -> JobDetail:
        model = JobDetail.model_validate(job.detail)  # only valid jobs get in
        self._state.add_job(
            job.detail, job.queue, array_parent=job.array_parent, node_parent=job.node_parent
        )
        self.logs.register(job.detail, model)
        return model

    def hide_job(self, job_id: str, *, seconds: float | timedelta | None = None) -> None:
        """Leave a job out of DescribeJobs answers: for ``seconds`` on the backend's clock
        (as AWS does right after SubmitJob: DescribeJobs is eventually consistent), or for
        good with ``seconds=None`` (a job that aged out).  ``seconds=0`` shows it again."""
        if seconds is None:
            until = None
        else:
            step = seconds if isinstance(seconds, timedelta) else timedelta(seconds=seconds)
            until = self.now() + step
        self._state.hide_job(job_id, until)

    def set_job_status(self, job_id: str, status: str, **members: Any) -> JobDetail:
        """Move a job to ``status`` (and set other JobDetail wire members), as AWS does
        while a listing is under way: later pages see the change."""
        detail = seeding.with_status(self._state, self._state.job_detail(job_id), status, members)
        model = JobDetail.model_validate(detail)
        self._state.replace_job_detail(job_id, detail)
        return model

    def update_job(self, job_id: str, **members: Any) -> JobDetail:
        """Change a stored job, as AWS would while it runs: ``status=``, ``statusReason=``,
        ``stoppedAt=`` (a datetime or epoch ms), ``container=``... (JobDetail wire members).

        Becoming SUCCEEDED or FAILED sets ``stoppedAt`` (now) and the container's exit code
        (0 / 1) unless given.
        """
        seeding.check_members(members, "JobDetail")
        detail = seeding.updated(self._state, self._state.job_detail(job_id), members)
        model = JobDetail.model_validate(detail)
        self._state.replace_job_detail(job_id, detail)
        self.logs.register(detail)
        return model

    @property
    def lifecycle(self) -> Lifecycle:
        """Jobs that move on this backend's clock: ``fake.lifecycle.schedule(job_id,
        [("RUNNING", 30), ("SUCCEEDED", 90)])`` or ``.randomize(ids, seed=1)`` (see
        :class:`batchkit.testing.Lifecycle`)."""
        if self._lifecycle is None:
            self._lifecycle = Lifecycle(self._state)
        return self._lifecycle

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
        summary = seeding.service_job(
            self._state,
            job_name=job_name,
            status=status,
            created_at=created_at,
            share_identifier=share_identifier,
            quota_share_name=quota_share_name,
            job_id=job_id,
            members=members,
        )
        model = ServiceJobSummary.model_validate(summary)
        self._state.add_service_job(job_queue, summary)
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
        job = seeding.s3_job(
            self._state,
            status=status,
            operation=operation,
            created=created,
            terminated=terminated,
            total=total,
            succeeded=succeeded,
            failed=failed,
            description=description,
            priority=priority,
            job_id=job_id,
        )
        model = S3BatchJob.model_validate(job)
        self._state.add_s3_job(account_id or self.account_id, job)
        return model

    # ------------------------------------------------------------------ serving

    _SERVICES = ("batch", "s3control", "logs", "ec2")

    def _describe_job_queues(self, params: dict[str, Any]) -> dict[str, Any]:
        """DescribeJobQueues with what :meth:`configure_queue` set (compute environments...)."""
        response = batch.describe_job_queues(self._state, params)
        key = DESCRIBE_JOB_QUEUES.result_key or ""
        response[key] = [self._queue_detail(q) for q in response[key]]
        return response

    def _answer(self, service: str, operation_name: str, params: dict[str, Any]) -> Any:
        """The responder: one request of ``service`` (decoded by the wire layer)."""
        key = f"{service}.{operation_name}"
        label = OPERATIONS[key].label if key in OPERATIONS else operation_name
        fault = self._traffic.arrive(label, params)
        if self._lifecycle is not None:
            self._lifecycle.advance()
        delay = self._traffic.latency(label)
        if delay and serving_async():  # an aiobotocore client: never block the event loop
            return delayed(
                delay, functools.partial(self._respond, service, key, label, params, fault)
            )
        if delay:
            time.sleep(delay)  # simulated network latency, not synchronisation
        return self._respond(service, key, label, params, fault)

    def _respond(
        self, service: str, key: str, label: str, params: dict[str, Any], fault: Fault | None
    ) -> Any:
        operation_name = key.split(".", 1)[1]
        if fault is None and self._traffic.throttled(label):
            raise AWSErrorResponse("TooManyRequestsException", "Too Many Requests", 429)
        if fault is not None and fault.kind == "body":
            return RawReply(fault.status, fault.body or b"")
        if fault is not None and fault.kind == "error":
            raise AWSErrorResponse(fault.code, fault.message, fault.status)
        if fault is not None and fault.kind != "token-cycle":
            raise_transport(fault.kind, f"https://{service}.{self.region}.amazonaws.com")
        handler = self._handlers.get(key)
        if handler is None:
            code = "ClientException" if service == "batch" else "InvalidRequestException"
            raise AWSErrorResponse(
                code, f"{operation_name} is not implemented by batchkit's FakeAWS"
            )
        response = handler(params)
        operation = OPERATIONS.get(key)
        if fault is not None and operation is not None and operation.output_token is not None:
            # token-cycle: the page points back at itself (A -> A); a first page, which has
            # no token of its own, is sent unchanged
            assert operation.input_token is not None
            previous = params.get(operation.input_token)
            if previous is not None:
                response[operation.output_token] = previous
        return response
