"""briefgen.child: answers come back, and a child that runs too long, takes too much memory,
dies or is cancelled is stopped with the reason said."""

from __future__ import annotations

import threading

import pytest

from briefgen.child import ChildFailed, ChildProcess

# The child's work, as the tests ask for it: sleep, allocate, die, or echo.
_ENTRY = """
import os, time
from briefgen.child import serve_requests

def answer(request):
    time.sleep(request.get("sleep", 0))
    held = bytearray(request.get("allocate", 0))
    if request.get("die"):
        os._exit(7)
    return {"echo": request.get("echo"), "held": len(held)}

serve_requests(answer)
"""
MiB = 1024 * 1024


@pytest.fixture
def child() -> ChildProcess:
    process = ChildProcess(_ENTRY, 512 * MiB)
    yield process
    process.close()


def test_answers_come_back_and_the_child_is_kept(child: ChildProcess) -> None:
    assert child.request({"echo": "één"}, 30) == {"echo": "één", "held": 0}
    first = child._proc
    assert child.request({"echo": [1, 2]}, 30)["echo"] == [1, 2]
    assert child._proc is first


def test_a_request_past_its_time_is_stopped_and_the_next_gets_a_new_child(
        child: ChildProcess) -> None:
    with pytest.raises(ChildFailed) as failed:
        child.request({"sleep": 30}, 1.5)
    assert failed.value.reason == "timeout"
    assert child.request({"echo": 1}, 30)["echo"] == 1


def test_memory_past_the_cap_is_said_to_be_memory(child: ChildProcess) -> None:
    assert child.request({"allocate": 64 * MiB}, 30)["held"] == 64 * MiB
    with pytest.raises(ChildFailed) as failed:
        child.request({"allocate": 1024 * MiB}, 30)
    assert failed.value.reason == "memory"


def test_a_child_that_dies_is_a_crash_with_its_status(child: ChildProcess) -> None:
    with pytest.raises(ChildFailed) as failed:
        child.request({"die": True}, 30)
    assert (failed.value.reason, failed.value.detail) == ("crash", "exit status 7")


def test_cancel_from_another_thread_stops_the_request(child: ChildProcess) -> None:
    child.start()
    threading.Timer(1.0, child.cancel).start()
    with pytest.raises(ChildFailed) as failed:
        child.request({"sleep": 30}, 60)
    assert failed.value.reason == "cancelled"
