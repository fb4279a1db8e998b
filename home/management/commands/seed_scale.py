"""Synthetic regional-network data for the benchmarks: sizes S and L, deterministic, bulk inserts.

    manage.py seed_scale --size S   # 5,000 patients, ~50,000 scans, 10 meetings
    manage.py seed_scale --size L   # 100,000 patients, ~1,000,000 scans, 200 meetings of 20-60 cases

Everything a running service holds: a full team (every role), the clinical record with
scores and history (cases.scale), past meetings with attendance, decisions, sign-offs and
follow-ups, the next agenda with preparations (mdt.scale), and the reminders the sweep has
sent over time (reminders.scale). Meant for a database of its own (make bench does this);
refuses a database that already holds patients, and refuses with DEBUG off like seed_demo.
"""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from accounts import policy
from cases.models import Patient
from cases.scale import seed_record
from mdt import scale as mdt_scale
from reminders import scale as reminders_scale

SIZES = {"S": (5_000, 10), "L": (100_000, 200)}  # patients, past meetings


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
        members = mdt_scale.seed_team()
        scorers = [m.user_id for m in members if m.role in policy.SCAN_REVIEWER_ROLES]
        self.stdout.write(f"Seeding {patients:,} patients (about {patients * 10:,} scans)...")
        stats = seed_record(patients=patients, reviewer_ids=scorers, progress=self.stdout.write)
        self.stdout.write(f"Seeding {meetings} past meetings and the next one...")
        with transaction.atomic():
            items = mdt_scale.seed_meetings(meetings, members)
        self._analyse()
        self.stdout.write("Deriving and sending the reminders a running service has sent...")
        sent = reminders_scale.seed_sent_reminders()
        self._analyse()
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {time.monotonic() - started:.0f}s: {stats.patients:,} patients, {stats.cases:,} cases, "
                f"{stats.scans:,} scans ({stats.pending_review:,} MRI waiting for review), "
                f"{stats.assessments:,} assessments, {stats.deaths:,} deaths recorded, {items:,} agenda items, "
                f"{sent:,} reminders sent."
            )
        )

    def _analyse(self) -> None:
        if connection.vendor == "postgresql":
            # Fresh statistics: after a bulk load the planner otherwise guesses (and chose a parallel
            # sequential scan of a million scans for the agenda's sixty cases).
            self.stdout.write("Analysing the tables...")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
