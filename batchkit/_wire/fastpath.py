"""Check every 2xx body batchkit reads, and validate JSON bodies straight into the models.

Why check bodies: botocore parses an empty body, ``{}``, a JSON error document sent with
status 200, or a proxy's HTML page into a response with no items and no token -- which a
listing would take for its last page, silently dropping the rest.  batchkit looks at the
raw body of its own 2xx responses first and raises
:class:`~batchkit.ResponseValidationError` for anything that is not a result document.

Why validate JSON here (the fast path): botocore's parser walks the output shape in Python
to build dicts (about 10 ms for a 100-job DescribeJobs page) and batchkit would then validate
those dicts again.  pydantic-core validates the raw JSON bytes into the models in one pass,
several times faster -- and, unlike botocore's parser, keeps members newer than the
installed botocore.

How: a ``before-parse`` hook registered on batchkit's clients.  It acts only inside
:func:`capture` (a context variable: per thread, and per asyncio task -- aiobotocore emits
``before-parse`` inside the task that awaits the request -- so the same boto3 client used
directly by your code is untouched, and concurrent requests never see each other's
capture): it checks the body, validates it into a page model, stores the typed items in
the capture and leaves botocore only ``{"nextToken": ...}`` to parse.  botocore's signing,
retries, error parsing and endpoint resolution are unchanged.  Your own ``after-call``
handlers therefore see batchkit's responses without their items.

With the fast path off, botocore parses every response in full (for your handlers), but
batchkit still takes the items from the body -- the JSON document's items validated, the XML
document read by :mod:`batchkit._wire.xmlpath` -- so members newer than the installed
botocore are kept on every path alike (only an XML document the reader hands back to
botocore, :class:`~batchkit._wire.xmlpath.Fallback`, is read from botocore's dicts).
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from batchkit._core.errors import ConnectError, ResponseValidationError, excerpt
from batchkit._core.pager import SkippedItem
from batchkit._core.plans import item_model
from batchkit._core.text import escape_controls
from batchkit._spec.operations import OPERATIONS

if TYPE_CHECKING:
    from pydantic import ValidationError

    from batchkit._spec.row import Operation

__all__ = ["ON_INVALID", "Capture", "capture", "describe_errors", "install", "validate_items"]

#: The ``on_invalid=`` policies: an item that cannot be typed raises, or is skipped.
ON_INVALID = ("raise", "skip")

log = logging.getLogger("batchkit")


@dataclass
class Capture:
    """What the hook found for the request made inside :func:`capture`."""

    operation: Operation
    fast: bool
    items: tuple[Any, ...] | None = None
    """The typed items, when the fast path validated the body."""
    raw: list[Any] | None = None
    """The items as the JSON body holds them (the slow path validates these, not botocore's
    dicts: members the installed botocore does not know are kept, as on the fast path)."""
    on_invalid: str = "raise"
    """An item that cannot be typed: ``raise`` (naming it) or ``skip`` (into ``skipped``)."""
    unparseable: bool = False
    """The document holds an item botocore's parser cannot read (skipped): botocore gets
    only the next token, even with the fast path off."""
    skipped: list[SkippedItem] = field(default_factory=list)


_current: ContextVar[Capture | None] = ContextVar("batchkit_fastpath_capture", default=None)


@contextmanager
def capture(
    operation: Operation, *, fast: bool = True, on_invalid: str = "raise"
) -> Iterator[Capture]:
    """Within this block, this thread's (or asyncio task's) request of ``operation`` is
    checked (and, with ``fast``, validated into models); the result is in the yielded
    :class:`Capture`."""
    current = Capture(operation, fast, on_invalid=on_invalid)
    reset = _current.set(current)
    try:
        yield current
    finally:
        _current.reset(reset)


def describe_errors(error: ValidationError, prefix: str = "") -> str:
    """pydantic's errors as ``member.path: message`` (wire names), ``;``-separated."""
    return "; ".join(
        f"{prefix}{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:5]
    )


#: The members that name an item, for messages and ``SkippedItem.item_id``.
_ID_MEMBERS = ("jobId", "JobId", "jobQueueName", "eventId")


def _item_id(raw: object) -> str | None:
    if isinstance(raw, dict):
        for member in _ID_MEMBERS:
            value = raw.get(member)
            if isinstance(value, str):
                return value
    return None


def validate_items(operation: Operation, raw_items: Any, current: Capture) -> tuple[Any, ...]:
    """Each item (a dict as the body or botocore holds it) validated on its own: one that
    cannot be typed raises :class:`~batchkit.ResponseValidationError` naming it and the way
    past it, or -- ``on_invalid="skip"`` -- is left out and recorded in ``current.skipped``
    (and logged as a warning), so one bad item never blocks a listing."""
    from pydantic import ValidationError

    validate = item_model(operation).model_validate
    items: list[Any] = []
    for index, raw in enumerate(raw_items):
        try:
            items.append(validate(raw))
            continue
        except (ValidationError, ValueError, TypeError, OverflowError) as error:
            where = f"{operation.result_key}.{index}."
            if isinstance(error, ValidationError):
                reason = describe_errors(error, where)
            else:
                reason = f"{where[:-1]}: {error}"
        # outside the handler: the validation error, which quotes the input (secrets
        # included, that batchkit cannot redact there), is never chained to ours
        invalid(operation, index, _item_id(raw), reason, current)
    return tuple(items)


def invalid(
    operation: Operation, index: int, item_id: str | None, reason: str, current: Capture
) -> None:
    """Item ``index`` of a response cannot be typed: skip it (recorded) or raise."""
    named = f"item {index}" + (f" ({item_id!r})" if item_id is not None else "")
    reason = escape_controls(reason)
    if current.on_invalid == "skip":
        current.skipped.append(SkippedItem(index, item_id, reason))
        model = operation.item_model
        log.warning("%s: skipped %s, not a %s: %s", operation.label, named, model, reason)
        return
    raise ResponseValidationError(
        f"{operation.label}: {named} of the response does not match the "
        f'{operation.item_model} shape: {reason} -- pass on_invalid="skip" to skip such '
        "items (listed in .skipped) and read on"
    )


@functools.cache
def _page_model(operation: Operation) -> Any:
    """The pydantic model of one JSON response page (built on first use, like the models)."""
    from pydantic import ConfigDict, Field, create_model

    assert operation.result_key is not None  # the fast path reads pages of items only
    item: Any = item_model(operation)
    items: Any = tuple[item, ...]
    fields: dict[str, Any] = {
        "items": (items | None, Field(default=None, alias=operation.result_key)),
        "error_type": (str | None, Field(default=None, alias="__type")),
    }
    if operation.output_token is not None:
        fields["next_token"] = (Any, Field(default=None, alias=operation.output_token))
    return create_model(
        f"_{operation.name}Page",
        __config__=ConfigDict(extra="ignore", frozen=True),
        **fields,
    )


_XML_ROOT = re.compile(rb"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<([A-Za-z_][\w.:-]*)", re.S)


@functools.lru_cache(maxsize=32)  # by operation model: each new botocore client has its own
def _xml_timestamps(model: Any) -> re.Pattern[bytes] | None:
    """A pattern finding the text of every timestamp member of an XML output shape."""
    from botocore.model import ListShape, MapShape, StructureShape

    names: set[str] = set()

    def visit(shape: Any, name: str, depth: int) -> None:
        if depth > 12:
            return
        if isinstance(shape, StructureShape):
            for member_name, member in shape.members.items():
                visit(member, member.serialization.get("name", member_name), depth + 1)
        elif isinstance(shape, ListShape):
            visit(shape.member, name, depth + 1)
        elif isinstance(shape, MapShape):
            visit(shape.value, name, depth + 1)
        elif shape.type_name == "timestamp":
            names.add(name)

    if model.output_shape is not None:
        visit(model.output_shape, "", 0)
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names))
    return re.compile(rf"<({alternatives})>([^<]*)<".encode())


def _check_xml_timestamps(operation: Operation, model: Any, body: bytes) -> None:
    """botocore's XML parser raises raw errors (RuntimeError, OverflowError) on timestamps
    out of any datetime's range: name the member instead."""
    pattern = _xml_timestamps(model)
    if pattern is None:
        return
    from datetime import datetime

    from botocore.utils import parse_timestamp

    for match in pattern.finditer(body):
        text = match.group(2).decode("utf-8", "replace").strip()
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
            continue
        except ValueError:
            pass
        try:
            parse_timestamp(text)
        except Exception:
            raise ResponseValidationError(
                f"{operation.label}: {match.group(1).decode()}: not a timestamp in range: "
                f"{text[:40]!r}"
            ) from None


def _xml_root_name(model: Any) -> str | None:
    output = model.output_shape
    return output.serialization.get("name", output.name) if output is not None else None


def _check_xml_root(operation: Operation, model: Any, body: bytes, status: int) -> None:
    expected = _xml_root_name(model)
    match = _XML_ROOT.match(body)
    root = match.group(1).decode() if match else None
    if root == expected:
        return
    if root in ("Error", "ErrorResponse"):
        what = "an error document"
    elif root is None:
        what = "not XML"
    else:
        what = f"a <{root}> document, not <{expected}>"
    raise ResponseValidationError(
        f"{operation.label}: HTTP {status} response body is {what}; first bytes: {excerpt(body)}"
    )


def _fast_xml(operation: Operation, model: Any, body: bytes, current: Capture) -> bytes | None:
    """The XML fast path (:mod:`batchkit._wire.xmlpath`): validate the items read the way
    botocore reads them; return the document left for botocore (only the next token), or
    None when botocore must parse this one."""

    from batchkit._wire import xmlpath as _xmlpath

    assert operation.result_key is not None  # the fast path reads pages of items only
    try:
        page = _xmlpath.read_page(
            model.output_shape, body, operation.result_key, operation.output_token
        )
    except _xmlpath.Fallback:
        return None
    except _xmlpath.TimestampError:
        # a timestamp botocore's parser cannot read: find the item(s) holding it
        parts = _xmlpath.read_items_apart(model.output_shape, body, operation.result_key)
        good: list[Any] = []
        for index, part in enumerate(parts):
            if isinstance(part, _xmlpath.TimestampError):
                invalid(operation, index, None, str(part), current)
            else:
                good.append(part)
        current.items = validate_items(operation, good, current)
        token = _xmlpath.read_token(body, operation.output_token)
        root = _xml_root_name(model) or "Result"
        current.unparseable = True  # botocore's parser would fail on the skipped item
        return _xmlpath.rest_body(root, operation.output_token, token)
    if page.items is None and operation.result_required:
        raise ResponseValidationError(
            f"{operation.label}: the response lacks the required member {operation.result_key}"
        )
    current.items = validate_items(operation, page.items or (), current)
    root = _xml_root_name(model) or "Result"
    return _xmlpath.rest_body(root, operation.output_token, page.token)


def _check_json_slow(
    operation: Operation, body: bytes, status: int, current: Capture, document: Any = None
) -> None:
    if document is None:
        try:
            document = json.loads(body)
        except ValueError:
            raise ResponseValidationError(
                f"{operation.label}: the response body is not valid JSON (HTTP {status}); "
                f"first bytes: {excerpt(body)}"
            ) from None
    if not isinstance(document, dict):
        raise ResponseValidationError(
            f"{operation.label}: the response body is not a JSON object (HTTP {status}); "
            f"first bytes: {excerpt(body)}"
        )
    if "__type" in document:
        raise ResponseValidationError(
            f"{operation.label}: HTTP {status} response body is an error document "
            f"(__type {str(document['__type'])[:80]!r})"
        )
    key = operation.result_key
    if key is not None and operation.result_required and key not in document:
        raise ResponseValidationError(
            f"{operation.label}: the response lacks the required member {key}"
        )
    items = document.get(operation.result_key)
    if isinstance(items, list):
        current.raw = items


def _check_query_root(operation: Operation, body: bytes, status: int) -> None:
    """The EC2 query protocol: a 2xx body must be ``<{Operation}Response>`` (botocore would
    read an error document or a proxy's page as a result without items)."""
    match = _XML_ROOT.match(body)
    root = match.group(1).decode() if match else None
    expected = f"{operation.name}Response"
    if root == expected:
        return
    if root in ("Response", "Error", "ErrorResponse"):
        what = "an error document"
    elif root is None:
        what = "not XML"
    else:
        what = f"a <{root}> document, not <{expected}>"
    raise ResponseValidationError(
        f"{operation.label}: HTTP {status} response body is {what}; first bytes: {excerpt(body)}"
    )


def _fast_json(operation: Operation, body: bytes, status: int, current: Capture) -> bytes:
    """Validate ``body`` into the page model; return what is left for botocore to parse."""
    from pydantic import ValidationError

    refused: str | None = None
    try:
        page = _page_model(operation).model_validate_json(body)
    except ValidationError as error:
        refused = str(error.errors()[0]["msg"])  # what the reader said, no input quoted
    if refused is not None:
        # Not the common page: read it as botocore reads JSON (Python's json, which keeps a
        # lone surrogate as botocore does), then item by item -- one bad item is named, or
        # skipped, never the whole page.  Outside the handler: pydantic's error quotes the
        # input (secrets included) and is never chained to ours.
        return _json_fallback(operation, body, status, current, refused)
    if page.error_type is not None:
        raise ResponseValidationError(
            f"{operation.label}: HTTP {status} response body is an error document "
            f"(__type {page.error_type[:80]!r})"
        )
    if page.items is None and operation.result_required:
        raise ResponseValidationError(
            f"{operation.label}: the response lacks the required member {operation.result_key}"
        )
    current.items = page.items or ()
    rest: dict[str, Any] = {}
    if operation.output_token is not None and page.next_token is not None:
        rest[operation.output_token] = page.next_token
    return json.dumps(rest).encode()


def _json_fallback(
    operation: Operation, body: bytes, status: int, current: Capture, refused: str
) -> bytes:
    """The fast path's way for a page pydantic's JSON reader refused as a whole."""
    try:
        document = json.loads(body)
    except ValueError:
        raise ResponseValidationError(
            f"{operation.label}: the response body is not valid JSON (HTTP {status}, "
            f"{refused}); first bytes: {excerpt(body)}"
        ) from None
    _check_json_slow(operation, body, status, current, document)
    items = current.raw
    current.raw = None
    if items is None and document.get(operation.result_key) is not None:
        raise ResponseValidationError(
            f"{operation.label}: the response does not match the {operation.item_model} "
            f"shape: {operation.result_key} is not a list"
        )
    current.items = validate_items(operation, items or (), current)
    rest: dict[str, Any] = {}
    token = document.get(operation.output_token) if operation.output_token else None
    if operation.output_token is not None and token is not None:
        rest[operation.output_token] = token
    return json.dumps(rest).encode()


def _before_parse(
    operation_model: Any,
    response_dict: dict[str, Any],
    customized_response_dict: dict[str, Any],
    **_kwargs: Any,
) -> None:
    current = _current.get()
    status = response_dict.get("status_code", 200)
    if current is None or status >= 300 or operation_model.name != current.operation.name:
        return
    operation = current.operation
    body = bytes(response_dict.get("body") or b"")
    declared = str((response_dict.get("headers") or {}).get("content-length") or "")
    if declared.isdigit() and len(body) < int(declared):
        # botocore does not check Content-Length: a connection that dropped mid-body
        # would otherwise read as a short (unparseable or, worse, empty) document.
        raise ConnectError(
            f"{operation.label}: the connection closed after {len(body)} of {declared} bytes "
            "of the response"
        )
    if not body.strip():
        raise ResponseValidationError(
            f"{operation.label}: HTTP {status} response with an empty body (expected the "
            f"{operation.result_key or 'response'} result)"
        )
    # The fast path is for pages of items; an operation answering with one object (a queue
    # snapshot, an S3 job's description) is read by botocore after the same body checks.
    fast = current.fast and operation.result_kind == "items"
    if operation.protocol == "ec2":
        _check_query_root(operation, body, status)
        _check_xml_timestamps(operation, operation_model, body)
    elif operation.protocol == "rest-xml":
        _check_xml_root(operation, operation_model, body, status)
        # The items are read from the body on both paths (unknown members kept alike);
        # the fast path also spares botocore the rest of the document.  An operation that
        # answers with one object is read by botocore.
        paged = operation.result_kind == "items"
        rest = _fast_xml(operation, operation_model, body, current) if paged else None
        if rest is None:
            _check_xml_timestamps(operation, operation_model, body)
        elif current.fast or current.unparseable:
            response_dict["body"] = rest
    elif fast:
        response_dict["body"] = _fast_json(operation, body, status, current)
    else:
        _check_json_slow(operation, body, status, current)


def install(client: Any) -> None:
    """Register the hook on a boto3 client for each of its operations in the table
    (idempotent)."""
    events: Any = client.meta.events
    service = client.meta.service_model.service_name
    for operation in OPERATIONS.values():
        if operation.service == service:
            events.register(
                f"before-parse.{operation.event_service}.{operation.name}",
                _before_parse,
                unique_id=f"batchkit-fastpath-{operation.key}",
            )
