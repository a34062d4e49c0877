"""Members newer than the installed botocore (issue 22 items 22, 23).

* Members batchkit's models know but an older botocore does not (``shareIdentifier`` and
  ``scheduledAt`` on ``JobSummary`` arrived after botocore 1.40.0): read on every path --
  the fast path validates the body, the slow path validates the same body's items, never
  botocore's dicts (which would drop them).  The older botocore is made here, independently
  of FakeAWS: a botocore session whose data path holds the Batch model without them.
* Members *nobody* knows yet (newer AWS): kept as extras on every path -- JSON fast and slow,
  XML fast and slow -- and returned by ``to_boto()`` (boto3's own dict lacks them).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest

from batchkit import BatchClient, JobFilter, S3BatchOperationsClient
from batchkit.testing import RawReply, serve
from tests.conftest import NO_RETRY, T0_MS, summary

ACCOUNT = "123456789012"
NEWER = ("shareIdentifier", "scheduledAt")


def _older_botocore(tmp_path: Path) -> Any:
    """A boto3 batch client whose botocore knows JobSummary without ``NEWER`` members."""
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    api = loader.determine_latest_version("batch", "service-2")
    model = loader.load_service_model("batch", "service-2", api)
    for member in NEWER:
        model["shapes"]["JobSummary"]["members"].pop(member, None)
    folder = tmp_path / "batch" / api
    folder.mkdir(parents=True)
    (folder / "service-2.json.gz").write_bytes(gzip.compress(json.dumps(model).encode()))
    older = botocore.session.get_session()
    older.get_component("data_loader").search_paths.insert(0, str(tmp_path))
    factory: Any = boto3.Session(
        botocore_session=older,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    ).client
    client = factory("batch", config=NO_RETRY)
    members = client.meta.service_model.shape_for("JobSummary").members
    assert not set(NEWER) & set(members)  # the botocore of this client lacks them
    return client


def _json_reply(document: dict[str, Any]) -> Any:
    body = json.dumps(document).encode()
    return lambda _op, _params: RawReply(200, body, {"Content-Type": "application/json"})


@pytest.mark.parametrize("fast", [True, False])
def test_members_an_older_botocore_lacks_are_read_on_every_path(tmp_path: Path, fast: bool) -> None:
    raw = _older_botocore(tmp_path)
    jobs = [summary(i, shareIdentifier="team-a", scheduledAt=T0_MS) for i in range(3)]
    serve(raw, _json_reply({"jobSummaryList": jobs}))
    batch = BatchClient(raw, fast_path=fast)
    listed = batch.list_jobs("q", filter=JobFilter.share_identifier("team-a")).to_list()
    assert [j.share_identifier for j in listed] == ["team-a"] * 3
    assert all(j.scheduled_at is not None for j in listed)
    assert [j.to_boto() for j in listed] == jobs


@pytest.mark.parametrize("fast", [True, False])
def test_unknown_json_members_are_kept_on_every_path(fast: bool) -> None:
    raw = boto3.client(
        "batch",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=NO_RETRY,
    )
    job = summary(1, fromTheFuture={"level": 3}, container={"exitCode": 1, "newKnob": "x"})
    serve(raw, _json_reply({"jobSummaryList": [job]}))
    [listed] = BatchClient(raw, fast_path=fast).list_jobs("q", status="FAILED").to_list()
    assert listed.model_extra == {"fromTheFuture": {"level": 3}}
    assert listed.to_boto() == job


XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<ListJobsResult xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><Jobs><member>'
    "<JobId>j1</JobId><Status>Active</Status><Priority>3</Priority>"
    "<CreationTime>2026-11-01T00:00:00Z</CreationTime>"
    "<FromTheFuture>1</FromTheFuture><Nested><A>x</A><A>y</A><B/></Nested>"
    "</member></Jobs></ListJobsResult>"
)


@pytest.mark.parametrize("fast", [True, False])
def test_unknown_xml_members_are_kept_on_every_path(fast: bool) -> None:
    raw = boto3.client(
        "s3control",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=NO_RETRY,
    )
    reply = RawReply(200, XML.encode(), {"Content-Type": "application/xml"})
    serve(raw, lambda _op, _params: reply, ())
    [job] = S3BatchOperationsClient(ACCOUNT, raw, fast_path=fast).list_jobs().to_list()
    assert job.model_extra == {"FromTheFuture": "1", "Nested": {"A": ["x", "y"], "B": ""}}
    assert job.to_boto()["FromTheFuture"] == "1"
