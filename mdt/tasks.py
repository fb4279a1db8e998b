from celery import shared_task
from django.utils import timezone

from mdt.models import PeriodicRun

# The PeriodicRun rows the two heartbeats keep (read by /healthz).
HEARTBEAT = "heartbeat"
PRINT_HEARTBEAT = "print-heartbeat"


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Record that beat scheduled and a worker ran a periodic task (see /healthz)."""
    PeriodicRun.objects.update_or_create(name=HEARTBEAT, defaults={"last_run_at": timezone.now()})


@shared_task(ignore_result=True)
def print_heartbeat() -> None:
    """The heartbeat of the print queue (config.settings.CELERY_TASK_ROUTES): a printer is taking its work.

    Beat sends it every minute like the other; /healthz reports it apart, since a deployment can run the
    worker and not the printer, and then no PDF is ever built.
    """
    PeriodicRun.objects.update_or_create(name=PRINT_HEARTBEAT, defaults={"last_run_at": timezone.now()})


@shared_task(ignore_result=True)
def build_document(document_id: int) -> None:
    """Lay out one PDF (mdt.printing.build): the row's id in, nothing else."""
    from mdt import printing

    printing.build(document_id)


# A prepare message not taken within this is dropped: beat sends the next round within 10 minutes
# (config/celery.py), and a backlog of them would only repeat the same work.
PREPARE_EXPIRES = 540


@shared_task(ignore_result=True)
def prepare_packs() -> None:
    """Run by beat every 10 minutes: one prepare_pack per meeting whose pack is laid out ahead."""
    from mdt import printing

    for meeting_id in printing.packs_to_prepare():
        prepare_pack.apply_async((meeting_id,), expires=PREPARE_EXPIRES)


# The print queue's messages a person waits for (build_document: a pack, sheet or letter asked for) are
# taken before the ones laid out ahead: on Redis a message of priority 9 goes to a list of its own that
# the printers read after the list of priority 0 (kombu's priority steps; 0 is the highest on Redis).
AHEAD_PRIORITY = 9


@shared_task(ignore_result=True, priority=AHEAD_PRIORITY)
def prepare_pack(meeting_id: int) -> None:
    """Lay out ahead the cases of one meeting's pack (mdt.printing.prepare_pack): the meeting's id in."""
    from mdt import printing

    printing.prepare_pack(meeting_id)
