"""BatchClient.logs: every job shape, the repeated-forward-token ending, follow, errors.

The client tests run on BatchClient.logs and (with aiobotocore) on AsyncBatchClient.logs
(tests/conftest.py's face fixture; both read through batchkit._core.logs.LogsCore)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.paginate import TokenEncoder

from batchkit import (
    BatchClient,
    EksJobLogsError,
    FailureReport,
    FollowPolicy,
    InvalidParameterError,
    JobPager,
    LogDriverError,
    LogEvent,
    LogStreamNotFoundError,
    LogsUnavailableError,
    ThrottlingError,
)
from batchkit._core.pager import RawPage
from batchkit.testing import FakeAWS, WireStubber
from tests.conftest import NO_RETRY, T0, Face, raw_client

CALL = "Logs.GetLogEvents"

pytestmark = pytest.mark.usefixtures("face")


@pytest.fixture
def fake() -> FakeAWS:
    return FakeAWS(now=lambda: T0)


def batch_of(fake: FakeAWS) -> BatchClient:
    return fake.batch_client(NO_RETRY)


def client_on(face: Face, fake: FakeAWS, **options: Any) -> BatchClient:
    """A client of the face's kind on ``fake``'s session, with ``options``."""
    if face.name == "async":
        from batchkit.aio import AsyncBatchClient

        return face.opened(AsyncBatchClient(session=fake.aio_session(), **options))  # type: ignore[no-any-return]
    return BatchClient(session=fake.session(), **options)


def messages(events: Sequence[LogEvent]) -> list[str]:
    return [event.message for event in events]


def job_with_lines(fake: FakeAWS, lines: Sequence[str], **kwargs: Any) -> str:
    job = fake.add_job("q", job_name="etl", status=kwargs.pop("status", "SUCCEEDED"), **kwargs)
    where = fake.logs.location(job.job_id)
    assert where.stream is not None
    fake.logs.delete_stream(where.group, where.stream)  # no seeded lines: exactly these
    fake.logs.put(where.group, where.stream, lines, start=T0)
    return job.job_id


# ---------------------------------------------------------------------- the pager option


class Scripted:
    """A page fetcher answering from a script: token -> (items, next token)."""

    def __init__(self, script: dict[str | None, tuple[tuple[int, ...], str | None]]) -> None:
        self.script = script
        self.asked: list[str | None] = []

    def fetch(self, token: str | None, page_size: int | None) -> RawPage[int]:
        self.asked.append(token)
        items, following = self.script[token]
        return RawPage(items, following)


@pytest.mark.sync_only  # the pager alone: no client
def test_a_repeated_token_ends_the_listing_with_an_open_end() -> None:
    source = Scripted({None: ((1, 2), "A"), "A": ((3,), "B"), "B": ((), "B")})
    pager = JobPager([source], label="t", token_key="nextToken", end_on_repeated_token=True)
    assert list(pager) == [1, 2, 3]
    assert source.asked == [None, "A", "B"]  # B again would be the same page: never asked
    assert pager.done
    tail = pager.resume_token
    assert tail is not None  # an open end: what arrives later follows it
    source.script["B"] = ((4, 5), "C")
    source.script["C"] = ((), "C")
    later = JobPager(
        [source], label="t", token_key="nextToken", starting_token=tail, end_on_repeated_token=True
    )
    assert list(later) == [4, 5]


@pytest.mark.sync_only  # the pager alone: no client
def test_the_tail_page_with_items_resumes_past_them() -> None:
    source = Scripted({None: ((1,), "A"), "A": ((2, 3), "A")})
    pager = JobPager([source], label="t", token_key="nextToken", end_on_repeated_token=True)
    assert list(pager) == [1, 2, 3]
    source.script["A"] = ((2, 3, 4), "Z")
    source.script["Z"] = ((), "Z")
    later = JobPager(
        [source],
        label="t",
        token_key="nextToken",
        starting_token=pager.resume_token,
        end_on_repeated_token=True,
    )
    assert list(later) == [4]


@pytest.mark.sync_only  # the pager alone: no client
def test_without_the_option_a_repeated_token_is_a_cycle() -> None:
    from batchkit import TokenCycleError

    source = Scripted({None: ((1,), "A"), "A": ((), "A")})
    pager = JobPager([source], label="t", token_key="nextToken")
    with pytest.raises(TokenCycleError):
        list(pager)


def test_wire_stub_the_end_of_a_stream_is_the_repeated_forward_token(face: Face) -> None:
    on_loop = face.name == "async"
    raw = face.raw_client("batch") if on_loop else raw_client("batch")
    logs = face.raw_client("logs") if on_loop else raw_client("logs")
    job = {
        "jobId": "j1",
        "jobName": "n",
        "jobQueue": "q",
        "status": "SUCCEEDED",
        "jobDefinition": "d",
        "startedAt": 1,
        "container": {"logStreamName": "d/default/t1"},
    }
    with WireStubber(raw) as batch_stub, WireStubber(logs) as stub:
        batch_stub.add_response("describe_jobs", {"jobs": [job]}, {"jobs": ["j1"]})
        base = {"logGroupName": "/aws/batch/job", "logStreamName": "d/default/t1"}
        base["startFromHead"] = True  # type: ignore[assignment]
        ts = int(T0.timestamp() * 1000)
        stub.add_response(
            "get_log_events",
            {"events": [{"timestamp": ts, "message": "a"}], "nextForwardToken": "f/1"},
            base,
        )
        stub.add_response(  # an empty page in the middle: not the end
            "get_log_events",
            {"events": [], "nextForwardToken": "f/2"},
            {**base, "nextToken": "f/1"},
        )
        stub.add_response(
            "get_log_events",
            {"events": [{"timestamp": ts + 1, "message": "b"}], "nextForwardToken": "f/3"},
            {**base, "nextToken": "f/2"},
        )
        stub.add_response(
            "get_log_events",
            {"events": [], "nextForwardToken": "f/3"},
            {**base, "nextToken": "f/3"},
        )
        batch: Any = BatchClient(raw, logs_client=logs)
        if on_loop:
            from batchkit.aio import AsyncBatchClient
            from tests.aio_adapter import Blocking

            assert face.loop is not None
            batch = Blocking(AsyncBatchClient(raw, logs_client=logs), face.loop)
        events = batch.logs("j1").to_list()
        stub.assert_no_pending_responses()
    assert messages(events) == ["a", "b"]
    assert events[0].timestamp == T0
    assert events[0].timestamp.tzinfo is timezone.utc
    assert (events[0].group, events[0].stream) == ("/aws/batch/job", "d/default/t1")


# ---------------------------------------------------------------------- job shapes


def test_container_job_reads_its_whole_stream(fake: FakeAWS) -> None:
    job_id = job_with_lines(fake, [f"line {i}" for i in range(25)])
    pager = batch_of(fake).logs(job_id, page_size=10)
    assert fake.calls(CALL) == 0  # lazy
    events = pager.to_list()
    assert messages(events) == [f"line {i}" for i in range(25)]
    assert fake.calls(CALL) == 4  # 10 + 10 + 5, then the repeated token
    assert [e.timestamp for e in events] == sorted(e.timestamp for e in events)
    assert all(isinstance(e, LogEvent) and e.timestamp.tzinfo is not None for e in events)


def test_seeded_lines_of_failed_jobs_are_realistic(fake: FakeAWS) -> None:
    batch = batch_of(fake)
    oom = fake.add_job("q", status="FAILED", exit_code=137)
    crash = fake.add_job("q", status="FAILED", exit_code=1)
    pull = fake.add_job(
        "q", status="FAILED", status_reason="CannotPullContainerError: pull access denied"
    )
    assert "memory usage 99%" in messages(batch.logs(oom).to_list())[-1]
    crash_lines = messages(batch.logs(crash).to_list())
    assert "Traceback (most recent call last):" in crash_lines
    assert crash_lines[-1].startswith("ValueError: corrupt record")
    with pytest.raises(LogStreamNotFoundError, match="never started"):
        batch.logs(pull).to_list()


def test_attempts_have_their_own_streams(fake: FakeAWS) -> None:
    attempts = [
        {
            "container": {"exitCode": 137, "logStreamName": "etl/default/first"},
            "startedAt": 1,
            "stoppedAt": 2,
            "statusReason": "Essential container in task exited",
        },
        {"container": {"exitCode": 0, "logStreamName": "etl/default/second"}},
    ]
    job = fake.add_job("q", job_name="etl", status="SUCCEEDED", attempts=attempts)
    fake.logs.put("/aws/batch/job", "etl/default/first", ["first try"], start=T0)
    fake.logs.put("/aws/batch/job", "etl/default/second", ["second try"], start=T0)
    batch = batch_of(fake)
    first = batch.logs(job.job_id, attempt=0).to_list()
    assert first[-1].message == "first try"
    assert first[-1].stream == "etl/default/first"
    assert batch.logs(job.job_id, attempt=-1).to_list()[-1].message == "second try"
    with pytest.raises(InvalidParameterError, match=r"attempts 0\.\.1, got 2"):
        batch.logs(job.job_id, attempt=2).to_list()


def test_the_latest_attempt_by_default(fake: FakeAWS) -> None:
    attempts = [{"container": {"logStreamName": "x/default/a1"}}]
    job = fake.add_job(
        "q", status="FAILED", attempts=attempts, container={"image": "busybox"}
    )  # no current container stream: the latest attempt's
    fake.logs.put("/aws/batch/job", "x/default/a1", ["from the attempt"])
    assert batch_of(fake).logs(job).to_list()[-1].message == "from the attempt"


def test_multi_node_job_nodes(fake: FakeAWS) -> None:
    parent = fake.add_job("q", job_name="mnp", status="RUNNING", num_nodes=3)
    batch = batch_of(fake)
    node2 = fake.logs.append(f"{parent.job_id}#2", "node two says hi")
    main = fake.logs.append(f"{parent.job_id}#0", "main node")
    events = batch.logs(parent.job_id, node=2).to_list()
    assert events[-1].message == "node two says hi"
    assert events[-1].stream == node2.stream != main.stream
    assert batch.logs(parent).to_list()[-1].message == "main node"  # default: the main node
    with pytest.raises(InvalidParameterError, match=r"nodes 0\.\.2, got 5"):
        batch.logs(parent.job_id, node=5).to_list()
    with pytest.raises(InvalidParameterError, match="not a multi-node"):
        batch.logs(fake.add_job("q", status="RUNNING").job_id, node=1).to_list()


def test_array_children_by_their_own_id_and_the_parent_says_so(fake: FakeAWS) -> None:
    parent = fake.add_job("q", status="RUNNING", array_size=3, child_statuses=["SUCCEEDED"] * 3)
    batch = batch_of(fake)
    child = fake.logs.append(f"{parent.job_id}:1", "child one")
    events = batch.logs(f"{parent.job_id}:1").to_list()
    assert events[-1].message == "child one"
    assert child.stream is not None
    assert ":" not in child.stream  # CloudWatch stream names cannot hold ':'
    with pytest.raises(LogsUnavailableError, match=rf"{parent.job_id}:0 \.\. {parent.job_id}:2"):
        batch.logs(parent.job_id).to_list()


def test_custom_group_and_region_from_the_log_configuration(fake: FakeAWS) -> None:
    config = {
        "logDriver": "awslogs",
        "options": {"awslogs-group": "/team/etl", "awslogs-region": "eu-west-1"},
    }
    container = {"image": "busybox", "logConfiguration": config, "logStreamName": "etl/main/t9"}
    job = fake.add_job("q", status="RUNNING", container=container)
    fake.logs.put("/team/etl", "etl/main/t9", ["far away"], region="eu-west-1")
    batch = batch_of(fake)
    events = batch.logs(job.job_id).to_list()
    assert messages(events)[-1] == "far away"
    assert events[-1].group == "/team/etl"
    assert batch.logs_client("eu-west-1").meta.region_name == "eu-west-1"
    # The same names in the Batch client's region do not exist: the region was honoured.
    fake.logs.delete_stream("/team/etl", "etl/main/t9", region="eu-west-1")
    with pytest.raises(LogStreamNotFoundError, match="eu-west-1") as info:
        batch.logs(job.job_id).to_list()
    assert (info.value.group, info.value.stream) == ("/team/etl", "etl/main/t9")
    assert info.value.region == "eu-west-1"


def test_stream_name_from_the_prefix_when_batch_reports_none(fake: FakeAWS) -> None:
    config = {"logDriver": "awslogs", "options": {"awslogs-stream-prefix": "myapp"}}
    arn = "arn:aws:ecs:us-east-1:123456789012:task/cluster/abc123"
    attempts = [{"container": {"taskArn": arn, "exitCode": 1}}]
    container = {"image": "busybox", "logConfiguration": config}
    job = fake.add_job("q", status="FAILED", attempts=attempts, container=container)
    fake.logs.put("/aws/batch/job", "myapp/default/abc123", ["derived"])
    events = batch_of(fake).logs(job.job_id, attempt=0).to_list()
    assert events[-1].stream == "myapp/default/abc123"


def test_ecs_task_containers(fake: FakeAWS) -> None:
    containers = [
        {"name": "app", "essential": True, "logStreamName": "job/app/t1"},
        {"name": "sidecar", "essential": False, "logStreamName": "job/sidecar/t1"},
    ]
    ecs = {"taskProperties": [{"containers": containers, "taskArn": "arn:task/t1"}]}
    job = fake.add_job("q", status="RUNNING", ecsProperties=ecs)
    fake.logs.put("/aws/batch/job", "job/app/t1", ["app line"])
    fake.logs.put("/aws/batch/job", "job/sidecar/t1", ["sidecar line"])
    batch = batch_of(fake)
    assert batch.logs(job.job_id).to_list()[-1].message == "app line"  # essential first
    assert batch.logs(job.job_id, container="sidecar").to_list()[-1].message == "sidecar line"
    with pytest.raises(InvalidParameterError, match="'app', 'sidecar'"):
        batch.logs(job.job_id, container="nope").to_list()


def test_other_log_drivers_say_where_the_output_went(fake: FakeAWS) -> None:
    config = {
        "logDriver": "splunk",
        "options": {"splunk-url": "https://splunk.example:8088", "splunk-token": "SECRET"},
    }
    job = fake.add_job("q", status="FAILED", container={"logConfiguration": config})
    with pytest.raises(LogDriverError, match=r"'splunk'.*splunk\.example:8088") as info:
        batch_of(fake).logs(job.job_id).to_list()
    assert "SECRET" not in str(info.value)
    assert info.value.driver == "splunk"
    assert fake.calls(CALL) == 0


def test_a_log_region_that_is_not_a_region_is_a_typed_error(fake: FakeAWS) -> None:
    # the job's configuration is text AWS returns: botocore's InvalidRegionError never escapes
    config = {"logDriver": "awslogs", "options": {"awslogs-region": "bad region\x1b]0;x\x07"}}
    job = fake.add_job("q", status="FAILED", container={"logConfiguration": config})
    with pytest.raises(LogsUnavailableError, match="not a region name"):
        batch_of(fake).logs(job.job_id).to_list()
    assert fake.calls(CALL) == 0
    report = batch_of(fake).why(job.job_id)  # a report all the same, saying why no lines
    assert isinstance(report, FailureReport)
    assert report.logs_error is not None
    assert "not a region name" in report.logs_error


def test_eks_jobs_point_at_the_pod(fake: FakeAWS) -> None:
    eks_attempts = [
        {"podName": "pod-1", "podNamespace": "batch", "eksClusterArn": "arn:eks/cluster/c1"}
    ]
    job = fake.add_job("q", status="FAILED", eksAttempts=eks_attempts)
    with pytest.raises(EksJobLogsError, match="kubectl logs --namespace batch pod-1"):
        batch_of(fake).logs(job.job_id).to_list()


def test_missing_streams(fake: FakeAWS) -> None:
    batch = batch_of(fake)
    waiting = fake.add_job("q", status="RUNNABLE")
    with pytest.raises(LogStreamNotFoundError, match=r"not started yet .RUNNABLE.*follow=True"):
        batch.logs(waiting.job_id).to_list()
    gone = fake.add_job("q", status="SUCCEEDED")
    where = fake.logs.location(gone.job_id)
    assert where.stream is not None
    fake.logs.delete_stream(where.group, where.stream)
    with pytest.raises(LogStreamNotFoundError, match="retention") as info:
        batch.logs(gone.job_id).to_list()
    assert info.value.stream == where.stream
    assert "console.aws.amazon.com/cloudwatch" in str(info.value)


# ---------------------------------------------------------------------- options


def test_since_limit_tail_and_exact_resume(fake: FakeAWS) -> None:
    lines = [(T0 + timedelta(seconds=i), f"l{i}") for i in range(30)]
    job = fake.add_job("q", status="SUCCEEDED", job_name="etl")
    where = fake.logs.location(job.job_id)
    assert where.stream is not None
    fake.logs.delete_stream(where.group, where.stream)
    fake.logs.put(where.group, where.stream, lines)
    batch = batch_of(fake)
    since = messages(batch.logs(job, since=T0 + timedelta(seconds=25)).to_list())
    assert since == ["l25", "l26", "l27", "l28", "l29"]
    assert messages(batch.logs(job, limit=3).to_list()) == ["l0", "l1", "l2"]
    before = fake.calls(CALL)
    assert messages(batch.logs(job, tail=4).to_list()) == ["l26", "l27", "l28", "l29"]
    assert fake.calls(CALL) - before == 2  # the tail, then the repeated forward token
    pager = batch.logs(job, page_size=7)
    first = messages(pager.take(10))
    rest = messages(batch.logs(job, page_size=4, starting_token=pager.resume_token).to_list())
    assert first + rest == [f"l{i}" for i in range(30)]


def test_a_token_inside_the_tail_window_resumes_exactly_as_lines_arrive(fake: FakeAWS) -> None:
    # The tail window (the last N events) moves as lines arrive: a resume token inside it
    # is anchored by time, not by "the window, past k events" (which lost lines 7-9).
    lines = [(T0 + timedelta(seconds=i // 2), f"l{i}") for i in range(10)]  # 2 per second
    job = fake.add_job("q", status="RUNNING", job_name="etl")
    where = fake.logs.location(job.job_id)
    assert where.stream is not None
    fake.logs.delete_stream(where.group, where.stream)
    fake.logs.put(where.group, where.stream, lines)
    batch = batch_of(fake)
    pager = batch.logs(job, tail=5)
    assert messages(pager.take(2)) == ["l5", "l6"]
    token = pager.resume_token  # l7: the second event of its second
    assert token is not None
    fake.logs.put(where.group, where.stream, [(T0 + timedelta(seconds=9), "l10")])
    rest = ["l7", "l8", "l9", "l10"]
    assert messages(batch.logs(job, tail=5, starting_token=token).to_list()) == rest
    assert messages(batch.logs(job, starting_token=token, page_size=1).to_list()) == rest
    assert messages(pager.to_list()) == rest  # the same pager reads on past the window
    forged = TokenEncoder().encode({"nextToken": "@12ab"})
    calls = fake.calls(CALL)
    with pytest.raises(InvalidParameterError, match="starting_token"):
        batch.logs(job, starting_token=forged)  # before any request
    assert fake.calls(CALL) == calls


@pytest.mark.parametrize(
    "anchor", ["@\u00b2", "@\u00b9\u00b2\u00b3", "@\u0663", "@1\u0663", "@", "@-1"]
)
def test_a_forged_anchor_with_non_ascii_digits_is_refused_before_any_request(
    fake: FakeAWS, anchor: str
) -> None:
    # str.isdigit() takes superscripts (then int() raised a raw ValueError) and Arabic-Indic
    # digits (then int() read them: "@\u0663" was 3 ms); only ASCII digits are an anchor.
    job = fake.add_job("q", status="RUNNING", job_name="etl")
    forged = TokenEncoder().encode({"nextToken": anchor})
    with pytest.raises(InvalidParameterError, match="starting_token: not a token of a log"):
        batch_of(fake).logs(job, starting_token=forged)
    assert fake.requests == []


def test_resume_after_the_end_yields_only_new_lines(fake: FakeAWS) -> None:
    job_id = job_with_lines(fake, ["a", "b"], status="RUNNING")
    batch = batch_of(fake)
    pager = batch.logs(job_id)
    assert messages(pager.to_list()) == ["a", "b"]
    fake.logs.append(job_id, "c")
    assert messages(batch.logs(job_id, starting_token=pager.resume_token).to_list()) == ["c"]


def test_faults_are_typed_and_resumable(fake: FakeAWS) -> None:
    job_id = job_with_lines(fake, [f"l{i}" for i in range(6)])
    batch = batch_of(fake)
    fake.inject(operation=CALL, on_call=2)  # throttled on the second page
    pager = batch.logs(job_id, page_size=3)
    got = [next(pager).message for _ in range(3)]
    with pytest.raises(ThrottlingError) as info:
        next(pager)
    rest = batch.logs(job_id, page_size=3, starting_token=info.value.resume_token).to_list()
    assert got + messages(rest) == [f"l{i}" for i in range(6)]


def test_slow_path_gives_the_same_events(fake: FakeAWS, face: Face) -> None:
    job_id = job_with_lines(fake, ["x", "y"])
    slow = client_on(face, fake, config=NO_RETRY, fast_path=False)
    assert slow.logs(job_id).to_list() == batch_of(fake).logs(job_id).to_list()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"attempt": True}, "attempt: expected an int"),
        ({"node": -1}, "node: must be between"),
        ({"since": datetime(2026, 1, 1)}, "since: naive datetime"),
        ({"since": timedelta(minutes=-1)}, "since: a duration must not be negative"),
        ({"tail": 0}, "tail: must be between 1 and 10000"),
        ({"limit": 0}, "limit: must be >= 1"),
        ({"follow": "yes"}, "follow: expected a bool or a FollowPolicy"),
        ({"container": " "}, "container: must not be empty"),
        ({"starting_token": "garbage"}, "starting_token"),
    ],
)
def test_bad_arguments_fail_before_any_request(
    fake: FakeAWS, kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        batch_of(fake).logs("job-1", **kwargs)
    assert fake.requests == []


@pytest.mark.sync_only  # the policy alone
def test_a_follow_policy_at_its_bounds_is_accepted() -> None:
    FollowPolicy(initial_delay=0, max_delay=0.1, describe_interval=0)
    FollowPolicy(initial_delay=366 * 86_400, max_delay=366 * 86_400, describe_interval=1e7)


def test_a_since_before_year_one_reads_from_the_start(fake: FakeAWS) -> None:
    job_id = job_with_lines(fake, ["a", "b"])
    events = batch_of(fake).logs(job_id, since=timedelta.max).to_list()  # was OverflowError
    assert messages(events) == ["a", "b"]


def test_bad_job_argument(fake: FakeAWS) -> None:
    with pytest.raises(
        InvalidParameterError,
        match="job: expected a job id, a job ARN, a JobSummary",
    ):
        batch_of(fake).logs(42)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="max_delay"):
        FollowPolicy(initial_delay=5, max_delay=1)


@pytest.mark.sync_only  # the policy alone
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"initial_delay": float("nan")}, "initial_delay: expected a finite number"),
        ({"max_delay": float("inf")}, "max_delay: expected a finite number"),
        ({"describe_interval": float("nan")}, "describe_interval: expected a finite number"),
        ({"factor": float("inf")}, "factor: expected a finite number"),
        ({"initial_delay": 0, "max_delay": 0}, "max_delay: must be > 0"),  # a hot loop
        # both ends (issue 22, item 16): a raw OverflowError after the first request, or a
        # busy loop (initial_delay=1e-9 with factor=1 polled ~a billion times a second)
        ({"max_delay": 1e10}, r"max_delay: must be at most 366 days \(31622400 s\)"),
        ({"max_delay": 1e-9, "initial_delay": 0}, "max_delay: must be at least 0.1 s"),
        ({"initial_delay": 1e-9, "factor": 1}, "initial_delay: must be at least 0.1 s"),
        ({"describe_interval": 1e10}, "describe_interval: must be at most 366 days"),
    ],
)
def test_a_follow_policy_that_would_hang_or_spin_is_refused(
    kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        FollowPolicy(**kwargs)


# ---------------------------------------------------------------------- follow


class Clock:
    """A controllable clock: ``sleep`` advances it and runs what is due by then."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.events: list[tuple[float, Callable[[], object]]] = []

    def at(self, when: float, action: Callable[[], object]) -> None:
        self.events.append((when, action))

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert len(self.sleeps) < 200, "follow never ended"
        self.sleeps.append(seconds)
        self.now += seconds
        due = [e for e in self.events if e[0] <= self.now]
        self.events = [e for e in self.events if e[0] > self.now]
        for _, action in due:
            action()

    def policy(self, **kwargs: Any) -> FollowPolicy:
        return FollowPolicy(clock=self.clock, sleep=self.sleep, **kwargs)


def test_follow_ends_when_the_job_finishes_and_the_stream_drains(fake: FakeAWS) -> None:
    job_id = job_with_lines(fake, ["boot"], status="RUNNING")
    clock = Clock()
    clock.at(3, lambda: fake.logs.append(job_id, "working"))
    clock.at(40, lambda: fake.logs.append(job_id, "almost"))
    clock.at(41, lambda: fake.update_job(job_id, status="SUCCEEDED"))
    clock.at(41.5, lambda: fake.logs.append(job_id, "bye"))  # flushed as the container stops
    policy = clock.policy(initial_delay=1, max_delay=8, describe_interval=15)
    events = batch_of(fake).logs(job_id, follow=policy).to_list()
    assert messages(events) == ["boot", "working", "almost", "bye"]
    assert clock.sleeps[:3] == [1, 2, 1]  # backoff, reset by new events
    assert max(clock.sleeps) <= 8
    # Described once to start, then only on idle polls at most every 15 s of the clock.
    describes = fake.calls("DescribeJobs")
    assert 2 <= describes <= 1 + int(clock.now // 15) + 1
    assert clock.now < 41 + 15 + 8 + 8  # ended soon after the job did


def test_follow_on_a_finished_job_does_not_wait(fake: FakeAWS) -> None:
    job_id = job_with_lines(fake, ["a"], status="SUCCEEDED")
    clock = Clock()
    events = batch_of(fake).logs(job_id, follow=clock.policy()).to_list()
    assert messages(events) == ["a"]
    assert clock.sleeps == []
    assert fake.calls("DescribeJobs") == 1


def test_follow_waits_for_a_job_to_start(fake: FakeAWS) -> None:
    job = fake.add_job("q", job_name="later", status="RUNNABLE")
    clock = Clock()

    def start() -> None:
        container = {"image": "busybox", "logStreamName": "later/default/t1"}
        fake.update_job(job.job_id, status="RUNNING", container=container)
        fake.logs.delete_stream("/aws/batch/job", "later/default/t1")  # no seeded lines
        fake.logs.put("/aws/batch/job", "later/default/t1", ["hello"])

    clock.at(20, start)
    clock.at(30, lambda: fake.logs.append(job.job_id, "world"))
    clock.at(50, lambda: fake.update_job(job.job_id, status="FAILED"))
    policy = clock.policy(initial_delay=1, max_delay=4, describe_interval=5)
    events = batch_of(fake).logs(job.job_id, follow=policy).to_list()
    assert messages(events) == ["hello", "world"]


def test_follow_of_a_job_that_ends_without_a_stream_raises(fake: FakeAWS) -> None:
    job = fake.add_job("q", status="RUNNABLE")
    clock = Clock()
    clock.at(2, lambda: fake.update_job(job.job_id, status="FAILED", statusReason="pull failed"))
    with pytest.raises(LogStreamNotFoundError, match=r"never started .pull failed"):
        batch_of(fake).logs(job.job_id, follow=clock.policy(describe_interval=1)).to_list()


def test_follow_can_stop_early(fake: FakeAWS) -> None:
    job_id = job_with_lines(fake, ["a", "b", "c"], status="RUNNING")
    clock = Clock()
    with batch_of(fake).logs(job_id, follow=clock.policy()) as pager:
        assert messages(pager.take(2)) == ["a", "b"]
    assert clock.sleeps == []


# ---------------------------------------------------------------------- bounded follow


class Enough(Exception):
    """Ends a follow that would never end by itself (the test's own stop)."""


def test_follow_backs_off_on_empty_pages_with_new_tokens(face: Face, fake: FakeAWS) -> None:
    """An endpoint answering only empty pages with new forward tokens (issue 22, item 13):
    the follower waits the policy's backoff between them (it polled in a loop, ~2,000
    requests a second).  Injected at botocore's before-send on the Logs client."""
    from batchkit.testing import AWSErrorResponse, ManualClock, serve

    job = fake.add_job("q", status="RUNNING", job_name="etl")
    requests: list[float] = []
    clock = ManualClock()

    def respond(_operation: str, params: dict[str, Any]) -> dict[str, Any]:
        requests.append(clock.monotonic())
        if len(requests) > 1_000:  # before the fix: a hot loop (no simulated time passes)
            raise AWSErrorResponse("AccessDeniedException", "enough requests", 400)
        n = int(str(params.get("nextToken", "f/0")).split("/")[1])
        return {"events": [], "nextForwardToken": f"f/{n + 1}", "nextBackwardToken": "b/0"}

    def on_sleep(seconds: float) -> None:
        if clock.monotonic() + seconds > 120:
            raise Enough

    clock.on_sleep = on_sleep
    logs = face.raw_client("logs") if face.name == "async" else raw_client("logs")
    stop = serve(logs, respond, services=("logs",))
    try:
        batch = client_on(face, fake, logs_client=logs)
        policy = FollowPolicy(
            initial_delay=1, max_delay=10, clock=clock.monotonic, sleep=clock.sleep
        )
        with pytest.raises(Enough):
            batch.logs(job.job_id, follow=policy).to_list()
    finally:
        stop()
    assert len(requests) <= 30, f"{len(requests)} requests in 120 simulated seconds"
    per_second: dict[int, int] = {}
    for at in requests:
        per_second[int(at)] = per_second.get(int(at), 0) + 1
    from batchkit._core.logs import FREE_EMPTY_PAGES

    assert max(per_second.values()) <= FREE_EMPTY_PAGES + 1  # only in the first second
    assert clock.sleeps[:4] == [1, 2, 4, 8]  # the backoff
    assert max(clock.sleeps) == 10


@pytest.mark.sync_only  # the pager alone: no client
def test_a_follow_of_100k_pages_remembers_a_bounded_window_of_tokens() -> None:
    """logs(follow=True) kept every forward token for cycle detection (~21 MB per 100,000
    pages): now a window of the latest tokens, and memory stays flat."""
    import gc
    import tracemalloc

    class Endless:
        def fetch(self, token: str | None, page_size: int | None) -> RawPage[int]:
            n = 0 if token is None else int(token[2:].split("/")[0])
            return RawPage((n,), f"f/{n + 1:056d}/s")  # a token as long as CloudWatch's

    pager = JobPager([Endless()], label="t", token_key="nextToken", end_on_repeated_token=True)
    assert pager.take(10_000)[-1] == 9_999
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        assert pager.take(20_000)[-1] == 29_999
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 500_000, f"grew {grown:,} bytes over 20,000 pages"
    assert pager.take(70_000)[-1] == 99_999
    remembered = len(pager._followed)
    assert remembered <= 2_000, f"{remembered:,} tokens remembered after 100,000 pages"
    from batchkit._core.pager import FOLLOWED_WINDOW

    assert remembered == FOLLOWED_WINDOW


@pytest.mark.sync_only  # the pager alone: no client
def test_a_cycle_within_the_window_is_still_refused() -> None:
    from batchkit import TokenCycleError

    script: dict[str | None, tuple[tuple[int, ...], str | None]] = {None: ((0,), "t1")}
    for i in range(1, 500):
        script[f"t{i}"] = ((i,), f"t{i + 1}")
    script["t500"] = ((500,), "t1")  # back to the start: a 500-page cycle
    pager = JobPager([Scripted(script)], label="t", token_key="nextToken")
    with pytest.raises(TokenCycleError):
        list(pager)
