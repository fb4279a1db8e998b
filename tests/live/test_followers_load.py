"""Thirty followers polling the live screen do not take the web workers that serve everyone else.

The real server (gunicorn, two sync workers, as the load test runs it) serves the test database;
thirty followers each poll the live state as their screens do, with If-None-Match; meanwhile a
coordinator opens the meetings list. Each poll is a short request that answers 304 and frees its
worker: the list page answers while every follower is still polling. (A stream held open per
follower would take both workers and the list page would never answer.)
"""

import http.client
import threading
import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from bench import load
from live import services
from mdt.models import Member
from tests.factories import team_user
from tests.live.makers import room

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
]

FOLLOWERS = 30
POLLS = 600  # at most, each follower's polls: they stop when the list pages are done, or at this bound
POLL_SECONDS = 0.1  # faster than a real screen (2 s), so the workers are busier than in a meeting
LIST_LOADS = 5


def _database_url() -> str:
    """The test database, for the server process (SQLite's is a file: settings_test)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _get(port: int, path: str, cookie: str, etag: str = "") -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"sessionid={cookie}", "If-None-Match": etag}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, response.getheader("ETag") or ""


def test_a_list_page_answers_while_30_followers_are_polling(monkeypatch):
    r = room(3)
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    roles = [Member.Role.ONCOLOGIST, Member.Role.RADIOLOGIST, Member.Role.PHYSIOTHERAPIST]
    followers = [team_user(f"follower{i}", roles[i % 3]) for i in range(FOLLOWERS)]
    cookies = [_session(user) for user in followers]
    coordinator = _session(r.coordinator)
    monkeypatch.setenv("DATABASE_URL", _database_url())
    monkeypatch.setenv("SECRET_KEY", settings.SECRET_KEY)  # the sessions made here are signed with it
    monkeypatch.setenv("MFA_REQUIRED", "0")
    port = load.free_port()
    server = load.start_server(port)
    state = f"/meetings/{r.meeting.pk}/live/state/"
    answers: list[list[int]] = [[] for _ in range(FOLLOWERS)]
    still_polling: list[int] = []
    done = threading.Event()

    def follow(index: int) -> None:
        etag = ""
        for _ in range(POLLS):
            if done.is_set():
                break
            status, etag = _get(port, state, cookies[index], etag)
            answers[index].append(status)
            time.sleep(POLL_SECONDS)

    threads = [threading.Thread(target=follow, args=(i,)) for i in range(FOLLOWERS)]
    try:
        for thread in threads:
            thread.start()
        while not all(answers):  # every follower has its first answer (its screen is up)
            time.sleep(0.05)
        lists = []
        for _ in range(LIST_LOADS):
            lists.append(_get(port, "/meetings/", coordinator)[0])
            still_polling.append(sum(thread.is_alive() for thread in threads))
        # Each follower has asked again with its ETag (a follower that died stops the wait: the asserts say so).
        while not all(len(statuses) > 1 for statuses in answers) and all(t.is_alive() for t in threads):
            time.sleep(0.05)
        done.set()
        for thread in threads:
            thread.join()
    finally:
        done.set()
        server.terminate()
        server.wait(timeout=20)

    assert lists == [200] * LIST_LOADS
    assert min(still_polling) == FOLLOWERS  # every list page answered while all thirty were polling
    for statuses in answers:
        assert statuses[0] == 200 and set(statuses[1:]) == {304}
