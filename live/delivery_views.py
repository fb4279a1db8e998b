"""After the decision: what was delivered of each treatment it chose (and the audit's section: how often
delivered treatment matched the MDT's decision, and why not), and which trial was considered."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import policy
from accounts.services import access_record
from cases.summary import case_summary, summary_prefetch
from core.forms import errors_text, named_errors
from live.delivery import MATCHED, NOT_MATCHED, delivery_record, delivery_report, state_of
from live.forms import DeliveryForm, TrialAnswerForm
from live.models import TrialConsideration
from live.reports import PERIODS
from live.trials import consideration_record, matches, open_trials
from mdt.models import Decision, Treatment


@never_cache
@require_GET
def delivery_page(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = get_object_or_404(
        Decision.objects.select_related("case__patient__communication_needs").prefetch_related(
            "deliveries__recorded_by"
        ),
        pk=decision_id,
    )
    access_record(user=request.user, patient_id=decision.case.patient_id, case_id=decision.case_id, kind="case_page")
    recorded = {row.treatment: row for row in decision.deliveries.all()}
    labels, today = dict(Treatment.choices), timezone.localdate()
    rows = [
        (key, labels.get(key, key), recorded.get(key), DeliveryForm.row(key, recorded.get(key), today))
        for key in decision.treatments
    ]
    return render(
        request,
        "live/delivery.html",
        {
            "decision": decision,
            "patient": decision.case.patient,
            "rows": rows,
            "state": state_of(decision),
            "may_record": policy.can_record_decision(request.user) and decision.status != Decision.Status.SUPERSEDED,
        },
    )


@require_POST
def delivery_change(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = get_object_or_404(Decision.objects.select_related("case__patient"), pk=decision_id)
    form = DeliveryForm(request.POST)
    try:
        if not form.is_valid():
            raise named_errors(form)
        data = form.cleaned_data
        try:
            delivery_record(
                decision_id=decision_id,
                treatment=data["treatment"],
                user=request.user,
                delivered_on=data["delivered_on"],
                reason="" if data["delivered_on"] else data["reason"],
                note=data["note"],
            )
        except ValidationError as exc:
            raise named_errors(form, exc) from exc
        messages.success(request, f"Delivery recorded. MRN {decision.case.patient.mrn}.")
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
    return redirect("live:delivery", decision_id)


@never_cache
@policy.required(policy.can_view_reports)
def delivery_report_page(request: HttpRequest) -> HttpResponse:
    months = request.GET.get("months", "12")
    months = months if months in PERIODS else "12"
    now = timezone.now()
    report = delivery_report(now - dt.timedelta(days=round(int(months) * 30.44)), now + dt.timedelta(days=1))
    return render(
        request,
        "live/delivery_report.html",
        {
            "report": report,
            "matched": report.states[MATCHED],
            "not_matched": report.states[NOT_MATCHED],
            "awaiting": report.decisions - report.states[MATCHED] - report.states[NOT_MATCHED],
            "matched_share": report.share(MATCHED),
            "periods": [(key, label, key == months) for key, label in PERIODS.items()],
            "period_label": PERIODS[months],
        },
    )


@never_cache
@require_GET
def trials_page(request: HttpRequest, decision_id: int) -> HttpResponse:
    """Trial considered for a decision made away from the live screen (the outcome page, an urgent decision)."""
    decisions = Decision.objects.select_related("case__patient__communication_needs").prefetch_related(
        *summary_prefetch("case__")
    )
    decision = get_object_or_404(decisions, pk=decision_id)
    access_record(user=request.user, patient_id=decision.case.patient_id, case_id=decision.case_id, kind="case_page")
    considered = TrialConsideration.objects.filter(decision=decision).select_related("trial", "recorded_by").first()
    found = matches(decision.case, case_summary(decision.case), open_trials())
    return render(
        request,
        "live/trials.html",
        {
            "decision": decision,
            "patient": decision.case.patient,
            "considered": considered,
            "trial_form": TrialAnswerForm(initial=TrialAnswerForm.initial_from(considered), matches=found),
            "trials": found,
            "may_record": policy.can_record_decision(request.user) and decision.status != Decision.Status.SUPERSEDED,
        },
    )


@require_POST
def trials_change(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = get_object_or_404(Decision.objects.select_related("case__patient"), pk=decision_id)
    form = TrialAnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise named_errors(form)
        data = form.cleaned_data
        try:
            consideration_record(
                decision_id=decision_id,
                user=request.user,
                considered=data["trial_considered"] == "yes",
                trial_id=data["trial"],
                why_not=data["trial_why_not"],
            )
        except ValidationError as exc:
            raise named_errors(form, exc) from exc
        messages.success(request, f"Trial consideration recorded. MRN {decision.case.patient.mrn}.")
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
    return redirect("live:trials", decision_id)
