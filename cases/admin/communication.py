"""Communication needs in the coordinators' workspace: the same record the letters pages edit
(`cases.communication`), with the model's own rules on every field, the stale-edit check, and its
history (who changed what) on the record's history page. Opened from the patient's change form."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.services import access_record
from cases.admin.search import PatientSearchMixin
from cases.communication import FIELDS
from cases.models import CommunicationNeeds
from core.admin import FastChangelistMixin, SafeHistoryAdmin
from core.concurrency import VersionedFormMixin


class CommunicationNeedsAdminForm(VersionedFormMixin):
    class Meta:
        model = CommunicationNeeds
        fields = ["patient", *FIELDS]


@admin.register(CommunicationNeeds)
class CommunicationNeedsAdmin(PatientSearchMixin, FastChangelistMixin, SafeHistoryAdmin):
    patient_path = "patient"
    form = CommunicationNeedsAdminForm
    list_display = ["patient_mrn", "patient_name", "flag_list", "updated_at"]
    list_select_related = ["patient"]
    search_fields = ["=patient__mrn", "=patient__nhs_number", "patient__family_name__istartswith"]  # PatientSearchMixin
    search_help_text = "The patient's MRN, NHS number or the start of their family name."
    ordering = ["-updated_at", "-id"]
    autocomplete_fields = ["patient"]
    fieldsets = [
        (None, {"fields": ["patient", "loaded_version"]}),
        ("Formats", {"fields": ["large_print", "screen_reader", "easy_read", "braille", "audio"]}),
        ("Interpreter", {"fields": ["interpreter", "language"]}),
        ("Carer or advocate", {"fields": ["copy_to_carer", "carer_name", "carer_address"]}),
        ("Where letters go", {"fields": ["address", "notes"]}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: CommunicationNeeds | None = None) -> Any:
        # The record belongs to one patient for good: moving it would give one patient another's needs.
        return ["patient"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: CommunicationNeeds, form: Any, change: bool) -> None:
        obj.recorded_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    def change_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any) -> Any:
        response = super().change_view(request, object_id, *args, **kwargs)
        obj = getattr(response, "context_data", {}).get("original") if request.method == "GET" else None
        if obj is not None:
            access_record(user=request.user, patient_id=obj.patient_id, kind="admin_change")
        return response

    @admin.display(description="MRN", ordering="patient__mrn")
    def patient_mrn(self, obj: CommunicationNeeds) -> str:
        return obj.patient.mrn

    @admin.display(description="Patient", ordering="patient__family_name")
    def patient_name(self, obj: CommunicationNeeds) -> str:
        return obj.patient.display_name

    @admin.display(description="Needs")
    def flag_list(self, obj: CommunicationNeeds) -> str:
        return "; ".join(obj.flags) or "none"
