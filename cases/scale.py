"""Synthetic clinical records at regional-network size, for benchmarks (issue: fast at any size).

Deterministic (a seeded random generator), written with bulk inserts in chunks so
memory stays flat: size L (100,000 patients, about 1,000,000 scans) builds in
minutes on two cores. History rows are not written for synthetic data.
"""

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cases.choices import (
    AmbulatoryStatus,
    CaseStatus,
    EsccGradeChoice,
    FrankelGrade,
    Modality,
    NeuroRedFlag,
    PainRedFlag,
    Presentation,
    PrimarySite,
    Sex,
)
from cases.models import Case, Patient, Scan
from cases.validators import nhs_check_digit

SCANS_PER_PATIENT = 10
CHUNK = 2_000  # patients per transaction
PENDING_REVIEW_SHARE = 0.01  # about 1% of scans performed and waiting for review

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
    now = now or timezone.now()
    stats = RecordStats()
    statuses: list[str] = [status for status, weight in STATUS_WEIGHTS for _ in range(weight)]
    started = time.monotonic()
    for first in range(0, patients, CHUNK):
        last = min(first + CHUNK, patients)
        with transaction.atomic():
            _chunk(first, last, rng, now, statuses, reviewer_ids, stats)
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
    )


def _chunk(
    first: int,
    last: int,
    rng: random.Random,
    now: dt.datetime,
    statuses: list[str],
    reviewer_ids: list[int],
    stats: RecordStats,
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
    Patient.objects.bulk_create(new_patients, batch_size=1000)
    new_cases = []
    for patient in new_patients:
        for _ in range(1 if rng.random() < 0.8 else 2):
            new_cases.append(_synthetic_case(patient, rng, now, statuses))
    Case.objects.bulk_create(new_cases, batch_size=1000)
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
    Scan.objects.bulk_create(new_scans, batch_size=2000)
    stats.patients += len(new_patients)
    stats.cases += len(new_cases)
    stats.scans += len(new_scans)
