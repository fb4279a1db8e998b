import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from scripts import redis_local

# Speed is measured in bench/, never asserted by a test: Hypothesis's own timing checks (a 200 ms deadline per
# example, "data generation too slow") fail tests whose behaviour is right when the machine is busy. Every
# property keeps its examples and its assertions; a test's own @settings still override the rest.
hypothesis_settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("suite")

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM
# calls from such a thread unless told that this is a test harness.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A clinician's browser in a UK hospital: date fields typed and shown day first (14/03/2026), 24-hour times.
# Chromium takes that format from LANG and its en-GB locale file (Debian: chromium-l10n; without it en-US).
CHROMIUM_ENV = {**os.environ, "LANG": "en_GB.UTF-8"}


@pytest.fixture
def clock() -> Iterator[Any]:
    """Time held still at tests.sessions.START (2 March 2026, 09:00 UTC), moved on with `clock.move_to`."""
    from tests.sessions import START

    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The Redis at REDIS_URL if it answers, else a throw-away one for this test session."""
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if redis_local.answers(url):
        yield url
        return
    port = redis_local.free_port()
    process = redis_local.start(port)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests are slow (a real Chromium per test) and need one: CI installs it and must run
    them; elsewhere they are skipped, loudly."""
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.slow)
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI must run the browser tests, but no Chromium at {CHROMIUM}: install it.")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "env": CHROMIUM_ENV}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """Every page opened by pytest-playwright's `page` is a UK user's: British English, London time."""
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture(autouse=True)
def documents_built_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """PDFs are built by the Celery worker (mdt.printing); in tests, at once in the test's own
    transaction, so a page test sees the PDF and nothing is published to a shared broker. The tests
    of the background build (tests/mdt/test_documents.py) replace this. Listing a case publishes no
    "lay out ahead" message either (tests/mdt/test_pack_prepared_on_listing.py tests that one)."""
    from mdt import printing

    monkeypatch.setattr(printing, "enqueue", printing.build)
    monkeypatch.setattr(printing, "prepare_soon", lambda meeting_id: None)
