from celery import shared_task
from django.utils import timezone

from mdt.models import PeriodicRun


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Record that beat scheduled and a worker ran a periodic task (see /healthz)."""
    PeriodicRun.objects.update_or_create(name="heartbeat", defaults={"last_run_at": timezone.now()})
