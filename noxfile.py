"""Every check the project runs, as nox sessions.  ``nox`` alone runs the default set.

Dependency versions come from ``constraints.txt`` so that a fresh machine checks the same
botocore the models were generated from (``python -m batchkit._codegen`` records it).
"""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "typecheck", "lint"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True

PYTHON = "3.11"
CONSTRAINTS = ("-c", "constraints.txt")


def install_dev(session: nox.Session) -> None:
    session.install(*CONSTRAINTS, "-e", ".[dev]")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """pytest with branch coverage of batchkit/ (fails under 90%).

    ``coverage run`` rather than pytest-cov: batchkit's pytest plugin (``batchkit_fake``) is
    imported before pytest-cov would start measuring.
    """
    install_dev(session)
    session.run("coverage", "erase")
    session.run("coverage", "run", "-m", "pytest", *session.posargs)
    session.run("coverage", "report", "--show-missing", "--skip-covered", "--fail-under=90")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package, the tests, the examples and this file."""
    install_dev(session)
    session.install(*CONSTRAINTS, "nox")
    session.run("mypy", "--strict", "batchkit", "tests", "examples", "bench", "noxfile.py")


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install(*CONSTRAINTS, "ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks against raw boto3 (not in the default run): bench/results.json."""
    install_dev(session)
    session.run("python", "bench/run.py", *session.posargs)


@nox.session(python=PYTHON, default=False)
def generate(session: nox.Session) -> None:
    """Regenerate batchkit/_generated_models.py from the pinned botocore."""
    install_dev(session)
    session.run("python", "-m", "batchkit._codegen")
