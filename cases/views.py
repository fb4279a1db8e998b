from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases import selectors, services
from cases.forms import PatientSearchForm
from cases.models import Case, Patient, Scan
from cases.paginators import Window, page_number

PAGE_SIZE = 50


def patient_list(request: HttpRequest) -> HttpResponse:
    form = PatientSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    window = Window(selectors.patient_search(query=query), page_number(request.GET.get("page")), PAGE_SIZE)
    return render(request, "cases/patient_list.html", {"form": form, "query": query, "page": window})


def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    try:
        patient = selectors.patient_with_cases(patient_id=patient_id)
    except Patient.DoesNotExist as exc:
        raise Http404("No such patient") from exc
    return render(request, "cases/patient_detail.html", {"patient": patient})


def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = selectors.case_detail(case_id=case_id)
    except Case.DoesNotExist as exc:
        raise Http404("No such case") from exc
    return render(
        request,
        "cases/case_detail.html",
        {"case": case, "patient": case.patient, "can_review": request.user.has_perm("cases.review_scan")},
    )


@require_POST
def scan_review(request: HttpRequest, scan_id: int) -> HttpResponse:
    try:
        scan = services.scan_mark_reviewed(scan_id=scan_id, user=request.user)
    except Scan.DoesNotExist as exc:
        raise Http404("No such scan") from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        case_id = Scan.objects.values_list("case_id", flat=True).get(pk=scan_id)
        return redirect("case-detail", case_id)
    messages.success(request, f"{scan.get_modality_display()} marked reviewed.")
    next_url = request.POST.get("next")
    if next_url == "dashboard":
        return redirect("dashboard")
    return redirect("case-detail", scan.case_id)
