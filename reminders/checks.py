"""System checks of the last-resort recipient of reminders (REMINDER_LAST_RESORT_USERNAMES; HAZ-021).

reminders.W001 (every `manage.py check`): DEBUG is off and nobody is named, so a reminder whose roles nobody
holds is made for nobody. reminders.E001 (a database check: `manage.py check --database default`, and
`migrate`, which runs them): a name that matches no account. The other checks of this project read settings
only; this one needs the accounts, so it runs only when a database is asked for, and says nothing while the
accounts' table is not there yet (before the first migrate). /healthz reads the same at every call
(`reminders.selectors.last_resort_state`).
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError, connections

from reminders.kinds.base import last_resort_accounts

SETTING = "REMINDER_LAST_RESORT_USERNAMES"


@register()
def last_resort_named(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    if settings.DEBUG or settings.REMINDER_LAST_RESORT_USERNAMES:
        return []
    return [
        CheckWarning(
            f"{SETTING} is empty: a reminder whose roles nobody holds (no radiologist, no coordinator) is made "
            "for nobody.",
            hint="Name, comma-separated, the usernames of the people who receive such reminders (e.g. the MDT lead).",
            id="reminders.W001",
        )
    ]


@register(Tags.database)
def last_resort_accounts_exist(
    app_configs: Any = None, databases: Iterable[str] | None = None, **kwargs: Any
) -> list[Error]:
    names = set(settings.REMINDER_LAST_RESORT_USERNAMES)
    if not names or not databases or "default" not in databases:
        return []
    try:
        if get_user_model()._meta.db_table not in connections["default"].introspection.table_names():
            return []  # before the first migrate: nothing to check against yet
        found = set(last_resort_accounts().values_list("username", flat=True))
    except DatabaseError:
        return []
    unknown = sorted(names - found)
    if not unknown:
        return []
    return [
        Error(
            f"{SETTING} names {', '.join(unknown)}, which no account has: a reminder whose roles nobody holds would "
            "not reach them.",
            hint="Give the usernames of existing accounts, exactly as they sign in.",
            id="reminders.E001",
        )
    ]
