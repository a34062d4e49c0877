"""The public surface: one version string, complete and sorted ``__all__``s whose objects
report their public path, a pytest plugin that imports nothing heavy, and no doctest lost
on the way."""

from __future__ import annotations

import ast
import doctest
import importlib
import importlib.metadata
import inspect
import pickle
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import batchkit
import batchkit.aio
import batchkit.events
import batchkit.models
import batchkit.testing
from batchkit import JobFilter, JobNotFoundError
from batchkit._version import __version__
from batchkit.models import JobStatus, JobSummary

ROOT = Path(__file__).parents[2]
PACKAGE = ROOT / "batchkit"
DISTRIBUTION = "batchkit-aws"  # `batchkit` on PyPI is another project (docs/decisions.md)
PUBLIC: dict[str, ModuleType] = {
    "batchkit": batchkit,
    "batchkit.aio": batchkit.aio,
    "batchkit.events": batchkit.events,
    "batchkit.models": batchkit.models,
    "batchkit.testing": batchkit.testing,
}


# ---------------------------------------------------------------------------- version


def test_one_version_string() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert batchkit.__version__ == __version__
    from batchkit._core.config import DEFAULT_CONFIG as _DEFAULT_CONFIG

    user_agent_extra: object = getattr(_DEFAULT_CONFIG, "user_agent_extra", None)
    assert user_agent_extra == f"batchkit/{__version__}"
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'name = "{DISTRIBUTION}"' in pyproject
    assert 'dynamic = ["version"]' in pyproject
    assert '[tool.hatch.version]\npath = "batchkit/_version.py"' in pyproject
    assert "\nversion =" not in pyproject


def test_installed_distribution_has_the_version() -> None:
    try:
        installed = importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        pytest.fail(f"{DISTRIBUTION} is not installed here: `python -m pip install -e .`")
    assert installed == __version__, "stale install metadata: `python -m pip install -e .`"


def test_cli_reports_the_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "batchkit", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert __version__ in result.stdout


# ---------------------------------------------------------------------------- __all__


def isort_key(name: str) -> tuple[int, list[str | int]]:
    """ruff's RUF022 order: SCREAMING_CASE, then CamelCase, then the rest; natural sort."""
    category = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    parts = re.split(r"(\d+)", name)
    return category, [int(part) if part.isdigit() else part for part in parts]


@pytest.mark.parametrize("name", PUBLIC)
def test_exported_members(name: str) -> None:
    module = PUBLIC[name]
    exported = list(module.__all__)
    assert exported == sorted(exported, key=isort_key), f"{name}.__all__ is not sorted"
    assert len(set(exported)) == len(exported), f"{name}.__all__ has duplicates"
    private = [n for n in exported if n.startswith("_") and not n.startswith("__")]
    assert not private, f"{name}.__all__ lists private names"
    public = {
        attribute
        for attribute in dir(module)
        if not attribute.startswith("_") and not inspect.ismodule(getattr(module, attribute))
    }
    assert public - set(exported) == set(), f"public but missing from {name}.__all__"
    for attribute in exported:
        value = getattr(module, attribute)  # every name resolves (lazy ones included)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__module__ == name, f"{name}.{attribute} reports {value.__module__}"
            # pickle finds classes (and functions) by __module__ + __qualname__
            assert getattr(sys.modules[value.__module__], value.__qualname__) is value


def test_public_classes_pickle_and_repr_by_their_public_path() -> None:
    job = JobSummary.model_validate({"jobId": "1", "jobName": "n", "status": "FAILED"})
    assert pickle.loads(pickle.dumps(job)) == job
    assert repr(job) == "JobSummary(job_id='1', job_name='n', status=JobStatus.FAILED)"
    assert pickle.loads(pickle.dumps(JobStatus.from_wire("NEW_THING"))) is JobStatus.from_wire(
        "NEW_THING"
    )
    job_filter = JobFilter.job_name("train-*")
    assert pickle.loads(pickle.dumps(job_filter)) == job_filter
    assert repr(batchkit.BatchClient) == "<class 'batchkit.BatchClient'>"
    assert repr(JobSummary) == "<class 'batchkit.models.JobSummary'>"
    assert repr(batchkit.testing.FakeAWS) == "<class 'batchkit.testing.FakeAWS'>"
    stub = batchkit.testing.load_stubs("batch_list_jobs_documented")[0]
    assert pickle.loads(pickle.dumps(stub)) == stub
    assert repr(stub).startswith("Stub(service='batch', operation='list_jobs'")


def test_tracebacks_name_errors_by_their_public_path() -> None:
    error = JobNotFoundError(["j1"])
    assert type(error).__module__ == "batchkit"
    assert "batchkit.JobNotFoundError: job(s) not found: j1" in "".join(
        __import__("traceback").format_exception_only(type(error), error)
    )


def test_type_checkers_do_not_see_a_catch_all_getattr() -> None:
    # A module-level __getattr__ visible to mypy or pyright makes every typo an `Any`.
    for module in PUBLIC.values():
        source = Path(module.__file__ or "").read_text()
        tree = ast.parse(source)
        top_level = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
        assert "__getattr__" not in top_level, module.__name__


# ---------------------------------------------------------------------------- import cost


def imported_by(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(result.stdout.split())


HEAVY = {"boto3", "pydantic", "pydantic_core", "batchkit.testing._fake", "batchkit.testing._wire"}


def test_pytest_plugin_imports_nothing_heavy() -> None:
    # pytest imports the plugin (entry point pytest11) in every run of every project that
    # has batchkit installed; FakeAWS comes when a test asks for the batchkit_fake fixture.
    assert imported_by("import batchkit.testing.plugin") & HEAVY == set()
    assert imported_by("import batchkit.testing") & HEAVY == set()
    assert imported_by("import batchkit") & HEAVY == set()
    assert imported_by("import batchkit.events") & HEAVY == set()  # a Lambda's cold start


def test_a_public_testing_name_imports_its_module_on_first_use() -> None:
    modules = imported_by("from batchkit.testing import load_stubs")
    assert "batchkit.testing._stubs" in modules
    assert "boto3" in imported_by("from batchkit.testing import FakeAWS")


def test_the_plugin_fixture_works_in_a_fresh_pytest_run(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(
        "from batchkit import BatchClient\n\n"
        "def test_report(batchkit_fake):\n"
        "    batchkit_fake.add_job('q', job_name='etl', status='FAILED', exit_code=2)\n"
        "    jobs = BatchClient().list_jobs('q', status='FAILED')\n"
        "    assert [j.exit_code for j in jobs] == [2]\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


# ---------------------------------------------------------------------------- doctests


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_doctest_is_lost_to_the_public_paths() -> None:
    """Every docstring with an example is collected by ``--doctest-modules``, although its
    class now reports a public ``__module__`` (batchkit/_exports.py)."""
    written: dict[str, str] = {}
    collected: set[str] = set()
    finder = doctest.DocTestFinder()
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__main__.py":  # pytest does not collect it either
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                docstring = ast.get_docstring(node)
                if docstring and ">>>" in docstring:
                    name = getattr(node, "name", path.name)
                    written[docstring] = f"{path.relative_to(ROOT)}: {name}"
        module = importlib.import_module(module_name(path))
        for test in finder.find(module, module.__name__):
            if test.examples and test.docstring:
                collected.add(inspect.cleandoc(test.docstring))
    lost = [where for docstring, where in written.items() if docstring not in collected]
    assert not lost
    assert len(written) >= 10
