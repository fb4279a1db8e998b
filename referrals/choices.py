"""Referral enumerations. Clinical keys are the case's own (cases.choices), so a referral becomes a case
without translation."""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    NEW = "new", "New"
    IN_TRIAGE = "in_triage", "In triage"
    ADVICE_GIVEN = "advice_given", "Advice given"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


# What a referrer or the inbox sees as "still with the service".
OPEN_STATUSES = (Status.NEW, Status.IN_TRIAGE, Status.ADVICE_GIVEN)
SUBMITTED_STATUSES = (Status.NEW, Status.IN_TRIAGE, Status.ADVICE_GIVEN, Status.ACCEPTED, Status.DECLINED)


class Outcome(models.TextChoices):
    """The triage outcome: what the service advises and whether it takes the patient on."""

    ADVICE_ONLY = "advice_only", "Advice only (manage locally)"
    LIST_FOR_MDT = "list_for_mdt", "List for the MDT"
    URGENT_SURGICAL_OPINION = "urgent_surgical_opinion", "Urgent surgical opinion"
    RADIOTHERAPY_LOCALLY = "radiotherapy_locally", "Radiotherapy locally"
    TRANSFER = "transfer", "Transfer to the spinal centre"
    NOT_MSCC = "not_mscc", "Not MSCC"


# Outcomes that are themselves the confirmed plan; the others wait for the MDT or the surgeons
# (the plan clock then stops when the case's treatment plan is agreed).
PLAN_IN_ADVICE = frozenset({Outcome.ADVICE_ONLY, Outcome.RADIOTHERAPY_LOCALLY, Outcome.NOT_MSCC})
# Outcomes that make the patient the service's: accepting creates or links the case.
TAKES_ON = frozenset({Outcome.LIST_FOR_MDT, Outcome.URGENT_SURGICAL_OPINION, Outcome.TRANSFER})
# Outcomes whose case is listed as an MDT candidate.
MDT_CANDIDATE = frozenset({Outcome.LIST_FOR_MDT, Outcome.URGENT_SURGICAL_OPINION})


class Precautions(models.TextChoices):
    """Spinal precautions (docs/clinical-reference.md §10: flat bed rest / log roll until stability is cleared)."""

    FLAT_LOG_ROLL = "flat_log_roll", "Flat bed rest and log roll until spinal stability is cleared"
    NONE_NEEDED = "none_needed", "No spinal precautions needed"
    CLEARED = "cleared", "Stability cleared: mobilise as pain allows"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"
