"""The deploy check refuses a machine without the printed documents' font (HAZ-008): on it every PDF would be
laid out in a substitute font whose wider lines can run off the page."""

import pytest

from mdt import checks

pytestmark = pytest.mark.hazard("HAZ-008")


def fontconfig_listing(tmp_path, families: str) -> str:
    """An `fc-list` that answers these families, as fontconfig's does."""
    tool = tmp_path / "fc-list"
    tool.write_text(f"#!/bin/sh\nprintf '%s\\n' '{families}'\n")
    tool.chmod(0o755)
    return str(tool)


@pytest.mark.parametrize(
    ("families", "errors"), [("DejaVu Sans,DejaVu Sans Condensed\nNoto Serif", 0), ("Noto Serif", 1)]
)
def test_fontconfig_is_asked_first(monkeypatch, tmp_path, families, errors):
    tool = fontconfig_listing(tmp_path, families)
    monkeypatch.setattr(checks.shutil, "which", lambda name: tool)
    monkeypatch.setattr(checks, "FONT_DIRS", (tmp_path / "no-fonts-here",))

    assert len(checks.pdf_font_installed()) == errors


def test_without_the_font_the_deploy_check_fails_naming_the_font_and_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(checks.shutil, "which", lambda name: None)
    monkeypatch.setattr(checks, "FONT_DIRS", (tmp_path,))

    [error] = checks.pdf_font_installed()

    assert error.id == "mdt.E001" and "DejaVu Sans" in error.msg and "fonts-dejavu-core" in error.hint


def test_a_font_file_in_the_font_folders_counts_when_fontconfig_is_not_installed(monkeypatch, tmp_path):
    monkeypatch.setattr(checks.shutil, "which", lambda name: None)
    monkeypatch.setattr(checks, "FONT_DIRS", (tmp_path,))
    (tmp_path / "truetype" / "dejavu").mkdir(parents=True)
    (tmp_path / "truetype" / "dejavu" / "DejaVuSans.ttf").write_bytes(b"")

    assert checks.pdf_font_installed() == []
