"""The reminder sweep against a naive loop over the same data, measured in the same run.

    .venv/bin/python -m bench.sweep --scans 1000000 --due 10000      # DATABASE_URL picks the server
    .venv/bin/python -m bench.sweep --in-place --due 0 --idle 20     # idle only, on DATABASE_URL's own data

It never touches existing data (but with --in-place, see in_place): like the test runner it creates a
throw-away database beside the one DATABASE_URL names (bench_sweep_<name> on PostgreSQL; SQLite: a temporary
file or memory), fills it with cases.scale.seed_record (about ten scans per patient), leaves exactly --due MRIs
performed more than REMINDER_MRI_REVIEW_HOURS ago and not reviewed, and one radiologist: so --due reminders
fall due, one per scan. Each variant then starts from an empty outbox, the variants alternate (machine noise
hits all alike), and the median of --repeat runs is reported.

Sending (every due reminder emailed, locmem mail):
  ours   reminders.sweep.sweep(): derive set-based, claim in batches, one send_batch task per batch,
         fanned out into send tasks, all run eagerly;
  naive  every scan loaded and checked in Python, the team and the outbox looked up and one row saved at
         a time, each email sent as it goes.
Creating the rows only (nothing sent): ours, the same sweep with publishing left out (derive, cancel, claim);
naive, the same loop without the emails; floor, one INSERT ... SELECT per escalation level.
Also printed: the sweep's own statements per claimed batch (its send tasks' excluded).
"""

import argparse
import base64
import datetime as dt
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

import django

django.setup()

import redis  # noqa: E402
from celery.signals import task_postrun, task_prerun  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import harness  # noqa: E402
from bench.sweep_baselines import floor, naive  # noqa: E402
from cases.choices import MRI_MODALITIES  # noqa: E402
from cases.models import Scan  # noqa: E402
from cases.scale import SCANS_PER_PATIENT, seed_record  # noqa: E402
from config.celery import app  # noqa: E402
from mdt.models import Member  # noqa: E402
from reminders import sweep as sweeping  # noqa: E402
from reminders.models import Reminder  # noqa: E402

say = harness.progress


class Counter:
    """Statements executed (an execute wrapper: no query log, no limit), and how many inside send tasks."""

    def __init__(self) -> None:
        self.total = 0
        self.in_tasks = 0
        self._task_depth = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.total += 1
        self.in_tasks += 1 if self._task_depth else 0
        return execute(sql, params, many, context)

    def task_started(self, **kwargs: Any) -> None:
        self._task_depth += 1

    def task_finished(self, **kwargs: Any) -> None:
        self._task_depth -= 1


@contextmanager
def counting() -> Iterator[Counter]:
    counter = Counter()
    task_prerun.connect(counter.task_started, weak=False)
    task_postrun.connect(counter.task_finished, weak=False)
    try:
        with connection.execute_wrapper(counter):
            yield counter
    finally:
        task_prerun.disconnect(counter.task_started)
        task_postrun.disconnect(counter.task_finished)


def build(*, scans: int, due: int, now: dt.datetime) -> tuple[int, int]:
    """The clinical record at size, then exactly `due` MRIs waiting for review past the threshold."""
    radiologist = get_user_model().objects.create_user("bench-radiologist", "radiologist@example.org", "x")
    Member.objects.create(user=radiologist, role=Member.Role.RADIOLOGIST)
    patients = max(1, scans // SCANS_PER_PATIENT)
    say(f"Building {patients:,} patients (about {scans:,} scans)...")
    seed_record(patients=patients, reviewer_ids=[radiologist.pk], now=now, progress=say)
    threshold = now - dt.timedelta(hours=settings.REMINDER_MRI_REVIEW_HOURS)
    waiting = Scan.objects.pending_review().filter(performed_at__lte=threshold)
    have = waiting.count()
    if have > due:  # review the surplus
        change = list(waiting.order_by("id").values_list("id", flat=True)[due:])
        values: dict[str, Any] = {"reviewed_at": F("performed_at"), "reviewed_by": radiologist}
    else:  # un-review some MRIs
        reviewed = Scan.objects.filter(
            modality__in=MRI_MODALITIES, performed_at__lte=threshold, reviewed_at__isnull=False
        )
        change = list(reviewed.order_by("id").values_list("id", flat=True)[: due - have])
        values = {"reviewed_at": None, "reviewed_by": None}
    for start in range(0, len(change), 5000):
        Scan.objects.filter(id__in=change[start : start + 5000]).update(**values)
    return Scan.objects.count(), waiting.count()


def reset() -> None:
    Reminder.objects.all().delete()
    mail.outbox = []


def sweep_sending(now: dt.datetime) -> None:
    report = sweeping.sweep(now)
    assert report.claimed == len(mail.outbox), report


def sweep_without_sending(now: dt.datetime) -> sweeping.SweepReport:
    real = sweeping.publish
    sweeping.publish = lambda claims, report=None: None
    try:
        return sweeping.sweep(now)
    finally:
        sweeping.publish = real


def compare(title: str, candidates: dict[str, Callable[[], object]], repeat: int) -> tuple[harness.Comparison, dict]:
    """Each candidate from an empty outbox, alternating, `repeat` times; statements counted on every run."""
    measures = {name: harness.Measure(name, 0) for name in candidates}
    counts: dict[str, Counter] = {}
    for number in range(1, repeat + 1):
        for name, run in candidates.items():
            reset()
            with counting() as counter:
                started = time.perf_counter()
                run()
                seconds = time.perf_counter() - started
            measures[name].times.append(seconds)
            measures[name].queries = counter.total
            counts[name] = counter
            say(f"  {title} · {name} · run {number}/{repeat}: {seconds:.2f} s, {counter.total:,} statements")
    reset()
    return harness.Comparison(title, list(measures.values())), counts


@contextmanager
def publish_to_own_queue() -> Iterator[str]:
    """Publish to a queue of the benchmark's own on the configured broker, emptied afterwards (no worker
    takes these messages: publishing, not sending, is what is timed)."""
    queue = f"bench-sweep-{os.getpid()}"
    before = app.conf.task_default_queue, app.conf.task_always_eager
    app.conf.task_default_queue, app.conf.task_always_eager = queue, False
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]
    try:
        yield queue
    finally:
        app.conf.task_default_queue, app.conf.task_always_eager = before
        redis.Redis.from_url(app.conf.broker_url).delete(queue)


OURS = "ours: derive, claim, publish (one send_batch message per claimed batch; the fan-out below is the worker's)"
FAN_OUT = "worker's fan-out: the batches' send tasks published, one round trip per batch"
FLOOR = "floor: INSERT ... SELECT per level, nothing published"


def timed(row: harness.Measure, run: Callable[[], object]) -> None:
    """One run of `run`, its time and statements added to `row`."""
    with counting() as counter:
        started = time.perf_counter()
        run()
        row.times.append(time.perf_counter() - started)
    row.queries = counter.total
    say(f"  {row.name}: {row.times[-1]:.2f} s, {counter.total} statements")


def taken_from(queue: str) -> list[tuple[list[tuple[int, int]], dict[str, Any]]]:
    """The send_batch messages on the benchmark's queue: each batch's claims and routing, as the worker gets them."""
    batches = []
    for raw in redis.Redis.from_url(app.conf.broker_url).lrange(queue, 0, -1):
        message = json.loads(raw)
        [claims], _, _ = json.loads(base64.b64decode(message["body"]))
        batches.append(([(pk, claim) for pk, claim in claims], message["properties"]["delivery_info"]))
    return batches


MADE: dict[str, int] = {}  # rows each variant made in its last run: the floor must make the sweep's rows


def due_runs(rows: dict[str, harness.Measure], now: dt.datetime, first_new: int, queue: str) -> None:
    """One run of each, from the outbox as seeded: the sweep, the worker's fan-out of what it published, the floor."""
    Reminder.objects.filter(id__gte=first_new).delete()
    timed(rows[OURS], lambda: sweeping.sweep(now))
    MADE[OURS] = Reminder.objects.filter(id__gte=first_new).count()
    batches = taken_from(queue)
    timed(rows[FAN_OUT], lambda: [sweeping.fan_out(claims, route) for claims, route in batches])
    redis.Redis.from_url(app.conf.broker_url).delete(queue)
    Reminder.objects.filter(id__gte=first_new).delete()
    timed(rows[FLOOR], lambda: floor(now))
    MADE[FLOOR] = Reminder.objects.filter(id__gte=first_new).count()


CHURNED = ("reminders_reminder", "cases_scan", "mdt_periodicrun")  # the tables a run here writes and puts back


def idle_samples(now: dt.datetime, samples: int) -> tuple[list[float], int, sweeping.SweepReport]:
    """`samples` idle sweeps (nothing due, nothing published), each after an untimed garbage collection of
    this process: their times in seconds, the statements of the last one and its report."""
    times, statements = [], 0
    report = sweeping.SweepReport()
    for _ in range(samples):
        gc.collect()
        with counting() as idle:
            started = time.perf_counter()
            report = sweep_without_sending(now)
            times.append(time.perf_counter() - started)
        statements = idle.total
    return times, statements, report


def idle_line(times: list[float], statements: int, report: sweeping.SweepReport) -> str:
    ms = sorted(t * 1000 for t in times)
    return (
        f"Idle sweep on this database: {statistics.median(ms):.1f} ms median of {len(ms)} (range {ms[0]:.1f} to "
        f"{ms[-1]:.1f}; {statements} statements; the last one by step, ms: {report.timings})."
    )


def in_place(args: argparse.Namespace) -> int:
    """The sweep on the database DATABASE_URL names (a seed_scale database), put back as found.

    Idle: `--idle` sweeps as one runs every minute on this record and outbox, after what fell due since
    seeding is made and the tables a run churns are vacuumed (autovacuum's work in a deployment; this
    server runs without it, and the dead rows and stale visibility maps an earlier run left put the idle
    sweep at L between 1.4x and 2x S). Due (none with `--due 0`): `--due` performed MRIs made unreviewed
    for the run, the sweep's rows against the floor's (an INSERT ... SELECT per level), published to a
    queue of the run's own. The rows made are deleted, the reviews put back, the tables vacuumed again.
    """
    now = timezone.now()
    header = harness.header()
    first_new = (Reminder.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    threshold = now - dt.timedelta(hours=settings.REMINDER_MRI_REVIEW_HOURS)
    sweep_without_sending(now)  # what fell due since seeding: the next sweeps are idle
    harness.vacuum(*CHURNED)
    idle_times, idle_count, report = idle_samples(now, args.idle)
    reviewed = list(
        Scan.objects.filter(modality__in=MRI_MODALITIES, performed_at__lte=threshold, reviewed_at__isnull=False)
        .order_by("-performed_at", "id")
        .values_list("id", "reviewed_at", "reviewed_by_id")[: args.due]
    )
    rows = {name: harness.Measure(name, 0) for name in (OURS, FAN_OUT, FLOOR)}
    try:
        Scan.objects.filter(id__in=[pk for pk, _, _ in reviewed]).update(reviewed_at=None, reviewed_by=None)
        with publish_to_own_queue() as queue:
            for _ in range(args.repeat if reviewed else 0):
                due_runs(rows, now, first_new, queue)
    finally:
        Reminder.objects.filter(id__gte=first_new).delete()
        for pk, reviewed_at, reviewer in reviewed:
            Scan.objects.filter(pk=pk).update(reviewed_at=reviewed_at, reviewed_by_id=reviewer)
        harness.vacuum(*CHURNED)
    lines = list(header)
    if reviewed:
        title = f"Sweep, {len(reviewed):,} due, on this database ({Scan.objects.count():,} scans)"
        lines += harness.Comparison(title, list(rows.values())).rows()
        lines += ["", f"Rows made: {MADE.get(OURS, 0):,} by the sweep, {MADE.get(FLOOR, 0):,} by the floor."]
    lines.append(idle_line(idle_times, idle_count, report))
    print("\n".join(lines), flush=True)
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--in-place", action="store_true", help="measure on DATABASE_URL's database itself")
    parser.add_argument("--scans", type=int, default=100_000, help="scans in the record (about ten per patient)")
    parser.add_argument(
        "--due", type=int, default=1_000, help="reminders that fall due (one per MRI); 0: idle only (--in-place)"
    )
    parser.add_argument("--idle", type=int, default=15, help="idle sweeps timed (--in-place); the median is reported")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each variant; the median is reported")
    parser.add_argument("--batch", type=int, default=settings.REMINDER_BATCH_SIZE, help="REMINDER_BATCH_SIZE")
    parser.add_argument("--skip-naive", action="store_true", help="leave out the naive loops (slow at size)")
    return parser.parse_args()


def main() -> int:
    args = _arguments()

    settings.REMINDER_BATCH_SIZE = args.batch
    settings.REMINDER_SWEEP_BUDGET_SECONDS = 24 * 3600  # time the whole backlog, not one sweep's share
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    if args.in_place:
        return in_place(args)
    app.conf.task_always_eager = True  # send tasks run in-process, after each claim commits
    if connection.vendor == "postgresql":  # never the test suite's test_<name>, which may be in use
        connection.settings_dict["TEST"]["NAME"] = f"bench_sweep_{connection.settings_dict['NAME']}"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    say(f"Throw-away {connection.vendor} database: {connection.settings_dict['NAME']}")
    try:
        header = harness.header()  # while connected: the database DATABASE_URL names need not exist
        now = timezone.now()
        total, due = build(scans=args.scans, due=args.due, now=now)
        say(f"{total:,} scans, {due:,} MRIs waiting for review past {settings.REMINDER_MRI_REVIEW_HOURS} h. Timing...")
        title = f"Reminder sweep, {due:,} due of {total:,} scans"
        sending: dict[str, Callable[[], object]] = {"ours: sweep, sends run eagerly": lambda: sweep_sending(now)}
        creating: dict[str, Callable[[], object]] = {
            "ours: sweep, publishing left out": lambda: sweep_without_sending(now)
        }
        if not args.skip_naive:
            sending["naive loop, one row and one email at a time"] = lambda: naive(now, send=True)
            creating["naive loop, one row at a time"] = lambda: naive(now, send=False)
        creating["floor: INSERT ... SELECT per level"] = lambda: floor(now)
        with_mail, counts = compare(f"{title}: emailed", sending, args.repeat)
        rows_only, _ = compare(f"{title}: rows only", creating, args.repeat)
        sweep_without_sending(now)  # everything claimed: the next sweeps find nothing to do
        idle_times, idle_count, idle_report = idle_samples(now, args.idle)
        reset()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    ours = counts["ours: sweep, sends run eagerly"]
    batches = -(-due // args.batch)
    own = ours.total - ours.in_tasks
    lines = header + with_mail.rows() + rows_only.rows()
    lines += [
        "",
        f"A sweep with nothing to do: {idle_count} statements, {statistics.median(idle_times) * 1000:.0f} ms "
        f"(median of {len(idle_times)}; the last one by step, ms: {idle_report.timings}). This one ran {own:,} "
        f"statements of its own for {due:,} due reminders in {batches:,} batch{'es' if batches != 1 else ''} of "
        f"{args.batch} ({(own - idle_count) / batches:.1f} per batch, creating the rows included), and its {due:,} "
        f"send tasks ran {ours.in_tasks:,} ({ours.in_tasks / max(due, 1):.1f} each). Medians of {args.repeat} runs.",
    ]
    print("\n".join(lines), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
