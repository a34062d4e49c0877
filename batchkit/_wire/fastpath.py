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
"""

from __future__ import annotations

import functools
import gc
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from batchkit._core.errors import ConnectError, ResponseValidationError, excerpt
from batchkit._core.plans import item_model
from batchkit._spec.operations import OPERATIONS

if TYPE_CHECKING:
    from pydantic import ValidationError

    from batchkit._spec.row import Operation

__all__ = ["Capture", "capture", "describe_errors", "install"]


@dataclass
class Capture:
    """What the hook found for the request made inside :func:`capture`."""

    operation: Operation
    fast: bool
    gc_pause: bool = True
    items: tuple[Any, ...] | None = None
    """The typed items, when the fast path validated the body."""


_current: ContextVar[Capture | None] = ContextVar("batchkit_fastpath_capture", default=None)


@contextmanager
def capture(operation: Operation, *, fast: bool = True, gc_pause: bool = True) -> Iterator[Capture]:
    """Within this block, this thread's (or asyncio task's) request of ``operation`` is
    checked (and, with ``fast``, validated into models, under :func:`gc_pause` if
    ``gc_pause``); the result is in the yielded :class:`Capture`."""
    current = Capture(operation, fast, gc_pause)
    reset = _current.set(current)
    try:
        yield current
    finally:
        _current.reset(reset)


def describe_errors(error: ValidationError) -> str:
    """pydantic's errors as ``member.path: message`` (wire names), ``;``-separated."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:5]
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


_gc_lock = threading.Lock()
_gc_pages = 0  # pages being validated right now, across threads (guarded by _gc_lock)
_gc_saved: tuple[int, ...] | None = None  # the thresholds found when the first page began
_gc_ours: tuple[int, ...] | None = None  # the thresholds we set (to tell if they changed)

#: The young-generation threshold while a page validates: far above the objects any page
#: creates (a 100-job DescribeJobs page makes ~6,500), so no collection starts mid-page.
_PAUSED_THRESHOLD = 1_000_000_007


@contextmanager
def gc_pause(enabled: bool = True) -> Iterator[None]:
    """Keep the cyclic garbage collector from starting *during* one page's validation.

    Why: a page of 100 full jobs makes thousands of tracked objects inside one pydantic-core
    call, all alive until the page is read.  Every young-generation threshold crossed there
    starts a collection that promotes them; promoted objects count towards the next *full*
    collection, which walks the program's whole heap.  Deferring collection to the end of
    the page means most of the page's objects are gone (read and dropped) before they are
    ever promoted.

    How, and why it is safe:

    * It never calls ``gc.disable()``/``gc.enable()``: it raises the young generation's
      threshold (``gc.set_threshold``) for the duration, and restores the thresholds it
      found -- unless someone changed them meanwhile, in which case theirs stay.  A program
      that calls ``gc.disable()`` or ``gc.enable()`` at any time keeps what it asked for.
    * Nested and concurrent pages (describe workers) share one pause under a lock: the
      first to start saves the thresholds, the last to finish restores them.
    * If the collector is disabled, or automatic collection is off (threshold 0), nothing
      is touched.  Collections a program starts itself (``gc.collect()``) still run.
    * It is process-wide while it lasts (a page's validation, milliseconds): another
      thread's allocations meanwhile do not start a collection either, and
      ``gc.get_threshold()`` shows the raised value.  ``BatchClient(gc_pause=False)`` (and
      ``S3BatchOperationsClient``) turns it off.
    """
    global _gc_pages, _gc_saved, _gc_ours
    if not enabled:
        yield
        return
    with _gc_lock:
        if _gc_pages == 0:
            found = gc.get_threshold()
            if gc.isenabled() and found[0] > 0:
                _gc_saved = found
                _gc_ours = (_PAUSED_THRESHOLD, *found[1:])
                gc.set_threshold(*_gc_ours)
            else:
                _gc_saved = _gc_ours = None
        _gc_pages += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pages -= 1
            if _gc_pages == 0 and _gc_saved is not None:
                if gc.get_threshold() == _gc_ours:
                    gc.set_threshold(*_gc_saved)
                _gc_saved = _gc_ours = None


_XML_ROOT = re.compile(rb"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<([A-Za-z_][\w.:-]*)", re.S)


@functools.cache
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
    from pydantic import ValidationError

    from batchkit._wire import xmlpath as _xmlpath

    assert operation.result_key is not None  # the fast path reads pages of items only
    try:
        page = _xmlpath.read_page(
            model.output_shape, body, operation.result_key, operation.output_token
        )
    except _xmlpath.Fallback:
        return None
    except _xmlpath.TimestampError as error:
        raise ResponseValidationError(f"{operation.label}: {error}") from None
    if page.items is None and operation.result_required:
        raise ResponseValidationError(
            f"{operation.label}: the response lacks the required member {operation.result_key}"
        )
    validate = item_model(operation).model_validate
    try:
        with gc_pause(current.gc_pause):
            current.items = tuple([validate(raw) for raw in page.items or ()])
    except ValidationError as error:
        raise ResponseValidationError(
            f"{operation.label}: the response does not match the {operation.item_model} "
            f"shape: {describe_errors(error)}"
        ) from None
    root = _xml_root_name(model) or "Result"
    return _xmlpath.rest_body(root, operation.output_token, page.token)


def _check_json_slow(operation: Operation, body: bytes, status: int) -> None:
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

    try:
        with gc_pause(current.gc_pause):
            page = _page_model(operation).model_validate_json(body)
    except ValidationError as error:
        kinds = {e["type"] for e in error.errors()}
        if kinds & {"json_invalid", "model_type"}:
            what = "valid JSON" if "json_invalid" in kinds else "a JSON object"
            raise ResponseValidationError(
                f"{operation.label}: the response body is not {what} (HTTP {status}, "
                f"{error.errors()[0]['msg']}); first bytes: {excerpt(body)}"
            ) from None
        raise ResponseValidationError(
            f"{operation.label}: the response does not match the "
            f"{operation.item_model} shape: {describe_errors(error)}"
        ) from None
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
        rest = _fast_xml(operation, operation_model, body, current) if fast else None
        if rest is None:
            _check_xml_timestamps(operation, operation_model, body)
        else:
            response_dict["body"] = rest
    elif fast:
        response_dict["body"] = _fast_json(operation, body, status, current)
    else:
        _check_json_slow(operation, body, status)


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
