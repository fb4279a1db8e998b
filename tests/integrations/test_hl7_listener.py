"""The MLLP listener over a real socket: an ADT stream in, one ACK per message out, the record updated."""

import asyncio
import datetime as dt
import socket
import threading
from collections.abc import Iterator

import pytest
from django.utils import timezone

from integrations.hl7.listener import Limits, serve
from integrations.models import FeedMessage
from tests.factories import CaseFactory, PatientFactory
from tests.integrations import hl7_messages as hl7

pytestmark = pytest.mark.django_db(transaction=True)

START, END = b"\x0b", b"\x1c\x0d"


@pytest.fixture
def listener() -> Iterator[int]:
    """The listener on an ephemeral 127.0.0.1 port, in a thread with its own event loop."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    port: list[int] = []

    def started(bound: int) -> None:
        port.append(bound)
        ready.set()

    task = loop.create_task(serve("127.0.0.1", 0, Limits(2, 20_000, 5), started))
    thread = threading.Thread(target=lambda: loop.run_until_complete(asyncio.gather(task, return_exceptions=True)))
    thread.start()
    assert ready.wait(10)
    yield port[0]
    loop.call_soon_threadsafe(task.cancel)
    thread.join(10)
    loop.close()


def exchange(port: int, messages: list[str], *, framing: bytes = b"") -> list[str]:
    """Send each message framed, read its ACK before sending the next (as a PAS does)."""
    acks = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        for message in messages:
            conn.sendall(framing + START + message.encode() + END)
            data = b""
            while not data.endswith(END):
                chunk = conn.recv(4096)
                assert chunk, "the listener closed the connection"
                data += chunk
            assert data.startswith(START)
            acks.append(data[1:-2].decode())
    return acks


def codes(acks: list[str]) -> list[str]:
    return [ack.split("\r")[1].split("|")[1] for ack in acks]


def test_an_adt_stream_through_a_real_socket_updates_the_record_and_acknowledges_each(listener):
    patient = PatientFactory(mrn="MRN900001", nhs_number="9990000018", given_name="Nathan", family_name="Daniels")
    CaseFactory(patient=patient)
    died_on = timezone.localdate() - dt.timedelta(days=1)
    stream = [
        hl7.adt("A28", "S1"),
        hl7.adt("A08", "S2", family="DANIELS-SMITH"),
        hl7.adt("A31", "S3", family="DANIELS-SMITH", sex="M"),
        hl7.adt("A08", "S4").replace("^~\\&", "#"),  # bad encoding characters
        "\r".join(hl7.adt("A08", "S5").split("\r")[i] for i in (0, 2, 1, 3, 4)),  # PID before EVN
        hl7.adt("A08", "S6", mrn="MRN404", nhs=""),  # unknown patient
        hl7.adt("A03", "S7", family="DANIELS-SMITH", sex="M", died_on=f"{died_on:%Y%m%d}", died="Y"),
    ]

    acks = exchange(listener, stream, framing=b"\n")

    assert codes(acks) == ["AA", "AA", "AA", "AR", "AR", "AE", "AA"]
    assert [ack.split("\r")[1].split("|")[2] for ack in acks][-1] == "S7"
    patient.refresh_from_db()
    assert (patient.family_name, patient.sex, patient.died_on) == ("Daniels-Smith", "male", died_on)
    assert FeedMessage.objects.count() == 7

    replayed = exchange(listener, stream)

    assert codes(replayed) == ["AA", "AA", "AA", "AR", "AR", "AE", "AA"]
    assert FeedMessage.objects.filter(status="duplicate").count() == 4
    assert FeedMessage.objects.filter(status="applied").count() == 4
    patient.refresh_from_db()
    # S1 (the GP), S2, S3 and the death; the replay added none
    assert patient.history.filter(history_user__username="pas-feed").count() == 4


def test_a_message_larger_than_the_limit_is_refused_and_the_connection_closed(listener):
    with socket.create_connection(("127.0.0.1", listener), timeout=10) as conn:
        conn.sendall(START + b"MSH|" + b"x" * 30_000 + END)
        data = b""
        while chunk := conn.recv(4096):
            data += chunk
    assert b"MSA|AR|" in data
    assert not FeedMessage.objects.exists()
