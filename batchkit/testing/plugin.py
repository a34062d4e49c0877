"""The pytest plugin batchkit installs (entry point ``pytest11``): the ``batchkit_fake`` fixture.

>>> def test_failed_jobs_are_reported(batchkit_fake):          # doctest: +SKIP
...     batchkit_fake.add_job("q", job_name="etl", status="FAILED", exit_code=2)
...     assert my_code.report(BatchClient()) == ["etl exit 2"]  # BatchClient() just works

The fixture's backend answers clients made from boto3's default session (``BatchClient()``,
``boto3.client("batch")``) -- and, with ``batchkit-aws[async]``, ``AsyncBatchClient()`` and
``AsyncS3BatchOperationsClient(...)`` -- for the duration of the test, with fake credentials
and region ``us-east-1``; ``batchkit_fake.batch_client()`` and ``.s3_client()`` (and
``.async_batch_client()``, ``.async_s3_client()``) give wired clients directly.  Nothing
reaches the network: operations the fake does not implement are errors.

Time is simulated by default: botocore's (and aiobotocore's) retry backoff and adaptive rate
limiter run on the ``batchkit_clock`` fixture's :class:`~batchkit.testing.SimulatedClock`, as
does ``batchkit_fake.set_rate_limit(...)`` unless given another clock -- a test of code
retrying throttled requests takes milliseconds, not the tens of seconds botocore would
really sleep.  ``@pytest.mark.batchkit_real_time`` keeps real time for a test.

A client made at import time (a module-level ``BatchClient()`` in the code under test) was
made before the fixture existed: it is not served -- it fails with ``NoCredentialsError``,
or, on a machine with credentials, talks to real AWS.  Make clients inside functions, or
pass them in.

pytest imports this module in every run of every project that has batchkit installed, so it
imports nothing heavy: boto3, pydantic and the fake are imported when the fixture is used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from batchkit.testing import SimulatedClock
    from batchkit.testing._fake import FakeAWS

__all__ = ["batchkit_clock", "batchkit_fake", "serve_default_session"]

#: The marker that keeps real time for a test using ``batchkit_fake``.
REAL_TIME = "batchkit_real_time"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{REAL_TIME}: batchkit_fake keeps real time (botocore's retries really sleep)",
    )


def serve_default_session(fake: FakeAWS, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Make ``fake`` answer every client made from boto3's default session.

    Args:
        fake: the backend to serve.
        monkeypatch: undoes the changes at the end of the test: fake credentials, region
            ``us-east-1``, a fresh default session, and no ``AWS_PROFILE``,
            ``AWS_SESSION_TOKEN``, ``AWS_ENDPOINT_URL`` or ``AWS_CONFIG_FILE``.

    Returns:
        ``detach``: stops serving.
    """
    import boto3

    from batchkit.testing._aio import serve_default_async_session

    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    serve_default_async_session(fake, monkeypatch)
    return fake.attach(boto3.DEFAULT_SESSION)


@pytest.fixture
def batchkit_clock(request: pytest.FixtureRequest) -> Iterator[SimulatedClock]:
    """The simulated clock botocore's retries sleep on in a ``batchkit_fake`` test (its
    ``slept`` says how long they would have waited).  Under
    ``@pytest.mark.batchkit_real_time`` nothing runs on it."""
    from batchkit.testing import SimulatedClock

    clock = SimulatedClock()
    if request.node.get_closest_marker(REAL_TIME) is not None:
        yield clock
        return
    with clock.patch_botocore():
        yield clock


@pytest.fixture
def batchkit_fake(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    batchkit_clock: SimulatedClock,
) -> Iterator[FakeAWS]:
    """A fresh :class:`batchkit.testing.FakeAWS` wired to boto3's default session, on
    simulated time (module docstring)."""
    import functools

    from batchkit.testing import FakeAWS

    fake = FakeAWS()
    if request.node.get_closest_marker(REAL_TIME) is None:
        # the fake's seconds are botocore's: its rate limit refills as botocore waits
        monkeypatch.setattr(
            fake, "set_rate_limit", functools.partial(fake.set_rate_limit, clock=batchkit_clock)
        )
    detach = serve_default_session(fake, monkeypatch)
    try:
        yield fake
    finally:
        detach()
