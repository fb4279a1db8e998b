"""Real Celery workers for the reliability tests: in a subprocess (killable), on a queue of their own.

Each test publishes to a queue named for it, so a developer's `make run` worker on the same
Redis never takes its messages (and the test's worker never takes theirs).
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database, as a DATABASE_URL another process can open."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def reset_producers() -> None:
    """Make the app look up its connection pool again, for the broker URL now configured.

    (kombu keeps one pool per URL for the whole process: closing it would break it for good.)
    """
    app._pool = None
    app.amqp._producer_pool = None
    # The queue map and router are cached from the default queue when first used: built while a test's
    # own queue was the default, a later in-process worker would consume that queue, not the default one.
    for cached in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(cached, None)
    app.amqp.flush_routes()  # the routes table too, read from task_routes once


@contextlib.contextmanager
def using_broker(url: str, queue: str | None = None, *, print_queue: str | None = None) -> Iterator[str]:
    """Publish to `url`, on a queue of this test's own; yields the queue name.

    The tasks routed to the print queue (config.settings.CELERY_TASK_ROUTES) go to `print_queue` when
    given, else to the same queue: never to the queue a developer's printer on the same Redis takes.
    """
    queue = queue or f"reminders-test-{uuid.uuid4().hex[:10]}"
    routes = {task: {"queue": print_queue or queue} for task in settings.CELERY_TASK_ROUTES}
    before = app.conf.broker_url, app.conf.task_default_queue, app.conf.task_routes
    app.conf.broker_url, app.conf.task_default_queue, app.conf.task_routes = url, queue, routes
    reset_producers()
    try:
        yield queue
    finally:
        app.conf.broker_url, app.conf.task_default_queue, app.conf.task_routes = before
        reset_producers()


class WorkerProcess:
    """`celery -A config worker` on one queue, emails to a journal file (tests.reminders.backends).

    One process (`--pool solo`) unless `processes` says more: then a prefork pool of that many, as the
    Procfile runs its workers.
    """

    def __init__(
        self, *, broker_url: str, queue: str, journal: Path, log: Path, mail_delay: float = 0, processes: int = 1
    ) -> None:
        self.broker_url, self.queue, self.journal, self.log = broker_url, queue, journal, log
        self.mail_delay, self.processes = mail_delay, processes
        self.process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DEBUG="0",
            SECRET_KEY="reliability-test-worker",
            DATABASE_URL=database_url(),
            REDIS_URL=self.broker_url,
            EMAIL_BACKEND="tests.reminders.backends.JournalBackend",
            MAIL_JOURNAL=str(self.journal),
            MAIL_DELAY=str(self.mail_delay),
            LOG_LEVEL="INFO",
            PYTHONPATH=str(ROOT),
        )
        return env

    def start(self, timeout: float = 60) -> "WorkerProcess":
        pool = (
            ["--pool", "solo"] if self.processes == 1 else ["--pool", "prefork", "--concurrency", str(self.processes)]
        )
        args = [sys.executable, "-m", "celery", "-A", "config", "worker", *pool, "--loglevel", "INFO"]
        args += ["-Q", self.queue, "-n", f"{self.queue}-{uuid.uuid4().hex[:6]}@%h"]
        args += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
        out = open(self.log, "ab")  # noqa: SIM115 - owned by the child
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            args, cwd=ROOT, env=self.env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        wait_for(lambda: b" ready." in self.log.read_bytes(), timeout, f"worker ready (see {self.log})", self)
        return self

    def kill(self) -> None:
        """SIGKILL, the whole process group: no warm shutdown, no ack, nothing cleaned up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(done: Callable[[], Any], timeout: float, what: str, worker: WorkerProcess | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return
        if worker and worker.process and worker.process.poll() is not None:
            raise AssertionError(f"the worker exited (code {worker.process.returncode}) waiting for {what}")
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
