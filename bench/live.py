"""The live meeting with 30 followers: how long from the coordinator's click to every follower's update,
against a plain page load on the same server at the same time.

    createdb -h 127.0.0.1 -U postgres mdt_bench_live
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mdt_bench_live .venv/bin/python -m bench.live

gunicorn (two sync workers, bench.load's server) serves the app. Thirty followers, each signed in
through the real sign-in page, poll the live state as their screens do (static/js/live.js: every
LIVE_POLL_MS with If-None-Match, each starting at a random moment). The coordinator clicks *Next
case* (the real POST) `--clicks` times, at random moments; for each click, each follower's latency
is from the click to the answer that brought it the new case. Between clicks, the meeting's page
and the meetings list are loaded as plain pages, by the same process, under the same followers.
Loopback only, bounded in count and time; nothing here asserts a time.
"""

import argparse
import http.client
import os
import random
import re
import statistics
import sys
import threading
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("MFA_REQUIRED", "0")

PASSWORD = "bench-only-password-2026"  # noqa: S105 - benchmark users, on a database of their own
PREFIX = "bench-live-"


def setup_data(cases: int, followers: int) -> dict[str, Any]:
    """A meeting that started five minutes ago with `cases` listed, a coordinator and the followers."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.roles import assign_role
    from cases.models import Patient
    from mdt.models import AgendaItem, Meeting, Member
    from tests.factories import CaseFactory, MemberFactory, PatientFactory, UserFactory

    call_command("migrate", verbosity=0)
    PatientFactory.reset_sequence(Patient.objects.count() + 1)  # a second run adds patients after the first's
    roles = [Member.Role.ONCOLOGIST, Member.Role.SPINAL_SURGEON, Member.Role.RADIOLOGIST, Member.Role.NURSE_SPECIALIST]

    def user(name: str, role: str) -> str:
        username = f"{PREFIX}{name}"
        found: Any = get_user_model().objects.filter(username=username).first()
        if found is None:
            found = UserFactory(username=username)
            MemberFactory(user=found, role=role)
            assign_role(found, role)
        found.set_password(PASSWORD)
        found.save()
        return username

    starts = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=5)
    meeting = Meeting.objects.create(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2), agenda_closes_at=starts - dt.timedelta(days=1)
    )
    for position in range(1, cases + 1):
        AgendaItem.objects.create(meeting=meeting, case=CaseFactory(), position=position, question="Plan?")
    return {
        "meeting": meeting.pk,
        "coordinator": user("coordinator", Member.Role.MDT_COORDINATOR),
        "followers": [user(f"follower-{n}", roles[n % len(roles)]) for n in range(followers)],
    }


def request(port: int, method: str, path: str, headers: dict[str, str], body: str = "") -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    text = response.read().decode(errors="replace")
    conn.close()
    return response.status, response.getheader("ETag") or "", text


class Follower(threading.Thread):
    """One screen: polls like live.js and notes when each case first reached it."""

    def __init__(self, port: int, path: str, headers: dict[str, str], poll: float, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.port, self.path, self.headers, self.poll, self.stop = port, path, headers, poll, stop
        self.seen: dict[str, float] = {}
        self.statuses: list[int] = []
        self.times: list[float] = []

    def run(self) -> None:
        etag = ""
        time.sleep(random.uniform(0, self.poll))  # screens open at different moments
        while not self.stop.is_set():
            started = time.perf_counter()
            status, new_etag, body = request(self.port, "GET", self.path, {**self.headers, "If-None-Match": etag})
            answered = time.perf_counter()
            self.statuses.append(status)
            self.times.append(answered - started)
            if status == 200:
                etag = new_etag
                match = re.search(r'class="live-state" data-item-id="(\d*)"', body)
                if match and match[1] not in self.seen:
                    self.seen[match[1]] = answered
            time.sleep(self.poll)


def click_next(port: int, meeting: int, headers: dict[str, str], from_item: str) -> float:
    form = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
    started = time.perf_counter()
    status, _, _ = request(port, "POST", f"/meetings/{meeting}/live/step/", form, f"action=next&from_item={from_item}")
    assert status == 302, f"the click was refused: {status}"
    return started


def current_item(port: int, meeting: int, headers: dict[str, str]) -> str:
    _, _, body = request(port, "GET", f"/meetings/{meeting}/live/state/", headers)
    match = re.search(r'class="live-state" data-item-id="(\d*)"', body)
    assert match and match[1], "the live meeting has no case on the screen"
    return match[1]


def page_loads(port: int, headers: dict[str, str], paths: list[str], into: dict[str, list[float]]) -> None:
    for path in paths:
        started = time.perf_counter()
        status, _, _ = request(port, "GET", path, headers)
        assert status == 200, f"{path}: {status}"
        into[path].append(time.perf_counter() - started)


def run(args: argparse.Namespace) -> list[str]:
    from bench import load

    ids = setup_data(args.clicks + 1, args.followers)
    port = load.free_port()
    server = load.start_server(port)
    stop = threading.Event()
    meeting = ids["meeting"]
    try:
        coordinator = load.session_headers(port, ids["coordinator"], PASSWORD)
        status, _, _ = request(
            port,
            "POST",
            f"/meetings/{meeting}/live/start/",
            {**coordinator, "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 302, f"start refused: {status}"
        screens = [
            Follower(
                port,
                f"/meetings/{meeting}/live/state/",
                load.session_headers(port, name, PASSWORD),
                args.poll_ms / 1000,
                stop,
            )
            for name in ids["followers"]
        ]
        for screen in screens:
            screen.start()
        time.sleep(args.poll_ms / 1000 * 2)  # every screen is up
        plain: dict[str, list[float]] = {f"/meetings/{meeting}/": [], "/meetings/": []}
        latencies: list[float] = []
        for _ in range(args.clicks):
            page_loads(port, coordinator, list(plain), plain)
            time.sleep(random.uniform(0.2, 1.0) * args.poll_ms / 1000)
            before = current_item(port, meeting, coordinator)
            clicked = click_next(port, meeting, coordinator, before)
            after = current_item(port, meeting, coordinator)
            deadline = time.monotonic() + 10 * args.poll_ms / 1000 + 10
            while time.monotonic() < deadline and not all(after in s.seen for s in screens):
                time.sleep(0.02)
            missed = [s for s in screens if after not in s.seen]
            assert not missed, f"{len(missed)} followers never saw case {after}"
            latencies.extend(s.seen[after] - clicked for s in screens)
        stop.set()
        for screen in screens:
            screen.join(timeout=30)
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=20)
    return table(args, latencies, plain, screens)


def _ms(values: list[float], q: float = 0.5) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def _row(name: str, values: list[float], reference: float) -> str:
    ratio = statistics.median(values) / reference
    return f"| {name} | {_ms(values):.0f} | {_ms(values, 0.95):.0f} | {ratio:.2f}x |"


def table(
    args: argparse.Namespace, latencies: list[float], plain: dict[str, list[float]], screens: list[Follower]
) -> list[str]:
    polls = [t for s in screens for t in s.times]
    statuses = [code for s in screens for code in s.statuses]
    agenda, listing = plain.values()
    reference = statistics.median(agenda)
    return [
        f"Live meeting: {args.followers} followers polling every {args.poll_ms} ms, {args.clicks} clicks on "
        "*Next case*, gunicorn with 2 sync workers on this machine.",
        "",
        "| Measure | Median ms | p95 ms | Ratio to the meeting's page load |",
        "| --- | --- | --- | --- |",
        _row("Click to a follower's update (all followers, all clicks)", latencies, reference),
        _row("The meeting's page (agenda), plain load", agenda, reference),
        _row("The meetings list, plain load", listing, reference),
        _row("One poll (a follower's request)", polls, reference),
        "",
        f"{len(statuses)} polls, {statuses.count(304) / len(statuses):.1%} answered 304 (nothing changed). Half the "
        f"poll interval ({args.poll_ms / 2:.0f} ms) is the expected wait for the next poll after a click.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=30)
    parser.add_argument("--clicks", type=int, default=10)
    parser.add_argument("--poll-ms", type=int, default=2000)
    args = parser.parse_args()
    import django

    django.setup()
    print("\n".join(run(args)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
