"""Create the role groups (accounts/roles.py) and give them the permissions that exist.

On a fresh database the permissions do not exist yet while migrations run (Django
creates them after the last migration), so the groups start empty here and are filled
by the post_migrate handler at the end of the same `migrate`. On an existing database
this migration fills them at once.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from accounts.roles import sync_roles

    sync_roles(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
