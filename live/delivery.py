"""Decision against delivery: for each treatment an MDT decision chose, what was delivered and when
(radiotherapy started, surgery done), or why not (the patient's choice, deterioration, death), entered
by the team or by the PAS feed (a procedure message: integrations.hl7.procedures, source "feed"); and how
often the delivered treatment matched the decision.

A decision *matched* when every treatment it chose was delivered; *did not match* when one was
recorded as not delivered; *awaiting* while a chosen treatment has no record yet. Decisions of no
active treatment, and amended ones (their amendment counts), are left out.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from accounts import policy
from core.fields import validate_only
from core.history import save_as
from core.timezones import local_day
from live.models import Delivery
from mdt.models import Decision


@transaction.atomic
def delivery_record(
    *,
    decision_id: int,
    treatment: str,
    user: Any,
    delivered_on: dt.date | None,
    reason: str = "",
    note: str = "",
    source: str = Delivery.Source.TEAM,
) -> Delivery:
    """Record (or correct) one chosen treatment's delivery. A feed passes `source="feed"` and no user."""
    if source == Delivery.Source.TEAM and not policy.can_record_decision(user):
        raise PermissionDenied("Only members of the MDT record what treatment was delivered.")
    decision = Decision.objects.select_for_update().get(pk=decision_id)
    if decision.status == Decision.Status.SUPERSEDED:
        raise ValidationError({"decision": "This decision was amended: record the delivery against the amendment."})
    if treatment not in decision.treatments:
        raise ValidationError({"treatment": "Record the delivery of a treatment the decision chose."})
    decided = local_day(decision.decided_at)
    if delivered_on is not None:
        if delivered_on < decided:
            raise ValidationError(
                {"delivered_on": f"The date delivered cannot be before the decision ({decided:%d %b %Y})."}
            )
        if delivered_on > timezone.localdate():
            raise ValidationError({"delivered_on": "The date delivered cannot be in the future."})
        reason = ""
    elif reason not in Delivery.Reason.values:
        raise ValidationError({"reason": "Give the date it was delivered, or choose why it was not."})
    if reason == Delivery.Reason.OTHER and not note.strip():
        raise ValidationError({"note": "Say in the note why it was not delivered."})
    row = Delivery.objects.filter(decision=decision, treatment=treatment).first()
    row = row or Delivery(decision=decision, treatment=treatment)
    row.delivered_on, row.reason, row.note, row.source = delivered_on, reason, note.strip(), source
    row.recorded_by = user if source == Delivery.Source.TEAM else None
    row.recorded_at = timezone.now()
    validate_only(row, "note")  # its maximum length, on every path (the page, the feed)
    save_as(user, row)
    return row


MATCHED, NOT_MATCHED, AWAITING = "matched", "not_matched", "awaiting"


def state_of(decision: Decision) -> str:
    """Needs `decision.deliveries` prefetched."""
    rows = {row.treatment: row for row in decision.deliveries.all()}
    if any(not row.delivered for row in rows.values()):
        return NOT_MATCHED
    if all(treatment in rows for treatment in decision.treatments):
        return MATCHED
    return AWAITING


@dataclass
class DeliveryReport:
    decisions: int = 0
    states: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)  # deliveries recorded, by who recorded them

    def share(self, state: str) -> float | None:
        """The share of decisions whose delivery is known (matched or not) in this state."""
        known = self.states[MATCHED] + self.states[NOT_MATCHED]
        return round(100 * self.states[state] / known) if known else None

    @property
    def reason_rows(self) -> list[tuple[str, int]]:
        labels = dict(Delivery.Reason.choices)
        return [(str(labels[key]), count) for key, count in self.reasons.most_common()]


def delivery_report(start: dt.datetime, end: dt.datetime) -> DeliveryReport:
    """Decisions made in [start, end) against what was delivered: two queries."""
    decisions = (
        Decision.objects.filter(decided_at__gte=start, decided_at__lt=end, no_treatment=False)
        .exclude(status=Decision.Status.SUPERSEDED)
        .prefetch_related(Prefetch("deliveries", queryset=Delivery.objects.order_by("id")))
    )
    report = DeliveryReport()
    for decision in decisions:
        report.decisions += 1
        report.states[state_of(decision)] += 1
        report.reasons.update(row.reason for row in decision.deliveries.all() if not row.delivered)
        report.sources.update(row.source for row in decision.deliveries.all())
    return report
