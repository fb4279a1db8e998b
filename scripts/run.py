"""`make run`: web, worker and beat together, with a Redis started when none answers."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import redis_local  # noqa: E402


def main() -> int:
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")
    # honcho runs each Procfile line through the shell: put this venv's gunicorn and celery first.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    host, port = env.setdefault("HOST", "127.0.0.1"), env.setdefault("WEB_PORT", "8000")
    run_dir = ROOT / ".run"
    run_dir.mkdir(exist_ok=True)

    redis = None
    if redis_local.answers(env["REDIS_URL"]):
        print(f"Using the Redis at {env['REDIS_URL']}.")
    else:
        redis_port = urlparse(env["REDIS_URL"]).port or 6379
        redis = redis_local.start(redis_port, log_file=run_dir / "redis.log")
        print(f"No Redis answered, so one was started on 127.0.0.1:{redis_port} (log: .run/redis.log).")

    print(f"\n  The app: http://{host}:{port}/   (the coordinators' workspace: http://{host}:{port}/admin/)")
    print("  Demo logins: coordinator, mscc, oncologist, surgeon, radiologist, ... password spine-demo-2026")
    print(f"  The PAS feed (HL7 v2 over MLLP): {env.get('HL7_HOST', '127.0.0.1')}:{env.get('HL7_PORT', '2575')}")
    print("  Stop with Ctrl+C.\n", flush=True)
    honcho = [sys.executable, "-m", "honcho", "start", "-f", str(ROOT / "Procfile"), "-d", str(ROOT)]
    try:
        return subprocess.call(honcho, env=env, cwd=ROOT)  # noqa: S603 - fixed arguments
    except KeyboardInterrupt:
        return 0
    finally:
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
