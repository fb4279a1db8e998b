"""Scores in the coordinators' workspace: one admin page per score, with the running total.

The component fields are generated from the score's table (cases/scoring.py), as on
the clinicians' form; total, band and completeness are always recomputed on save.
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from cases import scoring
from cases.admin.search import PatientSearchMixin
from cases.assessment_forms import KIND_DEFINITIONS, bands_json, component_field, level_locations_json
from cases.models import Assessment, SinsAssessment, TokuhashiAssessment, TomitaAssessment
from cases.models.assessments import CURRENT_VERSION, apply_result
from core.admin import FastChangelistMixin, SafeHistoryAdmin
from core.concurrency import HistoryVersionedFormMixin


class AssessmentAdminForm(HistoryVersionedFormMixin):
    """Stale edits refused by the score's newest history row: its `version` column is the score table's."""

    KIND = ""

    class Meta:
        model = Assessment
        fields = ["case", "level", "scan", "assessed_by", "assessed_at", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = KIND_DEFINITIONS[self.KIND]
        if self.instance.pk and self.instance.version in scoring.SCORES:
            self.definition = scoring.SCORES[self.instance.version]
        for component in self.definition.components:
            self.fields[component] = component_field(self.definition, component)
            self.fields[component].initial = (self.instance.components or {}).get(component)
        if "level" in self.fields:
            self.fields["level"].widget.attrs["data-level-locations"] = level_locations_json()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        components = {name: cleaned.get(name) or None for name in self.definition.components}
        self.instance.kind = self.KIND
        self.instance.version = self.instance.version or CURRENT_VERSION[self.KIND]
        self.instance.components = {key: value for key, value in components.items() if value}
        try:
            apply_result(self.instance)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        return cleaned


class AssessmentAdmin(PatientSearchMixin, FastChangelistMixin, SafeHistoryAdmin):
    patient_path = "case__patient"
    KIND = ""
    list_display = ["case", "level", "total", "band", "complete", "assessed_by", "assessed_at", "version"]
    list_select_related = ["case__patient", "assessed_by"]
    list_filter = ["band", "complete", "version"]
    search_fields = ["=case__patient__mrn", "=case__patient__nhs_number"]  # PatientSearchMixin
    search_help_text = "Patient MRN or NHS number."
    date_hierarchy = "assessed_at"
    ordering = ["-assessed_at", "-id"]
    autocomplete_fields = ["case", "scan", "assessed_by"]
    readonly_fields = ["running_total", "version"]

    class Media:
        js = ["js/score.js"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        definition = KIND_DEFINITIONS[self.KIND]
        level = ["level"] if self.KIND == "sins" else []
        return [
            "case", *level, "scan", *definition.components, "running_total", "assessed_by", "assessed_at", "note",
            "loaded_version",
        ]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assessment]:
        return super().get_queryset(request).filter(kind=self.KIND)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {**super().get_changeform_initial_data(request), "assessed_by": request.user.pk}

    @admin.display(description="Running total")
    def running_total(self, obj: Assessment | None) -> str:
        definition = KIND_DEFINITIONS[self.KIND]
        components = ",".join(definition.components)
        return format_html(
            '<output class="score-total" aria-live="polite" data-score-total data-bands="{}" data-components="{}">'
            "{}</output>",
            bands_json(definition),
            components,
            f"{obj.total} · {obj.band_label}" if obj and obj.complete else "Incomplete until every component is chosen",
        )


def _register(model: type[Assessment], kind: str) -> None:
    # django-simple-history looks up the history manager on the admin's model; proxies inherit the table,
    # not that attribute, so the history pages need it set here.
    model._meta.simple_history_manager_attribute = Assessment._meta.simple_history_manager_attribute  # type: ignore[attr-defined]
    # The component fields are declared on the class: the admin's form factory only accepts fields it can see.
    definition = KIND_DEFINITIONS[kind]
    components = {name: component_field(definition, name) for name in definition.components}
    form = type(f"{model.__name__}Form", (AssessmentAdminForm,), {"KIND": kind, **components})
    admin_class = type(f"{model.__name__}Admin", (AssessmentAdmin,), {"KIND": kind, "form": form})
    admin.site.register(model, admin_class)


_register(SinsAssessment, "sins")
_register(TokuhashiAssessment, "tokuhashi")
_register(TomitaAssessment, "tomita")
