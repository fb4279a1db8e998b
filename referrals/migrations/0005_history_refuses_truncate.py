"""Referral history refuses TRUNCATE on PostgreSQL, as every history table does (core/history_guard.py)."""

from django.db import migrations

from core.history_guard import protect_truncate, unprotect_truncate

TABLES = (
    "referrals_historicalorganisation",
    "referrals_historicalreferrer",
    "referrals_historicalreferral",
    "referrals_historicaladvice",
    "referrals_historicalmessage",
    "referrals_historicaldutyshift",
)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0004_duty_rota")]

    operations = [migrations.RunPython(protect_truncate(*TABLES), unprotect_truncate(*TABLES))]
