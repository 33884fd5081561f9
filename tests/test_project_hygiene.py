"""The project's own rules that a reviewer would otherwise check by hand."""

import ast
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_ruff_finds_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--quiet", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_template_links_to_a_cdn():
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text(encoding="utf-8")
        for marker in ('src="http', 'href="http', "src='http", "href='http", 'src="//', 'href="//'):
            assert marker not in text, f"{template} loads an asset from elsewhere"


# The layers below the domains (DESIGN §5a) and the domain they must not reach into; sla measures any
# subject's clocks through its registry (sla.subjects); incentives awards points for any record a domain names
# (incentives.services.points_award).
LOWER_LAYERS = ("core", "notifications", "privacy", "sla", "incentives")
DOMAIN = "complaints"
# The domains and the readers across them: the points ledger knows none of them, and they call it.
DOMAIN_LAYERS = ("complaints", "feedback", "surveys", "counseling", "courses", "dashboard", "reviews")


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):  # every import, also one tucked inside a function
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def test_the_lower_layers_import_nothing_from_complaints():
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for layer in LOWER_LAYERS
        for path in sorted((ROOT / layer).rglob("*.py"))
        for line, module in _imported_modules(path)
        if module == DOMAIN or module.startswith(f"{DOMAIN}.")
    ]
    assert offending == []


def test_the_points_ledger_imports_no_domain():
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / "incentives").rglob("*.py"))
        for line, module in _imported_modules(path)
        if module.split(".")[0] in DOMAIN_LAYERS
    ]
    assert offending == []


def test_the_import_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text("import os\n\n\ndef late():\n    from complaints.models import Complaint\n")

    assert (5, "complaints.models") in _imported_modules(module)
