"""Benchmarks of the integration layer: a page of 100 Patients from the FHIR API, and the PAS feed
taking ADT messages over a real MLLP socket (docs/benchmarks.md, "Integrations").

    .venv/bin/python -m bench.integrations [--patients 1000] [--messages 1000] [--paced-seconds 60]

The database is DATABASE_URL if set (a PostgreSQL database of its own), else a SQLite file
.run/bench-integrations.sqlite3. The FHIR page is compared with the same page built without
fhir.resources validation and with a raw-SQL floor; the feed is measured flat out (messages a
minute, each acknowledged before the next is sent, as a PAS does) and, with --paced-seconds,
sustained at 1,000 messages a minute.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.environment import bench_environment

ROOT = Path(__file__).resolve().parent.parent
START, END = b"\x0b", b"\x1c\x0d"


def setup(patients: int) -> None:
    bench_environment("bench-integrations.sqlite3")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"], check=True, env=env)  # noqa: S603
    import django

    django.setup()
    from cases.models import Patient
    from cases.validators import nhs_check_digit

    have = Patient.objects.filter(mrn__startswith="BENCH").count()
    rows: list[Patient] = []
    n = have
    while len(rows) < patients - have:
        first_nine = f"99{(n * 7) % 10**7:07d}"
        check = nhs_check_digit(first_nine)
        n += 1
        if check is None:
            continue
        rows.append(
            Patient(mrn=f"BENCH{n:06d}", nhs_number=f"{first_nine}{check}", given_name="Test",
                    family_name=f"Patient{n}", date_of_birth="1950-01-01", sex="female", primary_site="breast")
        )  # fmt: skip
    Patient.objects.bulk_create(rows, ignore_conflicts=True)


def fhir_page(repeats: int) -> list[str]:
    from django.db import connection
    from django.test import Client

    from bench import harness
    from cases.models import Patient
    from integrations import services
    from integrations.fhir import record
    from integrations.models import ApiClient

    ApiClient.objects.filter(name="bench").delete()
    token = services.api_client_issue(client=ApiClient(name="bench", scopes=["Patient"]))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    deep = Patient.objects.order_by("-id").values_list("id", flat=True)[150]

    def ours() -> None:
        assert client.get("/fhir/Patient", {"_count": 100}).status_code == 200

    def ours_deep() -> None:
        assert client.get("/fhir/Patient", {"_count": 100, "after": deep}).status_code == 200

    def unvalidated() -> None:
        rows = list(Patient.objects.order_by("id")[:101])
        json.dumps({"resourceType": "Bundle", "entry": [{"resource": record.patient(p)} for p in rows[:100]]})

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, mrn, nhs_number, family_name, given_name FROM cases_patient ORDER BY id LIMIT 101"
            )
            json.dumps(cursor.fetchall())

    measures = harness.measure(
        {"ours (HTTP, token, validated, access recorded)": ours, "ours, deep page (keyset)": ours_deep,
         "same resources, no validation, no HTTP": unvalidated, "floor (raw SQL to JSON)": floor},
        repeats=repeats,
    )  # fmt: skip
    return harness.Comparison("FHIR: a page of 100 Patients", measures).rows()


def adt(i: int, mrn: str) -> bytes:
    raw = "\r".join(
        [
            f"MSH|^~\\&|PAS|RXX01|MDT|RXX01|20261130101500||ADT^A08^ADT_A01|BENCH{time.time_ns()}{i}|P|2.5",
            "EVN|A08|20261130101500",
            f"PID|1||{mrn}^^^RXX01^MR||PATIENT{i}^TEST||19500101|F",
            f"PD1|||PRACTICE {i % 50}^^^^^^^^^B{i % 50:05d}|G1^JONES^ALAN^^^DR",
            "PV1|1|I",
        ]
    )
    return START + raw.encode() + END


def send(conn: socket.socket, message: bytes) -> float:
    started = time.perf_counter()
    conn.sendall(message)
    data = b""
    while not data.endswith(END):
        chunk = conn.recv(4096)
        if not chunk:
            raise RuntimeError("the listener closed the connection")
        data += chunk
    if b"MSA|AA|" not in data:
        raise RuntimeError(f"not accepted: {data[-120:]!r}")
    return time.perf_counter() - started


def feed(messages: int, paced_seconds: int) -> list[str]:
    from cases.models import Patient

    mrns = list(Patient.objects.filter(mrn__startswith="BENCH").order_by("id").values_list("mrn", flat=True))
    port = 2599
    env = {**os.environ}
    listener = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, str(ROOT / "manage.py"), "hl7_listener", "--port", str(port)], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    lines = []
    try:
        for _ in range(100):
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except OSError:
                time.sleep(0.1)
        with conn:
            started = time.perf_counter()
            latencies = [send(conn, adt(i, mrns[i % len(mrns)])) for i in range(messages)]
            elapsed = time.perf_counter() - started
            rate = messages / elapsed * 60
            lines.append(_feed_row(f"{messages} ADT^A08 flat out, one connection", latencies, rate))
            if paced_seconds:
                count, interval, paced = paced_seconds * 1000 // 60, 60 / 1000, []
                started = time.perf_counter()
                for i in range(count):
                    delay = started + i * interval - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
                    paced.append(send(conn, adt(messages + i, mrns[i % len(mrns)])))
                late = time.perf_counter() - (started + count * interval)
                rate = count / (time.perf_counter() - started) * 60
                lines.append(_feed_row(f"{count} ADT^A08 paced at 1,000/min for {paced_seconds}s (ended {late:+.1f}s)",
                                       paced, rate))  # fmt: skip
    finally:
        listener.terminate()
        listener.wait(10)
    return lines


def _feed_row(title: str, latencies: list[float], per_minute: float) -> str:
    ordered = sorted(latencies)
    p95 = ordered[round(0.95 * (len(ordered) - 1))] * 1000
    return (f"| PAS feed: {title} | {statistics.median(latencies) * 1000:.1f} | {p95:.1f} | "
            f"{per_minute:,.0f} | {per_minute / 1000:.1f}x |")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--paced-seconds", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    setup(args.patients)
    from bench import harness

    lines = harness.header() + fhir_page(args.repeats)
    lines += ["", "| Feed run | Median ms per message (to its ACK) | p95 ms | Messages a minute | vs 1,000/min |",
              "| --- | --- | --- | --- | --- |"]  # fmt: skip
    lines += feed(args.messages, args.paced_seconds)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
