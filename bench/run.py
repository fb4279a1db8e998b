"""`make bench SIZE=S` (or L): seed a benchmark database if needed, run every benchmark, print the table.

    .venv/bin/python -m bench.run --size S [--repeats 15] [--skip-load]
    .venv/bin/python -m bench.run --size L --only weekly --pages "agenda page,reports" --no-record

The database is DATABASE_URL if set (use a PostgreSQL database of its own), else a SQLite file
.run/bench-<size>.sqlite3. Results are printed and added to docs/benchmarks.md.
"""

import argparse
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from bench.environment import bench_environment

ROOT = Path(__file__).resolve().parent.parent


def _sweep_in_place() -> list[str]:
    """The reminder sweep on this database itself: the record as seeded, its team and its outbox."""
    from bench import harness

    harness.progress("Running: reminder sweep on this database (bench.sweep --in-place)...")
    sweep_args = [sys.executable, "-m", "bench.sweep", "--in-place", "--due", "10000", "--skip-naive"]
    out = subprocess.run(sweep_args, cwd=ROOT, capture_output=True, text=True)  # noqa: S603 - fixed arguments
    return [
        "Reminder sweep on this database (bench.sweep --in-place):",
        "",
        out.stdout.strip() or out.stderr.strip()[-2000:],
    ]


def _load_test() -> list[str]:
    """The load test on gunicorn: the week's mix, each page signed in as its role (bench.load)."""
    from bench import harness, load, weekly
    from cases.models import Patient
    from mdt.models import Member

    harness.progress("Running: load test on gunicorn...")
    meeting, items = load.meeting_under_way(max(load.LEVELS))
    team = Member.objects.order_by("id")
    ids = {
        "username": "bench-oncologist",
        "password": "bench-only-password-2026",
        "meeting": meeting,
        "items": items,
        "oncologist": team.filter(role=Member.Role.ONCOLOGIST).first().pk,  # type: ignore[union-attr]
        "surgeon": team.filter(role=Member.Role.SPINAL_SURGEON).first().pk,  # type: ignore[union-attr]
        "patients": list(Patient.objects.order_by("id").values_list("pk", flat=True)[:20]),
        "pages": weekly.pages(weekly.ids()),
    }
    return load.table(load.main(ids))


ALL_BENCHMARKS = ("agenda", "lists", "admin", "outcomes", "weekly", "pack", "sweep", "load")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["S", "L"], default="S")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--skip-load", action="store_true", help="leave out the gunicorn load test")
    parser.add_argument("--no-record", action="store_true", help="do not add the table to docs/benchmarks.md")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated benchmark names (agenda, lists, admin, outcomes, "
        "weekly, pack, sweep, load); all by default",
    )
    parser.add_argument(
        "--pages",
        default="",
        help="weekly pages only: comma-separated parts of page names (e.g. 'agenda page,reports'); "
        "the reference page is always measured; PDFs are not rebuilt unless a PDF page is named",
    )
    return parser.parse_args()


def _record(size: str, text: str) -> None:
    """Add the table to docs/benchmarks.md under a dated heading."""
    docs = ROOT / "docs" / "benchmarks.md"
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    with docs.open("a") as out_file:
        out_file.write(f"\n## Size {size}, {stamp}\n\n{text}\n")
    from bench import harness

    harness.progress(f"Added to {docs.relative_to(ROOT)}")


def main() -> int:
    args = _arguments()

    bench_environment(f"bench-{args.size}.sqlite3")
    print(f"Benchmark database: {os.environ['DATABASE_URL'].split('@')[-1]}", file=sys.stderr)
    manage = [sys.executable, str(ROOT / "manage.py")]
    seeding = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, env=seeding)  # noqa: S603 - fixed arguments

    import django

    django.setup()
    from cases.models import Patient

    if not Patient.objects.exists():
        subprocess.run([*manage, "seed_scale", "--size", args.size], check=True, env=seeding)  # noqa: S603
    from bench import harness, pages, weekly

    wanted = set(filter(None, args.only.split(","))) or set(ALL_BENCHMARKS)
    lines = harness.header()
    table_at = len(lines)  # the comparisons' table starts empty: left out if no benchmark adds a row
    notes: list[str] = []

    def weekly_pages() -> list[harness.Comparison]:
        comparison, built = weekly.weekly(args.repeats, list(filter(None, args.pages.split(","))))
        notes.extend(built)
        return [comparison]

    for name, run in (
        ("agenda", lambda: [pages.agenda(args.repeats)]),
        ("lists", lambda: pages.lists(args.repeats)),
        ("admin", lambda: pages.admin_lists(args.repeats)),
        ("outcomes", lambda: [pages.outcomes(max(3, args.repeats // 5))]),
        ("weekly", weekly_pages),
        ("pack", lambda: weekly.pack_layout(max(3, args.repeats // 5))),
    ):
        if name not in wanted:
            continue
        harness.progress(f"Running: {name}...")
        for comparison in run():
            lines += comparison.rows()
    if len(lines) == table_at:
        lines = lines[: table_at - 3]
    lines += ["", *notes] if notes else []
    if "sweep" in wanted:
        lines += ["", *_sweep_in_place()]
    if not args.skip_load and "load" in wanted:
        lines += ["", *_load_test()]
    text = "\n".join(lines)
    print(text)
    if not args.no_record:
        _record(args.size, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
