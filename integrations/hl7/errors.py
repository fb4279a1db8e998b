class FeedError(Exception):
    """Understood but not applied (AE). The text names ids and fields, never patient details."""
