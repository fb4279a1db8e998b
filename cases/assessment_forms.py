"""Forms for recording scores, built from the scoring tables (cases/scoring.py).

Each component is a radio group whose options carry their points (data-points),
and the form carries its bands (data-bands), so static/js/score.js can show the
running total and band as components are chosen. The server recomputes both.
"""

import json
from typing import Any

from django import forms
from django.utils import timezone

from cases import scoring
from cases.models import Case, Scan
from cases.models.assessments import CURRENT_VERSION, ScoreKind
from core.concurrency import VersionedFormMixin

KIND_DEFINITIONS: dict[str, scoring.ScoreDefinition] = {kind: scoring.SCORES[v] for kind, v in CURRENT_VERSION.items()}


class PointsRadioSelect(forms.RadioSelect):
    """Radio buttons that expose each option's points to the running-total script."""

    def __init__(self, points: dict[str, int], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.points = points

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if value in self.points:
            option["attrs"]["data-points"] = self.points[value]
        return option


def component_field(definition: scoring.ScoreDefinition, component: str) -> forms.ChoiceField:
    options = definition.components[component]
    return forms.ChoiceField(
        label=definition.component_labels[component],
        choices=[(key, f"{label} ({points})") for key, (points, label) in options.items()],
        widget=PointsRadioSelect({key: points for key, (points, _) in options.items()}),
        required=False,  # a blank component makes the score incomplete, never 0
    )


def bands_json(definition: scoring.ScoreDefinition) -> str:
    return json.dumps(
        [{"low": b.low, "high": b.high, "label": b.label, "action": b.action or ""} for b in definition.bands]
    )


def level_locations_json() -> str:
    return json.dumps({level: location for level, location in scoring.SINS_LOCATION_BY_LEVEL.items() if location})


class AssessmentForm(forms.Form):
    """Scores one kind for one case; `kind` picks the table."""

    level = forms.CharField(
        label="Spinal level", max_length=8, required=False, help_text="SINS is scored per level, e.g. T7."
    )
    scan = forms.ModelChoiceField(
        queryset=Scan.objects.none(), required=False, label="Based on the imaging", empty_label="— none —"
    )
    assessed_at = forms.DateTimeField(label="Assessed at", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, kind: str, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.definition = KIND_DEFINITIONS[kind]
        self.fields["scan"].queryset = Scan.objects.filter(case=case, performed_at__isnull=False)  # type: ignore[attr-defined]
        self.fields["assessed_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        if kind != ScoreKind.SINS:
            del self.fields["level"]
        else:
            self.fields["level"].required = True
            self.fields["level"].widget.attrs["data-level-locations"] = level_locations_json()
        for component in self.definition.components:
            self.fields[component] = component_field(self.definition, component)

    @property
    def component_names(self) -> list[str]:
        return list(self.definition.components)

    @property
    def bands(self) -> str:
        return bands_json(self.definition)

    def clean_level(self) -> str:
        level = self.cleaned_data.get("level", "")
        if not level:
            return ""
        try:
            return scoring.normalise_level(level)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def components(self) -> dict[str, str | None]:
        return {name: self.cleaned_data.get(name) or None for name in self.definition.components}


def prefilled_components(kind: str, case: Case, level: str = "") -> tuple[dict[str, str], list[str]]:
    """Defaults from what the record already knows, and a note of each; always editable."""
    initial: dict[str, str] = {}
    notes: list[str] = []
    primary = case.patient.primary_site
    if kind == ScoreKind.SINS and level:
        try:
            location = scoring.sins_location_for_level(level)
        except ValueError:
            location = None
        if location:
            initial["location"] = location
            notes.append(f"Location from the level {scoring.normalise_level(level)}.")
    if kind == ScoreKind.TOKUHASHI:
        if case.frankel_grade:
            initial["palsy"] = scoring.tokuhashi_palsy_from_frankel(case.frankel_grade)
            notes.append(f"Palsy from Frankel grade {case.frankel_grade}.")
        if case.karnofsky is not None:
            condition = scoring.tokuhashi_general_condition_from_kps(case.karnofsky)
            if condition:
                initial["general_condition"] = condition
                notes.append(f"General condition from Karnofsky {case.karnofsky}%.")
        suggestion = scoring.tokuhashi_primary_option(primary)
        if suggestion.value:
            initial["primary_site"] = suggestion.value
            notes.append(f"Primary site from the patient's primary ({case.patient.get_primary_site_display()}).")
        notes.extend(suggestion.warnings)
    if kind == ScoreKind.TOMITA:
        growth = scoring.tomita_growth_default(primary)
        if growth.value:
            initial["primary_growth"] = growth.value
            notes.append(f"Growth rate suggested from the primary ({case.patient.get_primary_site_display()}).")
        notes.extend(growth.warnings)
    return initial, notes


class FitnessSelect(forms.NullBooleanSelect):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", "Not yet judged"), ("true", "Fit for surgery"), ("false", "Not fit for surgery")]


class NomsInputsForm(VersionedFormMixin):
    """The two NOMS inputs that are the clinicians' judgement rather than a recorded fact."""

    class Meta:
        model = Case
        fields = ["radiosensitivity_override", "fit_for_surgery"]
        widgets = {"fit_for_surgery": FitnessSelect(attrs={"class": "form-select form-select-sm"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        override = self.fields["radiosensitivity_override"]
        assert isinstance(override, forms.ChoiceField)
        choices: list[tuple[Any, Any]] = list(override.choices)  # type: ignore[arg-type]
        override.choices = [("", "Default for the primary"), *((v, label) for v, label in choices if v)]
