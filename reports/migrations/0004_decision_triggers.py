"""Database triggers that log every change the stored survival and referral-to-decision months could read.

Those figures place a patient, or a case, in the month of a current decision (reports.outcomes.survival_rows,
reports.waits.wait_rows) and read, for that patient: every current decision of theirs (the first one), their
death, their latest Tokuhashi score, and their cases' referral, presentation and primary site. So every
insert, update or delete of a decision, every update or delete of a case, every update of a patient and
every insert, update or delete of an assessment adds to reports.models.ClockInputChange the decision times
of every patient it touches (and a changed decision's own times, before and after). Like migration 0003:
written in the database, so that no write path can leave a stored month unmarked. Additive: new functions
and triggers only.
"""

from django.db import migrations

LOG = "reports_clockinputchange"
STORED = "reports_storedmonth"


def _pg_log_patients(patients: str) -> str:
    """Log the decision times of the patients selected by `patients` (a query of patient ids)."""
    return (
        f"INSERT INTO {LOG} (at) SELECT DISTINCT d.decided_at FROM mdt_decision d "
        f"JOIN cases_case c ON c.id = d.case_id WHERE c.patient_id IN ({patients});"
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
    via_case = "SELECT c.patient_id FROM {rows} r JOIN cases_case c ON c.id = r.case_id"

    def decisions(rows: str) -> str:
        own = f"INSERT INTO {LOG} (at) SELECT DISTINCT decided_at FROM {rows};"
        return own + " " + _pg_log_patients(via_case.format(rows=rows))

    statements = [
        _pg_function("reports_log_decision", decisions("new_rows"), decisions("old_rows")),
        _pg_function(
            "reports_log_case_decisions",
            _pg_log_patients("SELECT patient_id FROM new_rows"),
            _pg_log_patients("SELECT patient_id FROM old_rows"),
        ),
        _pg_function("reports_log_patient_decisions", _pg_log_patients("SELECT id FROM new_rows"), "NULL;"),
        _pg_function(
            "reports_log_assessment",
            _pg_log_patients(via_case.format(rows="new_rows")),
            _pg_log_patients(via_case.format(rows="old_rows")),
        ),
    ]
    statements += _pg_triggers("mdt_decision", "reports_log_decision", ("INSERT", "UPDATE", "DELETE"))
    statements += _pg_triggers("cases_case", "reports_log_case_decisions", ("UPDATE", "DELETE"))
    statements += _pg_triggers("cases_patient", "reports_log_patient_decisions", ("UPDATE",))
    statements += _pg_triggers("cases_assessment", "reports_log_assessment", ("INSERT", "UPDATE", "DELETE"))
    statements += [
        f"CREATE TRIGGER reports_forget_stored_{table} AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION reports_forget_stored();"
        for table in ("mdt_decision", "cases_assessment")
    ]
    return statements


def _sqlite_log_patient(patient: str) -> str:
    """Log the decision times of the patient `patient` (an SQL expression of their id)."""
    return (
        f"INSERT INTO {LOG} (at) SELECT DISTINCT d.decided_at FROM mdt_decision d "
        f"JOIN cases_case c ON c.id = d.case_id WHERE c.patient_id = {patient};"
    )


def sqlite() -> list[str]:
    def trigger(name: str, event: str, table: str, body: list[str]) -> str:
        return f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {' '.join(body)} END;"

    def decision(row: str) -> list[str]:
        return [
            f"INSERT INTO {LOG} (at) VALUES ({row}.decided_at);",
            _sqlite_log_patient(f"(SELECT patient_id FROM cases_case WHERE id = {row}.case_id)"),
        ]

    def assessment(row: str) -> str:
        return _sqlite_log_patient(f"(SELECT patient_id FROM cases_case WHERE id = {row}.case_id)")

    return [
        trigger("reports_log_decision_insert", "INSERT", "mdt_decision", decision("NEW")),
        trigger("reports_log_decision_update", "UPDATE", "mdt_decision", [*decision("OLD"), *decision("NEW")]),
        trigger("reports_log_decision_delete", "DELETE", "mdt_decision", decision("OLD")),
        trigger(
            "reports_log_case_decisions_update",
            "UPDATE",
            "cases_case",
            [_sqlite_log_patient("OLD.patient_id"), _sqlite_log_patient("NEW.patient_id")],
        ),
        trigger("reports_log_case_decisions_delete", "DELETE", "cases_case", [_sqlite_log_patient("OLD.patient_id")]),
        trigger("reports_log_patient_decisions_update", "UPDATE", "cases_patient", [_sqlite_log_patient("NEW.id")]),
        trigger("reports_log_assessment_insert", "INSERT", "cases_assessment", [assessment("NEW")]),
        trigger("reports_log_assessment_update", "UPDATE", "cases_assessment", [assessment("OLD"), assessment("NEW")]),
        trigger("reports_log_assessment_delete", "DELETE", "cases_assessment", [assessment("OLD")]),
    ]


SQLITE_TRIGGERS = (
    "decision_insert",
    "decision_update",
    "decision_delete",
    "case_decisions_update",
    "case_decisions_delete",
    "patient_decisions_update",
    "assessment_insert",
    "assessment_update",
    "assessment_delete",
)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": postgresql, "sqlite": sqlite}[vendor]()
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in ("mdt_decision", "cases_assessment"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS reports_forget_stored_{table} ON {table};", params=None)
        for function in (
            "reports_log_decision",
            "reports_log_case_decisions",
            "reports_log_patient_decisions",
            "reports_log_assessment",
        ):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE;", params=None)
        return
    for name in SQLITE_TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS reports_log_{name};", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0028_case_steroids_index"),
        ("mdt", "0011_follow_up_text_maximum_lengths"),
        ("reports", "0003_clock_input_triggers"),
    ]

    operations = [migrations.RunPython(create, drop)]
