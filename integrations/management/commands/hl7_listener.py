"""manage.py hl7_listener: the PAS feed's MLLP listener (a Procfile process; `make run` starts it)."""

import asyncio
import contextlib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from integrations.hl7.listener import Limits, serve


class Command(BaseCommand):
    help = "Listen for HL7 v2 ADT and ORU messages over MLLP and acknowledge each (docs/integration.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.HL7_HOST, help="default HL7_HOST (127.0.0.1)")
        parser.add_argument("--port", type=int, default=settings.HL7_PORT, help="default HL7_PORT (2575)")

    def handle(self, *args: Any, **options: Any) -> None:
        limits = Limits(
            max_connections=settings.HL7_MAX_CONNECTIONS,
            max_bytes=settings.HL7_MAX_MESSAGE_BYTES,
            idle_timeout=settings.HL7_IDLE_TIMEOUT_SECONDS,
        )
        self.stdout.write(f"HL7 v2 (MLLP) listener on {options['host']}:{options['port']}. Stop with Ctrl+C.")
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(options["host"], options["port"], limits))
