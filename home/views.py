import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from kombu import Connection

from accounts.policy import can_build_agenda, can_review_feed_message, can_see_referrals
from cases.selectors import clocks_needing_attention, review_scope
from integrations.hl7.review import needing_review_count
from mdt.models import PeriodicRun
from mdt.selectors import awaiting_signature, my_follow_up_counts, next_meetings, pending_review_worklist
from mdt.tasks import HEARTBEAT, PRINT_HEARTBEAT
from mdt.unlisted import unlisted_cases
from referrals.selectors import clocks_needing_attention as referral_clocks_needing_attention
from reminders.selectors import LAST_RESORT_OK, LAST_RESORT_UNSET, my_reminders, outbox_health


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home/dashboard.html",
        {
            "pending_review": pending_review_worklist(user=request.user),
            "pending_scope": review_scope(request.user),
            "clocks_attention": clocks_needing_attention(),
            "referral_clocks": referral_clocks_needing_attention() if can_see_referrals(request.user) else None,
            "next_meetings": next_meetings(),
            # How many open cases wait on no agenda (HAZ-028): the list itself is on the meetings page.
            "unlisted": unlisted_cases() if can_build_agenda(request.user) else None,
            "my_reminders": my_reminders(user_id=request.user.pk),
            "awaiting_signature": awaiting_signature(request.user),
            "follow_up_counts": my_follow_up_counts(request.user),
            "feed_review_count": needing_review_count() if can_review_feed_message(request.user) else None,
        },
    )


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, broker, the last periodic run and the reminder outbox, for load balancers and people on call.

    "overdue_reminders": unsent and due more than REMINDER_OVERDUE_AFTER_SECONDS ago; any makes the
    status "degraded", as does a reminder sweep, a heartbeat or a print heartbeat (the print queue's
    workers) older than PERIODIC_STALE_AFTER_SECONDS, a kind of reminder that failed at the last sweep,
    a role reminders fall back to with nobody active in it, or a last resort (REMINDER_LAST_RESORT_USERNAMES)
    that is set but names an account that does not exist or nobody active.
    """
    database = _database_ok()
    last_run = last_print = None
    outbox = None
    if database:
        runs = dict(
            PeriodicRun.objects.filter(name__in=[HEARTBEAT, PRINT_HEARTBEAT]).values_list("name", "last_run_at")
        )
        last_run, last_print = runs.get(HEARTBEAT), runs.get(PRINT_HEARTBEAT)
        outbox = outbox_health()
    now = timezone.now()
    stale_after = dt.timedelta(seconds=settings.PERIODIC_STALE_AFTER_SECONDS)
    periodic_ok = last_run is not None and now - last_run <= stale_after
    printing_ok = last_print is not None and now - last_print <= stale_after
    last_sweep = outbox.last_sweep if outbox else None
    sweep_ok = last_sweep is not None and now - last_sweep <= stale_after
    reminders_ok = (
        outbox is not None
        and sweep_ok
        and outbox.overdue == 0
        and not outbox.failing_kinds
        and not outbox.roles_without_anyone
        and outbox.last_resort in (LAST_RESORT_OK, LAST_RESORT_UNSET)
    )
    broker = _broker_ok()
    body = {
        "status": "ok" if database and broker and periodic_ok and printing_ok and reminders_ok else "degraded",
        "database": "ok" if database else "unavailable",
        "broker": "ok" if broker else "unavailable",
        "last_periodic_run": last_run.isoformat() if last_run else None,
        "periodic": "ok" if periodic_ok else ("never run" if last_run is None else "stale"),
        "last_print_run": last_print.isoformat() if last_print else None,
        "printing": "ok" if printing_ok else ("never run" if last_print is None else "stale"),
        "last_reminder_sweep": last_sweep.isoformat() if last_sweep else None,
        "reminder_sweep": "ok" if sweep_ok else ("never run" if last_sweep is None else "stale"),
        "overdue_reminders": outbox.overdue if outbox else None,
        "failed_reminders": outbox.failed if outbox else None,
        # Kinds of reminder whose derivation failed at the last sweep: none is being made (HAZ-050).
        "failing_reminder_kinds": outbox.failing_kinds if outbox else None,
        # Roles reminders fall back to with nobody active in them: those reminders reach nobody (HAZ-021).
        "reminder_roles_without_anyone": outbox.roles_without_anyone if outbox else None,
        # Kinds of reminder some of which now reach only the last resort (or nobody without one), and the
        # state of the last resort itself: "ok", "not set", "nobody active", or a name with no account (HAZ-021).
        "reminder_kinds_to_last_resort": outbox.kinds_to_last_resort if outbox else None,
        "reminder_last_resort": outbox.last_resort if outbox else None,
    }
    # 503 only when the database is down: the web app cannot serve anyone then.
    return JsonResponse(body, status=200 if database else 503)
