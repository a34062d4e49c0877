"""Hypothesis strategies that build random *valid* wire dicts from botocore's shapes.

They walk the same service model the models are generated from, so every member AWS
documents (required always, optional sometimes) shows up in the generated data.
"""

from __future__ import annotations

import string
from datetime import datetime, timezone
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, Shape, StringShape, StructureShape
from hypothesis import strategies as st

from batchkit._spec.codegen import NOT_REALLY_REQUIRED, is_epoch_millis, item_shape

# The datetime range Python can represent, in epoch milliseconds.
MIN_MS = -62135596800000
MAX_MS = 253402300799999

_session = botocore.session.get_session()
_cache: dict[tuple[str, str, str], st.SearchStrategy[Any]] = {}

unknown_enum_values = st.text(alphabet=string.ascii_uppercase + "_", min_size=1, max_size=12)


def output_item_shape(service: str, operation: str, member: str | None) -> StructureShape:
    """One item's structure: a list member's items, a structure member, or (``member`` None)
    the whole output (the operations table's ``result_kind``)."""
    return item_shape(service, operation, member)


def wire(service: str, shape: Shape, name: str = "") -> st.SearchStrategy[Any]:
    """A strategy for a wire value of ``shape`` (as botocore's parser returns it)."""
    key = (service, shape.name, name if shape.type_name == "long" else "")
    if key not in _cache:
        _cache[key] = st.deferred(lambda: _build(service, shape, name))
    return _cache[key]


def _build(service: str, shape: Shape, name: str) -> st.SearchStrategy[Any]:
    if isinstance(shape, StructureShape):
        required = {
            m for m in shape.required_members if (service, shape.name, m) not in NOT_REALLY_REQUIRED
        }
        return st.fixed_dictionaries(
            {m: wire(service, s, m) for m, s in shape.members.items() if m in required},
            optional={
                m: wire(service, s, m) for m, s in shape.members.items() if m not in required
            },
        )
    if isinstance(shape, ListShape):
        return st.lists(wire(service, shape.member), max_size=2)
    if isinstance(shape, MapShape):
        return st.dictionaries(wire(service, shape.key), wire(service, shape.value), max_size=2)
    if isinstance(shape, StringShape) and shape.enum:
        return st.sampled_from(shape.enum) | unknown_enum_values
    if is_epoch_millis(name, shape):
        return st.integers(MIN_MS, MAX_MS)
    simple: dict[str, st.SearchStrategy[Any]] = {
        "string": st.text(st.characters(exclude_categories=["Cs"]), max_size=6),
        "integer": st.integers(-(2**31), 2**31 - 1),
        "long": st.integers(-(2**63), 2**63 - 1),
        "boolean": st.booleans(),
        "double": st.floats(allow_nan=False),
        "float": st.floats(allow_nan=False, width=32),
        "timestamp": st.datetimes(min_value=datetime(1970, 1, 1), timezones=st.just(timezone.utc)),
    }
    return simple[shape.type_name]
