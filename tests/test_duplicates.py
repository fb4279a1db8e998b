"""No logic written twice (docs/architecture.md, "Rules once"): pylint's similarity checker over every module
of the application (every app, config, scripts and the benchmarks; not the migrations, which Django writes,
nor the test suite, whose arrange steps read best in full).

Four lines alike, comments, docstrings, imports and signatures aside, is a copy: a rule, a field list or a
set-up that belongs in one place and is imported where it is needed.
"""

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from pylint.checkers.symilar import Symilar

ROOT = Path(settings.BASE_DIR)
MIN_LINES = 4
NOT_APPLICATION = {"tests", "node_modules", "static", "templates", "docs"}


def application_modules() -> Iterator[Path]:
    for folder in sorted(p for p in ROOT.iterdir() if p.is_dir()):
        if folder.name.startswith(".") or folder.name in NOT_APPLICATION:
            continue
        for path in sorted(folder.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_the_modules_discovered_are_the_application():
    found = {path.relative_to(ROOT).parts[0] for path in application_modules()}

    assert {"core", "accounts", "cases", "mdt", "reminders", "reports", "referrals", "live", "letters"} <= found
    assert not found & NOT_APPLICATION


def test_no_four_lines_of_the_application_are_written_twice():
    checker = Symilar(
        min_lines=MIN_LINES, ignore_comments=True, ignore_docstrings=True, ignore_imports=True, ignore_signatures=True
    )
    for path in application_modules():
        with path.open(encoding="utf-8") as stream:
            checker.append_stream(str(path.relative_to(ROOT)), stream)
    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        checker.run()

    assert "similar lines" not in report.getvalue(), report.getvalue()


def test_history_rows_name_their_user_through_one_helper():
    """`core.history.save_as` / `delete_as` set who a history row names; a hand-set `_history_user` elsewhere is
    the rule written again (and forgotten the next time)."""
    by_hand = [
        str(path.relative_to(ROOT))
        for path in application_modules()
        if "._history_user =" in path.read_text(encoding="utf-8") and path != ROOT / "core" / "history.py"
    ]

    assert by_hand == []
