"""The integration layer in the workspace: API clients (superusers) and the PAS feed's audit trail."""

from integrations.admin import api, feed

__all__ = ["api", "feed"]
