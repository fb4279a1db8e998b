"""The audit's permission, and the closed months' figures kept so that a year's report reads a few rows.

`StoredMonth` holds one figure's counts (or the rows it is folded from) for one closed month, computed by
the same query that counts the open months live (reports.monthly). `ClockInputChange` is written only by
database triggers (migrations 0003 and 0004): every insert, update or delete of a case, a scan or a
patient adds the instants that could place an affected case in a month (the case's suspicion, referral
and decision-to-treat times, before and after the change), and every write of a decision, an assessment,
a case or a patient adds the decision times of every patient it touches. A stored month with such an
instant inside it is stale and is counted live until the refresh recomputes it.
"""

import datetime as dt

from django.db import models


class Report(models.Model):
    """The permission to open the service audit (`reports.view_report`): coordinators, clinicians, auditors."""

    class Meta:
        managed = False  # no table: the permission only
        default_permissions = ()
        permissions = [("view_report", "Can view the service audit reports and exports")]

    def __str__(self) -> str:
        return "Service audit report"


class StoredMonth(models.Model):
    """One figure's counts, or rows, for one closed calendar month (local), by primary site and presentation."""

    measure = models.CharField(max_length=20)  # the figure: a measure key, "survival", "referrals", ...
    month = models.DateField()  # the first day, local
    starts_at = models.DateTimeField()  # local midnight on the first day
    ends_before = models.DateTimeField()  # local midnight on the first day of the next month
    # A measure: [[primary_site, presentation, met, breach, pending], ...], the cases of the month, grouped.
    # Another figure: [[primary_site, presentation, ...], ...], the rows it is folded from (reports.monthly).
    counts = models.JSONField(default=list)
    rule = models.CharField(max_length=64)  # reports.monthly.rule: the query that counted them
    computed_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["measure", "month"], name="storedmonth_measure_month_uniq")]

    def __str__(self) -> str:
        return f"{self.measure} {self.month:%Y-%m}"


class ClockInputChange(models.Model):
    """An instant at which a changed case may start a clock: its month's stored figures are stale.

    Written by the database's triggers on cases, scans and patients (never by the application);
    claimed (`batch`) and deleted by the refresh that recomputes the months they fall in."""

    at = models.DateTimeField(db_index=True)
    batch = models.UUIDField(null=True, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"change at {self.at:%Y-%m-%d %H:%M}"


class StoredDay(models.Model):
    """One figure's counts, or rows, for one settled local day of a month not yet stored whole (the current one).

    The same form and rule as `StoredMonth` (reports.monthly): the page reads it only while no change is logged
    inside the day, so that the current month counted live is today's cases, not the month's."""

    measure = models.CharField(max_length=20)
    day = models.DateField()  # local
    starts_at = models.DateTimeField()  # local midnight on the day
    ends_before = models.DateTimeField()  # local midnight on the next day
    counts = models.JSONField(default=list)
    rule = models.CharField(max_length=64)
    computed_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["measure", "day"], name="storedday_measure_day_uniq")]

    def __str__(self) -> str:
        return f"{self.measure} {self.day:%Y-%m-%d}"

    @property
    def month(self) -> dt.date:
        """The month the day's figures add to."""
        return self.day.replace(day=1)
