"""The environment a benchmark's process runs in, set before Django starts (bench.run, bench.integrations)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_environment(sqlite_name: str) -> None:
    """bench.settings, with DEBUG read as on by config.settings (bench.settings then turns debug off), a secret
    of its own, and, when DATABASE_URL names no server, an SQLite file of its own under .run/."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    if not os.environ.get("DATABASE_URL"):
        (ROOT / ".run").mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / '.run' / sqlite_name}"
