"""Pages read the store only through pages/shared/cached.py and the domain's functions: no page
module imports SQLModel or SQLAlchemy to write a query of its own (cached.py owns the engine)."""

import ast
from pathlib import Path

PAGES = Path(__file__).resolve().parent.parent / "pages"
OWNER = PAGES / "shared" / "cached.py"
ORM = ("sqlmodel", "sqlalchemy")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_page_imports_the_orm():
    offenders = {
        str(path.relative_to(PAGES)): sorted(m for m in imported_modules(path) if m.split(".")[0] in ORM)
        for path in PAGES.rglob("*.py")
        if path != OWNER
    }
    assert {path: modules for path, modules in offenders.items() if modules} == {}
    assert imported_modules(OWNER) & {"sqlmodel"}, "the check looks at the right imports"
