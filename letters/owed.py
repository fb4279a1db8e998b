"""Signed decisions whose patient has no letter yet: the prompt that each decision reaches its patient.

A patient's letter is drafted from the decision by a clinician or coordinator (letters.services.letter_draft);
nothing writes one by itself, because the clinician reviews every letter before it is released. So that a
signed decision is never left without one unnoticed, the letters page lists the decisions signed in the last
LETTER_OWED_DAYS days whose patient has no letter, oldest first, each with the button that drafts it.
"""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from mdt.models import Decision

# How far back the list looks: an operational window (decisions signed before the service wrote patients'
# letters are not listed), not a clinical number.
LETTER_OWED_DAYS = 90


def decisions_owed_a_letter(now: dt.datetime | None = None) -> "QuerySet[Decision]":
    """Signed, current decisions of living patients, with no patient's letter, signed within the window."""
    since = (now or timezone.now()) - dt.timedelta(days=LETTER_OWED_DAYS)
    return (
        Decision.objects.filter(
            status=Decision.Status.SIGNED,
            patient_letter__isnull=True,
            case__patient__died_on__isnull=True,
            decided_at__gte=since,
        )
        .select_related("case__patient__communication_needs", "agenda_item__meeting")
        .order_by("decided_at", "id")
    )
