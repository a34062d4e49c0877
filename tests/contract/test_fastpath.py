"""The fast path (JSON bytes -> models) gives exactly the models of the slow path
(botocore's parser -> dicts -> models) on every valid response."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.model import OperationModel
from botocore.parsers import create_parser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batchkit._spec.operations import OPERATIONS as TABLE
from batchkit._wire import fastpath as _fastpath
from batchkit.models import BatchKitModel, JobDetail, JobSummary, ServiceJobSummary
from batchkit.testing import encode_response
from tests.conftest import raw_client
from tests.fuzz import examples
from tests.strategies import output_item_shape, wire

CASES: list[tuple[str, str, type[BatchKitModel]]] = [
    ("ListJobs", "jobSummaryList", JobSummary),
    ("ListServiceJobs", "jobSummaryList", ServiceJobSummary),
    ("DescribeJobs", "jobs", JobDetail),
]
OPERATIONS: dict[str, OperationModel] = {
    name: raw_client("batch").meta.service_model.operation_model(name) for name, _, _ in CASES
}


def response_dict(operation: OperationModel, response: dict[str, Any]) -> dict[str, Any]:
    http = encode_response(operation, response)
    return {"status_code": 200, "headers": dict(http.headers), "body": http.content}


def both_paths(
    name: str, key: str, model: type[BatchKitModel], response: dict[str, Any]
) -> tuple[list[Any], list[Any], dict[str, Any]]:
    operation = OPERATIONS[name]
    output = operation.output_shape
    assert output is not None
    slow_parsed = create_parser("rest-json").parse(response_dict(operation, response), output)
    slow = [model.model_validate(item) for item in slow_parsed.get(key) or []]
    fast_dict = response_dict(operation, response)
    with _fastpath.capture(TABLE[f"batch.{name}"]) as captured:
        _fastpath._before_parse(operation, fast_dict, {})
    rest = create_parser("rest-json").parse(fast_dict, output)
    assert captured.items is not None
    return slow, list(captured.items), rest


@pytest.mark.parametrize(("name", "key", "model"), CASES)
def test_fast_path_equals_slow_path(name: str, key: str, model: type[BatchKitModel]) -> None:
    shape = output_item_shape("batch", name, key)

    @settings(
        max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(items=st.lists(wire("batch", shape), max_size=3), token=st.none() | st.text(min_size=1))
    def run(items: list[dict[str, Any]], token: str | None) -> None:
        response: dict[str, Any] = {key: items}
        if token is not None and name != "DescribeJobs":
            response["nextToken"] = token
        slow, fast, rest = both_paths(name, key, model, response)
        assert fast == slow
        assert [m.to_boto() for m in fast] == [m.to_boto() for m in slow]
        assert rest.get("nextToken") == response.get("nextToken")  # botocore still paginates
        assert key not in rest  # and no longer walks the items

    run()


def test_fast_path_keeps_members_botocore_would_drop() -> None:
    item = {"jobId": "1", "jobName": "n", "fromTheFuture": {"x": 1}}
    slow, fast, _ = both_paths("ListJobs", "jobSummaryList", JobSummary, {"jobSummaryList": [item]})
    assert "fromTheFuture" not in slow[0].to_boto()  # botocore parses modeled members only
    assert fast[0].to_boto() == item


def test_untouched_outside_batchkit_requests() -> None:
    operation = OPERATIONS["ListJobs"]
    body = json.dumps({"jobSummaryList": [{"jobId": "1", "jobName": "n"}]}).encode()
    before = {"status_code": 200, "headers": {}, "body": body}
    customized: dict[str, Any] = {}
    _fastpath._before_parse(operation, before, customized)  # no typed_responses(): a user call
    assert before["body"] == body
    assert customized == {}


def test_a_users_own_raw_calls_on_a_shared_client_stay_plain() -> None:
    from batchkit import BatchClient
    from batchkit.testing import WireStubber

    raw = raw_client("batch")
    BatchClient(raw)  # installs the hook on this client
    with WireStubber(raw) as stub:
        stub.add_response("list_jobs", {"jobSummaryList": [{"jobId": "1", "jobName": "n"}]})
        response = raw.list_jobs(jobQueue="q")
    assert response["jobSummaryList"] == [{"jobId": "1", "jobName": "n"}]
    assert set(response) == {"jobSummaryList", "ResponseMetadata"}  # nothing of batchkit's


def test_json_nulls_read_as_absent_like_botocore() -> None:
    item = {"jobId": "1", "jobName": "n", "statusReason": None, "container": {"exitCode": None}}
    slow, fast, _ = both_paths("ListJobs", "jobSummaryList", JobSummary, {"jobSummaryList": [item]})
    assert fast[0].to_boto() == slow[0].to_boto() == {"jobId": "1", "jobName": "n", "container": {}}


def test_gc_is_paused_only_during_a_page() -> None:
    import gc

    item = {"jobId": "1", "jobName": "n"}
    assert gc.isenabled()
    both_paths("ListJobs", "jobSummaryList", JobSummary, {"jobSummaryList": [item]})
    assert gc.isenabled()
    operation = OPERATIONS["ListJobs"]
    capture = _fastpath.capture(TABLE["batch.ListJobs"])
    with capture, pytest.raises(Exception, match="not valid JSON"):
        _fastpath._before_parse(operation, {"status_code": 200, "body": b"{"}, {})
    assert gc.isenabled()  # re-enabled on errors too
    gc.disable()
    try:
        both_paths("ListJobs", "jobSummaryList", JobSummary, {"jobSummaryList": [item]})
        assert not gc.isenabled()  # a program that disabled gc keeps it disabled
    finally:
        gc.enable()
