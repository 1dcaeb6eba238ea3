"""A mobile link in a weak cell: the stream plays a few seconds, drops, comes back, again and
again. The listener must keep hearing it; a server that refuses must not be hammered."""

from __future__ import annotations

import time

from maliradio.playback.engine import State
from streamservers import IcecastServer

RUN = 30.0  # seconds: ten drops


def _playing_share(rec, t_start: float, t_end: float) -> float:
    """Share of [t_start, t_end] (recorder times) spent in "playing"."""
    total = 0.0
    marks = list(zip(rec.times, rec.statuses, strict=True)) + [(t_end, None)]
    for (t, st), (t_next, _) in zip(marks, marks[1:], strict=False):
        lo, hi = max(t, t_start), min(t_next, t_end)
        if hi > lo and st.state is State.PLAYING:
            total += hi - lo
    return total / (t_end - t_start)


def test_a_stream_that_drops_every_three_seconds_keeps_playing(engine, rec, mp3_file, qtbot):
    with IcecastServer(mp3_file, burst_seconds=0.5, metaint=8192) as server:
        # every connection ends after ~3 s of audio (16,000 bytes a second, titles included)
        server.cut_after_bytes = 3 * server.byte_rate
        engine.play_url(server.url())
        rec.wait_state(qtbot, State.PLAYING, timeout=10)
        t0 = time.monotonic() - rec.t0
        clock0 = engine.player.get_time()
        qtbot.wait(int(RUN * 1000))
        t1 = time.monotonic() - rec.t0
        heard = (engine.player.get_time() - clock0) / 1000
        share = _playing_share(rec, t0, t1)
        drops = server.connections[server.path] - 1
    assert drops >= 7  # the link really dropped, all along
    assert share >= 0.95, (share, rec.states)
    # libVLC's clock: what was really played out, gaps excluded
    assert heard >= 0.85 * RUN, heard


def test_a_server_that_refuses_after_playing_gets_growing_waits(engine, rec, mp3_file, qtbot):
    server = IcecastServer(mp3_file).start()
    engine.play_url(server.url())
    rec.wait_state(qtbot, State.PLAYING, timeout=10)
    server.stop()  # from now on every connection is refused
    n = len(rec.statuses)
    rec.wait_state(qtbot, State.ERROR, timeout=60, after=n)
    waits = [s.retry_in for s in rec.statuses[n:] if s.state is State.RECONNECTING]
    cap = engine.policy.backoff_cap
    # after the one quick retry that follows a connection that played, the waits grow to the cap
    assert len(waits) >= 4, waits
    assert waits[0] <= 1.0
    assert waits[-1] >= cap * (1 - engine.policy.jitter), waits
    assert "Réessayez plus tard" in rec.statuses[-1].message
