"""The open cases in referral order (mdt.unlisted: open cases on no agenda for too long, longest-waiting
first; HAZ-028). Partial, on the open cases only, so the list's walk from the oldest referral skips the
years of closed cases without reading them; its condition is spelled as CaseQuerySet.open() spells it, so
the planner can prove the query implies it. Plain CREATE INDEX on the open cases of 100,000 patients takes
well under a second."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0038_patient_birth_date_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('status', 'closed'), _negated=True), fields=['referred_at', 'id'], name='case_open_referred_idx'),
        ),
    ]
