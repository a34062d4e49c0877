"""Fixtures of the archive tests: an archive URL for each real database (SQLite always;
PostgreSQL from ``BATCHKIT_TEST_POSTGRES_URL``, which ``.ci/postgres.sh`` starts), a manual
clock and a FakeAWS on it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from batchkit.testing import FakeAWS, ManualClock
from tests.archive.helpers import START, make_fake

POSTGRES_ENV = "BATCHKIT_TEST_POSTGRES_URL"


def postgres_base() -> str:
    """The test server's URL, or skip (fail under ``BATCHKIT_REQUIRE_POSTGRES=1``)."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("BATCHKIT_REQUIRE_POSTGRES") == "1":
            pytest.fail(
                f"BATCHKIT_REQUIRE_POSTGRES=1 but {POSTGRES_ENV} is not set: "
                ".ci/postgres.sh could not start PostgreSQL (see its message above)"
            )
        pytest.skip(
            f"PostgreSQL not available: set {POSTGRES_ENV} (`. .ci/postgres.sh` starts a "
            "local server) to run the archive tests on PostgreSQL too"
        )
    return url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema of its own (dropped after)."""
    base = postgres_base()
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def archive_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.sqlite'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'archive.sqlite'}"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def fake(clock: ManualClock) -> FakeAWS:
    return make_fake(clock)
