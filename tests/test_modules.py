"""The code's own structure: the domain modules import one another without a cycle (each job
in one home: schemas and shared arithmetic below the stages that use them)."""

from __future__ import annotations

import ast
from pathlib import Path

PIPELINES = Path(__file__).resolve().parent.parent / "pipelines"


def _imports() -> dict[str, set[str]]:
    """Each module's imports of other pipelines modules, wherever in it they stand, but for
    those made only for type checking."""
    modules: dict[str, set[str]] = {}
    for path in PIPELINES.rglob("*.py"):
        name = ".".join(path.relative_to(PIPELINES.parent).with_suffix("").parts)
        name = name.removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and getattr(block.test, "id", "") == "TYPE_CHECKING"
            for node in ast.walk(block)
        }
        modules[name] = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and id(node) not in typing_only
            and (node.module or "").startswith("pipelines")
        }
    return modules


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of imports between modules, if there is one (a package and its own modules
    aside)."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module], _ = 1, path.append(module)
        for other in sorted(graph.get(module, ())):
            if state.get(other) == 1:
                return path[path.index(other) :] + [other]
            if other not in state and (found := visit(other)):
                return found
        state[module], _ = 2, path.pop()
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_no_module_imports_one_that_imports_it_back() -> None:
    imports = _imports()
    graph = {
        module: {
            target
            for target in targets
            if target in imports
            and target != module  # from pipelines.description import load: its own module
            and not module.startswith(target + ".")  # a module and its own package
            and not target.startswith(module + ".")
        }
        for module, targets in imports.items()
    }
    assert _cycle(graph) is None
