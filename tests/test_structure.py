"""Sizes and markup the code must keep (docs/architecture.md): small modules, short functions,
readable templates whose table headers say what they head."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Folders that hold no application code: the suite, front-end packages, static files, templates and docs.
NOT_APPLICATION = {"tests", "node_modules", "static", "templates", "docs"}
# Every top-level folder with Python in it but those: each app (a new one from its first module), `config/`,
# `scripts/` and `bench/`. Hidden folders (the virtualenv, caches) are not the project's code.
CODE = tuple(
    sorted(
        folder.name
        for folder in ROOT.iterdir()
        if folder.is_dir()
        and not folder.name.startswith(".")
        and folder.name not in NOT_APPLICATION
        and any(folder.rglob("*.py"))
    )
)
MAX_MODULE_LINES = 400
# Tables of settings rather than logic (one setting after another, each with its comment).
DATA_TABLES = {"config/settings.py"}
MAX_FUNCTION_LINES = 60
MAX_TEMPLATE_LINE = 250


def code_modules() -> Iterator[Path]:
    """Every module of the application (CODE), migrations aside: Django writes those."""
    for folder in CODE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def suite_modules() -> Iterator[Path]:
    """Every Python file of the test suite: test modules, conftest.py, helpers and factories."""
    yield from sorted((ROOT / "tests").rglob("*.py"))


def templates() -> Iterator[Path]:
    yield from sorted((ROOT / "templates").rglob("*.html"))


def name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_limits_cover_every_app_and_the_projects_other_code():
    apps = {"core", "accounts", "cases", "mdt", "referrals", "live", "reminders", "reports", "integrations", "signin"}
    assert {*apps, "letters", "home", "config", "scripts", "bench"} <= set(CODE)
    assert not {"tests", "docs", "static", "templates"} & set(CODE)


def test_no_module_is_over_400_lines():
    long = {
        name(p): n
        for p in code_modules()
        if name(p) not in DATA_TABLES and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }

    assert long == {}


def test_no_test_module_is_over_400_lines():
    """Long test modules are split by topic into a package (shared fixtures in its conftest.py, helpers beside)."""
    long = {
        name(p): n for p in suite_modules() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }

    assert long == {}


def test_no_function_is_over_60_lines():
    long = {}
    for path in code_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{name(path)}:{node.lineno} {node.name}"] = length

    assert long == {}


def test_template_lines_stay_readable():
    long = [
        f"{name(path)}:{number}"
        for path in templates()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > MAX_TEMPLATE_LINE
    ]

    assert long == []


def test_every_table_header_has_a_scope():
    """Screen readers announce a cell with its column or row header only when the header says which it heads."""
    bare = [
        f"{name(path)}:{number}"
        for path in templates()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for tag in re.findall(r"<th\b[^>]*>", line)
        if "scope=" not in tag
    ]

    assert bare == []
