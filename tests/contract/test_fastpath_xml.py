"""The XML fast path (S3 Control) gives exactly the models of botocore's parser + validation,
and keeps the body checks: empty body, error documents, wrong root, bad timestamps."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.model import OperationModel
from botocore.parsers import create_parser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batchkit import S3BatchOperationsClient
from batchkit._core.errors import ResponseValidationError
from batchkit._spec.operations import S3_LIST_JOBS
from batchkit._wire import fastpath as _fastpath
from batchkit.models import S3BatchJob
from batchkit.testing import RawReply, encode_response, serve
from tests.conftest import raw_client
from tests.fuzz import examples
from tests.strategies import output_item_shape, wire

OPERATION: OperationModel = raw_client("s3control").meta.service_model.operation_model("ListJobs")
ACCOUNT = "123456789012"
ITEM = output_item_shape("s3control", "ListJobs", "Jobs")


def _slow(body: bytes) -> tuple[list[S3BatchJob], str | None]:
    output = OPERATION.output_shape
    assert output is not None
    parsed = create_parser("rest-xml").parse(
        {"status_code": 200, "headers": {}, "body": body}, output
    )
    return [S3BatchJob.model_validate(job) for job in parsed.get("Jobs") or []], parsed.get(
        "NextToken"
    )


def _fast(body: bytes) -> tuple[list[S3BatchJob] | None, str | None]:
    response = {"status_code": 200, "headers": {}, "body": body}
    with _fastpath.capture(S3_LIST_JOBS) as captured:
        _fastpath._before_parse(OPERATION, response, {})
    output = OPERATION.output_shape
    assert output is not None
    rest = create_parser("rest-xml").parse(response, output)
    assert "Jobs" not in rest or captured.items is None
    items = None if captured.items is None else list(captured.items)
    return items, rest.get("NextToken")


def _outcome(run: Any, body: bytes) -> tuple[str, Any]:
    try:
        return "ok", run(body)
    except Exception as error:
        return "error", type(error).__name__


def _body(jobs: list[dict[str, Any]], token: str | None) -> bytes:
    response: dict[str, Any] = {"Jobs": jobs}
    if token is not None:
        response["NextToken"] = token
    return bytes(encode_response(OPERATION, response).content)


def known(model: S3BatchJob) -> S3BatchJob:
    """The model without members newer than botocore (what botocore's parser would give)."""
    extra = model.model_extra or {}
    return S3BatchJob.model_validate(model.model_dump(by_alias=True, exclude=set(extra)))


def assert_same(body: bytes) -> None:
    slow = _outcome(_slow, body)
    fast = _outcome(_fast, body)
    if slow[0] == "error":
        assert fast[0] == "error", (slow, fast)
        return
    assert fast[0] == "ok", (slow, fast, body)
    (slow_items, slow_token), (fast_items, fast_token) = slow[1], fast[1]
    assert fast_token == slow_token
    if fast_items is None:  # fell back to botocore: fine, as long as it is rare (below)
        return
    # botocore drops elements it has no member for; batchkit keeps them (as extras)
    assert [known(m) for m in fast_items] == [known(m) for m in slow_items]
    assert [m.to_boto() for m in slow_items] == [
        {k: v for k, v in m.to_boto().items() if k not in (m.model_extra or {})} for m in fast_items
    ]
    for fast_job, slow_job in zip(fast_items, slow_items, strict=True):
        for name in ("creation_time", "termination_date"):
            a, b = getattr(fast_job, name), getattr(slow_job, name)
            assert a == b
            assert a is None or (a.tzinfo, a.utcoffset()) == (b.tzinfo, b.utcoffset())


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    jobs=st.lists(wire("s3control", ITEM), max_size=3),
    token=st.none() | st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1),
)
def test_xml_fast_path_equals_botocore(jobs: list[dict[str, Any]], token: str | None) -> None:
    assert_same(_body(jobs, token))


JOB = (
    "<member><JobId>j1</JobId><Status>{status}</Status><Priority>{priority}</Priority>"
    "<CreationTime>{created}</CreationTime>{extra}</member>"
)


def _doc(**fields: str) -> bytes:
    values = {"status": "Active", "priority": "3", "created": "2026-11-01T00:00:00Z", "extra": ""}
    values.update(fields)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ListJobsResult xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">'
        f"<Jobs>{JOB.format(**values)}</Jobs><NextToken>t&amp;1</NextToken></ListJobsResult>"
    ).encode()


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"created": "2026-11-01T00:00:00.123Z"},
        {"created": "2026-11-01T02:00:00+02:00"},
        {"created": "2026-11-01T00:00:00.1234567Z"},  # 7 digits: botocore's parser decides
        {"created": "1762000000"},  # epoch seconds, as botocore reads them
        {"created": "Sun, 01 Nov 2026 00:00:00 GMT"},
        {"created": "2026-11-01T00:00:00"},  # no zone: UTC on both
        {"status": "Hibernating"},  # an enum value newer than batchkit
        {"priority": "x"},  # botocore raises; the fast path leaves it to botocore
        {"extra": "<FromTheFuture>1</FromTheFuture>"},  # botocore drops unknown elements
        {"extra": "<Description/>"},  # an empty element is an empty string
        {"extra": "<Priority>4</Priority>"},  # repeated element: botocore's own behaviour
        {"extra": "<ProgressSummary><Timers/></ProgressSummary>"},
    ],
)
def test_xml_documents_read_alike(fields: dict[str, str]) -> None:
    assert_same(_doc(**fields))


def test_the_common_document_takes_the_fast_path() -> None:
    items, token = _fast(_doc(created="2026-11-01T00:00:00.123Z"))
    assert items is not None
    assert token == "t&1"
    assert items[0].creation_time is not None
    assert items[0].creation_time.microsecond == 123000


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty body"),
        (b"   ", "empty body"),
        (b"<Error><Code>SlowDown</Code></Error>", "an error document"),
        (b"<ListBucketsResult></ListBucketsResult>", "not <ListJobsResult>"),
        (b"<html>proxy</html>", "not <ListJobsResult>"),
        (b"not xml at all", "not XML"),
        (_doc(created="99999-01-01T00:00:00Z"), "CreationTime: not a timestamp in range"),
        (_doc(created="2026-13-45T00:00:00Z"), "CreationTime: not a timestamp in range"),
    ],
)
@pytest.mark.parametrize("fast", [True, False])
def test_body_checks_are_kept(body: bytes, message: str, fast: bool) -> None:
    raw = raw_client("s3control")
    serve(raw, lambda _op, _params: RawReply(200, body, {"Content-Type": "application/xml"}), ())
    s3 = S3BatchOperationsClient(ACCOUNT, raw, fast_path=fast)
    with pytest.raises(ResponseValidationError, match=message):
        s3.list_jobs().first()


def test_a_listing_through_botocore_is_the_same_either_way() -> None:
    bodies = {
        None: _doc(),
        "t&1": _doc(created="2026-11-01T00:00:00.5Z").replace(
            b"<NextToken>t&amp;1</NextToken>", b""
        ),
    }

    def answer(_op: str, params: dict[str, Any]) -> RawReply:
        return RawReply(200, bodies[params.get("NextToken")], {"Content-Type": "application/xml"})

    results = []
    for fast in (True, False):
        raw = raw_client("s3control")
        serve(raw, answer, ())
        results.append(S3BatchOperationsClient(ACCOUNT, raw, fast_path=fast).list_jobs().to_list())
    assert len(results[0]) == 2
    assert results[0] == results[1]


def test_hostile_element_names_keep_the_reader_caches_bounded_and_memory_flat() -> None:
    """200 responses, each with 250 element names never seen before (issue 22, item 12):
    the readers cache at most their bound; memory does not grow with the responses."""
    import gc
    import random
    import tracemalloc

    from batchkit._wire import xmlpath as _xmlpath

    rng = random.Random(12)
    sent = [0]

    def hostile(_operation: str, _params: dict[str, Any]) -> RawReply:
        sent[0] += 1
        members = "".join(
            f"<member><JobId>j{sent[0]}-{i}</JobId>"
            + "".join(f"<N{rng.getrandbits(64):x}/>" for _ in range(50))
            + "</member>"
            for i in range(5)
        )
        body = f"<ListJobsResult><Jobs>{members}</Jobs></ListJobsResult>".encode()
        return RawReply(200, body, {"Content-Type": "application/xml"})

    raw = raw_client("s3control")
    stop = serve(raw, hostile)
    try:
        s3 = S3BatchOperationsClient(ACCOUNT, raw)

        def read(n: int) -> None:
            for _ in range(n):
                assert len(s3.list_jobs().to_list()) == 5

        read(20)  # warm: the readers compiled, their caches full
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            read(180)
            gc.collect()
            grown = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
    finally:
        stop()
    assert sent[0] == 200
    assert grown < 1_000_000, f"memory grew by {grown:,} bytes over 180 responses"
    sizes = _xmlpath.tag_cache_sizes()
    assert sizes
    assert all(size <= limit for size, limit in sizes)
