"""A referral to the regional MSCC service, from its first draft to the case it becomes.

Life of a row: a referrer (or a coordinator taking a referral by phone) starts a **draft** and
fills it in step by step; every step saves, so nothing is lost when a session expires. Submitting
gives it a reference and makes it **new** on the triage inbox (the reminders sweep alerts the MSCC
coordinators and acknowledges the referrer: reminders.kinds.referrals). Triage moves it to **in
triage**, the first advice (referrals.models.advice) to **advice given**; accepting links it to a
case (created, or the patient's open one) and makes it **accepted**; or it is **declined**.

Every field is validated here, on the model, so every path (the referrer's form, the coordinator's
phone form, the workspace) applies the same rules; `gaps()` says what the MDT will lack.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from simple_history.models import HistoricalRecords

from cases.choices import (
    NEURO_RED_FLAG_KEYS,
    AmbulatoryStatus,
    FrankelGrade,
    Modality,
    Presentation,
    PrimarySite,
    Sex,
)
from cases.fields import NHSNumberField, RedFlagsField, SpinalLevelsField, ecog_field
from cases.models import CLOCK_SKEW, Case, Patient, validate_date_of_birth
from cases.steroids import dose_errors
from cases.validators import format_nhs_number
from core.concurrency import Versioned
from core.fields import LimitedTextField
from core.timezones import local_day
from referrals.choices import OPEN_STATUSES, Status, YesNoUnknown
from referrals.models.organisations import Organisation, allowed_domains, is_work_email

MRI_COVERS = [(Modality.MRI_WHOLE_SPINE, "The whole spine"), (Modality.MRI_TARGETED, "Part of the spine")]
# The case's dose rule (cases.steroids) names the case's fields; a referral's errors name its own.
DOSE_FIELDS = {"steroid_dose_mg": "dexamethasone_dose_mg", "steroid_dose_reason": "dexamethasone_dose_reason"}


def label_of(name: str) -> str:
    """A Referral field's label, for messages that name it."""
    return str(getattr(Referral._meta.get_field(name), "verbose_name", name))


class ReferralQuerySet(models.QuerySet["Referral"]):
    def submitted(self) -> "ReferralQuerySet":
        return self.exclude(status=Status.DRAFT)

    def open(self) -> "ReferralQuerySet":
        return self.filter(status__in=OPEN_STATUSES)


class Referral(Versioned):
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals")
    # The referrer's account when they have one; a phone referral names them in the fields below.
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals_made"
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_entered")
    by_phone = models.BooleanField("taken by phone", default=False)

    # Step 1: who refers.
    referrer_name = models.CharField("referrer's name", max_length=200, blank=True)
    referrer_role = models.CharField("referrer's role or grade", max_length=100, blank=True)
    referrer_phone = models.CharField("referrer's phone", max_length=30, blank=True)
    referrer_email = models.EmailField("referrer's email", blank=True)
    consultant_name = models.CharField("responsible consultant", max_length=200, blank=True)

    # Step 2: the patient.
    nhs_number = NHSNumberField("NHS number", null=True, blank=True)
    local_mrn = models.CharField("hospital number at the referring hospital", max_length=30, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True, validators=[validate_date_of_birth])
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)

    # Step 3: the cancer.
    primary_site = models.CharField(max_length=20, choices=PrimarySite.choices, blank=True)
    histology = models.CharField("primary cancer and histology", max_length=200, blank=True)
    known_metastases = LimitedTextField("known metastases", max_length=2000, blank=True)
    systemic_therapy = LimitedTextField("current or recent systemic therapy", max_length=2000, blank=True)
    previous_spinal_rt = models.CharField(
        "previous radiotherapy to the spine", max_length=10, choices=YesNoUnknown.choices, blank=True
    )
    previous_rt_levels = SpinalLevelsField("levels treated")
    previous_rt_dose = models.CharField("dose and fractions", max_length=50, blank=True, help_text="e.g. 20 Gy/5")

    # Step 4: symptoms, neurology and steroids (the case's keys).
    red_flags = RedFlagsField("red-flag symptoms")
    neurology_detail = LimitedTextField(
        "neurology: power, sensation, bladder and bowel",
        max_length=2000,
        blank=True,
        help_text="e.g. Power 3/5 both legs, T10 level.",
    )
    frankel_grade = models.CharField(max_length=1, choices=FrankelGrade.choices, blank=True)
    ambulatory_status = models.CharField("walking", max_length=20, choices=AmbulatoryStatus.choices, blank=True)
    ecog = ecog_field()
    symptoms_started_on = models.DateField("neurological symptoms started on", null=True, blank=True)
    dexamethasone_given = models.CharField(max_length=10, choices=YesNoUnknown.choices, blank=True)
    dexamethasone_dose_mg = models.DecimalField(
        "dexamethasone daily dose (mg)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    dexamethasone_dose_reason = models.CharField(
        "reason for a dose above the usual loading dose",
        max_length=200,
        blank=True,
        help_text="Needed when the daily dose is above the usual loading dose (16 mg unless the service set another).",
    )
    dexamethasone_first_dose_at = models.DateTimeField("time of first dexamethasone dose", null=True, blank=True)

    # Step 5: imaging, bloods and the question.
    mri_done = models.CharField("MRI done", max_length=10, choices=YesNoUnknown.choices, blank=True)
    # What the MRI covered: the case's scan is recorded as this (only a whole-spine MRI meets the MRI clocks).
    mri_modality = models.CharField("MRI covered", max_length=20, choices=MRI_COVERS, blank=True)
    mri_where = models.CharField("MRI done at", max_length=200, blank=True)
    mri_at = models.DateTimeField("MRI done on", null=True, blank=True)
    images_sent = models.CharField(
        "images sent by image exchange", max_length=10, choices=YesNoUnknown.choices, blank=True
    )
    accession_number = models.CharField(max_length=40, blank=True)
    mri_report = LimitedTextField("MRI report", max_length=10000, blank=True)
    bloods = LimitedTextField(
        "bloods, if relevant", max_length=1000, blank=True, help_text="e.g. corrected calcium, platelets"
    )
    question = LimitedTextField("the question for the service", max_length=2000, blank=True)

    # Submission.
    submitted_at = models.DateTimeField(null=True, blank=True)
    gaps_at_submission = models.JSONField(
        "missing at submission", default=list, blank=True, help_text="What the MDT will lack, recorded on submit."
    )

    # Triage and the plan.
    triage_started_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    plan_confirmed_at = models.DateTimeField("plan confirmed at", null=True, blank=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = LimitedTextField(max_length=2000, blank=True)
    # When accepting found the NHS number on a patient whose name or birth date differ.
    identity_note = LimitedTextField("identity check", max_length=1000, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        permissions = [
            ("give_advice", "Can triage referrals and give advice"),
            ("refer", "Can refer to the service from a referring hospital (the Referrer role)"),
        ]
        indexes = [
            # The triage inbox: open referrals by status (selectors.inbox), a few hundred rows at most.
            models.Index(fields=["status", "submitted_at"], name="referral_status_submitted_idx"),
            # A referrer's list: their organisation's referrals, newest first.
            models.Index(fields=["organisation", "-created_at"], name="referral_org_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(reference__isnull=False, submitted_at__isnull=False),
                name="referral_submitted_has_reference",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(case__isnull=False), name="referral_accepted_has_case"
            ),
            models.CheckConstraint(condition=Q(ecog__isnull=True) | Q(ecog__lte=5), name="referral_ecog_0_to_5"),
        ]

    def __str__(self) -> str:
        return self.reference or f"Draft referral {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:detail", args=[self.pk])

    @property
    def patient_name(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name}" if self.family_name else "(no name yet)"

    @property
    def nhs_number_display(self) -> str:
        return format_nhs_number(self.nhs_number)

    @property
    def has_neurology(self) -> bool:
        return any(key in NEURO_RED_FLAG_KEYS for key in self.red_flags)

    @property
    def presentation(self) -> str:
        """The case's presentation: any neurological red flag puts it on the suspected-MSCC pathway."""
        return Presentation.SUSPECTED_MSCC if self.has_neurology else Presentation.SUSPECTED_METASTASES

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    def clean(self) -> None:
        errors: dict[str, str] = {}
        latest = timezone.now() + CLOCK_SKEW
        for name in ("dexamethasone_first_dose_at", "mri_at"):
            value = getattr(self, name)
            if value and value > latest:
                errors[name] = f"{capfirst(label_of(name))} cannot be in the future."
        if self.symptoms_started_on and self.symptoms_started_on > timezone.localdate():
            errors["symptoms_started_on"] = "The day symptoms started cannot be in the future."
        errors.update(self.dose_errors())
        if self.dexamethasone_given == YesNoUnknown.NO and (
            self.dexamethasone_dose_mg is not None or self.dexamethasone_first_dose_at
        ):
            errors["dexamethasone_given"] = "A dose or first-dose time is given: say dexamethasone was given."
        if self.previous_spinal_rt != YesNoUnknown.YES and (self.previous_rt_levels or self.previous_rt_dose):
            errors["previous_spinal_rt"] = "Levels or a dose are given: say the spine had radiotherapy before."
        if self.mri_done == YesNoUnknown.NO and (
            self.mri_at or self.mri_where or self.accession_number or self.mri_modality
        ):
            errors["mri_done"] = "MRI details are given: say an MRI was done."
        # The London day (core.timezones): read back from the database the time is in UTC, whose date is the day
        # before for the first hour of a summer day (HAZ-201).
        if self.mri_at and self.date_of_birth and local_day(self.mri_at) < self.date_of_birth:
            errors["mri_at"] = "The MRI cannot be before the date of birth."
        if self.by_phone and self.referrer_email and not is_work_email(self.referrer_email):
            # The service emails the acknowledgement there (reminders.kinds.referrals): a work address only.
            errors["referrer_email"] = (
                f"The acknowledgement is emailed to a work address only (ending {allowed_domains()}): "
                "give one, or leave this blank and no acknowledgement is emailed."
            )
        if errors:
            raise ValidationError(errors)

    def dose_errors(self) -> dict[str, str]:
        """The case's dexamethasone rule (cases.steroids: the limits of config/clinical_targets.toml), on this
        referral's fields, so a referral accepted becomes a case that rule accepts."""
        dose = self.dexamethasone_dose_mg
        if dose is None:
            return {}
        if dose <= 0:
            return {"dexamethasone_dose_mg": "The daily dose is a number of mg greater than 0."}
        return {
            DOSE_FIELDS[name]: message for name, message in dose_errors(dose, self.dexamethasone_dose_reason).items()
        }

    def patient_matches(self, patient: Patient) -> list[str]:
        """How a patient with the same NHS number differs from what the referral says (empty: same person)."""
        differences = []
        if patient.family_name.strip().lower() != self.family_name.strip().lower():
            differences.append(f"family name: the record says {patient.family_name}, the referral {self.family_name}")
        if patient.given_name.strip().lower() != self.given_name.strip().lower():
            differences.append(f"given name: the record says {patient.given_name}, the referral {self.given_name}")
        if self.date_of_birth and patient.date_of_birth != self.date_of_birth:
            differences.append(
                f"date of birth: the record says {patient.date_of_birth:%d %b %Y}, "
                f"the referral {self.date_of_birth:%d %b %Y}"
            )
        return differences

    def age_on(self, day: dt.date) -> int | None:
        if not self.date_of_birth:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - int((day.month, day.day) < (dob.month, dob.day))
