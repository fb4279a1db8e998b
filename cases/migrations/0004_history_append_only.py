from django.db import migrations

from core.history_guard import protect, unprotect

TABLES = ("cases_historicalpatient", "cases_historicalcase", "cases_historicalscan", "cases_historicalassessment")


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_record_versions")]

    operations = [migrations.RunPython(protect(*TABLES), unprotect(*TABLES))]
