"""Signals that apps above `cases` connect to, so `cases` imports none of them (as cases.panels does for pages).

`patient_died` is sent by cases.services.patient_record_death inside the transaction that records the
death, with `patient_id`, `date_of_death`, `user` and `source`. Receivers run in that transaction: one
that raises rolls the recording back, so a death is never saved while the machinery chasing the
patient carries on (docs/clinical-safety/hazard-log.md HAZ-009).
"""

from django.dispatch import Signal

patient_died = Signal()
