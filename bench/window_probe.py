"""Figures taken in the real main window (offscreen), in a fresh process.

    python bench/window_probe.py stall IDS [--subprocess]  # GUI heartbeat gaps during a refresh
        diagnostics: --workers=N (fetch.refresh(max_workers=N)), --switch-interval=SECONDS
    python bench/window_probe.py rss STATION_ID    # resident memory while a station plays
    python bench/window_probe.py rss-baseline URL  # context: bare window + python-vlc

MALIRADIO_HOME is prepared by the parent (news database, user stations).

stall: a 5 ms heartbeat QTimer (Qt.PreciseTimer) on the GUI thread records the time of each
tick; the figure is the longest interval between two ticks from the moment the refresh is asked
for until the news list has been reloaded (1 s after the GUI got the end of the refresh). The
heartbeat over the idle window for 2 s just before is reported as the noise baseline.
The refresh is started through the NewsPane: `NewsPane.refresh()`, what its "Actualiser"
button calls, and its end is its `refreshFinished` signal. Without a NewsPane it is started
the way the app runs background work: maliradio.ui.tasks.run_task(fetch.refresh). With
--subprocess (a diagnostic), the same refresh runs in another process (the CLI).

rss: the window with the 10,000-article database, the user station playing the loopback Icecast
stream (State.PLAYING), 3 s more of playing, then VmRSS of this process from /proc/self/status.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
import time
from pathlib import Path

import _common

_common.loopback_guard()

from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TIMEOUT = 60.0


def wait_until(pred, timeout: float = TIMEOUT, step_ms: int = 10) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, step_ms)
        time.sleep(0.002)
    return bool(pred())


def spin(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


class Heartbeat:
    def __init__(self) -> None:
        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(lambda: self.ticks.append(time.monotonic()))

    def start(self) -> None:
        self.ticks = [time.monotonic()]
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        self.ticks.append(time.monotonic())
        return self.ticks

    @staticmethod
    def gaps_ms(ticks: list[float]) -> list[float]:
        return [(b - a) * 1000 for a, b in zip(ticks, ticks[1:], strict=False)]


def open_window():
    from maliradio.ui.mainwindow import MainWindow

    win = MainWindow()
    win.show()
    if not wait_until(lambda: win.ready and win.engine is not None, 20):
        raise RuntimeError("the window did not get ready")
    spin(0.5)
    return win


def db_path() -> Path:
    return Path(os.environ["MALIRADIO_HOME"]) / "data" / "news.sqlite3"


class StoredWatcher(threading.Thread):
    """Watches the database from its own connection (never the GUI thread) and notes when
    every feed source has been stored by the refresh."""

    def __init__(self, sources: list[str], since: float) -> None:
        super().__init__(daemon=True)
        self.sources, self.since = sources, since
        self.done_at: float | None = None
        self.stop = False

    def run(self) -> None:
        conn = sqlite3.connect(f"file:{db_path()}?mode=ro", uri=True, timeout=30)
        marks = ",".join("?" * len(self.sources))
        while not self.stop:
            n = conn.execute(
                f"SELECT count(*) FROM sources WHERE id IN ({marks}) AND last_fetch >= ?",
                (*self.sources, self.since),
            ).fetchone()[0]
            if n == len(self.sources):
                self.done_at = time.monotonic()
                return
            time.sleep(0.05)


def start_refresh(win) -> tuple[str, dict]:
    """Ask for a refresh the way a user would; returns (how, state filled on completion)."""
    state: dict = {}
    pane = win.news
    if type(pane).__name__ == "NewsPane" and callable(getattr(pane, "refresh", None)):
        finished = getattr(pane, "refreshFinished", None)
        if finished is not None:

            def done(report) -> None:
                state["done_gui"] = time.monotonic()
                state["report_new"] = getattr(report, "new", None)

            finished.connect(done)
        pane.refresh()  # what the "Actualiser" button does
        return "NewsPane.refresh() (the Actualiser button)", state
    from maliradio.news import fetch
    from maliradio.news.store import NewsStore
    from maliradio.ui.tasks import run_task

    store = NewsStore()

    def finished_cb(report) -> None:
        state["report_new"] = report.new
        state["done_gui"] = time.monotonic()

    run_task(
        fetch.refresh, store, None, force=True, fetch_full_articles=True,
        on_success=finished_cb, on_error=lambda e: state.setdefault("error", repr(e)),
    )  # fmt: skip
    return "run_task(fetch.refresh) (no NewsPane in the app)", state


def start_refresh_subprocess(win) -> tuple[str, dict]:
    """What-if (diagnostic): the same refresh in another process (`maliradio news refresh
    --json`, the CLI), the window only reloading its list at the end, as a pane driving the
    CLI through QProcess would."""
    import subprocess

    state: dict = {}

    def run() -> None:
        subprocess.run(
            [sys.executable, "-m", "maliradio", "news", "refresh", "--json"],
            capture_output=True, timeout=120,
        )  # fmt: skip
        state["done_worker"] = True

    threading.Thread(target=run, daemon=True).start()

    def poll() -> None:
        if state.get("done_worker"):
            reload = getattr(win.news, "_apply_filters", None)
            if callable(reload):
                reload()
            state["done_gui"] = time.monotonic()
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)
    return "subprocess: maliradio news refresh --json", state


def cmd_stall(sources: list[str], subprocess_mode: bool = False) -> None:
    app = QApplication.instance() or QApplication(["maliradio"])  # noqa: F841
    for a in sys.argv:
        if a.startswith("--switch-interval="):  # diagnostic what-if
            sys.setswitchinterval(float(a.split("=", 1)[1]))
    win = open_window()
    # what a news pane would have imported long before the user asks for a refresh
    import maliradio.news.fetch  # noqa: F401
    import maliradio.news.store  # noqa: F401

    for a in sys.argv:
        if a.startswith("--workers="):  # diagnostic what-if: fetch.refresh(max_workers=N)
            import functools

            real = maliradio.news.fetch.refresh
            n = int(a.split("=", 1)[1])
            maliradio.news.fetch.refresh = functools.partial(real, max_workers=n)

    hb = Heartbeat()
    # noise baseline: the idle window
    hb.start()
    spin(2.0)
    idle = Heartbeat.gaps_ms(hb.stop())
    since = time.time() - 1
    watcher = StoredWatcher(sources, since)
    hb.start()
    t0 = time.monotonic()
    how, state = (start_refresh_subprocess if subprocess_mode else start_refresh)(win)
    watcher.start()
    ok = wait_until(lambda: watcher.done_at is not None and "done_gui" in state, TIMEOUT)
    spin(1.0)  # the list reload that follows the refresh
    ticks = hb.stop()
    watcher.stop = True
    gaps = Heartbeat.gaps_ms(ticks)
    worst = sorted(range(len(gaps)), key=gaps.__getitem__)[-5:]
    out = {
        "how": how,
        "completed": ok,
        "refresh_s": (watcher.done_at - t0) if watcher.done_at else None,
        "max_gap_ms": max(gaps),
        "p99_gap_ms": sorted(gaps)[int(len(gaps) * 0.99)],
        "worst_at_s": [round(ticks[i] - t0, 3) for i in worst],
        "worst_ms": [round(gaps[i], 1) for i in worst],
        "idle_max_gap_ms": max(idle),
        "ticks": len(gaps),
        "gui_state": {k: (v - t0 if isinstance(v, float) else v) for k, v in state.items()},
    }
    print(json.dumps(out), flush=True)
    os._exit(0)


def cmd_rss(station_id: str) -> None:
    from maliradio.playback.engine import State

    app = QApplication.instance() or QApplication(["maliradio"])  # noqa: F841
    before = _common.vm_status()
    win = open_window()
    shown = _common.vm_status()
    st = win.catalog.get(station_id)
    if st is None:
        raise RuntimeError(f"station {station_id} not in the catalogue")
    win.play_station(st)
    if not wait_until(lambda: win.engine.status.state is State.PLAYING, 20):
        raise RuntimeError(f"not playing: {win.engine.status}")
    spin(3.0)
    playing = _common.vm_status()
    print(json.dumps({"state": win.engine.status.state.value, "before_window": before,
                      "window_shown": shown, "playing": playing,
                      "news_widget": type(win.news).__name__}), flush=True)  # fmt: skip
    os._exit(0)


def cmd_rss_baseline(url: str) -> None:
    """Context: a bare QMainWindow plus a minimal python-vlc player on the same stream."""
    import vlc
    from PySide6.QtWidgets import QMainWindow

    app = QApplication.instance() or QApplication(["bare"])  # noqa: F841
    win = QMainWindow()
    win.resize(1280, 760)
    win.show()
    spin(0.5)
    inst = vlc.Instance("--aout=dummy --vout=dummy")
    player = inst.media_player_new()
    player.set_media(inst.media_new(url))
    player.play()
    if not wait_until(lambda: player.get_state() == vlc.State.Playing, 20):
        raise RuntimeError("baseline not playing")
    spin(3.0)
    print(json.dumps({"playing": _common.vm_status()}), flush=True)
    os._exit(0)


if __name__ == "__main__":
    if sys.argv[1] == "stall":
        cmd_stall(sys.argv[2].split(","), subprocess_mode="--subprocess" in sys.argv)
    elif sys.argv[1] == "rss-baseline":
        cmd_rss_baseline(sys.argv[2])
    elif sys.argv[1] == "rss":
        cmd_rss(sys.argv[2])
    else:
        raise SystemExit(f"unknown command {sys.argv[1]}")
