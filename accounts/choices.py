"""The roles a person holds in the MDT, stored on `mdt.Member.role`.

They live here, below the MDT app, because access is decided from them (accounts.policy,
accounts.roles) and accounts must not depend on the app above it. The stored values are
the database's: never change one without a data migration.
"""

from django.db import models


class MemberRole(models.TextChoices):
    ONCOLOGIST = "oncologist", "Oncologist"
    SPINAL_SURGEON = "spinal_surgeon", "Spinal surgeon"
    RADIOLOGIST = "radiologist", "Radiologist"
    MSCC_COORDINATOR = "mscc_coordinator", "MSCC coordinator"
    MDT_COORDINATOR = "mdt_coordinator", "MDT coordinator"
    PALLIATIVE_CARE = "palliative_care", "Palliative care"
    PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"
    NURSE_SPECIALIST = "nurse_specialist", "Nurse specialist"


# The group of clinicians at referring hospitals (accounts.roles makes it; accounts.policy asks it):
# not a team role, so not a MemberRole.
REFERRER_GROUP = "Referrer"
# The groups whose members work in the coordinators' workspace (accounts.roles makes them; the staff
# rule, accounts.policy.may_be_staff, asks them).
COORDINATOR_GROUP = "MDT coordinator"
READ_ONLY_GROUP = "Read-only"
