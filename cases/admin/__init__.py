"""The coordinators' workspace for the clinical record: patients and scans (record.py), the case
form (cases.py) and the score pages (assessments.py). Importing them registers them with the admin site."""

from cases.admin import assessments, cases, record

__all__ = ["assessments", "cases", "record"]
