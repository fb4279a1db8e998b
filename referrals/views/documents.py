"""What both sides share: the advice letter, the MDT outcome letters, and posting to the thread.

Each view is registered in both URL namespaces (`refer` for referrers, `referrals` for the service)
and fetches the referral through selectors.referral_for, so a referrer reaches only their
organisation's and the service every one.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.policy import can_give_advice, is_referrer
from accounts.services import access_record
from core.pdf import pdf_from_template, pdf_response
from mdt.printing import letter_context
from mdt.selectors import decisions_for_display
from referrals import selectors
from referrals.access import referral_access
from referrals.forms.triage import MessageForm
from referrals.models import Organisation
from referrals.services import triage


def _back(request: HttpRequest, referral_id: int) -> HttpResponse:
    return redirect("refer:detail" if is_referrer(request.user) else "referrals:detail", referral_id)


@never_cache
def advice_letter(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The advice letter (PDF): the current advice, with every earlier version listed as amended."""
    referral = selectors.referral_for(request.user, referral_id)
    advice = list(referral.advice.all())
    if not advice:
        raise Http404("No advice has been given on this referral yet.")
    referral_access(request.user, referral, kind="pdf_download")
    pdf = pdf_from_template(
        "pdf/referral_advice.html",
        {
            "referral": referral,
            "advice": advice[-1],
            "earlier": advice[:-1],
            "service": Organisation.objects.filter(is_service=True).first(),
        },
    )
    return pdf_response(pdf, f"advice-{referral.reference}.pdf")


@never_cache
def outcome_letter(request: HttpRequest, referral_id: int, decision_id: int) -> HttpResponse:
    """The MDT's outcome letter for the case the referral became (signed decisions only)."""
    referral = selectors.referral_for(request.user, referral_id)
    if decision_id not in {d.pk for d in selectors.outcome_decisions(referral)}:
        raise Http404("No such outcome for this referral.")
    decision = get_object_or_404(decisions_for_display().select_related("case__patient"), pk=decision_id)
    access_record(user=request.user, patient_id=decision.case.patient_id, case_id=decision.case_id, kind="pdf_download")
    pdf = pdf_from_template("pdf/decision_letter.html", letter_context(decision))
    return pdf_response(pdf, f"mdt-outcome-{referral.reference}-{decision.pk}.pdf")


@require_POST
def message(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = selectors.referral_for(request.user, referral_id)
    if not (is_referrer(request.user) or can_give_advice(request.user)):
        raise PermissionDenied("Only the referrer's organisation and the service's team write on the thread.")
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Message: " + " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(request, referral.pk)
    try:
        triage.message_post(referral=referral, user=request.user, body=form.cleaned_data["body"])
    except ValidationError as exc:
        messages.error(request, "Message: " + " ".join(exc.messages))
    else:
        messages.success(request, "Message sent.")
    return _back(request, referral.pk)
