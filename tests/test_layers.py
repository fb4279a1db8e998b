"""The structure the code must keep (docs/architecture.md): imports point down the layers only.

Every module of the application is parsed (ast); each import, at the top of a module or
inside a function, is checked against the layer order. `config`, `bench`, `scripts` and
`tests` sit outside the layers and may import anything.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Lower number = lower layer. Apps on the same layer must not import each other either.
LAYERS = {
    "core": 0,
    "accounts": 1,
    "cases": 2,
    "mdt": 3,
    "referrals": 4,  # the front door, below the apps that add its reminders and its audit section
    "live": 4,  # the meeting itself, live: the shared screen, attendance as it happens, time per case
    "reminders": 5,
    "reports": 5,
    "integrations": 5,  # the FHIR API, the PAS feed, the national datasets (docs/integration.md)
    "signin": 5,  # single sign-on and the second factor: needs accounts (roles) and mdt (Member)
    "letters": 5,  # patients' own letters: the decision (mdt), the needs (cases), the print machinery (mdt)
    "home": 6,
}
EXEMPT = ("migrations",)


def app_modules() -> Iterator[tuple[str, Path]]:
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if not any(part in EXEMPT for part in path.relative_to(ROOT).parts):
                yield app, path


def imported_apps(path: Path) -> Iterator[tuple[int, str]]:
    """(line, top-level package) for every absolute import in the module, wherever it is."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module.split(".")[0]


def upward_imports() -> list[str]:
    found = []
    for app, path in app_modules():
        for line, target in imported_apps(path):
            if target in LAYERS and target != app and LAYERS[target] >= LAYERS[app]:
                found.append(f"{path.relative_to(ROOT)}:{line} ({app}) imports {target}")
    return found


def test_no_app_imports_an_app_on_its_own_layer_or_above():
    assert upward_imports() == []


def test_the_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from reminders.models import Reminder\n    import home.views\n")

    assert [target for _, target in imported_apps(module)] == ["reminders", "home"]


def test_every_app_is_in_a_layer():
    apps = {name.split(".")[0] for name in settings.INSTALLED_APPS if not name.startswith(("django", "simple_history"))}
    third_party = {name for name in apps if not (ROOT / name).is_dir()}

    assert apps - third_party - {"config"} <= set(LAYERS)


def modules_in_order() -> Iterator[Path]:
    for _, path in app_modules():
        yield path
    for extra in ("config", "bench", "scripts"):
        yield from sorted((ROOT / extra).rglob("*.py"))


@pytest.mark.parametrize("path", list(modules_in_order()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_import_after_the_first_definition(path):
    """Imports at the bottom of a module hide a cycle; one that is needed goes inside the function that needs it."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    first_definition = next(
        (n.lineno for n in body if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)), None
    )
    late = [
        n.lineno
        for n in body
        if isinstance(n, ast.Import | ast.ImportFrom) and first_definition and n.lineno > first_definition
    ]
    assert late == []
