"""The analyses over the archive, as pandas DataFrames (``batchkit-aws[pandas]``).

Each reads a view (``job_times``, ``job_usage``, ``queue_transitions``; schema in
docs/archive.md) with the time bounds pushed into SQL, then groups in pandas: percentiles
are not SQL everywhere (SQLite has none), and a DataFrame is what a notebook wants.
Which jobs count: waits, run times, usage and queue depth count the jobs that run (plain
jobs, array children, multi-node nodes); failure rates count what users submitted (plain,
array and multi-node jobs: an array of 1,000 children is one job).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, cast

from batchkit import InvalidParameterError
from batchkit._core.archive import ArchiveError
from batchkit.archive._store import Store

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["GROUPS", "distribution", "failure_kinds", "failures", "queue_depth", "usage"]

#: ``by=`` names -> columns.
GROUPS = {
    "queue": "queue",
    "definition": "definition_name",
    "share": "share_identifier",
    "region": "region",
    "account": "account_id",
}
_RUNS = "kind IN ('job', 'array-child', 'node')"
_SUBMITTED = "kind IN ('job', 'array', 'multinode')"
_FREQS = {"day": "D", "hour": "h"}


def _need_pandas() -> None:
    try:
        import pandas  # noqa: F401
    except ImportError as error:  # pragma: no cover - pandas is in the dev environment
        raise ArchiveError(
            "the analyses need pandas: pip install 'batchkit-aws[pandas]'"
        ) from error


def _by(by: str | Sequence[str]) -> list[str]:
    names = [by] if isinstance(by, str) else list(by)
    unknown = [n for n in names if n not in GROUPS]
    if unknown or not names:
        raise InvalidParameterError(f"by: expected one or more of {', '.join(GROUPS)}, got {by!r}")
    return names


def _moment(name: str, value: object, clock: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        value = clock.now() - value
    if not isinstance(value, datetime):
        raise InvalidParameterError(
            f"{name}: expected a datetime or a timedelta (that long ago), "
            f"got {type(value).__name__}"
        )
    if value.tzinfo is None:
        raise InvalidParameterError(f"{name}: give a timezone-aware datetime")
    return round(value.timestamp() * 1000)


def _window(column: str, since: object, until: object, clock: Any) -> tuple[str, list[int]]:
    low, high = _moment("since", since, clock), _moment("until", until, clock)
    if low is not None and high is not None and low >= high:
        raise InvalidParameterError("since: must be before until")
    where, params = "", []
    if low is not None:
        where += f" AND {column} >= ?"
        params.append(low)
    if high is not None:
        where += f" AND {column} < ?"
        params.append(high)
    return where, params


def _frame(store: Store, sql: str, params: Sequence[Any], columns: Sequence[str]) -> pd.DataFrame:
    _need_pandas()
    import pandas as pd

    parts = [
        pd.DataFrame(rows, columns=list(columns)) for _, rows in store.driver.stream(sql, params)
    ]
    if not parts:
        return cast("pd.DataFrame", pd.DataFrame(columns=list(columns)))
    frame: pd.DataFrame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return frame


def _period(ms: Any, freq: str) -> Any:
    import pandas as pd

    if freq not in _FREQS:
        raise InvalidParameterError(f"freq: expected 'day' or 'hour', got {freq!r}")
    return pd.to_datetime(ms, unit="ms", utc=True).dt.floor(_FREQS[freq])


def distribution(
    store: Store, column: str, by: str | Sequence[str], since: object, until: object, clock: Any
) -> pd.DataFrame:
    names = _by(by)
    where, params = _window("created_at", since, until, clock)
    columns = [GROUPS[n] for n in names]
    frame = _frame(
        store,
        f"SELECT {', '.join(columns)}, {column} FROM job_times "
        f"WHERE {_RUNS} AND {column} IS NOT NULL{where}",
        params,
        [*names, "seconds"],
    )
    frame["seconds"] = frame["seconds"].astype(float)
    grouped = frame.groupby(names, dropna=False)["seconds"]
    result = grouped.agg(["count", "mean", "max"]).rename(columns={"count": "jobs"})
    result["p50"] = grouped.quantile(0.5)
    result["p95"] = grouped.quantile(0.95)
    return cast("pd.DataFrame", result[["jobs", "mean", "p50", "p95", "max"]])


def failures(
    store: Store, by: str | Sequence[str], freq: str, since: object, until: object, clock: Any
) -> pd.DataFrame:
    names = _by(by)
    where, params = _window("stopped_at", since, until, clock)
    columns = [GROUPS[n] for n in names]
    frame = _frame(
        store,
        f"SELECT stopped_at, {', '.join(columns)}, status FROM jobs WHERE {_SUBMITTED} "
        f"AND status IN ('SUCCEEDED', 'FAILED') AND stopped_at IS NOT NULL{where}",
        params,
        ["stopped_at", *names, "status"],
    )
    frame["period"] = _period(frame["stopped_at"], freq)
    frame["failed"] = (frame["status"] == "FAILED").astype(int)
    result = frame.groupby(["period", *names], dropna=False)["failed"].agg(["count", "sum"])
    result = result.rename(columns={"count": "ended", "sum": "failed"})
    result["failure_rate"] = result["failed"] / result["ended"]
    return cast("pd.DataFrame", result)


def failure_kinds(
    store: Store, freq: str, since: object, until: object, clock: Any
) -> pd.DataFrame:
    where, params = _window("stopped_at", since, until, clock)
    frame = _frame(
        store,
        f"SELECT stopped_at, failure_kind FROM jobs WHERE {_SUBMITTED} AND status = 'FAILED' "
        f"AND stopped_at IS NOT NULL{where}",
        params,
        ["stopped_at", "failure_kind"],
    )
    frame["period"] = _period(frame["stopped_at"], freq)
    frame["failure_kind"] = frame["failure_kind"].fillna("UNKNOWN")
    table = frame.groupby(["period", "failure_kind"]).size().unstack(fill_value=0)
    table.columns.name = None
    return table


def usage(
    store: Store, by: str | Sequence[str], freq: str, since: object, until: object, clock: Any
) -> pd.DataFrame:
    names = _by(by)
    where, params = _window("started_at", since, until, clock)
    columns = [GROUPS[n] for n in names]
    measures = ["hours", "vcpu_hours", "gpu_hours", "gib_hours"]
    frame = _frame(
        store,
        f"SELECT started_at, {', '.join(columns)}, {', '.join(measures)} FROM job_usage "
        f"WHERE 1 = 1{where}",
        params,
        ["started_at", *names, *measures],
    )
    frame["period"] = _period(frame["started_at"], freq)
    for measure in measures:
        frame[measure] = frame[measure].astype(float)
    grouped = frame.groupby(["period", *names], dropna=False)
    result = grouped[measures].sum()
    result.insert(0, "jobs", grouped.size())
    return result


def queue_depth(
    store: Store,
    freq: object,
    queues: Sequence[str] | None,
    since: object,
    until: object,
    clock: Any,
) -> pd.DataFrame:
    _need_pandas()
    import pandas as pd

    if not isinstance(freq, timedelta) or freq <= timedelta(0):
        raise InvalidParameterError(f"freq: expected a positive timedelta, got {freq!r}")
    low, high = _moment("since", since, clock), _moment("until", until, clock)
    where, params = "", []
    if queues:
        where = f" WHERE queue IN ({', '.join('?' * len(queues))})"
        params = list(queues)
    frame = _frame(
        store,
        f"SELECT queue, at, waiting, running FROM queue_transitions{where}",
        params,
        ["queue", "at", "waiting", "running"],
    )
    empty = pd.DataFrame(columns=["time", "queue", "waiting", "running"])
    if frame.empty:
        return cast("pd.DataFrame", empty)
    frame = frame.sort_values(["queue", "at"], kind="stable")
    start = low if low is not None else int(frame["at"].min())
    end = high if high is not None else round(clock.now().timestamp() * 1000)
    step = round(freq.total_seconds() * 1000)
    samples = list(range(start - start % step, end + 1, step))
    if not samples or len(samples) > 1_000_000:
        raise InvalidParameterError(
            f"freq: {freq} gives {len(samples)} samples between since and until"
        )
    parts = []
    for queue, group in frame.groupby("queue", sort=True):
        at = group["at"].to_numpy()
        waiting = group["waiting"].cumsum().to_numpy()
        running = group["running"].cumsum().to_numpy()
        index = at.searchsorted(samples, side="right") - 1
        known = index >= 0
        safe = index.clip(min=0)
        parts.append(
            pd.DataFrame(
                {
                    "time": pd.to_datetime(samples, unit="ms", utc=True),
                    "queue": queue,
                    "waiting": (waiting[safe] * known).astype(int),
                    "running": (running[safe] * known).astype(int),
                }
            )
        )
    result = pd.concat(parts, ignore_index=True)
    if low is not None:
        result = result[result["time"] >= pd.Timestamp(low, unit="ms", tz=timezone.utc)]
    return cast("pd.DataFrame", result)
