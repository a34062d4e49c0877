"""One fresh process of the first-item benchmark (``bench/first_item.py``).

``python _first_item_child.py raw|batchkit PAGE_FILE [trace]`` times, from before the first
import of anything AWS, what a script does to get its first ListJobs item -- written the way
each library's documentation shows it:

* raw: ``boto3.client("batch", config=...)``, its ``list_jobs`` paginator, the first page's
  first item (a dict);
* batchkit: ``BatchClient(config=...).list_jobs(...).first()`` (a ``JobSummary``).

Both make their client from boto3's default session, with the same ``Config`` (retries mode
and attempts: ``RETRIES``), and both are answered with the same page (``PAGE_FILE``, read
before the clock starts) at botocore's ``before-send`` (``_replay.replay_session``).
Nothing is collected by hand: the garbage collector runs where it would in a user's
process; the collections it ran inside the window are reported, and with ``trace`` how long
each took (a ``gc.callbacks`` hook, left out of the timed runs).  Prints one JSON line.
"""

from __future__ import annotations

import gc
import sys
import time
from typing import Any

#: Must equal ``_measure.RETRIES`` (bench/first_item.py checks): defined here so that
#: nothing but this file is imported before the clock starts.
RETRIES: dict[str, Any] = {"mode": "adaptive", "total_max_attempts": 10}


def main() -> int:
    side, page_path = sys.argv[1], sys.argv[2]
    trace = sys.argv[3:] == ["trace"]
    with open(page_path, "rb") as file:
        page = file.read()
    pauses: list[list[float]] = []
    started: list[float] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        else:
            pauses.append([info["generation"], (time.perf_counter() - started.pop()) * 1000])

    if trace:
        gc.callbacks.append(on_gc)
    before = [generation["collections"] for generation in gc.get_stats()]
    start = time.perf_counter()

    import boto3
    from _replay import replay_session
    from botocore.config import Config

    boto3.setup_default_session()
    replay_session(boto3.DEFAULT_SESSION, lambda _operation, _key: page)
    config = Config(retries=dict(RETRIES))  # type: ignore[arg-type]
    if side == "raw":
        client = boto3.client("batch", config=config)
        pages = client.get_paginator("list_jobs").paginate(jobQueue="q", jobStatus="SUCCEEDED")
        first = next(iter(pages))["jobSummaryList"][0]
        job_id = first["jobId"]
    else:
        from batchkit import BatchClient

        job = BatchClient(config=config).list_jobs("q", status="SUCCEEDED").first()
        assert job is not None
        job_id = job.job_id

    elapsed = time.perf_counter() - start
    after = [generation["collections"] for generation in gc.get_stats()]
    if trace:
        gc.callbacks.remove(on_gc)
    import json
    import os

    uncompiled = sorted(
        name
        for name, module in list(sys.modules.items())
        if (spec := getattr(module, "__spec__", None)) is not None
        and spec.cached
        and str(spec.origin).endswith(".py")
        and not os.path.exists(spec.cached)
    )
    batchkit = sys.modules.get("batchkit")
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "job_id": job_id,
                "collections": [b - a for a, b in zip(before, after, strict=True)],
                "pauses_ms": pauses,
                "uncompiled": uncompiled,
                "modules": len(sys.modules),
                "batchkit_from": getattr(batchkit, "__file__", None),
                "retries": config.retries,  # type: ignore[attr-defined]
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
