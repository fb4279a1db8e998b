"""The radiotherapy audit's cohort by clock start (reports.measures: any radiotherapy in the plan) gets a partial
index; the index it replaces served only radiotherapy named as the treatment and no query reads it any more.

Applied through the schema editor only where needed (an index already there is kept, one already gone is not
dropped again), so a database that ran an earlier draft of this migration ends the same."""

from django.db import migrations, models

OLD = models.Index(fields=["treatment_modality", "decision_to_treat_at"], name="case_decision_to_treat_idx")
NEW = models.Index(
    models.F("decision_to_treat_at"),
    condition=models.Q(("treatment_modality", "radiotherapy"), ("radiotherapy_planned", True), _connector="OR"),
    name="case_rt_cohort_idx",
)


def _indexes(schema_editor, table):
    with schema_editor.connection.cursor() as cursor:
        return set(schema_editor.connection.introspection.get_constraints(cursor, table))


def forwards(apps, schema_editor):
    case = apps.get_model("cases", "Case")
    existing = _indexes(schema_editor, case._meta.db_table)
    if OLD.name in existing:
        schema_editor.remove_index(case, OLD)
    if NEW.name not in existing:
        schema_editor.add_index(case, NEW)


def backwards(apps, schema_editor):
    case = apps.get_model("cases", "Case")
    existing = _indexes(schema_editor, case._meta.db_table)
    if NEW.name in existing:
        schema_editor.remove_index(case, NEW)
    if OLD.name not in existing:
        schema_editor.add_index(case, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0028_case_steroids_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="case", name=OLD.name),
                migrations.AddIndex(model_name="case", index=NEW),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
