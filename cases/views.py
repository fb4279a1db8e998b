from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.services import access_record
from cases import selectors, services
from cases.assessment_forms import AssessmentForm, NomsInputsForm, prefilled_components
from cases.forms import PatientSearchForm
from cases.models import Case, Patient, Scan
from cases.models.assessments import ScoreKind
from cases.panels import render_panels
from cases.summary import case_summary
from cases.timeline import case_timeline
from core.drafts import offer_kept_post
from core.forms import add_service_errors, errors_text
from core.history import save_as
from core.paginators import Keyset, Window, after_id, page_number

PAGE_SIZE = 50


def patient_list(request: HttpRequest) -> HttpResponse:
    form = PatientSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    # Keyset pagination: the 2,000th page of 100,000 patients costs what the first does.
    after = after_id(request.GET.get("after"))
    sort = selectors.PATIENT_SEARCH_ORDER if query else None
    # A search reads the page's matches from the name indexes, not every match (cases.patient_search).
    matches = selectors.patient_search(query=query, first=PAGE_SIZE + 1, after=after)
    window = Keyset(matches, selectors.PATIENT_ORDER, after, PAGE_SIZE, sort=sort)
    return render(request, "cases/patient_list.html", {"form": form, "query": query, "page": window})


def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    try:
        patient = selectors.patient_with_cases(patient_id=patient_id)
    except Patient.DoesNotExist as exc:
        raise Http404("No such patient") from exc
    access_record(user=request.user, patient_id=patient.pk, kind="patient_page")
    return render(request, "cases/patient_detail.html", {"patient": patient})


def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = selectors.case_detail(case_id=case_id)
    except Case.DoesNotExist as exc:
        raise Http404("No such case") from exc
    access_record(user=request.user, patient_id=case.patient_id, case_id=case.pk, kind="case_page")
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "patient": case.patient,
            "summary": case_summary(case),
            "timeline": case_timeline(case),
            "panels": render_panels(request, case),
            "can_review": policy.can_review_scan(request.user),
            "can_score": policy.can_score(request.user),
            "noms_form": NomsInputsForm(instance=case),
        },
    )


@require_POST
def scan_review(request: HttpRequest, scan_id: int) -> HttpResponse:
    try:
        scan = services.scan_mark_reviewed(scan_id=scan_id, user=request.user)
    except Scan.DoesNotExist as exc:
        raise Http404("No such scan") from exc
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
        case_id = Scan.objects.values_list("case_id", flat=True).get(pk=scan_id)
        return redirect("case-detail", case_id)
    mrn = Scan.objects.values_list("case__patient__mrn", flat=True).get(pk=scan.pk)
    messages.success(
        request,
        f"{scan.get_modality_display()} marked reviewed. MRN {mrn}. Marked by mistake? Undo it from the case page "
        f"within {settings.SCAN_UNREVIEW_MINUTES} minutes.",
    )
    next_url = request.POST.get("next")
    if next_url == "dashboard":
        return redirect("dashboard")
    return redirect("case-detail", scan.case_id)


@require_POST
def scan_unreview(request: HttpRequest, scan_id: int) -> HttpResponse:
    try:
        scan = services.scan_unmark_reviewed(scan_id=scan_id, user=request.user)
    except Scan.DoesNotExist as exc:
        raise Http404("No such scan") from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("case-detail", Scan.objects.values_list("case_id", flat=True).get(pk=scan_id))
    messages.success(
        request, f"Review taken back: the {scan.get_modality_display()} for MRN {scan.case.patient.mrn} waits again."
    )
    return redirect("case-detail", scan.case_id)


def assessment_new(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    if kind not in ScoreKind.values:
        raise Http404("No such score")
    case = get_object_or_404(Case.objects.select_related("patient"), pk=case_id)
    if not policy.can_score(request.user):
        raise PermissionDenied("Only clinicians record scores.")
    form = AssessmentForm(request.POST if request.method == "POST" else offer_kept_post(request), kind=kind, case=case)
    level = request.POST.get("level") or request.GET.get("level", "")
    initial, notes = prefilled_components(kind, case, level)
    if request.method == "GET":
        form.initial.update(initial)
        if level:
            form.initial["level"] = level
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(
                case=case,
                kind=kind,
                components=form.components(),
                user=request.user,
                level=form.cleaned_data.get("level", ""),
                scan=form.cleaned_data["scan"],
                assessed_at=form.cleaned_data["assessed_at"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            state = f"total {assessment.total}" if assessment.complete else "incomplete"
            messages.success(request, f"{assessment.get_kind_display()} recorded ({state}). MRN {case.patient.mrn}.")
            return redirect("case-detail", case.pk)
    return render(
        request,
        "cases/assessment_form.html",
        {"case": case, "patient": case.patient, "form": form, "kind_label": ScoreKind(kind).label, "notes": notes},
    )


@require_POST
@transaction.atomic  # the version check locks the case row until the save
def noms_inputs_update(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("patient"), pk=case_id)
    if not policy.can_score(request.user):
        raise PermissionDenied("Only clinicians judge radiosensitivity and fitness for surgery.")
    form = NomsInputsForm(request.POST, instance=case)
    if form.is_valid():
        case = form.save(commit=False)
        save_as(
            request.user, case, update_fields=["radiosensitivity_override", "fit_for_surgery", "version", "updated_at"]
        )
        messages.success(request, f"NOMS inputs saved. MRN {case.patient.mrn}.")
    else:
        problems = [
            " ".join(map(str, errs)) if name == "__all__" else f"{form.fields[name].label}: {' '.join(map(str, errs))}"
            for name, errs in form.errors.items()
        ]
        messages.error(request, " ".join(problems))
    return redirect("case-detail", case.pk)


def scans_pending_review(request: HttpRequest) -> HttpResponse:
    """Every MRI waiting for review, most urgent first; an oncologist or spinal surgeon starts from
    their own patients' scans and can show them all. Paged by number: the waiting scans are few."""
    scope = selectors.review_scope(request.user)
    everyone = scope == "all" or request.GET.get("show") == "all"
    page = Window(
        selectors.scans_pending_review(user=request.user, everyone=everyone),
        page_number(request.GET.get("page")),
        PAGE_SIZE,
    )
    return render(
        request,
        "cases/scans_pending_review.html",
        {
            "page": page,
            "can_review": policy.can_review_scan(request.user),
            "scope": scope,
            "everyone": everyone,
        },
    )
