from django.db import migrations

from core.history_guard import protect_truncate, unprotect_truncate

TABLES = (
    "cases_historicalpatient",
    "cases_historicalcase",
    "cases_historicalscan",
    "cases_historicalassessment",
    "cases_historicalcommunicationneeds",
)


class Migration(migrations.Migration):
    dependencies = [("cases", "0016_mrn_stored_upper_case")]

    operations = [migrations.RunPython(protect_truncate(*TABLES), unprotect_truncate(*TABLES))]
