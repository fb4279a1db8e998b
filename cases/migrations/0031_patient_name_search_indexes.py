"""A page of a name search read from the name indexes in name order (cases.patient_search).

Each index is the upper-cased name with the pattern operator class (as 0012's, which served the prefix
LIKE under any collation and which these replace: they start with the same column), then family name,
given name and id: one upper-cased name's patients lie in name order, so a search takes the first rows
of each name that matches instead of sorting every match. PostgreSQL only (operator classes); SQLite
needs none at its sizes.

Safe on the shared databases: plain CREATE INDEX on 100,000 patients takes well under a second (writes
to cases_patient wait for it); every step can run again.
"""

from django.db import migrations

INDEXES = {
    "patient_family_search_idx": "family_name",
    "patient_given_search_idx": "given_name",
}
REPLACED = {
    "patient_family_upper_pattern_idx": "family_name",
    "patient_given_upper_pattern_idx": "given_name",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON cases_patient "
            f"((UPPER({column}::text)) text_pattern_ops, family_name, given_name, id)",
            params=None,
        )
    for name in REPLACED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in REPLACED.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON cases_patient ((UPPER({column}::text)) text_pattern_ops)",
            params=None,
        )
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0030_scan_urgency_rank")]

    operations = [migrations.RunPython(create, drop)]
