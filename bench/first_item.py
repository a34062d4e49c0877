"""The first typed item and the start-up, as an installed user meets them.

Run: ``python bench/first_item.py [--quick] [--rounds N]`` (``bench/run.py`` runs it too).

What a user installs is a wheel, compiled to bytecode by the installer; a checkout's
editable install is not that (and with ``PYTHONDONTWRITEBYTECODE`` set, or a read-only
tree, it compiles every module on every start).  So this benchmark

1. builds batchkit's wheel once and installs it, with ``constraints.txt``'s versions of
   boto3, botocore and pydantic, into a fresh virtual environment of its own (pip compiles
   every module; the environment is kept in the temporary directory, keyed by the Python
   and the constraints, and the wheel reinstalled when it changed);
2. runs ``_first_item_child.py`` in that environment, in fresh processes, from a scratch
   directory (so nothing is imported from the checkout): raw boto3 and batchkit
   **interleaved** (the order alternating each round), several rounds; each process times
   ``import + client + first item`` itself, from before its first import;
3. checks in every process that no module it imported lacked its bytecode and that batchkit
   came from the installed wheel, and reports the garbage collections that ran inside the
   window (not moved out of it: where they land is part of what a user waits for), with
   one extra traced process per side for how long they took;
4. times ``import boto3`` / ``import batchkit`` and the first client the same way.

``--quick`` (the smoke test) uses the running interpreter instead of a wheel environment.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import py_compile
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from _data import summary  # noqa: E402
from _first_item_child import RETRIES as CHILD_RETRIES  # noqa: E402
from _measure import RETRIES, load, spread  # noqa: E402

assert CHILD_RETRIES == RETRIES, "the first-item child must configure clients as the others"

CHILD = HERE / "_first_item_child.py"
#: What every fresh process gets: credentials and region as a user's environment gives them,
#: and no shared config file (a developer's ~/.aws/config could change the retry mode).
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "k",
    "AWS_SECRET_ACCESS_KEY": "s",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, check=True, text=True, capture_output=True, **kwargs)
    except subprocess.CalledProcessError as error:
        raise RuntimeError(
            f"{' '.join(command[:4])} ... failed ({error.returncode}):\n{error.stderr[-3000:]}"
        ) from error


def wheel_python() -> Path:
    """The interpreter of a fresh environment holding batchkit's wheel and its pinned
    dependencies, all compiled to bytecode (built or refreshed as needed)."""
    constraints = REPO / "constraints.txt"
    key = hashlib.sha256(constraints.read_bytes() + sys.version.encode() + sys.executable.encode())
    root = Path(tempfile.gettempdir()) / "batchkit-bench"
    venv = root / f"venv-{key.hexdigest()[:12]}"
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    marker = venv / "batchkit-wheel.sha256"  # written once the install succeeded
    if not python.exists():
        print(f"first item: a fresh environment in {venv} ...", flush=True)
        _run([sys.executable, "-m", "venv", str(venv)])
    with tempfile.TemporaryDirectory(dir=root) as dist:
        _run([str(python), "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, str(REPO)])
        (wheel,) = Path(dist).glob("*.whl")
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if not marker.exists() or marker.read_text() != digest:
            pip = [str(python), "-m", "pip", "install", "-q", "-c", str(constraints)]
            if marker.exists():  # the dependencies are in: only batchkit changed
                pip += ["--no-deps", "--force-reinstall"]
            _run([*pip, str(wheel)])  # pip compiles every installed module (--compile)
            marker.write_text(digest)
    return python


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON"))}
    env |= AWS_ENV
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # read the installed bytecode, write none
    return env


class Runner:
    """Fresh processes of one interpreter, from a scratch directory."""

    def __init__(self, python: Path | str, scratch: Path, compiled: bool) -> None:
        self.python = str(python)
        self.environment = str(Path(self.python).parent.parent)  # venv/bin/python -> venv
        self.compiled = compiled  # every module imported must have its bytecode
        self.scratch = scratch
        self.env = _environment()
        self.page = scratch / "page.json"
        page = {"jobSummaryList": [summary(i) for i in range(100)], "nextToken": "p100"}
        self.page.write_text(json.dumps(page))
        py_compile.compile(str(HERE / "_replay.py"), doraise=True)

    def child(self, side: str, *extra: str) -> tuple[dict[str, Any], float]:
        start = time.perf_counter()
        done = _run(
            [self.python, str(CHILD), side, str(self.page), *extra],
            cwd=self.scratch,
            env=self.env,
        )
        wall = time.perf_counter() - start
        out: dict[str, Any] = json.loads(done.stdout)
        if self.compiled and out["uncompiled"]:
            raise AssertionError(f"{side}: imported without bytecode: {out['uncompiled'][:10]}")
        if out["retries"] != RETRIES:
            raise AssertionError(f"{side}: retries {out['retries']}")
        return out, wall

    def statement(self, code: str) -> float:
        start = time.perf_counter()
        _run([self.python, "-c", code], cwd=self.scratch, env=self.env)
        return time.perf_counter() - start


def bench_first_item(runner: Runner, rounds: int, warm: bool = True) -> dict[str, Any]:
    """``rounds`` interleaved pairs of fresh processes: the in-process time of import +
    client + first item on each side, their per-round ratio (batchkit / raw: lower is
    better), and the garbage collections inside the window."""
    if warm:
        runner.child("raw"), runner.child("batchkit")  # warm the OS file cache
    seconds: dict[str, list[float]] = {"raw": [], "batchkit": []}
    walls: dict[str, list[float]] = {"raw": [], "batchkit": []}
    collections: dict[str, list[list[int]]] = {"raw": [], "batchkit": []}
    uncompiled = {"raw": 0, "batchkit": 0}
    job_ids: set[str] = set()
    loads = [load()]
    for round_ in range(rounds):
        for side in ("raw", "batchkit") if round_ % 2 == 0 else ("batchkit", "raw"):
            out, wall = runner.child(side)
            # both read the same item; the raw side never loads batchkit; the typed side
            # loads the wheel's (not the checkout's) when measuring the installed wheel
            job_ids.add(out["job_id"])
            if side == "raw":
                assert out["batchkit_from"] is None, out["batchkit_from"]
            elif runner.compiled:
                assert out["batchkit_from"].startswith(runner.environment), out["batchkit_from"]
            seconds[side].append(out["seconds"])
            walls[side].append(wall)
            collections[side].append(out["collections"])
            uncompiled[side] = max(uncompiled[side], len(out["uncompiled"]))
    loads.append(load())
    assert len(job_ids) == 1, job_ids
    traced = {side: runner.child(side, "trace")[0]["pauses_ms"] for side in ("raw", "batchkit")}
    ratios = [t / r for r, t in zip(seconds["raw"], seconds["batchkit"], strict=True)]
    wall_ratios = [t / r for r, t in zip(walls["raw"], walls["batchkit"], strict=True)]

    def gc_summary(side: str) -> dict[str, Any]:
        full = [c[2] for c in collections[side]]
        pauses = traced[side]
        return {
            "collections_per_process": [
                statistics.median(c[g] for c in collections[side]) for g in range(3)
            ],
            "processes_with_a_full_collection": sum(1 for f in full if f) / len(full),
            "traced_full_collections_ms": [round(ms, 1) for gen, ms in pauses if gen == 2],
            "traced_all_collections_ms": round(sum(ms for _gen, ms in pauses), 1),
        }

    return {
        "benchmark": "first typed ListJobs item: import + client + first item, fresh process",
        "install": (
            "wheel, compiled (fresh environment)" if runner.compiled else "running interpreter"
        ),
        "rounds": rounds,
        "raw_boto3_s": spread(seconds["raw"], 3),
        "batchkit_s": spread(seconds["batchkit"], 3),
        "ratio": spread(ratios),
        "process_wall_ratio": spread(wall_ratios),
        "modules_without_bytecode": uncompiled,
        "gc": {side: gc_summary(side) for side in ("raw", "batchkit")},
        "load": loads,
    }


def bench_import(runner: Runner, rounds: int, quick: bool = False) -> list[dict[str, Any]]:
    """Fresh-process wall times (the interpreter's start included), interleaved
    (``quick``: the first pair only, no warm-up)."""
    pairs = {
        "`import batchkit` vs `import boto3`": ("import boto3", "import batchkit"),
        "`from batchkit import BatchClient, JobFilter` vs `import boto3`": (
            "import boto3",
            "from batchkit import BatchClient, JobFilter",
        ),
        "first client: BatchClient() vs boto3.client('batch')": (
            "import boto3; boto3.client('batch')",
            "from batchkit import BatchClient; BatchClient()",
        ),
    }
    rows = []
    for name, (raw_code, typed_code) in list(pairs.items())[: 1 if quick else None]:
        raw_s: list[float] = []
        typed_s: list[float] = []
        if not quick:
            runner.statement(raw_code), runner.statement(typed_code)
        for round_ in range(rounds):
            order = [(raw_code, raw_s), (typed_code, typed_s)]
            for code, times in order if round_ % 2 == 0 else order[::-1]:
                times.append(runner.statement(code))
        rows.append(
            {
                "benchmark": name,
                "raw_boto3_s": spread(raw_s, 3),
                "batchkit_s": spread(typed_s, 3),
                "ratio": spread([t / r for r, t in zip(raw_s, typed_s, strict=True)]),
            }
        )
    return rows


def run(quick: bool, rounds: int | None = None) -> dict[str, Any]:
    """Both benchmarks: in the wheel environment, or (``quick``) the running interpreter."""
    python: Path | str = sys.executable if quick else wheel_python()
    with tempfile.TemporaryDirectory() as scratch:
        runner = Runner(python, Path(scratch), compiled=not quick)
        first = bench_first_item(runner, rounds or (1 if quick else 15), warm=not quick)
        imports = bench_import(runner, 1 if quick else 9, quick=quick)
    return {"first_item": first, "import": imports}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the running interpreter, 2 rounds")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 15)")
    args = parser.parse_args(argv)
    results = run(args.quick, args.rounds)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
