"""The layers of docs/design.md#layers, held by the source itself: every import points down
(app → schema → resolvers → domains, app → sync → domains, schema → domains), no two modules import
each other even through a chain or a late import inside a function, and no module passes ~400 lines
(the fake QBO, a test double of Intuit's API, aside)."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("app", "schema", "resolvers", "domains", "sync")
ALLOWED = {
    ("app", "schema"),
    ("app", "resolvers"),
    ("app", "domains"),
    ("app", "sync"),
    ("schema", "resolvers"),
    ("schema", "domains"),
    ("resolvers", "domains"),
    ("sync", "domains"),
}
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for layer in LAYERS
        for path in sorted((ROOT / layer).rglob("*.py"))
        if "fakeqbo" not in path.parts
    }


def imported(module: str, path: Path) -> Iterator[tuple[int, str]]:
    """Every module ``module`` imports, anywhere in its body, with the line, made absolute."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base
            for alias in node.names:  # `from package import module` imports the module too
                yield node.lineno, f"{base}.{alias.name}"


def internal_graph() -> dict[str, set[str]]:
    modules = source_modules()
    return {
        module: {target for _, target in imported(module, path) if target in modules} - {module}
        for module, path in modules.items()
    }


def test_every_import_points_down() -> None:
    upward = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for module, path in source_modules().items()
        for line, target in imported(module, path)
        if (top := target.split(".")[0]) in LAYERS
        and top != module.split(".")[0]
        and (module.split(".")[0], top) not in ALLOWED
    ]
    assert upward == []


def test_no_import_cycle_among_modules() -> None:
    graph = internal_graph()
    cycles: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    # A package's __init__ re-exporting its own modules is not a cycle between concepts.
    real = [cycle for cycle in cycles if not all(m.startswith(cycle[0]) for m in cycle)]
    assert real == []


@pytest.mark.parametrize("layer", LAYERS)
def test_no_module_passes_the_size_limit(layer: str) -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for module, path in source_modules().items()
        if module.split(".")[0] == layer
        and (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_checks_see_an_upward_import_and_a_cycle(tmp_path: Path) -> None:
    """The walker itself: a relative import resolves, and a late import is still an import."""
    path = tmp_path / "probe.py"
    path.write_text(
        "from . import sibling\nfrom ..schema import root\n\ndef f():\n    import app.cli\n"
    )
    found = {target for _, target in imported("resolvers.probe", path)}
    assert {"resolvers.sibling", "schema.root", "app.cli"} <= found
