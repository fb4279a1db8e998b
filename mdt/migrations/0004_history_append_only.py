from django.db import migrations

from core.history_guard import protect, unprotect

TABLES = (
    "mdt_historicalmeeting",
    "mdt_historicalagendaitem",
    "mdt_historicalattendance",
    "mdt_historicaldecision",
    "mdt_historicalsignoff",
    "mdt_historicalfollowup",
)


class Migration(migrations.Migration):
    dependencies = [("mdt", "0003_decisions_signoffs_followups"), ("cases", "0004_history_append_only")]

    operations = [migrations.RunPython(protect(*TABLES), unprotect(*TABLES))]
