"""The integration layer in the workspace: API clients (superusers only)."""

from integrations.admin import api

__all__ = ["api"]
