"""Sign-in history is append-only like every other history table (docs/deploy.md, "What every
write guarantees"): on PostgreSQL its rows refuse UPDATE and DELETE, and the tables refuse TRUNCATE."""

from django.db import migrations

from core.history_guard import protect, protect_truncate, unprotect, unprotect_truncate

TABLES = (
    "signin_historicalpasskey",
    "signin_historicalprovideridentity",
    "signin_historicaltotpdevice",
)


class Migration(migrations.Migration):
    dependencies = [("signin", "0001_second_factors_and_provider_identities")]

    operations = [
        migrations.RunPython(protect(*TABLES), unprotect(*TABLES)),
        migrations.RunPython(protect_truncate(*TABLES), unprotect_truncate(*TABLES)),
    ]
