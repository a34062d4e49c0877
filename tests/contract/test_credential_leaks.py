"""Credentials never leak through an error, its chained causes or batchkit's logs.

Injected through independent means, not FakeAWS: a real ``credential_process`` helper (a
Python script named in a profile of a temporary AWS config file) that fails and prints
secrets on stderr, which botocore copies into ``CredentialRetrievalError``; and S3 Control
bodies botocore cannot parse, served at botocore's ``before-send`` event.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest

from batchkit import (
    BatchClient,
    BatchKitError,
    CredentialsError,
    ResponseValidationError,
    S3BatchOperationsClient,
)
from batchkit.testing import RawReply, serve
from tests.conftest import NO_RETRY, raw_client

ACCESS_KEY = "ASIAQEXAMPLE7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = (
    "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDxk2mVdSJp8hT0example"
    "Zx9wqJZ8cQ1Pp+Lc8nA2rJxEgIgVq3r6z0Ws0/4vExampleSessionToken+Q=="
)
SECRETS = (SECRET, SECRET[:12], SECRET[-12:], TOKEN, TOKEN[:40], TOKEN[-30:], ACCESS_KEY)

#: What a failing credential helper prints: its cached credentials as JSON, shell exports,
#: an INI line and the bare secret (as helpers such as aws-vault or saml2aws may).
HELPER_STDERR = f"""error: refreshing the cached session failed
cached: {{"Version": 1, "AccessKeyId": "{ACCESS_KEY}", "SecretAccessKey": "{SECRET}", \
"SessionToken": "{TOKEN}", "Expiration": "2026-11-01T00:00:00Z"}}
export AWS_SECRET_ACCESS_KEY={SECRET}
aws_session_token = {TOKEN}
secret: {SECRET}
"""


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"leaked {secret[:12]}... in:\n{text}"


def shown(error: BaseException) -> str:
    """Everything a user can see of ``error``: str, repr and the printed traceback with its
    whole chain (``__cause__`` and ``__context__``)."""
    parts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        parts += [str(link), repr(link), repr(getattr(link, "kwargs", ""))]
        # what a traceback follows: the cause, else the context unless suppressed (from None)
        link = link.__cause__ or (None if link.__suppress_context__ else link.__context__)
    return "\n".join(parts)


def helper_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, first_ok: bool) -> str:
    """A profile ``leaky`` whose ``credential_process`` fails printing secrets (after one
    success with credentials expiring in 5 minutes, when ``first_ok``)."""
    state = tmp_path / "calls"
    script = tmp_path / "helper.py"
    expiring = (datetime.now(timezone.utc) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    good = {
        "Version": 1,
        "AccessKeyId": "ASIAFIRSTEXAMPLEKEY1",
        "SecretAccessKey": "first-secret",
        "SessionToken": "first-token",
        "Expiration": expiring,
    }
    script.write_text(
        "import pathlib, sys\n"
        f"state = pathlib.Path({str(state)!r})\n"
        "calls = int(state.read_text()) if state.exists() else 0\n"
        "state.write_text(str(calls + 1))\n"
        f"if {first_ok!r} and calls == 0:\n"
        f"    print({json.dumps(good)!r})\n"
        "    sys.exit(0)\n"
        f"sys.stderr.write({HELPER_STDERR!r})\n"
        "sys.exit(1)\n"
    )
    config = tmp_path / "config"
    config.write_text(
        f'[profile leaky]\ncredential_process = "{sys.executable}" "{script}"\nregion = us-east-1\n'
    )
    (tmp_path / "credentials").write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    return "leaky"


def test_a_failing_credential_process_is_a_typed_redacted_error_from_the_constructor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    session = boto3.Session(profile_name=helper_profile(tmp_path, monkeypatch, first_ok=False))
    caplog.set_level(logging.DEBUG, logger="batchkit")
    with pytest.raises(CredentialsError) as info:
        BatchClient(session=session, config=NO_RETRY)
    error = info.value
    assert "CredentialRetrievalError" in str(error)
    assert "refreshing the cached session failed" in str(error)  # what helps stays
    assert "<redacted>" in str(error)
    assert type(error.__cause__).__name__ == "CredentialRetrievalError"
    assert_clean(shown(error))
    assert_clean(caplog.text)


def test_a_credential_refresh_failing_at_the_first_request_is_typed_and_redacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    session = boto3.Session(profile_name=helper_profile(tmp_path, monkeypatch, first_ok=True))
    # The first credentials expire in 5 minutes: botocore refreshes them before signing the
    # first request (never sent: the endpoint is a closed port).
    batch = BatchClient(session=session, endpoint_url="http://127.0.0.1:9", config=NO_RETRY)
    caplog.set_level(logging.DEBUG, logger="batchkit")
    pager = batch.list_jobs("q", status="FAILED")
    with pytest.raises(CredentialsError) as info:
        pager.to_list()
    assert "CredentialRetrievalError" in str(info.value)
    assert_clean(shown(info.value))
    assert_clean("\n".join(r.getMessage() for r in caplog.records if r.name == "batchkit"))


def test_any_batchkit_error_made_while_handling_a_leaky_exception_scrubs_its_chain() -> None:
    from botocore.exceptions import CredentialRetrievalError

    def fail() -> None:
        try:
            raise CredentialRetrievalError(provider="custom-process", error_msg=HELPER_STDERR)
        except CredentialRetrievalError as inner:
            raise BatchKitError(f"while reading: {inner}") from inner

    with pytest.raises(BatchKitError, match="custom-process") as info:
        fail()
    assert_clean(shown(info.value))


def test_an_exception_whose_message_is_computed_is_redacted_when_shown() -> None:
    class Leaky(Exception):
        def __str__(self) -> str:  # not from args: scrub cannot rewrite it
            return HELPER_STDERR

    def fail() -> None:
        try:
            raise Leaky
        except Leaky as inner:
            raise BatchKitError("while reading") from inner

    with pytest.raises(BatchKitError) as info:
        fail()
    assert isinstance(info.value.__cause__, Leaky)  # still the same exception, and class
    assert type(info.value.__cause__).__name__ == "Leaky"
    assert_clean(shown(info.value))


def test_a_validation_error_quoting_a_secret_is_not_chained() -> None:
    """pydantic's ValidationError quotes the input and cannot be rewritten: on the slow path
    (as on the fast path) the typed error names the member without chaining it."""
    raw = raw_client("batch")
    job: dict[str, object] = {"jobId": "j1", "jobName": {"leaked": SECRET}, "jobQueue": "q"}
    job |= {"status": "FAILED", "jobDefinition": "d", "startedAt": 1}
    stop = serve(raw, lambda _op, _params: {"jobs": [job]})
    try:
        for fast in (True, False):
            with pytest.raises(ResponseValidationError, match="jobName") as info:
                BatchClient(raw, fast_path=fast).describe_job("j1")
            assert_clean(shown(info.value))
    finally:
        stop()


# ---------------------------------------------------------------- S3 Control bodies


def _unparseable(size: int) -> bytes:
    """A ListJobs result document that expat rejects, with a security token and terminal
    escapes inside, ``size`` bytes long."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<ListJobsResult><Jobs><member>'
        f"<JobId>x-amz-security-token:{TOKEN}</JobId>\x1b[2J<<<"
    ).encode()
    return head + b"A" * max(size - len(head), 0)


@pytest.mark.parametrize("fast_path", [True, False])
def test_an_unparseable_s3_control_body_is_quoted_within_200_characters_redacted(
    fast_path: bool,
) -> None:
    raw = raw_client("s3control")
    body = _unparseable(5_318)
    stop = serve(raw, lambda _op, _params: RawReply(200, body, {"Content-Type": "application/xml"}))
    try:
        s3 = S3BatchOperationsClient("123456789012", raw, fast_path=fast_path)
        with pytest.raises(ResponseValidationError) as info:
            s3.list_jobs().to_list()
    finally:
        stop()
    error = info.value
    message = str(error)
    assert "unreadable response" in message
    assert "first bytes:" in message
    quoted = message.split("first bytes: ", 1)[1]
    assert len(quoted.split("... (+", 1)[0]) <= 200  # the documented 200 characters
    assert len(message) < 700
    assert "\x1b" not in shown(error)
    assert_clean(shown(error))
    cause = error.__cause__
    assert cause is not None
    assert "first bytes: " in str(cause)  # the traceback's chain is cut too
    assert len(str(cause)) < 700
    from batchkit._core.errors import scrub

    before = str(cause)
    scrub(cause)
    assert str(cause) == before  # scrubbing again changes nothing
