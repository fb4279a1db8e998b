"""The demo service that `manage.py seed_demo` creates (only ever with DEBUG=1)."""
