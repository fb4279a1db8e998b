"""The audit's periodic task: store the closed months' measure figures (reports.monthly.refresh)."""

from celery import shared_task


@shared_task(ignore_result=True)
def refresh_stored_months() -> None:
    """Count again every closed month changed since it was stored, and store the months not yet stored."""
    from reports import monthly

    monthly.refresh()
