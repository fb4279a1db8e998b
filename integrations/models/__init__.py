"""The integration layer's records: API clients (api.py) and the PAS feed's audit trail (feed.py)."""

from integrations.models.api import ApiClient, hash_token
from integrations.models.feed import FeedConflict, FeedFieldValue, FeedMessage

__all__ = ["ApiClient", "FeedConflict", "FeedFieldValue", "FeedMessage", "hash_token"]
