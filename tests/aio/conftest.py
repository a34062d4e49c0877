"""What every async test shares: anyio runs them on asyncio (the event loop aiobotocore
needs)."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
