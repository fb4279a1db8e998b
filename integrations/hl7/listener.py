"""The MLLP listener: HL7 v2 messages in over TCP, one ACK back for each.

Bounded: at most HL7_MAX_CONNECTIONS connections at once (more are closed at once), at most
HL7_MAX_MESSAGE_BYTES per message (a larger one is refused with AR and the connection closed),
and a connection idle for HL7_IDLE_TIMEOUT_SECONDS is closed. Messages on one connection are
applied in the order they arrive, each before its ACK is sent (the PAS sends the next one after
the ACK), and database work runs on one thread, so the feed never reorders a patient's events.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.db import close_old_connections

from integrations.hl7 import ack, mllp
from integrations.hl7.receive import feed_message_receive

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    max_connections: int
    max_bytes: int
    idle_timeout: float


def _receive(raw: str) -> str:
    close_old_connections()
    try:
        return feed_message_receive(raw)[1]
    finally:
        close_old_connections()


receive: Callable[[str], Awaitable[str]] = sync_to_async(_receive, thread_sensitive=True)


def decode(data: bytes) -> str:
    """HL7 v2 from a PAS is ASCII or Latin-1 more often than UTF-8: try UTF-8, fall back to Latin-1."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


class Listener:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.slots = asyncio.Semaphore(limits.max_connections)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.slots.locked():
            logger.warning("hl7 connection refused: %s connections already open", self.limits.max_connections)
            writer.close()
            return
        async with self.slots:
            try:
                await self._serve(reader, writer)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                data = await asyncio.wait_for(mllp.read_frame(reader, self.limits.max_bytes), self.limits.idle_timeout)
            except TimeoutError:
                return
            except mllp.FrameTooLarge:
                text = f"Message larger than {self.limits.max_bytes} bytes: refused."
                writer.write(mllp.frame(ack.build(code="AR", control_id="", text=text)))
                await writer.drain()
                return
            if data is None:
                return
            writer.write(mllp.frame(await receive(decode(data))))
            await writer.drain()


async def serve(host: str, port: int, limits: Limits, started: Callable[[int], None] | None = None) -> None:
    """Listen until cancelled; `started` is told the port (useful with port 0)."""
    listener = Listener(limits)
    # The stream limit bounds readuntil(): a frame larger than this raises instead of growing memory.
    server = await asyncio.start_server(listener.handle, host, port, limit=limits.max_bytes + 16)
    bound = server.sockets[0].getsockname()[1]
    logger.info("hl7 listener on %s:%s", host, bound)
    if started:
        started(bound)
    async with server:
        await server.serve_forever()
