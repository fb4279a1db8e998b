from django.db import migrations

from core.history_guard import protect, protect_truncate, unprotect, unprotect_truncate

NEW = ("mdt_historicalmember", "mdt_historicalpreparation")
ALL = (
    "mdt_historicalmeeting",
    "mdt_historicalagendaitem",
    "mdt_historicalattendance",
    "mdt_historicaldecision",
    "mdt_historicalsignoff",
    "mdt_historicalfollowup",
    *NEW,
)


class Migration(migrations.Migration):
    dependencies = [("mdt", "0009_free_text_maximum_lengths"), ("cases", "0017_history_refuses_truncate")]

    operations = [
        migrations.RunPython(protect(*NEW), unprotect(*NEW)),
        migrations.RunPython(protect_truncate(*ALL), unprotect_truncate(*ALL)),
    ]
