"""The service's pages (URL namespace `referrals`): the triage inbox, a referral, advice, accept, decline."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.policy import can_accept_referral, can_give_advice, can_refer, can_see_referrals
from core.drafts import offer_kept_post
from core.forms import add_service_errors
from referrals import panels, selectors
from referrals.access import referral_access
from referrals.choices import Status
from referrals.clocks import referral_clocks
from referrals.completeness import gaps
from referrals.forms.triage import AcceptForm, AdviceForm, DeclineForm, MessageForm
from referrals.services import accept, triage


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def inbox(request: HttpRequest) -> HttpResponse:
    _require(can_see_referrals(request.user))
    status = request.GET.get("status", "")
    return render(
        request,
        "referrals/inbox.html",
        {
            "rows": selectors.inbox(status=status),
            "counts": selectors.inbox_counts(),
            "status": status,
            "statuses": [(value, label) for value, label in Status.choices if value != Status.DRAFT],
            "can_refer": can_refer(request.user),
            "on_duty": selectors.on_duty(),
        },
    )


def _detail_context(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    referral = selectors.referral_for(request.user, referral_id)
    advice = list(referral.advice.all())
    current = advice[-1] if advice else None
    identity = accept.identity_check(referral) if referral.status != Status.DRAFT else None
    return {
        "referral": referral,
        "clocks": referral_clocks(referral),
        "gaps": gaps(referral),
        "advice_list": advice,
        "current_advice": current,
        "identity": identity,
        "decisions": selectors.outcome_decisions(referral),
        "can_advise": can_give_advice(request.user),
        "can_accept": can_accept_referral(request.user),
        "accept_form": AcceptForm(duplicates=identity.duplicates if identity else ()),
        "decline_form": DeclineForm(),
        "message_form": MessageForm(),
        "message_url": reverse("referrals:message", args=[referral.pk]),
        "statuses": Status,
        "panels": panels.render_panels(request, referral, current),
    }


def detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    _require(can_see_referrals(request.user))
    context = _detail_context(request, referral_id)
    referral_access(request.user, context["referral"])
    return render(request, "referrals/detail.html", context)


@require_POST
def take(request: HttpRequest, referral_id: int) -> HttpResponse:
    _require(can_give_advice(request.user))
    selectors.referral_for(request.user, referral_id)
    try:
        triage.referral_take(referral_id=referral_id, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("referrals:detail", referral_id)


def advise(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Give the advice, or amend it (a new version with a reason; the first stays on the record)."""
    _require(can_give_advice(request.user))
    referral = selectors.referral_for(request.user, referral_id)
    referral_access(request.user, referral)
    current = list(referral.advice.all())[-1] if referral.advice.all() else None
    data = (request.POST or None) if request.method == "POST" else offer_kept_post(request)  # kept after expiry
    form = AdviceForm(data, instance=None, amending=current is not None, initial=_initial(current))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in AdviceForm.Meta.fields}
        try:
            triage.advice_give(
                referral_id=referral.pk,
                user=request.user,
                fields=fields,
                amends_id=form.cleaned_data["amends"],
                reason=form.cleaned_data.get("amendment_reason", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Advice recorded. The referrer is emailed a link to it.")
            return redirect("referrals:detail", referral.pk)
    return render(request, "referrals/advice_form.html", {"referral": referral, "form": form, "current": current})


def _initial(current: Any) -> dict[str, Any]:
    if current is None:
        return {}
    return {"amends": current.pk} | {name: getattr(current, name) for name in AdviceForm.Meta.fields}


def _refused(
    request: HttpRequest, referral_id: int, name: str, form: Any, exc: ValidationError | None = None
) -> HttpResponse:
    """The referral's page again (400) with the form's errors, or the service's on their fields; nothing saved."""
    if exc is not None:
        add_service_errors(form, exc)
    context = _detail_context(request, referral_id)
    context[name] = form
    return render(request, "referrals/detail.html", context, status=400)


@require_POST
def accept_referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    _require(can_accept_referral(request.user))
    referral = selectors.referral_for(request.user, referral_id)
    form = AcceptForm(request.POST, duplicates=accept.identity_check(referral).duplicates)
    if not form.is_valid():
        return _refused(request, referral_id, "accept_form", form)
    same_as, different_person = form.same_person()
    try:
        case = accept.referral_accept(
            referral_id=referral_id,
            user=request.user,
            mrn=form.cleaned_data["mrn"],
            same_person_note=form.cleaned_data["same_person_note"],
            steroid_dose_reason=form.cleaned_data["steroid_dose_reason"],
            same_as=same_as,
            different_person=different_person,
        )
    except ValidationError as exc:
        return _refused(request, referral_id, "accept_form", form, exc)
    messages.success(request, f"Accepted: case {case.pk} for MRN {case.patient.mrn}.")
    return redirect("case-detail", case.pk)


@require_POST
def decline(request: HttpRequest, referral_id: int) -> HttpResponse:
    _require(can_accept_referral(request.user))
    selectors.referral_for(request.user, referral_id)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _refused(request, referral_id, "decline_form", form)
    try:
        triage.referral_decline(referral_id=referral_id, user=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        return _refused(request, referral_id, "decline_form", form, exc)
    messages.success(request, "Referral declined. The referrer sees the reason.")
    return redirect("referrals:detail", referral_id)
