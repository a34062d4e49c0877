"""Replay precomputed HTTP response bytes to a boto3 client (the benchmarks' "network").

Kept free of batchkit imports so that a fresh interpreter measuring raw boto3 loads nothing
of batchkit's.  The handler runs at botocore's ``before-send`` event: everything before it
(parameter validation, serialization, signing) and after it (retry handler, parser, the
``after-call`` event) is botocore's real code, for raw boto3 and batchkit alike.  It reads
the pagination token straight from the serialized request (JSON body, or the query string
for S3 Control) -- much cheaper than decoding the whole request, so the constant both sides
pay is as close to botocore's own as a replay can get.

Three ways in, one handler: :func:`replay` (a boto3 client), :func:`replay_session` (every
client a boto3 ``Session`` makes afterwards: how the first-item benchmark answers
``BatchClient()`` and ``boto3.client("batch")`` alike) and :func:`replay_async` (an
aiobotocore client, whose ``before-send`` handlers are awaited).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

from botocore.awsrequest import AWSResponse, HTTPHeaders

__all__ = ["Answer", "replay", "replay_async", "replay_session"]

#: ``answer(operation_name, token_or_first_id) -> body bytes``
Answer = Callable[[str, "str | None"], bytes]


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        yield self._data


class _AioBody:
    """What aiobotocore's ``AioAWSResponse.content`` awaits."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def read(self) -> bytes:
        return self._data


def _answered(xml: bool, answer: Answer) -> Callable[[Any, str], tuple[str, HTTPHeaders, bytes]]:
    content_type = "application/xml" if xml else "application/json"

    def respond(request: Any, event_name: str) -> tuple[str, HTTPHeaders, bytes]:
        operation = event_name.split(".")[2]
        if xml:
            query = parse_qs(urlsplit(request.url).query)
            key = query.get("nextToken", [None])[0]
        else:
            params = json.loads(request.body or b"{}")
            key = params.get("nextToken") or (params.get("jobs") or [None])[0]
        body = answer(operation, key)
        headers = HTTPHeaders.from_dict(
            {
                "Content-Type": content_type,
                "Content-Length": str(len(body)),
                "x-amzn-RequestId": "bench",
            }
        )
        return request.url, headers, body

    return respond


def replay(client: Any, answer: Answer) -> None:
    """Answer every request of ``client`` with ``answer(operation, key)`` where ``key`` is
    the request's pagination token (``nextToken``/``NextToken``) or, for DescribeJobs, the
    first job id; the response is a 200 with the right Content-Type and Content-Length."""
    model = client.meta.service_model
    respond = _answered(model.protocol == "rest-xml", answer)

    def handler(request: Any, event_name: str, **_kwargs: Any) -> AWSResponse:
        url, headers, body = respond(request, event_name)
        return AWSResponse(url, 200, headers, _Body(body))

    service_id = model.service_id.hyphenize()
    client.meta.events.register(f"before-send.{service_id}", handler, unique_id="bench-replay")


def replay_session(session: Any, answer: Answer, service_id: str = "batch") -> None:
    """:func:`replay` for every ``service_id`` client ``session`` (a boto3 ``Session``)
    makes from now on: botocore copies a session's handlers into each new client."""
    respond = _answered(service_id == "s3-control", answer)

    def handler(request: Any, event_name: str, **_kwargs: Any) -> AWSResponse:
        url, headers, body = respond(request, event_name)
        return AWSResponse(url, 200, headers, _Body(body))

    session.events.register(f"before-send.{service_id}", handler, unique_id="bench-replay")


def replay_async(client: Any, answer: Answer) -> None:
    """:func:`replay` for an aiobotocore client (the response type it awaits)."""
    from aiobotocore.awsrequest import AioAWSResponse

    model = client.meta.service_model
    respond = _answered(model.protocol == "rest-xml", answer)

    async def handler(request: Any, event_name: str, **_kwargs: Any) -> Any:
        url, headers, body = respond(request, event_name)
        return AioAWSResponse(url, 200, headers, _AioBody(body))

    service_id = model.service_id.hyphenize()
    client.meta.events.register(f"before-send.{service_id}", handler, unique_id="bench-replay")
