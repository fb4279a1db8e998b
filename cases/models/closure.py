"""Why a case was closed (HAZ-029): a closed case leaves every worklist, so closing one says why.

A case is closed by a coordinator in the workspace (the case's own form, cases.admin.cases), where the
open work that closing would take off the lists is shown first (cases.closing). The reason is required
on every path by a database constraint; the messages come from `closure_errors`.
"""

from django.db import models
from django.db.models import Q

from cases.choices import CaseStatus, ClosedReason
from core.fields import LimitedTextField

# Every closed case has a reason, on every path (the migration gave the older ones "not recorded").
CLOSED_HAS_A_REASON = models.CheckConstraint(
    condition=~Q(status=CaseStatus.CLOSED) | ~Q(closed_reason=""), name="case_closed_has_a_reason"
)


class Closure(models.Model):
    closed_reason = models.CharField(
        "reason for closing",
        max_length=20,
        choices=ClosedReason.choices,
        blank=True,
        help_text="Needed when the status is Closed: a closed case leaves every worklist and reminder.",
    )
    closed_note = LimitedTextField(
        "closing note", blank=True, max_length=500, help_text="Where care went, or why; needed for Other."
    )

    class Meta:
        abstract = True

    def closure_errors(self) -> dict[str, str]:
        """The reason's rules; an open case keeps no reason (a reopened case's old reason is cleared)."""
        status = getattr(self, "status", "")
        if status != CaseStatus.CLOSED:
            self.closed_reason, self.closed_note = "", ""
            return {}
        if not self.closed_reason:
            return {"closed_reason": "Give the reason for closing the case: a closed case leaves every worklist."}
        if self.closed_reason == ClosedReason.OTHER and not self.closed_note.strip():
            return {"closed_note": "Say why the case is closed: the reason chosen is Other."}
        patient = getattr(self, "patient", None)
        if self.closed_reason == ClosedReason.DIED and patient is not None and patient.died_on is None:
            return {
                "closed_reason": "Record the date of death on the patient first, so that every clock ends and "
                "every reminder stops for all the patient's cases; then close this one."
            }
        return {}
