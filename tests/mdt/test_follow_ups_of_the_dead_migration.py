"""The upgrade that makes deaths cancel follow-ups cancels those left open by deaths recorded before it."""

import datetime as dt
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from cases.models import Patient
from tests.factories import CaseFactory, clinician_user, follow_up

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-009")]
upgrade = import_module("mdt.migrations.0014_follow_ups_of_the_dead_cancelled")


def test_the_upgrade_cancels_the_open_follow_ups_of_patients_already_recorded_dead():
    owner = clinician_user("onc")
    case = CaseFactory()
    owed = follow_up(owner, timezone.localdate() - dt.timedelta(days=3), case=case)
    living = follow_up(owner, timezone.localdate() - dt.timedelta(days=3))
    died_on = timezone.localdate() - dt.timedelta(days=30)
    Patient.objects.filter(pk=case.patient_id).update(died_on=died_on)  # recorded before this release

    # The models as the migration sees them (no history signals: the migration writes its own row).
    state = MigrationLoader(connection).project_state(("mdt", "0014_follow_ups_of_the_dead_cancelled"))
    upgrade.cancel_follow_ups_of_the_dead(state.apps, None)

    owed.refresh_from_db()
    living.refresh_from_db()
    assert owed.cancelled_at is not None
    assert owed.cancel_reason == f"The patient's death was recorded (died {died_on:%d %b %Y})."
    assert owed.history.count() == 2  # created, then cancelled by the upgrade
    latest = owed.history.latest()
    assert (latest.history_type, latest.history_user, latest.cancelled_at) == ("~", None, owed.cancelled_at)
    assert latest.history_change_reason == upgrade.REASON
    assert living.cancelled_at is None
