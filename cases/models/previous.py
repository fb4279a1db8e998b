"""The case's treatment history that the MDT's choices read: previous radiotherapy to the spine.

It affects re-irradiation and the choice of surgery, and trials admit or exclude on it
(docs/clinical-reference.md §8.2, `previous_rt_to_level`). Not known until someone records it: the
trials' rule on it is then *to check* (live.trials), never taken as met.
"""

from django.db import models

from cases.choices import PreviousRadiotherapy


class PreviousTreatment(models.Model):
    previous_spinal_rt = models.CharField(
        "previous radiotherapy to the spine",
        max_length=10,
        choices=PreviousRadiotherapy.choices,
        default=PreviousRadiotherapy.UNKNOWN,
        help_text="Trials admit or exclude on it: leave Not known until it is checked.",
    )
    previous_rt_detail = models.CharField(
        "area treated, dose and when",
        max_length=200,
        blank=True,
        help_text="e.g. T10-L1, 20 Gy/5, March 2025; or where to check when not known.",
    )

    class Meta:
        abstract = True

    def previous_treatment_errors(self) -> dict[str, str]:
        if self.previous_spinal_rt == PreviousRadiotherapy.NO and self.previous_rt_detail.strip():
            return {"previous_rt_detail": "No previous radiotherapy to the spine: leave the area blank, or choose Yes."}
        return {}
