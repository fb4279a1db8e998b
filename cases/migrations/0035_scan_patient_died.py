"""The scans waiting for review leave out the patients who died, in their indexes: `cases_scan.patient_died`.

A patient's death takes their MRIs off every worklist and every reminder (HAZ-009). Asked of the patient
table, "not dead" was a lookup per waiting scan at every reminder sweep (every minute): at the regional
size 1,194 MRIs of patients who died before a review, each looked up at each of the three escalation
levels, a cost that only grows with the record. Each scan now carries its patient's state, and the two
partial indexes of the waiting scans (scan_pending_review_idx, scan_urgency_idx) hold only the living.

Like `mscc_rank` (migration 0030), the column is written by the database only, so no path can leave it
stale (a form holding an old value, the workspace, the feeds, a bulk insert, a queryset update, raw SQL):
- a scan's flag is set from its case's patient on every insert, and on every update that moves it to
  another case or writes another value;
- a change of a patient's date of death (recorded, or corrected back to blank) sets the flag of the scans
  of all their cases;
- a case moved to another patient (a merge from the PAS) takes the new patient's state.
On PostgreSQL the scan's trigger reads its case and patient FOR SHARE, so a scan added while another
transaction records the death waits for it and takes the new state. SQLite serialises writers.

Safe on a large table: the column is added with a constant default (no rewrite on PostgreSQL; on SQLite a
plain ADD COLUMN, which keeps the table and its triggers), the patient and case tables are locked against
writes for the fill and the triggers' creation, and the new indexes hold only the scans waiting for review.
"""

from django.db import migrations, models

ADD_COLUMN = 'ALTER TABLE "cases_scan" ADD COLUMN "patient_died" boolean DEFAULT false NOT NULL;'
WAITING = (
    "performed_at IS NOT NULL AND reviewed_at IS NULL AND NOT patient_died "
    "AND modality IN ('mri_whole_spine', 'mri_targeted')"
)
# The case's patient has died (a scan's case: NEW.case_id on the scan's triggers).
DIED = "SELECT p.died_on IS NOT NULL FROM cases_case c JOIN cases_patient p ON p.id = c.patient_id WHERE c.id = {}"
OF_THE_PATIENT = "case_id IN (SELECT id FROM cases_case WHERE patient_id = NEW.id)"

POSTGRESQL = [
    "LOCK TABLE cases_patient, cases_case IN SHARE ROW EXCLUSIVE MODE;",
    "UPDATE cases_scan SET patient_died = true WHERE NOT patient_died AND case_id IN "
    "(SELECT c.id FROM cases_case c JOIN cases_patient p ON p.id = c.patient_id WHERE p.died_on IS NOT NULL);",
    f"""
CREATE OR REPLACE FUNCTION cases_scan_patient_died() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.patient_died := COALESCE(({DIED.format("NEW.case_id")} FOR SHARE), false);
  RETURN NEW;
END $$;""",
    "DROP TRIGGER IF EXISTS cases_scan_patient_died_insert ON cases_scan;",
    "DROP TRIGGER IF EXISTS cases_scan_patient_died_update ON cases_scan;",
    "CREATE TRIGGER cases_scan_patient_died_insert BEFORE INSERT ON cases_scan "
    "FOR EACH ROW EXECUTE FUNCTION cases_scan_patient_died();",
    "CREATE TRIGGER cases_scan_patient_died_update BEFORE UPDATE ON cases_scan FOR EACH ROW "
    "WHEN (OLD.case_id IS DISTINCT FROM NEW.case_id OR OLD.patient_died IS DISTINCT FROM NEW.patient_died) "
    "EXECUTE FUNCTION cases_scan_patient_died();",
    f"""
CREATE OR REPLACE FUNCTION cases_patient_scans_died() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cases_scan SET patient_died = (NEW.died_on IS NOT NULL)
  WHERE {OF_THE_PATIENT} AND patient_died IS DISTINCT FROM (NEW.died_on IS NOT NULL);
  RETURN NULL;
END $$;""",
    "DROP TRIGGER IF EXISTS cases_patient_scans_died ON cases_patient;",
    "CREATE TRIGGER cases_patient_scans_died AFTER UPDATE OF died_on ON cases_patient FOR EACH ROW "
    "WHEN ((OLD.died_on IS NULL) IS DISTINCT FROM (NEW.died_on IS NULL)) EXECUTE FUNCTION cases_patient_scans_died();",
    """
CREATE OR REPLACE FUNCTION cases_case_scans_died() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cases_scan SET patient_died = COALESCE((SELECT died_on IS NOT NULL FROM cases_patient WHERE id = NEW.patient_id), false)
  WHERE case_id = NEW.id;
  RETURN NULL;
END $$;""",
    "DROP TRIGGER IF EXISTS cases_case_scans_died ON cases_case;",
    "CREATE TRIGGER cases_case_scans_died AFTER UPDATE OF patient_id ON cases_case FOR EACH ROW "
    "WHEN (OLD.patient_id IS DISTINCT FROM NEW.patient_id) EXECUTE FUNCTION cases_case_scans_died();",
    "DROP INDEX IF EXISTS scan_urgency_idx;",
    "DROP INDEX IF EXISTS scan_pending_review_idx;",
    f"CREATE INDEX scan_urgency_idx ON cases_scan (mscc_rank, escc_grade DESC NULLS LAST, performed_at, id) WHERE {WAITING};",
    f"CREATE INDEX scan_pending_review_idx ON cases_scan (performed_at, id, case_id) WHERE {WAITING};",
]
# As migration 0034 left them: the waiting scans of every patient.
WAITING_BEFORE = "performed_at IS NOT NULL AND reviewed_at IS NULL AND modality IN ('mri_whole_spine', 'mri_targeted')"
POSTGRESQL_DROP = [
    "DROP FUNCTION IF EXISTS cases_scan_patient_died() CASCADE;",
    "DROP FUNCTION IF EXISTS cases_patient_scans_died() CASCADE;",
    "DROP FUNCTION IF EXISTS cases_case_scans_died() CASCADE;",
    "DROP INDEX IF EXISTS scan_urgency_idx;",
    "DROP INDEX IF EXISTS scan_pending_review_idx;",
    "CREATE INDEX scan_urgency_idx ON cases_scan (mscc_rank, escc_grade DESC NULLS LAST, performed_at, id) "
    f"WHERE {WAITING_BEFORE};",
    f"CREATE INDEX scan_pending_review_idx ON cases_scan (performed_at, id, case_id) WHERE {WAITING_BEFORE};",
]

SCAN_DIED = f"COALESCE(({DIED.format('NEW.case_id')}), 0)"
SQLITE = [
    "UPDATE cases_scan SET patient_died = 1 WHERE NOT patient_died AND case_id IN "
    "(SELECT c.id FROM cases_case c JOIN cases_patient p ON p.id = c.patient_id WHERE p.died_on IS NOT NULL);",
    "CREATE TRIGGER IF NOT EXISTS cases_scan_patient_died_insert AFTER INSERT ON cases_scan BEGIN "
    f"UPDATE cases_scan SET patient_died = {SCAN_DIED} WHERE id = NEW.id AND patient_died IS NOT {SCAN_DIED}; END;",
    "CREATE TRIGGER IF NOT EXISTS cases_scan_patient_died_update AFTER UPDATE OF case_id, patient_died ON cases_scan "
    f"BEGIN UPDATE cases_scan SET patient_died = {SCAN_DIED} WHERE id = NEW.id AND patient_died IS NOT {SCAN_DIED}; END;",
    "CREATE TRIGGER IF NOT EXISTS cases_patient_scans_died AFTER UPDATE OF died_on ON cases_patient "
    "WHEN (OLD.died_on IS NULL) IS NOT (NEW.died_on IS NULL) BEGIN "
    f"UPDATE cases_scan SET patient_died = (NEW.died_on IS NOT NULL) WHERE {OF_THE_PATIENT}; END;",
    "CREATE TRIGGER IF NOT EXISTS cases_case_scans_died AFTER UPDATE OF patient_id ON cases_case "
    "WHEN OLD.patient_id IS NOT NEW.patient_id BEGIN UPDATE cases_scan SET patient_died = "
    "COALESCE((SELECT died_on IS NOT NULL FROM cases_patient WHERE id = NEW.patient_id), 0) WHERE case_id = NEW.id; END;",
    "DROP INDEX IF EXISTS scan_urgency_idx;",
    "DROP INDEX IF EXISTS scan_pending_review_idx;",
    # SQLite has no NULLS LAST in an index, and puts NULL last in a descending order anyway.
    f"CREATE INDEX scan_urgency_idx ON cases_scan (mscc_rank, escc_grade DESC, performed_at, id) WHERE {WAITING};",
    f"CREATE INDEX scan_pending_review_idx ON cases_scan (performed_at, id, case_id) WHERE {WAITING};",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS cases_scan_patient_died_insert;",
    "DROP TRIGGER IF EXISTS cases_scan_patient_died_update;",
    "DROP TRIGGER IF EXISTS cases_patient_scans_died;",
    "DROP TRIGGER IF EXISTS cases_case_scans_died;",
    "DROP INDEX IF EXISTS scan_urgency_idx;",
    "DROP INDEX IF EXISTS scan_pending_review_idx;",
    f"CREATE INDEX scan_urgency_idx ON cases_scan (mscc_rank, escc_grade DESC, performed_at, id) WHERE {WAITING_BEFORE};",
    f"CREATE INDEX scan_pending_review_idx ON cases_scan (performed_at, id, case_id) WHERE {WAITING_BEFORE};",
]


def add_column(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = [column.name for column in connection.introspection.get_table_description(cursor, "cases_scan")]
    if "patient_died" not in columns:
        schema_editor.execute(ADD_COLUMN, params=None)


def drop_column(apps, schema_editor):
    schema_editor.execute('ALTER TABLE "cases_scan" DROP COLUMN "patient_died";', params=None)


def create(apps, schema_editor):
    for statement in {"postgresql": POSTGRESQL, "sqlite": SQLITE}[schema_editor.connection.vendor]:
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    for statement in {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}[schema_editor.connection.vendor]:
        schema_editor.execute(statement, params=None)


WAITING_Q = models.Q(
    ("patient_died", False),
    ("performed_at__isnull", False),
    ("reviewed_at__isnull", True),
    ("modality__in", ("mri_whole_spine", "mri_targeted")),
)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0034_scan_indexes_read_alone"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="scan", name="patient_died", field=models.BooleanField(default=False, editable=False)
                ),
            ],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="scan", name="scan_urgency_idx"),
                migrations.RemoveIndex(model_name="scan", name="scan_pending_review_idx"),
                migrations.AddIndex(
                    model_name="scan",
                    index=models.Index(
                        condition=WAITING_Q, fields=["performed_at", "id", "case"], name="scan_pending_review_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="scan",
                    index=models.Index(
                        models.OrderBy(models.F("mscc_rank")),
                        models.OrderBy(models.F("escc_grade"), descending=True, nulls_last=True),
                        models.OrderBy(models.F("performed_at"), nulls_last=True),
                        models.OrderBy(models.F("id")),
                        condition=WAITING_Q,
                        name="scan_urgency_idx",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(create, drop)],
        ),
    ]
