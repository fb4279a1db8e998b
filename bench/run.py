"""`make bench SIZE=S` (or L): seed a benchmark database if needed, run every benchmark, print the table.

    .venv/bin/python -m bench.run --size S [--repeats 15] [--skip-load]

The database is DATABASE_URL if set (use a PostgreSQL database of its own), else a SQLite file
.run/bench-<size>.sqlite3. Results are printed and added to docs/benchmarks.md.
"""

import argparse
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load_test() -> list[str]:
    """The load test on gunicorn, signed in as the bench oncologist on the latest listed item."""
    from bench import harness, load
    from cases.models import Patient
    from mdt.models import AgendaItem, Member

    harness.progress("Running: load test on gunicorn...")
    item = AgendaItem.objects.filter(status=AgendaItem.Status.LISTED).order_by("-meeting__starts_at").first()
    assert item is not None
    ids = {
        "username": "bench-oncologist",
        "password": "bench-only-password-2026",
        "meeting": item.meeting_id,
        "item": item.pk,
        "oncologist": Member.objects.get(role=Member.Role.ONCOLOGIST).pk,
        "surgeon": Member.objects.get(role=Member.Role.SPINAL_SURGEON).pk,
        "patients": list(Patient.objects.order_by("id").values_list("pk", flat=True)[:20]),
    }
    return load.table(load.main(ids))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["S", "L"], default="S")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--skip-load", action="store_true", help="leave out the gunicorn load test")
    parser.add_argument("--no-record", action="store_true", help="do not add the table to docs/benchmarks.md")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DEBUG", "1")  # read by config.settings; bench.settings then turns debug off
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    if not os.environ.get("DATABASE_URL"):
        (ROOT / ".run").mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / '.run' / f'bench-{args.size}.sqlite3'}"
    print(f"Benchmark database: {os.environ['DATABASE_URL'].split('@')[-1]}", file=sys.stderr)
    manage = [sys.executable, str(ROOT / "manage.py")]
    seeding = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, env=seeding)  # noqa: S603 - fixed arguments

    import django

    django.setup()
    from cases.models import Patient

    if not Patient.objects.exists():
        subprocess.run([*manage, "seed_scale", "--size", args.size], check=True, env=seeding)  # noqa: S603
    from bench import harness, pages

    lines = harness.header()
    for name, run in (
        ("agenda", lambda: [pages.agenda(args.repeats)]),
        ("lists", lambda: pages.lists(args.repeats)),
        ("admin changelists", lambda: pages.admin_lists(args.repeats)),
        ("meeting outcomes", lambda: [pages.outcomes(max(3, args.repeats // 5))]),
    ):
        harness.progress(f"Running: {name}...")
        for comparison in run():
            lines += comparison.rows()
    sweep = ROOT / "bench" / "sweep.py"
    if sweep.exists():
        harness.progress("Running: reminder sweep (bench.sweep)...")
        out = subprocess.run([sys.executable, "-m", "bench.sweep"], cwd=ROOT, capture_output=True, text=True)
        lines += ["", "Reminder sweep (bench.sweep):", "", out.stdout.strip() or out.stderr.strip()[-2000:]]
    if not args.skip_load:
        lines += ["", *_load_test()]
    text = "\n".join(lines)
    print(text)
    if not args.no_record:
        docs = ROOT / "docs" / "benchmarks.md"
        stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
        with docs.open("a") as out_file:
            out_file.write(f"\n## Size {args.size}, {stamp}\n\n{text}\n")
        harness.progress(f"Added to {docs.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
