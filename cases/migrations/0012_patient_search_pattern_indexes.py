"""Patient search served by indexes on PostgreSQL whatever the database's collation.

Django spells `istartswith` as `UPPER(col::text) LIKE UPPER('smi%')` and `iexact` as
`UPPER(col::text) = UPPER('x')`. A plain index on UPPER(col) serves LIKE only under the C
collation; with `text_pattern_ops` it serves both the prefix LIKE and the equality under
any collation. PostgreSQL-only (operator classes): SQLite has no such indexes and needs none
at its sizes, so the operations do nothing there.
"""

from typing import Any

from django.db import migrations

INDEXES = {
    "patient_mrn_upper_pattern_idx": "mrn",
    "patient_family_upper_pattern_idx": "family_name",
    "patient_given_upper_pattern_idx": "given_name",
}


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON cases_patient ((UPPER({column}::text)) text_pattern_ops)"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_indexes_for_open_clocks_and_reports")]

    operations = [migrations.RunPython(create, drop)]
