"""Tables for people: flat rows, HTML for notebooks, pandas DataFrames.

Why here and not in the models: display is about *rows* -- nested members flattened to
``container.exit_code`` columns, enums as their string, times as aware timestamps -- and the
same flattening serves the notebook's HTML, ``to_pandas`` and the CLI's CSV.

>>> from batchkit.models import JobSummary
>>> job = JobSummary.model_validate({"jobId": "1", "jobName": "etl", "status": "FAILED",
...                                  "container": {"exitCode": 2}})
>>> flatten(job)
{'job_id': '1', 'job_name': 'etl', 'status': 'FAILED', 'container.exit_code': 2}
"""

from __future__ import annotations

import enum
import html
import types
import typing
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from pydantic import BaseModel

# pydantic is imported lazily (`import batchkit` does not import it); models are recognised by
# their pydantic interface (`model_fields` on the class, `model_fields_set` on instances).


def _is_model(value: object) -> bool:
    return hasattr(value, "model_fields_set") and _is_model_class(type(value))


def _is_model_class(tp: object) -> bool:
    return isinstance(tp, type) and isinstance(getattr(tp, "model_fields", None), Mapping)


__all__ = [
    "flatten",
    "html_row_table",
    "html_table",
    "relative_time",
    "schema_columns",
    "to_pandas",
    "with_progress",
]

#: Columns shown first when present, in this order (the rest follow as they come).
PREFERRED = (
    "job_name",
    "status",
    "created_at",
    "started_at",
    "stopped_at",
    "container.exit_code",
    "status_reason",
    "job_id",
    "description",
    "operation",
    "creation_time",
    "progress_summary.total_number_of_tasks",
    "progress_summary.number_of_tasks_succeeded",
    "progress_summary.number_of_tasks_failed",
)


def _plain(value: Any) -> Any:
    """A cell value: enums as their string, nested models as dicts, tuples as lists."""
    if isinstance(value, enum.Enum):
        return value.value
    if _is_model(value):
        return {k: _plain(v) for k, v in _members(value)}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _members(model: BaseModel) -> Iterable[tuple[str, Any]]:
    """(attribute name, value) of the members that were set and are not None, extras last."""
    fields_set = model.model_fields_set
    for name in type(model).model_fields:
        value = getattr(model, name, None)
        if value is not None and name in fields_set:
            yield name, value
    for name, value in (model.model_extra or {}).items():
        if value is not None:
            yield name, value


def _flatten_into(out: dict[str, Any], prefix: str, model: BaseModel) -> None:
    for name, value in _members(model):
        if _is_model(value):
            _flatten_into(out, f"{prefix}{name}.", value)
        else:
            out[f"{prefix}{name}"] = _plain(value)


def flatten(model: BaseModel) -> dict[str, Any]:
    """One flat row: Python attribute names, nested models as ``a.b``, enums as strings,
    lists and maps kept whole (as ``list`` / ``dict``), unset members left out, members
    newer than batchkit (extras) at the end.  Works on any pydantic model."""
    out: dict[str, Any] = {}
    _flatten_into(out, "", model)
    return out


# ------------------------------------------------------------------ the schema of a model

#: Column kinds, from the field types: they fix the pandas dtypes whatever the data.
#: Microseconds: what a ``datetime`` holds, and every year from 1 to 9999 fits (nanoseconds stop
#: at 2262); the same unit with any pandas >= 2, whatever the data.
_DTYPES: dict[str, Any] = {
    "datetime": "datetime64[us, UTC]",
    "int": "Int64",
    "float": "Float64",
    "bool": "boolean",
}


def _utc_microseconds(pd: Any, column: Any) -> Any:
    """Aware datetimes as ``datetime64[us, UTC]``, built from numpy's microsecond type so that
    every ``datetime`` fits (pandas 2's ``to_datetime`` goes through nanoseconds, which stop
    in 1677 and 2262)."""
    import numpy as np

    one = timedelta(microseconds=1)
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    values = np.array(
        [
            np.datetime64("NaT", "us") if v is None else np.datetime64((v - epoch) // one, "us")
            for v in column
        ],
        dtype="datetime64[us]",
    )
    return pd.Series(values, index=column.index).dt.tz_localize("UTC")


def _unwrap(annotation: Any) -> Any:
    """``X`` of ``X | None``, ``Optional[X]`` and ``Annotated[X, ...]`` (recursively)."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin is typing.Union or origin is types.UnionType:
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return Any  # a real union: no single kind
            annotation = args[0]
        else:
            return annotation


def _is_datetime(tp: type) -> bool:
    import pydantic

    # pydantic's constrained datetimes are marker classes, not datetime subclasses.
    markers = (
        pydantic.AwareDatetime,
        pydantic.NaiveDatetime,
        pydantic.PastDatetime,
        pydantic.FutureDatetime,
    )
    return issubclass(tp, datetime) or tp in markers


def _kind(annotation: Any) -> str:
    tp = _unwrap(annotation)
    if not isinstance(tp, type):
        return "object"
    if issubclass(tp, enum.Enum):
        return "str"
    if _is_datetime(tp):
        return "datetime"
    if issubclass(tp, bool):
        return "bool"
    if issubclass(tp, int):
        return "int"
    if issubclass(tp, float):
        return "float"
    if issubclass(tp, str):
        return "str"
    return "object"


def _schema_into(
    out: dict[str, str], prefix: str, model: type[BaseModel], path: tuple[type, ...]
) -> None:
    for name, info in model.model_fields.items():
        tp = _unwrap(info.annotation)
        if _is_model_class(tp) and tp not in path:
            _schema_into(out, f"{prefix}{name}.", tp, (*path, tp))
        else:
            out[f"{prefix}{name}"] = _kind(info.annotation)


@cache
def _schema(model: type[BaseModel]) -> dict[str, str]:
    found: dict[str, str] = {}
    _schema_into(found, "", model, (model,))
    ordered = [c for c in PREFERRED if c in found] + [c for c in found if c not in PREFERRED]
    return {c: found[c] for c in ordered}


def schema_columns(model: type[BaseModel]) -> list[str]:
    """The columns :func:`to_pandas` gives for ``model``, whatever the data: every field, nested
    models flattened as ``a.b`` (the names :func:`flatten` uses), the useful ones first.

    >>> from batchkit.models import JobSummary
    >>> schema_columns(JobSummary)[:4]
    ['job_name', 'status', 'created_at', 'started_at']
    """
    return list(_schema(model))


def columns_of(rows: list[dict[str, Any]], limit: int | None = None) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key)
    ordered = [c for c in PREFERRED if c in seen] + [c for c in seen if c not in PREFERRED]
    return ordered[:limit] if limit else ordered


def _cell(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, list):
        return html.escape(", ".join(str(v) for v in value))
    return html.escape(str(value))


def html_row_table(model: BaseModel) -> str:
    """A model as a two-column HTML table of the members AWS sent."""
    rows = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{_cell(v)}</td></tr>"
        for k, v in flatten(model).items()
    )
    return f"<table><caption>{type(model).__name__}</caption>{rows}</table>"


def html_table(models: list[BaseModel], caption: str, max_columns: int = 8) -> str:
    """Several models as one HTML table (one row each, the most useful columns)."""
    rows = [flatten(m) for m in models]
    columns = columns_of(rows, max_columns)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(row[c]) if c in row else ''}</td>" for c in columns) + "</tr>"
        for row in rows
    )
    return f"<table><caption>{html.escape(caption)}</caption><tr>{head}</tr>{body}</table>"


def relative_time(moment: datetime | None, now: datetime) -> str:
    """``"52m ago"``, ``"3h ago"``, ``"6d ago"`` (``"-"`` for no time)."""
    if moment is None:
        return "-"
    seconds = int((now - moment).total_seconds())
    if seconds < 0:
        return "in the future"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{seconds}s ago"


def with_progress(items: Iterable[Any], enabled: bool, description: str) -> Iterable[Any]:
    """``items`` wrapped in a ``tqdm.auto`` progress bar when asked for and installed."""
    if not enabled:
        return items
    try:
        from tqdm.auto import tqdm
    except ImportError:  # progress is a nicety: without tqdm, iterate quietly
        return items
    return tqdm(items, desc=description, unit=" jobs")


def to_pandas(
    models: Iterable[BaseModel],
    *,
    model: type[BaseModel] | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """A DataFrame with one flat row per model, and the same columns and dtypes for every
    listing of a model class -- an empty one included.

    Columns are :func:`schema_columns` of ``model`` (by default the class of the first item):
    nested models flattened as ``a.b``.  Times are timezone-aware UTC timestamps, enums plain
    strings, integers pandas' nullable ``Int64`` (a missing exit code is ``<NA>``, not a float
    NaN), lists and maps whole.  Members newer than batchkit (extras) are not columns.  Needs
    the ``pandas`` extra (``pip install 'batchkit-aws[pandas]'``).

    An integer outside ``Int64``'s range (AWS documents 32-bit integers; a response may still
    carry ``2**70``) does not fit its column: the cell is ``<NA>``, a ``RuntimeWarning`` names
    the column and how many cells, and ``frame.attrs["batchkit_out_of_range"]`` keeps the
    exact values (``{column: {row: value}}``) -- the rest of the frame is unaffected.

    >>> from batchkit.models import JobSummary
    >>> df = to_pandas([JobSummary.model_validate(
    ...     {"jobId": "1", "jobName": "etl", "status": "FAILED", "createdAt": 0})])
    >>> str(df["created_at"].dt.tz), df.loc[0, "status"]
    ('UTC', 'FAILED')
    >>> list(to_pandas([], model=JobSummary).columns) == list(df.columns)
    True
    """
    try:
        import pandas as pd
    except ImportError as error:
        raise ImportError("to_pandas needs pandas: pip install 'batchkit-aws[pandas]'") from error
    items = list(with_progress(models, progress, "batchkit"))
    if model is None and items:
        model = type(items[0])
    if model is None:  # nothing to go by: no rows, no class
        empty: pd.DataFrame = pd.DataFrame()
        return empty
    schema = _schema(model)
    rows = [flatten(m) for m in items]
    frame: pd.DataFrame = pd.DataFrame(
        {c: pd.Series([row.get(c) for row in rows], dtype=object) for c in schema},
        columns=list(schema),
        index=pd.RangeIndex(len(rows)),
    )
    out_of_range: dict[str, dict[int, int]] = {}
    for column, kind in schema.items():
        if kind == "datetime":
            frame[column] = _utc_microseconds(pd, frame[column])
        elif kind == "int":
            frame[column] = _fitting_int64(frame[column], out_of_range, column).astype("Int64")
        elif kind in _DTYPES:
            frame[column] = frame[column].astype(_DTYPES[kind])
    if out_of_range:
        import warnings

        frame.attrs["batchkit_out_of_range"] = out_of_range
        shown = ", ".join(f"{c} ({len(cells)} cell(s))" for c, cells in out_of_range.items())
        warnings.warn(
            f"to_pandas: integers outside Int64's range are <NA> in {shown}; the exact values "
            'are in frame.attrs["batchkit_out_of_range"]',
            RuntimeWarning,
            stacklevel=3,
        )
    return frame


_INT64 = (-(2**63), 2**63 - 1)


def _fitting_int64(column: Any, out_of_range: dict[str, dict[int, int]], name: str) -> Any:
    """``column`` (object dtype) with the ints Int64 cannot hold set to None, recorded."""
    low, high = _INT64
    bad = {
        int(row): value
        for row, value in column.items()
        if isinstance(value, int) and not low <= value <= high
    }
    if not bad:
        return column
    out_of_range[name] = bad
    column = column.copy()
    column[list(bad)] = None
    return column
