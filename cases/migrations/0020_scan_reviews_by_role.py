"""Existing reviews under the reviewer-role rule (cases.choices.ReviewerRole).

A review by a radiologist keeps its place and gets its role. A review by an oncologist or spinal
surgeon moves to the clinician-review fields, so the scan is back on the radiologists' worklist
until a radiologist reviews it, as readiness always required. A reviewer with no reviewing role
today keeps the review with a blank role: a coordinator sees it and asks a radiologist.
"""

from django.db import migrations

REVIEWING = {"radiologist", "oncologist", "spinal_surgeon"}


def forwards(apps, schema_editor):
    Scan = apps.get_model("cases", "Scan")
    Member = apps.get_model("mdt", "Member")
    roles = dict(Member.objects.values_list("user_id", "role"))
    for scan in Scan.objects.filter(reviewed_by__isnull=False).only("pk", "reviewed_by_id", "reviewed_at"):
        role = roles.get(scan.reviewed_by_id, "")
        if role == "radiologist":
            Scan.objects.filter(pk=scan.pk).update(reviewer_role=role)
        elif role in REVIEWING:
            Scan.objects.filter(pk=scan.pk).update(
                clinician_reviewed_at=scan.reviewed_at,
                clinician_reviewed_by_id=scan.reviewed_by_id,
                clinician_reviewer_role=role,
                reviewed_at=None,
                reviewed_by=None,
            )


def backwards(apps, schema_editor):
    Scan = apps.get_model("cases", "Scan")
    for scan in Scan.objects.filter(reviewed_at__isnull=True, clinician_reviewed_at__isnull=False):
        Scan.objects.filter(pk=scan.pk).update(
            reviewed_at=scan.clinician_reviewed_at, reviewed_by_id=scan.clinician_reviewed_by_id
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0019_scan_reviewer_role"), ("mdt", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
