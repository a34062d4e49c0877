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

from typing import Any, cast

from botocore.config import Config

from batchkit._core.errors import InvalidParameterError
from batchkit._version import __version__

__all__ = ["DEFAULT_CONFIG", "RETRY_MODE", "check_given_client", "client_config"]

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
