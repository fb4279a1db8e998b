"""History tables are append-only on PostgreSQL: a trigger refuses UPDATE and DELETE.

Migrations call `protect(...)` for each app's history tables (RunPython, so SQLite,
used for development, simply skips it). Reverting a record in the admin inserts
new history rows, which stays allowed.
"""

from typing import Any

FUNCTION = """
CREATE OR REPLACE FUNCTION history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def protect(*tables: str) -> Any:
    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(FUNCTION, params=None)  # no placeholders: the body uses %
        for table in tables:
            schema_editor.execute(
                f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
                "FOR EACH ROW EXECUTE FUNCTION history_append_only()"
            )

    return forwards


def unprotect(*tables: str) -> Any:
    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')

    return backwards
