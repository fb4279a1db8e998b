"""API clients keep their history (scopes, on/off, a new token: a system's access), append-only like every
other history table (core/history_guard.py): on PostgreSQL its rows refuse UPDATE and DELETE, the table TRUNCATE."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from core.history_guard import protect, protect_truncate, unprotect, unprotect_truncate

TABLES = ("integrations_historicalapiclient",)


class Migration(migrations.Migration):

    dependencies = [
        ('integrations', '0003_feed_message_review'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalApiClient',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, help_text="The system, e.g. 'Trust data warehouse'.", max_length=100)),
                ('scopes', models.JSONField(default=list, help_text='The FHIR resource types this system may read.')),
                ('token_prefix', models.CharField(editable=False, max_length=12)),
                ('active', models.BooleanField(default=True, help_text='Untick to refuse the token at once.')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical API client',
                'verbose_name_plural': 'historical API clients',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(protect(*TABLES), unprotect(*TABLES)),
        migrations.RunPython(protect_truncate(*TABLES), unprotect_truncate(*TABLES)),
    ]
