"""Every check the project runs, as nox sessions.  ``nox`` alone runs the default set.

Dependency versions come from ``constraints.txt`` so that a fresh machine checks the same
botocore the models were generated from (``python -m batchkit._spec.codegen`` records it).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.options.sessions = ["tests", "tests_async", "typecheck", "lint", "docs", "package"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
# uv makes the environments (seconds instead of minutes for five sessions); plain virtualenv
# and pip where uv is not installed.  uv never downloads an interpreter here: the machine's.
nox.options.default_venv_backend = "uv|virtualenv"

# The tests run on every supported Python (.ci/run puts pyenv's builds on PATH); the other
# sessions on the interpreter nox itself runs on.  constraints.txt pins each version's set.
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
PYTHON = None
CONSTRAINTS = ("-c", "constraints.txt")
# The [async] extra: aiobotocore pins a narrow botocore range (older than the newest boto3
# constraints.txt tests), so the async face is tested in a session of its own.
ASYNC_CONSTRAINTS = ("-c", "constraints-async.txt")
ASYNC_CODE = "batchkit/_async/*,batchkit/testing/_aio.py"
ASYNC_TESTS = (
    "tests/aio",  # what only the async face has
    "tests/clients",  # the clients' behaviour: tests taking `face` run on both clients
    "batchkit/_async",  # the async face's examples (docstrings)
    "batchkit/aio",
    "tests/archive/test_async.py",  # the archive fed by the async client
    "tests/contract/test_stub_files.py",  # types-aiobotocore against the installed aiobotocore
    "tests/contract/test_botocore_internals.py",  # aiobotocore's internals and its botocore's
    "tests/meta/test_bench.py",  # the benchmarks' smoke runs, bench/run_async.py's included
)


def install_dev(session: nox.Session) -> None:
    session.install(*CONSTRAINTS, "-e", ".[dev]")


#: The version whose test run also measures coverage (the others run the same tests faster).
COVERAGE_PYTHON = "3.11"
#: The version that runs every fuzzer with all its examples (no coverage tracing slows it).
FULL_FUZZ_PYTHON = "3.13"
#: What does not depend on the interpreter: the docs, notebook, benchmark and architecture
#: checks (tests/meta) run on the coverage Python and the newest one only.
INTERPRETER_FREE = ["--ignore=tests/meta"]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """pytest on every supported Python (both cores, pytest-xdist); on 3.11 with branch
    coverage of batchkit/ (fails under 90%).

    Every test runs on every Python, with two exceptions that keep CI within its ~20 minutes:
    the fuzzers run all their examples on 3.13 (and in ``tests_async``), a quarter of them
    elsewhere (tests/fuzz.py); tests/meta (docs, notebook, benchmarks, architecture: nothing
    an interpreter changes) runs on 3.11 and 3.13.

    ``coverage run`` rather than pytest-cov: batchkit's pytest plugin (``batchkit_fake``) is
    imported before pytest-cov would start measuring.
    """
    install_dev(session)
    env = {"BATCHKIT_FUZZ_SCALE": "1" if session.python == FULL_FUZZ_PYTHON else "4"}
    if session.python != COVERAGE_PYTHON:
        # no coverage to combine: both cores (pytest-xdist)
        skip = [] if session.python == FULL_FUZZ_PYTHON or session.posargs else INTERPRETER_FREE
        session.run("pytest", "-n", "2", *skip, *session.posargs, env=env)
        return
    session.run("coverage", "erase")
    # both cores here too: coverage follows the pytest-xdist workers (patch = subprocess)
    session.run("coverage", "run", "-m", "pytest", "-n", "2", *session.posargs, env=env)
    session.run("coverage", "combine", "--quiet")
    # batchkit.aio needs the [async] extra: its coverage is measured by tests_async
    session.run(
        "coverage",
        "report",
        "--show-missing",
        "--skip-covered",
        "--fail-under=90",
        f"--omit={ASYNC_CODE}",
    )


@nox.session(python=PYTHON)
def tests_async(session: nox.Session) -> None:
    """The whole suite with ``batchkit[async]`` and the botocore aiobotocore allows.

    The behavioural tests using the ``face`` fixture then run on the sync and the async
    client; tests/test_aio*.py (cancellation, concurrency, moto in server mode) run here
    only (they skip without aiobotocore).
    """
    session.install(*ASYNC_CONSTRAINTS, "-e", ".[dev,async]", "moto[server]")
    session.run("coverage", "erase")
    # the async-only tests and the behavioural tests that run on both faces (the rest of
    # the suite runs in `tests`): `nox -s tests_async -- tests` runs everything here
    session.run("coverage", "run", "-m", "pytest", "-n", "2", *(session.posargs or ASYNC_TESTS))
    session.run("coverage", "combine", "--quiet")
    session.run(
        "coverage",
        "report",
        "--show-missing",
        "--fail-under=90",
        f"--include={ASYNC_CODE}",
    )


@nox.session(python=PYTHON, default=False)
def bench_async(session: nox.Session) -> None:
    """The async benchmark against aiobotocore's paginator, interleaved, with a live heap:
    bench/results_async.json (``-- --quick``: a smoke run)."""
    session.install(*ASYNC_CONSTRAINTS, "-e", ".[dev,async]")
    session.run("python", "bench/run_async.py", *session.posargs)


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on everything (the docs' python blocks too); pyright strict on the public
    API as users meet it.

    tests/typing/ pins the public types with assert_type and holds misuse that must be
    rejected (each such line carries a ``# type: ignore[code]`` that both checkers flag as
    unnecessary the day the misuse type-checks).
    """
    install_dev(session)
    session.run("mypy", "--strict", "batchkit", "tests", "examples", "bench", "tools", "noxfile.py")
    session.run("python", "tools/typecheck_docs.py")
    session.run("pyright")


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check; the generated sync face matches its async source."""
    session.install(*CONSTRAINTS, "ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("python", "tools/unasync.py", "--check")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation site in strict mode (warnings are errors)."""
    session.install(*CONSTRAINTS, "-e", ".[docs]")
    session.run(
        "mkdocs", "build", "--strict", "--site-dir", "site", env={"NO_MKDOCS_2_WARNING": "1"}
    )


@nox.session(python=PYTHON)
def package(session: nox.Session) -> None:
    """Build the wheel and the sdist, check what they hold, install the wheel and use it."""
    session.install(*CONSTRAINTS, "build")
    dist = Path(session.create_tmp()) / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    session.run("python", "-m", "build", "--outdir", str(dist), ".")
    session.run("python", "tools/check_dist.py", str(dist))
    (wheel,) = dist.glob("*.whl")
    session.install(*CONSTRAINTS, str(wheel), "pytest")  # pytest: to import the plugin
    with session.chdir(dist):  # import the installed package, not the checkout
        session.run("python", str(Path(__file__).parent / "tools" / "check_installed.py"))


@nox.session(python=PYTHON, default=False)
def demo(session: nox.Session) -> None:
    """Install the package as a user would and run the README's first command."""
    session.install(*CONSTRAINTS, ".")
    session.run("batchkit", "demo")


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks against raw boto3 (not in the default run): bench/results.json (the first
    item and start-up from batchkit's wheel, installed with bytecode into an environment of
    the benchmark's own), then the ceiling of each
    throughput ratio (bench/results-ceiling.json) and where the time goes.

    ``nox -s bench -- --quick`` is a smoke run of the first part only.
    """
    install_dev(session)
    session.run("python", "bench/run.py", *session.posargs)
    if "--quick" not in session.posargs:
        session.run("python", "bench/ceiling.py")
        session.run("python", "bench/profiles.py")


@nox.session(python=PYTHON, default=False)
def bench_latency(session: nox.Session) -> None:
    """The latency benchmark (not in the default run): every request 50 ms on the wire, a
    loopback HTTP endpoint; raw boto3's paginators against batchkit, bench/results-latency.json.

    ``nox -s bench_latency -- --quick`` is a smoke run (seconds).
    """
    install_dev(session)
    session.run("python", "bench/latency.py", *session.posargs)


@nox.session(python=PYTHON, default=False)
def generate(session: nox.Session) -> None:
    """Regenerate batchkit/_spec/models/all.py from the pinned botocore."""
    install_dev(session)
    session.run("python", "-m", "batchkit._spec.codegen")
