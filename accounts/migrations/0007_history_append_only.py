from django.db import migrations

from core.history_guard import protect, protect_truncate, unprotect, unprotect_truncate

TABLES = (
    "accounts_historicaluser",
    "accounts_historicaluser_groups",
    "accounts_historicaluser_user_permissions",
    "accounts_historicalgroup",
    "accounts_historicalgroup_permissions",
)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_user_and_group_history")]

    operations = [
        migrations.RunPython(protect(*TABLES), unprotect(*TABLES)),
        migrations.RunPython(protect_truncate(*TABLES), unprotect_truncate(*TABLES)),
    ]
