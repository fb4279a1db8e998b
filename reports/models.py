"""No tables: the reports are read from the clinical record. This model only carries the permission."""

from django.db import models


class Report(models.Model):
    """The permission to open the service audit (`reports.view_report`): coordinators, clinicians, auditors."""

    class Meta:
        managed = False  # no table: nothing is ever stored here
        default_permissions = ()
        permissions = [("view_report", "Can view the service audit reports and exports")]

    def __str__(self) -> str:
        return "Service audit report"
