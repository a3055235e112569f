"""The layout is the architecture: the import graph says so, and this test keeps it so.

- The engine's core (``engine`` without ``engine.disclosure``) imports nothing
  of the disclosure domain, nor of the assembly that joins the two.
- The engine imports nothing of the web (Flask, ``webui``).
- The web layer never touches SpiffWorkflow or database sessions itself.
- No module imports, directly or round about, a module that imports it back
  (imports for type checking only are not imports at run time).
"""

from __future__ import annotations

import ast
import functools
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("engine", "webui")
DOMAIN = "engine.disclosure"
ASSEMBLY = ("engine", "engine.gongkai")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@functools.cache
def _parsed(source: str) -> ast.Module:
    """Return a module's syntax tree, parsed once for all the rules that read it."""
    return ast.parse(source)


def imports(name: str, path: Path, known: set[str]) -> Iterator[tuple[str, bool]]:
    """Yield (imported module, at run time?) for every import in a module, at any depth."""
    tree = _parsed(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def walk(node: ast.AST, runtime: bool) -> Iterator[tuple[str, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking_only(child):
                yield from walk(child, False)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, runtime
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - child.level + 1]
                    target = ".".join([*base, child.module] if child.module else base)
                else:
                    target = child.module or ""
                # ``from . import store`` imports the module engine.store, no more.
                submodules = [f"{target}.{a.name}" for a in child.names]
                submodules = [m for m in submodules if m in known]
                for module in submodules or [target]:
                    yield module, runtime
            yield from walk(child, runtime)

    yield from walk(tree, True)


def graph(runtime_only: bool) -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for target, at_run_time in imports(name, path, set(known)):
            if runtime_only and not at_run_time:
                continue
            if target in known and target != name:
                edges[name].add(target)
    return edges


def in_core(name: str) -> bool:
    return name.startswith("engine") and name not in ASSEMBLY and not name.startswith(DOMAIN)


def test_the_core_imports_nothing_of_the_domain() -> None:
    offending = [
        f"{name} imports {target}"
        for name, targets in graph(runtime_only=False).items()
        if in_core(name)
        for target in targets
        if target.startswith(DOMAIN) or target in ASSEMBLY
    ]
    assert not offending, offending


def test_the_engine_imports_nothing_of_the_web() -> None:
    offending = [
        f"{name} imports {target}"
        for name, path in modules().items()
        if name.startswith("engine")
        for target, _ in imports(name, path, set())
        if target.split(".")[0] in ("flask", "flask_babel", "flask_login", "flask_wtf", "webui")
    ]
    assert not offending, offending


def test_the_web_leaves_workflows_and_sessions_to_the_engine() -> None:
    offending = [
        f"{name} imports {target}"
        for name, path in modules().items()
        if name.startswith("webui")
        for target, _ in imports(name, path, set())
        if target.split(".")[0] in ("SpiffWorkflow", "sqlalchemy")
    ]
    assert not offending, offending


def test_no_import_cycles() -> None:
    edges = graph(runtime_only=True)
    cycles = []
    for start in edges:
        # A depth-first search for a way back to ``start``.
        stack = [(start, [start])]
        seen = set()
        while stack:
            node, path = stack.pop()
            for target in edges[node]:
                if target == start:
                    cycles.append(" -> ".join([*path, start]))
                elif target not in seen and target.startswith(start.split(".")[0]):
                    seen.add(target)
                    stack.append((target, [*path, target]))
    # A package's __init__ importing its own modules is the package, not a cycle.
    real = [c for c in cycles if not _package_reexport(c)]
    assert not real, "\n".join(sorted(set(real)))


def _package_reexport(cycle: str) -> bool:
    steps = cycle.split(" -> ")
    return any(
        a == b.rpartition(".")[0] or b == a.rpartition(".")[0] for a, b in itertools.pairwise(steps)
    )


@pytest.mark.parametrize("rule", ["core", "web", "cycles"])
def test_the_rules_can_fail(rule: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each rule sees a violation planted in a copy of the tree."""
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            target = tmp_path / path.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    planted = {
        "core": ("engine/access.py", "from .disclosure import roles\n"),
        "web": ("engine/clock.py", "import flask\n"),
        "cycles": ("engine/errors.py", "from . import access\n"),
    }[rule]
    path = tmp_path / planted[0]
    path.write_text(path.read_text(encoding="utf-8") + planted[1], encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    check = {
        "core": test_the_core_imports_nothing_of_the_domain,
        "web": test_the_engine_imports_nothing_of_the_web,
        "cycles": test_no_import_cycles,
    }[rule]
    with pytest.raises(AssertionError):
        check()
