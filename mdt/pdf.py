"""The printable agenda pack: a cover page, then one block per patient, each starting a new page.

WeasyPrint renders the same data the agenda page shows (mdt.selectors.meeting_agenda), so the
PDF runs the same constant number of queries. It fetches nothing: the stylesheet is read from
the static files and every other URL is refused, so a pack can never call out of the network.
"""

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from mdt.selectors import Agenda

if TYPE_CHECKING:
    import weasyprint

# WeasyPrint logs every rendering step at INFO; only its warnings belong in the service's log.
logging.getLogger("weasyprint").setLevel(logging.WARNING)

STYLESHEET = "css/agenda-pdf.css"


def _no_fetching() -> Any:
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError("The agenda pack loads no external resources.")

    return NoFetching()


def _stylesheet() -> "weasyprint.CSS":
    import weasyprint

    path = finders.find(STYLESHEET)
    if not isinstance(path, str):
        raise FileNotFoundError(STYLESHEET)
    return weasyprint.CSS(string=Path(path).read_text(encoding="utf-8"), url_fetcher=_no_fetching())


def layout(html: str) -> "weasyprint.Document":
    """The laid-out document (its `pages` can be counted); WeasyPrint is imported on first use."""
    import weasyprint

    return weasyprint.HTML(string=html, url_fetcher=_no_fetching()).render(stylesheets=[_stylesheet()])


def render_html(html: str) -> tuple[bytes, int]:
    """The PDF of a printable page, and its number of pages."""
    document = layout(html)
    pdf = document.write_pdf()
    assert pdf is not None
    return pdf, len(document.pages)


def render_agenda(agenda: Agenda, *, page_url: str) -> "weasyprint.Document":
    html = render_to_string(
        "pdf/agenda.html", {"agenda": agenda, "meeting": agenda.meeting, "page_url": page_url, "now": timezone.now()}
    )
    return layout(html)


def pdf_from_template(template_name: str, context: dict[str, Any]) -> bytes:
    """Any other printable document (reports) with the same stylesheet and no fetching."""
    return render_html(render_to_string(template_name, {**context, "now": timezone.now()}))[0]
