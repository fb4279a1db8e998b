"""`manage.py check --deploy` fails while the printed documents' font is not installed (HAZ-008).

Every printed document (the agenda pack, the outcome letters, the patients' letters) is laid out in
DejaVu Sans (static/css/agenda-pdf.css, static/css/patient-letter.css). Without it WeasyPrint substitutes
another font of other widths: lines and table cells laid out for one font overflow in the other.
"""

import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.core.checks import Error, register

FONT = "DejaVu Sans"
FONT_FILE = "DejaVuSans.ttf"
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")


def font_installed() -> bool:
    """Asked of fontconfig (what WeasyPrint uses) when its tools are installed, else of the font folders."""
    if fc_list := shutil.which("fc-list"):
        try:
            # A fixed command: fontconfig's own tool, found on PATH, with constant arguments.
            listing = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, timeout=20)  # noqa: S603
            families = listing.stdout
        except (OSError, subprocess.SubprocessError):
            families = ""
        if FONT.lower() in families.lower():
            return True
    return any(next(folder.rglob(FONT_FILE), None) for folder in FONT_DIRS if folder.is_dir())


@register(deploy=True)
def pdf_font_installed(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if font_installed():
        return []
    return [
        Error(
            f"The font every printed document is laid out in ({FONT}) is not installed: agenda packs and letters "
            "would print in a substitute font whose wider lines can run off the page.",
            hint="Install it (Debian: apt-get install fonts-dejavu-core), then restart the printer "
            "(docs/deploy.md §1).",
            id="mdt.E001",
        )
    ]
