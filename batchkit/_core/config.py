"""The botocore configuration batchkit's clients start from, and the check of a given client.

Why: one default for both faces -- botocore's ``adaptive`` retry mode (standard retries
with backoff and jitter, a retry quota, plus a client-side token bucket shared by every
thread or task using the client), 10 attempts, batchkit's user agent -- merged *under* what
the user passes, so ``config=`` can change anything and keeps the retry mode unless it names
one.  No client is made here (the faces' runtimes make boto3 or aiobotocore clients).

>>> client_config(Config(read_timeout=5)).retries["mode"]
'adaptive'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

from botocore.config import Config

from batchkit._core.errors import InvalidParameterError, connection_refused
from batchkit._version import __version__

__all__ = [
    "DEFAULT_CONFIG",
    "RETRY_MODE",
    "account_prefix_dropper",
    "check_given_client",
    "client_config",
    "fail_fast_when_refused",
    "install_endpoint_fixes",
    "install_fail_fast",
]

#: botocore's ``adaptive`` retry mode: ``standard`` retries (exponential backoff with jitter,
#: a retry quota that stops retrying a failing service) plus a client-side token bucket that
#: slows the client down after a throttling response and back up as requests succeed --
#: shared by every thread using the client, so ``describe_jobs(..., max_workers=8)`` at
#: account scale backs off together.  Up to 10 attempts a request (botocore's default is 3:
#: the first burst of a pool of workers can meet more throttles than that before the bucket
#: has adapted).  The knob: ``config=Config(retries={"mode": "standard"})`` (or any other
#: ``retries``) replaces this.
RETRY_MODE = "adaptive"
RETRIES: dict[str, Any] = {"mode": RETRY_MODE, "total_max_attempts": 10}
DEFAULT_CONFIG = Config(retries=cast(Any, RETRIES), user_agent_extra=f"batchkit/{__version__}")


def check_given_client(
    service: str,
    client: Any,
    session: object,
    region_name: str | None,
    endpoint_url: str | None,
    config: Config | None,
    kind: str = "boto3",
) -> bool:
    """True when a client was given (and it is one of ``service``); shared with batchkit.aio."""
    if client is not None:
        if any(v is not None for v in (session, region_name, endpoint_url, config)):
            raise InvalidParameterError(
                f"client: pass either a {kind} client or session/region_name/endpoint_url/config, "
                "not both (configure the client you pass instead)"
            )
        if getattr(getattr(client, "meta", None), "service_model", None) is None:
            raise InvalidParameterError(
                f"client: expected a {kind} {service} client, got {client!r}"
            )
        actual = client.meta.service_model.service_name
        if actual != service:
            raise InvalidParameterError(
                f"client: expected a {kind} {service} client, got {actual!r}"
            )
        return True
    if config is not None and not isinstance(config, Config):
        raise InvalidParameterError(
            f"config: expected a botocore.config.Config, got {type(config).__name__}"
        )
    return False


def client_config(config: Config | None, base: Config = DEFAULT_CONFIG) -> Config:
    """``config`` merged over batchkit's default (``base``: a ``Config`` or aiobotocore's
    ``AioConfig``, whose ``merge`` keeps its own type)."""
    merged = base
    if config is not None:
        merged = merged.merge(config)
        retries: Any = getattr(config, "retries", None)  # not in botocore-stubs' Config
        if retries:  # merge() replaces the whole retries dict: keep our default mode
            merged = merged.merge(Config(retries=cast(Any, {"mode": RETRY_MODE, **retries})))
    return merged


def fail_fast_when_refused(caught_exception: BaseException | None = None, **_: Any) -> bool | None:
    """A ``needs-retry`` handler (registered first on the clients batchkit makes): a refused
    connection is not retried -- botocore's retry handlers treat it as a transient
    connection error and would spend ~20 s of backoff on 10 attempts -- while throttling,
    5xx answers, timeouts and dropped connections keep botocore's retries.  botocore takes
    the first handler's answer that is not None, and ``False`` means "do not retry".
    """
    return False if connection_refused(caught_exception) else None


def install_fail_fast(client: Any) -> None:
    """Register :func:`fail_fast_when_refused` on a client batchkit made (a client you pass
    in keeps the retry behaviour you gave it)."""
    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register_first(
        f"needs-retry.{service}", fail_fast_when_refused, unique_id="batchkit-fail-fast"
    )


#: AWS's own domains: an endpoint there resolves the account-id host prefix (a VPC
#: endpoint's ``*.vpce.amazonaws.com``), so S3 Control keeps it.
_AWS_DOMAINS = ("amazonaws.com", "amazonaws.com.cn", "api.aws", "c2s.ic.gov", "sc2s.sgov.gov")


def account_prefix_dropper(endpoint_url: str | None) -> Callable[..., None] | None:
    """For an S3 Control client with a custom endpoint outside AWS's domains (an emulator:
    moto, LocalStack, a loopback server), a ``before-sign`` handler that sends requests to
    that endpoint's own host; None otherwise.

    Why: botocore's S3 Control endpoint rules put the account id in front of the host even
    for a custom endpoint (``http://123456789012.127.0.0.1:5055``), which does not resolve;
    its ``inject_host_prefix=False`` option does not apply (the prefix comes from the
    endpoint rule set, not from the operation's host prefix).  The account id still travels
    in the ``x-amz-account-id`` header, which is what emulators read.  The request is signed
    after this handler runs, for the host it is sent to.
    """
    if not endpoint_url:
        return None
    parts = urlsplit(endpoint_url)
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or any(host == d or host.endswith("." + d) for d in _AWS_DOMAINS):
        return None
    netloc = parts.netloc

    def drop_account_prefix(request: Any, **_: Any) -> None:
        url = urlsplit(request.url)
        prefix, dot, rest = url.netloc.partition(".")
        if dot and rest == netloc and prefix.isdigit() and len(prefix) == 12:
            request.url = urlunsplit(url._replace(netloc=rest))

    return drop_account_prefix


def install_endpoint_fixes(client: Any, endpoint_url: str | None) -> None:
    """What a client batchkit made needs for a custom endpoint (S3 Control: see
    :func:`account_prefix_dropper`)."""
    service = client.meta.service_model.service_id.hyphenize()
    handler = account_prefix_dropper(endpoint_url) if service == "s3-control" else None
    if handler is not None:
        client.meta.events.register(
            f"before-sign.{service}", handler, unique_id="batchkit-account-prefix"
        )
