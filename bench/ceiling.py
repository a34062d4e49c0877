"""What the missed throughput targets would cost: batchkit's time split into its parts, and
the ratio with a part given up.

Run: ``python bench/ceiling.py [--rounds N] [--quick]`` (``--quick``: a tenth of the items,
one round, no warm-up pass: a smoke run).  ``bench/run.py`` measures what a user sees
(a live heap, the garbage collector on, wall time).  This script answers a narrower
question -- *how far can the ratio go at all?* -- so it measures CPU time (``process_time``)
with the garbage collector off during each run and no heap, the best case for both sides
(it collects between runs), each figure the minimum of ``--rounds`` runs (the least
disturbed one).

For each Batch operation it reports, per 10,000 items (2,000 for DescribeJobs):

- ``pipeline``: botocore's per-request cost (serialize, sign, events, retry handler),
  measured by listing the same number of *empty* pages -- both sides pay it;
- ``raw``: raw boto3 reading the pages (the paginator, botocore's parser, dicts);
- ``batchkit``: batchkit reading them (the pager, pydantic-core validation);
- ``validation``: pydantic-core validating the page bodies alone, and the same without
  each of the two Python steps it runs per value: shared field sets (``model_post_init``,
  memory) and the epoch-millisecond validator (``created_at.tzinfo is timezone.utc``).
  "Timestamps in Rust" leaves *no* Python call per timestamp: the field is a bare
  ``datetime`` and pydantic-core reads the int as epoch milliseconds itself
  (``val_temporal_unit="milliseconds"``); each child checks it reads the same instants and
  that its validators hold no Python timestamp function.

Every variant runs in a fresh interpreter: it changes how the model classes are built, which
happens once per process (``defer_build``).
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, cast

from pydantic import PlainSerializer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

#: The variants: what a child process changes before any model is built.
VARIANTS = {
    "as shipped": "",
    "without shared field sets": "fields_sets",
    "timestamps in Rust": "timestamps",
    "both given up": "fields_sets,timestamps",
}


def _give_up(what: str) -> None:
    """Build the models without the named Python steps (before any model module is
    imported: the model classes take ``EpochMillis`` and their config when they are made)."""
    if "timestamps" in what:
        from batchkit._spec import base

        loaded = [m for m in sys.modules if m.startswith("batchkit._spec.models.")]
        assert loaded in ([], ["batchkit._spec.models.mixins"]), loaded
        # No Python per value: the annotation is a bare ``datetime`` and pydantic-core reads
        # an int as epoch milliseconds itself (``val_temporal_unit``; its own ``TzInfo(0)``,
        # not ``timezone.utc``).  The serializer stays (it runs only for ``to_boto``).
        serializer = PlainSerializer(base._to_epoch_millis, when_used="unless-none")
        cast(Any, base).EpochMillis = Annotated[datetime, serializer]
        base.BatchKitModel.model_config["val_temporal_unit"] = "milliseconds"
    import batchkit.models
    from batchkit._spec import base as _model_base

    if "fields_sets" in what:
        for name in batchkit.models.__all__:
            model = getattr(batchkit.models, name)
            if isinstance(model, type) and issubclass(model, _model_base.BatchKitModel):
                model.__pydantic_post_init__ = None
    _check_variant(what)


def _check_variant(what: str) -> None:
    """The variant reads the same instants, and runs no Python validator per timestamp."""
    import run

    from batchkit.models import JobDetail, JobSummary

    job = JobSummary.model_validate_json(json.dumps(run.summary(7)))
    assert job.created_at == datetime.fromtimestamp(
        run.summary(7)["createdAt"] / 1000, timezone.utc
    ), job.created_at
    schemas = repr(JobSummary.__pydantic_core_schema__) + repr(JobDetail.__pydantic_core_schema__)
    assert ("_from_epoch_millis" in schemas) != ("timestamps" in what), what
    assert (job.created_at.tzinfo is timezone.utc) != ("timestamps" in what), what


def _figures(works: dict[str, Callable[[], Any]], rounds: int) -> dict[str, float]:
    """The least CPU time (ms) of each work over ``rounds`` rounds, the works taking turns
    within each round (a process's warm-up, or a disturbance, then hits every figure alike)."""
    for work in works.values():
        work()  # warm up: validators built, botocore's caches filled
    times: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(rounds):
        for name, work in works.items():
            gc.collect()  # outside the timing: what the last run left (botocore makes cycles)
            start = time.process_time()
            work()
            times[name].append(time.process_time() - start)
    return {name: min(spent) * 1000 for name, spent in times.items()}


def _validate_all(page_model: Any, bodies: dict[Any, bytes]) -> Callable[[], None]:
    def work() -> None:
        for body in bodies.values():
            page_model.model_validate_json(body)

    return work


def _listing(
    rounds: int, method: str, operation: Any, items: list[dict[str, Any]], status: str | None
) -> dict[str, float]:
    """The figures of one Batch listing (100 items a page)."""
    import run

    from batchkit import BatchClient
    from batchkit._wire.fastpath import _page_model

    bodies = run.paged_bodies(items, "jobSummaryList", "nextToken")
    empty: dict[str | None, bytes] = {}
    for key, body in bodies.items():
        page = json.loads(body)
        page["jobSummaryList"] = []
        empty[key] = json.dumps(page).encode()
    raw, typed = run._replayed_pair("batch", bodies)
    raw_empty, _ = run._replayed_pair("batch", empty)
    listing = getattr(BatchClient(typed), method)
    request: dict[str, Any] = {"jobQueue": "q"}
    if status is not None:
        request["jobStatus"] = status

    def raw_read(client: Any) -> int:
        pages = client.get_paginator(method).paginate(**request)
        return sum(1 for page in pages for _ in page["jobSummaryList"])

    works: dict[str, Callable[[], Any]] = {
        "pipeline": lambda: raw_read(raw_empty),
        "raw": lambda: raw_read(raw),
        "batchkit": lambda: sum(1 for _ in listing("q", status=status)),
        "validation": _validate_all(_page_model(operation), bodies),
    }
    return _figures(works, rounds)


def child(variant: str, rounds: int, quick: bool = False) -> dict[str, Any]:
    """One process: every figure for every operation, for one variant."""
    _give_up(variant)
    import run

    from batchkit import BatchClient
    from batchkit._spec.operations import DESCRIBE_JOBS, LIST_JOBS, LIST_SERVICE_JOBS
    from batchkit._wire.fastpath import _page_model

    n, n_details = (1_000, 200) if quick else (10_000, 2_000)
    gc.disable()
    if not quick:
        # A warm-up pass, discarded: the first seconds of a process measured slower here (the
        # first operation's every figure, by up to half), whichever operation came first.
        _listing(3, "list_jobs", LIST_JOBS, [run.summary(i) for i in range(n)], "SUCCEEDED")
    out: dict[str, Any] = {
        "ListJobs": _listing(
            rounds, "list_jobs", LIST_JOBS, [run.summary(i) for i in range(n)], "SUCCEEDED"
        ),
        "ListServiceJobs": _listing(
            rounds,
            "list_service_jobs",
            LIST_SERVICE_JOBS,
            [run.service_summary(i) for i in range(n)],
            None,
        ),
    }
    details = [run.detail(i) for i in range(n_details)]
    ids = [d["jobId"] for d in details]
    chunks = {ids[i]: details[i : i + 100] for i in range(0, len(ids), 100)}
    bodies = {key: json.dumps({"jobs": jobs}).encode() for key, jobs in chunks.items()}
    empty = dict.fromkeys(chunks, b'{"jobs": []}')
    raw, typed = run._replayed_pair("batch", bodies)
    raw_empty, _ = run._replayed_pair("batch", empty)
    batch = BatchClient(typed)

    def describe(client: Any) -> int:
        return sum(
            len(client.describe_jobs(jobs=ids[i : i + 100])["jobs"])
            for i in range(0, len(ids), 100)
        )

    works: dict[str, Callable[[], Any]] = {
        "pipeline": lambda: describe(raw_empty),
        "raw": lambda: describe(raw),
        "batchkit": lambda: sum(1 for _ in batch.describe_jobs(ids)),
        "validation": _validate_all(_page_model(DESCRIBE_JOBS), bodies),
    }
    out["DescribeJobs"] = _figures(works, rounds)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="runs per figure (the minimum)")
    parser.add_argument("--quick", action="store_true", help="small sizes, one round")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds = 1
    if args.child is not None:
        print(json.dumps(child(args.child, args.rounds, args.quick)))
        return 0
    results: dict[str, dict[str, Any]] = {}
    for name, variant in VARIANTS.items():
        quick = ["--quick"] if args.quick else []
        done = subprocess.run(
            [sys.executable, __file__, "--child", variant, "--rounds", str(args.rounds), *quick],
            check=True,
            capture_output=True,
            text=True,
        )
        results[name] = json.loads(done.stdout)
    shipped = results["as shipped"]
    print("CPU time (gc off, no heap), ms, minimum of", args.rounds, "runs\n")
    for operation, figures in shipped.items():
        pipeline, raw, typed = figures["pipeline"], figures["raw"], figures["batchkit"]
        print(
            f"{operation}: botocore pipeline {pipeline:.1f} (both sides), raw {raw:.1f}, "
            f"batchkit {typed:.1f} -> {raw / typed:.2f}x"
        )
        print(
            f"  of batchkit's {typed:.1f}: validation {figures['validation']:.1f}, "
            f"pager and the rest {typed - pipeline - figures['validation']:.1f}"
        )
        ceiling = raw / (pipeline + figures["validation"])
        print(f"  ceiling with nothing but pipeline + validation: {ceiling:.2f}x")
        for name in list(VARIANTS)[1:]:
            other = results[name][operation]
            print(
                f"  {name:<28} validation {other['validation']:6.1f}, batchkit "
                f"{other['batchkit']:6.1f} -> {other['raw'] / other['batchkit']:.2f}x"
            )
        print()
    if not args.quick:
        (HERE / "results-ceiling.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
