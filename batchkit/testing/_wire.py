"""Test helpers for code that uses batchkit (and for batchkit's own tests).

:class:`WireStubber` is botocore's :class:`~botocore.stub.Stubber` with one difference
that matters: the canned response is encoded to the bytes AWS would send (JSON for Batch,
XML for S3 Control) and handed to botocore at ``before-send``, so botocore's real
serializer, retry handler and **parser** all run.  The plain Stubber skips the parser,
which is exactly the code whose behaviour a typed SDK depends on.

>>> import boto3
>>> from batchkit.testing import WireStubber
>>> raw = boto3.client("batch", region_name="us-east-1",
...                    aws_access_key_id="k", aws_secret_access_key="s")
>>> with WireStubber(raw) as stub:
...     stub.add_response("list_jobs", {"jobSummaryList": []}, {"jobQueue": "q"})
...     raw.list_jobs(jobQueue="q")["jobSummaryList"]
[]

The library of canned responses shipped with batchkit (``batchkit.testing.load_stubs``,
``queue_stubs``) queues its entries on a stubber like this one.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import json
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

from botocore.awsrequest import AWSPreparedRequest, AWSResponse, HTTPHeaders
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape
from botocore.stub import Stubber

__all__ = [
    "AWSErrorResponse",
    "RawReply",
    "WireStubber",
    "current_request",
    "decode_request",
    "encode_error",
    "encode_response",
    "serve",
]


class _Body:
    """The minimal raw-response object ``AWSResponse.content`` reads from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        yield self._data


def _json_value(shape: Shape, value: Any) -> Any:
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        return {
            k: _json_value(shape.members[k], v) if k in shape.members else v
            for k, v in value.items()
        }
    if isinstance(shape, ListShape):
        return [_json_value(shape.member, v) for v in value]
    if isinstance(shape, MapShape):
        return {k: _json_value(shape.value, v) for k, v in value.items()}
    if shape.type_name == "timestamp" and isinstance(value, datetime):
        return value.timestamp()
    return value


def _xml_value(shape: Shape, name: str, value: Any) -> str:
    if isinstance(shape, StructureShape):
        inner = "".join(
            _xml_value(shape.members[k], shape.members[k].serialization.get("name", k), v)
            for k, v in value.items()
            if k in shape.members
        )
        return f"<{name}>{inner}</{name}>"
    if isinstance(shape, ListShape):
        member_name = shape.member.serialization.get("name", "member")
        items = "".join(_xml_value(shape.member, member_name, v) for v in value)
        if shape.serialization.get("flattened"):
            return "".join(_xml_value(shape.member, name, v) for v in value)
        return f"<{name}>{items}</{name}>"
    if isinstance(value, datetime):
        text = value.isoformat().replace("+00:00", "Z")
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    return f"<{name}>{escape(text)}</{name}>"


def encode_response(
    operation: OperationModel, response: dict[str, Any], request_id: str | None = None
) -> AWSResponse:
    """Encode a parsed-form response as the HTTP response AWS would send for it."""
    request_id = request_id or str(uuid.uuid4())
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    protocol = operation.service_model.protocol
    output = operation.output_shape
    if protocol == "ec2":  # EC2's query protocol: <{Operation}Response> with <item> lists
        root = f"{operation.name}Response"
        inner = "".join(
            _xml_value(output.members[k], output.members[k].serialization.get("name", k), v)
            for k, v in body.items()
            if output is not None and k in output.members
        )
        namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"
        data = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{namespace}">'
            f"<requestId>{escape(request_id)}</requestId>{inner}</{root}>"
        ).encode()
        headers = {"Content-Type": "text/xml;charset=UTF-8"}
    elif protocol == "rest-xml":
        assert output is not None
        root = output.serialization.get("name", output.name)
        inner = "".join(
            _xml_value(output.members[k], output.members[k].serialization.get("name", k), v)
            for k, v in body.items()
            if k in output.members
        )
        data = f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>{inner}</{root}>'.encode()
        headers = {"x-amz-request-id": request_id, "Content-Type": "application/xml"}
    else:
        payload = _json_value(output, body) if output is not None else body
        data = json.dumps(payload).encode()
        headers = {"x-amzn-RequestId": request_id, "Content-Type": "application/json"}
    return AWSResponse("https://stub.invalid/", 200, HTTPHeaders.from_dict(headers), _Body(data))


def encode_error(
    operation: OperationModel,
    code: str,
    message: str,
    status: int = 400,
    request_id: str | None = None,
) -> AWSResponse:
    """Encode an AWS error response (code, message, request id) for ``operation``'s protocol."""
    request_id = request_id or str(uuid.uuid4())
    if operation.service_model.protocol == "ec2":
        data = (
            f"<Response><Errors><Error><Code>{escape(code)}</Code>"
            f"<Message>{escape(message)}</Message></Error></Errors>"
            f"<RequestID>{escape(request_id)}</RequestID></Response>"
        ).encode()
        headers = {"Content-Type": "text/xml;charset=UTF-8"}
    elif operation.service_model.protocol == "rest-xml":
        data = (
            f"<ErrorResponse><Error><Code>{escape(code)}</Code>"
            f"<Message>{escape(message)}</Message></Error>"
            f"<RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
        ).encode()
        headers = {"x-amz-request-id": request_id, "Content-Type": "application/xml"}
    else:
        document = {"message": message}
        if operation.service_model.protocol == "json":  # awsJson: the code is in the body
            document = {"__type": code, "message": message}
        data = json.dumps(document).encode()
        headers = {
            "x-amzn-RequestId": request_id,
            "x-amzn-ErrorType": code,
            "Content-Type": "application/json",
        }
    return AWSResponse("https://stub.invalid/", status, HTTPHeaders.from_dict(headers), _Body(data))


class WireStubber(Stubber):
    """A :class:`botocore.stub.Stubber` whose responses go through botocore's real parser.

    The API is Stubber's: ``add_response``, ``add_client_error``, ``assert_no_pending_responses``,
    ``activate``/``deactivate`` or ``with``.  Expected parameters are checked exactly as
    Stubber checks them.  Each HTTP attempt consumes one queued response, so a retried error
    needs a queued response for the retry.

    Responses are consumed in the order they were added.  A listing that fans out (several
    statuses or queues, children) fetches its sub-listings at the same time by default, in an
    order that varies: give the client ``fetch_ahead=False`` to have it request one page at a
    time, in order (``BatchClient(raw, fetch_ahead=False)``).  ``FakeAWS`` has no such
    constraint.
    """

    # Stubber's private members are not in botocore-stubs: reach them through ``_base``.

    @property
    def _base(self) -> Any:
        return self

    def _hooks(self) -> list[tuple[str, Any, str]]:
        base = self._base
        return [
            (
                "before-parameter-build.*.*",
                base._assert_expected_params,
                base._expected_params_event_id,
            ),
            (
                "before-endpoint-resolution.*",
                base._set_account_id_for_endpoint_resolution,
                base._stub_account_id_event_id,
            ),
        ]

    def activate(self) -> None:
        events: Any = self.client.meta.events
        for i, (event, handler, unique_id) in enumerate(self._hooks()):
            register = events.register_first if i == 0 else events.register
            register(event, handler, unique_id=unique_id)
        # first: a stubber on a client answers before a backend attached to its session
        self._stop_serving = serve(self.client, self._answer, first=True)

    def deactivate(self) -> None:
        events: Any = self.client.meta.events
        for event, handler, unique_id in self._hooks():
            events.unregister(event, handler, unique_id=unique_id)
        stop: Callable[[], None] | None = getattr(self, "_stop_serving", None)
        if stop is not None:
            stop()
            del self._stop_serving

    def _answer(self, operation_name: str, _params: dict[str, Any]) -> dict[str, Any]:
        queue = self._base._queue
        if not queue:
            from botocore.exceptions import UnStubbedResponseError

            raise UnStubbedResponseError(
                operation_name=operation_name,
                reason=f"Unexpected {operation_name} request: no response left in the queue.",
            )
        queued = queue.popleft()
        if queued["operation_name"] != operation_name:
            from botocore.exceptions import StubResponseError

            raise StubResponseError(
                operation_name=operation_name,
                reason=f"Operation mismatch: expected {queued['operation_name']}.",
            )
        _http, parsed = queued["response"]
        meta = parsed.get("ResponseMetadata", {})
        if "Error" in parsed:
            error = parsed["Error"]
            raise AWSErrorResponse(
                error.get("Code", ""),
                error.get("Message", ""),
                meta.get("HTTPStatusCode", 400),
                meta.get("RequestId"),
            )
        return dict(parsed)


@dataclass(frozen=True)
class RawReply:
    """A responder's answer sent as these exact bytes (a truncated body, an HTML page, an
    empty 204...): what a misbehaving proxy or load balancer would send."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)


#: ``responder(operation_name, params)`` -> the parsed-form response (a dict, encoded as AWS
#: would), a :class:`RawReply`, or raise :class:`AWSErrorResponse` (an AWS error) or a
#: botocore exception (a transport failure: ``ConnectionClosedError``, ``ReadTimeoutError``).
#: For an aiobotocore client (see :func:`serving_async`) it may return an awaitable of those.
Responder = Callable[
    [str, dict[str, Any]], "dict[str, Any] | RawReply | Awaitable[dict[str, Any] | RawReply]"
]


def decode_request(operation: OperationModel, request: AWSPreparedRequest) -> dict[str, Any]:
    """The parameters of a serialized request, by member name (botocore's serializer ran).

    JSON protocols: the body.  REST protocols: the query string, path, headers and body
    members as the input shape's serialization locations say.  EC2's query protocol: the
    form-encoded body (``Filter.1.Value.2=...``), read back into members.
    """
    protocol = operation.service_model.protocol
    body: Any = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    if isinstance(body, dict):  # botocore hands a query-protocol body over as a dict
        form: dict[str, list[str]] = {str(k): [str(v)] for k, v in body.items()}
    else:
        form = parse_qs(body.decode("utf-8", "replace")) if protocol == "ec2" else {}
    if protocol == "ec2":
        shape = operation.input_shape
        if shape is None:
            return {}
        flat = {key: values[-1] for key, values in form.items()}
        decoded = _query_structure(shape, flat, "")
        return dict(decoded or {})
    if protocol in ("json", "rest-json"):
        params = json.loads(body or b"{}")
        if protocol == "json" or operation.input_shape is None:
            return dict(params)
    else:
        params = {}
    shape = operation.input_shape
    if shape is None:
        return dict(params)
    url = urlsplit(request.url)
    query = parse_qs(url.query)
    path = _path_members(operation.http.get("requestUri", ""), unquote(url.path))
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "uri" and wire in path:
            params[name] = path[wire]
        elif location == "querystring" and wire in query:
            values = query[wire]
            if isinstance(member, ListShape):
                params[name] = values
            elif member.type_name in ("integer", "long"):
                params[name] = int(values[0])
            else:
                params[name] = values[0]
        elif location == "header":
            value: Any = request.headers.get(wire)
            if value is not None:
                params[name] = value.decode() if isinstance(value, bytes) else value
    return dict(params)


def _path_members(template: str, path: str) -> dict[str, str]:
    """The ``{label}`` (and greedy ``{label+}``) values of a REST ``requestUri`` in ``path``."""
    labels: list[str] = []
    pattern = ""
    for literal, label in re.findall(r"([^{]*)(?:\{([^}]+)\})?", template.split("?", 1)[0]):
        pattern += re.escape(literal)
        if label:
            labels.append(label.rstrip("+"))
            pattern += "(.+)" if label.endswith("+") else "([^/]+)"
    match = re.fullmatch(pattern, path)
    if match is None:
        return {}
    return dict(zip(labels, match.groups(), strict=True))


def _query_name(name: str, member: Shape) -> str:
    """The name EC2's query serializer gives a member (botocore's ``EC2Serializer``)."""
    query = member.serialization.get("queryName")
    if query:
        return str(query)
    wire = str(member.serialization.get("name", name))
    return wire[:1].upper() + wire[1:]


def _query_structure(shape: Shape, flat: Mapping[str, str], prefix: str) -> Any:
    """The value of ``shape`` whose keys start at ``prefix`` in an EC2 query form."""
    if isinstance(shape, StructureShape):
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            key = _query_name(name, member)
            value = _query_structure(member, flat, f"{prefix}.{key}" if prefix else key)
            if value is not None:
                out[name] = value
        return out or None
    if isinstance(shape, ListShape):
        items: list[Any] = []
        index = 1
        while True:
            value = _query_structure(shape.member, flat, f"{prefix}.{index}")
            if value is None:
                return items or None
            items.append(value)
            index += 1
    text = flat.get(prefix)
    if text is None:
        return None
    if shape.type_name in ("integer", "long"):
        return int(text)
    if shape.type_name == "boolean":
        return text == "true"
    return text


def _http(operation: OperationModel, outcome: dict[str, Any] | RawReply) -> AWSResponse:
    if isinstance(outcome, RawReply):
        headers = HTTPHeaders.from_dict(dict(outcome.headers))
        return AWSResponse("https://stub.invalid/", outcome.status, headers, _Body(outcome.body))
    return encode_response(operation, outcome)


def serve(
    target: Any,
    responder: Responder,
    services: Iterable[str] = ("batch",),
    *,
    first: bool = False,
) -> Callable[[], None]:
    """Answer the requests of a boto3 client, ``boto3.Session`` or botocore session -- or
    an aiobotocore client or ``AioSession`` -- with ``responder(operation_name, params)``;
    returns a function that stops serving.

    The one wire responder under every fake of batchkit's (``FakeAWS``, ``WireStubber``,
    the benchmarks): ``params`` are decoded from the serialized HTTP request (so botocore's
    serializer ran) and the answer is encoded as the HTTP response AWS would send, JSON or
    XML (so botocore's retry handler and parser run).  ``services`` are boto3 service names
    (a client is served for its own service whatever they say).  ``first=True`` answers before
    handlers registered earlier (a stubber before a backend attached to the session).
    """
    meta = getattr(target, "meta", None)
    if meta is not None and hasattr(meta, "service_model"):
        models = [meta.service_model]
        events: Any = meta.events
    else:  # a boto3.Session has .events; a botocore session registers directly
        events = getattr(target, "events", None) or target
        models = [_service_model(name) for name in services]

    def handler(request: AWSPreparedRequest, event_name: str, **_kwargs: Any) -> AWSResponse:
        service_id, operation_name = event_name.split(".")[1:3]
        model = by_event[service_id]
        operation = model.operation_model(operation_name)
        params = decode_request(operation, request)
        current = _CURRENT.set(request)
        try:
            outcome = responder(operation_name, params)
        except AWSErrorResponse as error:
            return encode_error(
                operation, error.code, error.message, error.status, error.request_id
            )
        finally:
            _CURRENT.reset(current)
        assert not inspect.isawaitable(outcome), "an awaitable answer is for aiobotocore only"
        return _http(operation, outcome)

    async def aio_handler(request: AWSPreparedRequest, event_name: str, **_kwargs: Any) -> Any:
        # aiobotocore awaits before-send handlers and reads the body with ``await
        # response.content``: the same answer, as the response type it expects.
        service_id, operation_name = event_name.split(".")[1:3]
        operation = by_event[service_id].operation_model(operation_name)
        params = decode_request(operation, request)
        reset = _serving_async.set(True)
        current = _CURRENT.set(request)
        try:
            outcome = responder(operation_name, params)
            if inspect.isawaitable(outcome):
                outcome = await outcome
            response = _http(operation, outcome)
        except AWSErrorResponse as error:
            response = encode_error(
                operation, error.code, error.message, error.status, error.request_id
            )
        finally:
            _CURRENT.reset(current)
            _serving_async.reset(reset)
        return _aio_response(response)

    by_event = {m.service_id.hyphenize(): m for m in models}
    chosen: Any = aio_handler if _is_aiobotocore(target) else handler
    unique_id = f"batchkit-serve-{id(chosen)}"
    registered = [f"before-send.{event_id}" for event_id in by_event]
    for event in registered:
        register = events.register_first if first else events.register
        register(event, chosen, unique_id=unique_id + event)

    def stop() -> None:
        for event in registered:
            events.unregister(event, chosen, unique_id=unique_id + event)

    return stop


_CURRENT: contextvars.ContextVar[AWSPreparedRequest | None] = contextvars.ContextVar(
    "batchkit_serve_request", default=None
)


def current_request() -> AWSPreparedRequest | None:
    """Inside a :func:`serve` responder: the signed HTTP request being answered (its URL,
    headers); None elsewhere.  A responder that cares which region (or credentials) a
    request was signed for reads it from here (see :func:`request_region`)."""
    return _CURRENT.get()


def request_region(request: AWSPreparedRequest | None = None) -> str | None:
    """The region a SigV4-signed request was signed for (its credential scope), or None."""
    request = request if request is not None else current_request()
    if request is None:
        return None
    auth: Any = request.headers.get("Authorization") or ""
    if isinstance(auth, bytes):
        auth = auth.decode("latin-1")
    marker = "Credential="
    start = auth.find(marker)
    if start < 0:
        return None
    scope = auth[start + len(marker) :].split(",", 1)[0].split("/")
    return scope[2] if len(scope) >= 5 else None


#: True while :func:`serve` answers an aiobotocore client: a responder may then return an
#: awaitable (FakeAWS's latency awaits instead of blocking the event loop).
_serving_async: ContextVar[bool] = ContextVar("batchkit_serving_async", default=False)


def serving_async() -> bool:
    """True inside a responder called for an aiobotocore client (it may return an awaitable)."""
    return _serving_async.get()


def _is_aiobotocore(target: Any) -> bool:
    """An aiobotocore client or session (told by class, without importing aiobotocore)."""
    return any(c.__module__.startswith("aiobotocore.") for c in type(target).__mro__)


class _AioBody:
    """The raw-response object ``AioAWSResponse.content`` awaits."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def read(self) -> bytes:
        return self._data


def _aio_response(response: AWSResponse) -> Any:
    from aiobotocore.awsrequest import AioAWSResponse

    body = response.raw._data if isinstance(response.raw, _Body) else b""
    # botocore wraps any mapping in a HeadersDict (the stubs ask for HTTPHeaders)
    return AioAWSResponse(response.url, response.status_code, response.headers, _AioBody(body))  # type: ignore[arg-type]


@functools.cache
def _service_model(service: str) -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


class AWSErrorResponse(Exception):
    """Raised by a :func:`serve` responder to answer with an AWS error."""

    def __init__(
        self, code: str, message: str = "", status: int = 400, request_id: str | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.request_id = request_id
