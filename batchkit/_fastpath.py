"""Validate Batch JSON responses straight into the models (the fast path).

Why: botocore's parser walks the output shape in Python to build dicts (about 10 ms for a
100-job DescribeJobs page) and batchkit would then validate those dicts again.  pydantic-core
validates the raw JSON bytes into the models in one pass, several times faster -- and,
unlike botocore's parser, keeps members newer than the installed botocore.

How: a ``before-parse`` hook on the operations batchkit reads.  For a 2xx response of a
request *batchkit* is making (a thread-local flag, so the same boto3 client used directly by
your code is untouched), it validates the body into a page model, hands the typed items to
the caller under :data:`TYPED_ITEMS` and leaves botocore only ``{"nextToken": ...}`` to parse.
botocore's signing, retries, error parsing and endpoint resolution are unchanged.  A body
that is not JSON (a proxy truncated it) or does not match the shape raises
:class:`~batchkit.ResponseValidationError` naming the operation and the member.
"""

from __future__ import annotations

import functools
import gc
import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from batchkit._errors import ResponseValidationError

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = [
    "TYPED_ITEMS",
    "describe_errors",
    "install",
    "typed_pages",
    "typed_responses",
]

#: The key under which the parsed response carries the typed items.
TYPED_ITEMS = "batchkit:typedItems"

_local = threading.local()

T = TypeVar("T")


_ITEM_NAMES = {
    "ListJobs": "JobSummary",
    "ListServiceJobs": "ServiceJobSummary",
    "DescribeJobs": "JobDetail",
}
_RESULT_KEYS = {
    "ListJobs": "jobSummaryList",
    "ListServiceJobs": "jobSummaryList",
    "DescribeJobs": "jobs",
}


@functools.cache
def _page_model(operation: str) -> Any:
    """The pydantic model of one response page (built on first use, like the models)."""
    from pydantic import ConfigDict, Field, create_model

    import batchkit.models

    item: Any = getattr(batchkit.models, _ITEM_NAMES[operation])
    items: Any = tuple[item, ...]
    return create_model(
        f"_{operation}Page",
        __config__=ConfigDict(extra="ignore", frozen=True),
        items=(items, Field(default=(), alias=_RESULT_KEYS[operation])),
        next_token=(str | None, Field(default=None, alias="nextToken")),
    )


_gc_lock = threading.Lock()
_gc_pages = 0  # pages being validated right now, across threads
_gc_paused_by_us = False


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Keep the cyclic garbage collector from running *during* one page's validation.

    A page of 100 full jobs creates thousands of objects inside one pydantic-core call;
    each gen-0 threshold crossed there would start a collection that also walks the
    program's older objects, which doubled the cost of a DescribeJobs page in bench/.
    The objects made here hold no cycles, and collection resumes as soon as the last
    concurrent page is done.  A program that disabled gc itself keeps it disabled.
    """
    global _gc_pages, _gc_paused_by_us
    with _gc_lock:
        if _gc_pages == 0:
            _gc_paused_by_us = gc.isenabled()
            if _gc_paused_by_us:
                gc.disable()
        _gc_pages += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pages -= 1
            if _gc_pages == 0 and _gc_paused_by_us:
                gc.enable()
                _gc_paused_by_us = False


@contextmanager
def typed_responses() -> Iterator[None]:
    """Within this block, this thread's batchkit requests take the fast path."""
    previous = getattr(_local, "active", False)
    _local.active = True
    try:
        yield
    finally:
        _local.active = previous


def typed_pages(pages: Iterable[T]) -> Iterator[T]:
    """Iterate ``pages`` (a botocore PageIterator) with the fast path on for each request."""
    iterator = iter(pages)
    while True:
        with typed_responses():
            try:
                page = next(iterator)
            except StopIteration:
                return
        yield page


def describe_errors(error: ValidationError) -> str:
    """pydantic's errors as ``member.path: message`` (wire names), ``;``-separated."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:5]
    )


def _before_parse(
    operation_model: Any,
    response_dict: dict[str, Any],
    customized_response_dict: dict[str, Any],
    **_kwargs: Any,
) -> None:
    if not getattr(_local, "active", False) or response_dict.get("status_code", 200) >= 300:
        return
    from pydantic import ValidationError

    page_model = _page_model(operation_model.name)
    body = response_dict.get("body") or b"{}"
    try:
        with _no_gc_pauses():
            page = page_model.model_validate_json(body)
    except ValidationError as error:
        if any(e["type"] == "json_invalid" for e in error.errors()):
            raise ResponseValidationError(
                f"{operation_model.name}: the response body is not valid JSON "
                f"({error.errors()[0]['msg']}); first bytes: {bytes(body[:60])!r}"
            ) from None
        raise ResponseValidationError(
            f"{operation_model.name}: the response does not match the "
            f"{_ITEM_NAMES[operation_model.name]} shape: {describe_errors(error)}"
        ) from None
    customized_response_dict[TYPED_ITEMS] = page.items
    rest = {"nextToken": page.next_token} if page.next_token is not None else {}
    response_dict["body"] = json.dumps(rest).encode()


def install(client: Any) -> None:
    """Register the hook on a boto3 Batch client (idempotent)."""
    events: Any = client.meta.events
    for operation in _ITEM_NAMES:
        events.register(
            f"before-parse.batch.{operation}",
            _before_parse,
            unique_id=f"batchkit-fastpath-{operation}",
        )
