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

import html
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from batchkit._model_base import BatchKitModel

__all__ = [
    "flatten",
    "html_row_table",
    "html_table",
    "relative_time",
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


def _flatten_into(out: dict[str, Any], prefix: str, value: Mapping[str, Any]) -> None:
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, Mapping) and item and all(isinstance(k, str) for k in item):
            _flatten_into(out, name + ".", item)
        else:
            out[name] = item


def flatten(model: BatchKitModel) -> dict[str, Any]:
    """One flat row: Python attribute names, nested members as ``a.b``, enums as strings,
    lists kept whole, unset members left out."""
    out: dict[str, Any] = {}
    _flatten_into(out, "", model.model_dump(by_alias=False, exclude_none=True, exclude_unset=True))
    return out


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


def html_row_table(model: BatchKitModel) -> str:
    """A model as a two-column HTML table of the members AWS sent."""
    rows = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{_cell(v)}</td></tr>"
        for k, v in flatten(model).items()
    )
    return f"<table><caption>{type(model).__name__}</caption>{rows}</table>"


def html_table(models: list[BatchKitModel], caption: str, max_columns: int = 8) -> str:
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


def to_pandas(models: Iterable[BatchKitModel], *, progress: bool = False) -> pd.DataFrame:
    """A DataFrame with one flat row per model.

    Columns are the flattened attribute names; times become timezone-aware (UTC) pandas
    timestamps and enums plain strings.  Needs the ``pandas`` extra
    (``pip install 'batchkit[pandas]'``).

    >>> from batchkit.models import JobSummary
    >>> df = to_pandas([JobSummary.model_validate(
    ...     {"jobId": "1", "jobName": "etl", "status": "FAILED", "createdAt": 0})])
    >>> str(df["created_at"].dt.tz), df.loc[0, "status"]
    ('UTC', 'FAILED')
    """
    try:
        import pandas as pd
    except ImportError as error:
        raise ImportError("to_pandas needs pandas: pip install 'batchkit[pandas]'") from error
    rows = [flatten(m) for m in with_progress(models, progress, "batchkit")]
    frame: pd.DataFrame = pd.DataFrame(rows, columns=columns_of(rows))
    for column in frame.columns:
        values = frame[column].dropna()
        if len(values) and all(isinstance(v, datetime) for v in values):
            frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame
