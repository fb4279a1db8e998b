"""Follow-ups: the list, and completing or cancelling one from it, the case page or a reminder."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import policy
from core.paginators import Window, page_number
from mdt.follow_up_list import SCOPES, STATES, FollowUpFilter, follow_ups_for
from mdt.forms.follow_ups import FollowUpCancelForm, FollowUpCompleteForm
from mdt.models import FollowUp
from mdt.services import follow_ups

PAGE_SIZE = 50


@never_cache
def follow_up_list(request: HttpRequest) -> HttpResponse:
    chosen = FollowUpFilter.from_query(request.user, request.GET)
    page = Window(follow_ups_for(request.user, chosen), page_number(request.GET.get("page")), PAGE_SIZE)
    return render(
        request,
        "mdt/follow_up_list.html",
        {
            "chosen": chosen,
            "scopes": SCOPES,
            "states": STATES,
            "heading": f"{SCOPES[chosen.scope]}: {STATES[chosen.state].lower()}",
            "page": page,
            "actionable": {f.pk for f in page if policy.can_complete_follow_up(request.user, f.owner_id)},
            "here": request.get_full_path(),
        },
    )


def _back(request: HttpRequest, follow_up: FollowUp, target: str) -> HttpResponseRedirect:
    """Back where the button was (the list, the dashboard): a path on this site only, else the case."""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(reverse("case-detail", args=[follow_up.case_id]))


def _act(request: HttpRequest, follow_up_id: int, *, cancel: bool) -> HttpResponse:
    try:
        follow_up = FollowUp.objects.select_related("case__patient").get(pk=follow_up_id)
    except FollowUp.DoesNotExist as exc:
        raise Http404("No such follow-up") from exc
    mrn = follow_up.case.patient.mrn
    form = (FollowUpCancelForm if cancel else FollowUpCompleteForm)(request.POST)
    valid = form.is_valid()
    target = form.cleaned_data.get("next", "")
    try:
        if not valid:
            raise ValidationError(
                [
                    f"{form.fields[name].label or name}: {' '.join(map(str, errors))}"
                    for name, errors in form.errors.items()
                ]
            )
        if cancel:
            follow_up = follow_ups.follow_up_cancel(
                follow_up_id=follow_up_id, user=request.user, reason=form.cleaned_data["reason"]
            )
        else:
            follow_up = follow_ups.follow_up_complete(
                follow_up_id=follow_up_id, user=request.user, outcome=form.cleaned_data["outcome"]
            )
    except ValidationError as exc:
        messages.error(request, f"MRN {mrn}, {follow_up.get_kind_display()}: " + " ".join(exc.messages))
        return _back(request, follow_up, target)
    done = "cancelled" if cancel else "completed"
    messages.success(request, f"{follow_up.get_kind_display()} for MRN {mrn} {done}.")
    return _back(request, follow_up, target)


@require_POST
def follow_up_complete(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    return _act(request, follow_up_id, cancel=False)


@require_POST
def follow_up_cancel(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    return _act(request, follow_up_id, cancel=True)
