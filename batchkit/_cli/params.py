"""Option types and shared options: times, durations, statuses, formats, filters."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import click

from batchkit._core.filters import JobFilter
from batchkit._core.text import escape_controls

FORMATS = ("table", "json", "jsonl", "csv")


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

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime | timedelta:
        if isinstance(value, (datetime, timedelta)):
            return value
        text = str(value).strip()
        shown = escape_controls(text)
        match = DURATION.fullmatch(text)
        if match:
            try:
                ago = timedelta(**{UNITS[match[2]]: int(match[1])})
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


def make_filter(
    name: str | None,
    definition: str | None,
    since: datetime | timedelta | None,
    until: datetime | timedelta | None,
    share: str | None = None,
) -> JobFilter | None:
    parts: list[JobFilter] = []
    if name is not None:
        parts.append(JobFilter.job_name(name))
    if definition is not None:
        parts.append(JobFilter.job_definition(definition))
    if since is not None and until is not None:
        parts.append(JobFilter.created_between(since, until))
    elif since is not None:
        parts.append(JobFilter.created_after(since))
    elif until is not None:
        parts.append(JobFilter.created_before(until))
    if share is not None:
        parts.append(JobFilter.share_identifier(share))
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined = combined & part
    return combined


format_option = click.option(
    "--format",
    "output",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table for people; json/jsonl are the exact wire shape (for jq); csv flat columns.",
)


limit_option = click.option("--limit", type=click.IntRange(min=1), help="At most this many jobs.")


class StatusList(click.ParamType):  # type: ignore[type-arg]  # generic in newer click only
    """``FAILED``, ``FAILED,SUCCEEDED`` (any case) or ``ALL``: one status, several, or every."""

    name = "STATUS[,STATUS...]|ALL"

    def __init__(self, choices: tuple[str, ...]) -> None:
        self.choices = choices

    def convert(self, value: Any, param: Any, ctx: Any) -> str | tuple[str, ...]:
        if isinstance(value, (str, tuple)) and not isinstance(value, str):
            return value
        parts = [part.strip().upper() for part in str(value).split(",") if part.strip()]
        if parts == ["ALL"]:
            return "ALL"
        unknown = [part for part in parts if part not in self.choices]
        if not parts or unknown:
            shown = escape_controls(", ".join(unknown) or str(value))
            self.fail(
                f"{shown!r}: give one or more of {', '.join(self.choices)} separated by commas, "
                "or ALL",
                param,
                ctx,
            )
        return tuple(dict.fromkeys(parts))


class DurationParam(click.ParamType):  # type: ignore[type-arg]  # generic in newer click only
    """``90s``, ``30m``, ``2h``, ``1d``, ``1w``: a length of time."""

    name = "DURATION"

    def convert(self, value: Any, param: Any, ctx: Any) -> timedelta:
        if isinstance(value, timedelta):
            return value
        match = DURATION.fullmatch(str(value).strip())
        if match is None or int(match[1]) == 0:
            shown = escape_controls(str(value))
            self.fail(f"{shown!r}: give a positive duration such as 90s, 30m, 2h, 1d", param, ctx)
        try:
            return timedelta(**{UNITS[match[2]]: int(match[1])})
        except OverflowError:
            self.fail(f"{escape_controls(str(value))!r} is too long", param, ctx)
