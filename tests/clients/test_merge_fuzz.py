"""The merged-listing fuzz (issue 22 item 3): failures at random requests while a consumer
mixes iteration, ``take``, ``peek`` (what a notebook's display does) and resumes -- by
iterating the same pager again or by a new pager from the error's token, with another page
size.  Everything yielded, concatenated, is the clean listing: nothing lost, nothing twice.

It runs on the sync face (the rules are ``MergeCore``'s, shared by both faces);
tests/aio/test_aio_cancel_fuzz.py adds cancellation on the async face."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batchkit import BatchClient, BatchKitError
from batchkit.testing import FakeAWS, Fault
from tests.conftest import T0, raw_client
from tests.fuzz import examples

QUEUES = ["alpha", "beta", "gamma"]

actions = st.lists(
    st.tuples(st.sampled_from(["next", "take", "peek", "new-pager"]), st.integers(0, 5)),
    max_size=12,
)


#: One boto3 client for every example (making one costs more than an example); each
#: example's FakeAWS answers it while attached.
RAW = raw_client("batch")


#: The statuses of the one-queue listing ("statuses" mode), as its sub-listings go.
STATUSES = ["SUCCEEDED", "FAILED"]


def seeded(jobs: list[tuple[int, int]], mode: str) -> tuple[FakeAWS, list[str]]:
    """``queues``: jobs in three queues, FAILED; ``statuses``: jobs in one queue, in one of
    the listed statuses (or RUNNING, not listed).  Returns the expected listing: newest
    first, ties to the queue (sub-listing) given first, then by job id."""
    fake = FakeAWS()
    for queue in QUEUES:
        fake.add_queue(queue)
    keyed = []
    for n, (group, age) in enumerate(jobs):
        job_id = f"j{n:03d}"
        when = T0 - timedelta(minutes=age)
        if mode == "queues":
            fake.add_job(QUEUES[group], job_id=job_id, status="FAILED", created_at=when)
        else:
            status = [*STATUSES, "RUNNING"][group]
            fake.add_job("alpha", job_id=job_id, status=status, created_at=when)
            if status == "RUNNING":
                continue
        keyed.append(((age, group, job_id), job_id))
    return fake, [job_id for _, job_id in sorted(keyed)]


@pytest.mark.sync_only
@pytest.mark.parametrize("mode", ["queues", "statuses"])
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    jobs=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 15)), max_size=24),
    page_size=st.integers(1, 4),
    failing=st.sets(st.integers(1, 16), max_size=8),
    plan=actions,
)
def test_the_merge_loses_and_repeats_nothing_under_failures_peeks_and_resumes(
    jobs: list[tuple[int, int]],
    page_size: int,
    failing: set[int],
    plan: list[tuple[str, int]],
    mode: str,
) -> None:
    """``queues``: a merge over queues (issue 22 item 3); ``statuses``: one queue's listing
    of several statuses, merged newest first (issue 22 item 9)."""
    fake, everything = seeded(jobs, mode)
    for call in failing:
        fake.inject(Fault(code="ServerException", status=500, operation="ListJobs", on_call=call))
    detach = fake.attach(RAW)
    try:
        check(Listings(BatchClient(RAW), mode), everything, page_size, plan)
    finally:
        detach()


class Listings:
    """The listing under test, made anew from a token."""

    def __init__(self, batch: BatchClient, mode: str) -> None:
        self.batch, self.mode = batch, mode

    def list_jobs(self, _queues: object, **options: Any) -> Any:
        if self.mode == "queues":
            return self.batch.list_jobs(QUEUES, **options)
        return self.batch.list_jobs("alpha", **{**options, "status": STATUSES})


def check(
    batch: Listings, everything: list[str], page_size: int, plan: list[tuple[str, int]]
) -> None:
    pager = batch.list_jobs(QUEUES, status="FAILED", page_size=page_size)
    seen: list[str] = []
    steps = iter(plan)
    for _round in range(200):
        action, n = next(steps, ("drain", 0))
        try:
            if action == "next":
                job = pager.first()
                if job is not None:
                    seen.append(job.job_id)
            elif action == "take":
                seen += [j.job_id for j in pager.take(n)]
            elif action == "peek":
                peeked = [j.job_id for j in pager.peek(n)]
                assert peeked == everything[len(seen) : len(seen) + len(peeked)]
            elif action == "new-pager" and not pager.done:  # (done: its token is None)
                pager = batch.list_jobs(
                    QUEUES,
                    status="FAILED",
                    page_size=n % 4 + 1,
                    starting_token=pager.resume_token,
                )
            elif action == "drain":
                for job in pager:  # what was yielded before a failure is kept
                    seen.append(job.job_id)
                break
        except BatchKitError as error:
            if n % 2:  # resume with a new pager from the error's token
                pager = batch.list_jobs(
                    QUEUES, status="FAILED", page_size=page_size, starting_token=error.resume_token
                )
    assert seen == everything
