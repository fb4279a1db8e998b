"""A demo spinal metastases service: team, patients, cases in every status, scans in every state.

The demo itself is made in mdt.demo (people, record, meetings); this command runs it in one transaction.

Idempotent: users and patients are looked up by username and MRN and only
created when missing, so running it again changes nothing. Refuses to run with
DEBUG off, so it can never write demo rows into a live service.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.demo import run_seeders
from mdt.demo.meetings import seed_meetings
from mdt.demo.people import DEMO_PASSWORD, seed_team
from mdt.demo.record import PATIENT_COUNT, seed_patients


class Command(BaseCommand):
    help = "Create the demo service (team, about 40 patients, cases and scans). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo writes demo patients and users, so it only runs with DEBUG=1.")
        with transaction.atomic():
            created_users = seed_team()
            created_patients = seed_patients()
            created_meetings = seed_meetings()
            # Apps above mdt (the referrals front door) add theirs: core.demo.
            created_users += run_seeders(DEMO_PASSWORD)
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
