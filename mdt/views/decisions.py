"""Decision pages: record in the meeting, sign off, amend, urgent decisions, letters, follow-ups."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.services import access_record
from cases.models import Case
from cases.summary import SUMMARY_PREFETCH, case_summary, summary_prefetch
from core.drafts import offer_kept_post
from core.forms import errors_text, named_errors
from core.timezones import local_day
from mdt import decision_parts
from mdt.agenda import latest_mri
from mdt.forms.decisions import (
    AmendmentForm,
    DecisionForm,
    OutcomeForm,
    ReplaceSignerForm,
    SignForm,
    follow_up_formset,
)
from mdt.models import AgendaItem, Decision, Member, PrintedDocument
from mdt.selectors import decisions_for_display
from mdt.services import decisions, signoffs
from mdt.views import documents


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form's data: this post, or what was typed when the session ended (shown again, not lost)."""
    if request.method == "POST":
        return request.POST
    return offer_kept_post(request)


def _default_responsible(item: AgendaItem) -> list[int]:
    ids = []
    clinician = getattr(item.case.responsible_clinician, "member", None) if item.case.responsible_clinician else None
    if clinician and policy.role_may_sign(clinician.role):
        ids.append(clinician.pk)
    if item.presenter_id and item.presenter and policy.role_may_sign(item.presenter.role):
        ids.append(item.presenter_id)
    return ids


def _record_outcome(
    request: HttpRequest, item: AgendaItem, action: str, reason: str, next_id: int | None
) -> HttpResponse:
    """Not discussed (carried forward) or withdrawn, then on to the next item."""
    meeting_id = item.meeting_id
    try:
        decisions.agenda_item_outcome(item_id=item.pk, user=request.user, status=action, reason=reason)
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
        return redirect("item-decision", meeting_id, item.pk)
    messages.success(
        request, f"Outcome recorded: {AgendaItem.Status(action).label.lower()}. MRN {item.case.patient.mrn}."
    )
    return redirect("item-decision", meeting_id, next_id) if next_id else redirect("meeting-detail", meeting_id)


def _refuse_buttons(request: HttpRequest, buttons: OutcomeForm, item: AgendaItem) -> HttpResponse:
    """An unknown button or an over-long reason: say which field and why, record nothing."""
    for name, errors in buttons.errors.items():
        messages.error(request, f"{buttons.fields[name].label}: {' '.join(map(str, errors))}")
    return redirect("item-decision", item.meeting_id, item.pk)


def _place_on_agenda(item: AgendaItem) -> tuple[int, int | None, int]:
    """The item's place on its agenda (from 1; 0 when no longer listed), the next item's id, and the count."""
    order = list(item.meeting.items.listed().order_by("position", "id").values_list("pk", flat=True))
    position = order.index(item.pk) if item.pk in order else -1
    next_id = order[position + 1] if 0 <= position < len(order) - 1 else None
    return position + 1, next_id, len(order)


def _save_decision(
    request: HttpRequest, item: AgendaItem, form: DecisionForm, follow_ups: Any
) -> Decision | ValidationError:
    """The decision and, with it, the questions other apps add (a trial considered): one transaction, so a
    refused answer saves neither; the refusal is returned, for the page to show beside each field."""
    try:
        with transaction.atomic():
            decision = decisions.decision_record(
                item_id=item.pk,
                user=request.user,
                data=form.to_input(follow_ups),
                loaded_version=form.cleaned_data.get("loaded_version"),
            )
            decision_parts.save_parts(decision, request.user, request.POST)
    except ValidationError as exc:
        return exc
    return decision


@never_cache
def item_decision(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """Record the outcome of one agenda item, then move on to the next: the page used live in the meeting."""
    if not policy.can_record_decision(request.user):
        raise PermissionDenied("Only members of the MDT record outcomes.")
    items = AgendaItem.objects.select_related("meeting", "presenter", "case__patient", "case__responsible_clinician")
    items = items.prefetch_related(*summary_prefetch("case__"))
    item = get_object_or_404(items, pk=item_id, meeting_id=meeting_id)
    current = decisions_for_display().filter(agenda_item=item).exclude(status=Decision.Status.SUPERSEDED).first()
    not_before = local_day(item.meeting.starts_at)
    posted, refused = _posted(request), None
    form = DecisionForm(posted, initial=DecisionForm.initial_from(current) if current else {
        "responsible": _default_responsible(item), "patient_preferences_considered": "yes"})  # fmt: skip
    follow_ups = follow_up_formset(posted, not_before=not_before)
    outcome = OutcomeForm()
    position, next_id, count = _place_on_agenda(item)
    if request.method == "POST":
        buttons = OutcomeForm(request.POST)
        if not buttons.is_valid():
            return _refuse_buttons(request, buttons, item)
        action = buttons.cleaned_data["action"] or "save"
        if action in ("not_discussed", "withdrawn"):
            return _record_outcome(request, item, action, buttons.cleaned_data["reason"], next_id)
        saved = form.is_valid() and follow_ups.is_valid() and _save_decision(request, item, form, follow_ups)
        refused = saved if isinstance(saved, ValidationError) else None
        if isinstance(decision := saved, Decision):
            messages.success(
                request, f"Decision for {item.case.patient.mrn} saved: awaiting sign-off.{_no_plan(decision)}"
            )
            if action == "save_next" and next_id:
                return redirect("item-decision", meeting_id, next_id)
            return redirect(decision.get_absolute_url())
    summary = case_summary(item.case)
    access_record(user=request.user, patient_id=item.case.patient_id, case_id=item.case_id, kind="agenda")
    urgent = Decision.objects.urgent_unratified().filter(case=item.case).first()
    return render(
        request,
        "mdt/decision_form.html",
        {
            "item": item,
            "meeting": item.meeting,
            "case": item.case,
            "patient": item.case.patient,
            "summary": summary,
            "current": current,
            "form": form,
            "follow_ups": follow_ups,
            "parts": decision_parts.render_parts(
                request, item.case, summary, posted, current, refused=refused, shown=[form]
            ),
            "outcome": outcome,
            "next_id": next_id,
            "position": position,
            "count": count,
            "urgent": urgent,
            "latest_mri": latest_mri(item.case),
        },
    )


@never_cache
def decision_detail(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = get_object_or_404(decisions_for_display().select_related("case__patient"), pk=decision_id)
    access_record(user=request.user, patient_id=decision.case.patient_id, case_id=decision.case_id, kind="case_page")
    member = policy.member_of(request.user)
    mine = next((s for s in decision.signoffs.all() if member and s.member_id == member.pk), None)
    chain = []
    earlier = decision.amends
    while earlier is not None:  # short: one query per earlier version
        chain.append(earlier)
        earlier = earlier.amends
    return render(
        request,
        "mdt/decision_detail.html",
        {
            "decision": decision,
            "case": decision.case,
            "patient": decision.case.patient,
            "mine": mine,
            "sign_form": SignForm(),
            "earlier": chain,
            "amended_by": Decision.objects.filter(amends=decision).first(),
            "can_amend": policy.can_record_decision(request.user) and decision.status == Decision.Status.SIGNED,
            "leavers": _leavers(request, decision),
        },
    )


def _leavers(request: HttpRequest, decision: Decision) -> list[tuple[Any, ReplaceSignerForm | None]]:
    """The signers named on a decision still awaiting sign-off who left the team before signing, each with
    the form to name another clinician instead (for whoever may record decisions; HAZ-175)."""
    if decision.status != Decision.Status.AWAITING_SIGNOFF:
        return []
    may = policy.can_record_decision(request.user)
    return [
        (row, ReplaceSignerForm(decision=decision, prefix=f"signer-{row.pk}") if may else None)
        for row in decision.signoffs.all()
        if row.response == row.Response.PENDING and row.member.has_left
    ]


@require_POST
def decision_replace_signer(request: HttpRequest, decision_id: int, signoff_id: int) -> HttpResponse:
    """Name another clinician to sign in place of one who left the team before signing."""
    mrn = Decision.objects.filter(pk=decision_id).values_list("case__patient__mrn", flat=True).first()
    if mrn is None:
        raise Http404("No such decision")
    form = ReplaceSignerForm(request.POST, prefix=f"signer-{signoff_id}")
    form.offer(Member.objects.select_related("user"))
    try:
        if not form.is_valid():
            raise named_errors(form)
        try:
            named = signoffs.signoff_replace(
                decision_id=decision_id,
                signoff_id=signoff_id,
                member_id=form.cleaned_data["member"].pk,
                user=request.user,
                loaded_version=form.cleaned_data["loaded_version"],
            )
        except ValidationError as exc:
            raise named_errors(form, exc) from exc
    except ValidationError as exc:
        messages.error(request, f"MRN {mrn}: " + errors_text(exc))
    else:
        messages.success(request, f"{named.member.display_name} named to sign instead. MRN {mrn}.")
    return redirect("decision-detail", decision_id)


def _signed_back(request: HttpRequest, decision_id: int) -> HttpResponse:
    """Back to the dashboard when signed from there, else to the decision."""
    return (
        redirect("dashboard") if request.POST.get("next") == "dashboard" else redirect("decision-detail", decision_id)
    )


@require_POST
def decision_sign(request: HttpRequest, decision_id: int) -> HttpResponse:
    form = SignForm(request.POST)
    mrn = Decision.objects.filter(pk=decision_id).values_list("case__patient__mrn", flat=True).first()
    if mrn is None:
        raise Http404("No such decision")
    if not form.is_valid():
        messages.error(request, f"MRN {mrn}: " + errors_text(form))
        return redirect("decision-detail", decision_id)
    try:
        signoff = decisions.signoff_respond(
            decision_id=decision_id,
            user=request.user,
            agree=form.cleaned_data["response"] == "agree",
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, f"MRN {mrn}: " + errors_text(exc))
        return redirect("decision-detail", decision_id)
    messages.success(request, f"Signed: {signoff.get_response_display().lower()}. MRN {mrn}.")
    return _signed_back(request, decision_id)


def _save_with_parts(
    request: HttpRequest, amendment: AmendmentForm, save: Any, data: Any
) -> Decision | ValidationError:
    """The decision and the questions other apps add (a trial considered), as on the outcome page: one
    transaction, so a refused answer saves neither; the refusal is returned, for the page to show beside
    each field (the reason for an amendment on its own)."""
    try:
        with transaction.atomic():
            decision: Decision = save(data, amendment.cleaned_data["amendment_reason"])
            decision_parts.save_parts(decision, request.user, request.POST)
    except ValidationError as exc:
        return exc
    return decision


def _decision_page(
    request: HttpRequest,
    *,
    case: Case,
    title: str,
    save: Any,
    initial: dict[str, Any],
    amending: Decision | None = None,
) -> HttpResponse:
    """The urgent decision and the amendment: the decision's fields, then the questions other apps add (the
    amendment starts from the amended decision's answers)."""
    posted = _posted(request)
    form = DecisionForm(posted, initial=initial)
    follow_ups = follow_up_formset(posted, not_before=timezone.localdate())
    amendment = AmendmentForm(posted)
    valid = request.method == "POST" and all([form.is_valid(), follow_ups.is_valid(), amendment.is_valid()])
    saved = valid and _save_with_parts(request, amendment, save, form.to_input(follow_ups))
    if isinstance(decision := saved, Decision):
        messages.success(request, f"{title} saved: awaiting sign-off. MRN {case.patient.mrn}.{_no_plan(decision)}")
        return redirect(decision.get_absolute_url())
    summary = case_summary(case)
    return render(
        request,
        "mdt/decision_edit.html",
        {
            "case": case,
            "patient": case.patient,
            "summary": summary,
            "form": form,
            "follow_ups": follow_ups,
            "parts": decision_parts.render_parts(
                request,
                case,
                summary,
                posted,
                amending,
                refused=saved if isinstance(saved, ValidationError) else None,
                shown=[form, amendment],
            ),
            "title": title,
            "amending": amending is not None,
            "amendment": amendment,
        },
    )


def decision_amend(request: HttpRequest, decision_id: int) -> HttpResponse:
    if not policy.can_record_decision(request.user):
        raise PermissionDenied("Only members of the MDT amend decisions.")
    original = get_object_or_404(decisions_for_display(), pk=decision_id)
    case = Case.objects.select_related("patient").prefetch_related(*SUMMARY_PREFETCH).get(pk=original.case_id)

    def save(data: decisions.DecisionInput, reason: str) -> Decision:
        return decisions.decision_amend(decision_id=original.pk, user=request.user, data=data, reason=reason)

    return _decision_page(
        request, case=case, title="Amendment", save=save, initial=DecisionForm.initial_from(original), amending=original
    )


def urgent_decision_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("patient").prefetch_related(*SUMMARY_PREFETCH), pk=case_id)
    if not policy.can_record_urgent_decision(request.user):
        raise PermissionDenied("Only an oncologist or a spinal surgeon records an urgent decision between meetings.")

    def save(data: decisions.DecisionInput, reason: str) -> Decision:
        return decisions.decision_urgent_record(case_id=case.pk, user=request.user, data=data)

    initial = {"patient_preferences_considered": "yes", "responsible": [policy.member_of(request.user).pk]}
    return _decision_page(request, case=case, title="Urgent decision", save=save, initial=initial)


@never_cache
def decision_letter(request: HttpRequest, decision_id: int) -> HttpResponse:
    """The outcome letter for the GP and the referrer (built by the worker: mdt.views.documents)."""
    return documents.serve(request, PrintedDocument.Kind.LETTER, decision_id)


@never_cache
def meeting_outcomes_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Every item of a meeting with its outcome (built by the worker: mdt.views.documents)."""
    return documents.serve(request, PrintedDocument.Kind.OUTCOMES, meeting_id)


def _no_plan(decision: Decision) -> str:
    """What the coordinator must know when a decision agrees no treatment plan yet (HAZ-026)."""
    if not decision.awaits_further_imaging:
        return ""
    return " Further imaging first: no treatment plan is agreed yet, and the case's plan clock keeps running."
