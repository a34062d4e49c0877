"""Option types and shared options: times, durations, statuses, counts, formats, queries,
filters.

Every type says in its error what is allowed (the CLI prints ``error: --OPTION: ...`` on one
line, exit 2: see :mod:`batchkit._cli.app`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any, Literal, TypeVar

import click

from batchkit._cli.base import SHOWN
from batchkit._core.checks import MAX_COUNT
from batchkit._core.errors import InvalidFilterError, InvalidParameterError, excerpt
from batchkit._core.filters import JobFilter

FORMATS = ("table", "json", "jsonl", "csv")

F = TypeVar("F", bound=Callable[..., Any])


# The documented values (kept here so `batchkit --help` does not import the models).
JOB_STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")


SERVICE_JOB_STATUSES = (*JOB_STATUSES[:3], "SCHEDULED", *JOB_STATUSES[3:])


S3_JOB_STATUSES = (
    "Active",
    "Cancelled",
    "Cancelling",
    "Complete",
    "Completing",
    "Failed",
    "Failing",
    "New",
    "Paused",
    "Pausing",
    "Preparing",
    "Ready",
    "Suspended",
)


DURATION = re.compile(r"(\d+)\s*(s|m|h|d|w)")


#: The longest duration Python's ``timedelta`` holds, in each unit (``--since 1d``...).
LONGEST = {
    "s": 86_399_999_999_999,
    "m": 1_439_999_999_999,
    "h": 23_999_999_999,
    "d": 999_999_999,
    "w": 142_857_142,
}


def duration(match: re.Match[str]) -> timedelta | None:
    """The timedelta of a :data:`DURATION` match; None when longer than Python holds
    (checked on the digits: ``int()`` refuses more than 4,300 of them)."""
    digits = match[1].lstrip("0") or "0"
    if len(digits) > 14 or int(digits) > LONGEST[match[2]]:
        return None
    return timedelta(**{UNITS[match[2]]: int(digits)})


UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


#: The ISO 8601 forms ``--since`` / ``--until`` accept, identically on every Python version
#: (``datetime.fromisoformat`` on 3.10 takes neither ``Z`` nor most of these): a date, then
#: optionally ``T`` (or a space) and ``HH:MM[:SS[.fraction]]``, then ``Z`` or ``±HH[:MM]``.
_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[Tt ](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?)?"
    r"\s*(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?"
)


def parse_iso8601(text: str) -> datetime:
    """``text`` as a datetime (naive when it has no zone); ``ValueError`` if it is not one of
    the forms of :data:`_ISO` or not a real time."""
    match = _ISO.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not an ISO 8601 time: {text!r}")
    parts = match.groupdict()
    fraction = (parts["fraction"] or "").ljust(6, "0")[:6]
    zone = parts["zone"]
    tz: timezone | None = None
    if zone in ("Z", "z"):
        tz = timezone.utc
    elif zone:
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        if offset >= timedelta(hours=24) or int(digits[2:] or 0) >= 60:
            raise ValueError(f"not a UTC offset: {zone!r}")
        tz = timezone(-offset if zone[0] == "-" else offset)
    return datetime(
        int(parts["year"]),
        int(parts["month"]),
        int(parts["day"]),
        int(parts["hour"] or 0),
        int(parts["minute"] or 0),
        int(parts["second"] or 0),
        int(fraction),
        tzinfo=tz,
    )


class TimeParam(click.ParamType):  # type: ignore[type-arg]  # generic in newer click only
    """``2h``, ``30m``, ``7d``, ``1w`` (that long ago) or an ISO 8601 time with a zone."""

    name = "TIME"

    def allowed(self) -> str:
        return "a duration (30m, 2h, 7d, 1w) or an ISO 8601 time with a zone"

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime | timedelta:
        if isinstance(value, (datetime, timedelta)):
            return value
        text = str(value).strip()
        shown = excerpt(text, SHOWN)
        match = DURATION.fullmatch(text)
        if match:
            ago = duration(match)
            try:
                if ago is None:
                    raise OverflowError
                _ = datetime.now(timezone.utc) - ago  # must be a representable time
            except OverflowError:
                self.fail(f"{shown!r} is too far in the past (before year 1)", param, ctx)
            return ago
        try:
            moment = parse_iso8601(text)
        except (ValueError, OverflowError):
            self.fail(
                f"{shown!r}: give a duration (30m, 2h, 7d, 1w) or an ISO 8601 time with a zone "
                "(2026-11-01T10:00:00Z, 2026-11-01 12:00+02:00)",
                param,
                ctx,
            )
        if moment.tzinfo is None:
            self.fail(f"{shown!r} has no time zone: add Z or an offset (+02:00)", param, ctx)
        return moment


Moment = datetime | timedelta


def _range(
    name: str,
    kind: Literal["created", "started", "stopped"],
    start: Moment | None,
    end: Moment | None,
    after: Callable[[Moment], JobFilter],
    before: Callable[[Moment], JobFilter],
) -> list[JobFilter]:
    """The conditions of one time range (``--since``/``--until`` and the like); an empty
    range names both options."""
    parts = [after(start)] if start is not None else []
    if end is not None:
        parts.append(before(end))
    if len(parts) == 2:
        try:
            (parts[0] & parts[1]).time_bounds(kind, datetime.now(timezone.utc))
        except InvalidFilterError as error:
            detail = str(error).partition(": ")[2]
            first, second = name.split("/")
            raise InvalidParameterError(
                f"{name}: {first} must be before {second} (an empty range: {detail})"
            ) from None
    return parts


def make_filter(
    name: str | None,
    definition: str | None,
    since: Moment | None,
    until: Moment | None,
    share: str | None = None,
    *,
    stopped: tuple[Moment | None, Moment | None] = (None, None),
    started: tuple[Moment | None, Moment | None] = (None, None),
) -> JobFilter | None:
    """The :class:`JobFilter` of a listing's options (None when there is no condition).
    ``stopped``/``started``: the ``--stopped-since/--stopped-until`` (and ``started``)
    times."""
    parts: list[JobFilter] = []
    if name is not None:
        parts.append(JobFilter.job_name(name))
    if definition is not None:
        parts.append(JobFilter.job_definition(definition))
    parts += _range(
        "--since/--until",
        "created",
        since,
        until,
        JobFilter.created_after,
        JobFilter.created_before,
    )
    parts += _range(
        "--stopped-since/--stopped-until",
        "stopped",
        *stopped,
        JobFilter.stopped_after,
        JobFilter.stopped_before,
    )
    parts += _range(
        "--started-since/--started-until",
        "started",
        *started,
        JobFilter.started_after,
        JobFilter.started_before,
    )
    if share is not None:
        parts.append(JobFilter.share_identifier(share))
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined = combined & part
    return combined


def time_range_options(function: F) -> F:
    """``--stopped-since/--stopped-until/--started-since/--started-until`` (terminal or
    started jobs only)."""
    for option in reversed(
        (
            click.option(
                "--stopped-since",
                type=TimeParam(),
                help="Stopped at or after (SUCCEEDED/FAILED jobs only): 6h, 1d or ISO time.",
            ),
            click.option("--stopped-until", type=TimeParam(), help="Stopped before."),
            click.option(
                "--started-since",
                type=TimeParam(),
                help="Started at or after (RUNNING and ended jobs only).",
            ),
            click.option("--started-until", type=TimeParam(), help="Started before."),
        )
    ):
        function = option(function)
    return function


class Count(click.ParamType):  # type: ignore[type-arg]  # generic in newer click only
    """A whole number in ``low..high`` (the error says the range, exactly).

    A value with more digits than any number in range is refused before ``int()`` reads
    it (Python refuses to convert more than 4,300 digits; a range's ends have at most 20)."""

    name = "INTEGER"

    def __init__(self, low: int, high: int = MAX_COUNT) -> None:
        self.low = low
        self.high = high

    def allowed(self) -> str:
        return f"a whole number from {self.low} to {self.high}"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            if not re.fullmatch(r"[+-]?[0-9]+", text):
                self.fail(f"{excerpt(text, SHOWN)!r} is not {self.allowed()}", param, ctx)
            digits = text.lstrip("+-").lstrip("0")
            if len(digits) > len(str(max(abs(self.low), abs(self.high)))):
                self.fail(f"{excerpt(text, SHOWN)!r} is not {self.allowed()}", param, ctx)
            number = int(text)
        if not self.low <= number <= self.high:
            self.fail(f"{number} is not {self.allowed()}", param, ctx)
        return number

    def get_metavar(self, *args: Any, **kwargs: Any) -> str:
        return "N" if self.high == MAX_COUNT else f"{self.low}..{self.high}"


def format_option(*, extra: tuple[str, ...] = (), default: str = "table") -> Callable[[F], F]:
    """``--format`` (also spelled ``--output``, as in aws-cli): the output format."""
    choices = (*FORMATS, *extra) if default == "table" else extra
    helps = {
        "table": "table for people",
        "json": "json/jsonl for programs (the wire shape; for jq)",
        "csv": "csv: the documented columns",
        "text": "text for people",
    }
    return click.option(
        "--format",
        "--output",
        "output",
        type=click.Choice(choices, case_sensitive=False),
        default=default,
        show_default=True,
        help="; ".join(helps[c] for c in choices if c in helps) + ".",
    )


def limit_option(what: str) -> Callable[[F], F]:
    """``--limit N``: at most N records (``what``: jobs, queues...)."""
    return click.option("--limit", type=Count(1), help=f"At most this many {what}.")


class QueryParam(click.ParamType):  # type: ignore[type-arg]  # generic in newer click only
    """A JMESPath expression (botocore's ``jmespath``), compiled when the option is read."""

    name = "JMESPATH"

    def allowed(self) -> str:
        return "a JMESPath expression"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if not isinstance(value, str):
            return value
        import jmespath
        from jmespath.exceptions import JMESPathError

        try:
            return jmespath.compile(value)
        except RecursionError:
            self.fail("not a JMESPath expression: nested too deeply", param, ctx)
        except JMESPathError as error:
            message = " ".join(str(error).split())
            self.fail(f"not a JMESPath expression: {excerpt(message, 200)}", param, ctx)


def run_query(query: Any, records: Any) -> Any:
    """``--query``'s expression applied to ``records``, for every command: a failure while
    evaluating it (a function given the wrong type, an unknown function, an expression
    nested too deeply for Python) is a usage error on ``--query``, one short line, exit 2
    -- never a traceback, and never the records echoed back in full."""
    from jmespath.exceptions import JMESPathError, JMESPathTypeError

    try:
        return query.search(records)
    except RecursionError:
        message = "nested too deeply to evaluate"
    except JMESPathTypeError as error:  # its str() holds the value: every record, maybe
        expected = " or ".join(str(kind) for kind in error.expected_types)
        message = (
            f"in function {error.function_name}(): expected {expected}, got {error.actual_type}"
        )
    except JMESPathError as error:
        message = " ".join(str(error).split())
    ctx = click.get_current_context()
    param = next((p for p in ctx.command.params if p.name == "query"), None)
    raise click.BadParameter(f"cannot be evaluated: {excerpt(message, 200)}", ctx, param)


#: ``--query`` examples that fit each command's records (``--format json``'s fields).
JOB_QUERY = "[?status=='FAILED'].jobId"
QUEUE_QUERY = "[?state=='DISABLED'].jobQueueName"
HEALTH_QUERY = "[?!healthy].queue.name"
S3_QUERY = "[?Status=='Failed'].JobId"
LOG_QUERY = "[?contains(message, 'Error')].message"
REPORT_QUERY = "[?kind=='OUT_OF_MEMORY'].job_id"


def query_option(example: str = JOB_QUERY, also: str = "") -> Callable[[F], F]:
    """``--query``, its help giving ``example``: an expression over this command's own
    records (``also``: more help, e.g. another example for another mode)."""
    return click.option(
        "--query",
        type=QueryParam(),
        help=f'A JMESPath expression over the records --format json prints (e.g. "{example}"'
        f"{also}); prints its result as JSON.",
    )


def check_query_format(query: Any, output: str, name: str = "query") -> None:
    """``--query`` prints JSON: with an explicit ``--format table``/``csv`` it is an error
    (``name``: the query option's parameter name)."""
    ctx = click.get_current_context()
    explicit = ctx.get_parameter_source("output") not in (
        click.core.ParameterSource.DEFAULT,
        None,
    )
    if query is not None and explicit and output not in ("json", "jsonl"):
        raise click.BadParameter(
            f"prints JSON: give --format json or jsonl (not {output}) with it",
            ctx=ctx,
            param=next(p for p in ctx.command.params if p.name == name),
        )


class StatusList(click.ParamType):  # type: ignore[type-arg]  # generic in newer click only
    """``FAILED``, ``FAILED,SUCCEEDED`` (any case) or ``ALL``: one status, several, or every.

    Used with ``multiple=True``: ``--status FAILED --status SUCCEEDED`` is the union, as
    ``--status FAILED,SUCCEEDED`` is (see :func:`statuses`).  ``enum`` names the model's
    status enum (in :mod:`batchkit.models`, imported only to refuse a value): a typo gets
    the library's own "did you mean" (``OpenEnum.suggestion``)."""

    name = "STATUS[,STATUS...]|ALL"

    def __init__(self, choices: tuple[str, ...], enum: str = "JobStatus") -> None:
        self.choices = choices
        self.enum = enum
        self._folded = {choice.upper(): choice for choice in choices}

    def allowed(self) -> str:
        return f"one or more of {', '.join(self.choices)} (any case) separated by commas, or ALL"

    def convert(self, value: Any, param: Any, ctx: Any) -> str | tuple[str, ...]:
        if isinstance(value, tuple):
            return value
        parts = [part.strip() for part in str(value).split(",") if part.strip()]
        if [part.upper() for part in parts] == ["ALL"]:
            return "ALL"
        unknown = [part for part in parts if part.upper() not in self._folded]
        if not parts or unknown:
            shown = excerpt(", ".join(unknown) or str(value), SHOWN)
            self.fail(f"{shown!r}: {self._suggestion(unknown)}give {self.allowed()}", param, ctx)
        return tuple(dict.fromkeys(self._folded[part.upper()] for part in parts))

    def _suggestion(self, unknown: list[str]) -> str:
        from batchkit import models

        enum = getattr(models, self.enum)
        guesses = [(part, enum.suggestion(part)) for part in unknown[:3] if len(part) <= SHOWN]
        fixes = [f"{guess!r} for {part!r}" for part, guess in guesses if guess is not None]
        if not fixes:
            return ""
        if len(unknown) == 1:
            return f"did you mean {guesses[0][1]!r}? "
        return f"did you mean {', '.join(fixes)}? "


def statuses(given: tuple[str | tuple[str, ...], ...]) -> str | tuple[str, ...] | None:
    """The union of a repeatable ``--status`` (None when not given; ``ALL`` wins)."""
    if not given:
        return None
    if "ALL" in given:
        return "ALL"
    union: dict[str, None] = {}
    for part in given:
        union.update(dict.fromkeys(part))
    return tuple(union)


def status_option(choices: tuple[str, ...], help: str, enum: str = "JobStatus") -> Callable[[F], F]:
    """``--status``: one status, several (commas, or the option repeated: their union) or
    ``ALL`` (``enum``: the status enum's name in :mod:`batchkit.models`)."""
    return click.option(
        "--status", type=StatusList(choices, enum), multiple=True, help=help + " Repeatable."
    )


class DurationParam(click.ParamType):  # type: ignore[type-arg]  # generic in newer click only
    """``90s``, ``30m``, ``2h``, ``1d``, ``1w``: a length of time."""

    name = "DURATION"

    def allowed(self) -> str:
        return "a positive duration such as 90s, 30m, 2h, 1d"

    def convert(self, value: Any, param: Any, ctx: Any) -> timedelta:
        if isinstance(value, timedelta):
            return value
        match = DURATION.fullmatch(str(value).strip())
        shown = excerpt(str(value), SHOWN)
        if match is None or not match[1].strip("0"):
            self.fail(f"{shown!r}: give a positive duration such as 90s, 30m, 2h, 1d", param, ctx)
        length = duration(match)
        if length is None:
            self.fail(f"{shown!r} is too long (at most 999999999d)", param, ctx)
        return length
