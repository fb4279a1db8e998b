from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from signin.oidc.roles import role_table


@checks.register(checks.Tags.security)
def role_table_is_valid(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """A typo in OIDC_ROLE_MAP stops `check` (and start-up checks) instead of silently granting nothing."""
    try:
        role_table()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="signin.E001")]
    return []
