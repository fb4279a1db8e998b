"""The live meeting's history is append-only and refuses TRUNCATE on PostgreSQL, as every history table
(core/history_guard.py): who was present, what was listed against a standard of care, what was delivered."""

from django.db import migrations

from core.history_guard import protect, protect_truncate, unprotect, unprotect_truncate

TABLES = (
    "live_historicallivesession",
    "live_historicalcheckin",
    "live_historicalstandardofcare",
    "live_historicaldelivery",
    "live_historicaltrial",
    "live_historicaltrialconsideration",
)


class Migration(migrations.Migration):
    dependencies = [("live", "0004_trials")]

    operations = [
        migrations.RunPython(protect(*TABLES), unprotect(*TABLES)),
        migrations.RunPython(protect_truncate(*TABLES), unprotect_truncate(*TABLES)),
    ]
