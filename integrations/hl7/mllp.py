"""MLLP framing (HL7 v2 over TCP): <VT> message <FS><CR>."""

import asyncio

START = b"\x0b"
END = b"\x1c\x0d"


class FrameTooLarge(Exception):
    pass


def frame(message: str) -> bytes:
    return START + message.encode("utf-8") + END


async def read_frame(reader: asyncio.StreamReader, max_bytes: int) -> bytes | None:
    """The next framed message, without its framing; None when the peer closed the connection.

    Bytes before the start block (stray newlines between frames) are skipped; a message longer
    than `max_bytes` raises FrameTooLarge, so a peer cannot make the listener hold unbounded data.
    """
    while True:
        byte = await reader.read(1)
        if not byte:
            return None
        if byte == START:
            break
    try:
        data = await reader.readuntil(END)
    except asyncio.LimitOverrunError as exc:
        raise FrameTooLarge from exc
    except asyncio.IncompleteReadError:
        return None
    if len(data) - len(END) > max_bytes:
        raise FrameTooLarge
    return data[: -len(END)]
