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
from typing import Any

import botocore
import botocore.session
from botocore.model import ListShape, MapShape, Shape, StringShape, StructureShape

#: The operations batchkit reads: the hand-stated part of each row of the operations table
#: (``batchkit/_operations.py``).  Everything botocore knows (method name, protocol, token and
#: limit members, whether a paginator exists) is read from botocore when generating.
#: ``constant``: the row's name in ``_operations``; ``result``: the output member holding the
#: items; ``item``: its public model; ``page_size_max`` / ``filtered_page_size_max``: the
#: documented maximum page sizes (unfiltered / with a server-side filter; for an id-taking
#: operation the most ids a call); ``tokens``: (input, output, limit) members for an operation
#: botocore has no paginator for; ``id_key``: the request member of an id list.
SPECS: tuple[dict[str, Any], ...] = (
    {
        "constant": "LIST_JOBS",
        "service": "batch",
        "operation": "ListJobs",
        "result": "jobSummaryList",
        "page_size_max": 1000,
        "filtered_page_size_max": 100,
    },
    {
        "constant": "LIST_SERVICE_JOBS",
        "service": "batch",
        "operation": "ListServiceJobs",
        "result": "jobSummaryList",
        "page_size_max": 100,
        "filtered_page_size_max": 100,
    },
    {
        "constant": "DESCRIBE_JOBS",
        "service": "batch",
        "operation": "DescribeJobs",
        "result": "jobs",
        "page_size_max": 100,
        "id_key": "jobs",
    },
    {
        "constant": "S3_LIST_JOBS",
        "service": "s3control",
        "operation": "ListJobs",
        "label": "S3Control.ListJobs",
        "result": "Jobs",
        "page_size_max": 1000,
        "tokens": ("NextToken", "NextToken", "MaxResults"),
        # S3 Control omits <Jobs> from a well-formed ListJobsResult when there are none.
        "result_required": False,
    },
)

#: (service, operation, member of the output holding the items), from SPECS.
OPERATIONS: tuple[tuple[str, str, str], ...] = tuple(
    (s["service"], s["operation"], s["result"]) for s in SPECS
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
OPERATIONS_OUTPUT = Path(__file__).with_name("_operations.py")


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
    out = [f"class {ref.class_name}({bases}):\n", docstring(shape, "    "), "\n"]
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
    registry = ["\n\n#: (service, botocore shape name) -> the class generated for it.\n"]
    registry.append("SHAPES: dict[tuple[str, str], type[BatchKitModel] | type[OpenEnum]] = {\n")
    registry += [f"    ({_q(r.service)}, {_q(r.shape.name)}): {r.class_name},\n" for r in refs]
    registry.append("}\n\n__all__ = [\n")
    registry += [f"    {_q(n)},\n" for n in sorted(names)]
    registry.append("]\n")
    return header + "\n\n" + "\n\n".join(body) + "".join(registry)


def _item_class(service: str, operation: str, result: str) -> str:
    session = botocore.session.get_session()
    output = session.get_service_model(service).operation_model(operation).output_shape
    assert output is not None
    items = output.members[result]
    assert isinstance(items, ListShape)
    return ShapeRef(service, items.member).class_name


def operation_rows() -> list[dict[str, Any]]:
    """Each SPECS row completed with what botocore knows: the operations table's rows."""
    from botocore import xform_name
    from botocore.exceptions import UnknownServiceError
    from botocore.paginate import PaginatorModel

    session = botocore.session.get_session()
    rows = []
    for spec in SPECS:
        service, operation = spec["service"], spec["operation"]
        model = session.get_service_model(service)
        op = model.operation_model(operation)
        output = op.output_shape
        assert output is not None
        try:
            paginators: PaginatorModel | None = session.get_paginator_model(service)
        except UnknownServiceError:
            paginators = None
        try:
            config = paginators.get_paginator(operation) if paginators is not None else None
        except ValueError:
            config = None
        if config is not None:
            tokens = (config["input_token"], config["output_token"], config.get("limit_key"))
            if config["result_key"] != spec["result"]:
                raise SystemExit(f"{operation}: paginator result key {config['result_key']}")
        else:
            tokens = spec.get("tokens", (None, None, None))
        rows.append(
            {
                "constant": spec["constant"],
                "key": f"{service}.{operation}",
                "label": spec.get("label", operation),
                "service": service,
                "event_service": model.service_id.hyphenize(),
                "name": operation,
                "method": xform_name(operation),
                "protocol": model.protocol,
                "item_model": _item_class(service, operation, spec["result"]),
                "result_key": spec["result"],
                "result_required": spec.get(
                    "result_required", True
                ),  # AWS always sends it, required or not in the model
                "input_token": tokens[0],
                "output_token": tokens[1],
                "limit_key": tokens[2],
                "page_size_max": spec["page_size_max"],
                "filtered_page_size_max": spec.get("filtered_page_size_max"),
                "has_paginator": config is not None,
                "id_key": spec.get("id_key"),
            }
        )
    return rows


def render_operations() -> str:
    """``batchkit/_operations.py``: the operations table."""
    out = [
        f"# This file is generated by `python -m batchkit._codegen` from botocore "
        f"{botocore.__version__}.\n",
        "# Do not edit it by hand: change SPECS in batchkit/_codegen.py and regenerate.\n",
        '"""The operations table: one row per AWS operation batchkit reads (generated).\n\n',
        "Every layer (client, page source, fake, drift test, bench) reads an operation's facts\n",
        'from its row here; see :class:`batchkit._operation.Operation` for the fields.\n"""\n\n',
        "from batchkit._operation import Operation\n\n",
    ]
    rows = operation_rows()
    for row in rows:
        out.append(f"{row['constant']} = Operation(\n")
        out += [
            f"    {k}={_q(v) if isinstance(v, str) else repr(v)},\n"
            for k, v in row.items()
            if k != "constant"
        ]
        out.append(")\n\n")
    out.append("#: Every row, by ``key`` (``service.Operation``).\n")
    out.append("OPERATIONS: dict[str, Operation] = {\n")
    out += [f"    {row['constant']}.key: {row['constant']},\n" for row in rows]
    out.append("}\n\n__all__ = [\n")
    out += [f'    "{n}",\n' for n in sorted(["OPERATIONS", *(r["constant"] for r in rows)])]
    out.append("]\n")
    return "".join(out)


def main() -> int:
    OUTPUT.write_text(render())
    OPERATIONS_OUTPUT.write_text(render_operations())
    print(f"wrote {OUTPUT} and {OPERATIONS_OUTPUT} (botocore {botocore.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
