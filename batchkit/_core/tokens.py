"""Resume tokens: where a listing stands, as a string a user can keep and hand back.

Why one module: a token is checked *before any request* (a forged or foreign one is an
:class:`~batchkit.InvalidParameterError`), and both pagers, the merge and the CLI must read
and write the same format.  A queue's listing writes botocore's ``TokenEncoder`` format (so
its tokens are interchangeable with a boto3 paginator's): the service's token, the items to
skip from that page's start (``boto_truncate_amount``), and which sub-listing (one per
status, say).  A merge over several queues holds each queue's own token, bound to the
queue names in order.

>>> token = encode_token("nextToken", Position(token="abc", skip=2))
>>> decode_token(token, "nextToken")
Position(segment=0, token='abc', skip=2)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from botocore.paginate import TokenDecoder, TokenEncoder

from batchkit._core.errors import InvalidParameterError

__all__ = [
    "Position",
    "QueuePosition",
    "decode_merged_token",
    "decode_token",
    "encode_merged_token",
    "encode_token",
    "queue_key",
]

_TRUNCATE = "boto_truncate_amount"
_SEGMENT = "batchkit_segment"
_KEY = "batchkit_queues"
_QUEUE_ARN = re.compile(r"arn:[a-z0-9-]+:batch:[a-z0-9-]+:[0-9]{12}:job-queue/(?P<name>.+)")


@dataclass(frozen=True)
class Position:
    """Where a queue's listing stands: which sub-listing, the service's token of the page
    (None: the first page) and how many items from that page's start were consumed."""

    segment: int = 0
    token: str | None = None
    skip: int = 0


def decode_token(
    value: object, token_key: str, segments: int = 1, name: str = "starting_token"
) -> Position:
    """Check a ``starting_token`` before any request; InvalidParameterError if forged."""
    if value is None:
        return Position()
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError(
            f"{name}: expected a token string (a pager's resume_token or a page's next_token), "
            f"got {type(value).__name__ if not isinstance(value, str) else 'an empty string'}"
        )
    try:
        decoded = TokenDecoder().decode(value)
    except Exception as error:
        raise InvalidParameterError(
            f"{name}: not a token from this operation (use a pager's resume_token or "
            "a page's next_token)"
        ) from error
    if not isinstance(decoded, dict) or not set(decoded) <= {
        token_key,
        _TRUNCATE,
        _SEGMENT,
    }:
        raise InvalidParameterError(
            f"{name}: a token from a different operation (expected one holding {token_key!r})"
        )
    token = decoded.get(token_key)
    skip = decoded.get(_TRUNCATE, 0)
    segment = decoded.get(_SEGMENT, 0)
    if token is not None and (not isinstance(token, str) or not token):
        raise InvalidParameterError(f"{name}: the {token_key} inside it is not a string")
    for field, number, low, high in (
        ("item offset", skip, 0, 1_000_000),
        ("sub-listing", segment, 0, segments - 1),
    ):
        if not isinstance(number, int) or isinstance(number, bool) or not low <= number <= high:
            raise InvalidParameterError(
                f"{name}: its {field} {number!r} is out of range (a forged or damaged token)"
            )
    return Position(segment, token, skip)


def encode_token(token_key: str, position: Position) -> str | None:
    """The token of ``position`` (None for the very start)."""
    if position == Position():
        return None
    payload: dict[str, Any] = {token_key: position.token}
    if position.skip:
        payload[_TRUNCATE] = position.skip
    if position.segment:
        payload[_SEGMENT] = position.segment
    return TokenEncoder().encode(payload)


def queue_key(queue: str) -> str:
    """The queue name behind a name or a queue ARN (so both name the same queue once)."""
    match = _QUEUE_ARN.fullmatch(queue)
    return match["name"] if match else queue


@dataclass(frozen=True)
class QueuePosition:
    """Where one queue of a merged listing stands."""

    token: str | None = None
    """That queue's own resume token (None: from its start)."""
    ended: bool = False
    """Nothing of that queue is left."""


def decode_merged_token(value: object, queues: Sequence[str]) -> list[QueuePosition]:
    """The position of each queue (``queues``: their names, in order) in ``value``, a
    merged listing's resume token; InvalidParameterError (before any request) if it is not
    one, or belongs to other queues."""
    if value is None:
        return [QueuePosition() for _ in queues]
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError(
            "starting_token: expected a token string (a merged listing's resume_token)"
        )
    try:
        decoded = TokenDecoder().decode(value)
    except Exception as error:
        raise InvalidParameterError(
            "starting_token: not a token of a listing over several queues (use the "
            "resume_token of list_jobs([...]))"
        ) from error
    entries = decoded.get(_KEY) if isinstance(decoded, dict) else None
    if not isinstance(entries, list) or set(decoded) != {_KEY}:
        raise InvalidParameterError(
            "starting_token: not a token of a listing over several queues (a single queue's "
            "token resumes list_jobs(QUEUE), not list_jobs([...]))"
        )
    names = [e.get("queue") if isinstance(e, dict) else None for e in entries]
    if names != list(queues):
        raise InvalidParameterError(
            f"starting_token: a token for the queues {names!r}, not {list(queues)!r} (resume "
            "with the same queues, in the same order)"
        )
    positions = []
    for entry in entries:
        token, ended = entry.get("token"), entry.get("ended", False)
        if (
            not set(entry) <= {"queue", "token", "ended"}
            or not isinstance(ended, bool)
            or (token is not None and (not isinstance(token, str) or not token or ended))
        ):
            raise InvalidParameterError(
                "starting_token: a damaged or forged token (a queue's position is invalid)"
            )
        positions.append(QueuePosition(token, ended))
    return positions


def encode_merged_token(queues: Sequence[str], positions: Sequence[QueuePosition]) -> str | None:
    """A merged listing's token (None at the very start, and when every queue ended)."""
    if all(p == QueuePosition() for p in positions):
        return None
    if all(p.ended for p in positions):
        return None
    entries: list[dict[str, Any]] = []
    for queue, position in zip(queues, positions, strict=True):
        entry: dict[str, Any] = {"queue": queue}
        if position.ended:
            entry["ended"] = True
        elif position.token is not None:
            entry["token"] = position.token
        entries.append(entry)
    return TokenEncoder().encode({_KEY: entries})
