"""The house as a newcomer walks it: README.md's map names every folder and module of the
package, every folder says what it may import, no module imports itself round a circle
(imports inside functions included), and no module grows past what one reader holds."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "site_builder"
MAX_LINES = 600  # a module longer than this has two jobs: split it along its seam


def _modules() -> list[str]:
    """Every module of the package as the map names it ('engine/pipeline.py'), with the
    folders ('engine/'); a folder's __init__.py counts as a module when it holds code."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if path.name == "__init__.py":
            names.append(relative.removesuffix("__init__.py") or "__init__.py")
            if path.parent != PACKAGE and _has_code(path):
                names.append(relative)
        else:
            names.append(relative)
    return names


def _has_code(path: Path) -> bool:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return any(
        not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        for node in body
        if not isinstance(node, ast.ImportFrom | ast.Import)
    )


def _map_section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## How the code is laid out\n(.*?)^## ", text, re.M | re.S)
    assert match, "README.md has no section '## How the code is laid out'"
    return match.group(1)


def _mapped() -> set[str]:
    """The paths the map's table names in its first column (`engine/`, `engine/store.py`)."""
    names = set()
    for line in _map_section().splitlines():
        cells = line.split("|")
        if len(cells) > 2:
            names.update(re.findall(r"`([\w/]+(?:\.py|/))`", cells[1]))
    return names


def test_the_readme_map_names_every_module_and_folder():
    missing = [name for name in _modules() if name not in _mapped() and name != "__init__.py"]
    assert not missing, f"README.md's map has no line for: {', '.join(missing)}"


def test_the_readme_map_names_nothing_that_is_not_there():
    gone = sorted(name for name in _mapped() if not (PACKAGE / name).exists())
    assert not gone, f"README.md's map names what the package does not have: {gone}"


@pytest.mark.parametrize("folder", sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")))
def test_every_folder_says_what_it_does_and_what_it_may_import(folder):
    doc = ast.get_docstring(ast.parse((PACKAGE / folder / "__init__.py").read_text("utf-8")))
    assert doc and len(doc.splitlines()) >= 3, f"{folder}/__init__.py: no docstring to speak of"
    if folder != "theme":  # the theme is data: it imports nothing of the package
        assert "May import:" in doc, f"{folder}/__init__.py: the docstring has no 'May import:'"


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_round_a_circle():
    graph = grimp.build_graph("site_builder", cache_dir=None)
    assert "site_builder.engine.pipeline" in graph.modules  # imports inside functions count:
    assert _cycles(graph) == []  # grimp reads every import statement of a module


def test_the_circle_finder_finds_a_circle():
    graph = grimp.ImportGraph()
    for module in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(module)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.a")
    graph.add_import(importer="p.c", imported="p.a")
    assert _cycles(graph) == [["p.a", "p.b"]]


def test_no_module_is_longer_than_one_reader_holds():
    long = {
        path.relative_to(PACKAGE).as_posix(): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these along their seams (over {MAX_LINES} lines): {long}"
