"""The sweep's schedule, and reminder settings that stop the process when they cannot work."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.celery import app
from reminders.tasks import send, sweep

ROOT = Path(__file__).resolve().parents[2]


def test_beat_runs_the_sweep_every_minute_and_drops_a_late_one():
    entry = app.conf.beat_schedule["reminder-sweep"]
    assert entry["task"] == sweep.name == "reminders.tasks.sweep"
    assert entry["schedule"] == 60.0
    assert entry["options"]["expires"] < 60
    assert {sweep.name, send.name} <= set(app.tasks)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("REMINDER_SENDING_TIMEOUT_SECONDS", "120", "must exceed the task time limit"),
        ("REMINDER_DAY_START_HOUR", "24", "must be an hour from 0 to 23"),
        ("REMINDER_MRI_REVIEW_HOURS", "a day", "is not a whole number"),
        ("BANK_HOLIDAYS", "Wales", "must be ENG (England and Wales)"),
    ],
)
@pytest.mark.hazard("HAZ-024")
def test_a_setting_that_cannot_work_stops_the_process_and_names_itself(variable, value, message):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", variable: value}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert variable in result.stderr and message in result.stderr
