"""Time from a play request to "playing", through PlayerEngine and through a minimal python-vlc
script, alternating the two on the same loopback stream, in one process.

    python bench/play_probe.py URL RUNS

"Playing" is the same for both: libVLC's MediaPlayerPlaying event has arrived AND the last
MediaPlayerBuffering event said 100 % (that is when PlayerEngine reports State.PLAYING).

* engine: t0 just before ``engine.play_url(url)``, t1 in the slot that receives the PLAYING
  status (the GUI thread, as the app sees it). The engine is created once beforehand (the app
  creates it at startup), so libVLC's start is not part of the figure.
* baseline: ``vlc.Instance('--aout=dummy --vout=dummy')`` and a media player created once; t0
  just before ``media_new(url)``, t1 in the libVLC event callback that completes the condition.

Each run then plays 0.2 s more and is stopped; the time spent in the stop call is noted too
(engine.stop() runs on the GUI thread: that long the window cannot repaint).

One warm-up run of each is dropped. Prints JSON: lists of seconds for each.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

import _common

_common.loopback_guard()

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer  # noqa: E402

URL = sys.argv[1]
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
TIMEOUT = 20.0
STOPS: dict[str, list[float]] = {"engine": [], "baseline": []}  # seconds spent in stop()


def engine_run(engine, State) -> float | None:
    loop = QEventLoop()
    out: dict[str, float] = {}

    def on_status(st) -> None:
        if st.state is State.PLAYING and "t1" not in out:
            out["t1"] = time.monotonic()
            loop.quit()
        elif st.state is State.ERROR:
            out["error"] = 1.0
            loop.quit()

    engine.statusChanged.connect(on_status)
    QTimer.singleShot(int(TIMEOUT * 1000), loop.quit)
    t0 = time.monotonic()
    engine.play_url(URL)
    loop.exec()
    engine.statusChanged.disconnect(on_status)
    settle(0.2)  # play a little, as a listener would before pressing stop
    t_stop = time.monotonic()
    engine.stop()  # runs on the GUI thread: how long the window would be frozen
    STOPS["engine"].append(time.monotonic() - t_stop)
    settle()
    return out["t1"] - t0 if "t1" in out else None


class Baseline:
    def __init__(self, vlc) -> None:
        self.vlc = vlc
        self.instance = vlc.Instance("--aout=dummy --vout=dummy")
        self.player = self.instance.media_player_new()
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.playing = False
        self.buffer = 0.0
        self.t1 = 0.0
        em = self.player.event_manager()
        ev = vlc.EventType
        em.event_attach(ev.MediaPlayerPlaying, self._on_playing)
        em.event_attach(ev.MediaPlayerBuffering, self._on_buffering)

    def _check(self) -> None:
        if self.playing and self.buffer >= 100.0 and not self.done.is_set():
            self.t1 = time.monotonic()
            self.done.set()

    def _on_playing(self, event) -> None:
        with self.lock:
            self.playing = True
            self._check()

    def _on_buffering(self, event) -> None:
        with self.lock:
            self.buffer = float(event.u.new_cache)
            self._check()

    def run(self) -> float | None:
        with self.lock:
            self.playing, self.buffer = False, 0.0
            self.done.clear()
        t0 = time.monotonic()
        media = self.instance.media_new(URL)
        self.player.set_media(media)
        self.player.play()
        ok = self.done.wait(TIMEOUT)
        settle(0.2)
        t_stop = time.monotonic()
        self.player.stop()
        STOPS["baseline"].append(time.monotonic() - t_stop)
        settle()
        return self.t1 - t0 if ok else None

    def release(self) -> None:
        self.player.release()
        self.instance.release()


def settle(seconds: float = 0.3) -> None:
    """Let stop() finish and the servers drop the connection before the next run."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.01)


def main() -> None:
    app = QCoreApplication.instance() or QCoreApplication(["play_probe"])  # noqa: F841
    from maliradio.playback.engine import PlayerEngine, State

    engine = PlayerEngine(policy=None, video=False)
    base = Baseline(engine.vlc)
    eng_times: list[float | None] = []
    base_times: list[float | None] = []
    for i in range(RUNS + 1):  # run 0 is the warm-up of each
        e = engine_run(engine, State)
        b = base.run()
        if i:
            eng_times.append(e)
            base_times.append(b)
    engine.shutdown()
    base.release()
    stops = {k: v[1:] for k, v in STOPS.items()}  # without the warm-up
    print(json.dumps({"engine": eng_times, "baseline": base_times, "stop_s": stops}), flush=True)
    # python-vlc's ctypes callbacks can crash the interpreter's final GC: skip it
    os._exit(0)


if __name__ == "__main__":
    main()
