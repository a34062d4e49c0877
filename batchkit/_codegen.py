"""Generate ``batchkit/_generated_models.py`` from botocore's service models.

Run ``python -m batchkit._codegen`` (or ``nox -s generate``) after upgrading botocore.
The installed botocore is the source of truth for every response shape; this
module walks the output shapes of the four operations batchkit reads and writes
one pydantic model per structure and one :class:`~batchkit._model_base.OpenEnum`
per enum.  ``tests/test_codegen.py`` fails when the committed file differs from
what this generator produces, and ``tests/test_drift.py`` fails when a shape
member has no matching field.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import botocore
import botocore.session
from botocore.model import ListShape, MapShape, Shape, StringShape, StructureShape

#: (service, operation, member of the output holding the items, public name of the item model)
OPERATIONS: tuple[tuple[str, str, str], ...] = (
    ("batch", "ListJobs", "jobSummaryList"),
    ("batch", "ListServiceJobs", "jobSummaryList"),
    ("batch", "DescribeJobs", "jobs"),
    ("s3control", "ListJobs", "Jobs"),
)

#: Every shape of a service but Batch gets this prefix, so S3 Control's ``JobStatus``
#: becomes ``S3JobStatus`` and never collides with Batch's.
SERVICE_PREFIX = {"batch": "", "s3control": "S3"}

#: Names that read better than prefix + botocore's shape name.
RENAMES = {
    ("s3control", "JobListDescriptor"): "S3BatchJob",
    ("s3control", "OperationName"): "S3Operation",
}

#: Hand-written ergonomics (properties) mixed into a generated model: ``batchkit/_mixins.py``.
MIXINS = {
    ("batch", "JobSummary"): "JobSummaryMixin",
    ("batch", "ServiceJobSummary"): "ServiceJobSummaryMixin",
    ("batch", "JobDetail"): "JobDetailMixin",
    ("batch", "AttemptDetail"): "AttemptDetailMixin",
    ("batch", "JobStatus"): "JobStatusMixin",
    ("batch", "ServiceJobStatus"): "JobStatusMixin",
    ("s3control", "JobListDescriptor"): "S3BatchJobMixin",
    ("s3control", "JobStatus"): "S3JobStatusMixin",
}

#: Members the service model calls required that AWS omits in practice.  A job that
#: has not started yet has no ``startedAt``: requiring it would reject real responses.
NOT_REALLY_REQUIRED = {("batch", "JobDetail", "startedAt")}

OUTPUT = Path(__file__).with_name("_generated_models.py")


def snake_case(name: str) -> str:
    """``jobArn`` -> ``job_arn``, ``EFSVolumeConfiguration`` -> ``efs_volume_configuration``."""
    out = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    out = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", out).lower()
    return out + "_" if keyword.iskeyword(out) else out


def member_name(value: str) -> str:
    """An enum value as a constant: ``json-file`` -> ``JSON_FILE``, ``Active`` -> ``ACTIVE``."""
    out = snake_case(re.sub(r"[^0-9A-Za-z]+", "_", value)).upper().strip("_")
    out = re.sub(r"_+", "_", out)
    return "_" + out if out[:1].isdigit() else out


def is_epoch_millis(name: str, shape: Shape) -> bool:
    """Batch sends times as epoch-millisecond longs named ``...At``."""
    return shape.type_name == "long" and name.endswith("At")


@dataclass(frozen=True)
class ShapeRef:
    service: str
    shape: Shape

    @property
    def class_name(self) -> str:
        key = (self.service, self.shape.name)
        return RENAMES.get(key, SERVICE_PREFIX[self.service] + self.shape.name)


def _q(text: str) -> str:
    """A double-quoted Python string literal."""
    return json.dumps(text)


def _is_enum(shape: Shape) -> bool:
    return isinstance(shape, StringShape) and bool(shape.enum)


def item_shapes() -> Iterator[tuple[str, str, StructureShape]]:
    """(service, operation, item structure) for each operation batchkit reads."""
    session = botocore.session.get_session()
    for service, operation, member in OPERATIONS:
        output = session.get_service_model(service).operation_model(operation).output_shape
        assert output is not None
        items = output.members[member]
        assert isinstance(items, ListShape)
        assert isinstance(items.member, StructureShape)
        yield service, operation, items.member


def collect() -> list[ShapeRef]:
    """Every enum and structure reachable from the items, dependencies first."""
    ordered: list[ShapeRef] = []
    seen: set[tuple[str, str]] = set()

    def visit(service: str, shape: Shape) -> None:
        if isinstance(shape, ListShape):
            visit(service, shape.member)
        elif isinstance(shape, MapShape):
            visit(service, shape.key)
            visit(service, shape.value)
        elif isinstance(shape, StructureShape) or _is_enum(shape):
            key = (service, shape.name)
            if key in seen:
                return
            seen.add(key)
            if isinstance(shape, StructureShape):
                for child in shape.members.values():
                    visit(service, child)
            ordered.append(ShapeRef(service, shape))

    for service, _operation, item in item_shapes():
        visit(service, item)
    return ordered


def annotation(service: str, name: str, shape: Shape) -> str:
    """The Python type of one member."""
    if isinstance(shape, StructureShape) or _is_enum(shape):
        return ShapeRef(service, shape).class_name
    if isinstance(shape, ListShape):
        return f"WireList[{annotation(service, '', shape.member)}]"
    if isinstance(shape, MapShape):
        return (
            f"Mapping[{annotation(service, '', shape.key)}, {annotation(service, '', shape.value)}]"
        )
    if is_epoch_millis(name, shape):
        return "EpochMillis"
    return {
        "string": "str",
        "integer": "int",
        "long": "int",
        "boolean": "bool",
        "double": "float",
        "float": "float",
        "timestamp": "UtcDatetime",
    }[shape.type_name]


def docstring(shape: Shape, indent: str) -> str:
    text = re.sub(r"<[^>]+>", "", shape.documentation or "").strip()
    text = re.sub(r"\s+", " ", text).replace("\\", "\\\\").replace('"""', "'''")
    first = re.split(r"(?<=\.)\s", text, maxsplit=1)[0] if text else ""
    first = first or f"The ``{shape.name}`` shape."
    lines = textwrap.wrap(first, width=96 - len(indent))
    body = f"\n{indent}".join(lines)
    return f'{indent}"""{body}"""\n' if len(lines) == 1 else f'{indent}"""{body}\n{indent}"""\n'


def render_enum(ref: ShapeRef) -> str:
    shape = ref.shape
    assert isinstance(shape, StringShape)
    mixin = MIXINS.get((ref.service, shape.name))
    bases = f"{mixin}, OpenEnum" if mixin else "OpenEnum"
    out = [f"class {ref.class_name}({bases}):\n", docstring(shape, "    "), "\n"]
    out += [f"    {member_name(v)} = {_q(v)}\n" for v in shape.enum]
    return "".join(out)


def render_structure(ref: ShapeRef) -> str:
    shape = ref.shape
    assert isinstance(shape, StructureShape)
    mixin = MIXINS.get((ref.service, shape.name))
    bases = f"{mixin}, BatchKitModel" if mixin else "BatchKitModel"
    # frozen=True again on every model: pyright takes frozenness from each class's own keyword
    # (dataclass_transform), not from BatchKitModel's; mypy's pydantic plugin inherits it.
    out = [f"class {ref.class_name}({bases}, frozen=True):\n", docstring(shape, "    "), "\n"]
    required = set(shape.required_members)
    for wire, member in shape.members.items():
        ann = annotation(ref.service, wire, member)
        attr = snake_case(wire)
        alias = "" if attr == wire else f"alias={_q(wire)}"
        if wire in required and (ref.service, shape.name, wire) not in NOT_REALLY_REQUIRED:
            value = f" = Field({alias})" if alias else ""
            out.append(f"    {attr}: {ann}{value}\n")
        else:
            value = f"Field(default=None, {alias})" if alias else "None"
            out.append(f"    {attr}: {ann} | None = {value}\n")
    return "".join(out)


def render() -> str:
    refs = collect()
    names = [r.class_name for r in refs]
    if len(set(names)) != len(names):
        raise SystemExit(f"class name collision: {sorted(n for n in names if names.count(n) > 1)}")
    mixins = sorted({MIXINS[k] for k in MIXINS})
    header = f'''\
# This file is generated by `python -m batchkit._codegen` from botocore {botocore.__version__}.
# Do not edit it by hand: change batchkit/_codegen.py (or batchkit/_mixins.py) and regenerate.
"""Pydantic models for every shape in the responses batchkit reads (generated)."""

from collections.abc import Mapping

from pydantic import Field

from batchkit._mixins import (
{"".join(f"    {m},{chr(10)}" for m in mixins)})
from batchkit._model_base import BatchKitModel, EpochMillis, OpenEnum, UtcDatetime, WireList

BOTOCORE_VERSION = {_q(botocore.__version__)}
'''
    body = [
        render_enum(r) if _is_enum(r.shape) else render_structure(r)
        for r in sorted(refs, key=lambda r: not _is_enum(r.shape))
    ]
    exports = ["\n\n__all__ = [\n", *(f"    {_q(n)},\n" for n in sorted(names)), "]\n"]
    return header + "\n\n" + "\n\n".join(body) + "".join(exports)


def main() -> int:
    OUTPUT.write_text(render())
    print(f"wrote {OUTPUT} (botocore {botocore.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
