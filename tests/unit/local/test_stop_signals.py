"""`arbvault local`'s Ctrl-C: the first signal asks for an orderly stop, a second one quits at once."""

from __future__ import annotations

import signal

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
