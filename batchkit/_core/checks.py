"""Argument checks: what every public method runs on its arguments before any request.

Why one module: the sync and async faces (and the CLI, which calls them) must accept and
refuse exactly the same values with exactly the same messages.  Each check raises
:class:`~batchkit.InvalidParameterError` naming the parameter and what is allowed; none does
I/O.

>>> check_int("page_size", 5, 1, 100)
5
>>> seconds("timeout", 1.5)
1.5
>>> id_key("arn:aws:batch:us-east-1:123456789012:job/abc")
'abc'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any, Protocol, TypeVar, cast

from batchkit._core.errors import InvalidParameterError

__all__ = [
    "ALL_STATUSES",
    "ASYNC_SLEEP",
    "MAX_SECONDS",
    "MIN_POLL_SECONDS",
    "HasJobId",
    "check_account_id",
    "check_count",
    "check_enum",
    "check_int",
    "check_job_ids",
    "check_optional_int",
    "describe_input",
    "id_key",
    "job_argument",
    "job_id_of",
    "queue_ref",
    "require_text",
    "seconds",
    "status_values",
    "unique_ids",
]

E = TypeVar("E")

#: ``status="ALL"``: every status (any case), the CLI's ``--status ALL`` too.
ALL_STATUSES = "ALL"

#: Why the sync log reader refuses an async ``FollowPolicy.sleep``.
ASYNC_SLEEP = (
    "follow: the FollowPolicy's sleep returned an awaitable; an async sleep is for "
    "batchkit.aio's AsyncBatchClient.logs (the sync client needs a plain function)"
)

#: The largest ``max_items`` / ``take`` count (a C ``long``).
MAX_COUNT = 2**63 - 1


def require_text(
    name: str, value: object, error: type[InvalidParameterError] = InvalidParameterError
) -> str:
    """``value`` if it is a non-blank ``str``; else ``error`` naming the parameter."""
    if not isinstance(value, str):
        raise error(f"{name}: expected a str, got {type(value).__name__}")
    if not value.strip():
        raise error(f"{name}: must not be empty or whitespace")
    return value


def check_int(name: str, value: object, low: int, high: int) -> int:
    """``value`` if it is an int (not a bool) in ``low..high``."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidParameterError(f"{name}: expected an int, got {type(value).__name__}")
    if not low <= value <= high:
        raise InvalidParameterError(f"{name}: must be between {low} and {high}, got {value}")
    return value


def check_optional_int(name: str, value: object, low: int, high: int | None = None) -> None:
    """None, or an int (not a bool) ``>= low`` (and ``<= high`` when given)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidParameterError(f"{name}: expected an int, got {type(value).__name__}")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise InvalidParameterError(f"{name}: must be {bound}, got {value}")


def check_count(name: str, n: object) -> None:
    """``take(n)``/``peek(n)``: an int >= 0."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise InvalidParameterError(f"{name}: n must be an int >= 0, got {n!r}")


#: The longest duration any argument may be (``timeout=``, ``poll_interval=``, a
#: ``FollowPolicy``'s delays): a year (366 days).  Longer ones overflow the clocks and date
#: arithmetic they meet (a raw ``OverflowError`` after the first request); a watch meant to
#: run without a limit says ``timeout=None``.
MAX_SECONDS = 366 * 86_400.0

#: The shortest wait between two polls (``poll_interval=``, ``FollowPolicy`` delays): 0.1 s.
#: Shorter is a busy loop against AWS (``poll_interval=1e-9`` made 1,178 requests a second),
#: which throttles the account's other callers too.
MIN_POLL_SECONDS = 0.1


def seconds(
    name: str,
    value: object,
    *,
    low: float = 0.0,
    high: float = MAX_SECONDS,
    zero: bool = False,
) -> float:
    """A duration argument (seconds as a number, or a ``timedelta``) as finite seconds in
    ``[low, high]`` (above 0 when ``low`` is 0; ``zero=True`` also accepts exactly 0).

    The one place for duration bounds: every duration argument passes here, so each is
    refused before any request with the range it may take.

    >>> seconds("poll_interval", 2, low=MIN_POLL_SECONDS)
    2.0
    >>> try:
    ...     seconds("timeout", timedelta(days=200_000))
    ... except InvalidParameterError as error:
    ...     print(error)
    timeout: must be at most 366 days (31622400 s), got datetime.timedelta(days=200000)
    """
    if isinstance(value, timedelta):
        total = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        total = float(value)
    else:
        raise InvalidParameterError(
            f"{name}: expected seconds (a number) or a timedelta, got {type(value).__name__}"
        )
    if not math.isfinite(total) or total < 0 or (total == 0 and not zero):
        what = "a finite duration >= 0" if zero else "a positive, finite duration"
        raise InvalidParameterError(f"{name}: must be {what}, got {value!r}")
    if total == 0:
        return total
    if total > high:
        raise InvalidParameterError(
            f"{name}: must be at most {_days(high)} ({high:.0f} s), got {value!r}"
        )
    if total < low:
        raise InvalidParameterError(
            f"{name}: must be at least {low:g} s (shorter is a busy loop against AWS), "
            f"got {value!r}"
        )
    return total


def _days(total: float) -> str:
    return f"{total / 86_400:g} days"


def check_enum(name: str, value: object, enum: Any) -> Any:
    """A known member of the open enum ``enum`` (a value or name in any case: ``"failed"``),
    a member object (even one made for a value AWS added: ``JobStatus.from_wire("X")``),
    or an error with a "did you mean" and the allowed values."""
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        member = enum.lookup(value)  # a typo must not create (and cache) a member
        if member is not None:
            return member
        raise InvalidParameterError(f"{name}: {enum.unknown_message(value)}")
    allowed = ", ".join(m.value for m in enum)
    raise InvalidParameterError(
        f"{name}: expected a {enum.__name__} or its value, got {type(value).__name__} "
        f"{value!r}; allowed: {allowed}"
    )


def status_values(status: object, enum: Any, name: str = "status") -> tuple[str, ...] | None:
    """``status=`` as wire values: None (AWS's default), one status, several, or every
    status (``"ALL"``, any case, or a collection naming all of them)."""
    if status is None:
        return None
    if isinstance(status, enum):
        return (cast(Any, status).value,)
    if isinstance(status, str):
        if status.strip().upper() == ALL_STATUSES:
            return tuple(m.value for m in enum)
        return (check_enum(name, status, enum).value,)
    if isinstance(status, Iterable) and not isinstance(status, (bytes, bytearray)):
        values = tuple(
            dict.fromkeys(check_enum(name, s, enum).value for s in cast(Iterable[object], status))
        )
        if not values:
            raise InvalidParameterError(
                f"{name}: an empty collection; give one or more statuses, 'ALL' for every "
                "status, or None for AWS's default"
            )
        return values
    check_enum(name, status, enum)  # raises: names the allowed values
    raise AssertionError(status)


_ACCOUNT_ID = re.compile(r"[0-9]{12}")


def check_account_id(account_id: object) -> str:
    """The 12-digit account that owns S3 Batch Operations jobs (part of the host name)."""
    if not isinstance(account_id, str) or not _ACCOUNT_ID.fullmatch(account_id):
        raise InvalidParameterError(f"account_id: expected 12 ASCII digits, got {account_id!r}")
    return account_id


# ---------------------------------------------------------------------------- job ids

_JOB_ARN = re.compile(r"arn:[a-z0-9-]+:batch:[a-z0-9-]+:[0-9]{12}:job/(?P<id>.+)")


class HasJobId(Protocol):
    """Anything with a ``job_id``: ``JobSummary``, ``JobDetail``, ``ServiceJobSummary``."""

    @property
    def job_id(self) -> str: ...


def id_key(job_id: str) -> str:
    """The job id behind an id or a job ARN (so both name the same job once)."""
    match = _JOB_ARN.fullmatch(job_id)
    return match["id"] if match else job_id


def job_id_of(item: object, name: str = "job_ids item") -> str:
    """The id (or ARN) of an input item: a string, or anything with a ``job_id``."""
    if not isinstance(item, str):
        job_id = getattr(item, "job_id", None)
        if isinstance(job_id, str):
            return require_text(name, job_id)
        if item is not None and not hasattr(item, "job_id"):
            raise InvalidParameterError(
                f"{name}: expected a job id, a job ARN, a JobSummary or a JobDetail, "
                f"got {type(item).__name__}"
            )
    return require_text(name, item)


def job_argument(item: object, name: str = "job") -> Any:
    """A method's one-job argument, the same everywhere (``why``, ``logs``,
    ``describe_job``): a ``JobDetail`` as it is (nothing to describe again), else the id of a
    job id, a job ARN, or anything with a ``job_id`` (a listing's ``JobSummary``)."""
    from batchkit.models import JobDetail

    if isinstance(item, JobDetail):
        return item
    if isinstance(item, str) or hasattr(item, "job_id"):
        return job_id_of(item, name)
    raise InvalidParameterError(
        f"{name}: expected a job id, a job ARN, a JobSummary or a JobDetail, "
        f"got {type(item).__name__}"
    )


def unique_ids(job_ids: Iterable[object]) -> Iterator[str]:
    """The ids (or ARNs) as given, each job once, in first-occurrence order -- lazily."""
    seen: set[str] = set()
    for item in job_ids:
        job_id = job_id_of(item)
        key = id_key(job_id)
        if key not in seen:
            seen.add(key)
            yield job_id


def queue_ref(queue: object, name: str = "queue") -> str:
    """A job queue's name or ARN: a string, or a ``JobQueueDetail`` (its ARN)."""
    if not isinstance(queue, str):
        arn = getattr(queue, "job_queue_arn", None) or getattr(queue, "job_queue_name", None)
        if not isinstance(arn, str):
            raise InvalidParameterError(
                f"{name}: expected a job queue name, ARN or JobQueueDetail, got "
                f"{type(queue).__name__}"
            )
        queue = arn
    return require_text(name, queue)


def check_job_ids(job_ids: object) -> None:
    """``describe_jobs``' input is an iterable of ids, ARNs or summaries (not one string)."""
    if isinstance(job_ids, (str, bytes)) or not isinstance(job_ids, Iterable):
        raise InvalidParameterError(
            "job_ids: expected an iterable of job ids, ARNs or summaries (for one id use "
            "describe_job)"
        )


def describe_input(job_ids: Iterable[object]) -> Iterator[str]:
    """The unique ids of ``describe_jobs``' input, lazily; a list or tuple is checked
    entirely up front (before any request), any other iterable item by item as read."""
    if isinstance(job_ids, (list, tuple)):
        return iter(list(unique_ids(cast(Iterable[object], job_ids))))
    return unique_ids(job_ids)
