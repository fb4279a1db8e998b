"""A demo spinal metastases service: team, patients, cases in every status, scans in every state.

Idempotent: users and patients are looked up by username and MRN and only
created when missing, so running it again changes nothing. Refuses to run with
DEBUG off, so it can never write demo rows into a live service.
"""

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import policy
from accounts.roles import assign_read_only, assign_role
from cases import scoring
from cases.assessment_forms import prefilled_components
from cases.choices import (
    AmbulatoryStatus,
    CaseStatus,
    EsccGrade,
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
from cases.validators import nhs_check_digit
from core.timezones import local_datetime, local_day
from mdt.candidates import agenda_candidates
from mdt.models import AgendaItem, Attendance, Decision, FollowUp, Intent, Meeting, Member, SignOff, Treatment
from mdt.services import agenda as mdt_services

DEMO_PASSWORD = "spine-demo-2026"  # noqa: S105 - demo only; the command refuses to run with DEBUG off
PATIENT_COUNT = 40


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    job_title: str


TEAM = [
    DemoUser("coordinator", "Carys", "Evans", Member.Role.MDT_COORDINATOR, "MDT coordinator"),
    DemoUser("mscc", "Priya", "Shah", Member.Role.MSCC_COORDINATOR, "MSCC coordinator (clinical nurse specialist)"),
    DemoUser("oncologist", "Oliver", "Grant", Member.Role.ONCOLOGIST, "Consultant clinical oncologist"),
    DemoUser("surgeon", "Sofia", "Marin", Member.Role.SPINAL_SURGEON, "Consultant spinal surgeon"),
    DemoUser("radiologist", "Rhys", "Okafor", Member.Role.RADIOLOGIST, "Consultant neuroradiologist"),
    DemoUser("palliative", "Hannah", "Liu", Member.Role.PALLIATIVE_CARE, "Palliative care consultant"),
    DemoUser("physio", "Tom", "Byrne", Member.Role.PHYSIOTHERAPIST, "Clinical specialist physiotherapist"),
    DemoUser("nurse", "Grace", "Adeyemi", Member.Role.NURSE_SPECIALIST, "Acute oncology nurse specialist"),
]

GIVEN = [
    "Alice",
    "Bashir",
    "Ceri",
    "David",
    "Elena",
    "Farah",
    "George",
    "Hywel",
    "Irene",
    "James",
    "Kiran",
    "Lowri",
    "Mohammed",
    "Nia",
    "Owen",
    "Patricia",
    "Rajesh",
    "Sian",
    "Terry",
    "Ursula",
    "Vikram",
    "Wendy",
]
FAMILY = [
    "Ahmed",
    "Bowen",
    "Clarke",
    "Davies",
    "Edwards",
    "Fischer",
    "Griffiths",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kowalski",
    "Lewis",
    "Morgan",
    "Nowak",
    "O'Brien",
    "Price",
    "Rees",
    "Smith",
    "Thomas",
    "Williams",
]
GPS = [
    ("Dr A. Pritchard", "Riverside Surgery", "12 Quay Street, Cardiff CF10 1AA"),
    ("Dr M. Begum", "Heath Medical Centre", "3 Heath Park Avenue, Cardiff CF14 4XW"),
    ("Dr J. Holt", "Valley Practice", "1 Station Road, Pontypridd CF37 1AB"),
]


def demo_nhs_number(rng: random.Random) -> str:
    """A valid NHS number in the 999 range, which the NHS never issues to real people."""
    while True:
        first_nine = "999" + "".join(str(rng.randrange(10)) for _ in range(6))
        check = nhs_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"


class Command(BaseCommand):
    help = "Create the demo service (team, about 40 patients, cases and scans). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo writes demo patients and users, so it only runs with DEBUG=1.")
        with transaction.atomic():
            created_users = self.seed_team()
            created_patients = self.seed_patients()
            created_meetings = self.seed_meetings()
        self.stdout.write(
            f"Demo service: {created_patients} patients created, {PATIENT_COUNT - created_patients} already there."
        )
        self.stdout.write(f"Demo meetings: {created_meetings} created.")
        if created_users:
            self.stdout.write(self.style.SUCCESS(f"Demo logins (password for every one: {DEMO_PASSWORD}):"))
            for username, role in created_users:
                self.stdout.write(f"  {username:<12} {role}")
        else:
            self.stdout.write("Demo logins already exist: see README.md (Demo logins).")

    def seed_team(self) -> list[tuple[str, str]]:
        User = get_user_model()
        created: list[tuple[str, str]] = []
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser(
                "admin", "admin@example.org", DEMO_PASSWORD, first_name="Site", last_name="Admin"
            )
            created.append(("admin", "Superuser (everything)"))
        for person in TEAM:
            user, was_created = User.objects.get_or_create(
                username=person.username,
                defaults={
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "email": f"{person.username}@example.org",
                },
            )
            if not was_created:
                continue
            assert isinstance(user, AbstractUser)
            user.set_password(DEMO_PASSWORD)
            user.save()
            Member.objects.create(user=user, role=person.role, job_title=person.job_title)
            assign_role(user, person.role)  # the role's groups: what each person may see and do
            created.append((person.username, Member.Role(person.role).label))
        auditor, was_created = User.objects.get_or_create(
            username="auditor",
            defaults={"first_name": "Ada", "last_name": "Morris", "email": "auditor@example.org"},
        )
        if was_created:
            assert isinstance(auditor, AbstractUser)
            auditor.set_password(DEMO_PASSWORD)
            auditor.save()
            assign_read_only(auditor)
            created.append(("auditor", "Read-only (audit and management)"))
        return created

    def seed_patients(self) -> int:
        rng = random.Random(2026)  # the same demo every time
        now = timezone.now()
        clinicians = list(get_user_model().objects.filter(member__role__in=policy.SCAN_REVIEWER_ROLES))
        reviewers = [u for u in clinicians if u.member.role == Member.Role.RADIOLOGIST] or clinicians
        sites = list(PrimarySite)
        statuses = list(CaseStatus)
        created = 0
        for number in range(1, PATIENT_COUNT + 1):
            # Draw every random value whether or not the patient exists, so reruns stay deterministic.
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            dob = dt.date(rng.randint(1936, 1985), rng.randint(1, 12), rng.randint(1, 28))
            nhs = demo_nhs_number(rng)
            gp = rng.choice(GPS)
            case_seed = rng.random()
            mrn = f"DEMO{number:04d}"
            if Patient.objects.filter(mrn=mrn).exists():
                continue
            site = sites[(number - 1) % len(sites)]
            patient = Patient.objects.create(
                mrn=mrn,
                nhs_number=nhs,
                given_name=given,
                family_name=family,
                date_of_birth=dob,
                sex={"breast": Sex.FEMALE, "prostate": Sex.MALE}.get(site, rng.choice([Sex.FEMALE, Sex.MALE])),
                primary_site=site,
                gp_name=gp[0],
                gp_practice=gp[1],
                gp_address=gp[2],
            )
            status = statuses[(number - 1) % len(statuses)]
            self.seed_case(patient, status, number, random.Random(case_seed), now, clinicians, reviewers)
            created += 1
        return created

    def seed_case(
        self,
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
        age_days = {
            "referred": 0.2,
            "imaging": 0.8,
            "awaiting_mdt": 3,
            "decided": 6,
            "treatment": 10,
            "follow_up": 30,
            "closed": 90,
        }[status] + rng.random()
        referred_at = now - dt.timedelta(days=age_days)
        level = rng.choice(["C5", "T4", "T7", "T9", "T11", "L1", "L3"])
        case = Case.objects.create(
            patient=patient,
            referred_at=referred_at,
            referrer=rng.choice(
                ["Acute oncology, UHW", "Emergency department, Royal Glamorgan", "GP", "Breast clinic"]
            ),
            presentation=presentation,
            red_flags=red_flags,
            suspected_diagnosis_at=referred_at - dt.timedelta(hours=rng.randint(1, 6)),
            frankel_grade=rng.choice(["C", "D"]) if neuro else FrankelGrade.E,
            ambulatory_status=rng.choice(list(AmbulatoryStatus)) if neuro else AmbulatoryStatus.WALKS_UNAIDED,
            ecog=rng.randint(0, 3),
            karnofsky=rng.choice([50, 60, 70, 80, 90]),
            spinal_levels=[level],
            status=status,
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
        self.seed_scans(case, status, variant, rng, referred_at, now, reviewers, level)
        self.seed_treatment(case, status, rng, now)
        if status not in (CaseStatus.REFERRED, CaseStatus.IMAGING) and clinicians:
            self.seed_scores(case, rng, rng.choice(clinicians), level)

    def seed_treatment(self, case: Case, status: str, rng: random.Random, now: dt.datetime) -> None:
        """Plan, decision and treatment times for cases past the MDT, so every NICE clock has examples."""
        if status not in (CaseStatus.DECIDED, CaseStatus.TREATMENT, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED):
            return
        decided = max(case.referred_at + dt.timedelta(days=2), now - dt.timedelta(hours=rng.randint(14, 30)))
        case.treatment_plan_agreed_at = case.decision_to_treat_at = decided
        case.treatment_modality = rng.choice(
            [TreatmentModality.RADIOTHERAPY, TreatmentModality.RADIOTHERAPY, TreatmentModality.SURGERY]
        )
        case.fit_for_surgery = rng.choice([True, True, False])
        if status != CaseStatus.DECIDED:
            case.treatment_start_at = min(decided + dt.timedelta(hours=rng.randint(6, 30)), now)
        case.full_clean()
        case.save()

    def seed_scores(self, case: Case, rng: random.Random, clinician: Any, level: str) -> None:
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
        self,
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
        stage = ["requested", "performed", "reported"][variant % 3] if status == CaseStatus.IMAGING else "reviewed"
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
            grade = rng.choice(list(EsccGrade))
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

    def seed_meetings(self) -> int:
        """Weekly Wednesday meetings: three past ones with outcomes and attendance, next week's with
        an agenda built from the candidate list, and the following weeks scheduled. Created once:
        nothing is added when any meeting exists."""
        if Meeting.objects.exists():
            return 0
        members = {m.role: m for m in Member.objects.select_related("user").order_by("id")}
        clinical = [m for m in members.values() if m.role in policy.CLINICAL_ROLES]
        today = timezone.localdate()
        last = today - dt.timedelta(days=(today.weekday() - 2) % 7 or 7)  # the last Wednesday before today
        upcoming = today + dt.timedelta(days=(2 - today.weekday()) % 7 or 7)  # the next Wednesday after today

        def meeting(day: dt.date, status: str) -> Meeting:
            starts = local_datetime(day, dt.time(13, 0))
            return Meeting.objects.create(
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                agenda_closes_at=local_datetime(day - dt.timedelta(days=2), dt.time(12)),
                location="Seminar room 2, Cancer Centre",
                video_link="https://video.example.org/spinal-mdt",
                chair=members.get(Member.Role.ONCOLOGIST),
                status=status,
            )

        discussed = [CaseStatus.DECIDED, CaseStatus.TREATMENT, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED]
        past_cases = list(Case.objects.filter(status__in=discussed).order_by("id"))
        created = 0
        for week, day in enumerate([last - dt.timedelta(days=14), last - dt.timedelta(days=7), last]):
            held = meeting(day, Meeting.Status.CONCLUDED)
            created += 1
            # Cases referred at least a day before the meeting, a different few each week.
            referred = [case for case in past_cases if case.referred_at < held.starts_at - dt.timedelta(days=1)]
            listed = referred[week::3][:4]
            for position, case in enumerate(listed, start=1):
                AgendaItem.objects.create(
                    meeting=held,
                    case=case,
                    position=position,
                    question=case.mdt_question,
                    presenter=clinical[position % len(clinical)] if clinical else None,
                    status=AgendaItem.Status.DISCUSSED,
                    source=AgendaItem.Source.AWAITING_MDT,
                )
            follow_ups = [c for c in referred if c.status == CaseStatus.FOLLOW_UP and c not in listed]
            carried = follow_ups[-1] if follow_ups else None
            if day == last and carried is not None:  # ran out of time: a candidate for next week
                AgendaItem.objects.create(
                    meeting=held,
                    case=carried,
                    position=9,
                    question=carried.mdt_question,
                    status=AgendaItem.Status.NOT_DISCUSSED,
                    source=AgendaItem.Source.AWAITING_MDT,
                )
            self.seed_decisions(held, members, last_meeting=day == last)
            for member in members.values():
                # The first meeting had no radiologist: the meetings list and its page flag it as not quorate.
                present = not (week == 0 and member.role == Member.Role.RADIOLOGIST)
                Attendance.objects.create(meeting=held, member=member, present=present)
        following = [meeting(upcoming + dt.timedelta(weeks=week), Meeting.Status.SCHEDULED) for week in range(4)]
        created += len(following)
        self.seed_next_agenda(following[0], members)
        return created

    def seed_decisions(self, held: Meeting, members: dict[str, Member], *, last_meeting: bool) -> None:
        """Decisions for a past meeting's discussed cases, as the MDT recorded and signed them.

        Written directly (not through the services) so that their times are the meeting's, not now.
        The last meeting's last decision still waits for the surgeon's signature, and one follow-up
        asks for re-discussion at next week's meeting.
        """
        oncologist, surgeon = members.get(Member.Role.ONCOLOGIST), members.get(Member.Role.SPINAL_SURGEON)
        if oncologist is None or surgeon is None:
            return
        items = list(held.items.filter(status=AgendaItem.Status.DISCUSSED).select_related("case").order_by("position"))
        by_modality: dict[str, list[Treatment]] = {
            TreatmentModality.RADIOTHERAPY: [Treatment.CEBRT, Treatment.STEROIDS, Treatment.ANALGESIA],
            TreatmentModality.SURGERY: [Treatment.STABILISATION, Treatment.CEBRT],
        }
        for index, item in enumerate(items):
            decided = held.starts_at + dt.timedelta(minutes=10 * (index + 1))
            treatments = by_modality.get(item.case.treatment_modality, [Treatment.BEST_SUPPORTIVE_CARE])
            decision = Decision.objects.create(
                case=item.case,
                agenda_item=item,
                treatments=treatments,
                intent=Intent.SUPPORTIVE if treatments == [Treatment.BEST_SUPPORTIVE_CARE] else Intent.PALLIATIVE,
                rationale="Discussed with the imaging and scores; plan agreed by the MDT.",
                patient_preferences_considered=True,
                patient_preferences_note="Wishes to stay as mobile as possible; happy to travel for radiotherapy.",
                decided_at=decided,
                recorded_by=oncologist.user,
            )
            pending = last_meeting and index == len(items) - 1
            for member in (oncologist, surgeon):
                waiting = pending and member is surgeon
                SignOff.objects.create(
                    decision=decision,
                    member=member,
                    response=SignOff.Response.PENDING if waiting else SignOff.Response.AGREE,
                    responded_at=None if waiting else decided + dt.timedelta(hours=2),
                )
            if not pending:
                decision.status = Decision.Status.SIGNED
                decision.save(update_fields=["status"])
            FollowUp.objects.create(
                case=item.case,
                decision=decision,
                kind=FollowUp.Kind.REPEAT_MRI,
                due_on=local_day(decided) + dt.timedelta(days=6 if index == 0 else 42),
                owner=oncologist,
                rediscuss=index == 0 and last_meeting,
            )

    def seed_next_agenda(self, meeting: Meeting, members: dict[str, Member]) -> None:
        """Next week's agenda as a coordinator builds it: every candidate, presenters, some preparation."""
        coordinator = members.get(Member.Role.MDT_COORDINATOR)
        candidates = agenda_candidates(meeting=meeting)
        if coordinator is None or not candidates:
            return
        mdt_services.agenda_add_cases(
            meeting_id=meeting.pk,
            case_ids=[candidate.case.pk for candidate in candidates],
            user=coordinator.user,
            late_reason="Demo agenda, built after the agenda closed." if meeting.agenda_is_closed() else "",
            sources={candidate.case.pk: candidate.source for candidate in candidates},
        )
        presenters = [members[role] for role in Member.QUORUM_ROLES if role in members]
        items = list(meeting.items.order_by("position"))
        for index, item in enumerate(items):
            if presenters:
                item.presenter = presenters[index % len(presenters)]
                item.save(update_fields=["presenter", "updated_at"])
        for role, count in ((Member.Role.ONCOLOGIST, 3), (Member.Role.SPINAL_SURGEON, 1)):
            if role in members:
                for item in items[:count]:
                    mdt_services.agenda_item_set_prepared(item_id=item.pk, user=members[role].user, prepared=True)
