"""The sweep that Celery beat runs every minute (reminders.tasks.sweep, schedule in config/celery.py).

1. cancel: unsent rows whose subject was resolved (MRI reviewed, follow-up done...) or deleted.
   Before derive, so that it reads only the rows earlier sweeps left unsent: a row derive makes
   is open by construction (made a moment ago from an open subject), and the send task checks
   its subject again just before sending. After a burst of new rows this step read them all
   (25,830 rows due at size L: 200 to 400 ms, a hash of every scan) to cancel none of them.
2. derive: create the reminders that have fallen due from the clinical data (reminders.kinds),
   set-based: the kinds at volume (MRI review at each escalation level, the agenda, sign-offs,
   advice) as one INSERT ... SELECT ... ON CONFLICT (dedupe_key) DO NOTHING each, compiled from
   the kind's own queryset and made in the database (`insert`: 25,830 rows at size L in about
   0.5 s, where building them in Python and bulk-creating them took 2.3 s); the others as rows
   built in Python from a few queries, bulk-created. The unique dedupe_key, the same string
   either way, makes a second sweep (or one running at the same time) create nothing.
3. take back: rows whose claim ran out (the message was lost, or the worker died while
   sending) go back to pending, or to failed after REMINDER_MAX_ATTEMPTS tries.
4. claim and enqueue: due rows in batches. Each batch is claimed in one transaction
   (SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL; on SQLite the IMMEDIATE transaction
   holds the write lock), and after that transaction commits the batch is published as ONE
   message, reminders.tasks.send_batch([(id, claim number), ...]): ids and claim numbers, never
   patient data. If the broker cannot take it, the claims are handed back at once and the next
   sweep tries again.
5. record the sweep's time for /healthz (mdt.PeriodicRun "reminder-sweep").

Two sweeps at once (a slow one overlapping the next, two beats by mistake) claim disjoint
rows: nothing is sent twice. Each step is a function of `now` that tests call on its own.

What a sweep with nothing to do reads: what is open (unsent rows, MRIs waiting, cases on steroids...),
each through a partial index, never the whole record or the outbox already sent; where the open subjects
are many (MRIs waiting), the "no reminder yet" reads indexes alone (index-only scans: the MRIs' partial
indexes, the reminders' subject indexes with kind and level). Every open subject is looked at each minute,
not only rows changed since the last sweep: a deadline passes with time, and a sweep can be skipped.

Why one message per batch, fanned out by the worker into one send task per reminder (fan_out):
publishing a Celery message costs about a millisecond of Python, so 10,000 due reminders kept the
sweep publishing for tens of seconds; one message per batch of REMINDER_BATCH_SIZE takes that off
the sweep. The worker then publishes the batch's send tasks, (id, claim number) each, in one round
trip, rather than sending the emails itself inside the batch task: each reminder keeps its own
task, so the guarantees stay those of reminders.tasks.send and reminders.delivery, unchanged:
- no double send: every send task still passes the one conditional UPDATE (this claim, not
  started); a batch delivered twice fans out twice and the second copy of each send does nothing;
  a batch from an older claim fans out sends that do nothing;
- leases: a batch whose fan-out never happens (lost with Redis, worker killed) leaves its rows
  claimed until REMINDER_CLAIM_TIMEOUT_SECONDS, then the sweep takes them back, as for a lost
  send message; sending 500 emails one after the other in one task would outlast both the claim
  timeout and the task's time limit, and would use one worker process for the whole batch;
- per-reminder retry and backoff: the send task's own (Celery retry, the row's attempt count);
- the broker failing, at the sweep or at the worker's fan-out: the claims still untouched are
  handed back at once (release) and the next sweep claims them again.
"""

import datetime as dt
import functools
import logging
import operator
import time
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from cases.models import Case
from mdt.models import PeriodicRun
from reminders.insert import insert
from reminders.kinds import KINDS, Run
from reminders.kinds.base import DEATH_REASON, Selection, alive
from reminders.models import UNSENT, Reminder

log = logging.getLogger(__name__)

ANALYZE_AFTER = 1000  # rows created by one sweep (see derive)
SWEEP_RUN = "reminder-sweep"  # mdt.PeriodicRun name, read by /healthz
# Publishing to a broker that is down fails fast and hands the claims back; the sweep retries.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# Broker commands buffered before the publish batch is sent (a message is one or a few commands):
# above any REMINDER_BATCH_SIZE in use, so a claimed batch goes in one round trip.
PUBLISH_BATCH_COMMANDS = 100_000


@dataclass
class SweepReport:
    derived: int = 0
    cancelled: int = 0
    released: int = 0
    failed: int = 0
    claimed: int = 0
    broker_down: bool = False
    # Milliseconds spent in each step, for the log line and the benchmark.
    timings: dict[str, int] = field(default_factory=dict)
    # The kinds whose derivation failed in this sweep (recorded for /healthz).
    failed_kinds: list[str] = field(default_factory=list)


def where(exc: BaseException) -> str:
    """file:line of the innermost frame: enough to find a bug, with none of the exception's text."""
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{frames[-1].filename.rsplit('/', 2)[-1]}:{frames[-1].lineno}" if frames else "?"


def derive(now: dt.datetime, failed: list[str] | None = None) -> int:
    """Create the reminders due by `now` that do not exist yet; return how many rows were offered
    (a Selection's: the rows its INSERT made; the Python kinds': the rows handed to bulk_create). The
    kinds whose derivation failed are added to `failed` (the sweep shows them on /healthz, HAZ-050)."""
    run = Run(now)
    offered = 0
    for kind in KINDS.values():
        try:
            with transaction.atomic():
                made = create(run, kind.derive(run))
        except Exception as exc:
            # One kind failing (bad data, a table being migrated) must not stop the others.
            log.error("reminder derive failed: kind=%s error=%s at %s", kind.kind, type(exc).__name__, where(exc))
            if failed is not None:
                failed.append(kind.kind)
            continue
        offered += made
    if offered >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # After a burst of new rows the planner's statistics still describe a small outbox, and
        # the next sweeps' "no reminder yet" anti-joins run ten times slower (measured: 1.1 s
        # instead of 0.14 s at 1,000,000 scans) until autovacuum gets round to it. A few ms.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reminders_reminder")
    return offered


def create(run: Run, derived: Iterable[Reminder | Selection]) -> int:
    """One kind's new rows: each Selection as one INSERT ... SELECT (to the last resort when nobody holds its
    roles: `Run.addressed`), the unsaved rows in one bulk_create. A concurrent sweep may insert the same keys
    first: the unique key settles it either way."""
    made, rows = 0, []
    for item in derived:
        if isinstance(item, Selection):
            made += insert(run.addressed(item), run.now)
        else:
            rows.append(item)
    rows = without_the_dead(rows)
    Reminder.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return made + len(rows)


def without_the_dead(rows: list[Reminder]) -> list[Reminder]:
    """Drop derived rows about a patient whose death is recorded: nobody is chased for them (one query)."""
    case_ids = {row.case_id for row in rows if row.case_id}
    if not case_ids:
        return rows
    dead = set(Case.objects.filter(pk__in=case_ids, patient__died_on__isnull=False).values_list("pk", flat=True))
    return [row for row in rows if row.case_id not in dead]


def cancel_resolved(now: dt.datetime) -> int:
    """Unsent rows (pending or failed) whose patient died, whose subject was deleted, or no longer needed.

    Every query reads the unsent rows only (reminder_unsent_kind_idx), never the outbox of reminders
    already sent; and only the kinds that have unsent rows are looked at (one query finds them).
    """
    unsent = Reminder.objects.filter(status__in=UNSENT)
    kinds = set(unsent.order_by().values_list("kind", flat=True).distinct())
    if not kinds:
        return 0
    cancelled = unsent.exclude(alive()).update(status=Reminder.Status.CANCELLED, status_reason=DEATH_REASON)
    for kind in KINDS.values():
        if kind.kind not in kinds:
            continue
        rows = unsent.filter(kind=kind.kind)
        gone = rows.filter(**{f"{kind.subject}__isnull": True})
        cancelled += gone.update(status=Reminder.Status.CANCELLED, status_reason="cancelled: subject deleted")
        resolved = rows.exclude(kind.still_open(now))
        cancelled += resolved.update(status=Reminder.Status.CANCELLED, status_reason="cancelled: resolved")
    return cancelled


def release_expired(now: dt.datetime) -> tuple[int, int]:
    """Claims whose lease ran out: back to pending, or failed after the last try. Returns (released, failed)."""
    expired = Reminder.objects.filter(status=Reminder.Status.SENDING, lease_until__lte=now)
    failed = expired.filter(attempts__gte=settings.REMINDER_MAX_ATTEMPTS).update(
        status=Reminder.Status.FAILED,
        lease_until=None,
        status_reason=f"failed: still unsent after {settings.REMINDER_MAX_ATTEMPTS} tries",
    )
    released = expired.update(
        status=Reminder.Status.PENDING,
        lease_until=None,
        send_started_at=None,
        status_reason="claim expired: to be sent again",
    )
    return released, failed


def claim_batch(now: dt.datetime, *, size: int, ids: list[int] | None = None, report: SweepReport | None = None) -> int:
    """Claim up to `size` due rows and enqueue them as one batch after commit. Returns how many."""
    with transaction.atomic():
        due = Reminder.objects.due(now)
        if ids is not None:
            due = due.filter(pk__in=ids)
        picked = list(
            due.order_by("due_at", "id").select_for_update(skip_locked=True).values_list("pk", "claims")[:size]
        )
        if not picked:
            return 0
        Reminder.objects.filter(pk__in=[pk for pk, _ in picked]).update(
            status=Reminder.Status.SENDING,
            claims=F("claims") + 1,
            claimed_at=now,
            lease_until=now + dt.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT_SECONDS),
            send_started_at=None,
        )
        # Rows are locked until commit, so each claim number is the one just written.
        claims = [(pk, claim + 1) for pk, claim in picked]
        transaction.on_commit(functools.partial(publish, claims, report))
    return len(picked)


def publish(claims: list[tuple[int, int]], report: SweepReport | None = None) -> None:
    """The claimed batch as one send_batch message, [(id, claim number), ...] and nothing else.
    Runs after the claim commits. If the broker cannot take it, every claim of the batch is handed back.
    """
    from reminders.tasks import send_batch  # the task module imports this one

    try:
        send_batch.apply_async((claims,), retry_policy=PUBLISH_RETRY)
    except Exception as exc:
        broker_down(claims, exc, "sweep")
        if report is not None:
            report.broker_down = True


def fan_out(claims: list[tuple[int, int]], delivery_info: Mapping[str, object] | None = None) -> int:
    """In the worker (reminders.tasks.send_batch): one send task per claimed row, (id, claim number),
    published for the whole batch in one round trip to the broker (kombu's publish batch: a Redis
    pipeline), routed as the batch was (its `delivery_info`: exchange and routing key, as Celery
    routes a retry). Returns how many were published.

    All or nothing as far as the worker can know: if any publish fails, every claim of the batch
    still untouched is handed back (a message that did reach the broker then finds its claim
    superseded, or no longer sending, and does nothing; delivery.deliver).
    """
    from reminders.tasks import send

    options = route_of(delivery_info or {})
    try:
        with send.app.producer_or_acquire() as producer, producer.batch(max_size=PUBLISH_BATCH_COMMANDS):
            for reminder_id, claim in claims:
                send.apply_async((reminder_id, claim), producer=producer, retry_policy=PUBLISH_RETRY, **options)
    except Exception as exc:
        broker_down(claims, exc, "fan-out")
        return 0
    return len(claims)


def route_of(delivery_info: Mapping[str, object]) -> dict[str, Any]:
    """Where a message came from as publishing options: its queue when it came through the default
    exchange, else its exchange and routing key; nothing (the default route) when run eagerly."""
    exchange, routing_key = delivery_info.get("exchange"), delivery_info.get("routing_key")
    if exchange == "" and routing_key:
        return {"queue": routing_key}
    return {option: value for option, value in (("exchange", exchange), ("routing_key", routing_key)) if value}


def broker_down(claims: list[tuple[int, int]], exc: Exception, step: str) -> None:
    """The broker refused a batch (at the sweep's publish or the worker's fan-out): hand its claims back."""
    handed_back = release(claims)
    log.warning(
        "reminder broker unavailable: error=%s batch=%d handed_back=%d step=%s",
        type(exc).__name__,
        len(claims),
        handed_back,
        step,
    )


def release(claims: list[tuple[int, int]]) -> int:
    """Hand back claims whose task was never published (only if still untouched by a worker)."""
    released = 0
    for start in range(0, len(claims), 200):
        chunk = claims[start : start + 200]
        same_claim = functools.reduce(operator.or_, (Q(pk=pk, claims=claim) for pk, claim in chunk))
        untouched = Reminder.objects.filter(same_claim, status=Reminder.Status.SENDING, send_started_at__isnull=True)
        released += untouched.update(
            status=Reminder.Status.PENDING, lease_until=None, status_reason="broker unavailable: to be sent again"
        )
    return released


def sweep(now: dt.datetime | None = None) -> SweepReport:
    now = now or timezone.now()
    report = SweepReport()
    clock = time.monotonic()

    def lap(step: str) -> None:
        nonlocal clock
        report.timings[step] = round((time.monotonic() - clock) * 1000)
        clock = time.monotonic()

    report.cancelled = cancel_resolved(now)
    lap("cancel")
    report.derived = derive(now, report.failed_kinds)
    lap("derive")
    report.released, report.failed = release_expired(now)
    lap("take_back")
    size = settings.REMINDER_BATCH_SIZE
    deadline = time.monotonic() + settings.REMINDER_SWEEP_BUDGET_SECONDS
    while not report.broker_down and time.monotonic() < deadline:
        claimed = claim_batch(now, size=size, report=report)
        report.claimed += claimed
        if claimed < size:
            break
    lap("claim")
    failing = ",".join(report.failed_kinds)
    PeriodicRun.objects.update_or_create(name=SWEEP_RUN, defaults={"last_run_at": now, "detail": failing})
    log.info(
        "reminder sweep: derived=%d cancelled=%d released=%d failed=%d claimed=%d broker_down=%s ms=%s",
        report.derived,
        report.cancelled,
        report.released,
        report.failed,
        report.claimed,
        report.broker_down,
        report.timings,
    )
    return report
