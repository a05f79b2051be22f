"""The package's imports, lazy ones included, have no cycle, and go one way: the command
line uses the outputs, which use the checks and scoring, which use the plan model, which
uses the definition; nothing imports a layer above its own."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "omnisheet"

# Lowest first. A module may import its own layer and those below. A package is placed
# whole by its name, or module by module ("feedback.judge") where it spans layers.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("definition", ("failure", "errors", "text", "severity", "numbers", "formatting", "languages",
                    "template_files", "statistics", "periods",
                    "definition", "delays", "atomic", "output_rule")),
    ("plan model", ("model", "layout", "lookups", "sheet", "recognise", "safety", "repair",
                    "grid", "formulas", "reader", "serialise", "setting_tables",
                    "feedback.vocabulary", "feedback.errors")),
    ("checks and scoring", ("checks", "scoring", "measures", "readiness", "roadmap",
                            "pressure", "consent", "feedback.judge", "feedback.model",
                            "feedback.series")),
    # the edges: what reads responses and writes outputs
    ("outputs", ("report", "writer", "diff", "frames", "exports", "marks", "portfolio",
                 "feedback")),
    ("command line", ("cli", "__init__", "feedback.command")),
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts)] = path
    return found


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Each module's imports of the package's modules, wherever they are written (inside
    functions too), except those under `if TYPE_CHECKING:`, which never run."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                       and "TYPE_CHECKING" in ast.unparse(node.test)
                       for n in ast.walk(node)}
        package = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")[:-1]
        deps = set()
        for node in ast.walk(tree):
            if id(node) in typing_only or not isinstance(node, ast.Import | ast.ImportFrom):
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
    """The layer of the longest name in LAYERS that is the module or a package above it."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        for i, (_, names) in enumerate(LAYERS):
            if ".".join(parts[:n]) in names:
                return i
    raise LookupError(module)


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


def test_every_module_has_a_layer():
    placed = {name for _, names in LAYERS for name in names}
    assert [m for m in _modules()
            if not any(".".join(m.split(".")[:n]) in placed
                       for n in range(1, m.count(".") + 2))] == []


def test_no_import_cycle_lazy_imports_included():
    assert _cycles(_imports(_modules())) == []


def test_nothing_imports_a_layer_above_its_own():
    graph = _imports(_modules())
    upward = sorted(f"{module} ({LAYERS[_layer(module)][0]}) imports {dep} "
                    f"({LAYERS[_layer(dep)][0]})"
                    for module, deps in graph.items() for dep in deps
                    if _layer(dep) > _layer(module))
    assert upward == []


def test_the_walk_sees_lazy_imports():
    """A guard on the test itself: report.model imports the checks inside no function,
    the reader imports safety inside `load`; both must be edges."""
    graph = _imports(_modules())
    assert "safety" in graph["reader"] and "checks.__init__" in graph["report.model"]
