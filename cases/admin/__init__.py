"""The coordinators' workspace for the clinical record: patients and scans (record.py), the case
form (cases.py), the score pages (assessments.py) and communication needs (communication.py).
Importing them registers them with the admin site."""

from cases.admin import assessments, cases, communication, record

__all__ = ["assessments", "cases", "communication", "record"]
