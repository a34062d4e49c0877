"""The types mypy and pyright see for the third-party libraries batchkit's code, tests, tools,
bench and examples import, held to the installed libraries.

moto and nbclient ship their own annotations (``py.typed``).  pyarrow ships none and its stub
package lags its releases: the names batchkit uses are declared in the checkout's ``stubs/``
(mypy's ``mypy_path``, pyright's ``stubPath``).  aiobotocore ships none: its types
come from the ``types-aiobotocore`` stub package (the base of the ``types-aiobotocore-batch``
and ``-s3control`` packages batchkit already uses), which ``nox -s typecheck`` sees without
aiobotocore installed.  Here, for every aiobotocore name the sources use, the stub file
declares it and the installed library really has it; for each function, and each method the
stub declares on a class the sources use, the real signature accepts the stub's parameter
names.  A library that is not installed here is skipped, with the reason shown.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import importlib.util
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

ROOT = Path(__file__).parents[2]
SOURCES = ("batchkit", "tests", "tools", "bench", "examples", "noxfile.py")

#: The checkout's own stubs (stubs/README.md).
LOCAL = "stubs/"

#: A library the sources import -> the stub distribution typing it (None: typed inline;
#: LOCAL: the checkout's ``stubs/``).
TYPE_SOURCES: dict[str, str | None] = {
    "moto": None,
    "nbclient": None,
    "aiobotocore": "types-aiobotocore",
    "pyarrow": LOCAL,
    "jmespath": "types-jmespath",
}

_Function = ast.FunctionDef | ast.AsyncFunctionDef


class Use(NamedTuple):
    """``from module import name`` (or ``module.name``, or ``"module.name"``); ``name`` is
    None for ``import module``."""

    module: str
    name: str | None


def _python_files() -> Iterator[Path]:
    for source in SOURCES:
        path = ROOT / source
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        yield from (f for f in files if f != Path(__file__))  # this file only names them


def used_names(library: str) -> set[Use]:
    """Every name of ``library`` the sources import, read as an attribute of the imported
    module, or name in a dotted string (``monkeypatch.setattr("library.module.name", ...)``)."""
    dotted = re.compile(rf"{library}(\.[A-Za-z_]\w*)+")
    uses: set[Use] = set()
    for path in _python_files():
        tree = ast.parse(path.read_text(), str(path))
        # ``import pyarrow.parquet as pq``: ``pq.write_table`` is pyarrow.parquet's
        aliases = {
            alias.asname or alias.name: alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
            if alias.name == library or alias.name.startswith(f"{library}.")
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module == library or node.module.startswith(f"{library}."):
                    uses.update(Use(node.module, alias.name) for alias in node.names)
            elif isinstance(node, ast.Import):
                uses.update(
                    Use(alias.name, None)
                    for alias in node.names
                    if alias.name == library or alias.name.startswith(f"{library}.")
                )
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
            ):
                uses.add(Use(aliases[node.value.id], node.attr))
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and dotted.fullmatch(node.value)
            ):
                module, name = node.value.rsplit(".", 1)
                uses.add(Use(node.value, None) if _is_module(node.value) else Use(module, name))
    return uses


def _is_module(dotted: str) -> bool:
    try:
        return importlib.util.find_spec(dotted) is not None
    except ImportError:  # ``package.attribute``: not a module
        return False


def stub_module(distribution: str, module: str) -> ast.Module:
    """The parsed ``.pyi`` for ``module`` in the stub distribution (``<package>-stubs/``)."""
    package, *rest = module.split(".")
    if distribution == LOCAL:
        base = ROOT / "stubs" / package / Path(*rest) if rest else ROOT / "stubs" / package
        for path in (base.with_suffix(".pyi"), base / "__init__.pyi"):
            if path.is_file():
                return ast.parse(path.read_text(), str(path))
        raise AssertionError(f"stubs/ has no stub file for {module}")
    base = Path(f"{package}-stubs", *rest)
    for candidate in (base.with_suffix(".pyi"), base / "__init__.pyi"):
        path = Path(str(importlib.metadata.distribution(distribution).locate_file(candidate)))
        if path.is_file():
            return ast.parse(path.read_text(), str(path))
    raise AssertionError(f"{distribution} has no stub file for {module}")


def declarations(body: list[ast.stmt]) -> dict[str, list[ast.stmt]]:
    """Name -> its declarations (overloads give several) in a stub module or class body."""
    found: dict[str, list[ast.stmt]] = {}
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.setdefault(node.name, []).append(node)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            found.setdefault(node.target.id, []).append(node)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node)
        elif isinstance(node, ast.ImportFrom):
            # a re-export: ``from x import Y as Y``
            for alias in node.names:
                if alias.asname == alias.name:
                    found.setdefault(alias.name, []).append(node)
    return found


def rejected_parameters(stub: _Function, real: Any) -> list[str]:
    """The stub's parameter names that ``real``'s signature does not accept by keyword
    (positional-only ones and ``self``/``cls`` aside).  A protocol method's (``__aexit__``)
    are passed by position, by the statement that calls it: only its count could matter."""
    if _is_protocol_method(stub.name):
        return []
    signature = inspect.signature(real)
    takes_any_keyword = any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values()
    )
    by_keyword = {
        name
        for name, p in signature.parameters.items()
        if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    }
    arguments = stub.args
    return [
        a.arg
        for a in [*arguments.args, *arguments.kwonlyargs]
        if a.arg not in ("self", "cls")
        and not a.arg.startswith("__")  # positional-only, by the stub convention
        and a.arg not in by_keyword
        and not takes_any_keyword
    ]


def _is_protocol_method(name: str) -> bool:
    return name.startswith("__") and name.endswith("__") and name not in ("__init__", "__new__")


def check_use(distribution: str, use: Use) -> list[str]:
    """What is wrong with the stub's view of ``use`` (empty: nothing)."""
    stub = stub_module(distribution, use.module)
    real_module = importlib.import_module(use.module)
    if use.name is None:
        return []
    declared = declarations(stub.body).get(use.name)
    if not declared:
        return [f"{use.module}.{use.name}: not declared in {distribution}'s stub"]
    if not hasattr(real_module, use.name):
        return [f"{use.module}.{use.name}: declared in the stub, missing from the library"]
    real = getattr(real_module, use.name)
    problems: list[str] = []
    for node in declared:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            problems += [
                f"{use.module}.{use.name}: the library takes no parameter {name!r}"
                for name in rejected_parameters(node, real)
            ]
        elif isinstance(node, ast.ClassDef):
            problems += _check_class(f"{use.module}.{use.name}", node, real)
    return problems


def _instance_attributes(real: type[Any]) -> set[str]:
    """The attributes a class's own code assigns on instances (``self.name = ...`` in
    ``__init__``): a stub declares them on the class, where ``hasattr`` cannot see them."""
    names: set[str] = set()
    for klass in real.__mro__:
        try:
            source = inspect.getsource(klass)
        except (OSError, TypeError):  # builtins, C extensions
            continue
        names |= set(re.findall(r"\bself\.(\w+)\s*(?::[^=\n]*)?=(?!=)", source))
    return names


def _check_class(where: str, stub: ast.ClassDef, real: type[Any]) -> list[str]:
    problems: list[str] = []
    for name, nodes in declarations(stub.body).items():
        if not hasattr(real, name) and name not in _instance_attributes(real):
            problems.append(f"{where}.{name}: declared in the stub, missing from the library")
            continue
        if not hasattr(real, name):
            continue  # an instance attribute: its name is all a caller uses
        member = inspect.getattr_static(real, name)
        for node in nodes:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if isinstance(member, property) or not callable(getattr(real, name)):
                continue  # a property (or attribute): its name is all a caller passes
            problems += [
                f"{where}.{name}: the library takes no parameter {parameter!r}"
                for parameter in rejected_parameters(node, getattr(real, name))
            ]
    return problems


def _require(library: str) -> None:
    if importlib.util.find_spec(library) is None:
        pytest.skip(f"{library} is not installed in this environment")


@pytest.mark.parametrize("library", sorted(TYPE_SOURCES))
def test_every_listed_library_is_still_imported(library: str) -> None:
    """A library in TYPE_SOURCES that no source imports any more is a stale entry."""
    assert used_names(library), f"no source imports {library}: drop it from TYPE_SOURCES"


@pytest.mark.parametrize("library", sorted(k for k, v in TYPE_SOURCES.items() if v is None))
def test_a_library_typed_inline_ships_its_marker(library: str) -> None:
    """moto and nbclient are read by mypy and pyright from their own annotations."""
    _require(library)
    spec = importlib.util.find_spec(library)
    assert spec is not None
    assert spec.origin is not None
    assert (Path(spec.origin).parent / "py.typed").is_file(), f"{library} lost its py.typed"


@pytest.mark.parametrize(
    ("library", "distribution"),
    sorted((k, v) for k, v in TYPE_SOURCES.items() if v not in (None, LOCAL)),
)
def test_the_stub_package_is_for_the_installed_version(library: str, distribution: str) -> None:
    """types-aiobotocore X.Y is generated from aiobotocore X.Y: constraints*.txt pin both."""
    _require(library)
    stubs = importlib.metadata.version(distribution).split(".")[:2]
    real = importlib.metadata.version(library).split(".")[:2]
    assert stubs == real, f"{distribution} {stubs} types another {library} than {real}"


@pytest.mark.parametrize(
    ("library", "distribution"),
    sorted((k, v) for k, v in TYPE_SOURCES.items() if v is not None),
)
def test_every_name_used_is_in_the_stub_and_in_the_library(library: str, distribution: str) -> None:
    _require(library)
    uses = used_names(library)
    problems = [
        problem for use in sorted(uses, key=str) for problem in check_use(distribution, use)
    ]
    assert not problems, "\n".join(problems)


def test_the_scan_finds_what_the_sources_use() -> None:
    """The scan itself: imports, a module attribute and a monkeypatched dotted name."""
    uses = used_names("aiobotocore")
    assert Use("aiobotocore.session", "AioSession") in uses
    assert Use("aiobotocore", "__version__") in uses  # bench/run_async.py
    assert Use("aiobotocore.session", "get_session") in uses  # "aiobotocore.session.get_session"
    assert Use("moto", "mock_aws") in used_names("moto")
    assert Use("pyarrow.parquet", "write_table") in used_names("pyarrow")  # through `as pq`
    assert Use("pyarrow", "schema") in used_names("pyarrow")


def test_the_local_stubs_declare_only_what_the_library_has() -> None:
    """Every name of stubs/pyarrow exists in pyarrow, with parameters it accepts (a name the
    sources stopped using may stay declared, but never a wrong one)."""
    _require("pyarrow")
    problems: list[str] = []
    for path in sorted((ROOT / "stubs").rglob("*.pyi")):
        parts = path.relative_to(ROOT / "stubs").with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        tree = ast.parse(path.read_text(), str(path))
        for name in declarations(tree.body):
            problems += check_use(LOCAL, Use(module, name))
    assert not problems, "\n".join(problems)
