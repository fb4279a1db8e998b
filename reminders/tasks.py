"""Thin Celery tasks: ids in, a service call, retries. Never names or clinical text in a message."""

from typing import Any

from celery import Task, shared_task

from reminders import delivery
from reminders import sweep as sweeping


@shared_task(ignore_result=True)
def sweep() -> None:
    """Run by beat every minute (config/celery.py): derive, cancel, take back, claim and enqueue."""
    sweeping.sweep()


@shared_task(bind=True, ignore_result=True)
def send_batch(self: Task[Any, Any], claims: list[list[int]]) -> None:
    """One claimed batch, [(reminder id, claim number), ...]: fanned out into one send task each, routed
    where the batch came from (reminders.sweep explains why the fan-out is here)."""
    sweeping.fan_out([(int(pk), int(claim)) for pk, claim in claims], delivery_info=self.request.delivery_info)


@shared_task(bind=True, ignore_result=True, max_retries=None)
def send(self: Task[Any, Any], reminder_id: int, claim: int) -> None:
    """Send one claimed reminder. Safe to deliver twice: delivery.deliver explains why.

    A failed send is retried by Celery after an exponential backoff that delivery.backoff
    computes from the row's own attempt count; the row, not Celery, decides when to give up
    (REMINDER_MAX_ATTEMPTS), and if the retry message is lost with Redis the row's lease
    runs out and the sweep claims it again.
    """
    try:
        delivery.deliver(reminder_id=reminder_id, claim=claim)
    except delivery.SendLater as later:
        raise self.retry(countdown=later.countdown, exc=later) from None
