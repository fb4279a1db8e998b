"""The coordinators' workspace for the clinical record: patients, cases and scans (record.py),
and the score pages (assessments.py). Importing both registers them with the admin site."""

from cases.admin import assessments, record

__all__ = ["assessments", "record"]
