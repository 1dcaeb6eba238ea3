"""Player tests: a real libVLC engine (dummy audio and video) against loopback servers."""

from __future__ import annotations

import time

import pytest

from maliradio.playback.engine import PlayerEngine, Policy, State


class Recorder:
    """Keeps what a user would have seen: every state and every title, in order."""

    def __init__(self, engine: PlayerEngine) -> None:
        self.engine = engine
        self.statuses = []
        self.titles: list[str] = []
        self.t0 = time.monotonic()
        self.times: list[float] = []
        engine.statusChanged.connect(self._on_status)
        engine.titleChanged.connect(lambda t: t and self.titles.append(t))

    def _on_status(self, st) -> None:
        self.statuses.append(st)
        self.times.append(time.monotonic() - self.t0)

    @property
    def states(self) -> list[str]:
        return [s.state.value for s in self.statuses]

    def wait_state(self, qtbot, state: State, timeout: float = 15.0, after: int = 0) -> None:
        qtbot.waitUntil(
            lambda: any(s.state is state for s in self.statuses[after:]),
            timeout=int(timeout * 1000),
        )


FAST = Policy(
    stall_timeout=3.0,
    start_timeout=8.0,
    backoff_base=0.5,
    backoff_cap=2.0,
    retries_per_url=2,
    max_attempts=6,
    stable_after=60.0,
    probe_timeout=3.0,
)


@pytest.fixture
def engine(qapp):
    eng = PlayerEngine(policy=Policy(**vars(FAST)), video=False)
    yield eng
    eng.shutdown()


@pytest.fixture
def rec(engine):
    return Recorder(engine)
