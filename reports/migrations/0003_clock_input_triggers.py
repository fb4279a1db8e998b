"""Database triggers that log every change a report measure could read (reports.models.ClockInputChange).

Every insert, update and delete of a case, of a scan (through its case) and every update of a patient
(through their cases) adds the instants that place the case in a month: its suspicion, referral and
decision-to-treat times, before and after the change. Written in the database, so no path that writes
these tables (a form, the workspace, the feeds, a bulk update, raw SQL) can leave a stored month
unmarked. `tests/reports/test_stored_months.py` checks that these columns are the ones the measures start
their clocks from, and these tables the ones their queries read.
"""

from django.db import migrations

CLOCK_INPUTS = ("suspected_diagnosis_at", "referred_at", "decision_to_treat_at")
LOG = "reports_clockinputchange"
STORED = "reports_storedmonth"


def _values(alias: str) -> str:
    return ", ".join(f"({alias}.{column})" for column in CLOCK_INPUTS)


def _pg_log(cases: str) -> str:
    """Log the clock inputs of the cases selected by `cases` (a FROM clause naming them c)."""
    return (
        f"INSERT INTO {LOG} (at) SELECT DISTINCT v.at FROM {cases} "
        f"CROSS JOIN LATERAL (VALUES {_values('c')}) v(at) WHERE v.at IS NOT NULL;"
    )


def _pg_function(name: str, new: str, old: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN {new} END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {old} END IF;
  RETURN NULL;
END $$;"""


def _pg_triggers(table: str, function: str, events: tuple[str, ...]) -> list[str]:
    referencing = {
        "INSERT": "REFERENCING NEW TABLE AS new_rows",
        "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "REFERENCING OLD TABLE AS old_rows",
    }
    return [
        f"CREATE TRIGGER {function}_{event.lower()} AFTER {event} ON {table} {referencing[event]} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
        for event in events
    ]


def postgresql() -> list[str]:
    via_case = "(SELECT DISTINCT case_id FROM {rows}) s JOIN cases_case c ON c.id = s.case_id"
    via_patient = "(SELECT DISTINCT id FROM {rows}) p JOIN cases_case c ON c.patient_id = p.id"
    statements = [
        _pg_function("reports_log_case", _pg_log("new_rows c"), _pg_log("old_rows c")),
        _pg_function(
            "reports_log_scan", _pg_log(via_case.format(rows="new_rows")), _pg_log(via_case.format(rows="old_rows"))
        ),
        _pg_function("reports_log_patient", _pg_log(via_patient.format(rows="new_rows")), "NULL;"),
        f"""
CREATE OR REPLACE FUNCTION reports_forget_stored() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN DELETE FROM {STORED}; RETURN NULL; END $$;""",
    ]
    statements += _pg_triggers("cases_case", "reports_log_case", ("INSERT", "UPDATE", "DELETE"))
    statements += _pg_triggers("cases_scan", "reports_log_scan", ("INSERT", "UPDATE", "DELETE"))
    statements += _pg_triggers("cases_patient", "reports_log_patient", ("UPDATE",))
    statements += [
        f"CREATE TRIGGER reports_forget_stored_{table} AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION reports_forget_stored();"
        for table in ("cases_case", "cases_scan", "cases_patient")
    ]
    return statements


def _sqlite_log(row: str, where: str = "") -> str:
    """The clock inputs of one case: `row` names it (NEW, OLD) or is `c` read from cases_case with `where`."""
    source = f" FROM cases_case c WHERE {where}" if where else ""
    selects = " UNION ".join(f"SELECT {row}.{column} AS at{source}" for column in CLOCK_INPUTS)
    return f"INSERT INTO {LOG} (at) SELECT at FROM ({selects}) WHERE at IS NOT NULL;"


def sqlite() -> list[str]:
    def trigger(name: str, event: str, table: str, body: list[str]) -> str:
        return f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {' '.join(body)} END;"

    return [
        trigger("reports_log_case_insert", "INSERT", "cases_case", [_sqlite_log("NEW")]),
        trigger("reports_log_case_update", "UPDATE", "cases_case", [_sqlite_log("OLD"), _sqlite_log("NEW")]),
        trigger("reports_log_case_delete", "DELETE", "cases_case", [_sqlite_log("OLD")]),
        trigger("reports_log_scan_insert", "INSERT", "cases_scan", [_sqlite_log("c", "c.id = NEW.case_id")]),
        trigger(
            "reports_log_scan_update",
            "UPDATE",
            "cases_scan",
            [_sqlite_log("c", "c.id = OLD.case_id"), _sqlite_log("c", "c.id = NEW.case_id")],
        ),
        trigger("reports_log_scan_delete", "DELETE", "cases_scan", [_sqlite_log("c", "c.id = OLD.case_id")]),
        trigger("reports_log_patient_update", "UPDATE", "cases_patient", [_sqlite_log("c", "c.patient_id = NEW.id")]),
    ]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": postgresql, "sqlite": sqlite}[vendor]()
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for function in ("reports_log_case", "reports_log_scan", "reports_log_patient", "reports_forget_stored"):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE;", params=None)
        return
    for name in ("case_insert", "case_update", "case_delete", "scan_insert", "scan_update", "scan_delete"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS reports_log_{name};", params=None)
    schema_editor.execute("DROP TRIGGER IF EXISTS reports_log_patient_update;", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0026_pas_address"),
        ("reports", "0002_stored_months"),
    ]

    operations = [migrations.RunPython(create, drop)]
