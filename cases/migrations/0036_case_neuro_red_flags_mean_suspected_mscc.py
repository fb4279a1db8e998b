"""Any neurological red flag means suspected MSCC, held by the database (HAZ-017).

`Case.clean` refuses a neurological red flag on any other pathway, with a message naming the flags, on
every path that validates (pages, workspace, services, the feeds). A write that does not validate (a bulk
insert, a queryset update, raw SQL) is now refused by the database as well, so no record can carry a
neurological flag without the 24-hour MRI clock's presentation.

- PostgreSQL: the model's CHECK constraint (`case_neuro_red_flags_mean_suspected_mscc`), added NOT VALID and
  then validated, so the table is not locked against reads while the rows are checked.
- SQLite: the same rule as two triggers. A CHECK constraint would mean rebuilding `cases_case`, which the
  triggers of `cases_scan` (migrations 0030 and 0035) and of the reports (reports 0003, 0004) that name it
  do not survive.

A database holding such a record already stops here with the cases to correct (choose the pathway in the
workspace, which keeps the history): the presentation is a clinical judgement, never changed by a migration.
"""

import django.db.models.functions.comparison
import django.db.models.lookups
from django.db import migrations, models

NAME = "case_neuro_red_flags_mean_suspected_mscc"
# NeuroRedFlag's keys when this was written (cases.choices); tests/cases/test_red_flags_pathway.py checks that
# the database refuses each of today's keys.
NEURO = (
    "bladder_bowel_dysfunction",
    "cord_or_cauda_signs",
    "gait_difficulty",
    "limb_weakness",
    "radicular_pain",
    "sensory_loss",
)


def quoted_in(key):
    text = django.db.models.functions.comparison.Cast("red_flags", output_field=models.TextField())
    return django.db.models.lookups.Contains(text, f'"{key}"')


CONSTRAINT = models.CheckConstraint(
    condition=models.Q(
        ("presentation", "suspected_mscc"),
        models.Q(*map(quoted_in, NEURO), _connector="OR", _negated=True),
        _connector="OR",
    ),
    name=NAME,
)

SQLITE_NEURO = ", ".join(f"'{key}'" for key in NEURO)
SQLITE_REFUSE = (
    f"WHEN NEW.presentation <> 'suspected_mscc' AND EXISTS "
    f"(SELECT 1 FROM json_each(NEW.red_flags) WHERE value IN ({SQLITE_NEURO})) "
    f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {NAME}'); END;"
)
SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS {NAME}_insert BEFORE INSERT ON cases_case {SQLITE_REFUSE}",
    f"CREATE TRIGGER IF NOT EXISTS {NAME}_update BEFORE UPDATE OF presentation, red_flags ON cases_case {SQLITE_REFUSE}",
]


def refuse_existing_records_that_break_the_rule(apps):
    Case = apps.get_model("cases", "Case")
    breaking = [case.pk for case in Case.objects.only("presentation", "red_flags") if not _keeps_the_rule(case)]
    if breaking:
        raise RuntimeError(
            f"{len(breaking)} cases record a neurological red flag with a presentation other than suspected MSCC "
            f"(case ids {', '.join(map(str, breaking[:50]))}). Choose the pathway of each in the workspace (its "
            "history keeps the change), then migrate again."
        )


def _keeps_the_rule(case):
    return case.presentation == "suspected_mscc" or not set(case.red_flags or []) & set(NEURO)


def create(apps, schema_editor):
    refuse_existing_records_that_break_the_rule(apps)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'ALTER TABLE "cases_case" ADD CONSTRAINT "{NAME}" CHECK ({_check_sql(apps, schema_editor)}) NOT VALID;',
            params=None,
        )
        schema_editor.execute(f'ALTER TABLE "cases_case" VALIDATE CONSTRAINT "{NAME}";', params=None)
    else:
        for statement in SQLITE:
            schema_editor.execute(statement, params=None)


def _check_sql(apps, schema_editor):
    return CONSTRAINT._get_check_sql(apps.get_model("cases", "Case"), schema_editor)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER TABLE "cases_case" DROP CONSTRAINT IF EXISTS "{NAME}";', params=None)
    else:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}_insert;", params=None)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}_update;", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0035_scan_patient_died"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddConstraint(model_name="case", constraint=CONSTRAINT)],
            database_operations=[migrations.RunPython(create, drop)],
        ),
    ]
