"""Possible duplicate patients at registration (HAZ-020): the one rule every path that registers a patient asks.

The same person registered twice under different hospital numbers, without an NHS number to join them (another
hospital's number), splits their history: an earlier MRI, decision or steroid course is not seen. MRN and NHS
number are unique; what is left is the same family name and date of birth. A person registering sees the
patients that match (`duplicate_error`) and registers only once they say it is a different person; the history
row of the new patient says so (`checked_reason`). The PAS feed, which registers nobody but may change a name or
a date of birth into a match, flags it for a coordinator (integrations.hl7.handlers).

Names are compared with accents, case, spaces and punctuation aside (`name_key`), in Python: the query reads
the patients born that day (patient_birth_date_idx: a few a day at 100,000 patients) and the rule is written once.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cases.models import Patient

CONFIRM_LABEL = "This is a different person"
REASON_LIMIT = 100  # django-simple-history's change reason column


def name_key(name: str) -> str:
    """A family name as compared for duplicates: "Griffiths", "GRIFFITHS ", "Grïffiths" and "Griff-iths" are one
    key (accents, case, spaces and punctuation aside; "ß" is "ss")."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return "".join(c for c in unicodedata.normalize("NFKD", bare.casefold()) if c.isalnum())


def possible_duplicates(patient: Patient) -> list[Patient]:
    """Patients registered already who may be `patient`: the same date of birth and family name (name_key),
    `patient` itself aside, and not told apart by NHS numbers (when both have one, they differ: the same one is
    refused by its unique index). One query."""
    key = name_key(patient.family_name or "")
    if patient.date_of_birth is None or not key:
        return []
    return [other for other in candidates(patient) if name_key(other.family_name) == key]


def candidates(patient: Patient) -> QuerySet[Patient]:
    """The other patients born the same day and not told apart by NHS numbers: read by patient_birth_date_idx."""
    same_day = Patient.objects.filter(date_of_birth=patient.date_of_birth).exclude(pk=patient.pk).order_by("id")
    if patient.nhs_number:
        same_day = same_day.filter(nhs_number__isnull=True)  # another NHS number is another person
    return same_day


def describe(patient: Patient) -> str:
    """A possible duplicate as the person checking reads it: "GRIFFITHS, Alys, born 1 Jan 1950, MRN RX2001"."""
    born = patient.date_of_birth
    return f"{patient.display_name}, born {born.day} {born:%b %Y}, MRN {patient.mrn}"


def linked(patient: Patient) -> SafeString:
    """`describe`, with a link to the patient's page (a new tab: the form being filled stays)."""
    return format_html(
        '{} (<a href="{}" target="_blank" rel="noopener">open their record</a>)',
        describe(patient),
        patient.get_absolute_url(),
    )


def duplicate_error(found: list[Patient], *, confirm_label: str = CONFIRM_LABEL) -> ValidationError:
    """Why registering is refused until the person says the patient is a different one: each match, linked."""
    lines = [format_html("Possible duplicate: {}", linked(other)) for other in found]
    ask = (
        f"A patient with the same family name and date of birth is registered already. Check their record: "
        f"if it is the same person, use that record; if not, tick \u201c{confirm_label}\u201d and save again."
    )
    return ValidationError([*lines, ask])


def checked_reason(found: list[Patient]) -> str:
    """The patient's history row, saved after a person said they are none of `found`."""
    reason = "Checked: a different person from MRN " + ", ".join(other.mrn for other in found)
    return reason if len(reason) <= REASON_LIMIT else reason[: REASON_LIMIT - 1] + "\u2026"
