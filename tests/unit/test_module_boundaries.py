"""No audience's package imports another audience's views.

What two audiences' pages share lives in a shared module (survey/round_pages.py,
survey/unseal_pages.py) or a service, never in one audience's view module: a view module of the
committee imported by the custodian pages ties the two blueprints together and hides shared
behaviour where nobody looks for it. Imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "survey"


def _packages() -> list[str]:
    return sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())


def _is_view_module(dotted: str) -> bool:
    return dotted.rsplit(".", 1)[-1].endswith("views")


def imported_views(path: Path) -> list[str]:
    """Every ``survey.<package>.<...>views`` module that the file imports, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if _is_view_module(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if _is_view_module(node.module):
                found.append(node.module)
            found += [f"{node.module}.{a.name}" for a in node.names if _is_view_module(a.name)]
    return [name for name in found if name.startswith("survey.")]


def foreign_view_imports(path: Path, own: str) -> list[str]:
    return [name for name in imported_views(path) if name.split(".")[1] != own]


@pytest.mark.parametrize("own", _packages())
def test_no_package_imports_another_packages_views(own: str) -> None:
    offending = {
        str(path.relative_to(PACKAGE.parent)): names
        for path in sorted((PACKAGE / own).rglob("*.py"))
        if (names := foreign_view_imports(path, own))
    }
    assert offending == {}


def test_the_check_sees_lazy_and_from_imports(tmp_path: Path) -> None:
    source = tmp_path / "example.py"
    source.write_text(
        "from survey.committee import storage_views\n"
        "import survey.secretary.views\n"
        "def later():\n"
        "    from survey.committee.summary_views import unsealed_message\n"
        "    from survey.custodian.forms import UnsealPartForm\n",
        encoding="utf-8",
    )
    assert foreign_view_imports(source, "custodian") == [
        "survey.committee.storage_views",
        "survey.secretary.views",
        "survey.committee.summary_views",
    ]
