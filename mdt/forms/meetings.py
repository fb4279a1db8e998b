"""Forms for the meeting page and the coordinators' weekly scheduling."""

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from cases.choices import CaseStatus, Presentation
from core.concurrency import MAX_VERSION
from core.forms import IdField, IdListField
from core.widgets import PlainHiddenInput, PlainSelect, PlainTextarea, SharedOptions, Stencil
from mdt.candidates import Candidate
from mdt.models import AgendaItem, Member

LATE_REASON_MAX = int(AgendaItem._meta.get_field("late_reason").max_length or 0)


class AddCasesForm(forms.Form):
    """Cases ticked in the candidate list, or one case typed by its number."""

    case_ids = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.CheckboxSelectMultiple)
    case_number = IdField(label="List a case by its number", required=False)
    late_reason = forms.CharField(
        label="Reason for adding after the agenda closed (required)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 1}),
        max_length=LATE_REASON_MAX,
    )

    def __init__(
        self, *args: Any, candidate_ids: list[int] | None = None, number_label: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if number_label:  # a coordinator adds by number after (or instead of) the candidate list
            self.fields["case_number"].label = number_label
        field = self.fields["case_ids"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(case_id, case_id) for case_id in candidate_ids or []]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ids = list(data.get("case_ids") or [])
        if data.get("case_number"):
            ids.append(data["case_number"])
        if not ids and not self.errors:
            raise forms.ValidationError("Tick at least one candidate, or type a case number.")
        data["all_case_ids"] = ids
        return data


CANDIDATE_ROW = (
    '<tr><td><input class="form-check-input" type="checkbox" name="case_ids" value="{case}" id="candidate-{case}">'
    '<input type="hidden" name="source-{case}" value="{source}"></td>'
    '<td><label for="candidate-{case}">{name}</label> <span class="small text-body-secondary">case {case}</span></td>'
    "<td>{mrn}</td><td>{presentation}</td><td>{status}</td><td>{reasons}</td></tr>\n"
)


def candidate_rows(candidates: list[Candidate]) -> SafeString:
    """The candidate list's rows, each with its tick for AddCasesForm's case_ids and the source it was found by
    (posted as "source-<case id>"): written here, not by a template per row, as up to 200 rows are listed
    (tests/mdt/agenda_page/test_candidate_rows.py compares them with the template they replace)."""
    rows = []
    presentations, statuses = dict(Presentation.choices), dict(CaseStatus.choices)  # as get_..._display()
    for candidate in candidates:
        case = candidate.case
        if case.presentation == Presentation.SUSPECTED_MSCC:
            presentation = mark_safe('<span class="badge text-bg-danger">Suspected MSCC</span>')
        else:
            presentation = conditional_escape(presentations.get(case.presentation, case.presentation))
        rows.append(
            format_html(
                CANDIDATE_ROW,
                case=case.pk,
                source=candidate.source,
                name=case.patient.display_name,
                mrn=case.patient.mrn,
                presentation=presentation,
                status=statuses.get(case.status, case.status),
                reasons="; ".join(candidate.reasons),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every row escaped by format_html


class AddAllCandidatesForm(forms.Form):
    late_reason = forms.CharField(label="Reason for adding after the agenda closed", required=False,
                                  max_length=LATE_REASON_MAX)  # fmt: skip


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")], label="Direction")


class PreparedForm(forms.Form):
    prepared = forms.ChoiceField(choices=[("1", "Prepared"), ("0", "Not prepared")], required=False)


class AttendanceForm(forms.Form):
    present = IdListField(required=False, label="Present", widget=forms.CheckboxSelectMultiple)
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_VERSION)
    helper = FormHelper()
    helper.form_tag, helper.label_class = False, "visually-hidden"  # the card's heading says what it records

    @classmethod
    def for_agenda(cls, members: list[Member], present_ids: set[int], version: int) -> "AttendanceForm":
        """A tick for each active member (loaded with the agenda), those recorded present ticked."""
        form = cls(initial={"present": sorted(present_ids), "loaded_version": version})
        form.fields["present"].label = "Present at the meeting"
        choices = [(m.pk, f"{m.display_name} ({m.get_role_display()})") for m in members]
        form.fields["present"].widget.choices = choices
        return form


class ItemForm(forms.Form):
    question = forms.CharField(
        label="Question for the MDT", required=False, widget=PlainTextarea(attrs={"rows": 2}), max_length=2000
    )
    presenter = forms.ModelChoiceField(
        queryset=Member.objects.none(),
        required=False,
        empty_label="No presenter yet",
        label="Presenter",
        widget=PlainSelect,  # one per case on the agenda, each listing the team
    )
    loaded_version = forms.IntegerField(widget=PlainHiddenInput, required=False, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args: Any, members: list[Member] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["presenter"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Member.objects.filter(active=True).select_related("user")
        if members is not None:  # choices from members already loaded: no query per item on the page
            field.choices = [("", field.empty_label or ""), *((m.pk, str(m)) for m in members)]


@dataclass(frozen=True)
class ItemFields:
    """One item's question-and-presenter fields, as its ItemForm renders them (ids as the labels name them)."""

    loaded_version: SafeString
    question: SafeString
    question_id: str
    presenter: SafeString
    presenter_id: str


def item_fields(items: list[AgendaItem], members: list[Member]) -> dict[int, ItemFields]:
    """Every item's fields for the agenda page, item pk -> fields: ItemForm's HTML (tests compare them) from one
    form's widgets, with the team's options written once, not a form and a list of the team per case."""
    form = ItemForm(members=members)
    presenter = form.fields["presenter"]
    assert isinstance(presenter, forms.ModelChoiceField)
    options = SharedOptions(cast(list[tuple[Any, Any]], presenter.choices))  # the pairs ItemForm set
    question, version = Stencil(form.fields["question"].widget), Stencil(form.fields["loaded_version"].widget)
    fields = {}
    for item in items:
        ids = {name: f"id_item{item.pk}-{name}" for name in ("loaded_version", "question", "presenter")}
        fields[item.pk] = ItemFields(
            loaded_version=version.render(f"item{item.pk}-loaded_version", item.version, ids["loaded_version"]),
            question=question.render(f"item{item.pk}-question", item.question, ids["question"]),
            question_id=ids["question"],
            presenter=options.render(f"item{item.pk}-presenter", item.presenter_id, {"id": ids["presenter"]}),
            presenter_id=ids["presenter"],
        )
    return fields


class WeeklyMeetingsForm(forms.Form):
    """Schedule the same meeting for the coming weeks (wall-clock time in the service's zone)."""

    title = forms.CharField(initial="Spinal metastases MDT", max_length=200)
    first_date = forms.DateField(label="First meeting on", widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label="Starts at", initial=dt.time(13, 0), widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(label="Length (minutes)", initial=120, min_value=15, max_value=480)
    weeks = forms.IntegerField(label="Number of weeks", initial=6, min_value=1, max_value=52)
    agenda_closes_days_before = forms.IntegerField(
        label="Agenda closes (days before)", initial=2, min_value=0, max_value=14
    )
    agenda_closes = forms.TimeField(
        label="Agenda closes at", initial=dt.time(12, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    location = forms.CharField(max_length=200, required=False)
    video_link = forms.URLField(required=False)
    chair = forms.ModelChoiceField(queryset=Member.objects.filter(active=True).select_related("user"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        same_day = data.get("agenda_closes_days_before") == 0
        if same_day and data.get("agenda_closes") and data.get("starts") and data["agenda_closes"] > data["starts"]:
            self.add_error("agenda_closes", "The agenda must close before the meeting starts.")
        return data
