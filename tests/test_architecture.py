"""The package's imports, lazy and type-only ones included, have no cycle, and go one way
down the layers that are its folders: the command line uses the commands, which join
reading, analysis and outputs; nothing imports a layer above its own."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "omnisheet"

# The layers are the package's folders, lowest first; a module may import its own layer
# and those below. The feedback engine reads survey files (read/) and feeds measures to the
# checks (analysis/); a portfolio checks plans and renders them (outputs/); the top-level
# modules (cli.py, __init__.py) are the command line.
LAYERS: list[str] = ["template", "plan", "read", "engine", "feedback", "journeys", "analysis",
                     "outputs", "portfolio",
                     "commands", ""]


def _modules(package: Path = PACKAGE) -> dict[str, Path]:
    found = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package).with_suffix("").parts
        found[".".join(parts)] = path
    return found


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Each module's imports of the package's modules, wherever they are written: inside
    functions and under `if TYPE_CHECKING:` too (a type taken from above is a tie upward)."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")[:-1]
        deps = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            targets = []
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package[: len(package) - (node.level - 1)]
                stem = [*base, *(node.module.split(".") if node.module else [])]
                targets = _named(stem, node.names, modules)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("omnisheet"):
                targets = _named(node.module.split(".")[1:], node.names, modules)
            elif isinstance(node, ast.Import):
                targets = [a.name.split(".", 1)[1] for a in node.names
                           if a.name.startswith("omnisheet.")]
            for target in targets:
                resolved = _resolve(target, modules)
                if resolved and resolved != name:
                    deps.add(resolved)
        graph[name] = deps
    return graph


def _named(stem: list[str], names: list[ast.alias], modules: dict[str, Path]) -> list[str]:
    """`from stem import a, b`: a submodule where a name is one, else the module `stem`
    (whose attribute it is)."""
    targets = []
    for alias in names:
        module = ".".join([*stem, alias.name])
        is_module = module in modules or f"{module}.__init__" in modules
        targets.append(module if is_module else ".".join(stem))
    return targets


def _resolve(target: str, modules: dict[str, Path]) -> str | None:
    while target:
        for candidate in (target, f"{target}.__init__"):
            if candidate in modules:
                return candidate
        target = target.rpartition(".")[0]
    return None


def _layer(module: str) -> int:
    """The layer of a module: the folder it sits in, right under the package."""
    folder = module.split(".")[0] if "." in module else ""
    return LAYERS.index(folder)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_every_module_is_in_a_layer_folder():
    """A new folder is a new layer, placed on purpose in LAYERS; top-level modules are the
    command line's alone."""
    assert sorted({m.split(".")[0] for m in _modules() if "." in m} - set(LAYERS)) == []
    assert sorted(m for m in _modules() if "." not in m) == ["__init__", "cli"]


def test_no_import_cycle_lazy_and_type_imports_included():
    assert _cycles(_imports(_modules())) == []


def test_nothing_imports_a_layer_above_its_own():
    graph = _imports(_modules())
    upward = sorted(f"{module} ({LAYERS[_layer(module)] or 'top'}) imports {dep} "
                    f"({LAYERS[_layer(dep)] or 'top'})"
                    for module, deps in graph.items() for dep in deps
                    if _layer(dep) > _layer(module))
    assert upward == []


def test_the_walk_sees_lazy_and_type_imports():
    """A guard on the test itself: the report imports the checks at its top, the reader
    imports safety inside `load`, numbers takes `Scalar` under TYPE_CHECKING alone; all
    three must be edges."""
    graph = _imports(_modules())
    assert "read.safety" in graph["read.reader"]
    assert "analysis.checks.__init__" in graph["analysis.report"]
    assert "template.values" in graph["template.numbers"]


def test_the_walk_catches_a_type_imported_from_above(tmp_path):
    """The test can fail: a definition taking the plan's type, under TYPE_CHECKING alone,
    is an import upward."""
    for name, text in {"template/__init__.py": "", "plan/__init__.py": "",
                       "plan/model.py": "Plan = object\n",
                       "template/definition.py": "from typing import TYPE_CHECKING\n"
                       "if TYPE_CHECKING:\n    from ..plan.model import Plan\n"}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    graph = _imports(_modules(tmp_path))
    assert graph["template.definition"] == {"plan.model"}
    assert _layer("plan.model") > _layer("template.definition")
