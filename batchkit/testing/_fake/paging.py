"""Paging as AWS does it, for every listing of the fake: ``maxResults`` bounds and opaque
tokens bound to their query (an offset, or a cursor "after this key")."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from batchkit._spec.row import Operation
from batchkit.testing._wire import AWSErrorResponse

__all__ = ["fingerprint", "max_results", "page"]


def max_results(
    params: Mapping[str, Any], op: Operation, low: int = 1, code: str = "ClientException"
) -> int | None:
    """The request's page size (None if not given); outside ``low``..the operation's
    maximum it is an AWS error ``code``."""
    assert op.limit_key is not None
    value = params.get(op.limit_key)
    if value is None:
        return None
    if not isinstance(value, int) or not low <= value <= op.page_size_max:
        raise AWSErrorResponse(
            code, f"{op.limit_key} must be between {low} and {op.page_size_max}."
        )
    return value


def fingerprint(params: Mapping[str, Any], op: Operation) -> str:
    """The query of a request: its parameters but the token and the page size."""
    query = {k: v for k, v in params.items() if k not in (op.input_token, op.limit_key)}
    return hashlib.sha256(json.dumps(query, sort_keys=True, default=str).encode()).hexdigest()[:16]


def page(
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
    token_key, result_key = op.input_token, op.result_key or ""
    limit = limit or op.page_size_max
    start = 0
    query = fingerprint(params, op)
    token = params.get(token_key)
    if token is not None:
        try:
            decoded = json.loads(base64.b64decode(token, validate=True))
            start, bound = int(decoded["o"]), decoded["q"]
            after = decoded.get("k")
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise AWSErrorResponse(invalid[0], "Invalid nextToken.", invalid[1]) from error
        if bound != query or start < 0:
            raise AWSErrorResponse(
                invalid[0], "The nextToken does not belong to this query.", invalid[1]
            )
        if key is not None and after is not None:
            start = _after(items, key, after, start)
    end = start + limit
    response: dict[str, Any] = {result_key: items[start:end]}
    if end < len(items):
        payload: dict[str, Any] = {"o": end, "q": query}
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
