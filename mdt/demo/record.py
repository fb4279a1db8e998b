"""The demo clinical record: patients across every primary site, cases in every status, scans in every
state, scores and treatment times, drawn from a fixed seed so that every run makes the same demo."""

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts import policy
from cases import scoring
from cases.assessment_forms import prefilled_components
from cases.choices import (
    AmbulatoryStatus,
    CaseStatus,
    ClosedReason,
    EsccGradeChoice,
    FrankelGrade,
    Modality,
    NeuroRedFlag,
    PainRedFlag,
    Presentation,
    PrimarySite,
    Sex,
    TreatmentModality,
)
from cases.models import Assessment, Case, Patient, Scan
from cases.models.assessments import CURRENT_VERSION, ScoreKind, apply_result
from mdt.demo.people import ACUTE_REFERRERS, FAMILY, GIVEN, GPS, SITE_REFERRERS, demo_nhs_number
from mdt.models import Member

PATIENT_COUNT = 40
REFERRAL_AGE_HOURS: dict[str, tuple[float, float]] = {
    CaseStatus.REFERRED: (3, 16),
    CaseStatus.IMAGING: (10, 24),
    CaseStatus.AWAITING_MDT: (2 * 24, 6.5 * 24),
    CaseStatus.DECIDED: (4 * 24, 6 * 24),
    CaseStatus.TREATMENT: (8 * 24, 12 * 24),
    CaseStatus.FOLLOW_UP: (30 * 24, 40 * 24),
    CaseStatus.CLOSED: (90 * 24, 100 * 24),
}


def seed_patients() -> int:
    rng = random.Random(2026)  # the same demo every time
    now = timezone.now()
    clinicians = list(get_user_model().objects.filter(member__role__in=policy.SCAN_REVIEWER_ROLES))
    reviewers = [u for u in clinicians if u.member.role == Member.Role.RADIOLOGIST] or clinicians
    sites = list(PrimarySite)
    statuses = list(CaseStatus)
    created = 0
    for number in range(1, PATIENT_COUNT + 1):
        # Draw every random value whether or not the patient exists, so reruns stay deterministic.
        site = sites[(number - 1) % len(sites)]
        drawn_sex = rng.choice([Sex.FEMALE, Sex.MALE])
        sex = {"breast": Sex.FEMALE, "prostate": Sex.MALE}.get(site, drawn_sex)
        given, family = rng.choice(GIVEN[sex]), rng.choice(FAMILY)
        dob = dt.date(rng.randint(1936, 1985), rng.randint(1, 12), rng.randint(1, 28))
        nhs = demo_nhs_number(rng)
        gp = rng.choice(GPS)
        case_seed = rng.random()
        mrn = f"DEMO{number:04d}"
        if Patient.objects.filter(mrn=mrn).exists():
            continue
        patient = Patient.objects.create(
            mrn=mrn,
            nhs_number=nhs,
            given_name=given,
            family_name=family,
            date_of_birth=dob,
            sex=sex,
            primary_site=site,
            gp_name=gp[0],
            gp_practice=gp[1],
            gp_address=gp[2],
        )
        status = statuses[(number - 1) % len(statuses)]
        seed_case(patient, status, number, random.Random(case_seed), now, clinicians, reviewers)
        created += 1
    return created


def seed_case(
    patient: Patient,
    status: str,
    variant: int,
    rng: random.Random,
    now: dt.datetime,
    clinicians: list[Any],
    reviewers: list[Any],
) -> None:
    presentation = rng.choice(list(Presentation))
    neuro = presentation == Presentation.SUSPECTED_MSCC
    red_flags = rng.sample(list(PainRedFlag.values), rng.randint(1, 3))
    if neuro:
        red_flags += rng.sample(list(NeuroRedFlag.values), rng.randint(1, 3))
    # How long ago each stage was referred, as a service that mostly keeps its clocks sees it: referred in
    # the last hours, imaging within the day (a few MRI clocks at risk or past), awaiting the MDT for days.
    low, high = REFERRAL_AGE_HOURS[status]
    referred_at = now - dt.timedelta(hours=rng.uniform(low, high))
    level = rng.choice(["C5", "T4", "T7", "T9", "T11", "L1", "L3"])
    case = Case.objects.create(
        patient=patient,
        referred_at=referred_at,
        referrer=rng.choice([*ACUTE_REFERRERS, SITE_REFERRERS[patient.primary_site]]),
        presentation=presentation,
        red_flags=red_flags,
        suspected_diagnosis_at=referred_at - dt.timedelta(hours=rng.randint(1, 6)),
        frankel_grade=rng.choice(["C", "D"]) if neuro else FrankelGrade.E,
        ambulatory_status=rng.choice(list(AmbulatoryStatus)) if neuro else AmbulatoryStatus.WALKS_UNAIDED,
        ecog=rng.randint(0, 3),
        karnofsky=rng.choice([50, 60, 70, 80, 90]),
        spinal_levels=[level],
        status=status,
        closed_reason=ClosedReason.COMPLETED if status == CaseStatus.CLOSED else "",
        mdt_question=rng.choice(
            [
                "Is surgical stabilisation indicated before radiotherapy?",
                "Radiotherapy alone, or separation surgery then SBRT?",
                "Suitable for vertebroplasty?",
                "Please review the MRI and advise on the treatment plan.",
            ]
        )
        if status != CaseStatus.REFERRED
        else "",
        responsible_clinician=rng.choice(clinicians) if clinicians else None,
    )
    seed_scans(case, status, variant, rng, referred_at, now, reviewers, level)
    seed_treatment(case, status, rng, now, variant)
    if status not in (CaseStatus.REFERRED, CaseStatus.IMAGING) and clinicians:
        seed_scores(case, rng, rng.choice(clinicians), level)


def seed_treatment(case: Case, status: str, rng: random.Random, now: dt.datetime, variant: int = 0) -> None:
    """Plan, decision and treatment times for cases past the MDT, so every NICE clock has examples."""
    if status not in (CaseStatus.DECIDED, CaseStatus.TREATMENT, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED):
        return
    # A decided case was decided in the last hours (its radiotherapy clock running, some at risk); the
    # others two to five days after referral, and treated within the day, now and then late.
    if status == CaseStatus.DECIDED:  # every third one close to its 24-hour target: at risk on the dashboard
        decided = now - dt.timedelta(hours=rng.uniform(19, 23) if variant % 3 == 0 else rng.uniform(3, 17))
    else:  # now and then, long after the referral: the audit's one-week measure has breaches to show
        late_plan = status in (CaseStatus.FOLLOW_UP, CaseStatus.CLOSED) and variant % 4 == 3
        decided = case.referred_at + dt.timedelta(days=rng.uniform(8, 10) if late_plan else rng.uniform(2, 5))
    case.treatment_plan_agreed_at = case.decision_to_treat_at = decided
    case.treatment_modality = rng.choice(
        [TreatmentModality.RADIOTHERAPY, TreatmentModality.RADIOTHERAPY, TreatmentModality.SURGERY]
    )
    case.fit_for_surgery = rng.choice([True, True, False])
    if status != CaseStatus.DECIDED:
        late = rng.random() < 0.15
        hours = rng.uniform(26, 40) if late else rng.uniform(3, 20)
        case.treatment_start_at = min(decided + dt.timedelta(hours=hours), now)
    case.full_clean()
    case.save()


def seed_scores(case: Case, rng: random.Random, clinician: Any, level: str) -> None:
    """SINS at the lesion level, revised Tokuhashi and Tomita, as a clinician would record them."""
    scan = case.scans.filter(performed_at__isnull=False).order_by("performed_at").first()
    at = max(
        case.referred_at + dt.timedelta(hours=4),
        scan.performed_at if scan and scan.performed_at else timezone.now(),
    )
    at = min(at, timezone.now())
    for kind, version in CURRENT_VERSION.items():
        definition = scoring.SCORES[version]
        components = {name: rng.choice(list(options)) for name, options in definition.components.items()}
        # What the record already knows wins over chance, as on the clinicians' form.
        components.update(prefilled_components(kind, case, level)[0])
        assessment = Assessment(
            case=case,
            kind=kind,
            version=version,
            level=level if kind == ScoreKind.SINS else "",
            components=components,
            scan=scan,
            assessed_by=clinician,
            assessed_at=at,
        )
        apply_result(assessment)
        assessment.full_clean()
        assessment.save()


def seed_scans(
    case: Case,
    status: str,
    variant: int,
    rng: random.Random,
    referred_at: dt.datetime,
    now: dt.datetime,
    reviewers: list[Any],
    level: str,
) -> None:
    requested = referred_at + dt.timedelta(minutes=30)
    if status == CaseStatus.REFERRED:
        return
    # The scan's progress follows the case: imaging cases are still waiting somewhere along the way.
    # Cycling on the patient number puts at least one scan in every state.
    # (A reported MRI moves a case on to awaiting the MDT, cases.status: an imaging case's MRI is not reported.)
    stage = ["requested", "performed"][variant % 2] if status == CaseStatus.IMAGING else "reviewed"
    if status == CaseStatus.AWAITING_MDT:
        stage = ["reported", "reviewed"][variant % 2]
    scan = Scan(case=case, modality=Modality.MRI_WHOLE_SPINE, requested_at=requested)
    if stage == "requested":
        scan.full_clean()
        scan.save()
        return
    performed = min(requested + dt.timedelta(hours=rng.randint(2, 14)), now - dt.timedelta(minutes=20))
    scan.performed_at = performed
    if stage in ("reported", "reviewed"):
        reported = min(performed + dt.timedelta(hours=rng.randint(1, 5)), now - dt.timedelta(minutes=10))
        grade = rng.choice(list(EsccGradeChoice))
        scan.reported_at, scan.escc_grade, scan.escc_level = reported, grade, level
        scan.report = (
            f"Whole-spine MRI. Metastatic deposit at {level} with ESCC grade {grade.label}. "
            "Further deposits in the lumbar spine without compression. No other cord compression."
        )
        if stage == "reviewed" and reviewers:
            scan.reviewed_at = min(reported + dt.timedelta(hours=rng.randint(1, 8)), now)
            scan.reviewed_by = rng.choice(reviewers)
    scan.full_clean()
    scan.save()
    if status in (CaseStatus.FOLLOW_UP, CaseStatus.CLOSED):
        # A post-treatment scan: some performed and waiting for review, others only requested.
        follow = Scan(
            case=case,
            modality=rng.choice([Modality.MRI_TARGETED, Modality.CT]),
            requested_at=now - dt.timedelta(days=2),
        )
        if rng.random() < 0.6:
            follow.performed_at = now - dt.timedelta(hours=rng.randint(2, 40))
        follow.full_clean()
        follow.save()
