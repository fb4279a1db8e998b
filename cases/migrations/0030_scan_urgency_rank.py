"""The review worklist read in its urgency order from an index: each scan stores its case's place in it.

The worklist sorts suspected MSCC with neurology first (a column of the case), then the worst ESCC grade,
then the longest wait (columns of the scan): with the first key on another table, every page sorted all
the waiting scans (3,155 at the regional size) to show 25. `cases_scan.mscc_rank` holds that first key
(0: the case is suspected MSCC, 1: any other presentation) and `scan_urgency_idx` orders the waiting scans
by it, so a page reads its own rows.

The rank is written by the database only, so no path can leave it stale (a form, the workspace, the
feeds, a bulk insert, a queryset update, raw SQL):
- a scan's rank is set from its case on every insert, and on every update that moves it to another case
  or writes another rank (a form holding an old value);
- a change of a case's presentation sets the rank of all its scans.
On PostgreSQL the scan's trigger reads its case FOR SHARE, so a scan added while another transaction
changes its case's presentation waits for it and takes the new rank (or that change waits for the new
scan and updates it too). SQLite serialises writers.

Safe on a large table: the column is added with a constant default (no rewrite on PostgreSQL; on SQLite
a plain ADD COLUMN, which keeps the table and the triggers other apps keep on it, where Django would
rebuild the table), the case table is locked against writes for the fill (one UPDATE of the suspected-MSCC
cases' scans) and the triggers' creation, and the index holds only the scans waiting for review.
"""

from django.db import migrations, models

MSCC = "suspected_mscc"  # cases.choices.Presentation.SUSPECTED_MSCC


def rank(presentation: str) -> str:
    return f"CASE WHEN {presentation} = '{MSCC}' THEN 0 ELSE 1 END"


ADD_COLUMN = 'ALTER TABLE "cases_scan" ADD COLUMN "mscc_rank" smallint DEFAULT 1 NOT NULL CHECK ("mscc_rank" >= 0);'
FILL = (
    "UPDATE cases_scan SET mscc_rank = 0 WHERE mscc_rank <> 0 AND case_id IN "
    f"(SELECT id FROM cases_case WHERE presentation = '{MSCC}');"
)
# The scans waiting for review (Scan.objects.pending_review()): the only rows in the index.
WAITING = "performed_at IS NOT NULL AND reviewed_at IS NULL AND modality IN ('mri_whole_spine', 'mri_targeted')"

POSTGRESQL = [
    "LOCK TABLE cases_case IN SHARE ROW EXCLUSIVE MODE;",
    FILL,
    f"""
CREATE OR REPLACE FUNCTION cases_scan_mscc_rank() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.mscc_rank := COALESCE((SELECT {rank("c.presentation")} FROM cases_case c WHERE c.id = NEW.case_id FOR SHARE), 1);
  RETURN NEW;
END $$;""",
    "DROP TRIGGER IF EXISTS cases_scan_mscc_rank_insert ON cases_scan;",
    "DROP TRIGGER IF EXISTS cases_scan_mscc_rank_update ON cases_scan;",
    "DROP TRIGGER IF EXISTS cases_case_mscc_rank ON cases_case;",
    "CREATE TRIGGER cases_scan_mscc_rank_insert BEFORE INSERT ON cases_scan "
    "FOR EACH ROW EXECUTE FUNCTION cases_scan_mscc_rank();",
    "CREATE TRIGGER cases_scan_mscc_rank_update BEFORE UPDATE ON cases_scan FOR EACH ROW "
    "WHEN (OLD.case_id IS DISTINCT FROM NEW.case_id OR OLD.mscc_rank IS DISTINCT FROM NEW.mscc_rank) "
    "EXECUTE FUNCTION cases_scan_mscc_rank();",
    f"""
CREATE OR REPLACE FUNCTION cases_case_mscc_rank() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cases_scan SET mscc_rank = {rank("NEW.presentation")}
  WHERE case_id = NEW.id AND mscc_rank <> {rank("NEW.presentation")};
  RETURN NULL;
END $$;""",
    "CREATE TRIGGER cases_case_mscc_rank AFTER UPDATE OF presentation ON cases_case FOR EACH ROW "
    "WHEN (OLD.presentation IS DISTINCT FROM NEW.presentation) EXECUTE FUNCTION cases_case_mscc_rank();",
    # Read in the order of Scan.objects.by_urgency() (cases.models.scans.URGENCY_ORDER).
    "CREATE INDEX IF NOT EXISTS scan_urgency_idx ON cases_scan "
    f"(mscc_rank, escc_grade DESC NULLS LAST, performed_at, id) WHERE {WAITING};",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS scan_urgency_idx;",
    "DROP FUNCTION IF EXISTS cases_scan_mscc_rank() CASCADE;",
    "DROP FUNCTION IF EXISTS cases_case_mscc_rank() CASCADE;",
]

SCAN_RANK = f"(SELECT {rank('c.presentation')} FROM cases_case c WHERE c.id = NEW.case_id)"
SQLITE = [
    FILL,
    "CREATE TRIGGER IF NOT EXISTS cases_scan_mscc_rank_insert AFTER INSERT ON cases_scan BEGIN "
    f"UPDATE cases_scan SET mscc_rank = {SCAN_RANK} WHERE id = NEW.id AND mscc_rank IS NOT {SCAN_RANK}; END;",
    "CREATE TRIGGER IF NOT EXISTS cases_scan_mscc_rank_update AFTER UPDATE OF case_id, mscc_rank ON cases_scan BEGIN "
    f"UPDATE cases_scan SET mscc_rank = {SCAN_RANK} WHERE id = NEW.id AND mscc_rank IS NOT {SCAN_RANK}; END;",
    "CREATE TRIGGER IF NOT EXISTS cases_case_mscc_rank AFTER UPDATE OF presentation ON cases_case "
    "WHEN OLD.presentation IS NOT NEW.presentation BEGIN "
    f"UPDATE cases_scan SET mscc_rank = {rank('NEW.presentation')} "
    f"WHERE case_id = NEW.id AND mscc_rank IS NOT {rank('NEW.presentation')}; END;",
    # SQLite has no NULLS LAST in an index, and puts NULL last in a descending order anyway.
    f"CREATE INDEX IF NOT EXISTS scan_urgency_idx ON cases_scan (mscc_rank, escc_grade DESC, performed_at, id) WHERE {WAITING};",
]
SQLITE_DROP = [
    "DROP INDEX IF EXISTS scan_urgency_idx;",
    "DROP TRIGGER IF EXISTS cases_scan_mscc_rank_insert;",
    "DROP TRIGGER IF EXISTS cases_scan_mscc_rank_update;",
    "DROP TRIGGER IF EXISTS cases_case_mscc_rank;",
]


def add_column(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = [column.name for column in connection.introspection.get_table_description(cursor, "cases_scan")]
    if "mscc_rank" not in columns:  # every step can run again (a database that had it under another number)
        schema_editor.execute(ADD_COLUMN, params=None)


def drop_column(apps, schema_editor):
    schema_editor.execute('ALTER TABLE "cases_scan" DROP COLUMN "mscc_rank";', params=None)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL, "sqlite": SQLITE}[vendor]:
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}[vendor]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0029_case_rt_cohort_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="scan",
                    name="mscc_rank",
                    field=models.PositiveSmallIntegerField(default=1, editable=False),
                ),
            ],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="scan",
                    index=models.Index(
                        models.OrderBy(models.F("mscc_rank")),
                        models.OrderBy(models.F("escc_grade"), descending=True, nulls_last=True),
                        models.OrderBy(models.F("performed_at"), nulls_last=True),
                        models.OrderBy(models.F("id")),
                        condition=models.Q(
                            ("performed_at__isnull", False),
                            ("reviewed_at__isnull", True),
                            ("modality__in", ("mri_whole_spine", "mri_targeted")),
                        ),
                        name="scan_urgency_idx",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(create, drop)],
        ),
    ]
