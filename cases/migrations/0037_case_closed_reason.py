"""Every closed case says why it was closed (HAZ-029).

- Two columns on the case, `closed_reason` and `closed_note`. On SQLite they are added with ALTER TABLE ADD
  COLUMN (a NOT NULL column with a default): Django's way, rebuilding `cases_case`, would drop the triggers
  that name it (cases 0030, 0035, 0036; reports 0003, 0004). On PostgreSQL, Django's own AddField.
- The cases closed before a reason was asked get "not recorded" (the only path that sets it: the forms never
  offer it), so the history of their closing stays as it was.
- The rule that a closed case has a reason, held by the database on every path: PostgreSQL's CHECK
  constraint `case_closed_has_a_reason` (added NOT VALID, then validated after the backfill, without locking
  reads); on SQLite two triggers, as cases 0036 does for its rule.
"""

import core.fields
from django.db import migrations, models

NAME = "case_closed_has_a_reason"
CONSTRAINT = models.CheckConstraint(
    condition=models.Q(
        models.Q(("status", "closed"), _negated=True), models.Q(("closed_reason", ""), _negated=True), _connector="OR"
    ),
    name=NAME,
)
REASONS = [
    ("completed", "Treatment and follow-up complete"),
    ("died", "The patient died"),
    ("transferred", "Care transferred to another team or hospital"),
    ("not_for_service", "Not spinal metastases, or not for this service"),
    ("declined", "The patient declined further treatment"),
    ("in_error", "Opened in error, or a duplicate"),
    ("other", "Other (say why in the note)"),
    ("not_recorded", "Not recorded (closed before reasons were kept)"),
]


def reason_field():
    return models.CharField(
        blank=True,
        choices=REASONS,
        help_text="Needed when the status is Closed: a closed case leaves every worklist and reminder.",
        max_length=20,
        verbose_name="reason for closing",
    )


def note_field():
    return core.fields.LimitedTextField(
        blank=True, help_text="Where care went, or why; needed for Other.", max_length=500, verbose_name="closing note"
    )


SQLITE_COLUMNS = [
    "ALTER TABLE cases_case ADD COLUMN closed_reason varchar(20) NOT NULL DEFAULT ''",
    "ALTER TABLE cases_case ADD COLUMN closed_note text NOT NULL DEFAULT ''",
]
SQLITE_REFUSE = (
    "WHEN NEW.status = 'closed' AND NEW.closed_reason = '' "
    f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {NAME}'); END;"
)
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS {NAME}_insert BEFORE INSERT ON cases_case {SQLITE_REFUSE}",
    f"CREATE TRIGGER IF NOT EXISTS {NAME}_update BEFORE UPDATE OF status, closed_reason ON cases_case {SQLITE_REFUSE}",
]


def columns():
    fields = (("closed_reason", reason_field()), ("closed_note", note_field()))
    for name, field in fields:
        field.set_attributes_from_name(name)
    return [field for _, field in fields]


def add_columns(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for field in columns():
            schema_editor.add_field(apps.get_model("cases", "Case"), field)
    else:
        for statement in SQLITE_COLUMNS:
            schema_editor.execute(statement, params=None)


def drop_columns(apps, schema_editor):
    for field in columns():
        schema_editor.execute(f"ALTER TABLE cases_case DROP COLUMN {field.column}", params=None)


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(status="closed", closed_reason="").update(closed_reason="not_recorded")


def create_rule(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        check = CONSTRAINT._get_check_sql(apps.get_model("cases", "Case"), schema_editor)
        schema_editor.execute(f'ALTER TABLE "cases_case" ADD CONSTRAINT "{NAME}" CHECK ({check}) NOT VALID;', params=None)
        schema_editor.execute(f'ALTER TABLE "cases_case" VALIDATE CONSTRAINT "{NAME}";', params=None)
    else:
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement, params=None)


def drop_rule(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER TABLE "cases_case" DROP CONSTRAINT IF EXISTS "{NAME}";', params=None)
    else:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}_insert;", params=None)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}_update;", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0036_case_neuro_red_flags_mean_suspected_mscc"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="case", name="closed_reason", field=reason_field()),
                migrations.AddField(model_name="case", name="closed_note", field=note_field()),
            ],
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
        ),
        migrations.AddField(model_name="historicalcase", name="closed_reason", field=reason_field()),
        migrations.AddField(model_name="historicalcase", name="closed_note", field=note_field()),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddConstraint(model_name="case", constraint=CONSTRAINT)],
            database_operations=[migrations.RunPython(create_rule, drop_rule)],
        ),
    ]
