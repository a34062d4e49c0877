"""Generate ``batchkit/_spec/models/all.py`` from botocore's service models.

Run ``python -m batchkit._spec.codegen`` (or ``nox -s generate``) after upgrading botocore.
The installed botocore is the source of truth for every response shape; this
module walks the output shapes of the operations batchkit reads (``SPECS``) and writes
one pydantic model per structure and one :class:`~batchkit._spec.base.OpenEnum`
per enum.  ``tests/contract/test_codegen.py`` fails when the committed file differs from
what this generator produces, and ``tests/contract/test_drift.py`` fails when a shape
member has no matching field.
"""

from __future__ import annotations

import json
import keyword
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import botocore
import botocore.session
from botocore.model import ListShape, MapShape, Shape, StringShape, StructureShape

#: The operations batchkit reads: the hand-stated part of each row of the operations table
#: (``batchkit/_spec/operations.py``).  Everything botocore knows (method name, protocol, token and
#: limit members, whether a paginator exists) is read from botocore when generating.
#: ``constant``: the row's name in ``_operations``; ``result``: the output member holding the
#: items (a list), the one item (a structure), or None when the whole response is the item;
#: ``page_size_max`` / ``filtered_page_size_max``: the
#: documented maximum page sizes (unfiltered / with a server-side filter; for an id-taking
#: operation the most ids a call); ``tokens``: (input, output, limit) members for an operation
#: botocore has no paginator for; ``page_size_min``: the smallest page size AWS accepts (when
#: above 1); ``id_key``: the request member of an id list; ``filters``:
#: the server-side filter names it accepts; ``status_filters``: those with which AWS still
#: honours ``jobStatus``.
SPECS: tuple[dict[str, Any], ...] = (
    {
        "constant": "LIST_JOBS",
        "service": "batch",
        "operation": "ListJobs",
        "result": "jobSummaryList",
        "page_size_max": 1000,
        "filtered_page_size_max": 100,
        "filters": (
            "JOB_NAME",
            "JOB_DEFINITION",
            "BEFORE_CREATED_AT",
            "AFTER_CREATED_AT",
            "SHARE_IDENTIFIER",
        ),
        "status_filters": ("SHARE_IDENTIFIER",),
    },
    {
        "constant": "LIST_SERVICE_JOBS",
        "service": "batch",
        "operation": "ListServiceJobs",
        "result": "jobSummaryList",
        "page_size_max": 100,
        "filtered_page_size_max": 100,
        "filters": (
            "JOB_NAME",
            "BEFORE_CREATED_AT",
            "AFTER_CREATED_AT",
            "SHARE_IDENTIFIER",
            "QUOTA_SHARE_NAME",
        ),
        "status_filters": ("SHARE_IDENTIFIER", "QUOTA_SHARE_NAME"),
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
    {
        "constant": "GET_LOG_EVENTS",
        "service": "logs",
        "operation": "GetLogEvents",
        "label": "Logs.GetLogEvents",
        "result": "events",
        "page_size_max": 10000,
        # No botocore paginator: reading forward, the request's nextToken is the previous
        # response's nextForwardToken (with startFromHead=true).  At the end of the stream
        # CloudWatch Logs sends back the token it was given instead of none: the listing
        # ends when the forward token repeats (``token_repeats_at_end``).
        "tokens": ("nextToken", "nextForwardToken", "limit"),
        "token_repeats_at_end": True,
    },
    {
        "constant": "DESCRIBE_JOB_QUEUES",
        "service": "batch",
        "operation": "DescribeJobQueues",
        "result": "jobQueues",
        "page_size_max": 100,
    },
    {
        "constant": "DESCRIBE_COMPUTE_ENVIRONMENTS",
        "service": "batch",
        "operation": "DescribeComputeEnvironments",
        "result": "computeEnvironments",
        "page_size_max": 100,
    },
    {
        "constant": "DESCRIBE_JOB_DEFINITIONS",
        "service": "batch",
        "operation": "DescribeJobDefinitions",
        "result": "jobDefinitions",
        "page_size_max": 100,
    },
    {
        # One object: the whole response is the item (``JobQueueSnapshot``).
        "constant": "GET_JOB_QUEUE_SNAPSHOT",
        "service": "batch",
        "operation": "GetJobQueueSnapshot",
        "result": None,
        "page_size_max": 1,
    },
    {
        "constant": "LIST_CONSUMABLE_RESOURCES",
        "service": "batch",
        "operation": "ListConsumableResources",
        "result": "consumableResources",
        "page_size_max": 100,
        "filters": ("CONSUMABLE_RESOURCE_NAME",),
    },
    {
        "constant": "DESCRIBE_CONSUMABLE_RESOURCE",
        "service": "batch",
        "operation": "DescribeConsumableResource",
        "result": None,
        "page_size_max": 1,
    },
    {
        "constant": "DESCRIBE_SERVICE_JOB",
        "service": "batch",
        "operation": "DescribeServiceJob",
        "result": None,
        "page_size_max": 1,
    },
    {
        "constant": "EC2_DESCRIBE_INSTANCE_TYPES",
        "service": "ec2",
        "operation": "DescribeInstanceTypes",
        "label": "EC2.DescribeInstanceTypes",
        "result": "InstanceTypes",
        "page_size_max": 100,
        # EC2 refuses MaxResults below 5 (DITMaxResults: 5..100).
        "page_size_min": 5,
        # The EC2 query protocol leaves an empty list out of the document.
        "result_required": False,
    },
    {
        # One object: the ``Job`` member of the response (``S3BatchJobDetail``).
        "constant": "S3_DESCRIBE_JOB",
        "service": "s3control",
        "operation": "DescribeJob",
        "label": "S3Control.DescribeJob",
        "result": "Job",
        "page_size_max": 1,
    },
)

#: (service, operation, member of the output holding the items), from SPECS.
#: ``result`` is None for an operation whose whole response is its one item.
OPERATIONS: tuple[tuple[str, str, str | None], ...] = tuple(
    (s["service"], s["operation"], s["result"]) for s in SPECS
)

#: Every shape of a service but Batch gets this prefix, so S3 Control's ``JobStatus``
#: becomes ``S3JobStatus`` and never collides with Batch's.
SERVICE_PREFIX = {"batch": "", "s3control": "S3", "logs": "Logs", "ec2": "EC2"}

#: Names that read better than prefix + botocore's shape name.
RENAMES = {
    ("s3control", "JobListDescriptor"): "S3BatchJob",
    ("s3control", "OperationName"): "S3Operation",
    ("s3control", "JobDescriptor"): "S3BatchJobDetail",
    ("batch", "GetJobQueueSnapshotResponse"): "JobQueueSnapshot",
    ("batch", "DescribeConsumableResourceResponse"): "ConsumableResourceDetail",
    ("batch", "DescribeServiceJobResponse"): "ServiceJobDetail",
}

#: Hand-written ergonomics (properties) mixed into a generated model:
#: ``batchkit/_spec/models/mixins.py``.
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

#: Models whose nested members are validated when first read (``LazyModel``): the big ones a
#: program keeps by the thousand (docs/performance.md says why).
LAZY = {("batch", "JobDetail")}

#: Members the service model calls required that AWS omits in practice.  A job that
#: has not started yet has no ``startedAt``: requiring it would reject real responses.
NOT_REALLY_REQUIRED = {
    ("batch", "JobDetail", "startedAt"),
    ("batch", "DescribeServiceJobResponse", "startedAt"),
}

#: List members that are an empty tuple, never None, when AWS leaves them out: a job that
#: has not run yet has no attempts, and ``for attempt in job.attempts`` should just work.
EMPTY_WHEN_ABSENT = {("batch", "JobDetail", "attempts"), ("batch", "JobDetail", "eksAttempts")}

#: The package root (``batchkit/``); generated files are named relative to it.
PACKAGE = Path(__file__).resolve().parents[1]
MODELS = "_spec/models"
OUTPUT = f"{MODELS}/all.py"
INDEX_OUTPUT = f"{MODELS}/index.py"
OPERATIONS_OUTPUT = "_spec/operations.py"


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
    """Batch sends times as epoch-millisecond longs named ``...At``; CloudWatch Logs as
    longs of its ``Timestamp`` shape ("milliseconds after Jan 1, 1970 00:00:00 UTC")."""
    return shape.type_name == "long" and (
        name.endswith("At") or name in EPOCH_MILLIS_NAMES or shape.name == "Timestamp"
    )


#: Batch's epoch-millisecond longs whose names do not end in ``At``.
EPOCH_MILLIS_NAMES = frozenset({"earliestTimeAtPosition"})


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


def result_kind(output: StructureShape, member: str | None) -> str:
    """How an operation's response holds its items: ``items`` (a list member), ``item`` (one
    structure member) or ``output`` (the whole response is the one item)."""
    if member is None:
        return "output"
    shape = output.members[member]
    if isinstance(shape, ListShape):
        assert isinstance(shape.member, StructureShape), member
        return "items"
    assert isinstance(shape, StructureShape), member
    return "item"


def item_shape(service: str, operation: str, member: str | None) -> StructureShape:
    """The structure of one item of ``operation`` (see :func:`result_kind`)."""
    session = botocore.session.get_session()
    output = session.get_service_model(service).operation_model(operation).output_shape
    assert isinstance(output, StructureShape)
    kind = result_kind(output, member)
    if kind == "output":
        return output
    assert member is not None
    shape = output.members[member]
    if kind == "items":
        assert isinstance(shape, ListShape)
        shape = shape.member
    assert isinstance(shape, StructureShape)
    return shape


def item_shapes() -> Iterator[tuple[str, str, StructureShape]]:
    """(service, operation, item structure) for each operation batchkit reads."""
    for service, operation, member in OPERATIONS:
        yield service, operation, item_shape(service, operation, member)


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


#: Characters of botocore's documentation that ruff (RUF001) would flag as ambiguous.
_ASCII = str.maketrans("\u2018\u2019\u201c\u201d\u2212\u2013\u2014\u00a0", "''\"\"--- ")


class _DocText(HTMLParser):
    """botocore's HTML documentation as plain text that reads well as Markdown too.

    Paragraphs are separated by blank lines, ``<li>``/``<dt>`` become ``- `` bullets (nested
    lists indented), ``<code>`` a double-backquoted literal, absolute links ``[text](url)``,
    and ``<note>``/``<important>`` a "Note:"/"Important:" paragraph.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str, str]] = []  # (first-line prefix, indent, text)
        self.buf: list[str] = []
        self.depth = 0  # list nesting
        self.bullet = False  # the next block starts a list item
        self.label = ""  # "Note: " for the next block
        self.code: list[str] | None = None
        self.links: list[tuple[int, str]] = []

    def flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.buf)).strip()
        self.buf = []
        if not text:
            return
        indent = "  " * self.depth
        first = indent[:-2] + "- " if self.bullet and self.depth else indent
        self.blocks.append((first, indent, self.label + text))
        self.bullet, self.label = False, ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "code":
            self.code = []
        elif tag == "a":
            self.links.append((len(self.buf), dict(attrs).get("href") or ""))
        elif tag in ("p", "br", "li", "dt", "dd", "ul", "ol", "dl", "note", "important"):
            self.flush()
            if tag in ("ul", "ol", "dl"):
                self.depth += 1
            elif tag in ("li", "dt"):
                self.bullet = True
            elif tag in ("note", "important"):
                self.label = tag.capitalize() + ": "

    def handle_endtag(self, tag: str) -> None:
        if tag == "code" and self.code is not None:
            code = re.sub(r"\s+", " ", "".join(self.code)).strip()
            self.code = None
            if code:
                self.buf.append(f"``{code}``")
        elif tag == "a" and self.links:
            start, href = self.links.pop()
            text = re.sub(r"\s+", " ", "".join(self.buf[start:])).strip()
            if href.startswith(("https://", "http://")) and text:
                self.buf[start:] = [f"[{text}]({href})"]
        elif tag in ("p", "li", "dt", "dd", "ul", "ol", "dl", "note", "important"):
            self.flush()
            if tag in ("ul", "ol", "dl"):
                self.depth = max(self.depth - 1, 0)

    def handle_data(self, data: str) -> None:
        (self.buf if self.code is None else self.code).append(data)


def doc_text(html: str, width: int) -> str:
    """botocore's HTML documentation as readable text, wrapped at ``width`` columns."""
    parser = _DocText()
    parser.feed(html.translate(_ASCII))
    parser.close()
    parser.flush()
    wrap = textwrap.TextWrapper(width=width, break_long_words=False, break_on_hyphens=False)
    paragraphs = []
    for first, indent, text in parser.blocks:
        wrap.initial_indent, wrap.subsequent_indent = first, indent
        paragraphs.append(wrap.fill(text))
    return "\n\n".join(paragraphs)


def _text_literal(text: str) -> str:
    """A string literal, single-quoted when that spares backslashes."""
    return repr(text) if '"' in text else _q(text)


def _docstring_literal(text: str, indent: str) -> str:
    """``text`` (lines already wrapped) as a triple-quoted literal at ``indent``."""
    text = text.replace("\\", "\\\\").replace('"""', '\\"""')
    if text.endswith('"'):
        text = text[:-1] + '\\"'
    if "\n" not in text:
        return f'{indent}"""{text}"""\n'
    body = "\n".join(f"{indent}{line}" if line else "" for line in text.split("\n"))
    return f'{indent}"""{body.lstrip()}\n{indent}"""\n'


def docstring(shape: Shape, indent: str) -> str:
    """The class docstring: the first sentence of the shape's documentation."""
    text = re.sub(r"\s+", " ", doc_text(shape.documentation or "", width=10**6))
    first = re.split(r"(?<=\.)\s", text, maxsplit=1)[0] if text else ""
    first = first or f"The ``{shape.name}`` shape."
    return _docstring_literal(textwrap.fill(first, width=94 - len(indent)), indent)


def render_enum(ref: ShapeRef) -> str:
    shape = ref.shape
    assert isinstance(shape, StringShape)
    mixin = MIXINS.get((ref.service, shape.name))
    bases = f"{mixin}, OpenEnum" if mixin else "OpenEnum"
    out = [f"class {ref.class_name}({bases}):\n", docstring(shape, "    "), "\n"]
    out += [f"    {member_name(v)} = {_q(v)}\n" for v in shape.enum]
    return "".join(out)


def render_structure(ref: ShapeRef) -> str:
    """A model whose fields carry botocore's member documentation twice.

    Once as the pydantic ``description`` (JSON schema, runtime) and once as an attribute
    docstring (IDEs, the API reference).  A docstring after a field compiles to nothing;
    pydantic's ``use_attribute_docstrings`` would spare the copy but parses the source of every
    class at import (docs/decisions.md).
    """
    shape = ref.shape
    assert isinstance(shape, StructureShape)
    mixin = MIXINS.get((ref.service, shape.name))
    base = "LazyModel" if (ref.service, shape.name) in LAZY else "BatchKitModel"
    bases = f"{mixin}, {base}" if mixin else base
    # frozen=True again on every model: pyright takes frozenness from each class's own keyword
    # (dataclass_transform), not from BatchKitModel's; mypy's pydantic plugin inherits it.
    out = [f"class {ref.class_name}({bases}, frozen=True):\n", docstring(shape, "    ")]
    required = set(shape.required_members)
    for wire, member in shape.members.items():
        ann = annotation(ref.service, wire, member)
        attr = snake_case(wire)
        doc = doc_text(member.documentation or "", width=84) or f"The ``{wire}`` member."
        kwargs = [] if attr == wire else [f"alias={_q(wire)}"]
        if (ref.service, shape.name, wire) in EMPTY_WHEN_ABSENT:
            assert ann.startswith("WireList["), ann
            ann = "EmptyWhenAbsent" + ann.removeprefix("WireList")
            kwargs.insert(0, "default=()")
        elif wire not in required or (ref.service, shape.name, wire) in NOT_REALLY_REQUIRED:
            ann += " | None"
            kwargs.insert(0, "default=None")
        lines = doc.split("\n")
        pieces = [_text_literal(line + "\n") for line in lines[:-1]] + [_text_literal(lines[-1])]
        field = f"    {attr}: {ann} = Field({', '.join([*kwargs, f'description={pieces[0]}'])})"
        if len(pieces) > 1 or len(field) > 100:
            desc = pieces[0]
            if len(pieces) > 1 or len(f"        description={desc},") > 100:
                desc = "(\n" + "".join(f"            {piece}\n" for piece in pieces) + "        )"
            args = "".join(f"        {k},\n" for k in [*kwargs, f"description={desc}"])
            field = f"    {attr}: {ann} = Field(\n{args}    )"
        out += ["\n", field, "\n", _docstring_literal(doc, "    ")]
    return "".join(out)


def module_of(spec: dict[str, Any]) -> str:
    """The generated module holding the classes first reached from ``spec``'s items."""
    return f"_spec.models.{spec['constant'].lower()}"


def owners() -> dict[tuple[str, str], str]:
    """Each shape's module: the first operation (in SPECS order) whose items reach it.

    Listing jobs imports only ``_models_list_jobs``; DescribeJobs' module imports the shared
    classes (``JobStatus``...) from the earlier ones.  ``batchkit.models`` loads each
    module on first access of one of its names.
    """
    owner: dict[tuple[str, str], str] = {}

    def visit(service: str, shape: Shape, module: str) -> None:
        if isinstance(shape, ListShape):
            visit(service, shape.member, module)
        elif isinstance(shape, MapShape):
            visit(service, shape.key, module)
            visit(service, shape.value, module)
        elif isinstance(shape, StructureShape) or _is_enum(shape):
            key = (service, shape.name)
            if key in owner:
                return
            owner[key] = module
            if isinstance(shape, StructureShape):
                for child in shape.members.values():
                    visit(service, child, module)

    for spec, (service, _operation, item) in zip(SPECS, item_shapes(), strict=True):
        visit(service, item, module_of(spec))
    return owner


def _references(ref: ShapeRef) -> set[ShapeRef]:
    """The enums and structures a structure's members name (through lists and maps)."""
    found: set[ShapeRef] = set()

    def visit(shape: Shape) -> None:
        if isinstance(shape, ListShape):
            visit(shape.member)
        elif isinstance(shape, MapShape):
            visit(shape.key)
            visit(shape.value)
        elif isinstance(shape, StructureShape) or _is_enum(shape):
            found.add(ShapeRef(ref.service, shape))

    if isinstance(ref.shape, StructureShape):
        for child in ref.shape.members.values():
            visit(child)
    return found


def _header(docstring: str) -> str:
    return (
        f"# This file is generated by `python -m batchkit._spec.codegen` from botocore "
        f"{botocore.__version__}.\n"
        "# Do not edit it by hand: change batchkit/_spec/codegen.py (or "
        "batchkit/_spec/models/mixins.py) and regenerate.\n"
        f'"""{docstring}"""\n'
    )


def render_modules() -> dict[str, str]:
    """Every generated file by name: one models module per operation, the aggregate
    (``_generated_models.py``) and the name index ``batchkit.models`` loads lazily from."""
    refs = collect()
    names = [r.class_name for r in refs]
    if len(set(names)) != len(names):
        raise SystemExit(f"class name collision: {sorted(n for n in names if names.count(n) > 1)}")
    owner = owners()
    modules = [module_of(spec) for spec in SPECS]
    files: dict[str, str] = {}
    for spec, module in zip(SPECS, modules, strict=True):
        mine = [r for r in refs if owner[(r.service, r.shape.name)] == module]
        mixins = sorted({MIXINS[k] for r in mine if (k := (r.service, r.shape.name)) in MIXINS})
        imported: dict[str, set[str]] = {}
        for ref in mine:
            for used in _references(ref):
                where = owner[(used.service, used.shape.name)]
                if where != module:
                    imported.setdefault(where, set()).add(used.class_name)
        bases = ["BatchKitModel", "LazyModel", "OpenEnum"]
        field_types = {"EmptyWhenAbsent", "EpochMillis", "UtcDatetime", "WireList"}
        source = "".join(render_enum(r) if _is_enum(r.shape) else render_structure(r) for r in mine)
        used_base = sorted(n for n in [*bases, *field_types] if re.search(rf"\b{n}\b", source))
        lines = [
            _header(
                f"Pydantic models first reached from {spec.get('label', spec['operation'])}"
                " responses (generated)."
            ),
            "\n",
        ]
        if "Mapping[" in source:
            lines.append("from collections.abc import Mapping\n\n")
        if "Field(" in source:
            lines.append("from pydantic import Field\n\n")
        if mixins:
            lines.append(
                "from batchkit._spec.models.mixins import (\n"
                + "".join(f"    {m},\n" for m in mixins)
                + ")\n"
            )
        lines.append(f"from batchkit._spec.base import {', '.join(used_base)}\n")
        for where in sorted(imported, key=modules.index):
            lines.append(f"from batchkit.{where} import {', '.join(sorted(imported[where]))}\n")
        body = [
            render_enum(r) if _is_enum(r.shape) else render_structure(r)
            for r in sorted(mine, key=lambda r: not _is_enum(r.shape))
        ]
        exports = sorted(r.class_name for r in mine)
        files[module.replace(".", "/") + ".py"] = (
            "".join(lines)
            + "\n\n"
            + "\n\n".join(body)
            + "\n\n__all__ = [\n"
            + "".join(f"    {_q(n)},\n" for n in exports)
            + "]\n"
        )
    files[OUTPUT] = (
        _header("Every generated model, from the per-operation modules (generated).")
        + "\n# ruff: noqa: F403, F405\n"
        + "".join(f"from batchkit.{m} import *\n" for m in sorted(modules))
        + "\n__all__ = [\n"
        + "".join(f"    {_q(n)},\n" for n in sorted(names))
        + "]\n"
    )
    index = {r.class_name: owner[(r.service, r.shape.name)] for r in refs}
    files[INDEX_OUTPUT] = (
        _header("Which generated module defines each model (generated; read by batchkit.models).")
        + "\n#: The botocore version the models were generated from.\n"
        + f"BOTOCORE_VERSION = {_q(botocore.__version__)}\n"
        + "\n#: Model name -> the module defining it.\nMODEL_MODULES: dict[str, str] = {\n"
        + "".join(f"    {_q(n)}: {_q('batchkit.' + index[n])},\n" for n in sorted(index))
        + "}\n"
    )
    files["models.py"] = render_public_models(index)
    return {name: formatted(name, text) for name, text in files.items()}


def render() -> str:
    """``_generated_models.py``: every model, imported from the per-operation modules."""
    return render_modules()[OUTPUT]


def _item_class(service: str, operation: str, result: str | None) -> str:
    return ShapeRef(service, item_shape(service, operation, result)).class_name


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
        assert isinstance(output, StructureShape)
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
                "result_kind": result_kind(output, spec["result"]),
                "result_required": spec.get(
                    "result_required", True
                ),  # AWS always sends it, required or not in the model
                "input_token": tokens[0],
                "output_token": tokens[1],
                "limit_key": tokens[2],
                "page_size_max": spec["page_size_max"],
                "page_size_min": spec.get("page_size_min", 1),
                "filtered_page_size_max": spec.get("filtered_page_size_max"),
                "has_paginator": config is not None,
                "id_key": spec.get("id_key"),
                "filters": tuple(spec.get("filters", ())),
                "status_filters": tuple(spec.get("status_filters", ())),
                "token_repeats_at_end": spec.get("token_repeats_at_end", False),
            }
        )
    return rows


def _literal(value: object) -> str:
    """A Python literal with double-quoted strings (ruff's style), one line."""
    if isinstance(value, str):
        return _q(value)
    if isinstance(value, tuple):
        inner = ", ".join(_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def render_operations() -> str:
    """``batchkit/_spec/operations.py``: the operations table."""
    out = [
        f"# This file is generated by `python -m batchkit._spec.codegen` from botocore "
        f"{botocore.__version__}.\n",
        "# Do not edit it by hand: change SPECS in batchkit/_spec/codegen.py and regenerate.\n",
        '"""The operations table: one row per AWS operation batchkit reads (generated).\n\n',
        "Every layer (client, page source, fake, drift test, bench) reads an operation's facts\n",
        'from its row here; see :class:`batchkit._spec.row.Operation` for the fields.\n"""\n\n',
        "from batchkit._spec.row import Operation\n\n",
    ]
    rows = operation_rows()
    for row in rows:
        out.append(f"{row['constant']} = Operation(\n")
        out += [f"    {k}={_literal(v)},\n" for k, v in row.items() if k != "constant"]
        out.append(")\n\n")
    out.append("#: Every row, by ``key`` (``service.Operation``).\n")
    out.append("OPERATIONS: dict[str, Operation] = {\n")
    out += [f"    {row['constant']}.key: {row['constant']},\n" for row in rows]
    out.append("}\n\n__all__ = [\n")
    out += [f'    "{n}",\n' for n in sorted(["OPERATIONS", *(r["constant"] for r in rows)])]
    out.append("]\n")
    return formatted(OPERATIONS_OUTPUT, "".join(out))


#: ``batchkit/models.py`` around its ``__all__`` (a literal list: documentation tools read it).
_MODELS_HEAD = '''# This file is generated by `python -m batchkit._spec.codegen`; do not edit it.
"""Typed models for every shape in the responses batchkit reads.

The classes are generated from botocore's service models (``batchkit/_spec/models/*.py``, one
module per operation, regenerated by ``python -m batchkit._spec.codegen``); this module is their
public home: each reports ``__module__ == "batchkit.models"``.  Each generated module is
imported on first access of one of its names, so listing jobs never imports (or builds) the
DescribeJobs or S3 Control classes.

>>> from batchkit.models import JobDetail, JobStatus
>>> job = JobDetail.model_validate({
...     "jobName": "example", "jobId": "24fa2d7a", "jobQueue": "HighPriority",
...     "status": "SUCCEEDED", "jobDefinition": "sleep60",
...     "startedAt": 1480460816500, "stoppedAt": 1480460880699,
... })
>>> job.status is JobStatus.SUCCEEDED, job.duration.total_seconds()
(True, 64.199)
"""

import typing as _typing

from batchkit._exports import attach as _attach
from batchkit._spec.base import BatchKitModel, OpenEnum
from batchkit._spec.models.index import MODEL_MODULES as _MODEL_MODULES

if _typing.TYPE_CHECKING:
    from batchkit._spec.models.all import *  # noqa: F403

'''
_MODELS_TAIL = """
# `batchkit.models.JobDetail.__module__ == "batchkit.models"`; each generated module is
# imported on first access of one of its names (batchkit/_exports.py).
if not _typing.TYPE_CHECKING:  # type checkers see the star import above instead
    __getattr__, __dir__ = _attach(__name__, globals(), _MODEL_MODULES, __all__)
"""


def _ruff_sort_key(name: str) -> tuple[int, list[str | int]]:
    """ruff's RUF022 order: SCREAMING_CASE, then CamelCase, then the rest; natural sort."""
    category = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    parts = re.split(r"(\\d+)", name)
    return category, [int(part) if part.isdigit() else part for part in parts]


def render_public_models(names: Iterable[str]) -> str:
    """``batchkit/models.py``: the public, lazily loading home of every model class."""
    ordered = sorted({"BatchKitModel", "OpenEnum", *names}, key=_ruff_sort_key)
    listing = "".join(f"    {_q(name)},\n" for name in ordered)
    return f"{_MODELS_HEAD}__all__ = [\n{listing}]\n{_MODELS_TAIL}"


def _ruff(name: str, text: str, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *arguments, "--stdin-filename", f"batchkit/{name}", "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=PACKAGE.parent,
        check=False,
    )
    if result.returncode != 0:
        error = "\n".join(result.stderr.strip().splitlines()[:12])
        raise SystemExit(f"ruff {arguments[0]} failed on batchkit/{name}: {error}")
    return result.stdout


def formatted(name: str, text: str) -> str:
    """``text`` with its imports sorted and formatted as the project's ruff settings say (the
    generated files are formatted like every other file: none is exempt from the checks)."""
    text = _ruff(name, text, "check", "--fix", "--select", "I", "--quiet")
    return _ruff(name, text, "format")


def main() -> int:
    files = render_modules()
    files[OPERATIONS_OUTPUT] = render_operations()
    for name, text in files.items():
        (PACKAGE / name).write_text(text)
    written = ", ".join(sorted(files))
    print(f"wrote {written} (botocore {botocore.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
