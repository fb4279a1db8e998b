"""Load test: gunicorn serving a realistic mix, against a bare hello-world on the same server.

Concurrent clients (threads with keep-alive connections, bounded in count and time, to
127.0.0.1 only) replay a week's mix: every page each role opens (bench.weekly.pages: dashboard,
reports, agenda, searches, workspace, worklist, follow-ups, the built PDFs), patient pages and
decision saves, each signed in through the real sign-in page as its role.
For each concurrency level: throughput and p95; the answer is the highest throughput whose
p95 stays under 200 ms.
"""

import http.client
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LEVELS = (1, 2, 4, 8)
SECONDS = 8


@dataclass
class Result:
    name: str
    concurrency: int
    requests: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[int(0.95 * (len(ordered) - 1))] * 1000 if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen(  # noqa: S603 - fixed arguments, loopback only
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def run_level(port: int, name: str, requests: list[tuple[str, str, dict[str, str], str]], concurrency: int) -> Result:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + SECONDS

    def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop_at:
            method, path, headers, body = rng.choice(requests)
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body or None, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status < 400
            except (OSError, http.client.HTTPException):
                ok = False
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(name, concurrency, len(latencies), time.monotonic() - started, latencies, errors)


def session_headers(port: int, username: str, password: str) -> dict[str, str]:
    """Sign in through the real sign-in page; returns the Cookie and CSRF headers a browser would send."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    page = response.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf_cookie and token
    body = f"username={username}&password={password}&csrfmiddlewaretoken={token[1]}"
    connection.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie[1]}",
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
    )
    response = connection.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    assert session, "sign-in failed"
    return {
        "Cookie": f"csrftoken={csrf_cookie[1]}; sessionid={session[1]}",
        "X-CSRFToken": csrf_cookie[1],
        "Referer": f"http://127.0.0.1:{port}/",
    }


def mix(sessions: dict[str, dict[str, str]], ids: dict[str, Any]) -> list[tuple[str, str, dict[str, str], str]]:
    """A week of the team's work: every weekly page by the role that opens it (bench.weekly.pages), patient
    pages, and a decision saved now and then."""
    oncologist = sessions[ids["username"]]
    form = {**oncologist, "Content-Type": "application/x-www-form-urlencoded"}
    save = (
        f"treatments=cebrt&intent=palliative&rationale=Load+test&patient_preferences_considered=yes"
        f"&responsible={ids['oncologist']}&responsible={ids['surgeon']}&fu-TOTAL_FORMS=0&fu-INITIAL_FORMS=0"
        f"&fu-MIN_NUM_FORMS=0&fu-MAX_NUM_FORMS=10&action=save"
    )
    item_url = f"/meetings/{ids['meeting']}/items/{ids['item']}/decision/"
    weekly = [("GET", url, sessions[username], "") for username, url in ids["pages"]]
    return (
        weekly
        + [("GET", f"/patients/{pid}/", oncologist, "") for pid in ids["patients"]]
        + [("POST", item_url, form, save)]
    )


def main(ids: dict[str, Any]) -> list[Result]:
    port = free_port()
    server = start_server(port)
    try:
        users = {ids["username"], *(username for username, _ in ids["pages"])}
        sessions = {username: session_headers(port, username, ids["password"]) for username in sorted(users)}
        results = []
        for concurrency in LEVELS:
            results.append(run_level(port, "bare hello-world", [("GET", "/bench/hello", {}, "")], concurrency))
            results.append(run_level(port, "weekly mix", mix(sessions, ids), concurrency))
            print(f"  load: concurrency {concurrency} done", file=sys.stderr, flush=True)
        return results
    finally:
        server.terminate()
        server.wait(timeout=20)
        import redis

        redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")).delete("bench-load")


def table(results: list[Result]) -> list[str]:
    lines = [
        "| Load (gunicorn, 2 workers) | Clients | Requests/s | p95 ms | Errors |",
        "| --- | --- | --- | --- | --- |",
    ]
    for result in results:
        lines.append(
            f"| {result.name} | {result.concurrency} | {result.throughput:.0f} | {result.p95_ms:.0f} "
            f"| {result.errors} |"
        )
    for name in ("bare hello-world", "weekly mix"):
        ok = [r for r in results if r.name == name and r.p95_ms < 200 and not r.errors]
        best = max(ok, key=lambda r: r.throughput, default=None)
        lines.append(
            f"\n{name}: best throughput with p95 under 200 ms: "
            + (f"{best.throughput:.0f} requests/s at {best.concurrency} clients" if best else "none")
        )
    return lines
