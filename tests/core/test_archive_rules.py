"""The archive's rules, without I/O (batchkit/_core/archive.py; through the public
behaviour it implies is tested in test_sync.py; here each rule alone)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from batchkit._core import archive as rules

ID = rules.Identity("123456789012", "us-east-1")


def wire(job_id: str = "j1", status: str = "RUNNING", **members: Any) -> dict[str, Any]:
    return {
        "jobId": job_id,
        "jobName": "train",
        "jobQueue": "arn:aws:batch:us-east-1:123456789012:job-queue/etl",
        "status": status,
        "jobDefinition": "arn:aws:batch:us-east-1:123456789012:job-definition/train:3",
        "createdAt": 1_000,
        **members,
    }


def known(row: rules.JobRow, **changes: Any) -> rules.Known:
    values = {
        "job_arn": row.job_arn,
        "status": row.status,
        "final": row.final,
        "gone": False,
        "detail_hash": row.detail_hash,
        "first_seen": 0,
        "queue": row.queue,
    }
    return rules.Known(**{**values, **changes})


def test_a_listing_starts_at_the_watermark_minus_the_overlap_or_resumes() -> None:
    assert rules.start_listing(None, 300_000).since == 0
    state = rules.QueueState(watermark=1_000_000)
    assert rules.start_listing(state, 300_000).since == 700_000
    assert rules.start_listing(rules.QueueState(watermark=10), 300_000).since == 0
    resumed = rules.start_listing(
        rules.QueueState(watermark=5, listing_since=3, listing_token="t", listing_high=9), 1
    )
    assert (resumed.since, resumed.token, resumed.high, resumed.resumed) == (3, "t", 9, True)
    with pytest.raises(ValueError, match="overlap"):
        rules.start_listing(None, -1)


def test_the_watermark_is_the_newest_creation_time_of_a_complete_listing() -> None:
    listing = rules.start_listing(rules.QueueState(watermark=50), 10)
    listing = rules.after_page(listing, [30, None, 70], "next")
    assert rules.listing_state(listing, done=False) == rules.QueueState(50, 40, "next", 70)
    listing = rules.after_page(listing, [60], None)
    assert rules.listing_state(listing, done=True) == rules.QueueState(watermark=70)
    empty = rules.start_listing(None, 10)
    assert rules.listing_state(empty, done=True) == rules.QueueState()
    older = rules.after_page(rules.start_listing(rules.QueueState(watermark=90), 10), [85], None)
    assert rules.listing_state(older, done=True).watermark == 90  # never goes back


def test_what_to_describe_from_a_page() -> None:
    final = rules.job_row(wire("done", "SUCCEEDED"), ID, "etl")
    running = rules.job_row(wire("run"), ID, "etl")
    stored = {
        "done": known(final),
        "run": known(running),
        "moved": known(running, status="RUNNABLE"),
        "lost": known(running, gone=True),
    }
    page = [wire(i, "RUNNING") for i in ("done", "run", "moved", "lost", "new")]
    assert rules.to_describe(stored, page) == ["moved", "lost", "new"]


def test_decide_new_changed_ended_unchanged() -> None:
    old = rules.job_row(wire("a", "RUNNING"), ID, "etl")
    same = rules.job_row(wire("b", "RUNNING"), ID, "etl")
    ended = rules.job_row(wire("a", "FAILED", container={"exitCode": 2}), ID, "etl")
    new = rules.job_row(wire("c", "SUBMITTED"), ID, "etl")
    decision = rules.decide(
        {"a": known(old), "b": known(same)}, [ended, same, new], [], now=5, gone_after=10
    )
    assert (decision.new, decision.changed, decision.ended, decision.gone_count) == (1, 1, 1, 0)
    assert [r.job_id for r in decision.rows] == ["a", "c"]
    assert decision.first_seen == {old.job_arn: 0, new.job_arn: 5}
    assert [(e.job_id, e.previous_status, e.status) for e in decision.events] == [
        ("a", "RUNNING", "FAILED"),
        ("c", None, "SUBMITTED"),
    ]
    assert ended.final
    assert ended.exit_code == 2
    assert ended.failure_kind == "NON_ZERO_EXIT"


def test_decide_gone_needs_the_grace_and_an_unfinished_job() -> None:
    running = rules.job_row(wire("r"), ID, "etl")
    done = rules.job_row(wire("d", "SUCCEEDED"), ID, "etl")
    stored = {"r": known(running, first_seen=0), "d": known(done, first_seen=0)}
    assert rules.decide(stored, [], ["r", "d"], now=9, gone_after=10).empty
    decision = rules.decide(stored, [], ["r", "d"], now=10, gone_after=10)
    assert decision.gone == [running.job_arn]
    assert decision.gone_count == 1
    assert [(e.previous_status, e.status, e.source) for e in decision.events] == [
        ("RUNNING", "GONE", "gone")
    ]
    again = rules.decide({"r": known(running, gone=True)}, [], ["r"], now=99, gone_after=10)
    assert again.empty  # already gone: nothing more to write
    back = rules.decide({"r": known(running, gone=True)}, [running], [], now=99, gone_after=10)
    assert back.changed == 1
    assert back.events[0].previous_status == "GONE"


def test_a_listed_job_describe_does_not_return_yet_is_kept_from_its_summary() -> None:
    summary = wire("s", "RUNNABLE")
    row = rules.summary_row(summary, ID, "etl")
    decision = rules.decide({}, [], ["s"], now=1, gone_after=10, listed=[row])
    assert decision.new == 1
    assert decision.rows == [row]
    assert row.detail is None
    assert decision.events[0].source == "list"


def test_array_and_multinode_parents_bring_their_children() -> None:
    parent = rules.job_row(wire("p", arrayProperties={"size": 3}), ID, "etl")
    decision = rules.decide({}, [parent], [], now=1, gone_after=0)
    assert [c.job_id for c in decision.children] == ["p:0", "p:1", "p:2"]
    assert {c.kind for c in decision.children} == {"array-child"}
    assert decision.children[2].array_index == 2
    assert decision.children[0].parent_job_id == "p"
    assert decision.children[0].job_arn.endswith("job/p:0")
    nodes = rules.job_row(wire("m", nodeProperties={"numNodes": 2, "mainNode": 0}), ID, "q")
    assert [c.job_id for c in rules.child_rows(nodes)] == ["m#0", "m#1"]
    # described before: the children are known already
    assert not rules.decide({"p": known(parent)}, [parent], [], now=1, gone_after=0).children
    child = rules.job_row(wire("p:1", arrayProperties={"index": 1}), ID, "etl")
    assert (child.kind, child.parent_job_id, child.array_index) == ("array-child", "p", 1)
    node = rules.job_row(wire("m#1", nodeDetails={"nodeIndex": 1}), ID, "q")
    assert (node.kind, node.parent_job_id) == ("node", "m")


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ({"container": {"vcpus": 2, "memory": 4096}}, (2.0, 4096.0, 0.0)),
        (
            {
                "container": {
                    "vcpus": 1,
                    "resourceRequirements": [
                        {"type": "VCPU", "value": "8"},
                        {"type": "MEMORY", "value": "30000"},
                        {"type": "GPU", "value": "1"},
                    ],
                }
            },
            (8.0, 30000.0, 1.0),
        ),
        (
            {
                "ecsProperties": {
                    "taskProperties": [
                        {
                            "containers": [
                                {"resourceRequirements": [{"type": "VCPU", "value": "0.5"}]},
                                {
                                    "resourceRequirements": [
                                        {"type": "VCPU", "value": "1.5"},
                                        {"type": "MEMORY", "value": "1024"},
                                    ]
                                },
                            ]
                        }
                    ]
                }
            },
            (2.0, 1024.0, 0.0),
        ),
        (
            {
                "eksProperties": {
                    "podProperties": {
                        "containers": [
                            {
                                "resources": {
                                    "requests": {"cpu": "500m", "memory": "2Gi"},
                                    "limits": {"nvidia.com/gpu": "1", "cpu": "4"},
                                }
                            }
                        ]
                    }
                }
            },
            (0.5, 2048.0, 1.0),
        ),
        ({}, (None, None, None)),
        ({"container": {"vcpus": "lots"}}, (0.0, 0.0, 0.0)),
    ],
)
def test_resources(members: dict[str, Any], expected: tuple[Any, ...]) -> None:
    assert rules.resources(wire(**members)) == expected


@pytest.mark.parametrize(
    ("members", "kind"),
    [
        ({"status": "SUCCEEDED"}, None),
        ({"statusReason": "Dependent Job failed"}, "DEPENDENCY_FAILED"),
        ({"isCancelled": True}, "CANCELLED"),
        ({"statusReason": "Job attempt duration exceeded timeout"}, "TIMEOUT"),
        ({"container": {"reason": "CannotPullContainerError: x"}}, "IMAGE_PULL"),
        ({"statusReason": "Host EC2 (instance i-1) terminated."}, "HOST_TERMINATED"),
        ({"container": {"exitCode": 137}}, "OUT_OF_MEMORY"),
        ({"attempts": [{"container": {"exitCode": 2}}]}, "NON_ZERO_EXIT"),
        ({}, "UNKNOWN"),
    ],
)
def test_failure_kinds_follow_batchkits_failure_report(
    members: dict[str, Any], kind: str | None
) -> None:
    status = members.pop("status", "FAILED")
    assert rules.failure_kind(wire(status=status, **members)) == kind


def test_stored_json_is_canonical_and_hashed() -> None:
    text, digest = rules.canonical_json({"b": 1, "a": "é"})
    assert text == '{"a":"é","b":1}'
    assert len(digest) == 32
    assert json.loads(text) == {"a": "é", "b": 1}
    assert rules.canonical_json({"a": "é", "b": 1}) == (text, digest)


def test_s3_rows_and_decisions() -> None:
    job = {
        "JobId": "s1",
        "Status": "Active",
        "CreationTime": "2026-11-01T00:00:00Z",
        "ProgressSummary": {"TotalNumberOfTasks": 4, "NumberOfTasksSucceeded": 1},
    }
    row = rules.s3_row(job, ID)
    assert (row.created_at, row.total_tasks, row.final) == (1793491200000, 4, False)
    decision = rules.decide_s3({}, [row], now=1)
    assert decision.new == 1
    assert decision.events[0].status == "Active"
    done = rules.s3_row({**job, "Status": "Complete"}, ID)
    stored = {
        "s1": known(
            rules.job_row(wire("s1"), ID, "q"), status="Active", detail_hash=row.detail_hash
        )
    }
    assert rules.decide_s3(stored, [row], now=2).empty
    changed = rules.decide_s3(stored, [done], now=2)
    assert (changed.changed, changed.ended) == (1, 1)
    gone = rules.decide_s3(stored, [], now=3, unseen=["s1"])
    assert gone.gone == ["s1"]
    assert gone.gone_count == 1
