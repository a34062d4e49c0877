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

pytest imports this module in every run of every project that has batchkit installed, so it
imports nothing heavy: boto3, pydantic and the fake are imported when the fixture is used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from batchkit.testing._fake import FakeAWS

__all__ = ["batchkit_fake", "serve_default_session"]


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
def batchkit_fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAWS]:
    """A fresh :class:`batchkit.testing.FakeAWS` wired to boto3's default session."""
    from batchkit.testing import FakeAWS

    fake = FakeAWS()
    detach = serve_default_session(fake, monkeypatch)
    try:
        yield fake
    finally:
        detach()
