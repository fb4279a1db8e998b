"""No logic written twice (docs/architecture.md, "Rules once"): pylint's similarity checker over every module
of the application (tests.test_structure.code_modules: every app, config, scripts and the benchmarks; not the
migrations, which Django writes, nor the test suite, whose arrange steps read best in full).

Four lines alike, comments, docstrings, imports and signatures aside, is a copy: a rule, a field list or a
set-up that belongs in one place and is imported where it is needed.
"""

import contextlib
import io

from pylint.checkers.symilar import Symilar

from tests.test_structure import ROOT, code_modules

MIN_LINES = 4


def test_no_four_lines_of_the_application_are_written_twice():
    checker = Symilar(
        min_lines=MIN_LINES, ignore_comments=True, ignore_docstrings=True, ignore_imports=True, ignore_signatures=True
    )
    for path in code_modules():
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
        for path in code_modules()
        if "._history_user =" in path.read_text(encoding="utf-8") and path != ROOT / "core" / "history.py"
    ]

    assert by_hand == []
