"""The clinical record: patients, their referral episodes (cases) and imaging."""

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, Upper
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases import patient_search
from cases.choices import (
    NEURO_RED_FLAG_KEYS,
    RED_FLAG_LABELS,
    AmbulatoryStatus,
    AsiaGrade,
    CaseStatus,
    FrankelGrade,
    Presentation,
    PrimarySite,
    Radiosensitivity,
    Sex,
    SteroidIndication,
    TreatmentModality,
)
from cases.fields import MRNField, NHSNumberField, RedFlagsField, SpinalLevelsField, ecog_field, holds_any
from cases.models.closure import CLOSED_HAS_A_REASON, Closure
from cases.models.previous import PreviousTreatment
from cases.responsible import FIELD, check_responsible_clinician, responsible_clinician_error
from cases.steroids import ON_STEROIDS, dose_errors
from cases.time_order import future_time_errors, time_order_errors
from cases.validators import (
    format_nhs_number,
    validate_karnofsky,
    validate_ods_code,
)
from core.concurrency import Versioned
from core.fields import LimitedTextField
from core.timezones import local_day

CLOCK_START_SQL = Coalesce("suspected_diagnosis_at", "referred_at")  # the MRI clocks' start (cases.clocks)
RADIOTHERAPY_IN_PLAN = Q(treatment_modality=TreatmentModality.RADIOTHERAPY) | Q(radiotherapy_planned=True)  # T6 clock
CLOCK_SKEW = dt.timedelta(minutes=5)  # a time typed a little ahead of the server's clock is not "in the future"


def validate_date_of_birth(value: dt.date) -> None:
    if value > timezone.localdate():
        raise ValidationError("Date of birth cannot be in the future.", code="dob_future")
    if value.year < 1900:
        raise ValidationError("Date of birth cannot be before 1900.", code="dob_too_early")


class PatientQuerySet(models.QuerySet["Patient"]):
    def search(self, query: str, *, first: int | None = None, after: int | None = None) -> "PatientQuerySet":
        """Find patients by NHS number (any spacing), MRN, or the start of a name ("smi", "smith, jo"):
        cases.patient_search. With `first`, a list's page in name order (PATIENT_ORDER) after patient `after`
        needs only the first `first` matches: the database reads those, not every match."""
        found = patient_search.terms(query)
        if found is None:
            return self
        if first is None:
            return self.filter(patient_search.condition(found))
        return cast("PatientQuerySet", patient_search.first_in_name_order(self, found, first, after))


class Patient(Versioned):
    mrn = MRNField(
        "MRN",
        max_length=20,
        unique=True,
        help_text="The hospital number.",
        error_messages={"unique": "A patient with this MRN already exists."},
    )
    nhs_number = NHSNumberField(
        "NHS number",
        null=True,
        blank=True,
        unique=True,
        error_messages={"unique": "A patient with this NHS number already exists."},
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(validators=[validate_date_of_birth])
    sex = models.CharField(max_length=10, choices=Sex.choices)
    primary_site = models.CharField(max_length=20, choices=PrimarySite.choices)
    primary_site_detail = models.CharField(
        max_length=200, blank=True, help_text="Histology or detail, e.g. for 'other' or 'unknown primary'."
    )
    gp_name = models.CharField("GP name", max_length=200, blank=True)
    gp_practice = models.CharField("GP practice", max_length=200, blank=True)
    gp_address = LimitedTextField("GP address", blank=True, max_length=500)
    pas_address = LimitedTextField("address held by the PAS", blank=True, max_length=500, editable=False)
    pas_address_received_at = models.DateTimeField("PAS address received at", null=True, blank=True, editable=False)
    died_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            # Patient search and the alphabetical list: family_name__istartswith, ORDER BY family_name.
            models.Index(Upper("family_name"), "given_name", name="patient_family_upper_idx"),
            models.Index(fields=["family_name", "given_name", "id"], name="patient_name_order_idx"),
            # The patients whose death is recorded, few among many: "about a living patient" (the reminder
            # kinds' alive(), "My reminders", the sweep) reads them here, not by a scan of every patient.
            models.Index(fields=["died_on"], name="patient_died_idx", condition=Q(died_on__isnull=False)),
            # Possible duplicates at registration (cases.selectors.possible_duplicates): the same date of birth.
            models.Index(fields=["date_of_birth"], name="patient_birth_date_idx"),
        ]
        constraints = [
            # With every MRN stored upper-case, the unique index on mrn is case-insensitive in effect.
            models.CheckConstraint(
                condition=Q(mrn=Upper("mrn")),
                name="patient_mrn_stored_upper_case",
                violation_error_message="An MRN is stored in capitals.",
            ),
            models.CheckConstraint(
                condition=Q(died_on__isnull=True) | Q(died_on__gte=F("date_of_birth")),
                name="patient_died_after_birth",
                violation_error_message="Date of death cannot be before the date of birth.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.mrn})"

    def get_absolute_url(self) -> str:
        return reverse("patient-detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name}"

    @property
    def nhs_number_display(self) -> str:
        return format_nhs_number(self.nhs_number)

    def age_on(self, day: dt.date) -> int:
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - int(before_birthday)

    @property
    def age(self) -> int:
        return self.age_on(self.died_on or timezone.localdate())

    def clean(self) -> None:
        if self.died_on and self.date_of_birth and self.died_on < self.date_of_birth:
            raise ValidationError({"died_on": "Date of death cannot be before the date of birth."})
        if self.died_on and self.died_on > timezone.localdate():
            raise ValidationError({"died_on": "Date of death cannot be in the future."})


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> "CaseQuerySet":
        return self.exclude(status=CaseStatus.CLOSED)

    def on_worklists(self) -> "CaseQuerySet":
        """Open cases of living patients: what any worklist may show (a patient who died is chased by none)."""
        return self.open().filter(patient__died_on__isnull=True)

    def with_pending_mri_review(self) -> "CaseQuerySet":
        from cases.models.scans import Scan  # scans.py builds on Case: imported when first asked

        return self.filter(Exists(Scan.objects.pending_review().filter(case=OuterRef("pk"))))


class Case(PreviousTreatment, Closure, Versioned):
    """One referral episode of a patient, from referral to closure."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="cases")
    referred_at = models.DateTimeField(default=timezone.now)
    referrer = models.CharField(max_length=200, blank=True, help_text="Who referred, and from where.")
    presentation = models.CharField(max_length=30, choices=Presentation.choices)
    red_flags = RedFlagsField("red-flag symptoms")
    suspected_diagnosis_at = models.DateTimeField(
        "suspected diagnosis at",
        null=True,
        blank=True,
        help_text="When MSCC or spinal metastases were first suspected: the start of the NICE clocks.",
    )
    frankel_grade = models.CharField(max_length=1, choices=FrankelGrade.choices, blank=True)
    asia_grade = models.CharField("ASIA grade", max_length=1, choices=AsiaGrade.choices, blank=True)
    ambulatory_status = models.CharField(max_length=20, choices=AmbulatoryStatus.choices, blank=True)
    ecog = ecog_field()
    karnofsky = models.PositiveSmallIntegerField(
        "Karnofsky performance status",
        null=True,
        blank=True,
        validators=[validate_karnofsky],
        help_text="0 to 100 in steps of 10.",
    )
    spinal_levels = SpinalLevelsField("spinal levels involved")
    mdt_question = LimitedTextField("question for the MDT", blank=True, max_length=2000)
    # NOMS inputs the clinician judges (docs/clinical-reference.md §5): never derived from a number here.
    radiosensitivity_override = models.CharField(
        "radiosensitivity (clinician's judgement)",
        max_length=20,
        choices=Radiosensitivity.choices,
        blank=True,
        help_text="Leave blank to use the default for the primary (docs/clinical-reference.md §5.2).",
    )
    fit_for_surgery = models.BooleanField(
        "systemically fit for surgery",
        null=True,
        blank=True,
        help_text="The clinicians' judgement of whether the patient could tolerate surgery.",
    )
    # Outcome after treatment, for audit (docs/clinical-reference.md §8.2: ambulatory status and Frankel
    # at a set follow-up).
    frankel_after_treatment = models.CharField(
        "Frankel grade after treatment", max_length=1, choices=FrankelGrade.choices, blank=True
    )
    ambulatory_after_treatment = models.CharField(
        "walking after treatment", max_length=20, choices=AmbulatoryStatus.choices, blank=True
    )
    outcome_assessed_on = models.DateField("outcome assessed on", null=True, blank=True)
    # Dexamethasone (docs/clinical-reference.md §7.4): a reminder fires when steroids are still active
    # after treatment starts.
    steroids_started_at = models.DateTimeField("dexamethasone first dose at", null=True, blank=True)
    steroid_dose_mg = models.DecimalField(
        "dexamethasone daily dose (mg)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    steroid_dose_reason = models.CharField(
        "reason for a dose above the usual loading dose",
        max_length=200,
        blank=True,
        help_text="Needed when the daily dose is above the usual loading dose (config/clinical_targets.toml).",
    )
    steroid_indication = models.CharField(max_length=20, choices=SteroidIndication.choices, blank=True)
    steroid_reduction_started_at = models.DateTimeField("dexamethasone reduction started at", null=True, blank=True)
    steroids_stopped_at = models.DateTimeField("dexamethasone stopped at", null=True, blank=True)
    # Pathway clock events (docs/clinical-reference.md §8.1).
    treatment_plan_agreed_at = models.DateTimeField(null=True, blank=True)
    decision_to_treat_at = models.DateTimeField(null=True, blank=True)
    treatment_modality = models.CharField(max_length=20, choices=TreatmentModality.choices, blank=True)
    treatment_start_at = models.DateTimeField(
        null=True, blank=True, help_text="First radiotherapy fraction, knife to skin, or first dose."
    )
    # The national datasets' provider of treatment (docs/integration.md, "National datasets").
    provider_site = models.CharField(
        "treating organisation site code",
        max_length=5,
        blank=True,
        validators=[validate_ods_code],
        help_text="Where treatment is given (ODS site code, e.g. RXX01); blank: the service's own "
        "(DATASET_PROVIDER_SITE).",
    )
    # Radiotherapy anywhere in the decision (with surgery or cement augmentation too) starts the
    # 24-hour radiotherapy clock (docs/clinical-reference.md §7.1 T6): its own flag and start time,
    # because treatment_modality names only the treatment that comes first.
    radiotherapy_planned = models.BooleanField(
        "radiotherapy in the plan", default=False, help_text="Set from the decision: any radiotherapy chosen."
    )
    radiotherapy_started_at = models.DateTimeField("first radiotherapy fraction at", null=True, blank=True)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.REFERRED)
    responsible_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_for_cases",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_at", "-id"]
        indexes = [
            # The changelist, worklists, and the cases waiting for a decision in referral order (mdt.unlisted).
            models.Index(fields=["status", "-referred_at"], name="case_status_referred_idx"),
            models.Index(fields=["-referred_at", "-id"], name="case_referred_order_idx"),
            # The dashboard's late clocks and the sweep's "MRI not performed": open cases by clock start; the
            # condition spelled as CaseQuerySet.open() spells it, so the planner can prove the query implies it.
            models.Index(
                F("presentation"),
                CLOCK_START_SQL,
                name="case_open_clock_start_idx",
                condition=~Q(status=CaseStatus.CLOSED),
            ),
            models.Index(  # radiotherapy in any plan, not yet started (cases.selectors.could_be_late)
                fields=["decision_to_treat_at"],
                name="case_open_rt_idx",
                condition=~Q(status=CaseStatus.CLOSED) & Q(radiotherapy_started_at__isnull=True),
            ),
            models.Index(F("presentation"), CLOCK_START_SQL, name="case_suspected_at_idx"),  # reports.measures' periods
            models.Index(F("decision_to_treat_at"), name="case_rt_cohort_idx", condition=RADIOTHERAPY_IN_PLAN),
            models.Index(fields=["outcome_assessed_on"], name="case_outcome_assessed_idx"),  # reports.outcomes' periods
            models.Index(fields=["treatment_start_at"], name="case_steroids_idx", condition=ON_STEROIDS),  # the sweep
        ]
        constraints = [
            # Any neurological red flag means suspected MSCC (Case.clean's message; HAZ-017), on every path.
            models.CheckConstraint(
                condition=Q(presentation=Presentation.SUSPECTED_MSCC) | ~holds_any("red_flags", NEURO_RED_FLAG_KEYS),
                name="case_neuro_red_flags_mean_suspected_mscc",
            ),
            models.CheckConstraint(condition=Q(ecog__isnull=True) | Q(ecog__lte=5), name="case_ecog_0_to_5"),
            models.CheckConstraint(
                condition=Q(karnofsky__isnull=True) | Q(karnofsky__lte=100),
                name="case_karnofsky_0_to_100",
            ),
            # Time orders that Case.clean gives messages for, held on every path (HAZ-013).
            models.CheckConstraint(
                condition=Q(steroid_reduction_started_at__isnull=True)
                | Q(steroids_started_at__isnull=False, steroid_reduction_started_at__gte=F("steroids_started_at")),
                name="case_steroid_reduction_after_first_dose",
            ),
            models.CheckConstraint(
                condition=Q(steroids_stopped_at__isnull=True)
                | Q(steroids_started_at__isnull=False, steroids_stopped_at__gte=F("steroids_started_at")),
                name="case_steroids_stop_after_first_dose",
            ),
            models.CheckConstraint(
                condition=Q(treatment_plan_agreed_at__isnull=True) | Q(treatment_plan_agreed_at__gte=F("referred_at")),
                name="case_plan_after_referral",
            ),
            models.CheckConstraint(
                condition=Q(treatment_start_at__isnull=True)
                | Q(decision_to_treat_at__isnull=False, treatment_start_at__gte=F("decision_to_treat_at")),
                name="case_treatment_after_decision",
            ),
            models.CheckConstraint(
                condition=Q(radiotherapy_started_at__isnull=True)
                | Q(decision_to_treat_at__isnull=False, radiotherapy_started_at__gte=F("decision_to_treat_at")),
                name="case_radiotherapy_after_decision",
            ),
            CLOSED_HAS_A_REASON,
        ]

    def __str__(self) -> str:
        return f"Case {self.pk} · {self.patient.mrn} · {self.get_presentation_display()}"

    def get_absolute_url(self) -> str:
        return reverse("case-detail", args=[self.pk])

    def save(self, *args: Any, **kwargs: Any) -> None:
        check_responsible_clinician(self, kwargs.get("update_fields"))  # every path, validated or not
        super().save(*args, **kwargs)

    @property
    def neuro_red_flags(self) -> list[tuple[str, str]]:
        return [(key, RED_FLAG_LABELS[key]) for key in self.red_flags if key in NEURO_RED_FLAG_KEYS]

    @property
    def pain_red_flags(self) -> list[tuple[str, str]]:
        return [(key, RED_FLAG_LABELS[key]) for key in self.red_flags if key not in NEURO_RED_FLAG_KEYS]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.neuro_red_flags and self.presentation != Presentation.SUSPECTED_MSCC:
            # Any neurological red flag means suspected MSCC and its 24-hour MRI target (reference §7.2).
            flags = ", ".join(label.lower() for _, label in self.neuro_red_flags)
            errors["presentation"] = (
                f"Neurological red flags are recorded ({flags}): this is suspected MSCC with neurology, "
                f"not {Presentation(self.presentation).label.lower() if self.presentation else 'another pathway'}. "
                "Choose 'Suspected MSCC with neurology' so the 24-hour whole-spine MRI clock runs."
            )
        if self.suspected_diagnosis_at and self.suspected_diagnosis_at > timezone.now() + CLOCK_SKEW:
            errors["suspected_diagnosis_at"] = "The suspected diagnosis time cannot be in the future."
        if self.referred_at and self.referred_at > timezone.now() + CLOCK_SKEW:
            errors["referred_at"] = "The referral time cannot be in the future."
        if (self.frankel_after_treatment or self.ambulatory_after_treatment) and not self.outcome_assessed_on:
            errors["outcome_assessed_on"] = "Give the date the outcome after treatment was assessed."
        started = self.treatment_start_at
        if self.outcome_assessed_on and started and self.outcome_assessed_on < local_day(started):
            errors["outcome_assessed_on"] = "The outcome after treatment is assessed after treatment starts."
        stopped, first_dose = self.steroids_stopped_at, self.steroids_started_at
        if stopped and first_dose and stopped < first_dose:
            errors["steroids_stopped_at"] = "Steroids cannot stop before they started."
        if (self.steroids_stopped_at or self.steroid_reduction_started_at) and not self.steroids_started_at:
            errors.setdefault("steroids_started_at", "Give the time of the first dose.")
        if self.steroid_dose_mg is not None and self.steroid_dose_mg <= 0:
            errors["steroid_dose_mg"] = "The daily dose is a number of mg greater than 0."
        elif self.steroid_dose_mg is not None:
            errors.update(dose_errors(self.steroid_dose_mg, self.steroid_dose_reason))
        errors.update(self.previous_treatment_errors())
        errors.update(self.closure_errors())
        time_order_errors(self, errors)
        future_time_errors(self, errors, latest=timezone.now() + CLOCK_SKEW)
        if clinician_error := responsible_clinician_error(self):
            errors[FIELD] = clinician_error
        if self.decision_to_treat_at and not self.treatment_modality:
            errors.setdefault("treatment_modality", "Say which treatment was decided.")
        if self.treatment_start_at and not self.decision_to_treat_at:
            errors.setdefault("treatment_start_at", "Treatment cannot start before the decision to treat is recorded.")
        elif started and self.decision_to_treat_at and started < self.decision_to_treat_at:
            errors.setdefault("treatment_start_at", "Treatment cannot start before the decision to treat.")
        if errors:
            raise ValidationError(errors)
