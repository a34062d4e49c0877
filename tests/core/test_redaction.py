"""Credentials never reach error messages; response excerpts are safe to print."""

from __future__ import annotations

import traceback
from typing import Any

import pytest
from botocore.exceptions import ClientError

from batchkit import AccessDeniedError, AWSError, BatchClient
from batchkit._core.errors import excerpt, from_client_error, redact
from batchkit._core.text import UNSAFE
from batchkit.testing import WireStubber

TOKEN = (
    "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDxk2mVdSJp8hT0example"
    "Zx9wqJZ8cQ1Pp+Lc8nA2rJxEgIgVq3r6z0Ws0/4vExampleSessionToken+Q=="
)
SIGNATURE = "9d1b5c1f3a6e4b2c8f7a0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b"
ACCESS_KEY = "ASIAQEXAMPLE7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

#: The message AWS returns for SignatureDoesNotMatch, canonical request quoted.
SIGNATURE_MISMATCH = f"""\
The request signature we calculated does not match the signature you provided. Check your \
AWS Secret Access Key and signing method. Consult the service documentation for details.

The Canonical String for this request should have been
'POST
/v1/listjobs

content-type:application/x-amz-json-1.1
host:batch.us-east-1.amazonaws.com
x-amz-date:20261101T120000Z
x-amz-security-token:{TOKEN}

content-type;host;x-amz-date;x-amz-security-token
44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'

The String-to-Sign should have been
'AWS4-HMAC-SHA256
20261101T120000Z
20261101/us-east-1/batch/aws4_request
7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972'
"""

SECRETS = (TOKEN, SIGNATURE, ACCESS_KEY, SECRET, TOKEN[:40], TOKEN[-30:])


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_a_signature_mismatch_message_loses_the_token_and_keeps_the_rest() -> None:
    clean = redact(SIGNATURE_MISMATCH)
    assert_clean(clean)
    assert "x-amz-security-token:<redacted>\n" in clean
    assert "host:batch.us-east-1.amazonaws.com" in clean  # what helps debugging stays
    assert "20261101/us-east-1/batch/aws4_request" in clean
    assert "content-type;host;x-amz-date;x-amz-security-token" in clean
    assert clean.count("\n") == SIGNATURE_MISMATCH.count("\n")
    assert redact(clean) == clean  # idempotent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={ACCESS_KEY}%2F20261101%2F"
            f"us-east-1%2Fbatch%2Faws4_request&X-Amz-Security-Token={TOKEN}"
            f"&X-Amz-Signature={SIGNATURE}",
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=<redacted>"
            "&X-Amz-Security-Token=<redacted>&X-Amz-Signature=<redacted>",
        ),
        (
            f"Authorization: AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20261101/us-east-1/batch/"
            f"aws4_request, SignedHeaders=host;x-amz-date, Signature={SIGNATURE}",
            "Authorization: AWS4-HMAC-SHA256 Credential=<redacted>, "
            "SignedHeaders=host;x-amz-date, Signature=<redacted>",
        ),
        (f"aws_secret_access_key = {SECRET}", "aws_secret_access_key = <redacted>"),
        (f"AWS_SECRET_ACCESS_KEY={SECRET} next", "AWS_SECRET_ACCESS_KEY=<redacted> next"),
        (f'{{"SecretAccessKey": "{SECRET}"}}', '{"SecretAccessKey": "<redacted>"}'),
        (f"aws_session_token={TOKEN}", "aws_session_token=<redacted>"),
        (f"X-Amz-Security-Token%3D{TOKEN}&x=1", "X-Amz-Security-Token%3D<redacted>&x=1"),
        (f"token {TOKEN} seen", "token <redacted> seen"),
        (
            "SignatureDoesNotMatch: nothing secret here",
            "SignatureDoesNotMatch: nothing secret here",
        ),
        ("Job queue etl does not exist.", "Job queue etl does not exist."),
        # what a credential helper may print (issue 22, item 10)
        (f"secret: {SECRET}\n", "secret: <redacted>\n"),
        (f"key {ACCESS_KEY} expired", "key <redacted> expired"),
        (f"secret={SECRET}", "secret=<redacted>"),
        (f"SecretAccessKey%22%3A%22{SECRET}", "SecretAccessKey%22%3A%22<redacted>"),
        ("aws_secret_access_key%3Dab%2Fc%2Bd&next=1", "aws_secret_access_key%3D<redacted>&next=1"),
        (
            f'"{{\\"SecretAccessKey\\": \\"{SECRET}\\"}}"',
            '"{\\"SecretAccessKey\\": \\"<redacted>\\"}"',
        ),
        # never taken for a secret: a hex digest, a stream name, a job id, a plain word run
        (
            "sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709",
        ),
        (
            "etl/default/0123456789abcdef0123456789abcdef",
            "etl/default/0123456789abcdef0123456789abcdef",
        ),
        ("job 4c6b2a4e-1e57-4a51-9bfb-2f0a3d1c7e11", "job 4c6b2a4e-1e57-4a51-9bfb-2f0a3d1c7e11"),
    ],
)
def test_redact_forms(text: str, expected: str) -> None:
    assert redact(text) == expected


def signature_error() -> ClientError:
    response: Any = {
        "Error": {"Code": "SignatureDoesNotMatch", "Message": SIGNATURE_MISMATCH},
        "ResponseMetadata": {"RequestId": "req-1", "HTTPStatusCode": 403},
    }
    return ClientError(response, "ListJobs")


def test_aws_error_stores_and_prints_the_redacted_message() -> None:
    error = AWSError(
        operation="ListJobs",
        code="SignatureDoesNotMatch",
        message=SIGNATURE_MISMATCH,
        request_id="req-1",
        http_status=403,
    )
    assert_clean(error.message)
    assert_clean(str(error))
    assert_clean(repr(error))
    assert "x-amz-security-token:<redacted>" in str(error)


def test_the_botocore_cause_is_redacted_too() -> None:
    cause = signature_error()
    assert TOKEN in str(cause)
    error = from_client_error(cause, "ListJobs")
    assert isinstance(error, AccessDeniedError)
    assert_clean(str(error))
    assert_clean(str(cause))  # printed as __cause__ in a traceback
    try:
        raise error from cause
    except AWSError:
        assert_clean(traceback.format_exc())


def test_through_a_client(batch_stub: tuple[BatchClient, WireStubber]) -> None:
    batch, stub = batch_stub
    stub.add_client_error("list_jobs", "SignatureDoesNotMatch", SIGNATURE_MISMATCH, 403)
    with pytest.raises(AccessDeniedError) as info:
        batch.list_jobs("q", status="FAILED").to_list()
    assert_clean(str(info.value))
    assert_clean("".join(traceback.format_exception(info.value)))


def test_excerpt_is_capped_escaped_and_redacted() -> None:
    body = (
        b'{"message": "\x1b]0;pwned\x07\x1b[2J\xc2\x9b31m\xe2\x80\xaeevil", '
        + f'"token": "x-amz-security-token:{TOKEN}"'.encode()
        + b"\xff\xfe"
        + b"A" * 1000
        + b"}"
    )
    shown = excerpt(body, limit=300)
    assert_clean(shown)
    assert not UNSAFE.search(shown)
    assert "\\x1b]0;pwned\\x07" in shown
    assert "\\u202e" in shown
    assert "\\x9b" in shown
    assert shown.endswith("more characters)")
    assert len(shown) < 400
    assert "\\xff\\xfe" in excerpt(b"\xff\xfe")  # undecodable bytes, visibly
    assert excerpt("short") == "short"
    assert excerpt("abc", limit=0) == "... (+3 more characters)"
    cut = excerpt(f"x-amz-security-token:{TOKEN}", limit=40)  # never half a token
    assert_clean(cut)
    assert "IQoJ" not in cut
