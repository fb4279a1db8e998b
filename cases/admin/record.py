"""The coordinators' workspace for the clinical record.

Every changelist here must stay fast on a regional network (100,000 patients,
1,000,000 scans): no full COUNT(*) (EstimatedCountPaginator and
show_full_result_count = False), related rows joined up front
(list_select_related), filters across relations written as EXISTS subqueries
rather than joins that need DISTINCT, and autocomplete for every foreign key to
a large table.
"""

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from accounts import policy
from accounts.services import access_record
from cases import duplicates, services
from cases.admin.clinicians import ResponsibleClinicianFormMixin
from cases.admin.closing import NotClosedHereMixin
from cases.admin.search import PatientSearchMixin
from cases.choices import CaseStatus, Presentation
from cases.communication import needs_of
from cases.models import Case, Patient, Scan, ScanQuerySet, ScanState
from cases.selectors import PATIENT_ORDER, PATIENT_SEARCH_ORDER
from core.admin import BoundedInlineMixin, ExistsFilter, FastChangelistMixin, SafeHistoryAdmin, name_controls
from core.concurrency import VersionedFormMixin


class RecordsAccessMixin:
    """Opening a patient's record in the workspace is recorded like opening their page."""

    def change_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any) -> Any:
        response = super().change_view(request, object_id, *args, **kwargs)  # type: ignore[misc]
        obj = getattr(response, "context_data", {}).get("original") if request.method == "GET" else None
        if obj is not None:
            patient_id, case_id = (obj.pk, None) if isinstance(obj, Patient) else (obj.patient_id, obj.pk)
            access_record(user=request.user, patient_id=patient_id, case_id=case_id, kind="admin_change")
        return response


class PatientCaseStatusFilter(ExistsFilter):
    title = "case status"
    parameter_name = "case_status"
    options = list(CaseStatus.choices)

    def subquery(self, value: str) -> QuerySet[Any]:
        return Case.objects.filter(patient=OuterRef("pk"), status=value)


class PatientPresentationFilter(ExistsFilter):
    title = "presentation"
    parameter_name = "presentation"
    options = list(Presentation.choices)

    def subquery(self, value: str) -> QuerySet[Any]:
        return Case.objects.filter(patient=OuterRef("pk"), presentation=value)


class PatientPendingReviewFilter(ExistsFilter):
    title = "pending MRI review"
    parameter_name = "pending_mri_review"
    options = [("yes", "MRI waiting for review")]

    def subquery(self, value: str) -> QuerySet[Any]:
        return Scan.objects.pending_review().filter(case__patient=OuterRef("pk"))


class CasePendingReviewFilter(ExistsFilter):
    title = "pending MRI review"
    parameter_name = "pending_mri_review"
    options = [("yes", "MRI waiting for review")]

    def subquery(self, value: str) -> QuerySet[Any]:
        return Scan.objects.pending_review().filter(case=OuterRef("pk"))


class ScanStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [*ScanState.choices, ("pending_review", "MRI waiting for review")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        match self.value():
            case ScanState.REQUESTED:
                return queryset.filter(performed_at__isnull=True)
            case ScanState.PERFORMED:
                return queryset.filter(performed_at__isnull=False, reported_at__isnull=True, reviewed_at__isnull=True)
            case ScanState.REPORTED:
                return queryset.filter(reported_at__isnull=False, reviewed_at__isnull=True)
            case ScanState.REVIEWED:
                return queryset.filter(reviewed_at__isnull=False)
            case "pending_review":
                return cast(ScanQuerySet, queryset).pending_review()
        return None


DIFFERENT = "different_person"


class PatientAdminForm(VersionedFormMixin):
    """A patient registered, or their family name or date of birth changed, only once the person has seen the
    patients it may duplicate and said it is a different person (HAZ-020, cases.duplicates)."""

    different_person = forms.BooleanField(
        required=False,
        label=duplicates.CONFIRM_LABEL,
        help_text="Asked only when a patient with the same family name and date of birth is registered already.",
    )
    duplicates: list[Patient]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.duplicates = []
        identity = ("family_name", "date_of_birth")
        if self.instance.pk is not None and not any(name in self.changed_data for name in identity):
            return cleaned
        if not all(cleaned.get(name) for name in identity):
            return cleaned  # the field's own error says what is missing
        candidate = Patient(pk=self.instance.pk, nhs_number=cleaned.get("nhs_number"))
        candidate.family_name, candidate.date_of_birth = cleaned["family_name"], cleaned["date_of_birth"]
        self.duplicates = duplicates.possible_duplicates(candidate)
        if self.duplicates and not cleaned.get(DIFFERENT):
            self.add_error(DIFFERENT, duplicates.duplicate_error(self.duplicates))
        return cleaned

    class Meta:
        model = Patient
        fields = [
            "mrn", "nhs_number", "given_name", "family_name", "date_of_birth", "sex", "primary_site",
            "primary_site_detail", "died_on", "gp_name", "gp_practice", "gp_address",
        ]  # fmt: skip


class CaseInlineForm(NotClosedHereMixin, ResponsibleClinicianFormMixin, VersionedFormMixin):
    class Meta:
        model = Case
        fields = ["referred_at", "presentation", "status", "responsible_clinician"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name_controls(self)  # a row of the patient's cases: the table's heads label no control


class CaseInline(BoundedInlineMixin, admin.TabularInline):
    model = Case
    form = CaseInlineForm
    fields = ["referred_at", "presentation", "status", "responsible_clinician", "loaded_version"]
    show_change_link = True
    extra = 0
    ordering = ["-referred_at"]


@admin.register(Patient)
class PatientAdmin(PatientSearchMixin, RecordsAccessMixin, FastChangelistMixin, SafeHistoryAdmin):
    patient_path = ""
    list_display = ["mrn", "display_name", "nhs_number_display", "date_of_birth", "primary_site", "died_on"]
    list_display_links = ["mrn", "display_name"]
    list_filter = [
        "primary_site",
        PatientCaseStatusFilter,
        PatientPresentationFilter,
        PatientPendingReviewFilter,
    ]
    search_fields = ["=mrn", "=nhs_number", "family_name__istartswith", "given_name__istartswith"]  # PatientSearchMixin
    search_help_text = "MRN, NHS number (any spacing) or the start of a family or given name."
    ordering = PATIENT_ORDER
    form = PatientAdminForm
    inlines = [CaseInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "mrn",
                    "nhs_number",
                    ("given_name", "family_name"),
                    ("date_of_birth", "sex"),
                    "loaded_version",
                ]
            },
        ),
        ("Cancer", {"fields": ["primary_site", "primary_site_detail", "died_on"]}),
        ("GP (for letters)", {"fields": ["gp_name", "gp_practice", "gp_address"], "classes": ["collapse"]}),
        (
            "Address held by the PAS (from its feed: not edited here)",
            {"fields": ["pas_address", "pas_address_received_at"]},
        ),
        ("Communication needs (letters)", {"fields": ["communication_needs_link"]}),
    ]
    readonly_fields = ["pas_address", "pas_address_received_at", "communication_needs_link"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """The duplicate check's tick, on a form posted back (where its question is asked: PatientAdminForm)."""
        fieldsets = super().get_fieldsets(request, obj)
        if request.method != "POST":
            return fieldsets
        return [fieldsets[0], ("Possible duplicate", {"fields": [DIFFERENT]}), *fieldsets[1:]]

    def save_model(self, request: HttpRequest, obj: Patient, form: Any, change: bool) -> None:
        """A date of death typed here goes through the death service, which stops every clock and reminder.
        A patient saved after the duplicate check says so on its history row."""
        if getattr(form, "duplicates", None):
            obj._change_reason = duplicates.checked_reason(form.duplicates)  # type: ignore[attr-defined]
        died_on = obj.died_on
        if "died_on" not in form.changed_data or died_on is None:
            super().save_model(request, obj, form, change)
            return
        obj.died_on = form.initial.get("died_on")
        super().save_model(request, obj, form, change)
        services.patient_record_death(patient_id=obj.pk, date_of_death=died_on, user=request.user, source="workspace")
        obj.refresh_from_db()

    @admin.display(description="Communication needs")
    def communication_needs_link(self, obj: Patient) -> str:
        """The patient's needs and where to change them (their own page, with its own history)."""
        if obj.pk is None:
            return "Save the patient first, then record their communication needs."
        needs = needs_of(obj)
        if needs is None:
            url = reverse("admin:cases_communicationneeds_add") + f"?patient={obj.pk}"
            return format_html('None recorded. <a href="{}">Record communication needs</a>', url)
        url = reverse("admin:cases_communicationneeds_change", args=[needs.pk])
        return format_html('{} <a href="{}">Change communication needs</a>', "; ".join(needs.flags) or "None.", url)

    @admin.display(description="Name", ordering="family_name")
    def display_name(self, obj: Patient) -> str:
        return obj.display_name

    @admin.display(description="NHS number", ordering="nhs_number")
    def nhs_number_display(self, obj: Patient) -> str:
        return obj.nhs_number_display

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        if request.GET.get("q", "").strip():
            return list(PATIENT_SEARCH_ORDER)
        return list(self.ordering)


class ScanAdminForm(VersionedFormMixin):
    class Meta:
        model = Scan
        fields = [
            "case", "modality", "requested_at", "performed_at", "reported_at", "report", "escc_grade", "escc_level",
            "accession_number", "study_instance_uid",
        ]  # fmt: skip

    def clean_escc_level(self) -> str:
        return str(self.cleaned_data["escc_level"]).strip().upper()


@admin.register(Scan)
class ScanAdmin(PatientSearchMixin, FastChangelistMixin, SafeHistoryAdmin):
    patient_path = "case__patient"
    form = ScanAdminForm
    list_display = ["id", "patient_mrn", "modality", "requested_at", "performed_at", "state_display", "escc_grade"]
    list_select_related = ["case__patient", "reviewed_by"]
    list_filter = [ScanStateFilter, "modality", "escc_grade", ("requested_at", admin.DateFieldListFilter)]
    search_fields = ["=case__patient__mrn", "=case__patient__nhs_number", "=accession_number"]  # PatientSearchMixin
    search_help_text = "Patient MRN, NHS number or the scan's accession number."

    def other_matches(self, term: str) -> Q | None:
        return Q(accession_number=term)

    # No date hierarchy here: on a million scans its year/month lists cost a full scan per page. The date
    # filter below asks nothing of the database until it is used.
    ordering = ["-requested_at", "-id"]
    autocomplete_fields = ["case"]
    readonly_fields = ["reviewed_at", "reviewed_by"]  # set by cases.services.scan_mark_reviewed only
    actions = ["mark_reviewed"]
    fieldsets = [
        (None, {"fields": ["case", "modality", "loaded_version"]}),
        ("Radiology system (PACS)", {"fields": [("accession_number", "study_instance_uid")]}),
        ("Times", {"fields": ["requested_at", "performed_at", "reported_at"]}),
        ("Report", {"fields": ["report", ("escc_grade", "escc_level")]}),
        ("Specialist review", {"fields": ["reviewed_at", "reviewed_by"]}),
    ]

    def save_model(self, request: HttpRequest, obj: Scan, form: Any, change: bool) -> None:
        """Save, then move the case on for an MRI requested or reported here (cases.status)."""
        reported_before = change and form.initial.get("reported_at") is not None
        super().save_model(request, obj, form, change)
        services.case_follow_scan(scan=obj, created=not change, reported_before=reported_before, user=request.user)

    def has_review_permission(self, request: HttpRequest) -> bool:
        return policy.can_review_scan(request.user)

    @admin.action(description="Mark the selected scans reviewed by me", permissions=["review"])
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[Scan]) -> None:
        """The worklist's service, one scan at a time: the same permission, checks and history."""
        done, problems = 0, []
        for scan_id in queryset.values_list("pk", flat=True):
            try:
                services.scan_mark_reviewed(scan_id=scan_id, user=request.user)
            except ValidationError as exc:
                problems.append(f"Scan {scan_id}: {' '.join(exc.messages)}")
            else:
                done += 1
        if done:
            messages.success(request, f"{done} scan(s) marked reviewed.")
        for problem in problems:
            messages.error(request, problem)

    def action_row_label(self, obj: Scan) -> str:
        return f"Scan {obj.pk} ({obj.case.patient.mrn}, {obj})"  # what the list shows of it

    @admin.display(description="Patient", ordering="case__patient__mrn")
    def patient_mrn(self, obj: Scan) -> str:
        return obj.case.patient.mrn

    @admin.display(description="State")
    def state_display(self, obj: Scan) -> str:
        return obj.state.label
