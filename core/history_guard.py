"""History tables are append-only on PostgreSQL: triggers refuse UPDATE, DELETE and TRUNCATE.

Migrations call `protect(...)` for each app's history tables (RunPython, so SQLite,
used for development, simply skips it), and `protect_truncate(...)` for TRUNCATE, which
a row trigger never sees (`manage.py flush` would otherwise empty history in one
statement). Reverting a record in the admin inserts new history rows, which stays allowed.

The one exception is a connection started with `-c history_guard.allow_truncate=on`:
the test settings set it so that Django can empty the test database between tests.
Production settings never do; a database superuser can always drop a trigger, so this
guards against the application and its commands, not against the database's owner.
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


TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION history_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('history_guard.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def protect_truncate(*tables: str) -> Any:
    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(TRUNCATE_FUNCTION, params=None)
        for table in tables:
            schema_editor.execute(
                f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION history_no_truncate()"
            )

    return forwards


def unprotect_truncate(*tables: str) -> Any:
    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}"')

    return backwards


def unprotect(*tables: str) -> Any:
    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')

    return backwards
