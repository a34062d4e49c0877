"""Random valid responses, generated from botocore's shapes, validate and round-trip losslessly."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batchkit._core.plans import item_model
from batchkit._spec.codegen import OPERATIONS
from batchkit._spec.operations import OPERATIONS as TABLE
from batchkit.models import BatchKitModel, JobSummary
from tests.fuzz import examples
from tests.strategies import output_item_shape, wire

#: Each operation's item model, from the operations table: a new row is checked here too.
MODELS: dict[tuple[str, str], type[BatchKitModel]] = {
    (op.service, op.name): item_model(op) for op in TABLE.values()
}


@pytest.mark.parametrize(("service", "operation", "member"), OPERATIONS)
def test_random_valid_items_round_trip(service: str, operation: str, member: str | None) -> None:
    model = MODELS[service, operation]
    strategy = wire(service, output_item_shape(service, operation, member))

    @settings(
        max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(strategy)
    def run(item: dict[str, Any]) -> None:
        parsed = model.model_validate(item)
        assert parsed.to_boto() == item
        assert model.model_validate(parsed.to_boto()) == parsed
        hash(parsed)

    run()


@settings(max_examples=examples(30), deadline=None)
@given(
    st.dictionaries(st.from_regex(r"zz[A-Za-z]{1,8}", fullmatch=True), st.integers(), max_size=3)
)
def test_unknown_members_round_trip(extra: dict[str, int]) -> None:
    item = {"jobId": "1", "jobName": "n", **extra}
    assert JobSummary.model_validate(item).to_boto() == item
