"""The coordinators' case form: sections in the order the pathway happens, the later ones collapsed
until the case reaches them (or something is recorded in them, or they hold an error), the scans
with their reports typed in place, and the status moved on by what is saved (cases.status)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from cases import services
from cases.admin.clinicians import ResponsibleClinicianFormMixin
from cases.admin.closing import CONFIRM, ClosingFormMixin
from cases.admin.record import CasePendingReviewFilter, RecordsAccessMixin
from cases.admin.search import PatientSearchMixin
from cases.choices import CaseStatus, Presentation, PreviousRadiotherapy
from cases.models import Case, Scan
from cases.status import CaseEvent, scan_events, stage
from core.admin import BoundedInlineMixin, FastChangelistMixin, SafeAutocompleteMixin, SafeHistoryAdmin
from core.concurrency import VersionedFormMixin

STATUS_HELP = (
    "Moves on by itself: MRI requested (Imaging), MRI reported or listed for the MDT (Awaiting MDT), a decision "
    "(Decided), treatment started (Treatment); never backwards, never from Closed. Set Follow-up or Closed here: "
    "closing asks why, and lists any work still open on the case first."
)


@dataclass(frozen=True)
class Section:
    name: str
    fields: list[Any]
    relevant: Callable[[Case], bool]  # open (not collapsed) once this holds for the case
    description: str = ""


def _reached(status: str) -> Callable[[Case], bool]:
    return lambda case: stage(case.status) >= stage(status)


# The scans (imaging) come after the first two, in the pathway's order (SECTIONS_BEFORE_IMAGING).
SECTIONS = (
    Section(
        "Referral and presentation",
        [
            "patient",
            ("referred_at", "referrer"),
            ("status", "responsible_clinician"),
            ("closed_reason", "closed_note"),
            "close_with_open_work",
            "presentation",
            "suspected_diagnosis_at",
            "loaded_version",
        ],
        lambda case: True,
    ),
    Section(
        "Red flags, neurology and performance status",
        ["red_flags", ("frankel_grade", "asia_grade"), "ambulatory_status", ("ecog", "karnofsky"), "spinal_levels"],
        lambda case: True,
    ),
    Section(
        "Steroids (dexamethasone)",
        [
            ("steroids_started_at", "steroid_dose_mg", "steroid_indication"),
            "steroid_dose_reason",
            ("steroid_reduction_started_at", "steroids_stopped_at"),
        ],
        lambda case: case.presentation == Presentation.SUSPECTED_MSCC,
    ),
    Section(
        "MDT and decision",
        [
            "mdt_question",
            ("radiosensitivity_override", "fit_for_surgery"),
            "treatment_plan_agreed_at",
            ("decision_to_treat_at", "treatment_modality"),
        ],
        _reached(CaseStatus.IMAGING),
        "A decision to treat typed here moves the case to Decided.",
    ),
    Section(
        "Treatment",
        [("treatment_start_at", "provider_site"), ("previous_spinal_rt", "previous_rt_detail")],
        _reached(CaseStatus.DECIDED),
        "Treatment started moves the case to Treatment. Previous radiotherapy to the spine is history the MDT "
        "reads before it decides (the trials' rules too): record it as soon as it is known.",
    ),
    Section(
        "Outcome after treatment",
        [("frankel_after_treatment", "ambulatory_after_treatment", "outcome_assessed_on")],
        _reached(CaseStatus.TREATMENT),
    ),
)
SECTIONS_BEFORE_IMAGING = 2
# Nothing recorded yet: previous radiotherapy "not known" (its default) leaves its section collapsed.
EMPTY: tuple[Any, ...] = (None, "", [], PreviousRadiotherapy.UNKNOWN)


def case_fieldsets(case: Case | None) -> list[tuple[str, dict[str, Any]]]:
    """The sections for this case: collapsed when the case has not reached them and they hold nothing."""
    fieldsets = []
    for section in SECTIONS:
        options: dict[str, Any] = {"fields": section.fields}
        if section.description:
            options["description"] = section.description
        filled = case is not None and any(getattr(case, name, None) not in EMPTY for name in flatten(section.fields))
        if not filled and (case is None or not section.relevant(case)):
            options["classes"] = ["collapse"]
        fieldsets.append((section.name, options))
    return fieldsets


def open_where_errors(fieldsets: list[Any], errors: Any) -> list[Any]:
    """A collapsed section holding an error is shown open (Django's check misses fields on a shared line)."""
    opened = []
    for name, options in fieldsets:
        if "collapse" in options.get("classes", []) and any(f in errors for f in flatten(options["fields"])):
            options = {**options, "classes": [c for c in options["classes"] if c != "collapse"]}
        opened.append((name, options))
    return opened


class CaseAdminForm(ClosingFormMixin, ResponsibleClinicianFormMixin, VersionedFormMixin):
    class Meta:
        model = Case
        fields = [
            name for section in SECTIONS for name in flatten(section.fields) if name not in ("loaded_version", CONFIRM)
        ]
        widgets = {
            "karnofsky": forms.NumberInput(attrs={"step": 10, "min": 0, "max": 100}),
            "mdt_question": forms.Textarea(attrs={"rows": 3}),
            "closed_note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"status": STATUS_HELP}


class ScanInlineForm(VersionedFormMixin):
    class Meta:
        model = Scan
        fields = ["modality", "requested_at", "performed_at", "reported_at", "report", "escc_grade", "escc_level"]
        widgets = {"report": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"reported_at": "The report and its time, typed here, move the case to Awaiting MDT."}

    def clean_escc_level(self) -> str:
        return str(self.cleaned_data["escc_level"]).strip().upper()


class ScanInline(BoundedInlineMixin, SafeAutocompleteMixin, admin.StackedInline):
    model = Scan
    form = ScanInlineForm
    verbose_name = "scan"
    verbose_name_plural = "Imaging"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("modality", "requested_at"), ("performed_at", "reported_at"), "report",
                    ("escc_grade", "escc_level"), ("reviewed_at", "reviewed_by"), "loaded_version",
                ]
            },
        )
    ]  # fmt: skip
    # The specialist review is recorded by the reviewer through cases.services (the worklist, the
    # case page, or the action on the scan list), never typed in here.
    readonly_fields = ["reviewed_at", "reviewed_by"]
    show_change_link = True
    extra = 0
    ordering = ["-requested_at"]


def _typed(form: forms.ModelForm, name: str) -> bool:
    """A time recorded in this save that was blank before."""
    return name in form.changed_data and form.cleaned_data.get(name) is not None and not form.initial.get(name)


def case_form_events(form: forms.ModelForm) -> list[str]:
    events = []
    if _typed(form, "decision_to_treat_at") or _typed(form, "treatment_plan_agreed_at"):
        events.append(CaseEvent.DECIDED)
    if _typed(form, "treatment_start_at"):
        events.append(CaseEvent.TREATED)
    return [str(event) for event in events]


def scan_formset_events(formsets: Any, reported_before: set[int]) -> list[str]:
    events: list[str] = []
    for formset in formsets:
        saved = [(scan, True) for scan in getattr(formset, "new_objects", [])]
        saved += [(scan, False) for scan, _ in getattr(formset, "changed_objects", [])]
        for scan, created in saved:
            if isinstance(scan, Scan):
                reported = scan.reported_at is not None
                newly = reported and scan.pk not in reported_before
                events += scan_events(modality=scan.modality, reported=reported, created=created, newly_reported=newly)
    return events


@admin.register(Case)
class CaseAdmin(PatientSearchMixin, RecordsAccessMixin, FastChangelistMixin, SafeHistoryAdmin):
    patient_path = "patient"
    form = CaseAdminForm
    list_display = ["id", "patient", "presentation", "status", "referred_at", "responsible_clinician", "mri_waiting"]
    list_select_related = ["patient", "responsible_clinician"]
    list_filter = ["status", "closed_reason", "presentation", "patient__primary_site", CasePendingReviewFilter]
    search_fields = ["=patient__mrn", "=patient__nhs_number", "patient__family_name__istartswith"]  # PatientSearchMixin
    search_help_text = "Patient MRN, NHS number or the start of the family name."
    date_hierarchy = "referred_at"
    ordering = ["-referred_at", "-id"]
    autocomplete_fields = ["patient"]
    inlines = [ScanInline]

    def get_fieldsets(self, request: HttpRequest, obj: Case | None = None) -> Any:
        return case_fieldsets(obj)

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        adminform = context.get("adminform")
        if adminform is not None and adminform.form.errors:
            adminform.fieldsets = open_where_errors(list(adminform.fieldsets), adminform.form.errors)
        context["sections_before_imaging"] = SECTIONS_BEFORE_IMAGING
        return super().render_change_form(request, context, *args, **kwargs)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Save the scans, then move the case on for what this save recorded (cases.status)."""
        reported_before = {
            f.instance.pk for fs in formsets for f in fs.forms if f.instance.pk and f.initial.get("reported_at")
        }
        super().save_related(request, form, formsets, change)
        events = scan_formset_events(formsets, reported_before) + case_form_events(form)
        services.case_follow_events(case_id=form.instance.pk, events=events, user=request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        pending = Scan.objects.pending_review().filter(case=OuterRef("pk"))
        queryset = super().get_queryset(request).select_related("patient")  # __str__ names the patient
        return queryset.annotate(has_pending_review=Exists(pending))

    @admin.display(description="MRI waiting for review", boolean=True)
    def mri_waiting(self, obj: Case) -> bool:
        return bool(getattr(obj, "has_pending_review", False))
