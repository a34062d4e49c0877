"""FakeLogs: CloudWatch Logs ``GetLogEvents`` for :class:`~batchkit.testing.FakeAWS`.

Every job the fake creates gets the log streams AWS Batch would give it -- its container,
each attempt, each ECS task container, each node and array child -- in the group and region
its ``logConfiguration`` names (default ``/aws/batch/job`` in the fake's region), seeded on
first read with lines that fit how it ended: progress lines for a success, a Python
traceback for a non-zero exit, memory warnings cut short for an out-of-memory kill, lines
cut off for a lost host.  A job that never started (an image that could not be pulled) has
no stream, as on AWS.  :meth:`FakeLogs.append` adds lines while a job runs (``follow``).

``GetLogEvents`` behaves as CloudWatch documents: ``startFromHead`` (default false: the
latest events), ``startTime`` (inclusive) / ``endTime`` (exclusive), ``limit`` 1..10000,
opaque ``f/``/``b/`` tokens, and at the end of a stream the forward token it was sent.
Faults and latency are injected like any other operation's (``operation="Logs.GetLogEvents"``).

>>> from batchkit.testing import FakeAWS
>>> fake = FakeAWS()
>>> job = fake.add_job("q", status="RUNNING")
>>> fake.logs.append(job.job_id, "step 1", "step 2").stream == job.container.log_stream_name
True
"""

from __future__ import annotations

import hashlib
import random
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from batchkit._core.errors import BatchKitError
from batchkit._core.locations import LogLocation, locate
from batchkit._spec.operations import GET_LOG_EVENTS as _OP
from batchkit._spec.time import from_epoch_millis, to_epoch_millis
from batchkit.models import JobDetail
from batchkit.testing._fake.state import State
from batchkit.testing._wire import AWSErrorResponse, request_region

__all__ = ["FakeLogs"]

_TOKEN = re.compile(r"([fb])/(\d{56})")


@dataclass
class _Stream:
    events: list[dict[str, Any]] = field(default_factory=list)
    seed: Callable[[], list[tuple[int, str]]] | None = None
    """Lines written before any append, made on first read (most streams are never read)."""


class FakeLogs:
    """The fake's CloudWatch Logs: log groups and streams, by (region, group, stream)."""

    def __init__(self, state: State) -> None:
        self._state = state
        self._lock = threading.Lock()
        self._groups: set[tuple[str, str]] = set()
        self._streams: dict[tuple[str, str, str], _Stream] = {}

    # ------------------------------------------------------------------ public

    def put(
        self,
        group: str,
        stream: str,
        messages: Iterable[str | tuple[datetime, str]],
        *,
        region: str | None = None,
        start: datetime | None = None,
        step: timedelta = timedelta(seconds=1),
    ) -> int:
        """Append lines to a stream (created, with its group, if needed); return how many.

        A message is a ``str`` (timestamped ``step`` after the previous line, or at
        ``start``) or a ``(datetime, str)`` pair.
        """
        key = (region or self._state.region, group, stream)
        with self._lock:
            self._groups.add(key[:2])
            entry = self._streams.setdefault(key, _Stream())
            events = self._materialize(entry)
            last = events[-1]["timestamp"] if events else None
            moment = to_epoch_millis(start) if start is not None else None
            count = 0
            for message in messages:
                if isinstance(message, tuple):
                    stamp = to_epoch_millis(message[0])
                    text = message[1]
                else:
                    if moment is None:
                        now = to_epoch_millis(self._state.now())
                        moment = now if last is None else max(now, last + _ms(step))
                    stamp, text = moment, message
                    moment += _ms(step)
                events.append({"timestamp": stamp, "message": text, "ingestionTime": stamp + 7})
                last = stamp
                count += 1
        return count

    def append(self, job_id: str, *messages: str, attempt: int | None = None) -> LogLocation:
        """Append lines to a job's stream (its current attempt, or ``attempt``), as its
        container would while it runs; returns where they went."""
        location = self.location(job_id, attempt=attempt)
        assert location.stream is not None
        self.put(location.group, location.stream, messages, region=location.region)
        return location

    def location(self, job_id: str, *, attempt: int | None = None) -> LogLocation:
        """Where a job of this fake logs (ValueError if it has no stream)."""
        job = JobDetail.model_validate(self._state.job_detail(job_id))
        found = locate(job, attempt=attempt, default_region=self._state.region)
        if found.stream is None:
            raise ValueError(f"job {job_id} has no log stream (it has not started)")
        return found

    def delete_stream(self, group: str, stream: str, *, region: str | None = None) -> None:
        """Delete a stream (as a retention policy would): reading it is then not found."""
        with self._lock:
            self._streams.pop((region or self._state.region, group, stream), None)

    def events(
        self, group: str, stream: str, *, region: str | None = None
    ) -> list[tuple[datetime, str]]:
        """The lines of a stream, oldest first (seeded ones included)."""
        with self._lock:
            entry = self._streams.get((region or self._state.region, group, stream))
            if entry is None:
                raise KeyError(f"no log stream {group} {stream}")
            events = list(self._materialize(entry))
        return [(from_epoch_millis(e["timestamp"]), e["message"]) for e in events]

    # ------------------------------------------------------------------ seeding

    def register(self, detail: Mapping[str, Any], job: JobDetail | None = None) -> None:
        """Give a stored job its streams (called by the fake for every job it stores;
        ``job``: ``detail`` validated already, if the caller has it)."""
        if job is None:
            try:
                job = JobDetail.model_validate(detail)
            except ValueError:
                return
        targets: list[tuple[int | None, str | None]] = [(None, None)]
        targets += [(i, None) for i in range(len(job.attempts or ()))]
        if job.ecs_properties is not None:
            for task in job.ecs_properties.task_properties or ():
                targets += [(None, c.name) for c in task.containers or () if c.name]
        for attempt, container in targets:
            try:
                where = locate(
                    job,
                    attempt=attempt,
                    container=container,
                    default_region=self._state.region,
                )
            except BatchKitError:  # EKS, another driver, an array parent: no stream
                continue
            if where.stream is None:
                continue
            key = (where.region, where.group, where.stream)
            with self._lock:
                self._groups.add(key[:2])
                if key not in self._streams:
                    self._streams[key] = _Stream(seed=_seeder(dict(detail), attempt))

    def _materialize(self, entry: _Stream) -> list[dict[str, Any]]:
        if entry.seed is not None:
            seeded = [
                {"timestamp": stamp, "message": text, "ingestionTime": stamp + 7}
                for stamp, text in entry.seed()
            ]
            entry.events[:0] = seeded
            entry.seed = None
        return entry.events

    # ------------------------------------------------------------------ GetLogEvents

    def get_log_events(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The ``GetLogEvents`` responder (AWS errors raise ``AWSErrorResponse``)."""
        region = request_region() or self._state.region
        group = params.get("logGroupName")
        identifier = params.get("logGroupIdentifier")
        if group and identifier:
            raise AWSErrorResponse(
                "InvalidParameterException",
                "LogGroup name and LogGroup ARN are mutually exclusive parameters.",
            )
        if identifier:
            group = str(identifier).split(":log-group:", 1)[-1].removesuffix(":*")
        if not group:
            raise AWSErrorResponse(
                "InvalidParameterException",
                "Either logGroupName or logGroupIdentifier must be specified.",
            )
        name = params.get("logStreamName")
        if not name:
            raise AWSErrorResponse("InvalidParameterException", "logStreamName is required.")
        limit = params.get(_OP.limit_key or "", _OP.page_size_max)
        if not isinstance(limit, int) or not 1 <= limit <= 10_000:
            raise AWSErrorResponse(
                "InvalidParameterException", "limit must be between 1 and 10000 (inclusive)."
            )
        with self._lock:
            if (region, group) not in self._groups:
                raise AWSErrorResponse(
                    "ResourceNotFoundException", "The specified log group does not exist."
                )
            entry = self._streams.get((region, group, name))
            if entry is None:
                raise AWSErrorResponse(
                    "ResourceNotFoundException", "The specified log stream does not exist."
                )
            events = list(self._materialize(entry))
        start, end = params.get("startTime"), params.get("endTime")

        def wanted(event: Mapping[str, Any]) -> bool:
            stamp = event["timestamp"]
            return (start is None or stamp >= start) and (end is None or stamp < end)

        token = params.get(_OP.input_token or "")
        count = len(events)
        if token is not None:
            match = _TOKEN.fullmatch(str(token))
            if match is None or int(match[2]) > count:
                raise AWSErrorResponse(
                    "InvalidParameterException", "The specified nextToken is invalid."
                )
            direction, cursor = match[1], int(match[2])
        elif params.get("startFromHead"):
            direction, cursor = "f", 0
        else:
            direction, cursor = "b", count
        if direction == "f":
            taken: list[int] = []
            position = cursor
            while position < count and len(taken) < limit:
                if wanted(events[position]):
                    taken.append(position)
                position += 1
            forward, backward = position, cursor
        else:
            taken = []
            position = cursor
            while position > 0 and len(taken) < limit:
                position -= 1
                if wanted(events[position]):
                    taken.append(position)
            taken.reverse()
            forward, backward = cursor, position
        return {
            _OP.result_key or "": [dict(events[i]) for i in taken],
            _OP.output_token or "": f"f/{forward:056d}",
            "nextBackwardToken": f"b/{backward:056d}",
        }


def _ms(step: timedelta) -> int:
    return max(step // timedelta(milliseconds=1), 1)


# ---------------------------------------------------------------------- seeded lines

_TRACEBACK = (
    "Traceback (most recent call last):",
    '  File "/app/{name}.py", line 88, in <module>',
    "    main()",
    '  File "/app/{name}.py", line 71, in main',
    "    batch = load_batch(path)",
    '  File "/app/data.py", line 23, in load_batch',
    '    raise ValueError(f"corrupt record at offset {{offset}}")',
    "ValueError: corrupt record at offset {offset}",
)


def _seeder(detail: dict[str, Any], attempt: int | None) -> Callable[[], list[tuple[int, str]]]:
    def seed() -> list[tuple[int, str]]:
        return seed_lines(detail, attempt)

    return seed


def seed_lines(detail: Mapping[str, Any], attempt: int | None = None) -> list[tuple[int, str]]:
    """Realistic lines for a job (or one of its attempts), reproducible from its id."""
    digest = hashlib.sha256(f"{detail.get('jobId')}/{attempt}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    status = str(detail.get("status", ""))
    container: Mapping[str, Any] = detail.get("container") or {}
    reason = str(detail.get("statusReason") or "")
    exit_code = container.get("exitCode")
    started = detail.get("startedAt") or detail.get("createdAt") or 0
    stopped = detail.get("stoppedAt")
    if attempt is not None:
        attempts = detail.get("attempts") or []
        if 0 <= attempt < len(attempts):
            chosen = attempts[attempt]
            container = chosen.get("container") or {}
            reason = str(chosen.get("statusReason") or container.get("reason") or "")
            exit_code = container.get("exitCode")
            started = chosen.get("startedAt") or started
            stopped = chosen.get("stoppedAt") or stopped
    reason = f"{reason} {container.get('reason') or ''}".lower()
    name = re.sub(r"[^a-z0-9_]", "_", str(detail.get("jobName", "job")).lower()) or "job"
    lines = [
        f"INFO starting {detail.get('jobName', 'job')} (job {detail.get('jobId')})",
        f"INFO image {container.get('image', 'public.ecr.aws/docker/library/python:3.12')}",
        "INFO reading input manifest s3://example-bucket/input/manifest.json",
    ]
    steps = rng.randint(3, 8)
    records = 0
    for step in range(1, steps + 1):
        records += rng.randint(5_000, 50_000)
        lines.append(f"INFO step {step}/{steps + 2}: processed {records} records")
    terminal = status in ("SUCCEEDED", "FAILED")
    if status == "SUCCEEDED":
        lines += [f"INFO wrote {records} records", "INFO done"]
    elif status == "FAILED":
        if "timeout" in reason or "duration exceeded" in reason:
            lines.append(f"INFO step {steps + 1}/{steps + 2}: still processing")
        elif "by user" in reason:
            lines.append("WARNING received SIGTERM: stopping")
        elif exit_code == 137 or "memory" in reason:
            limit = container.get("memory", 2048)
            lines += [
                f"WARNING memory usage 91% of the {limit} MiB limit",
                "INFO loading the next shard into memory (4.0 GiB)",
                f"WARNING memory usage 99% of the {limit} MiB limit",
            ]
        elif "host ec2" in reason or "spot" in reason or "terminated" in reason:
            lines.append(f"INFO step {steps + 1}/{steps + 2}: processing")
        else:
            offset = rng.randint(1_000, 9_999_999)
            lines.append(f"ERROR cannot parse shard {rng.randint(0, 99):02d}")
            lines += [line.format(name=name, offset=offset) for line in _TRACEBACK]
    end = stopped if terminal and stopped else started + 60_000 * len(lines)
    span = max(int(end) - int(started), len(lines))
    stamps = sorted(int(started) + rng.randrange(span) for _ in lines)
    return list(zip(stamps, lines, strict=True))
