"""The package shows the pipeline: no module imports from a later stage, and no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import civdoc

PACKAGE = Path(civdoc.__file__).parent
# stages in pipeline order; a module may import from its own stage and the stages before it
STAGES = [
    {"errors", "model", "findings", "safe"},  # the data every stage passes on, and its safe handling
    {"store"},
    {"project"},
    {"evidence"},
    {"rules"},
    {"check"},
    {"leaders", "pack", "intake", "tasklist"},
    {"render"},
    {"commands"},
    {"cli", "__main__"},
]


def stage(module: str) -> int:
    top = module.split(".")[1] if module.count(".") else "__init__"
    if top == "__init__" or module == "civdoc":
        return 0
    return next(i for i, names in enumerate(STAGES) if top in names)


def modules() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("civdoc"):
                imported.add(node.module)
                imported.update(
                    f"{node.module}.{a.name}"
                    for a in node.names
                    if (PACKAGE.parent / f"{node.module}.{a.name}".replace(".", "/")).with_suffix(".py").exists()
                    or (PACKAGE.parent / f"{node.module}.{a.name}".replace(".", "/")).is_dir()
                )
            elif isinstance(node, ast.Import):
                imported.update(a.name for a in node.names if a.name.startswith("civdoc"))
        found[name] = imported
    return found


def test_no_module_imports_from_a_later_stage() -> None:
    upward = [
        f"{m} → {i}" for m, imports in modules().items() for i in imports if i != "civdoc" and stage(i) > stage(m)
    ]
    assert not upward, "\n".join(sorted(upward))


def test_every_module_belongs_to_a_stage() -> None:
    for name in modules():
        stage(name)  # raises StopIteration for a package no stage names


def test_no_import_cycle_between_packages() -> None:
    graph: dict[str, set[str]] = {}
    for module, imports in modules().items():
        graph.setdefault(_package(module), set()).update(
            _package(i) for i in imports if _package(i) != _package(module)
        )
    seen: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        if seen.get(node) == 1:
            raise AssertionError("import cycle: " + " → ".join(path + [node]))
        if seen.get(node) == 2:
            return
        seen[node] = 1
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, path + [node])
        seen[node] = 2

    for node in sorted(graph):
        visit(node, [])


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def test_no_module_is_over_500_lines() -> None:
    """A module that grows past this does more than one thing: split it along what it does."""
    long = {
        path.relative_to(PACKAGE).as_posix(): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert not long, long
