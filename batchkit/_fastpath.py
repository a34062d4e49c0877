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

import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from batchkit._errors import ResponseValidationError
from batchkit.models import JobDetail, JobSummary, ServiceJobSummary

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


class _Page(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    next_token: str | None = Field(default=None, alias="nextToken")


class _ListJobsPage(_Page):
    items: tuple[JobSummary, ...] = Field(default=(), alias="jobSummaryList")


class _ListServiceJobsPage(_Page):
    items: tuple[ServiceJobSummary, ...] = Field(default=(), alias="jobSummaryList")


class _DescribeJobsPage(_Page):
    items: tuple[JobDetail, ...] = Field(default=(), alias="jobs")


_ITEM_NAMES = {
    "ListJobs": "JobSummary",
    "ListServiceJobs": "ServiceJobSummary",
    "DescribeJobs": "JobDetail",
}

_PAGES: dict[str, type[_ListJobsPage | _ListServiceJobsPage | _DescribeJobsPage]] = {
    "ListJobs": _ListJobsPage,
    "ListServiceJobs": _ListServiceJobsPage,
    "DescribeJobs": _DescribeJobsPage,
}


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
    page_model = _PAGES[operation_model.name]
    body = response_dict.get("body") or b"{}"
    try:
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
    for operation in _PAGES:
        events.register(
            f"before-parse.batch.{operation}",
            _before_parse,
            unique_id=f"batchkit-fastpath-{operation}",
        )
