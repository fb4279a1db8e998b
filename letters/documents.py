"""The patient's letter and the information sheet as printed documents, in standard and large print.

They go through the MDT's print machinery (mdt.printing): the page renders the HTML, its digest
finds the PDF already built or queues the worker, and the progress page polls until it is ready.
The same template makes the accessible HTML version, so what a screen reader reads is what is printed.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from cases.communication import letter_address, needs_of
from core.pdf import static_text
from letters import readability
from letters.models import PatientLetter
from letters.writing import blocks
from mdt import printing
from mdt.models import PrintedDocument

Kind = PrintedDocument.Kind
STYLESHEET = "css/patient-letter.css"


def safety_net() -> dict[str, str]:
    """What the safety-netting box prints: the 24-hour number (configuration) and who answers it."""
    return {"phone": settings.PATIENT_SAFETY_NET_PHONE, "name": settings.PATIENT_SAFETY_NET_NAME}


def service() -> dict[str, str]:
    return {
        "name": settings.MDT_SERVICE_NAME,
        "address": settings.MDT_SERVICE_ADDRESS,
        "phone": settings.MDT_SERVICE_PHONE,
        "email": settings.MDT_SERVICE_EMAIL,
    }


def letter_queryset() -> Any:
    return PatientLetter.objects.select_related(
        "patient__communication_needs",
        "decision__case",
        "decision__agenda_item__meeting",
        "advice__referral__organisation",
        "advice__referral__case",
        "released_by__member",
    )


def _source_date(letter: PatientLetter) -> Any:
    """The date a draft carries: the meeting's, the urgent decision's, or the advice's."""
    if letter.advice is not None:
        return letter.advice.given_at
    decision = letter.decision
    assert decision is not None  # a letter explains a decision or advice (constraint patient_letter_one_source)
    return decision.agenda_item.meeting.starts_at if decision.agenda_item else decision.decided_at


def letter_context(letter: PatientLetter, *, large: bool) -> dict[str, Any]:
    """What every version of the letter prints (PDF, large print, HTML, the page's preview)."""
    patient = letter.patient
    address = letter_address(patient)
    return {
        "letter": letter,
        "address": address,
        # A draft whose address changed since it was written (a move the PAS sent, a new care home):
        # the page says so; the release goes to the new one.
        "address_changed": not letter.released
        and bool(letter.drafted_to)
        and address is not None
        and address.text != letter.drafted_to,
        "blocks": blocks(letter.body),
        "patient": patient,
        "case": letter.case,
        "referrer": letter.referrer,
        "needs": needs_of(patient),
        "service": service(),
        "safety_net": safety_net(),
        "large": large,
        "letter_date": letter.released_at or _source_date(letter),
    }


def _letter(letter_id: int, page_url: str, *, large: bool) -> printing.Source:
    letter = letter_queryset().get(pk=letter_id)
    context = {**letter_context(letter, large=large), "css": static_text(STYLESHEET)}
    suffix = "-large-print" if large else ""
    case = letter.case
    return printing.Source(
        "pdf/patient_letter.html",
        context,
        f"patient-letter-{letter.pk}{suffix}.pdf",
        [(letter.patient_id, case.pk if case else None)],
        tagged=True,
    )


# The information sheet: its version and review date are printed on it and shown on its page.
SHEET_ID = 1  # one sheet; its version is in the text, not in the id
SHEET_VERSION = "1.0"
SHEET_ISSUED = dt.date(2026, 11, 30)
SHEET_REVIEW_BY = dt.date(2027, 11, 30)


def sheet_context(*, large: bool) -> dict[str, Any]:
    return {
        "large": large,
        "safety_net": safety_net(),
        "service": service(),
        "version": SHEET_VERSION,
        "issued": SHEET_ISSUED,
        "review_by": SHEET_REVIEW_BY,
        "review_overdue": timezone.localdate() > SHEET_REVIEW_BY,
    }


def _sheet(object_id: int, page_url: str, *, large: bool) -> printing.Source:
    context = {**sheet_context(large=large), "css": static_text(STYLESHEET)}
    suffix = "-large-print" if large else ""
    return printing.Source(
        "pdf/information_sheet.html", context, f"spinal-metastases-information{suffix}.pdf", [], tagged=True
    )


def register() -> None:
    printing.register_source(Kind.PATIENT_LETTER, lambda pk, url: _letter(pk, url, large=False))
    printing.register_source(Kind.PATIENT_LETTER_LARGE, lambda pk, url: _letter(pk, url, large=True))
    printing.register_source(Kind.INFO_SHEET, lambda pk, url: _sheet(pk, url, large=False))
    printing.register_source(Kind.INFO_SHEET_LARGE, lambda pk, url: _sheet(pk, url, large=True))


def letter_score(letter: PatientLetter) -> tuple[float, bool]:
    """The edited text's reading level, and whether it is within the target."""
    score = readability.grade(letter.body)
    return score, readability.within_target(score)
