"""The layout CONTRIBUTING.md describes, checked.

* Folders are layers: a module imports only its own layer or lower ones, judged by path
  prefix (:data:`LAYERS`), every import counted -- at module level, inside functions, and
  the ones only type checkers see.
* No import circle anywhere, type-checking imports included, except inside the generated
  models' package (a model module and the hand-written mixins name each other's classes).
* The faces never import each other's internals the wrong way (:data:`NEVER`), and an
  operation's facts live in the operations table only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "batchkit"
GENERATED = {"batchkit._spec.operations", "batchkit._spec.models.all", "batchkit._spec.codegen"}

#: The layers, lowest first; a module belongs to the layer of its longest matching prefix.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("support", ("batchkit._version", "batchkit._exports")),
    # batchkit.models is the spec's generated public home (it imports only _spec and support)
    ("spec", ("batchkit._spec", "batchkit.models")),
    ("core", ("batchkit._core",)),
    ("wire", ("batchkit._wire",)),
    ("io", ("batchkit._async", "batchkit._sync")),
    (
        "faces",
        ("batchkit", "batchkit.aio", "batchkit.plot", "batchkit.testing", "batchkit.archive"),
    ),
    ("cli", ("batchkit._cli", "batchkit.__main__")),
)

#: Circles are allowed only inside this package: generated code and its mixins.
CIRCLES_ALLOWED = "batchkit._spec.models"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    best = (-1, -1)  # (prefix length, layer index)
    for index, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                best = max(best, (len(prefix), index))
    assert best[1] >= 0, f"{module} belongs to no layer: add it to LAYERS"
    return best[1]


def imports(path: Path, modules: set[str], *, type_checking: bool = True) -> set[str]:
    """The batchkit modules ``path`` imports (anywhere in the file; with ``type_checking``
    False, not the ones under ``if TYPE_CHECKING:``)."""
    tree = ast.parse(path.read_text())
    skipped: set[int] = set()
    if not type_checking:
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
            for alias in node.names:  # ``from batchkit._wire import fastpath`` names a module
                full = f"{node.module}.{alias.name}"
                names.add(full if full in modules else node.module)
    return {n for n in names if n in modules}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def graph(*, type_checking: bool = True) -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    names = set(modules)
    return {
        name: imports(path, names, type_checking=type_checking) - {name}
        for name, path in modules.items()
    }


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


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_no_import_circles_outside_the_generated_models() -> None:
    edges = graph()
    outside = {
        name: {
            t
            for t in targets
            if not (_inside(name, CIRCLES_ALLOWED) and _inside(t, CIRCLES_ALLOWED))
        }
        for name, targets in edges.items()
    }
    assert cycles(outside) == []


def test_the_cycle_check_can_fail() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_imports_never_run_back_up_a_layer() -> None:
    upward = sorted(
        f"{name} ({LAYERS[layer_of(name)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
        for name, targets in graph().items()
        for target in targets
        if layer_of(target) > layer_of(name)
    )
    assert upward == []


def test_the_layer_check_can_fail() -> None:
    assert layer_of("batchkit._core.pager") < layer_of("batchkit._sync.pager")
    assert layer_of("batchkit._spec.models.list_jobs") < layer_of("batchkit._core.checks")
    assert layer_of("batchkit.testing._wire") > layer_of("batchkit._sync.client")
    with pytest.raises(AssertionError, match="no layer"):
        layer_of("somewhere.else")


def test_the_two_faces_io_loops_never_import_each_other() -> None:
    crossing = sorted(
        f"{name} imports {target}"
        for name, targets in graph().items()
        for target in targets
        if (_inside(name, "batchkit._sync") and _inside(target, "batchkit._async"))
        or (_inside(name, "batchkit._async") and _inside(target, "batchkit._sync"))
    )
    assert crossing == []


NEVER = [
    # (importer prefix, forbidden import prefix, why)
    ("batchkit._spec", "batchkit._core", "models know no client, pager or rule"),
    ("batchkit._spec.display", "batchkit._spec.base", "display reads any pydantic model"),
    ("batchkit._core.filters", "batchkit._core.pager", "planning is pure"),
    ("batchkit._async", "batchkit.testing", "product code never imports testing"),
    ("batchkit._sync", "batchkit.testing", "product code never imports testing"),
    ("batchkit._core", "batchkit.testing", "product code never imports testing"),
    ("batchkit._wire", "batchkit.testing", "product code never imports testing"),
    ("batchkit.archive", "batchkit.testing", "product code never imports testing"),
    ("batchkit.plot", "batchkit.testing", "product code never imports testing"),
    ("batchkit.testing", "batchkit._cli", "testing never imports the CLI"),
    ("batchkit._async.pager", "batchkit._async.client", "features take a Protocol, not the client"),
    ("batchkit._async.watch", "batchkit._async.client", "features take a Protocol, not the client"),
    ("batchkit._async.logs", "batchkit._async.client", "features take a Protocol, not the client"),
    (
        "batchkit._async.report",
        "batchkit._async.client",
        "features take a Protocol, not the client",
    ),
]


@pytest.mark.parametrize(("importer", "forbidden", "why"), NEVER)
def test_imports_point_one_way(importer: str, forbidden: str, why: str) -> None:
    bad = {
        (name, target)
        for name, targets in graph().items()
        if _inside(name, importer)
        for target in targets
        if _inside(target, forbidden)
    }
    assert not bad, f"{why}: {sorted(bad)}"


#: What the no-I/O layers never import, and never call.
NO_IO_MODULES = {"asyncio", "concurrent", "socket", "ssl", "http", "urllib3", "boto3", "gc"}
NO_IO_CALLS = {("time", "sleep"), ("threading", "Thread"), ("threading", "Timer")}


def test_the_core_does_no_io() -> None:
    """``_core`` and ``_spec`` decide; they never sleep, start threads, open connections or
    touch the collector (a lock for the one-consumer guard is not I/O)."""
    found = []
    for folder in ("_core", "_spec"):
        for path in (PACKAGE / folder).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in NO_IO_MODULES]
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and (node.func.value.id, node.func.attr) in NO_IO_CALLS
                ):
                    found.append(
                        f"{path.name}:{node.lineno}: {node.func.value.id}.{node.func.attr}()"
                    )
    assert found == []


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
