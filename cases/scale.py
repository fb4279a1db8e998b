"""Synthetic clinical records at regional-network size, for benchmarks (issue: fast at any size).

Deterministic (a seeded random generator), written with bulk inserts in chunks so
memory stays flat. Everything a running service has for a patient is written: cases
with their pathway times (plan, decision to treat, treatment start) as their status
implies, scans, scored assessments (SINS and revised Tokuhashi) and the creation row
of each in the history tables, so timelines, scores and the reports' measures all
work on realistic data. Deaths are recorded too (DIED_SHARE below), as the death service leaves
them, so every "about a living patient" filter reads a realistic share of the dead.
"""

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cases import scoring
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
from cases.models.assessments import ScoreKind
from cases.validators import nhs_check_digit

SCANS_PER_PATIENT = 10
CHUNK = 2_000  # patients per transaction
PENDING_REVIEW_SHARE = 0.01  # about 1% of scans performed and waiting for review
SCORED_SHARE = 0.4  # cases with a SINS and a revised Tokuhashi score
DECIDED = {CaseStatus.DECIDED, CaseStatus.TREATMENT, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED}
TREATED = {CaseStatus.TREATMENT, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED}
# Of the patients whose episodes are all closed, the share whose death is recorded, on a day after
# their last referral. A shape for the load (the dead about half the record, so the filters on
# living patients read many of them at size L), not a clinical figure. Drawn from a generator of its
# own, so the rest of the record is the same as without it.
DIED_SHARE = 0.5

GIVEN = ["Alice", "Bashir", "Ceri", "David", "Elena", "Farah", "George", "Hywel", "Irene", "James", "Kiran", "Lowri"]
FAMILY = ["Ahmed", "Bowen", "Clarke", "Davies", "Edwards", "Fischer", "Griffiths", "Hughes", "Iqbal", "Jones",
          "Kowalski", "Lewis", "Morgan", "Nowak", "O'Brien", "Price", "Rees", "Smith", "Thomas"]  # fmt: skip
# Weighted towards closed episodes, as in a service that has run for years.
STATUS_WEIGHTS = [(CaseStatus.CLOSED, 70), (CaseStatus.FOLLOW_UP, 12), (CaseStatus.TREATMENT, 5),
                  (CaseStatus.DECIDED, 4), (CaseStatus.AWAITING_MDT, 4), (CaseStatus.IMAGING, 3),
                  (CaseStatus.REFERRED, 2)]  # fmt: skip


@dataclass
class RecordStats:
    patients: int = 0
    cases: int = 0
    scans: int = 0
    pending_review: int = 0
    assessments: int = 0
    deaths: int = 0


def scale_nhs_number(index: int) -> str:
    """A valid NHS number unique to index, in the never-issued 999 range (ten candidates per index)."""
    for candidate in range(index * 10, index * 10 + 10):
        first_nine = f"999{candidate:06d}"[-9:] if candidate < 10**6 else f"9{candidate:08d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"
    raise ValueError(f"no valid NHS number for index {index}")  # cannot happen: 1 in 11 prefixes fail


def seed_record(
    *,
    patients: int,
    reviewer_ids: list[int],
    seed: int = 2026,
    progress: Callable[[str], None] = print,
    now: dt.datetime | None = None,
) -> RecordStats:
    rng = random.Random(seed)
    deaths_rng = random.Random(seed + 1)
    now = now or timezone.now()
    stats = RecordStats()
    statuses: list[str] = [status for status, weight in STATUS_WEIGHTS for _ in range(weight)]
    started = time.monotonic()
    for first in range(0, patients, CHUNK):
        last = min(first + CHUNK, patients)
        with transaction.atomic():
            _chunk(first, last, rng, now, statuses, reviewer_ids, stats, deaths_rng)
        elapsed = time.monotonic() - started
        progress(
            f"  patients {last:,}/{patients:,} ({100 * last // patients}%) · {stats.scans:,} scans · {elapsed:.0f}s"
        )
    return stats


def _synthetic_case(patient: Patient, rng: random.Random, now: dt.datetime, statuses: list[str]) -> Case:
    """A case referred up to five years ago; those older than 60 days are closed."""
    referred = now - dt.timedelta(days=rng.uniform(0.1, 5 * 365))
    status = rng.choice(statuses) if referred > now - dt.timedelta(days=60) else CaseStatus.CLOSED
    neuro = rng.random() < 0.35
    return Case(
        patient=patient,
        referred_at=referred,
        presentation=Presentation.SUSPECTED_MSCC if neuro else Presentation.SUSPECTED_METASTASES,
        red_flags=[rng.choice(PainRedFlag.values)] + ([rng.choice(NeuroRedFlag.values)] if neuro else []),
        suspected_diagnosis_at=referred - dt.timedelta(hours=rng.randint(1, 12)),
        frankel_grade=rng.choice("CD") if neuro else FrankelGrade.E,
        ambulatory_status=rng.choice(list(AmbulatoryStatus)),
        ecog=rng.randint(0, 4),
        karnofsky=rng.choice(range(30, 101, 10)),
        spinal_levels=[rng.choice(["C5", "T4", "T7", "T9", "T11", "L1", "L3"])],
        status=status,
        closed_reason=ClosedReason.COMPLETED if status == CaseStatus.CLOSED else "",
    )


def _chunk(
    first: int,
    last: int,
    rng: random.Random,
    now: dt.datetime,
    statuses: list[str],
    reviewer_ids: list[int],
    stats: RecordStats,
    deaths_rng: random.Random,
) -> None:
    sites = list(PrimarySite)
    new_patients = [
        Patient(
            mrn=f"SC{index:07d}",
            nhs_number=scale_nhs_number(index),
            given_name=rng.choice(GIVEN),
            family_name=rng.choice(FAMILY),
            date_of_birth=dt.date(rng.randint(1930, 1990), rng.randint(1, 12), rng.randint(1, 28)),
            sex=rng.choice([Sex.FEMALE, Sex.MALE]),
            primary_site=rng.choice(sites),
        )
        for index in range(first, last)
    ]
    new_cases = []
    for patient in new_patients:
        for _ in range(1 if rng.random() < 0.8 else 2):
            new_cases.append(_synthetic_case(patient, rng, now, statuses))
            _pathway(new_cases[-1], rng, now)
    stats.deaths += _deaths(new_patients, new_cases, deaths_rng, now)
    bulk_create_with_history(new_patients, Patient, batch_size=1000)
    for case in new_cases:
        case.patient = case.patient  # the patient's id, now that it is saved
    bulk_create_with_history(new_cases, Case, batch_size=1000)
    new_scans = []
    per_case = max(1, SCANS_PER_PATIENT * len(new_patients) // len(new_cases))
    for case in new_cases:
        for number in range(per_case):
            requested = case.referred_at + dt.timedelta(days=30 * number, hours=1)
            if requested > now:
                requested = now - dt.timedelta(hours=rng.randint(1, 48))
            scan = Scan(case=case, modality=rng.choice(list(Modality)), requested_at=requested)
            performed = requested + dt.timedelta(hours=rng.randint(2, 30))
            if performed < now:
                scan.performed_at = performed
                scan.reported_at = min(performed + dt.timedelta(hours=rng.randint(1, 12)), now)
                scan.escc_grade = rng.choice(list(EsccGradeChoice))
                scan.report = "Synthetic report."
                if rng.random() >= PENDING_REVIEW_SHARE and reviewer_ids:
                    scan.reviewed_at = scan.reported_at
                    scan.reviewed_by_id = rng.choice(reviewer_ids)
                elif scan.modality in (Modality.MRI_WHOLE_SPINE, Modality.MRI_TARGETED):
                    stats.pending_review += 1
            new_scans.append(scan)
    bulk_create_with_history(new_scans, Scan, batch_size=2000)
    assessments = _assessments(new_cases, new_scans, rng, reviewer_ids)
    bulk_create_with_history(assessments, Assessment, batch_size=2000)
    stats.assessments += len(assessments)
    stats.patients += len(new_patients)
    stats.cases += len(new_cases)
    stats.scans += len(new_scans)


def _deaths(patients: list[Patient], cases: list[Case], rng: random.Random, now: dt.datetime) -> int:
    """Record the death of DIED_SHARE of the patients whose episodes are all closed, on a day between
    two weeks and two years after their last referral (never today or later). Returns how many."""
    last_referral: dict[int, dt.datetime] = {}
    open_episode: set[int] = set()
    for case in cases:
        key = id(case.patient)
        last_referral[key] = max(last_referral.get(key, case.referred_at), case.referred_at)
        if case.status != CaseStatus.CLOSED:
            open_episode.add(key)
    today = timezone.localdate(now)
    recorded = 0
    for patient in patients:
        key = id(patient)
        if key in open_episode or rng.random() >= DIED_SHARE:
            continue
        died_on = timezone.localdate(last_referral[key] + dt.timedelta(days=rng.uniform(14, 730)))
        if died_on < today:
            patient.died_on = died_on
            recorded += 1
    return recorded


def _pathway(case: Case, rng: random.Random, now: dt.datetime) -> None:
    """The pathway times a case of this status has: plan agreed and decision to treat, then treatment."""
    if case.status not in DECIDED:
        return
    decided = min(case.referred_at + dt.timedelta(days=rng.uniform(1, 10)), now - dt.timedelta(hours=2))
    case.treatment_plan_agreed_at = decided
    case.decision_to_treat_at = decided
    case.treatment_modality = rng.choice(list(TreatmentModality))
    if case.status in TREATED:
        case.treatment_start_at = min(decided + dt.timedelta(hours=rng.randint(4, 72)), now)


def _assessments(cases: list[Case], scans: list[Scan], rng: random.Random, scorer_ids: list[int]) -> list[Assessment]:
    """A SINS at the case's first level and a revised Tokuhashi for a share of cases, scored by the tables."""
    if not scorer_ids:
        return []
    mri_by_case: dict[int, Scan] = {}
    for scan in scans:
        if scan.performed_at is not None and scan.modality in (Modality.MRI_WHOLE_SPINE, Modality.MRI_TARGETED):
            mri_by_case.setdefault(scan.case_id, scan)
    rows = []
    for case in cases:
        mri = mri_by_case.get(case.pk)
        if mri is None or mri.performed_at is None or rng.random() >= SCORED_SHARE:
            continue
        level = case.spinal_levels[0]
        for kind, definition, at in (
            (ScoreKind.SINS, scoring.SINS, level),
            (ScoreKind.TOKUHASHI, scoring.TOKUHASHI_REVISED, ""),
        ):
            components = {key: rng.choice(list(options)) for key, options in definition.components.items()}
            if kind == ScoreKind.SINS:
                components["location"] = scoring.sins_location_for_level(level) or components["location"]
            result = scoring.calculate(definition.version, components)
            rows.append(
                Assessment(
                    case=case,
                    kind=kind,
                    version=definition.version,
                    level=at,
                    components=components,
                    total=result.total,
                    band=result.band or "",
                    complete=result.complete,
                    scan=mri,
                    assessed_by_id=rng.choice(scorer_ids),
                    assessed_at=mri.performed_at,
                )
            )
    return rows
