"""Letters' history refuses TRUNCATE on PostgreSQL, as every history table does (core/history_guard.py)."""

from django.db import migrations

from core.history_guard import protect_truncate, unprotect_truncate

TABLES = ("letters_historicalpatientletter", "letters_historicalformattask")


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_patient_letters")]

    operations = [migrations.RunPython(protect_truncate(*TABLES), unprotect_truncate(*TABLES))]
