"""batchkit.aio: a failing ``credential_process`` is a typed, redacted error when the client
opens (aiobotocore resolves credentials there) -- the async twin of
tests/contract/test_credential_leaks.py, with the same real helper script."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("aiobotocore")

from batchkit import CredentialsError
from batchkit.aio import AsyncBatchClient
from tests.conftest import NO_RETRY
from tests.contract.test_credential_leaks import assert_clean, helper_profile, shown

pytestmark = pytest.mark.anyio


async def test_a_failing_credential_process_is_typed_and_redacted_when_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiobotocore.session import AioSession

    session = AioSession(profile=helper_profile(tmp_path, monkeypatch, first_ok=False))
    client = AsyncBatchClient(session=session, config=NO_RETRY)
    with pytest.raises(CredentialsError) as info:
        await client.open()
    assert "CredentialRetrievalError" in str(info.value)
    assert_clean(shown(info.value))
    await client.aclose()  # nothing was opened: a no-op


async def test_a_refresh_failing_at_the_first_request_is_typed_and_redacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiobotocore.session import AioSession

    session = AioSession(profile=helper_profile(tmp_path, monkeypatch, first_ok=True))
    async with AsyncBatchClient(
        session=session, endpoint_url="http://127.0.0.1:9", config=NO_RETRY
    ) as batch:
        with pytest.raises(CredentialsError) as info:
            await batch.list_jobs("q", status="FAILED").to_list()
    assert_clean(shown(info.value))
