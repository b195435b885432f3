"""`amends.core` sits beneath the domain apps: it imports none of them.

Organisations, memberships, access and the audit log are what every domain app
builds on; if core reached up into cases or meetings, the apps would import in
circles and core could not be understood (or tested) on its own. Demo data,
which needs every app, lives above them all in `amends.demo`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "amends" / "core"
DOMAIN_APPS = ("cases", "meetings", "referrals", "agreements", "people", "documents", "privacy")


def imported_modules(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """Every module a file imports, absolute, with its line number (relative imports resolved)."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # `from amends import cases` names the app in the imported names.
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def domain_app(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "amends" and parts[1] in DOMAIN_APPS:
        return parts[1]
    return None


def test_core_imports_no_domain_app():
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted(CORE.rglob("*.py"))
        for line, module in imported_modules(path)
        if domain_app(module)
    ]
    assert offending == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from amends.cases.models import Case\n", "cases"),
        ("import amends.meetings.services\n", "meetings"),
        ("from amends import referrals\n", "referrals"),
        ("def f():\n    from amends.people import models\n", "people"),
        ("from ..privacy import services\n", "privacy"),
    ],
)
def test_the_check_catches_every_way_of_importing(tmp_path, source, expected):
    module = tmp_path / "amends" / "core" / "views.py"
    module.parent.mkdir(parents=True)
    module.write_text(source)
    found = {domain_app(name) for _, name in imported_modules(module, root=tmp_path)}
    assert expected in found


def test_the_check_passes_imports_of_core_and_libraries(tmp_path):
    module = tmp_path / "amends" / "core" / "views.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "from django.db import models\nfrom amends.core import audit\nfrom . import access\n"
    )
    assert {domain_app(name) for _, name in imported_modules(module, root=tmp_path)} == {None}
