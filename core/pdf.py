"""Printable documents: HTML templates laid out by WeasyPrint, and the response that serves them.

WeasyPrint fetches nothing: stylesheets are read from the static files and every other URL is
refused, so a document can never call out of the network. It is imported on first use (it is
slow to import and most requests never print).
"""

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

if TYPE_CHECKING:
    import weasyprint

# WeasyPrint logs every rendering step at INFO; only its warnings belong in the service's log.
logging.getLogger("weasyprint").setLevel(logging.WARNING)

STYLESHEET = "css/agenda-pdf.css"


def static_text(name: str) -> str:
    """A static file's text (a stylesheet put inside a document)."""
    path = finders.find(name)
    if not isinstance(path, str):
        raise FileNotFoundError(name)
    return Path(path).read_text(encoding="utf-8")


@functools.cache
def _no_fetching() -> Any:
    """One fetcher for the process: making one builds an SSL context (tens of milliseconds a document)."""
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError("Printed documents load no external resources.")

    return NoFetching()


def layout(html: str) -> "weasyprint.Document":
    """The laid-out document (its `pages` can be counted), with the print stylesheet."""
    import weasyprint

    stylesheet = weasyprint.CSS(string=static_text(STYLESHEET), url_fetcher=_no_fetching())
    return weasyprint.HTML(string=html, url_fetcher=_no_fetching()).render(stylesheets=[stylesheet])


def render_html(html: str, *, tagged: bool = False) -> tuple[bytes, int]:
    """The PDF of a printable page, and its number of pages. `tagged`: with the structure (headings,
    paragraphs, lists, reading order) a screen reader follows, for documents patients read."""
    document = layout(html)
    pdf = document.write_pdf(pdf_tags=True) if tagged else document.write_pdf()
    assert pdf is not None
    return pdf, len(document.pages)


def render_document(template_name: str, context: dict[str, Any]) -> "weasyprint.Document":
    """The laid-out document (its `pages` can be counted), with the print stylesheet and `now` in the context."""
    return layout(render_to_string(template_name, {**context, "now": timezone.now()}))


def pdf_from_template(template_name: str, context: dict[str, Any]) -> bytes:
    return render_html(render_to_string(template_name, {**context, "now": timezone.now()}))[0]


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """Shown in the browser (inline), saved under `filename` if the user downloads it."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
