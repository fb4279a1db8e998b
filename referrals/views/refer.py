"""The referrer's pages (URL namespace `refer`): their organisation's referrals, the guided form, a referral.

A referrer reaches nothing outside this namespace (accounts.middleware.ReferrerConfinementMiddleware);
inside it, every referral is fetched through referrals.selectors (their organisation's only). The
service's coordinators use the same form to take a referral by phone.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.policy import can_refer, can_see_referrals, is_referrer
from core.drafts import offer_kept_post
from referrals import selectors
from referrals.access import referral_access
from referrals.choices import Status
from referrals.completeness import STEP_KEYS, STEPS, blockers, gaps
from referrals.forms.referral import PhoneReferralForm, SubmitForm, step_form
from referrals.forms.triage import MessageForm
from referrals.models import Referral
from referrals.services import drafts


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def home(request: HttpRequest) -> HttpResponse:
    """A referrer's referrals (their organisation's), newest first; the service goes to its inbox."""
    if not is_referrer(request.user):
        return redirect("referrals:inbox") if can_see_referrals(request.user) else _forbidden()
    profile = request.user.referrer  # type: ignore[union-attr]
    referrals = list(selectors.for_referrer(request.user).select_related("referrer").order_by("-created_at")[:200])
    return render(
        request,
        "referrals/refer_home.html",
        {"referrals": referrals, "profile": profile, "can_refer": can_refer(request.user)},
    )


def _forbidden() -> HttpResponse:
    raise PermissionDenied


def new(request: HttpRequest) -> HttpResponse:
    """Start a draft: at once for a referrer; the service first names the referring organisation."""
    if not can_refer(request.user):
        raise PermissionDenied
    form = None
    if is_referrer(request.user):
        if request.method == "POST":
            referral = drafts.referral_start(user=request.user)
            return redirect("refer:step", referral.pk, STEP_KEYS[0])
    else:
        form = PhoneReferralForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            referral = drafts.referral_start(user=request.user, organisation=form.cleaned_data["organisation"])
            return redirect("refer:step", referral.pk, STEP_KEYS[0])
    return render(request, "referrals/refer_new.html", {"form": form})


def _draft(request: HttpRequest, referral_id: int) -> Referral:
    referral = selectors.referral_for(request.user, referral_id)
    if not can_refer(request.user):
        raise PermissionDenied
    return referral


# Atomic: the stale-edit check locks the draft row (select_for_update) until the step is saved.
@transaction.atomic
def step(request: HttpRequest, referral_id: int, step: str) -> HttpResponse:
    """One step of the form. Every save keeps the draft; "Next" and "Back" save too."""
    if step not in STEP_KEYS:
        raise Http404("No such step.")
    referral = _draft(request, referral_id)
    if referral.status != Status.DRAFT:
        messages.info(request, f"Referral {referral.reference} was submitted; send further information as a message.")
        return redirect("refer:detail", referral.pk)
    # What was typed when the session ended comes back, bound, after signing in again (HAZ-040).
    data = (request.POST or None) if request.method == "POST" else offer_kept_post(request)
    form = step_form(step)(data, instance=referral)
    if request.method == "POST" and form.is_valid():
        try:
            drafts.referral_save(referral=form.save(commit=False), user=request.user)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            index = STEP_KEYS.index(step)
            if "back" in request.POST and index > 0:
                return redirect("refer:step", referral.pk, STEP_KEYS[index - 1])
            if "next" in request.POST:
                if index + 1 < len(STEP_KEYS):
                    return redirect("refer:step", referral.pk, STEP_KEYS[index + 1])
                return redirect("refer:check", referral.pk)
            messages.success(request, "Draft saved. You can come back to it from your referrals at any time.")
            return redirect("refer:step", referral.pk, step)
    title = next(label for key, label, _ in STEPS if key == step)
    return render(
        request,
        "referrals/refer_step.html",
        {
            "referral": referral,
            "form": form,
            "step": step,
            "title": title,
            "steps": STEPS,
            "index": STEP_KEYS.index(step) + 1,
        },
    )


def check(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The completeness check, then submit (with the gaps recorded if the referrer submits anyway)."""
    referral = _draft(request, referral_id)
    if referral.status != Status.DRAFT:
        return redirect("refer:detail", referral.pk)
    form = SubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = drafts.referral_submit(
                referral_id=referral.pk, user=request.user, accept_gaps=form.cleaned_data["accept_gaps"]
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(
                request,
                f"Referral {referral.reference} is with the MSCC service. An acknowledgement is on its way by email; "
                "the on-call coordinator has been alerted.",
            )
            return redirect("refer:detail", referral.pk)
    return render(
        request,
        "referrals/refer_check.html",
        {"referral": referral, "form": form, "gaps": gaps(referral), "blockers": blockers(referral), "steps": STEPS},
    )


def detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    """A referral as its referrer sees it: status, advice, the MDT's outcome letters and the thread."""
    referral = selectors.referral_for(request.user, referral_id)
    if not is_referrer(request.user) and can_see_referrals(request.user):
        return redirect("referrals:detail", referral.pk)
    if referral.status == Status.DRAFT:
        return redirect("refer:check", referral.pk)
    referral_access(request.user, referral)
    advice = list(referral.advice.all())
    return render(
        request,
        "referrals/refer_detail.html",
        {
            "referral": referral,
            "advice_list": advice,
            "current_advice": next((a for a in reversed(advice)), None),
            "decisions": selectors.outcome_decisions(referral),
            "message_form": MessageForm(),
            "message_url": reverse("refer:message", args=[referral.pk]),
        },
    )
