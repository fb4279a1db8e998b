from django.db import migrations

from core.history_guard import protect, unprotect

TABLES = (
    "referrals_historicalorganisation",
    "referrals_historicalreferrer",
    "referrals_historicalreferral",
    "referrals_historicaladvice",
    "referrals_historicalmessage",
)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_organisations_referrers_referrals"), ("mdt", "0004_history_append_only")]

    operations = [migrations.RunPython(protect(*TABLES), unprotect(*TABLES))]
