"""The models must have a field, of a compatible type, for every member botocore knows.

This walks each output shape recursively next to the model classes.  It fails the day
botocore (the source of truth) grows a member or enum value the generated models lack:
then run ``python -m batchkit._spec.codegen``.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Union, cast, get_args, get_origin

import pytest
from botocore.model import (
    ListShape,
    MapShape,
    Shape,
    ShapeResolver,
    StringShape,
    StructureShape,
)
from pydantic import AwareDatetime, BaseModel

from batchkit._core.plans import item_model
from batchkit._spec.codegen import OPERATIONS, collect, is_epoch_millis
from batchkit._spec.models import all as _generated_models
from batchkit._spec.operations import OPERATIONS as TABLE
from batchkit.models import BatchKitModel, JobSummary, OpenEnum
from tests.strategies import output_item_shape

#: Each operation's item model, from the operations table: a new row is checked here too.
PUBLIC = {(op.service, op.name): item_model(op) for op in TABLE.values()}


def _strip(tp: Any) -> Any:
    """Remove ``Optional`` and ``Annotated`` layers."""
    while True:
        origin = get_origin(tp)
        if origin is typing.Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            assert len(args) == 1, tp
            tp = args[0]
        elif tp is AwareDatetime:  # pydantic's marker for an aware ``datetime``
            return datetime
        else:
            return tp


def check(service: str, shape: Shape, tp: Any, path: str, member: str = "") -> None:
    tp = _strip(tp)
    if isinstance(shape, StructureShape):
        assert isinstance(tp, type), f"{path}: {tp} is not a class"
        assert issubclass(tp, BaseModel), f"{path}: {tp} is not a model"
        by_alias = {f.alias or n: f for n, f in tp.model_fields.items()}
        for name, child in shape.members.items():
            assert name in by_alias, f"{path}.{name}: no field in {tp.__name__}"
            check(service, child, by_alias[name].annotation, f"{path}.{name}", name)
    elif isinstance(shape, ListShape):
        assert get_origin(tp) is tuple, f"{path}: {tp} is not a tuple"
        check(service, shape.member, get_args(tp)[0], f"{path}[]")
    elif isinstance(shape, MapShape):
        assert get_origin(tp) in (Mapping, dict), f"{path}: {tp} is not a mapping"
        key, value = get_args(tp)
        check(service, shape.key, key, f"{path}{{key}}")
        check(service, shape.value, value, f"{path}{{}}")
    elif isinstance(shape, StringShape) and shape.enum:
        assert isinstance(tp, type), f"{path}: {tp} is not a class"
        assert issubclass(tp, OpenEnum), f"{path}: {tp} is not an enum"
        missing = set(shape.enum) - {m.value for m in tp}
        assert not missing, f"{path}: {tp.__name__} lacks {sorted(missing)}"
    else:
        expected: dict[str, Any] = {
            "string": str,
            "integer": int,
            "long": datetime if is_epoch_millis(member, shape) else int,
            "boolean": bool,
            "double": float,
            "float": float,
            "timestamp": datetime,
        }
        assert tp is expected[shape.type_name], f"{path}: {tp} for {shape.type_name}"


@pytest.mark.parametrize(("service", "operation", "member"), OPERATIONS)
def test_every_member_has_a_compatible_field(
    service: str, operation: str, member: str | None
) -> None:
    shape = output_item_shape(service, operation, member)
    check(service, shape, PUBLIC[service, operation], f"{service}.{operation}")


def test_drift_check_fails_on_a_missing_member() -> None:
    """The check itself can fail: a shape with a member the model lacks is reported."""
    fake = StructureShape(
        "JobSummary",
        {"type": "structure", "members": {"brandNewMember": {"shape": "String"}}},
        ShapeResolver(cast(Any, {"String": {"type": "string"}})),
    )
    with pytest.raises(AssertionError, match="brandNewMember"):
        check("batch", fake, JobSummary, "batch.ListJobs")


def test_every_generated_class_is_public() -> None:
    import batchkit.models

    refs = collect()  # every (service, shape) the generator writes a class for
    assert refs
    for ref in refs:
        cls = getattr(_generated_models, ref.class_name)
        assert getattr(batchkit.models, ref.class_name) is cls
        assert issubclass(cls, OpenEnum if isinstance(ref.shape, StringShape) else BatchKitModel)
