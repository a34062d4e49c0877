"""The botocore and aiobotocore internals batchkit relies on, pinned (issue 21, item 7).

batchkit reaches below botocore's documented API in a few places: the fast path rewrites the
body at ``before-parse``, the wire responder answers at ``before-send`` with hand-built
``AWSResponse`` objects, ``WireStubber`` reuses ``Stubber``'s private hooks, the XML fast path
reads documents exactly as botocore's parser does, ``SimulatedClock`` patches
``botocore.endpoint.time`` and ``botocore.retries.bucket``, the async client copies
``Config._user_provided_options`` into an ``AioConfig``...

Each such object is pinned the way aiobotocore pins botocore (its ``tests/test_patches.py``):
the SHA-1 of its source (``inspect.getsource``; a property's getter), which must be one of the
hashes accepted in ``tests/botocore_internals.json``, next to a note of where batchkit relies
on it and what to re-check.  (The digests are aiobotocore's own for the same botocore: e.g.
``Config.merge``, ``Endpoint._do_get_response``, ``TokenBucket``, ``AWSResponse.content``.)
A botocore release that changes one fails here, naming it, before anything subtler fails
elsewhere.  Where a hash says little (an attribute, the arguments an event's handlers
receive, which ``time`` functions a module calls), the shape batchkit needs is asserted
directly by the tests below the table's.

After checking a change: ``python tools/pin_internals.py --record NAME`` (CONTRIBUTING.md).
This module imports nothing of batchkit: it pins botocore's objects, not batchkit's layout.
"""

from __future__ import annotations

import ast
import asyncio
import functools
import hashlib
import importlib
import importlib.util
import inspect
import json
import re
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import botocore
import botocore.endpoint
import botocore.exceptions
import botocore.parsers
import botocore.session
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse, HTTPHeaders
from botocore.config import Config
from botocore.model import ListShape, MapShape, Shape, StringShape, StructureShape
from botocore.paginate import PaginatorModel, TokenDecoder, TokenEncoder
from botocore.retries import adaptive, bucket, standard
from botocore.stub import Stubber
from botocore.utils import CachedProperty, parse_timestamp, validate_region_name

TABLE_PATH = Path(__file__).with_name("botocore_internals.json")
HAS_AIO = importlib.util.find_spec("aiobotocore") is not None
NO_AIO = "aiobotocore is not installed: its internals are checked by nox -s tests_async"
RECORDER = "python tools/pin_internals.py"


# ------------------------------------------------------------------------ the table


@dataclass
class Pin:
    """One pinned object: where batchkit relies on it, what to re-check when it changes,
    and the SHA-1 of each accepted version of its source (with the versions seen)."""

    name: str
    where: str
    check: str
    sha1: dict[str, str]


def load_table(path: Path = TABLE_PATH) -> dict[str, Pin]:
    raw: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return {
        name: Pin(name, entry["where"], entry["check"], dict(entry["sha1"]))
        for name, entry in raw.items()
    }


def save_table(pins: dict[str, Pin], path: Path = TABLE_PATH) -> None:
    raw = {
        name: {"where": pin.where, "check": pin.check, "sha1": dict(sorted(pin.sha1.items()))}
        for name, pin in sorted(pins.items())
    }
    path.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")


def needs_aio(name: str) -> bool:
    return name.split(".")[0] == "aiobotocore"


def resolve(name: str) -> object:
    """The object at an importable dotted path (``botocore.retries.bucket.Clock``,
    ``botocore.awsrequest.AWSResponse.content``: the property itself)."""
    parts = name.split(".")
    obj: object = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], start=2):
        if isinstance(obj, ModuleType):
            module = ".".join(parts[:i])
            try:
                obj = importlib.import_module(module)
                continue
            except ModuleNotFoundError as error:
                if error.name != module:
                    raise
        obj = getattr(obj, part)
    return obj


def source_of(obj: object) -> str:
    """The source hashed, as aiobotocore takes it: ``getsource``, a property's getter (and
    the function behind botocore's ``CachedProperty``)."""
    if isinstance(obj, property):
        obj = obj.fget
    elif isinstance(obj, CachedProperty):
        obj = vars(obj)["_fget"]
    elif isinstance(obj, functools.cached_property):
        obj = obj.func
    return inspect.getsource(obj)  # type: ignore[arg-type]


def digest(name: str) -> str:
    return hashlib.sha1(source_of(resolve(name)).encode("utf-8")).hexdigest()


def where_defined(name: str) -> str:
    """``file:line`` of the pinned source (in the installed botocore/aiobotocore)."""
    obj = resolve(name)
    if isinstance(obj, property):
        obj = obj.fget
    elif isinstance(obj, CachedProperty):
        obj = vars(obj)["_fget"]
    target: Any = inspect.unwrap(obj)  # type: ignore[arg-type]
    try:
        return f"{inspect.getsourcefile(target)}:{inspect.getsourcelines(target)[1]}"
    except (OSError, TypeError):
        return "?"


def version_label(name: str) -> str:
    """The installed versions ``name`` comes from, as the table records them next to a digest:
    botocore's, and aiobotocore's for its names."""
    label = f"botocore {botocore.__version__}"
    if needs_aio(name):
        import aiobotocore

        label = f"aiobotocore {aiobotocore.__version__} (botocore {botocore.__version__})"
    return label


def _recorded(pin: Pin) -> str:
    return "\n".join(f"      {h}  ({seen})" for h, seen in sorted(pin.sha1.items())) or "      none"


def changed_message(pin: Pin, found: str) -> str:
    return (
        f"{pin.name} changed in {version_label(pin.name)}: its source hashes to {found},\n"
        f"  which is not one of the versions batchkit was checked with:\n{_recorded(pin)}\n"
        f"  batchkit relies on it: {pin.where}\n"
        f"  re-check: {pin.check}\n"
        f"  (source: {where_defined(pin.name)}; compare it with the recorded version's)\n"
        "  If batchkit still works with the new version (fix it first if not), accept it:\n"
        f"      {RECORDER} --record {pin.name}\n"
        "  (--replace instead drops the old hashes: only when batchkit drops the old versions)"
    )


def gone_message(pin: Pin, error: BaseException) -> str:
    return (
        f"{pin.name} no longer exists in {version_label(pin.name)} "
        f"({type(error).__name__}: {error})\n"
        f"  batchkit relies on it: {pin.where}\n"
        f"  re-check: {pin.check}\n"
        "  batchkit must change before it supports this version; then update the table\n"
        f"  ({TABLE_PATH.name}) and {RECORDER} --record NAME"
    )


PINS = load_table()


def test_the_table_is_well_formed() -> None:
    assert len(PINS) >= 40
    for name, pin in PINS.items():
        assert needs_aio(name) or name.split(".")[0] == "botocore", name
        assert pin.where.strip(), f"{name}: say where batchkit relies on it"
        assert pin.check.strip(), f"{name}: say what to re-check when it changes"
        assert pin.sha1, f"{name}: no accepted hash; run {RECORDER} --record {name}"
        for value, seen in pin.sha1.items():
            assert re.fullmatch(r"[0-9a-f]{40}", value), f"{name}: {value!r} is not a SHA-1"
            assert seen.strip(), f"{name}: {value} says no version"


@pytest.mark.parametrize("name", sorted(PINS))
def test_the_source_is_a_recorded_version(name: str) -> None:
    pin = PINS[name]
    if needs_aio(name) and not HAS_AIO:
        pytest.skip(NO_AIO)
    gone: str | None = None
    try:
        found = digest(name)
    except (ImportError, AttributeError) as error:
        gone = gone_message(pin, error)  # failed below: not chained to the lookup's error
    if gone is not None:
        pytest.fail(gone, pytrace=False)
    if found not in pin.sha1:
        pytest.fail(changed_message(pin, found), pytrace=False)


# ------------------------------------------------------------------------ shapes: config


OPTIONS: dict[str, Any] = {
    "retries": {"mode": "adaptive", "total_max_attempts": 10},
    "user_agent_extra": "batchkit/0",
}


def test_config_keeps_the_options_given_and_merge_replaces_retries() -> None:
    """batchkit/aio/_client.py builds ``AioConfig(**config._user_provided_options)``;
    batchkit/_client.py ``_client_config`` puts its retry mode back after ``merge``."""
    config = Config(**OPTIONS)
    assert vars(config)["_user_provided_options"] == OPTIONS
    merged: Any = config.merge(Config(retries={"max_attempts": 3}))  # botocore-stubs: no retries
    assert merged.retries == {"max_attempts": 3}  # the whole dict: the mode is gone
    assert merged.user_agent_extra == "batchkit/0"
    assert type(merged) is Config


def test_aioconfig_takes_configs_options_and_merge_keeps_its_type() -> None:
    if not HAS_AIO:
        pytest.skip(NO_AIO)
    from aiobotocore.config import AioConfig

    # Any: types-aiobotocore's AioConfig lists none of botocore's options
    base: Any = AioConfig(**vars(Config(**OPTIONS))["_user_provided_options"])
    assert base.retries == OPTIONS["retries"]
    assert base.user_agent_extra == "batchkit/0"
    merged: Any = base.merge(Config(connect_timeout=5))
    assert (merged.connect_timeout, merged.retries) == (5, OPTIONS["retries"])
    assert type(merged) is AioConfig
    theirs: Any = base.merge(AioConfig(connector_args={"keepalive_timeout": 3}))
    assert theirs.connector_args["keepalive_timeout"] == 3
    assert type(theirs) is AioConfig


# ------------------------------------------------------------------------ shapes: the wire


@dataclass(frozen=True)
class WireCase:
    """One operation batchkit reads, as the fast path and the wire responder meet it."""

    service: str
    service_id: str  # botocore's event name part: batchkit's operations table, event_service
    protocol: str  # what batchkit's table and fast path dispatch on
    operation: str
    method: str
    params: dict[str, Any]
    content_type: str
    body: bytes  # a page: one item and a next token
    rest: bytes  # what batchkit's fast path leaves botocore to parse: the token only
    items: str
    token_key: str
    token: str


_S3_NS = "http://awss3control.amazonaws.com/doc/2018-08-20/"
CASES = (
    WireCase(
        "batch",
        "batch",
        "rest-json",
        "ListJobs",
        "list_jobs",
        {"jobQueue": "q"},
        "application/json",
        json.dumps(
            {"jobSummaryList": [{"jobId": "j1", "jobName": "n"}], "nextToken": "t2"}
        ).encode(),
        b'{"nextToken": "t2"}',
        "jobSummaryList",
        "nextToken",
        "t2",
    ),
    WireCase(
        "s3control",
        "s3-control",
        "rest-xml",
        "ListJobs",
        "list_jobs",
        {"AccountId": "123456789012"},
        "application/xml",
        (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ListJobsResult xmlns="{_S3_NS}">'
            "<Jobs><member><JobId>j1</JobId></member></Jobs><NextToken>t2</NextToken>"
            "</ListJobsResult>"
        ).encode(),
        b"<ListJobsResult><NextToken>t2</NextToken></ListJobsResult>",
        "Jobs",
        "NextToken",
        "t2",
    ),
    WireCase(
        "logs",
        "cloudwatch-logs",
        "json",
        "GetLogEvents",
        "get_log_events",
        {"logGroupName": "g", "logStreamName": "s"},
        "application/x-amz-json-1.1",
        json.dumps(
            {"events": [{"timestamp": 1, "message": "m"}], "nextForwardToken": "f/2"}
        ).encode(),
        b'{"nextForwardToken": "f/2"}',
        "events",
        "nextForwardToken",
        "f/2",
    ),
)
CASE_IDS = [f"{c.service}.{c.operation}" for c in CASES]
_CREDENTIAL = re.compile(r"Credential=testing/\d{8}/us-east-1/[a-z0-9-]+/aws4_request")


def _headers(case: WireCase, body: bytes) -> HTTPHeaders:
    return HTTPHeaders.from_dict(
        {
            "Content-Type": case.content_type,
            "Content-Length": str(len(body)),
            "x-amzn-RequestId": "r1",
        }
    )


class _Body:
    """What batchkit's wire responder hands ``AWSResponse`` as ``raw``: ``stream()`` only."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        yield self._data


class _AioBody:
    """What batchkit's wire responder hands ``AioAWSResponse`` as ``raw``: ``read()`` only."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def read(self) -> bytes:
        return self._data


def _client(service: str, config: Config | None = None) -> Any:
    session = botocore.session.Session()
    return session.create_client(
        service,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config or Config(retries={"total_max_attempts": 1}),
    )


@dataclass
class _Seen:
    send: dict[str, Any]
    parse: dict[str, Any]
    thread: int
    marker: str | None


def _check_seen(case: WireCase, seen: _Seen, result: dict[str, Any], rewrite: bool) -> None:
    """What batchkit's before-send and before-parse handlers rely on, in one exchange."""
    assert set(seen.send) == {"request", "event_name"}
    assert seen.send["event_name"] == f"before-send.{case.service_id}.{case.operation}"
    request = seen.send["request"]
    assert isinstance(request, AWSPreparedRequest)
    assert isinstance(request.url, str)
    assert request.url.startswith("https://")
    assert isinstance(request.body, (bytes, str, type(None)))
    auth = request.headers.get("Authorization")
    auth = auth.decode() if isinstance(auth, bytes) else auth
    assert _CREDENTIAL.search(auth or ""), auth  # request_region reads the credential scope

    kwargs = seen.parse
    assert set(kwargs) == {
        "operation_model",
        "response_dict",
        "customized_response_dict",
        "event_name",
    }
    assert kwargs["event_name"] == f"before-parse.{case.service_id}.{case.operation}"
    model = kwargs["operation_model"]
    assert model.name == case.operation
    assert isinstance(model.output_shape, StructureShape)
    response_dict = kwargs["response_dict"]
    assert response_dict["status_code"] == 200
    assert response_dict["headers"]["content-length"] == str(len(case.body))
    assert kwargs["customized_response_dict"] == {}
    assert seen.marker == "caller"  # the caller's context: batchkit's capture is a ContextVar
    if rewrite:  # botocore parsed the body batchkit left it
        assert case.items not in result
    else:
        assert len(result[case.items]) == 1
    assert result[case.token_key] == case.token


MARKER: ContextVar[str] = ContextVar("batchkit_pin_marker")


@pytest.mark.parametrize("rewrite", [False, True], ids=["as-sent", "rewritten"])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_before_send_answers_and_before_parse_rewrites_the_body(
    case: WireCase, rewrite: bool
) -> None:
    """batchkit/testing/_wire.py answers at before-send; batchkit/_fastpath.py reads the body
    at before-parse and leaves botocore only the token (``response_dict["body"]``)."""
    client = _client(case.service)
    service_model = client.meta.service_model
    assert service_model.service_id.hyphenize() == case.service_id
    seen: dict[str, Any] = {}

    def on_send(**kwargs: Any) -> AWSResponse:
        seen["send"] = kwargs
        url = kwargs["request"].url
        return AWSResponse(url, 200, _headers(case, case.body), _Body(case.body))

    def on_parse(**kwargs: Any) -> None:
        seen["parse"] = dict(kwargs)
        seen["thread"] = threading.get_ident()
        seen["marker"] = MARKER.get(None)
        assert kwargs["response_dict"]["body"] == case.body  # bytes, whole
        if rewrite:
            kwargs["response_dict"]["body"] = case.rest

    events = client.meta.events
    events.register(f"before-send.{case.service_id}.{case.operation}", on_send, "pin-send")
    events.register(f"before-parse.{case.service_id}.{case.operation}", on_parse, "pin-parse")
    reset = MARKER.set("caller")
    try:
        result = getattr(client, case.method)(**case.params)
    finally:
        MARKER.reset(reset)
    found = _Seen(seen["send"], seen["parse"], seen["thread"], seen["marker"])
    assert found.thread == threading.get_ident()
    _check_seen(case, found, result, rewrite)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_the_protocol_botocore_parses_with_is_the_one_batchkit_dispatches_on(
    case: WireCase,
) -> None:
    """batchkit's operations table records ``service_model.protocol``; botocore parses with
    ``resolved_protocol`` (a service may list several): a new one would bypass the fast path."""
    model: Any = _client(case.service).meta.service_model
    assert model.protocol == case.protocol
    assert model.resolved_protocol == case.protocol
    assert case.protocol in botocore.parsers.PROTOCOL_PARSERS


def _walk(shape: Shape, seen: set[str], depth: int = 0) -> Iterator[Shape]:
    if shape.name in seen or depth > 12:
        return
    seen.add(shape.name)
    yield shape
    children: list[Shape] = []
    if isinstance(shape, StructureShape):
        children = list(shape.members.values())
    elif isinstance(shape, ListShape):
        children = [shape.member]
    elif isinstance(shape, MapShape):
        children = [shape.key, shape.value]
    for child in children:
        yield from _walk(child, seen, depth + 1)


READ = [
    ("batch", "ListJobs"),
    ("batch", "ListServiceJobs"),
    ("batch", "DescribeJobs"),
    ("batch", "DescribeJobQueues"),
    ("s3control", "ListJobs"),
    ("logs", "GetLogEvents"),
]


@pytest.mark.parametrize(("service", "operation"), READ, ids=[f"{s}.{o}" for s, o in READ])
def test_what_batchkit_reads_from_the_output_shapes(service: str, operation: str) -> None:
    """The attributes the fast path, the XML reader, the wire encoder and the code generator
    read from botocore's models, with the types they expect."""
    session = botocore.session.Session()
    output = session.get_service_model(service).operation_model(operation).output_shape
    assert isinstance(output, StructureShape)
    if service == "s3control":  # batchkit/_fastpath.py _xml_root_name: the root element
        assert output.serialization.get("name", output.name) == f"{operation}Result"
    for shape in _walk(output, set()):
        assert isinstance(shape.name, str)
        assert isinstance(shape.type_name, str)
        assert isinstance(shape.serialization, dict)
        assert isinstance(shape.metadata, dict)
        assert isinstance(shape.documentation, str)
        if isinstance(shape, StructureShape):
            assert all(isinstance(m, Shape) for m in shape.members.values())
            assert isinstance(shape.is_tagged_union, bool)
            assert isinstance(shape.required_members, list)
        elif isinstance(shape, ListShape):
            assert isinstance(shape.member, Shape)
        elif isinstance(shape, MapShape):
            assert isinstance(shape.key, Shape)
            assert isinstance(shape.value, Shape)
        elif isinstance(shape, StringShape):
            assert isinstance(shape.enum, list)
    used = {"locationName", "flattened", "xmlAttribute", "location", "eventheader", "payload"}
    assert used <= set(Shape.SERIALIZED_ATTRS)


# ------------------------------------------------------------------------ shapes: aiobotocore


def _aio_client(service: str) -> Any:
    from aiobotocore.config import AioConfig
    from aiobotocore.session import AioSession

    session: Any = AioSession()  # Any: a service name given as a variable
    session.set_credentials("testing", "testing")
    return session.create_client(
        service, region_name="us-east-1", config=AioConfig(retries={"total_max_attempts": 1})
    )


@pytest.mark.parametrize("rewrite", [False, True], ids=["as-sent", "rewritten"])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_aiobotocore_awaits_before_send_and_calls_before_parse_in_the_task(
    case: WireCase, rewrite: bool
) -> None:
    """batchkit/testing/_wire.py's async before-send answer (``AioAWSResponse``, ``raw.read()``)
    and batchkit/_fastpath.py's plain before-parse handler, on an aiobotocore client."""
    if not HAS_AIO:
        pytest.skip(NO_AIO)
    from aiobotocore.awsrequest import AioAWSResponse

    seen: dict[str, Any] = {}

    async def on_send(**kwargs: Any) -> Any:
        seen["send"] = kwargs
        await asyncio.sleep(0)
        url = kwargs["request"].url
        return AioAWSResponse(url, 200, _headers(case, case.body), _AioBody(case.body))

    def on_parse(**kwargs: Any) -> None:
        seen["parse"] = dict(kwargs)
        seen["thread"] = threading.get_ident()
        seen["marker"] = MARKER.get(None)
        assert kwargs["response_dict"]["body"] == case.body
        if rewrite:
            kwargs["response_dict"]["body"] = case.rest

    async def main() -> dict[str, Any]:
        async with _aio_client(case.service) as client:
            assert client.meta.service_model.service_id.hyphenize() == case.service_id
            # batchkit/aio/_client.py _is_async_client and _wire.py _is_aiobotocore
            assert inspect.iscoroutinefunction(type(client)._make_api_call)
            assert any(c.__module__.startswith("aiobotocore.") for c in type(client).__mro__)
            events = client.meta.events
            events.register(f"before-send.{case.service_id}.{case.operation}", on_send, "s")
            events.register(f"before-parse.{case.service_id}.{case.operation}", on_parse, "p")
            MARKER.set("caller")
            result: dict[str, Any] = await getattr(client, case.method)(**case.params)
            return result

    result = asyncio.run(main())
    found = _Seen(seen["send"], seen["parse"], seen["thread"], seen["marker"])
    _check_seen(case, found, result, rewrite)
    assert not inspect.iscoroutinefunction(vars(botocore.client.BaseClient)["_make_api_call"])


def test_aiobotocore_emits_before_parse_in_each_awaiting_task() -> None:
    """batchkit/_fastpath.py's capture is a ContextVar: concurrent requests in one thread must
    each see their own task's value at before-parse."""
    if not HAS_AIO:
        pytest.skip(NO_AIO)
    from aiobotocore.awsrequest import AioAWSResponse

    case = CASES[0]
    pairs: list[tuple[str | None, str]] = []

    async def on_send(request: Any, **_kwargs: Any) -> Any:
        queue = json.loads(request.body)["jobQueue"]
        await asyncio.sleep(0.01 if queue == "a" else 0)  # a's answer comes after b's
        body = json.dumps({"jobSummaryList": [], "nextToken": queue}).encode()
        return AioAWSResponse(request.url, 200, _headers(case, body), _AioBody(body))

    def on_parse(response_dict: dict[str, Any], **_kwargs: Any) -> None:
        pairs.append((MARKER.get(None), json.loads(response_dict["body"])["nextToken"]))

    async def main() -> None:
        async with _aio_client("batch") as client:
            client.meta.events.register("before-send.batch.ListJobs", on_send, "s")
            client.meta.events.register("before-parse.batch.ListJobs", on_parse, "p")

            async def call(queue: str) -> None:
                MARKER.set(queue)
                await client.list_jobs(jobQueue=queue)

            await asyncio.gather(call("a"), call("b"))

    asyncio.run(main())
    assert pairs == [("b", "b"), ("a", "a")]


def test_aiobotocore_checks_the_region_name_as_botocore_does() -> None:
    if not HAS_AIO:
        pytest.skip(NO_AIO)
    from aiobotocore.session import AioSession

    async def main() -> None:
        session = AioSession()
        session.set_credentials("testing", "testing")
        async with session.create_client("logs", region_name="not a region!"):
            pass  # pragma: no cover - the region is refused on entry

    with pytest.raises(botocore.exceptions.InvalidRegionError):
        asyncio.run(main())


# ------------------------------------------------------------------------ shapes: SimulatedClock


def _attributes_used(module: ModuleType, name: str) -> set[str]:
    """Every ``name.attr`` the module's source reads."""
    tree = ast.parse(inspect.getsource(module))
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == name
    }


def test_the_module_attributes_simulated_clock_replaces_are_all_they_use() -> None:
    """batchkit/testing/_throttle.py replaces ``botocore.endpoint.time`` with an object having
    ``sleep`` and ``time``, and ``botocore.retries.bucket.threading`` with ``Lock`` and
    ``Condition``: anything else those modules start to use would be missing."""
    import time

    assert botocore.endpoint.time is time  # type: ignore[attr-defined]
    assert _attributes_used(botocore.endpoint, "time") <= {"sleep", "time"}
    assert bucket.threading is threading  # type: ignore[attr-defined]
    assert _attributes_used(bucket, "threading") <= {"Lock", "Condition"}
    # the adaptive limiter looks the clock up on the module when a client is made
    assert "Clock" in _attributes_used(adaptive, "bucket")
    methods = {name for name, value in vars(bucket.Clock).items() if callable(value)}
    assert methods == {"__init__", "sleep", "current_time"}


@contextmanager
def _patched(patches: list[tuple[object, str, object]]) -> Iterator[None]:
    saved = [(target, name, getattr(target, name)) for target, name, _ in patches]
    for target, name, value in patches:
        setattr(target, name, value)
    try:
        yield
    finally:
        for target, name, value in saved:
            setattr(target, name, value)


class _FakeTime:
    """A clock that moves only when slept on (what SimulatedClock is), with a guard: a
    botocore that no longer uses the patched objects would otherwise wait for ever."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.sleeps: list[tuple[str, float]] = []
        self.reads = 0

    def sleep(self, kind: str, seconds: float) -> None:
        self.sleeps.append((kind, seconds))
        self.now += seconds

    def read(self) -> float:
        self.reads += 1
        if self.reads > 1_000:
            raise RuntimeError("the patched clock is not advancing: botocore waits elsewhere")
        return self.now


def _simulated(fake: _FakeTime) -> list[tuple[object, str, object]]:
    class PatchedClock(bucket.Clock):
        def sleep(self, amount: float) -> None:
            fake.sleep("clock", amount)

        def current_time(self) -> float:
            return fake.read()

    class PatchedCondition(threading.Condition):
        def wait(self, timeout: float | None = None) -> bool:
            fake.sleep("wait", max(timeout or 0.0, 1e-6))
            return True

    return [
        (bucket, "Clock", PatchedClock),
        (bucket, "threading", SimpleNamespace(Lock=threading.Lock, Condition=PatchedCondition)),
        (
            botocore.endpoint,
            "time",
            SimpleNamespace(sleep=lambda s: fake.sleep("endpoint", s), time=fake.read),
        ),
    ]


def test_the_token_bucket_waits_on_the_patched_condition_and_clock() -> None:
    fake = _FakeTime()
    with _patched(_simulated(fake)):
        limiter = bucket.TokenBucket(max_rate=1, clock=bucket.Clock())
        for _ in range(3):
            assert limiter.acquire()
    waits = [seconds for kind, seconds in fake.sleeps if kind == "wait"]
    assert len(waits) >= 2
    assert sum(waits) >= 2.0


def test_retry_backoff_and_the_adaptive_limiter_run_on_the_patched_objects() -> None:
    """Two throttled answers then a page: botocore's backoff slept twice through
    ``botocore.endpoint.time`` and the adaptive limiter read the patched ``bucket.Clock``."""
    fake = _FakeTime()
    answers = [429, 429, 200]

    def on_send(request: Any, **_kwargs: Any) -> AWSResponse:
        status = answers.pop(0)
        body = b'{"jobSummaryList": []}'
        if status == 429:
            body = b'{"__type": "TooManyRequestsException", "message": "slow down"}'
        headers = HTTPHeaders.from_dict({"Content-Type": "application/json"})
        return AWSResponse(request.url, status, headers, _Body(body))

    with _patched(_simulated(fake)):
        config = Config(retries={"mode": "adaptive", "total_max_attempts": 5})
        client = _client("batch", config)  # the limiter takes its clock here
        client.meta.events.register("before-send.batch.ListJobs", on_send, "pin-send")
        assert client.list_jobs(jobQueue="q")["jobSummaryList"] == []
    assert answers == []
    assert [kind for kind, _ in fake.sleeps].count("endpoint") == 2
    assert fake.reads > 0


def test_the_transport_failures_fake_aws_injects_are_retried_as_transient() -> None:
    """batchkit/testing/_fake/faults.py raises these from its before-send answer (FAULT_KINDS): the
    endpoint hands them to the retry handler, whose standard mode retries them."""
    transient = vars(standard.TransientRetryableChecker)["_TRANSIENT_EXCEPTION_CLS"]
    b = botocore.exceptions
    for cls in (
        b.ConnectionClosedError,
        b.ConnectTimeoutError,
        b.ReadTimeoutError,
        b.EndpointConnectionError,
    ):
        assert issubclass(cls, transient), cls


# ------------------------------------------------------------------------ shapes: the rest


def test_stubber_keeps_its_queue_and_hooks_where_wire_stubber_reads_them() -> None:
    stubber = Stubber(_client("batch"))
    raw: Any = stubber
    assert isinstance(raw._queue, deque)
    assert isinstance(raw._expected_params_event_id, str)
    assert isinstance(raw._stub_account_id_event_id, str)
    stubber.add_response("list_jobs", {"jobSummaryList": []}, {"jobQueue": "q"})
    stubber.add_client_error("list_jobs", "ClientException", "nope", 404)
    ok, error = raw._queue
    assert set(ok) == {"operation_name", "response", "expected_params"}
    assert ok["operation_name"] == "ListJobs"
    http, parsed = ok["response"]
    assert isinstance(http, AWSResponse)
    assert parsed == {"jobSummaryList": []}
    _http, parsed = error["response"]
    assert parsed["Error"] == {"Code": "ClientException", "Message": "nope"}
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == 404
    expected = inspect.signature(raw._assert_expected_params).parameters
    assert list(expected) == ["model", "params", "context", "kwargs"]
    account = inspect.signature(raw._set_account_id_for_endpoint_resolution).parameters
    assert list(account) == ["builtins", "kwargs"]


#: A token saved by a user of batchkit (botocore's format): it must keep decoding.
SAVED_TOKEN = "eyJuZXh0VG9rZW4iOiAiYWJjIiwgImJvdG9fdHJ1bmNhdGVfYW1vdW50IjogMn0="


def test_tokens_keep_their_format_and_resume_boto3_paginators() -> None:
    payload = {"nextToken": "abc", "boto_truncate_amount": 2}
    assert TokenEncoder().encode(payload) == SAVED_TOKEN
    assert TokenDecoder().decode(SAVED_TOKEN) == payload
    with pytest.raises(Exception):  # noqa: B017, PT011 - any error: batchkit wraps it
        TokenDecoder().decode("not a token")

    jobs = [{"jobId": f"j{i}", "jobName": "n"} for i in range(3)]
    client = _client("batch")
    with Stubber(client) as stubber:
        stubber.add_response(
            "list_jobs", {"jobSummaryList": jobs[:2], "nextToken": "t2"}, {"jobQueue": "q"}
        )
        first = client.get_paginator("list_jobs").paginate(
            jobQueue="q", PaginationConfig={"MaxItems": 1}
        )
        taken = first.build_full_result()
        # batchkit's mid-page token is exactly this: the page's request token and items taken
        assert TokenDecoder().decode(taken["NextToken"]) == {
            "nextToken": None,
            "boto_truncate_amount": 1,
        }
        stubber.add_response(
            "list_jobs",
            {"jobSummaryList": jobs, "nextToken": "t3"},
            {"jobQueue": "q", "nextToken": "t1"},
        )
        token = TokenEncoder().encode({"nextToken": "t1", "boto_truncate_amount": 1})
        rest = client.get_paginator("list_jobs").paginate(
            jobQueue="q", PaginationConfig={"StartingToken": token, "MaxItems": 2}
        )
        assert [j["jobId"] for j in rest.build_full_result()["jobSummaryList"]] == ["j1", "j2"]


def test_timestamps_read_as_the_xml_fast_path_reads_them() -> None:
    assert botocore.parsers.DEFAULT_TIMESTAMP_PARSER is parse_timestamp
    for text in ("2026-11-01T12:00:00Z", "2026-11-01T12:00:00.123456+02:00"):
        parsed = parse_timestamp(text)
        assert parsed.tzinfo is not None
        assert parsed == datetime.fromisoformat(text.replace("Z", "+00:00"))
    with pytest.raises(Exception):  # noqa: B017, PT011 - batchkit catches any error here
        parse_timestamp("99999-01-01T00:00:00Z")
    assert issubclass(botocore.parsers.ResponseParserError, Exception)


def test_region_names_are_checked_by_the_function_batchkit_calls() -> None:
    validate_region_name("us-east-1")
    with pytest.raises(botocore.exceptions.InvalidRegionError):
        validate_region_name("not a region!")
    with pytest.raises(botocore.exceptions.InvalidRegionError):
        botocore.session.Session().create_client(
            "logs",
            region_name="not a region!",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


def test_the_exceptions_batchkit_maps_exist() -> None:
    """batchkit/_errors.py, batchkit/_cli.py and batchkit/testing/_fake/faults.py name these."""
    names = [
        "ClientError",
        "ConnectTimeoutError",
        "ReadTimeoutError",
        "ConnectionError",
        "HTTPClientError",
        "IncompleteReadError",
        "NoCredentialsError",
        "PartialCredentialsError",
        "CredentialRetrievalError",
        "NoAuthTokenError",
        "TokenRetrievalError",
        "SSOError",
        "UnknownCredentialError",
        "ParamValidationError",
        "InvalidRegionError",
        "BotoCoreError",
        "NoRegionError",
        "ProfileNotFound",
        "ConnectionClosedError",
        "EndpointConnectionError",
        "UnStubbedResponseError",
        "StubResponseError",
        "UnknownServiceError",
    ]
    for name in names:
        cls = getattr(botocore.exceptions, name)
        assert isinstance(cls, type), name
        assert issubclass(cls, Exception), name


def test_paginator_model_refuses_an_operation_without_a_paginator() -> None:
    """batchkit/_codegen.py reads the paginator of each operation and expects ValueError for
    one without (CloudWatch Logs GetLogEvents, stated by hand)."""
    session = botocore.session.Session()
    batch: PaginatorModel = session.get_paginator_model("batch")
    config = batch.get_paginator("ListJobs")
    assert {"input_token", "output_token", "result_key", "limit_key"} <= set(config)
    with pytest.raises(ValueError):  # noqa: PT011 - the type is what _codegen catches
        batch.get_paginator("DescribeJobs")


def test_the_files_bench_profiles_attributes_time_to_exist() -> None:
    """bench/profiles.py sorts profiled time into areas by botocore's file names."""
    import botocore.auth
    import botocore.signers

    for module, tail in (
        (botocore.parsers, "botocore/parsers.py"),
        (botocore.auth, "botocore/auth.py"),
        (botocore.signers, "botocore/signers.py"),
    ):
        assert Path(str(module.__file__)).as_posix().endswith(tail)
