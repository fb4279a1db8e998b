"""Synthetic regional-network data for the benchmarks: sizes S and L, deterministic, bulk inserts.

    manage.py seed_scale --size S   # 5,000 patients, ~50,000 scans, 10 meetings
    manage.py seed_scale --size L   # 100,000 patients, ~1,000,000 scans, 200 meetings of 20-60 cases

Meant for a database of its own (make bench does this); refuses a database that
already holds patients, and refuses with DEBUG off like seed_demo.
"""

import datetime as dt
import random
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from accounts.roles import assign_role
from cases.choices import CaseStatus
from cases.models import Case, Patient
from cases.scale import seed_record
from mdt.models import AgendaItem, Decision, Meeting, Member, SignOff, Treatment

SIZES = {"S": (5_000, 10), "L": (100_000, 200)}  # patients, past meetings
TEAM = [Member.Role.ONCOLOGIST, Member.Role.SPINAL_SURGEON, Member.Role.RADIOLOGIST, Member.Role.MDT_COORDINATOR]


class Command(BaseCommand):
    help = "Seed benchmark data (size S or L, or --patients N) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), help="S: 5,000 patients; L: 100,000 patients")
        parser.add_argument("--patients", type=int, help="any other number of patients")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_scale writes synthetic patients, so it only runs with DEBUG=1.")
        if options["size"]:
            patients, meetings = SIZES[options["size"]]
        elif options["patients"]:
            patients, meetings = options["patients"], max(2, options["patients"] // 500)
        else:
            raise CommandError("Give --size S, --size L or --patients N.")
        if Patient.objects.exists():
            raise CommandError("This database already has patients: seed_scale needs an empty one (see make bench).")
        started = time.monotonic()
        members = self.seed_team()
        reviewers = [m.user_id for m in members.values() if m.role == Member.Role.RADIOLOGIST]
        self.stdout.write(f"Seeding {patients:,} patients (about {patients * 10:,} scans)...")
        stats = seed_record(patients=patients, reviewer_ids=reviewers, progress=self.stdout.write)
        self.stdout.write(f"Seeding {meetings} past meetings and the next one...")
        items = self.seed_meetings(meetings, members)
        if connection.vendor == "postgresql":
            # Fresh statistics: after a bulk load the planner otherwise guesses (and chose a parallel
            # sequential scan of a million scans for the agenda's sixty cases).
            self.stdout.write("Analysing the tables...")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {time.monotonic() - started:.0f}s: {stats.patients:,} patients, {stats.cases:,} cases, "
                f"{stats.scans:,} scans ({stats.pending_review:,} MRI waiting for review), {items:,} agenda items."
            )
        )

    def seed_team(self) -> dict[str, Member]:
        User = get_user_model()
        members: dict[str, Member] = {}
        for role in TEAM:
            user = User.objects.create_user(username=f"bench-{role}", password="bench-only-password-2026")  # noqa: S106 - benchmark users
            members[role] = Member.objects.create(user=user, role=role)
            assign_role(user, role)
        return members

    @transaction.atomic
    def seed_meetings(self, count: int, members: dict[str, Member]) -> int:
        rng = random.Random(2026)
        now = timezone.now()
        oncologist, surgeon = members[Member.Role.ONCOLOGIST], members[Member.Role.SPINAL_SURGEON]
        recorder = members[Member.Role.MDT_COORDINATOR].user
        case_ids = list(Case.objects.order_by("id").values_list("id", flat=True))
        meetings = []
        for week in range(count, 0, -1):
            starts = now - dt.timedelta(weeks=week)
            meetings.append(
                Meeting(
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=2),
                    agenda_closes_at=starts - dt.timedelta(days=2),
                    status=Meeting.Status.CONCLUDED,
                )
            )
        upcoming = now + dt.timedelta(days=3)
        meetings.append(
            Meeting(starts_at=upcoming, ends_at=upcoming + dt.timedelta(hours=2), agenda_closes_at=upcoming)
        )
        Meeting.objects.bulk_create(meetings)
        items: list[AgendaItem] = []
        for meeting in meetings:
            size = 60 if meeting is meetings[-1] else rng.randint(20, 60)  # the agenda benchmark's 60 cases
            status = AgendaItem.Status.LISTED if meeting is meetings[-1] else AgendaItem.Status.DISCUSSED
            for position, case_id in enumerate(rng.sample(case_ids, size), start=1):
                items.append(AgendaItem(meeting=meeting, case_id=case_id, position=position, status=status))
        AgendaItem.objects.bulk_create(items, batch_size=2000)
        decisions = [
            Decision(
                case_id=item.case_id,
                agenda_item=item,
                treatments=[rng.choice([Treatment.CEBRT, Treatment.SBRT, Treatment.STABILISATION])],
                intent="palliative",
                rationale="Synthetic decision.",
                patient_preferences_considered=True,
                decided_at=item.meeting.starts_at,
                recorded_by=recorder,
                status=Decision.Status.SIGNED,
            )
            for item in items
            if item.status == AgendaItem.Status.DISCUSSED
        ]
        Decision.objects.bulk_create(decisions, batch_size=2000)
        SignOff.objects.bulk_create(
            [
                SignOff(decision=decision, member=member, response=SignOff.Response.AGREE, responded_at=now)
                for decision in decisions
                for member in (oncologist, surgeon)
            ],
            batch_size=2000,
        )
        listed = [item.case_id for item in items if item.status == AgendaItem.Status.LISTED]
        Case.objects.filter(pk__in=listed).update(status=CaseStatus.AWAITING_MDT)
        return len(items)
