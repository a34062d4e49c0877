"""batchkit's exceptions.

Everything batchkit raises on purpose is a :class:`BatchKitError`.  Bad input is an
:class:`InvalidParameterError` (a ``ValueError`` *and* a ``TypeError``, raised before any
request); AWS's own errors arrive as :class:`AWSError` subclasses carrying the error code,
message, request id and, during a listing, the token to resume from.  The botocore
exception is kept as ``__cause__``.

>>> from batchkit import InvalidFilterError, JobFilter
>>> try:
...     JobFilter.job_name("train-*-v2")
... except InvalidFilterError as e:
...     print(e)
job_name: '*' is only allowed at the end of the pattern (prefix match), got 'train-*-v2'
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, cast

from botocore.exceptions import ClientError

from batchkit._core.text import escape_controls
from batchkit._spec.hooks import on_invalid_member

if TYPE_CHECKING:
    from batchkit.models import JobDetail

__all__ = [
    "AWSError",
    "AccessDeniedError",
    "BatchKitError",
    "ConnectError",
    "CredentialsError",
    "EksJobLogsError",
    "InvalidFilterError",
    "InvalidParameterError",
    "InvalidRequestError",
    "JobGoneError",
    "JobNotFoundError",
    "LogDriverError",
    "LogStreamNotFoundError",
    "LogsUnavailableError",
    "NotFoundError",
    "RequestTimeoutError",
    "ResponseValidationError",
    "ServiceError",
    "ThrottlingError",
    "TokenCycleError",
    "TransportError",
    "WaitTimeoutError",
    "connection_refused",
    "excerpt",
    "from_exception",
    "redact",
    "scrub",
]

#: What replaces a credential in messages.
REDACTED = "<redacted>"

_SECRET_KEYS = (
    r"aws_secret_access_key|aws_session_token|aws_security_token|secret_access_key"
    r"|secretaccesskey|sessiontoken|session_token|x-amz-security-token"
)
_REDACTIONS = (
    # A header line of a canonical request: `x-amz-security-token:IQoJb3JpZ2...` (the value
    # runs to the end of the line; a closing quote of the quoted request is kept).
    re.compile(r"(?im)(x-amz-security-token[ \t]*:[ \t]*)[^\r\n'\"]+"),
    # Query-string forms (presigned URLs, canonical query strings), plain or URL-encoded `=`.
    re.compile(
        r"(?i)((?:x-amz-security-token|x-amz-credential|x-amz-signature|credential|signature)"
        r"(?:=|%3D))[^&\s'\",;]+"
    ),
    # Configuration or JSON: `aws_secret_access_key = ...`, `"SecretAccessKey": "..."` (also
    # inside a quoted JSON string, `\"SecretAccessKey\": \"...\"`, or URL-encoded).
    re.compile(
        rf"(?i)((?:{_SECRET_KEYS})(?:\\?[\"']|%2[27])?[ \t]*(?:[=:]|%3[AD])[ \t]*"
        r"(?:\\?[\"']|%2[27])?)(?:%[0-9A-F]{2}|[^\s\"'\\,;&%])+"
    ),
    # A bare session token (STS tokens start with these base64 prefixes).
    re.compile(r"()(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE|FQoGZXIvYXdzE)[A-Za-z0-9+/=%]*"),
    # A bare access key id (long-term AKIA..., temporary ASIA...): half of a credential pair.
    re.compile(r"()(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])"),
)

# A bare secret access key: exactly 40 base64 characters standing alone, with upper and lower
# case letters and a digit or ``/`` / ``+`` (a hex digest, a UUID or a word is never one).
_BARE_SECRET = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])")


def _secret_shaped(match: re.Match[str]) -> str:
    text = match.group()
    looks = (
        any(c.isupper() for c in text)
        and any(c.islower() for c in text)
        and any(c.isdigit() or c in "+/" for c in text)
    )
    return REDACTED if looks else text


def redact(text: str) -> str:
    r"""``text`` without credentials: session tokens (``x-amz-security-token:`` header lines,
    ``X-Amz-Security-Token=``), ``Credential=``, ``Signature=`` / ``X-Amz-Signature=`` values
    and secrets such as ``aws_secret_access_key=...`` become ``<redacted>``.

    AWS's ``SignatureDoesNotMatch`` message quotes the canonical request it computed, session
    token included; batchkit puts AWS messages in ``str(error)``, logs and the CLI's stderr.

    >>> redact("x-amz-date:20261101T000000Z\nx-amz-security-token:IQoJb3JpZ2luX2VjEJr//wE=\n")
    'x-amz-date:20261101T000000Z\nx-amz-security-token:<redacted>\n'
    >>> redact("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261101/us-east-1/batch/"
    ...        "aws4_request, SignedHeaders=host, Signature=fe5f80f77d5fa3beca038a248ff027")
    'AWS4-HMAC-SHA256 Credential=<redacted>, SignedHeaders=host, Signature=<redacted>'
    """
    for pattern in _REDACTIONS:
        text = pattern.sub(rf"\g<1>{REDACTED}", text)
    return _BARE_SECRET.sub(_secret_shaped, text)


def excerpt(data: bytes | str, limit: int = 200) -> str:
    r"""A safe, capped, one-line rendering of a response body for an error message.

    Bytes are decoded as UTF-8 (undecodable bytes written ``\xNN``); credentials are
    redacted (:func:`redact`); control, bidi and line-break characters are escaped; at most
    ``limit`` characters are kept, followed by how many were left out.

    >>> print(excerpt(b"<html>\x1b[2J502 Bad Gateway\n</html>"))
    <html>\x1b[2J502 Bad Gateway\x0a</html>
    >>> excerpt("x" * 500, limit=10)
    'xxxxxxxxxx... (+490 more characters)'
    >>> excerpt(b"")
    '(empty body)'
    """
    text = data.decode("utf-8", "backslashreplace") if isinstance(data, bytes) else str(data)
    if not text:
        return "(empty body)"
    text = redact(text)  # before cutting: a token cut in two would escape the patterns
    limit = max(limit, 0)
    more = len(text) - limit
    shown = escape_controls(text[:limit])
    return shown + (f"... (+{more} more characters)" if more > 0 else "")


def scrub(error: BaseException | None) -> None:
    """Redact ``error`` in place, and every exception chained to it (``__cause__``,
    ``__context__``): what ``str()``, ``repr()`` and a printed traceback show.

    Why: batchkit raises its errors *from* botocore's, and botocore copies text it does not
    control into its messages -- a ``credential_process`` helper's stderr (secret key and
    session token included) into ``CredentialRetrievalError``, a whole response body into
    ``ResponseParserError``.  The typed error's own message is redacted when it is made; this
    cleans the chain a traceback prints below it.  Arguments, botocore's ``kwargs``, an AWS
    error's message, ``__notes__`` and ``OSError``'s fields are rewritten; a long
    ``ResponseParserError`` body is cut to an :func:`excerpt`.

    >>> from botocore.exceptions import CredentialRetrievalError
    >>> error = CredentialRetrievalError(provider="process", error_msg="aws_session_token=abc")
    >>> scrub(error)
    >>> str(error)
    'Error when retrieving credentials from process: aws_session_token=<redacted>'
    """
    seen: set[int] = set()
    pending = [error]
    while pending and len(seen) < 1_000:  # a cycle, or an absurd chain, stops
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        with contextlib.suppress(Exception):  # an exception that refuses to be changed
            _scrub_one(current)
        pending += (current.__cause__, current.__context__)


def _clean(value: object) -> object:
    return redact(value) if isinstance(value, str) else value


def _scrub_one(error: BaseException) -> None:
    from botocore.parsers import ResponseParserError

    args = tuple(_clean(a) for a in error.args)
    if isinstance(error, ResponseParserError) and args and isinstance(args[0], str):
        args = (_parser_message(args[0]), *args[1:])
    if args != error.args:
        error.args = args
    kwargs = getattr(error, "kwargs", None)  # botocore's errors format their message from it
    if isinstance(kwargs, dict):
        for key, value in list(cast(dict[str, object], kwargs).items()):
            kwargs[key] = _clean(value)
    if isinstance(error, ClientError):
        _redact_client_error(error)
    notes = getattr(error, "__notes__", None)
    if isinstance(notes, list):
        notes[:] = [_clean(note) for note in cast(list[object], notes)]
    if isinstance(error, OSError):
        for name in ("strerror", "filename", "filename2"):
            value = getattr(error, name, None)
            if isinstance(value, str):
                setattr(error, name, redact(value))
    shown = str(error)
    if redact(shown) != shown:  # a message computed from other state: redact it when shown
        error.__class__ = _redacting(type(error))


# The redacting subclasses made so far (a few: one per exception class met; bounded).
_REDACTING: dict[type[BaseException], type[BaseException]] = {}


def _redacting(cls: type[BaseException]) -> type[BaseException]:
    """A subclass of ``cls``, with its name, whose ``str``/``repr`` are redacted: for an
    exception whose message is computed from state :func:`scrub` cannot rewrite."""
    made = _REDACTING.get(cls)
    if made is None:
        made = _redacting_subclass(cls)
        if len(_REDACTING) < 64:
            _REDACTING[cls] = made
    return made


def _redacting_subclass(cls: type[BaseException]) -> type[BaseException]:

    def __str__(self: BaseException) -> str:
        return redact(cls.__str__(self))

    def __repr__(self: BaseException) -> str:
        return redact(cls.__repr__(self))

    namespace = {"__str__": __str__, "__repr__": __repr__, "__module__": cls.__module__}
    subclass = type(cls.__name__, (cls,), namespace)
    subclass.__qualname__ = cls.__qualname__
    return subclass


def _parser_message(message: str) -> str:
    """botocore's "Unable to parse response (...)...:\n<the whole body>" with the body cut to
    an excerpt (redacted, escaped, at most 200 characters)."""
    head, newline, body = message.partition("\n")
    if not newline:  # another parser message, or one cut already (scrub may run twice)
        return message
    return f"{escape_controls(head[:300])}; first bytes: {excerpt(body)}"


class BatchKitError(Exception):
    """Base class of every exception batchkit raises.

    Its message is redacted (:func:`redact`) when it is made, and so is the exception being
    handled at that moment and its chain (:func:`scrub`): what a traceback prints below it.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(_clean(a) for a in args))
        scrub(sys.exc_info()[1])

    #: Set when the error interrupted a listing: ``starting_token=`` for exactly the rest.
    resume_token: str | None = None
    #: Set by ``describe_jobs``: the requested ids whose chunk failed (nothing is dropped
    #: silently: every other chunk's jobs were yielded before this error was raised).
    undescribed_ids: tuple[str, ...] = ()


class InvalidParameterError(BatchKitError, ValueError, TypeError):
    """An argument is invalid; nothing was sent.  Catchable as ValueError or TypeError."""


class InvalidFilterError(InvalidParameterError):
    """A :class:`~batchkit.JobFilter` (or its combination with a call) is invalid."""


class JobNotFoundError(BatchKitError, LookupError):
    """DescribeJobs did not return these job ids."""

    def __init__(self, job_ids: Iterable[str]) -> None:
        self.job_ids: tuple[str, ...] = tuple(job_ids)
        super().__init__(f"job(s) not found: {', '.join(self.job_ids)}")


class JobGoneError(JobNotFoundError):
    """A watched job that DescribeJobs returned before no longer returns: it aged out
    (AWS keeps finished jobs for a limited time) or was removed -- unlike a job not yet
    visible right after SubmitJob, which ``watch``/``wait`` give a grace period."""

    def __init__(self, job_ids: Iterable[str]) -> None:
        super().__init__(job_ids)
        self.args = (
            f"job(s) seen earlier no longer returned by DescribeJobs (aged out or removed): "
            f"{', '.join(self.job_ids)}",
        )


class WaitTimeoutError(BatchKitError, TimeoutError):
    """``wait``/``watch`` ran out of time before every job reached the wanted status.

    Nothing is lost: ``details`` holds the last description of every job (input order; a
    job whose every poll failed has none), ``pending_ids`` the jobs still not there.
    """

    def __init__(
        self, details: Sequence[JobDetail], pending_ids: Sequence[str], timeout: timedelta
    ) -> None:
        self.details: tuple[JobDetail, ...] = tuple(details)
        self.pending_ids: tuple[str, ...] = tuple(pending_ids)
        self.timeout = timeout
        shown = ", ".join(self.pending_ids[:5]) + (", ..." if len(self.pending_ids) > 5 else "")
        super().__init__(
            f"timed out after {timeout}: {len(self.pending_ids)} job(s) not done: {shown}"
        )

    @property
    def pending(self) -> tuple[JobDetail, ...]:
        """The last details of the jobs that were not done."""
        waiting = set(self.pending_ids)
        return tuple(job for job in self.details if job.job_id in waiting)


class LogsUnavailableError(BatchKitError):
    """A job's output cannot be read from CloudWatch Logs; the message says where it is.

    Raised by ``BatchClient.logs`` for an array parent (its children have the logs), and
    as one of the subclasses below.  ``job_id`` names the job.
    """

    def __init__(self, message: str, *, job_id: str | None = None) -> None:
        super().__init__(message)
        self.job_id = job_id


class LogDriverError(LogsUnavailableError):
    """The job logs with a driver other than ``awslogs`` (``splunk``, ``fluentd``,
    ``awsfirelens``...): its output went there, not to a CloudWatch Logs stream."""

    def __init__(self, message: str, *, job_id: str | None = None, driver: str = "") -> None:
        super().__init__(message, job_id=job_id)
        self.driver = driver


class EksJobLogsError(LogsUnavailableError):
    """The job runs on Amazon EKS: its logs are the pod's (``kubectl logs``), or wherever the
    cluster ships container logs -- Batch records no log stream for it."""


class LogStreamNotFoundError(LogsUnavailableError, LookupError):
    """The job's log stream does not exist: not yet (the job has not started, or has just
    started), or not anymore (the log group's retention deleted it), or the job never ran.

    ``group``, ``stream`` (None when the job has none yet) and ``region`` say where batchkit
    looked.
    """

    def __init__(
        self,
        message: str,
        *,
        job_id: str | None = None,
        group: str | None = None,
        stream: str | None = None,
        region: str | None = None,
    ) -> None:
        super().__init__(message, job_id=job_id)
        self.group = group
        self.stream = stream
        self.region = region


class ResponseValidationError(BatchKitError):
    """A response did not match the shape AWS documents (a missing member, a wrong type...)."""


class TokenCycleError(ResponseValidationError):
    """The service sent a pagination token this listing had already followed (A -> B -> A).

    Following it would repeat items forever; ``resume_token`` is where the listing stood.
    """


class TransportError(BatchKitError):
    """No usable HTTP response arrived (connection refused or dropped, timeout, broken TLS),
    after botocore's retries.  ``resume_token`` says where to continue."""


class ConnectError(TransportError, ConnectionError):
    """The connection could not be made, or broke before a whole response arrived.

    ``refused`` is True when the endpoint refused the connection outright (nothing listens
    there): botocore does not retry it, and neither do batchkit's watch and follow loops --
    waiting will not make a server appear.
    """

    refused: bool = False


class RequestTimeoutError(TransportError, TimeoutError):
    """Connecting or reading the response took longer than the client's configured timeout."""


class CredentialsError(BatchKitError):
    """No usable AWS credentials: none found, incomplete, or the provider failed.

    Expired or rejected credentials that AWS itself answers for are
    :class:`AccessDeniedError`; catch ``CredentialsError`` for both.
    """


class AWSError(BatchKitError):
    """An error response from AWS.

    ``resume_token`` is set when the error interrupted a listing: pass it as
    ``starting_token=`` to continue exactly where the listing stopped.
    """

    def __init__(
        self,
        *,
        operation: str,
        code: str,
        message: str,
        request_id: str | None,
        http_status: int | None,
        resume_token: str | None = None,
    ) -> None:
        self.operation = operation
        self.code = code
        #: AWS's message, with credentials redacted (see :func:`redact`).
        self.message = redact(message)
        self.request_id = request_id
        self.http_status = http_status
        self.resume_token = resume_token
        super().__init__(f"{operation}: {code}: {self.message} (request id {request_id})")


class ThrottlingError(AWSError):
    """AWS throttled the request and botocore's retries were exhausted."""


class InvalidRequestError(AWSError):
    """AWS rejected the request as invalid (e.g. Batch ``ClientException``)."""


class AccessDeniedError(AWSError, CredentialsError):
    """AWS rejected the credentials (invalid, expired) or they are not allowed to make this call."""


class NotFoundError(AWSError):
    """The job queue, job or resource does not exist."""


class ServiceError(AWSError):
    """AWS failed on its side (5xx) and botocore's retries were exhausted."""


_BY_CODE: dict[str, type[AWSError]] = {
    **dict.fromkeys(
        (
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "TooManyRequestsException",
            "RequestLimitExceeded",
            "RequestThrottled",
            "SlowDown",
            "ProvisionedThroughputExceededException",
        ),
        ThrottlingError,
    ),
    **dict.fromkeys(
        (
            "AccessDenied",
            "AccessDeniedException",
            "UnauthorizedOperation",
            "UnrecognizedClientException",
            "InvalidClientTokenId",
            "InvalidAccessKeyId",
            "SignatureDoesNotMatch",
            "ExpiredToken",
            "ExpiredTokenException",
        ),
        AccessDeniedError,
    ),
    **dict.fromkeys(
        (
            "ClientException",
            "InvalidRequestException",
            "InvalidNextTokenException",
            "ValidationException",
            "InvalidParameterException",
            "InvalidParameterValue",
            "BadRequestException",
        ),
        InvalidRequestError,
    ),
    **dict.fromkeys(
        ("NotFoundException", "ResourceNotFoundException", "NoSuchJob", "NoSuchResource"),
        NotFoundError,
    ),
    **dict.fromkeys(
        ("ServerException", "InternalServiceException", "InternalError", "ServiceUnavailable"),
        ServiceError,
    ),
}


def from_client_error(
    error: ClientError, operation: str, resume_token: str | None = None
) -> AWSError:
    """The typed batchkit error for a botocore ``ClientError`` (raise it ``from error``)."""
    body = error.response.get("Error", {})
    meta = error.response.get("ResponseMetadata", {})
    _redact_client_error(error)
    code = str(body.get("Code") or "Unknown")
    status = meta.get("HTTPStatusCode")
    cls = _BY_CODE.get(code)
    if cls is None:
        cls = ServiceError if isinstance(status, int) and status >= 500 else AWSError
    return cls(
        operation=operation,
        code=code,
        message=str(body.get("Message") or ""),
        request_id=meta.get("RequestId"),
        http_status=status,
        resume_token=resume_token,
    )


def _transport_classes() -> tuple[tuple[tuple[type[BaseException], ...], type[BatchKitError]], ...]:
    from botocore import exceptions as b

    return (
        ((b.ConnectTimeoutError, b.ReadTimeoutError), RequestTimeoutError),
        ((b.ConnectionError, b.HTTPClientError, b.IncompleteReadError), ConnectError),
        (
            (
                b.NoCredentialsError,
                b.PartialCredentialsError,
                b.CredentialRetrievalError,
                b.NoAuthTokenError,
                b.TokenRetrievalError,
                b.SSOError,
                b.UnknownCredentialError,
            ),
            CredentialsError,
        ),
        ((b.ParamValidationError,), InvalidParameterError),
    )


def connection_refused(error: BaseException | None) -> bool:
    """True when ``error`` (botocore's ``EndpointConnectionError``...) is a connection
    refused outright: nothing listens at that address, and trying again will not change it.

    The refusal is found along the chain botocore and the HTTP libraries leave: urllib3's
    ``NewConnectionError`` caused by ``ConnectionRefusedError`` (boto3), aiohttp's
    ``ClientConnectorError`` holding it as ``os_error`` (aiobotocore).
    """
    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or id(current) in seen or len(seen) > 16:
            continue
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError):
            return True
        kwargs = getattr(current, "kwargs", None)
        nested = kwargs.get("error") if isinstance(kwargs, dict) else None
        pending += [current.__cause__, current.__context__, nested]
        pending.append(getattr(current, "os_error", None))
    return False


def from_exception(error: Exception, operation: str) -> BatchKitError:
    """The typed batchkit error for anything a request raised (raise it ``from error``).

    Why one function: whatever fails between a call and a typed page -- an AWS error
    response, a dropped connection, a timeout, missing credentials, a body botocore's
    parser chokes on -- must reach the user as a :class:`BatchKitError` that says what
    happened (and, set by the pager, where to resume), never a raw exception.
    """
    scrub(error)  # it becomes the typed error's __cause__: printed in a traceback
    if isinstance(error, BatchKitError):
        return error
    if isinstance(error, ClientError):
        return from_client_error(error, operation)
    if connection_refused(error):
        where = getattr(error, "kwargs", {}).get("endpoint_url", "")
        refused = ConnectError(
            f"{operation}: connection refused by {where or 'the endpoint'}: nothing is "
            "listening there (a refused connection is not retried)"
        )
        refused.refused = True
        return refused
    for classes, cls in _transport_classes():
        if isinstance(error, classes):
            return cls(f"{operation}: {type(error).__name__}: {error}")
    from botocore.parsers import ResponseParserError

    if isinstance(error, ResponseParserError):  # scrubbed: the body is an excerpt already
        return ResponseValidationError(f"{operation}: unreadable response: {error}")
    if isinstance(error, (ValueError, TypeError, KeyError, OverflowError)):
        return ResponseValidationError(f"{operation}: unreadable response: {_capped(error)}")
    return BatchKitError(f"{operation}: {type(error).__name__}: {_capped(error)}")


def credentials_error(error: Exception, where: str) -> CredentialsError | None:
    """At a client's creation (boto3 resolves credentials then): a credential provider's
    failure as a typed :class:`CredentialsError` (raise it ``from error``); None for any other
    error (a missing region, an unknown profile: botocore's own, re-raised as they are), which
    is scrubbed all the same."""
    typed = from_exception(error, where)  # scrubs ``error`` and its chain
    return typed if isinstance(typed, CredentialsError) else None


def _capped(error: BaseException) -> str:
    """An unexpected exception's message, safe and short enough to quote in ours."""
    text = str(error)
    return excerpt(text, limit=500) if text else ""


def _redact_client_error(error: ClientError) -> None:
    """Redact the botocore error too: it stays reachable as ``__cause__`` (and is printed
    with it in a traceback)."""
    error.args = tuple(redact(a) if isinstance(a, str) else a for a in error.args)
    body = error.response.get("Error")
    if isinstance(body, dict) and isinstance(body.get("Message"), str):
        body["Message"] = redact(body["Message"])


def _invalid_member(model: object, name: str, error: Exception) -> Exception:
    """A member a model validates when first read (``LazyModel``) that does not match its
    shape: typed, naming the job and the member, without the input (it may hold secrets)."""
    from pydantic import ValidationError

    if isinstance(error, ValidationError):
        reason = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or name}: {item['msg']}"
            for item in error.errors()[:3]
        )
    else:
        reason = str(error)
    job = getattr(model, "job_id", None)
    which = f" of job {job!r}" if isinstance(job, str) else ""
    return ResponseValidationError(
        f"{type(model).__name__}.{name}{which} (validated when first read) does not match "
        f"its shape: {reason}"
    )


on_invalid_member(_invalid_member)
