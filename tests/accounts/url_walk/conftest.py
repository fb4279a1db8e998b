"""The world every walk runs in."""

from tests.accounts.url_walk.sampling import world  # noqa: F401  (a fixture)
