"""A truncated case, scan, patient, decision or assessment table (which logs no row change) forgets the stored
days (reports.StoredDay) as it forgets the stored months: `reports_forget_stored` now empties both tables."""

from django.db import migrations

FORGET_BOTH = """
CREATE OR REPLACE FUNCTION reports_forget_stored() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN DELETE FROM reports_storedmonth; DELETE FROM reports_storedday; RETURN NULL; END $$;"""
FORGET_MONTHS = """
CREATE OR REPLACE FUNCTION reports_forget_stored() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN DELETE FROM reports_storedmonth; RETURN NULL; END $$;"""


def forget_days(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORGET_BOTH, params=None)


def forget_months_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORGET_MONTHS, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_stored_days"),
    ]

    operations = [migrations.RunPython(forget_days, forget_months_only)]
