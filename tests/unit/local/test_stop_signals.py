"""`arbvault local`'s Ctrl-C: the first signal asks for an orderly stop, a second one quits at once."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from infra.commands.local import StopSignals


def test_the_first_signal_only_asks_for_a_stop() -> None:
    quits: list[int] = []
    stop = StopSignals(quit_now=quits.append)
    assert not stop.requested.is_set()
    stop.handle(signal.SIGINT)
    assert stop.requested.is_set() and quits == []


@pytest.mark.parametrize(("second", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_second_signal_quits_at_once_with_the_shells_code(second: int, code: int,
                                                            capfd: pytest.CaptureFixture[str]) -> None:
    quits: list[int] = []
    stop = StopSignals(quit_now=quits.append)
    stop.handle(signal.SIGINT)
    stop.handle(second)
    assert quits == [code]
    assert capfd.readouterr().err == "arbvault local: stopped at once\n"


def test_a_signal_another_thread_takes_still_ends_the_wait() -> None:
    """The kernel may deliver Ctrl-C to any thread of the stack; the handler then runs only once the main thread
    wakes up, which an untimed wait never does. A fallback ends the wait after 5 s, so a regression fails here
    instead of hanging."""
    stop = StopSignals(quit_now=lambda code: None)
    taker = threading.Thread(target=stop.requested.wait, args=(5.0,), daemon=True)
    taker.start()
    fallback = threading.Timer(5.0, stop.requested.set)
    previous = signal.signal(signal.SIGINT, stop.handle)
    try:
        fallback.start()
        threading.Timer(0.2, signal.pthread_kill, (taker.ident, signal.SIGINT)).start()
        began = time.monotonic()
        stop.wait()
        assert time.monotonic() - began < 2.0
    finally:
        fallback.cancel()
        signal.signal(signal.SIGINT, previous)
