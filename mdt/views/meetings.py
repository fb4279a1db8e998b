"""Meetings: the list, one meeting's agenda (read by everyone, built by coordinators), the PDF and ICS.

Pages with patient data are never cached. Actions are POST-only FBVs that call a service
and redirect back to the agenda, with a message that names the field and the rule.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.services import access_record_many
from cases.models import Case, Patient
from core.forms import ids_in
from core.paginators import Window, page_number
from core.urls import reverse_each
from mdt import agenda_facts, selectors
from mdt.calendar import meeting_ics
from mdt.candidates import agenda_candidates
from mdt.forms.meetings import (
    AddAllCandidatesForm,
    AddCasesForm,
    AttendanceForm,
    ItemForm,
    MoveForm,
    PreparedForm,
    candidate_rows,
    item_fields,
)
from mdt.models import AgendaItem, Meeting, PrintedDocument
from mdt.selectors import Agenda
from mdt.services import agenda as services
from mdt.unlisted import unlisted_cases
from mdt.views import documents

PAST_PAGE_SIZE = 20


@never_cache
def meeting_list(request: HttpRequest) -> HttpResponse:
    past = Window(selectors.meetings_past(), page_number(request.GET.get("page")), PAST_PAGE_SIZE)
    upcoming = list(selectors.meetings_upcoming())
    coordinator = policy.can_build_agenda(request.user)
    return render(
        request,
        "mdt/meeting_list.html",
        {
            "upcoming": upcoming,
            "past": past,
            # The coordinators' worklist (HAZ-028), each row added to the next agenda still open by the
            # meeting page's own form (agenda-add, AddCasesForm's case_number).
            "unlisted": unlisted_cases() if coordinator else None,
            "list_on": _next_open_agenda(upcoming) if coordinator else None,
        },
    )


def _next_open_agenda(upcoming: list[Meeting]) -> Meeting | None:
    """The soonest meeting a coordinator can still list on without a late reason, from the meetings shown."""
    now = timezone.now()
    for meeting in upcoming:
        if meeting.status == Meeting.Status.SCHEDULED and not meeting.agenda_is_closed(now):
            return meeting
    return None


# Each block's links and form actions, by the name the template reads them under.
ITEM_ADDRESSES = {
    "decision": "item-decision",
    "prepared": "agenda-item-prepared",
    "move": "agenda-item-move",
    "update": "agenda-item-update",
    "withdraw": "agenda-item-withdraw",
}


def _addresses(agenda: Agenda) -> None:
    """Each block's addresses, every route reversed once for the page (core.urls.reverse_each)."""
    case = reverse_each("case-detail")
    item = {key: reverse_each(name, agenda.meeting.pk) for key, name in ITEM_ADDRESSES.items()}
    for block in agenda.blocks:
        block.urls = {"case": case(block.item.case_id), **{key: url(block.item.pk) for key, url in item.items()}}


def _patients_and_cases(agenda: Agenda) -> list[tuple[int, int]]:
    return [(block.item.case.patient_id, block.item.case_id) for block in agenda.blocks]


@never_cache
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    member = policy.member_of(request.user)
    coordinator = policy.can_build_agenda(request.user)
    try:
        agenda = selectors.meeting_agenda(meeting_id=meeting_id, member=member, with_members=coordinator)
    except Meeting.DoesNotExist as exc:
        raise Http404("No such meeting") from exc
    meeting = agenda.meeting
    access_record_many(user=request.user, cases=_patients_and_cases(agenda), kind="agenda")
    now = timezone.now()
    open_for_listing = meeting.status == Meeting.Status.SCHEDULED and not meeting.has_started(now)
    agenda_closed = meeting.agenda_is_closed(now)
    can_add = open_for_listing and policy.can_list_case(request.user, agenda_closed=agenda_closed)
    candidates = agenda_candidates(meeting=meeting) if coordinator and open_for_listing else []
    editable = coordinator and meeting.status in (Meeting.Status.SCHEDULED, Meeting.Status.IN_PROGRESS)
    fields = item_fields([block.item for block in agenda.blocks], agenda.members) if editable else {}
    _addresses(agenda)
    for block in agenda.blocks:
        block.form = fields.get(block.item.pk)
        block.facts = agenda_facts.facts_html(block)
    present_ids = {row.member_id for row in agenda.attendance if row.present}
    return render(
        request,
        "mdt/meeting_detail.html",
        {
            "agenda": agenda,
            "meeting": meeting,
            "can_add": can_add,
            "can_edit": editable,
            "agenda_closed": agenda_closed,
            "open_for_listing": open_for_listing,
            "candidates": candidates,
            "candidate_rows": candidate_rows(candidates),
            "add_form": AddCasesForm(number_label="Or add a case by its number" if coordinator else None),
            "attendance_form": AttendanceForm.for_agenda(agenda.members, present_ids, agenda.attendance_version),
            "outcomes_recorded": sum(1 for b in agenda.blocks if b.item.status == AgendaItem.Status.DISCUSSED),
        },
    )


def _back(meeting_id: int, item_id: int | None = None) -> HttpResponse:
    url = reverse("meeting-detail", args=[meeting_id])
    return redirect(f"{url}#item-{item_id}" if item_id else url)


def _report_form(request: HttpRequest, form: Any) -> None:
    """A form's errors as messages, each naming its field."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def _report(request: HttpRequest, exc: ValidationError) -> None:
    for message in dict.fromkeys(exc.messages):  # one line per rule, however many cases broke it
        messages.error(request, message)


def meeting_action(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """POST only; a missing meeting or item is a 404, a role that may not act a 403."""

    @wraps(view)
    @require_POST
    def wrapper(request: HttpRequest, meeting_id: int, **kwargs: Any) -> HttpResponse:
        if not Meeting.objects.filter(pk=meeting_id).exists():
            raise Http404("No such meeting")
        item_id = kwargs.get("item_id")
        if item_id is not None and not AgendaItem.objects.filter(pk=item_id, meeting_id=meeting_id).exists():
            raise Http404("No such agenda item")
        try:
            return view(request, meeting_id, **kwargs)
        except PermissionDenied:
            raise
        except ValidationError as exc:
            _report(request, exc)
            return _back(meeting_id, item_id)

    return wrapper


@meeting_action
def agenda_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    if request.POST.get("all_candidates"):
        return _add_all_candidates(request, meeting_id)
    form = AddCasesForm(request.POST, candidate_ids=ids_in(request.POST.getlist("case_ids")))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(meeting_id)
    # Each candidate row says which source found it ("source-<case id>"), recorded on the item.
    sources = {case_id: request.POST.get(f"source-{case_id}", "") for case_id in form.cleaned_data["case_ids"]}
    items = services.agenda_add_cases(
        meeting_id=meeting_id,
        case_ids=form.cleaned_data["all_case_ids"],
        user=request.user,
        late_reason=form.cleaned_data["late_reason"],
        sources={case_id: source for case_id, source in sources.items() if source in AgendaItem.Source.values},
    )
    messages.success(request, _added(items))
    return _back(meeting_id)


def _add_all_candidates(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The candidate list as it stands now, all added in one step (the list is computed again here)."""
    if not policy.can_build_agenda(request.user):
        raise PermissionDenied("Only a coordinator can add the candidate list.")
    form = AddAllCandidatesForm(request.POST)
    if not form.is_valid():
        _report_form(request, form)
        return _back(meeting_id)
    found = agenda_candidates(meeting=Meeting.objects.get(pk=meeting_id))
    if not found:
        messages.info(request, "No candidate is waiting.")
        return _back(meeting_id)
    items = services.agenda_add_cases(
        meeting_id=meeting_id,
        case_ids=[candidate.case.pk for candidate in found],
        user=request.user,
        late_reason=form.cleaned_data["late_reason"],
        sources={candidate.case.pk: candidate.source for candidate in found},
    )
    messages.success(request, _added(items))
    return _back(meeting_id)


def _mrn(item_id: int) -> str:
    return str(AgendaItem.objects.values_list("case__patient__mrn", flat=True).get(pk=item_id))


def _added(items: list[AgendaItem]) -> str:
    """ "2 cases added to the agenda. MRN A, MRN B." (the patients by MRN, as every confirmation)."""
    mrns = AgendaItem.objects.filter(pk__in=[i.pk for i in items]).values_list("case__patient__mrn", flat=True)
    named = ", ".join(f"MRN {mrn}" for mrn in sorted(mrns))
    return f"{len(items)} case{'s' if len(items) != 1 else ''} added to the agenda." + (f" {named}." if named else "")


SUGGESTIONS = 10


@meeting_action
def agenda_suggest(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Open cases whose patient matches an MRN, NHS number or name, for "add a case". POST, so what
    is typed stays out of the address and the logs."""
    if not policy.can_list_case(request.user):
        raise PermissionDenied("Only members of the MDT list cases.")
    query = request.POST.get("q", "").strip()[:100]
    if len(query) < 2:
        return JsonResponse({"results": []})
    cases = (
        Case.objects.open()
        .filter(patient__in=Patient.objects.search(query))
        .select_related("patient")
        .order_by("patient__family_name", "patient__given_name", "-referred_at", "id")[:SUGGESTIONS]
    )
    results = [
        {
            "case_id": case.pk,
            "label": f"{case.patient.display_name} · MRN {case.patient.mrn} · case {case.pk} · "
            f"{case.get_presentation_display()} · {case.get_status_display()}",
        }
        for case in cases
    ]
    return JsonResponse({"results": results})


@meeting_action
def agenda_sort(request: HttpRequest, meeting_id: int) -> HttpResponse:
    services.agenda_sort(meeting_id=meeting_id, user=request.user)
    messages.success(request, "Agenda ordered: suspected MSCC first, then by clock urgency.")
    return _back(meeting_id)


@meeting_action
def item_move(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    form = MoveForm(request.POST)
    if not form.is_valid():
        _report_form(request, form)
        return _back(meeting_id, item_id)
    services.agenda_item_move(item_id=item_id, direction=form.cleaned_data["direction"], user=request.user)
    return _back(meeting_id, item_id)


@meeting_action
def item_update(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    form = ItemForm(request.POST, prefix=f"item{item_id}")
    if not form.is_valid():
        _report_form(request, form)
        return _back(meeting_id, item_id)
    presenter = form.cleaned_data["presenter"]
    services.agenda_item_update(
        item_id=item_id,
        user=request.user,
        question=form.cleaned_data["question"],
        presenter_id=presenter.pk if presenter else None,
        loaded_version=form.cleaned_data["loaded_version"],
    )
    messages.success(request, f"Question and presenter saved. MRN {_mrn(item_id)}.")
    return _back(meeting_id, item_id)


@meeting_action
def item_withdraw(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    services.agenda_item_withdraw(item_id=item_id, user=request.user)
    messages.success(request, f"Case withdrawn from the agenda. MRN {_mrn(item_id)}.")
    return _back(meeting_id)


@meeting_action
def item_prepared(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    form = PreparedForm(request.POST)
    prepared = not form.is_valid() or form.cleaned_data["prepared"] != "0"  # the button without a value marks
    services.agenda_item_set_prepared(item_id=item_id, user=request.user, prepared=prepared)
    done = "Marked as prepared." if prepared else "Preparation mark removed."
    messages.success(request, f"{done} MRN {_mrn(item_id)}.")
    return _back(meeting_id, item_id)


@meeting_action
def attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        _report_form(request, form)
        return _back(meeting_id)
    quorum = services.attendance_record(
        meeting_id=meeting_id,
        user=request.user,
        present_member_ids=form.cleaned_data["present"],
        loaded_version=form.cleaned_data["loaded_version"],
    )
    if quorum.met:
        messages.success(request, "Attendance saved. The meeting is quorate.")
    else:
        missing = ", ".join(quorum.missing_labels)
        messages.warning(request, f"Attendance saved, but the meeting is NOT quorate: no {missing} present.")
    return _back(meeting_id)


@never_cache
def meeting_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The agenda pack: built by the worker, served once built (mdt.views.documents)."""
    page_url = request.build_absolute_uri(reverse("meeting-detail", args=[meeting_id]))
    return documents.serve(request, PrintedDocument.Kind.AGENDA, meeting_id, page_url)


@never_cache
def meeting_calendar(request: HttpRequest, meeting_id: int) -> HttpResponse:
    try:
        meeting = selectors.meeting_for_calendar(meeting_id=meeting_id)
    except Meeting.DoesNotExist as exc:
        raise Http404("No such meeting") from exc
    body = meeting_ics(meeting, page_url=request.build_absolute_uri(meeting.get_absolute_url()))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mdt-meeting-{meeting.pk}.ics"'
    return response
