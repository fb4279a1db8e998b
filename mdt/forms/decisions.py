"""Forms for recording decisions in the meeting: quick to fill from the keyboard, strict on save."""

import datetime as dt
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from accounts import policy
from core.forms import CompactForm
from mdt.models import AgendaItem, Decision, FollowUp, Intent, Member, SignOff, Treatment
from mdt.services.decisions import DecisionInput


def max_length(model: Any, field: str) -> int:
    """The model's maximum, so a form and the model never disagree."""
    return int(model._meta.get_field(field).max_length)


def clinicians() -> Any:
    """Those who may be named to sign (accounts.policy.SIGNER_ROLES)."""
    return Member.objects.filter(active=True).filter(role__in=policy.SIGNER_ROLES).select_related("user")


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.get_full_name() or obj.user.get_username()} ({obj.get_role_display()})"


class DecisionForm(forms.Form):
    treatments = forms.MultipleChoiceField(
        choices=Treatment.choices, required=False, widget=forms.CheckboxSelectMultiple, label="Treatments chosen"
    )
    no_treatment = forms.BooleanField(required=False, label="No active treatment")
    intent = forms.ChoiceField(choices=Intent.choices, widget=forms.RadioSelect)
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "autofocus": True}), max_length=max_length(Decision, "rationale")
    )
    patient_preferences_considered = forms.TypedChoiceField(
        label="Were the patient's preferences considered?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    patient_preferences_note = forms.CharField(
        required=False,
        label="The patient's preferences",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=max_length(Decision, "patient_preferences_note"),
    )
    responsible = MemberChoiceField(
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Responsible clinicians (each signs)",
        help_text="A treatment decision needs an oncologist and a spinal surgeon.",
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = clinicians()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("treatments") and not cleaned.get("no_treatment"):
            self.add_error("treatments", "Choose at least one treatment, or tick 'No active treatment'.")
        if cleaned.get("treatments") and cleaned.get("no_treatment"):
            self.add_error("no_treatment", "Untick 'No active treatment' when treatments are chosen.")
        return cleaned

    def to_input(self, follow_ups: "forms.BaseFormSet[Any]") -> DecisionInput:
        data = self.cleaned_data
        return DecisionInput(
            treatments=data["treatments"],
            no_treatment=data["no_treatment"],
            intent=data["intent"],
            rationale=data["rationale"],
            patient_preferences_considered=data["patient_preferences_considered"],
            patient_preferences_note=data["patient_preferences_note"],
            responsible_member_ids=[member.pk for member in data["responsible"]],
            follow_ups=[
                {
                    "kind": form.cleaned_data["kind"],
                    "due_on": form.cleaned_data["due_on"],
                    "owner_id": form.cleaned_data["owner"],
                    "rediscuss": form.cleaned_data["rediscuss"],
                    "note": form.cleaned_data["note"],
                }
                for form in follow_ups.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("kind")
            ],
        )

    @classmethod
    def initial_from(cls, decision: Decision) -> dict[str, Any]:
        return {
            "treatments": decision.treatments,
            "no_treatment": decision.no_treatment,
            "intent": decision.intent,
            "rationale": decision.rationale,
            "patient_preferences_considered": "yes" if decision.patient_preferences_considered else "no",
            "patient_preferences_note": decision.patient_preferences_note,
            "responsible": [signoff.member_id for signoff in decision.signoffs.all()],
            "loaded_version": decision.version,
        }


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "—"), *FollowUp.Kind.choices], required=False, label="Follow-up")
    due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Due on")
    owner = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Owner")
    rediscuss = forms.BooleanField(required=False, label="Back to the MDT when due")
    note = forms.CharField(required=False, max_length=300, label="Note")

    def __init__(
        self, *args: Any, not_before: dt.date | None = None, owners: list[tuple[Any, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.not_before = not_before
        self.fields["owner"].choices = [("", "—"), *(owners or [])]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("kind"):
            return cleaned
        if not cleaned.get("due_on"):
            self.add_error("due_on", "Give the date the follow-up is due.")
        elif self.not_before and (early := FollowUp.early_due_error(cleaned["due_on"], self.not_before)):
            self.add_error("due_on", early)
        if not cleaned.get("owner"):
            self.add_error("owner", "Choose who owns the follow-up.")
        return cleaned


# At most 10 follow-ups a decision, and never more forms built than that: a mangled or hostile
# TOTAL_FORMS (up to Django's 1,000 more by default) made each post build and render a thousand forms.
FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=2, max_num=10, absolute_max=10, validate_max=True)


def follow_up_formset(data: Any = None, *, not_before: dt.date | None = None) -> Any:
    """Every row offers the same owners: read them once for the whole formset (one query, not one a row)."""
    members = Member.objects.filter(active=True).select_related("user").order_by("role", "user__last_name")
    owners = [(m.pk, f"{m.user.get_full_name() or m.user.get_username()} ({m.get_role_display()})") for m in members]
    return FollowUpFormSet(data, prefix="fu", form_kwargs={"not_before": not_before, "owners": owners})


class SignForm(forms.Form):
    response = forms.ChoiceField(choices=[("agree", "Agree"), ("dissent", "Dissent")])
    # A dissent needs a reason: signoff_respond says so (the rule is the service's, for every path).
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason (needed to dissent)",
        max_length=max_length(SignOff, "reason"),
    )


class ReplaceSignerForm(CompactForm):
    """Name another clinician to sign in place of one who left the team before signing
    (mdt.services.signoffs.signoff_replace, which checks who may sign)."""

    member = forms.ModelChoiceField(queryset=Member.objects.none(), label="Name instead", empty_label="Choose…")
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args: Any, decision: Decision | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if decision is not None:
            self.initial["loaded_version"] = decision.version
            named = [signoff.member_id for signoff in decision.signoffs.all()]
            self.offer(clinicians().exclude(user__is_active=False).exclude(pk__in=named))

    def offer(self, members: Any) -> None:
        """The clinicians the list offers (the page: those who may sign and are not yet named; a post: any
        member, so that the service's check names what is wrong with the one chosen)."""
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members


class OutcomeForm(forms.Form):
    """The buttons of the decision page: save (and next), or an outcome without a decision."""

    action = forms.ChoiceField(
        choices=[("save", "Save"), ("save_next", "Save and next"), ("not_discussed", "Not discussed"),
                 ("withdrawn", "Withdrawn")],
        required=False,
    )  # fmt: skip
    reason = forms.CharField(
        required=False, max_length=max_length(AgendaItem, "outcome_reason"), label="Reason (needed to withdraw)"
    )


class AmendmentForm(forms.Form):
    # Blank is the service's refusal (decision_amend), shown on this field like the form's own errors.
    amendment_reason = forms.CharField(
        required=False,
        max_length=max_length(Decision, "amendment_reason"),
        label="Why is the decision being amended?",
        help_text="The original stays visible; the amendment is signed again.",
        widget=forms.Textarea(attrs={"rows": 2, "required": True}),
    )
    helper = FormHelper()
    helper.form_tag, helper.label_class = False, "fw-semibold"
