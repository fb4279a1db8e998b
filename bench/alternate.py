"""The weekly pages at S and at L, back to back, several times: the L/S ratio with its range.

    .venv/bin/python -m bench.alternate --s postgres://.../mdt_bench_s --l postgres://.../mdt_bench_l
    .venv/bin/python -m bench.alternate --s ... --l ... --pairs 3 --pages "dashboard,reports"

This machine's speed drifts between runs (the case page has taken 31 ms in one run and 77 ms in
another): a page at S measured at 10:00 against the same page at L measured at 10:20 compares the
machine with itself as much as the sizes. Here each pair runs S, then L at once, and the ratio is taken
within the pair; the table gives, per page, the median of the pairs' ratios and their range, and the
page against the case page at L (the issue's 3x target), also within each run. Nothing is recorded:
paste the table where it is wanted.
"""

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = "case page (reference)"


def run_once(database_url: str, size: str, repeats: int, pages: str) -> dict[str, float]:
    """One `bench.run --only weekly` on one database: page name -> median ms."""
    command = [sys.executable, "-m", "bench.run", "--size", size, "--only", "weekly", "--no-record"]
    command += ["--repeats", str(repeats)] + (["--pages", pages] if pages else [])
    env = {**os.environ, "DATABASE_URL": database_url}
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    medians = {}
    for line in out.stdout.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].startswith("Weekly pages"):
            medians[cells[1]] = float(cells[3])
    if REFERENCE not in medians:
        raise SystemExit(f"No weekly table in the output of {' '.join(command)}:\n{out.stdout}\n{out.stderr}")
    return medians


def table(pairs: list[tuple[dict[str, float], dict[str, float]]]) -> list[str]:
    lines = [
        f"{len(pairs)} pairs, S then L back to back; ratios taken within each pair.",
        "",
        "| Page | S ms (median of runs) | L ms (median of runs) | L/S median (range) | vs case page at L |",
        "| --- | --- | --- | --- | --- |",
    ]
    for page in pairs[0][0]:
        small = [s[page] for s, _ in pairs]
        large = [lg[page] for _, lg in pairs]
        ratios = sorted(lg[page] / s[page] for s, lg in pairs)
        versus = statistics.median(lg[page] / lg[REFERENCE] for _, lg in pairs)
        lines.append(
            f"| {page} | {statistics.median(small):.1f} | {statistics.median(large):.1f} | "
            f"{statistics.median(ratios):.2f} ({ratios[0]:.2f} to {ratios[-1]:.2f}) | {versus:.2f} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--s", required=True, help="DATABASE_URL of the size S database")
    parser.add_argument("--l", required=True, help="DATABASE_URL of the size L database")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--pages", default="", help="as bench.run --pages (the case page is always measured)")
    args = parser.parse_args()
    pairs = []
    for number in range(1, args.pairs + 1):
        print(f"Pair {number} of {args.pairs}: S...", file=sys.stderr, flush=True)
        small = run_once(args.s, "S", args.repeats, args.pages)
        print(f"Pair {number} of {args.pairs}: L...", file=sys.stderr, flush=True)
        pairs.append((small, run_once(args.l, "L", args.repeats, args.pages)))
    print("\n".join(table(pairs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
