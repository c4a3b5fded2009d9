"""The house rules of the code, read from the source with `ast` (nothing is imported).

The wings, bottom to top: store < domain < datafiles < documents, charts < cli, web < app and pages.
A module imports only its own wing or lower ones, the import graph has no cycles, Streamlit is
called only by the app and its pages, pages read the store through domain functions (with
pages/shared/cached.py handing out the session), and no module uses another's private names.
"""

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each wing (a module prefix) and its floor: a module may import from its own wing and from the
# floors below. Wings on one floor do not import each other (documents and charts). The CLI stands
# above web: `hash-password` makes the hashes web/auth.py checks, while nothing of web needs the CLI.
WINGS = {
    "dashboard.store": ("store", 0),
    "dashboard.domain": ("domain", 1),
    "dashboard.datafiles": ("datafiles", 2),
    "dashboard.documents": ("documents", 3),
    "dashboard.charts": ("charts", 3),
    "dashboard.web": ("web", 4),
    "dashboard.cli": ("cli", 5),
    "dashboard.__main__": ("cli", 5),
    "dashboard.app": ("pages", 5),
    "pages": ("pages", 5),
}
STREAMLIT_ALLOWED = {"dashboard.app"}  # the entrypoint; every other Streamlit call is in pages/
SESSION_GATE = "pages.shared.cached"  # hands pages a session for domain functions
# A page may name the Session type of what the gate hands out (it cannot query without `select`);
# the gate itself opens the engine.
PAGES_MAY_IMPORT = {("sqlmodel", "Session")}
GATE_MAY_IMPORT = PAGES_MAY_IMPORT | {("sqlalchemy.engine", "Engine")}
QUERY_METHODS = {"exec", "execute", "scalar", "scalars", "query"}

# Private names another helper's work owns (the documents Word toolkit); listed so that the test
# guards everything else now. Remove an entry once its module offers a public name.


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, ast.Module]:
    found = {}
    for top in ("dashboard", "pages"):
        for path in sorted((ROOT / top).rglob("*.py")):
            found[_module_name(path)] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return found


def _is_package(name: str) -> bool:
    return (ROOT / name.replace(".", "/") / "__init__.py").exists()


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not _is_package(module):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(module: str) -> list[tuple[str, str | None, ast.AST]]:
    """(imported module, imported name or None, node) for every import of `module`, at any depth
    (an import inside a function still ties the two modules together)."""
    found = []
    for node in ast.walk(modules()[module]):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                found.append((submodule, None, node) if submodule in modules() else (source, alias.name, node))
    return found


def graph() -> dict[str, set[str]]:
    """module -> the project's modules it imports."""
    return {m: {target for target, _, _ in imports(m) if target in modules() and target != m} for m in modules()}


def _wing(module: str) -> tuple[str, int] | None:
    for prefix, place in WINGS.items():
        if module == prefix or module.startswith(prefix + "."):
            return place
    return None


def test_every_module_is_in_a_wing():
    homeless = [m for m in modules() if m != "dashboard" and _wing(m) is None]
    assert not homeless, f"modules outside every wing (add them to WINGS): {homeless}"


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    cycles, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(edges.get(module, ())):
            if state.get(target) == "open":
                cycles.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    return cycles


def test_no_import_cycles():
    cycles = find_cycles(graph())
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def wrong_imports(edges: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, targets in edges.items():
        for target in targets:
            if _wing(module) is None or _wing(target) is None:
                continue  # the package dashboard/__init__.py holds nothing
            (wing, level), (target_wing, target_level) = _wing(module), _wing(target)
            if target_level > level:
                wrong.append(f"{module} ({wing}) imports {target} of the higher {target_wing}")
            elif target_level == level and target_wing != wing:
                wrong.append(f"{module} ({wing}) imports {target} of its neighbour {target_wing}")
    return sorted(wrong)


def test_no_wing_imports_a_higher_or_a_neighbouring_one():
    wrong = wrong_imports(graph())
    assert not wrong, "\n".join(wrong)


def test_the_graph_checks_see_what_they_forbid():
    """Cycles, an upward import and a neighbour's import are each reported (the checks are not blind)."""
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []
    assert wrong_imports(
        {
            "dashboard.domain.x": {"dashboard.datafiles.y", "dashboard.store.z"},
            "dashboard.charts.c": {"dashboard.documents.d"},
            "pages.p": {"dashboard.cli.common", "pages.shared.q"},
        }
    ) == [
        "dashboard.charts.c (charts) imports dashboard.documents.d of its neighbour documents",
        "dashboard.domain.x (domain) imports dashboard.datafiles.y of the higher datafiles",
        "pages.p (pages) imports dashboard.cli.common of its neighbour cli",
    ]
    assert "pages.shared.edit_form" in graph()["pages.card"]  # `from package import module` is an edge


def test_no_streamlit_below_the_pages():
    wrong = [
        m
        for m in modules()
        if m.startswith("dashboard")
        and m not in STREAMLIT_ALLOWED
        and any(t == "streamlit" or t.startswith("streamlit.") for t, _, _ in imports(m))
    ]
    assert not wrong, f"Streamlit imported below pages/: {wrong}"


def _page_modules() -> list[str]:
    return [m for m in modules() if m == "pages" or m.startswith("pages.")]


def test_pages_do_not_query_the_store():
    """Pages may hold the store's model objects (the domain returns them; a stand-in Proposal asks
    `may_edit`), but every query is a domain function's: no sqlmodel/sqlalchemy in pages/ (but
    the session the gate hands out), no session.exec/get of a model."""
    wrong = []
    for module in _page_modules():
        for target, name, node in imports(module):
            if target.split(".")[0] in ("sqlmodel", "sqlalchemy"):
                allowed = GATE_MAY_IMPORT if module == SESSION_GATE else PAGES_MAY_IMPORT
                if (target, name) not in allowed:
                    wrong.append(f"{module}:{node.lineno} imports {target}{'.' + name if name else ''}")
        models = {
            alias.asname or alias.name
            for node in ast.walk(modules()[module])
            if isinstance(node, ast.ImportFrom) and node.module == "dashboard.store.models"
            for alias in node.names
        }
        for node in ast.walk(modules()[module]):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            queried = node.func.attr in QUERY_METHODS
            fetched = (
                node.func.attr == "get"
                and node.args
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id in models
            )
            if queried or fetched:
                wrong.append(f"{module}:{node.lineno} queries the store (.{node.func.attr})")
    assert not wrong, "\n".join(wrong)


def private_uses() -> set[tuple[str, str, str]]:
    """(module, other module, private name) for each `from other import _name` and `other._name`."""
    found = set()
    for module, tree in modules().items():
        aliases = {}
        for target, name, node in imports(module):
            if target not in modules():
                continue
            if name is not None and name.startswith("_") and not name.startswith("__"):
                found.add((module, target, name))
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == target:
                        aliases[alias.asname or alias.name] = target
            elif name is None:
                for alias in node.names:
                    if target.endswith("." + alias.name):
                        aliases[alias.asname or alias.name] = target
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                dotted = _dotted(node.value)
                if dotted in aliases:
                    found.add((module, aliases[dotted], node.attr))
    return found


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def test_no_private_name_is_used_from_another_module():
    found = private_uses()
    wrong = sorted(found)
    assert not wrong, "\n".join(f"{m} uses {other}.{name}" for m, other, name in wrong)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from dashboard.domain import vocab\nvocab._x\n", {("pages.t", "dashboard.domain.vocab", "_x")}),
        ("from dashboard.domain.vocab import _x\n", {("pages.t", "dashboard.domain.vocab", "_x")}),
        ("import dashboard.domain.vocab as v\nv._x\n", {("pages.t", "dashboard.domain.vocab", "_x")}),
        ("from dashboard.domain import vocab\nvocab.x._y\n", set()),
    ],
)
def test_the_private_name_check_sees_each_spelling(source, expected, monkeypatch):
    """The checks above cannot pass by being blind: each way of reaching a private name is seen."""
    fake = {**modules(), "pages.t": ast.parse(source)}
    monkeypatch.setitem(globals(), "modules", lambda: fake)
    assert {use for use in private_uses() if use[0] == "pages.t"} == expected
