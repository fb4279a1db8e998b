"""Follow-ups left open for patients whose death was recorded before a death cancelled them (HAZ-009).

Since this release recording a death cancels the patient's open follow-ups (mdt.receivers). Deaths
recorded earlier left theirs open: each is cancelled here with the same reason as
mdt.services.follow_ups.death_reason gives (written out: a migration does not import the code it
runs before), and a history row
says it was done by this upgrade (no user).
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

REASON = "Cancelled on upgrade: the patient's death was already recorded"  # history_change_reason: 100 at most


def cancel_follow_ups_of_the_dead(apps, schema_editor):
    FollowUp = apps.get_model("mdt", "FollowUp")
    HistoricalFollowUp = apps.get_model("mdt", "HistoricalFollowUp")
    now = timezone.now()
    open_of_the_dead = FollowUp.objects.filter(
        completed_at__isnull=True, cancelled_at__isnull=True, case__patient__died_on__isnull=False
    ).select_related("case__patient")
    history = []
    for follow_up in open_of_the_dead:
        died_on: dt.date = follow_up.case.patient.died_on
        follow_up.cancelled_at = now
        follow_up.cancel_reason = f"The patient's death was recorded (died {died_on:%d %b %Y})."
        follow_up.save(update_fields=["cancelled_at", "cancel_reason"])
        fields = {f.attname: getattr(follow_up, f.attname) for f in FollowUp._meta.concrete_fields}
        history.append(
            HistoricalFollowUp(
                **fields,
                history_date=now,
                history_type="~",
                history_change_reason=REASON,
            )
        )
    HistoricalFollowUp.objects.bulk_create(history, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("mdt", "0013_agenda_item_listed_index"),
        ("cases", "0034_scan_indexes_read_alone"),
    ]

    operations = [migrations.RunPython(cancel_follow_ups_of_the_dead, migrations.RunPython.noop)]
