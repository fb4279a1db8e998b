"""Preparing a meeting: the standard-of-care page (which listed cases a lead clinician reviewed against an
agreed protocol instead of a full discussion, and the lead clinicians' forms to list or withdraw one),
and every case on the agenda against the open trials."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import policy
from accounts.services import access_record_many
from cases.summary import case_summary
from core.forms import errors_text, named_errors
from live.forms import StandardOfCareForm
from live.models import StandardOfCare
from live.standard_of_care import standard_of_care_record, standard_of_care_withdraw
from live.trials import matches, open_trials
from mdt.models import AgendaItem, Meeting
from mdt.selectors import agenda_items


@never_cache
@require_GET
def standard_of_care_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404("No such meeting")
    items = list(
        meeting.items.exclude(status=AgendaItem.Status.WITHDRAWN)
        .select_related("case__patient__communication_needs", "case__responsible_clinician")
        .order_by("position", "id")
    )
    reviews = {
        review.item_id: review
        for review in StandardOfCare.objects.filter(item__meeting=meeting, withdrawn_at__isnull=True).select_related(
            "recorded_by"
        )
    }
    access_record_many(user=request.user, cases=[(i.case.patient_id, i.case_id) for i in items], kind="agenda")
    lead = policy.can_review_standard_of_care(request.user)
    rows = [
        (
            item,
            reviews.get(item.pk),
            lead and item.case.responsible_clinician_id in (None, request.user.pk),
            StandardOfCareForm.row(item.pk, reviews.get(item.pk)),
        )
        for item in items
    ]
    return render(
        request,
        "live/standard_of_care.html",
        {"meeting": meeting, "rows": rows, "open": meeting.status not in ("concluded", "cancelled")},
    )


@require_POST
def standard_of_care_change(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    items = AgendaItem.objects.filter(pk=item_id, meeting_id=meeting_id)
    mrn = items.values_list("case__patient__mrn", flat=True).first()
    if mrn is None:
        raise Http404("No such agenda item")
    form = StandardOfCareForm(request.POST)
    try:
        if not form.is_valid():
            raise named_errors(form)
        try:
            if form.cleaned_data["action"] == "withdraw":
                standard_of_care_withdraw(item_id=item_id, user=request.user)
                messages.success(request, f"Back to a full discussion. MRN {mrn}.")
            else:
                standard_of_care_record(
                    item_id=item_id, user=request.user, protocol=form.cleaned_data["protocol"],
                    note=form.cleaned_data["note"],
                )  # fmt: skip
                listed = f"Listed as standard of care: the live screen's Next passes over it. MRN {mrn}."
                messages.success(request, listed)
        except ValidationError as exc:
            raise named_errors(form, exc) from exc
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
    return redirect("live:standard-of-care", meeting_id)


@never_cache
@require_GET
def agenda_trials_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Every case on the agenda against the open trials, for preparing the meeting: a fixed number of queries."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404("No such meeting")
    trials = open_trials()
    rows = []
    for item in agenda_items(meeting).exclude(status=AgendaItem.Status.WITHDRAWN):
        rows.append((item, matches(item.case, case_summary(item.case), trials)))
    access_record_many(user=request.user, cases=[(i.case.patient_id, i.case_id) for i, _ in rows], kind="agenda")
    return render(request, "live/agenda_trials.html", {"meeting": meeting, "rows": rows, "any_trial": bool(trials)})
