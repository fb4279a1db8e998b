"""Imaging on a case: scans from request to specialist review, with the ESCC grade of the worst level."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases import pacs
from cases.choices import ESCC_KEYS, MRI_MODALITIES, EsccGradeChoice, Modality, Presentation, ReviewerRole
from cases.models.record import CLOCK_SKEW, Case
from cases.scoring.escc import ESCC_HIGH_GRADE_MIN_ORDER
from cases.validators import validate_dicom_uid
from core.concurrency import Versioned
from core.fields import LimitedTextField


def reviewer_role_of(user: Any) -> str:
    """The reviewing role of a user's active team membership, or "" (mdt.Member, read without importing mdt)."""
    member = getattr(user, "member", None) if user is not None else None
    role = getattr(member, "role", "") if member is not None and getattr(member, "active", False) else ""
    return role if role in ReviewerRole.values else ""


# The rows of the waiting scans' partial indexes: ScanQuerySet.pending_review(), as a condition.
WAITING_FOR_REVIEW = Q(performed_at__isnull=False, reviewed_at__isnull=True, patient_died=False) & Q(
    modality__in=MRI_MODALITIES
)


class ScanQuerySet(models.QuerySet["Scan"]):
    def pending_review(self) -> "ScanQuerySet":
        """MRI performed and not yet reviewed by a specialist, of a living patient: the review worklist. A
        patient's death takes their MRIs off every worklist and every reminder (HAZ-009): `patient_died`,
        kept by the database, so that the waiting scans' indexes hold only these."""
        return self.filter(WAITING_FOR_REVIEW)

    def by_urgency(self) -> "ScanQuerySet":
        """Clinical urgency first, the one order of every MRI worklist (the dashboard's and the full
        review list): suspected MSCC with neurology before anything else
        (docs/clinical-reference.md §7.2: an emergency), then the worst ESCC grade (a higher Bilsky
        grade is more compression, §4; a scan not yet graded after the graded ones), then the longest
        waiting since it was performed.

        The case's presentation is read from the scan's own `mscc_rank` (the database keeps it equal to
        the case's: `Scan.mscc_rank`), so the waiting scans are read in this order from
        scan_urgency_idx and a page stops after its rows, however many wait (HAZ-044).
        """
        return self.order_by(*URGENCY_ORDER)


# The urgency order (ScanQuerySet.by_urgency), and the key of scan_urgency_idx that serves it.
URGENCY_ORDER = [
    F("mscc_rank").asc(),
    F("escc_grade").desc(nulls_last=True),
    F("performed_at").asc(nulls_last=True),
    F("id").asc(),
]
# Suspected MSCC with neurology first, every other presentation after it.
MSCC_RANK = 0
OTHER_PRESENTATION_RANK = 1


def mscc_rank_of(presentation: str) -> int:
    """The rank the database stores on a scan of a case with this presentation (Scan.mscc_rank)."""
    return MSCC_RANK if presentation == Presentation.SUSPECTED_MSCC else OTHER_PRESENTATION_RANK


class ScanState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    PERFORMED = "performed", "Performed, awaiting report"
    REPORTED = "reported", "Reported, awaiting review"
    REVIEWED = "reviewed", "Reviewed"


class Scan(Versioned):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="scans")
    modality = models.CharField(max_length=20, choices=Modality.choices, default=Modality.MRI_WHOLE_SPINE)
    requested_at = models.DateTimeField(default=timezone.now)
    performed_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    report = LimitedTextField(blank=True, max_length=20_000)  # a long MRI report is a few thousand
    escc_grade = models.PositiveSmallIntegerField(
        "ESCC (Bilsky) grade",
        choices=EsccGradeChoice.choices,
        null=True,
        blank=True,
        help_text="At the level of worst compression, on axial T2-weighted MRI.",
    )
    escc_level = models.CharField("level of worst compression", max_length=8, blank=True)
    # The radiology system's keys for the study (docs/integration.md, PACS): they build the
    # "Open images" link and let a report from the feed find its scan.
    accession_number = models.CharField(
        max_length=16, blank=True, help_text="The radiology information system's number for the examination."
    )
    study_instance_uid = models.CharField(
        "study instance UID", max_length=64, blank=True, validators=[validate_dicom_uid],
        help_text="The DICOM study instance UID, e.g. 1.2.826.0.1.3680043.2.1125.1.",
    )  # fmt: skip
    # The radiologist's review (ReviewerRole says why only theirs): what readiness asks for and what
    # empties the review worklist. The role is the reviewer's at the time, kept if their role changes.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="reviewed_scans"
    )
    reviewer_role = models.CharField("reviewer's role", max_length=20, choices=ReviewerRole.choices, blank=True)
    # An oncologist's or spinal surgeon's review, recorded with their role; not the radiologist's review.
    clinician_reviewed_at = models.DateTimeField("clinician's review at", null=True, blank=True)
    clinician_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clinician_reviewed_scans",
        verbose_name="clinician who reviewed",
    )
    clinician_reviewer_role = models.CharField(
        "clinician reviewer's role", max_length=20, choices=ReviewerRole.choices, blank=True
    )
    # The first key of the urgency order: 0 when the case's presentation is suspected MSCC with neurology,
    # else 1 (mscc_rank_of). Written only by the database (triggers of migration 0030, on every insert or
    # update of a scan and every change of a case's presentation, whatever path writes them), so a scan
    # can never wait in the place of its case's old presentation; an instance's own value may be stale.
    mscc_rank = models.PositiveSmallIntegerField(default=OTHER_PRESENTATION_RANK, editable=False)
    # True when the death of the case's patient is recorded. Written only by the database (triggers of
    # migration 0035, on every insert of a scan or move to another case, every change of a patient's date
    # of death, every move of a case to another patient), like mscc_rank: so the scans waiting for review
    # (pending_review) and their indexes leave out the dead without a join, and the minute's reminder sweep
    # never reads the MRIs of the thousands of patients who died before they were reviewed.
    patient_died = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["mscc_rank", "patient_died"])  # the death is in the patient's
    objects = ScanQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        permissions = [("review_scan", "Can mark a scan reviewed (radiologist, oncologist, spinal surgeon)")]
        indexes = [
            # The scan changelist's default order (-requested_at, -id): a page without sorting the table.
            models.Index(fields=["-requested_at", "-id"], name="scan_requested_order_idx"),
            # A case's scans, newest first (case page, agenda, clocks).
            models.Index(fields=["case", "-requested_at"], name="scan_case_requested_idx"),
            # MRIs waiting for review, longest waiting first (Scan.objects.pending_review() ordered by
            # performed_at: the review reminders, the workspace's filters): only the pending rows are in it.
            # With the case: the sweep's "no review reminder yet" reads the index alone (an index-only scan,
            # no visit to the table for the thousands of MRIs already reminded of, every minute).
            models.Index(
                fields=["performed_at", "id", "case"],
                name="scan_pending_review_idx",
                condition=WAITING_FOR_REVIEW,
            ),
            # The review worklists, most urgent first (by_urgency: URGENCY_ORDER): a page is the first rows.
            models.Index(
                *URGENCY_ORDER,
                name="scan_urgency_idx",
                condition=WAITING_FOR_REVIEW,
            ),
            # MRIs reported since a time (the coordinator's agenda candidates: a new MRI report since the last
            # meeting, mdt.candidates): the few recent rows, not a read of every scan.
            models.Index(
                fields=["reported_at"],
                name="scan_mri_reported_idx",
                condition=Q(reported_at__isnull=False) & Q(modality__in=MRI_MODALITIES),
            ),
            # A case's first whole-spine MRI since its clock start (the clocks, the dashboard, the reports'
            # measures: cases.selectors.first_whole_spine_mri_at): the first row of a range, no sort.
            models.Index(
                fields=["case", "performed_at"],
                name="scan_case_whole_spine_idx",
                condition=Q(modality=Modality.MRI_WHOLE_SPINE, performed_at__isnull=False),
            ),
            # MRIs requested and not yet performed (the sweep's "MRI not performed" reminders): with the id,
            # so that "a requested MRI of this case with no reminder yet" reads the index alone.
            models.Index(
                fields=["case", "id"],
                name="scan_mri_not_performed_idx",
                condition=Q(performed_at__isnull=True) & Q(modality__in=MRI_MODALITIES),
            ),
        ]
        constraints = [
            # One scan per accession number and per study UID: a report from the feed names exactly one.
            models.UniqueConstraint(
                fields=["accession_number"],
                condition=~Q(accession_number=""),
                name="scan_accession_number_unique",
                violation_error_message="Another scan has this accession number.",
            ),
            models.UniqueConstraint(
                fields=["study_instance_uid"],
                condition=~Q(study_instance_uid=""),
                name="scan_study_uid_unique",
                violation_error_message="Another scan has this study instance UID.",
            ),
            models.CheckConstraint(
                condition=Q(performed_at__isnull=True) | Q(performed_at__gte=F("requested_at")),
                name="scan_performed_after_requested",
            ),
            models.CheckConstraint(
                condition=Q(reported_at__isnull=True)
                | Q(performed_at__isnull=False, reported_at__gte=F("performed_at")),
                name="scan_reported_after_performed",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True)
                | Q(performed_at__isnull=False, reviewed_at__gte=F("performed_at")),
                name="scan_reviewed_after_performed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_modality_display()} requested {timezone.localtime(self.requested_at):%d %b %Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every path (service, workspace, import, factories) records the reviewer's role at the time of
        # the review, so readiness never reads a role that changed since (HAZ-015).
        if self.reviewed_by_id and not self.reviewer_role:
            self.reviewer_role = reviewer_role_of(self.reviewed_by)
        super().save(*args, **kwargs)

    @property
    def is_mri(self) -> bool:
        return self.modality in MRI_MODALITIES

    @property
    def state(self) -> ScanState:
        if self.reviewed_at:
            return ScanState.REVIEWED
        if self.reported_at:
            return ScanState.REPORTED
        if self.performed_at:
            return ScanState.PERFORMED
        return ScanState.REQUESTED

    @property
    def images_url(self) -> str | None:
        """The PACS viewer's address for this study ("Open images"), when one is configured."""
        return pacs.viewer_url(accession=self.accession_number, study_uid=self.study_instance_uid)

    @property
    def escc_key(self) -> str:
        return ESCC_KEYS[self.escc_grade] if self.escc_grade is not None else ""

    @property
    def escc_high_grade(self) -> bool:
        """Grade 2 or 3: the cord compressed (docs/clinical-reference.md §4)."""
        return self.escc_grade is not None and self.escc_grade >= ESCC_HIGH_GRADE_MIN_ORDER

    def clean(self) -> None:
        errors: dict[str, str] = {}
        latest_allowed = timezone.now() + CLOCK_SKEW
        if self.requested_at and self.requested_at > latest_allowed:
            errors["requested_at"] = "A scan cannot be requested in the future."
        for field, label in (("performed_at", "performed"), ("reported_at", "reported"), ("reviewed_at", "reviewed")):
            value = getattr(self, field)
            if value and value > latest_allowed:
                errors[field] = f"A scan cannot be {label} in the future."
        if self.performed_at and self.requested_at and self.performed_at < self.requested_at:
            errors.setdefault("performed_at", "A scan cannot be performed before it was requested.")
        if self.reported_at and not self.performed_at:
            errors.setdefault("reported_at", "A scan cannot be reported before it has been performed.")
        elif self.reported_at and self.performed_at and self.reported_at < self.performed_at:
            errors.setdefault("reported_at", "A scan cannot be reported before it was performed.")
        if self.reviewed_at and not self.performed_at:
            errors.setdefault("reviewed_at", "A scan cannot be reviewed before it has been performed.")
        elif self.reviewed_at and self.performed_at and self.reviewed_at < self.performed_at:
            errors.setdefault("reviewed_at", "A scan cannot be reviewed before it was performed.")
        if self.reviewed_at and not self.reviewed_by_id:
            errors.setdefault("reviewed_by", "Name who reviewed the scan.")
        if self.reviewed_by_id and self.reviewed_at:
            self.reviewer_role = self.reviewer_role or reviewer_role_of(self.reviewed_by)
            if self.reviewer_role != ReviewerRole.RADIOLOGIST:
                errors.setdefault(
                    "reviewed_by",
                    "The MRI review here is a radiologist's: name a radiologist. An oncologist or spinal surgeon "
                    "records their own review from the case page.",
                )
        if self.reviewed_by_id and not self.reviewed_at:
            errors.setdefault("reviewed_at", "Give the time the scan was reviewed.")
        if self.escc_grade is not None and not self.performed_at:
            errors.setdefault("escc_grade", "An ESCC grade needs a performed scan.")
        if errors:
            raise ValidationError(errors)
