from celery import shared_task
from django.utils import timezone

from mdt.models import PeriodicRun


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Record that beat scheduled and a worker ran a periodic task (see /healthz)."""
    PeriodicRun.objects.update_or_create(name="heartbeat", defaults={"last_run_at": timezone.now()})


@shared_task(ignore_result=True)
def build_document(document_id: int) -> None:
    """Lay out one PDF (mdt.printing.build): the row's id in, nothing else."""
    from mdt import printing

    printing.build(document_id)
