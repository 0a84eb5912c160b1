"""The package's layers (ARCHITECTURE.md): each layer imports only from the layers below it, and no
module imports, directly or through others, a module that imports it back.

Every ``import`` statement counts, including those inside functions (a local import only hides a cycle).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from hukoumob.inputs import paths

PKG = paths.ROOT / "src" / "hukoumob"

#: Layer of each top-level subpackage; a module may import from its own layer's package or lower layers.
LAYERS = {"inputs": 0, "survey": 1, "mobility": 1, "tables": 2, "replica": 3, "figures": 4, "book": 5}
#: The engines know nothing of the book: no class labels, schemas, paths or tables from ``hukoumob``.
ENGINES = ("survey", "mobility")


def _module_name(file: Path) -> str:
    parts = list(file.relative_to(PKG.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(file: Path) -> set[str]:
    """Absolute hukoumob modules imported anywhere in ``file`` (relative imports resolved)."""
    name = _module_name(file)
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(file.read_text(), str(file))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("hukoumob")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if not mod.startswith("hukoumob"):
                continue
            found.add(mod)
            # "from pkg import module" imports the module too
            for alias in node.names:
                if (PKG.parent / (mod + "." + alias.name).replace(".", "/")).with_suffix(".py").exists():
                    found.add(f"{mod}.{alias.name}")
    return found


def _graph() -> dict[str, set[str]]:
    files = sorted(p for p in PKG.rglob("*.py") if "__pycache__" not in p.parts)
    return {_module_name(f): _imports(f) - {_module_name(f)} for f in files}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_module_belongs_to_a_layer():
    stray = [m for m in _graph() if m != "hukoumob" and _layer(m) is None]
    assert not stray, f"modules outside the layers {sorted(LAYERS)}: {stray}"


def test_layers_import_only_downwards():
    wrong = []
    for mod, imported in _graph().items():
        here = _layer(mod)
        for target in imported:
            there = _layer(target)
            if here and there and there != here and LAYERS[there] >= LAYERS[here]:
                wrong.append(f"{mod} imports {target} ({there} is not below {here})")
    assert not wrong, "\n".join(sorted(wrong))


def test_engines_import_nothing_from_the_book():
    wrong = [f"{mod} imports {t}" for mod, imported in _graph().items() if _layer(mod) in ENGINES
             for t in imported if _layer(t) != _layer(mod)]
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node, stack):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif not state.get(nxt):
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if not state.get(node):
            visit(node, [node])
    # a package's __init__ importing its own submodules is not a cycle of concern when the submodule
    # does not import the package back; anything else is
    assert not cycles, "import cycles:\n" + "\n".join(cycles)
