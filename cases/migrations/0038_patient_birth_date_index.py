"""Possible duplicate patients at registration (HAZ-020, cases.duplicates.possible_duplicates) are read by
date of birth: a plain index, a few rows per day of birth at 100,000 patients. Plain CREATE INDEX on
100,000 patients takes well under a second."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0037_case_closed_reason'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='patient',
            index=models.Index(fields=['date_of_birth'], name='patient_birth_date_idx'),
        ),
    ]
