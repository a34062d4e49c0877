"""The layout CONTRIBUTING.md describes, checked: imports point one way, with no circles
(function-local imports count; imports only for type checking do not), and an operation's
facts live in the operations table only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "batchkit"
GENERATED = {"batchkit._spec.operations", "batchkit._spec.models.all", "batchkit._spec.codegen"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(path: Path, modules: set[str]) -> set[str]:
    """The batchkit modules ``path`` imports at run time (anywhere in the file)."""
    tree = ast.parse(path.read_text())
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # ``from batchkit import _fastpath`` names a module
                full = f"{node.module}.{alias.name}"
                names.add(full if full in modules else node.module)
    return names


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {t for t in runtime_imports(path, set(modules)) if t in modules}
        edges[name] = {t for t in targets if t != name}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                found.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def test_no_import_circles() -> None:
    # ``batchkit`` (the face) re-exports: a module importing the face is a lower module
    # importing a higher one only if the face imports it back -- the cycle check sees that.
    assert cycles(graph()) == []


def test_the_cycle_check_can_fail() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


NEVER = [
    # (importer prefix, forbidden import prefix, why)
    ("batchkit._spec.models.all", "batchkit._sync.client", "models know no client"),
    ("batchkit._spec.models.mixins", "batchkit._sync.client", "models know no client"),
    ("batchkit._spec.base", "batchkit._core.pager", "models know no pager"),
    ("batchkit._core.display", "batchkit._spec.base", "display reads any pydantic model"),
    ("batchkit._core.filters", "batchkit._core.pager", "planning is pure"),
    ("batchkit._sync.client", "batchkit.testing", "product code never imports testing"),
    ("batchkit._core.pager", "batchkit.testing", "product code never imports testing"),
    ("batchkit._wire.pages", "batchkit.testing", "product code never imports testing"),
    ("batchkit._wire.fastpath", "batchkit.testing", "product code never imports testing"),
    ("batchkit.testing", "batchkit._cli.app", "testing never imports the CLI"),
    ("batchkit.testing", "batchkit._cli.demo", "testing never imports the demo script"),
]


@pytest.mark.parametrize(("importer", "forbidden", "why"), NEVER)
def test_imports_point_one_way(importer: str, forbidden: str, why: str) -> None:
    bad = {
        (name, target)
        for name, targets in graph().items()
        if name == importer or name.startswith(importer + ".")
        for target in targets
        if target == forbidden or target.startswith(forbidden + ".")
    }
    assert not bad, f"{why}: {sorted(bad)}"


#: Facts of the operations table: result, token and limit members.
FACTS = {"jobSummaryList", "nextToken", "NextToken", "maxResults", "MaxResults", "Jobs"}


def _docstrings(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def test_operation_facts_live_only_in_the_operations_table() -> None:
    found = []
    for path in PACKAGE.rglob("*.py"):
        name = module_name(path)
        if name in GENERATED:
            continue
        tree = ast.parse(path.read_text())
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and id(node) not in docs and node.value in FACTS:
                found.append(f"{name}:{node.lineno}: {node.value!r}")
    assert found == []
