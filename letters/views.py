"""The letters workflow: communication needs, the patient's letter (draft, edit, release, its
formats), the coordinators' list of letters and formats to arrange, the information sheet."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.services import access_record
from cases import communication
from cases.models import Patient
from core.forms import add_service_errors, errors_text
from core.urls import local_path
from letters import documents, services
from letters.forms import LetterForm, NeedsForm, ReleaseForm
from letters.models import FormatTask, PatientLetter
from letters.owed import LETTER_OWED_DAYS, decisions_owed_a_letter
from mdt.models import Decision, PrintedDocument
from mdt.views.documents import serve
from referrals.models import Advice

Kind = PrintedDocument.Kind


@never_cache
def needs_edit(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_object_or_404(Patient.objects.select_related("communication_needs"), pk=patient_id)
    access_record(user=request.user, patient_id=patient.pk, kind="patient_page")
    needs = communication.needs_of(patient)
    can_record = policy.can_record_communication_needs(request.user)
    form = NeedsForm(request.POST or None, instance=needs)
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in communication.FIELDS}
            try:
                communication.communication_needs_record(
                    patient_id=patient.pk, user=request.user, data=data,
                    loaded_version=form.cleaned_data.get("loaded_version"),
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Communication needs saved. MRN {patient.mrn}.")
                return redirect(local_path(request, request.POST.get("next")) or patient.get_absolute_url())
    history = needs.history.select_related("history_user").order_by("-history_date")[:20] if needs else []
    return render(
        request,
        "letters/needs_form.html",
        {
            "patient": patient,
            "form": form,
            "can_record": can_record,
            "history": history,
            "next": local_path(request, request.GET.get("next")) or "",
        },
    )


@require_POST
def letter_start(request: HttpRequest, decision_id: int) -> HttpResponse:
    try:
        letter = services.letter_draft(decision_id=decision_id, user=request.user)
    except Decision.DoesNotExist as exc:
        raise Http404("No such decision") from exc
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
        return redirect("decision-detail", decision_id)
    return redirect(letter)


@require_POST
def advice_letter_start(request: HttpRequest, advice_id: int) -> HttpResponse:
    """The letter after advice on a referral (no MDT discussion), from the referral's page."""
    try:
        letter = services.letter_draft_from_advice(advice_id=advice_id, user=request.user)
    except Advice.DoesNotExist as exc:
        raise Http404("No such advice") from exc
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
        return redirect("referrals:detail", Advice.objects.values_list("referral_id", flat=True).get(pk=advice_id))
    return redirect(letter)


def _access(request: HttpRequest, letter: PatientLetter) -> None:
    case = letter.case
    access_record(user=request.user, patient_id=letter.patient_id, case_id=case.pk if case else None, kind="case_page")


def _letter(letter_id: int) -> PatientLetter:
    try:
        return documents.letter_queryset().prefetch_related("format_tasks").get(pk=letter_id)
    except PatientLetter.DoesNotExist as exc:
        raise Http404("No such letter") from exc


@never_cache
def letter_page(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = _letter(letter_id)
    _access(request, letter)
    form = LetterForm(
        request.POST or None,
        initial={"body": letter.body, "print_format": letter.print_format, "loaded_version": letter.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_edit(
                letter_id=letter.pk, user=request.user, body=form.cleaned_data["body"],
                print_format=form.cleaned_data["print_format"], loaded_version=form.cleaned_data["loaded_version"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Letter saved. MRN {letter.patient.mrn}.")
            return redirect(letter)
    score, within = documents.letter_score(letter)
    return render(
        request,
        "letters/letter_page.html",
        {
            **documents.letter_context(letter, large=letter.print_format == PatientLetter.Format.LARGE),
            "form": form,
            "release_form": ReleaseForm(initial={"loaded_version": letter.version}),
            "score": score,
            "within": within,
            "target": documents.readability.target(),
            "problems": services.release_problems(letter, request.user),
            "can_write": policy.can_write_patient_letter(request.user) and not letter.released,
        },
    )


@require_POST
def letter_release(request: HttpRequest, letter_id: int) -> HttpResponse:
    form = ReleaseForm(request.POST)
    version = form.cleaned_data["loaded_version"] if form.is_valid() else None
    try:
        letter = services.letter_release(letter_id=letter_id, user=request.user, loaded_version=version)
    except PatientLetter.DoesNotExist as exc:
        raise Http404("No such letter") from exc
    except ValidationError as exc:
        messages.error(request, "Not released: " + errors_text(exc))
        return redirect("letters:letter", letter_id)
    mrn = letter.patient.mrn
    messages.success(request, f"Letter released ({letter.get_print_format_display().lower()}). MRN {mrn}.")
    return redirect(letter)


def letter_pdf(request: HttpRequest, letter_id: int, large: bool = False) -> HttpResponse:
    page_url = request.build_absolute_uri(reverse("letters:letter", args=[letter_id]))
    return serve(request, Kind.PATIENT_LETTER_LARGE if large else Kind.PATIENT_LETTER, letter_id, page_url)


@never_cache
def letter_html(request: HttpRequest, letter_id: int) -> HttpResponse:
    """The accessible version: one page, headings and lists, for a screen reader or to be sent as text."""
    letter = _letter(letter_id)
    _access(request, letter)
    return render(request, "letters/letter_accessible.html", documents.letter_context(letter, large=False))


@never_cache
def letter_list(request: HttpRequest) -> HttpResponse:
    """Signed decisions with no patient's letter yet, letters waiting for release, and formats still to
    arrange (the coordinators' task list)."""
    letters = documents.letter_queryset()
    drafts = list(letters.filter(status=PatientLetter.Status.DRAFT).order_by("created_at", "id")[:100])
    open_tasks = FormatTask.objects.filter(done_at__isnull=True).order_by("created_at", "id")
    tasks = list(open_tasks.prefetch_related(Prefetch("letter", queryset=letters))[:100])
    owed = list(decisions_owed_a_letter()[:100])
    context = {"drafts": drafts, "tasks": tasks, "owed": owed, "owed_days": LETTER_OWED_DAYS}
    return render(request, "letters/letter_list.html", context)


@require_POST
def task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        task = services.format_task_done(task_id=task_id, user=request.user)
    except FormatTask.DoesNotExist as exc:
        raise Http404("No such task") from exc
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
        return redirect("letters:list")
    mrn = task.letter.patient.mrn
    messages.success(request, f"{task.get_need_display()} marked arranged. MRN {mrn}.")
    return redirect("letters:list")


def sheet_page(request: HttpRequest) -> HttpResponse:
    return render(request, "letters/information_sheet.html", documents.sheet_context(large=False))


def sheet_pdf(request: HttpRequest, large: bool = False) -> HttpResponse:
    page_url = request.build_absolute_uri(reverse("letters:sheet"))
    return serve(request, Kind.INFO_SHEET_LARGE if large else Kind.INFO_SHEET, documents.SHEET_ID, page_url)
