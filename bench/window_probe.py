"""Figures taken in the real main window (`maliradio.ui.mainwindow.MainWindow`), in a fresh
process that the bench starts with MALIRADIO_HOME prepared (news database, settings, stations).

    python bench/window_probe.py refresh N [--no-heartbeat]  # N refreshes: NewsPane.refresh()
    python bench/window_probe.py tv STATION_ID SECONDS   # a TV station playing, for the PSS

refresh: the window is shown and its list filled; then, N times: a 5 ms heartbeat QTimer
starts, `NewsPane.refresh()` is called (what the « Actualiser » button calls: the pane runs
`maliradio news refresh --json` in a child process), and the refresh is over when, after the
pane's `refreshFinished`, its list model has loaded its first page again and the list's
viewport has painted it (the list showing the new articles; when nothing changed the pane
leaves its list alone, and the end is `refreshFinished`). With --no-heartbeat (for the CPU
figures: 200 wake-ups a second are the probe's, not the app's) no heartbeat runs.
Printed per refresh, as one JSON line: the times of those steps from the call; the longest
heartbeat gaps (the event loop's stalls) until 1 s after the end, and the GUI thread's CPU
time within each (a stall while it ran is the app's; while it did not, the machine's); the CPU
time of this process and of every process the refresh started (this process is made a child
subreaper, so the child's worker processes, if the child leaves before them, are its own to
reap: their CPU time is counted when they are reaped); the pane's report. Between two
refreshes it waits for a line on stdin (the bench changes the servers meanwhile).

tv: the window shown, the station played (`MainWindow.play_station`), one JSON line when the
engine reports PLAYING, another SECONDS later with the refreshes the pane made meanwhile.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import sys
import time

import _common

_common.loopback_guard()

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TIMEOUT = 600.0


def wait_until(pred, timeout: float = TIMEOUT) -> bool:
    """Run the event loop until `pred()`, checked every 50 ms (the probe's own CPU: ~2 ms a
    second; the times measured are taken by signals, not by this check)."""
    if pred():
        return True
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(50)
    end = time.monotonic() + timeout
    check.timeout.connect(lambda: (pred() or time.monotonic() > end) and loop.quit())
    check.start()
    loop.exec()
    check.stop()
    return bool(pred())


def spin(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


class Heartbeat:
    def __init__(self) -> None:
        self.ticks: list[float] = []
        self.cpu: list[float] = []  # the GUI thread's CPU time at each tick
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.ticks.append(time.monotonic())
        self.cpu.append(time.thread_time())

    def start(self) -> None:
        self.ticks, self.cpu = [], []
        self._tick()
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        self._tick()
        return self.ticks


class PaintWatch(QObject):
    """Notes the end of each paint of one widget (its Paint event, then a zero-delay timer)."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.painted: list[float] = []
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, lambda: self.painted.append(time.monotonic()))
        return False


def debug(text: str) -> None:
    if os.environ.get("BENCH_DEBUG"):
        print(f"[probe {time.monotonic():.3f}] {text}", file=sys.stderr, flush=True)


def cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def my_children() -> list[int]:
    me, out = os.getpid(), []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", "rb") as fh:
                    st = fh.read()
            except OSError:
                continue
            if int(st.rsplit(b")", 1)[1].split()[1]) == me:
                out.append(int(d))
    return out


def reap_orphans(timeout: float = 20.0) -> int:
    """Wait for the children left (the refresh's workers, reparented here) and reap them."""
    n = 0
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        kids = my_children()
        if not kids:
            return n
        for pid in kids:
            try:
                done, _status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                continue
            n += bool(done)
        time.sleep(0.01)
    return n


def open_window():
    from maliradio.ui.mainwindow import MainWindow

    win = MainWindow()
    win.show()
    if not wait_until(lambda: win.ready and win.engine is not None, 30):
        raise RuntimeError("the window did not get ready")
    wait_until(lambda: win.news.article_count() > 0, 20)
    spin(1.0)
    return win


def one_refresh(win, heartbeat: bool) -> dict:
    pane = win.news
    model = pane.model
    watch = PaintWatch(pane.list.viewport())
    state: dict = {}

    def finished(report) -> None:
        debug(f"refreshFinished {report!r:.200}")
        state["finished"] = time.monotonic()
        state["report"] = report
        loads_at_finish[0] = len(state.setdefault("loads", []))

    loads_at_finish = [0]

    def loaded() -> None:
        debug(f"loaded rows={model.rowCount()}")
        state.setdefault("loads", []).append(time.monotonic())

    model.loaded.connect(loaded)
    pane.refreshFinished.connect(finished)
    top_before = model.article(0).title if model.rowCount() else None
    hb = Heartbeat()
    c_self, c_kids = cpu_self(), cpu_children()
    if heartbeat:
        hb.start()
    t0 = time.monotonic()
    pane.refresh()  # the « Actualiser » button

    def loaded_after() -> float | None:
        loads = state.get("loads", [])
        return (
            loads[loads_at_finish[0]]
            if "finished" in state and len(loads) > loads_at_finish[0]
            else None
        )

    def changed() -> bool:
        results = getattr(state.get("report"), "results", None) or []
        return any(r.new or r.updated for r in results)

    # the end: the list reloaded and painted; when nothing changed the pane leaves the list
    # alone, and the end is refreshFinished
    ok = wait_until(lambda: "finished" in state and (not changed() or loaded_after()), TIMEOUT)
    loaded = loaded_after() if changed() else None
    if loaded is not None:
        wait_until(lambda: any(p > loaded for p in watch.painted), 5)
        shown = next((p for p in watch.painted if p > loaded), None)
    else:
        shown = state.get("finished")
    spin(1.0)
    ticks = hb.stop() if heartbeat else [t0, t0]
    reaped = reap_orphans()
    cpu = {"window": cpu_self() - c_self, "children": cpu_children() - c_kids}
    pane.refreshFinished.disconnect(finished)
    gaps = [(b - a) * 1000 for a, b in zip(ticks, ticks[1:], strict=False)]
    worst = sorted(range(len(gaps)), key=gaps.__getitem__)[-5:]
    report = state.get("report")
    results = getattr(report, "results", []) or []
    return {
        "completed": ok,
        "finished_s": state["finished"] - t0 if "finished" in state else None,
        "loaded_s": loaded - t0 if loaded else None,
        "shown_s": shown - t0 if shown else None,
        "heartbeat": heartbeat,
        "max_gap_ms": max(gaps) if heartbeat else None,
        "worst_gaps_ms": [round(gaps[i], 1) for i in worst],
        # how much of each gap the GUI thread spent running (the rest: waiting for a core)
        "worst_gaps_cpu_ms": [round((hb.cpu[i + 1] - hb.cpu[i]) * 1000, 1) for i in worst]
        if heartbeat
        else [],
        "worst_at_s": [round(ticks[i] - t0, 3) for i in worst],
        "cpu_s": cpu,
        "orphans_reaped": reaped,
        "new": getattr(report, "new", None),
        "app_bytes": getattr(report, "bytes", None),
        "statuses": sorted({r.status for r in results}),
        "errors": [f"{r.source}: {r.error}" for r in results if r.error][:5],
        "top_before": top_before,
        "top_after": model.article(0).title if model.rowCount() else None,
        "status_text": pane.status.text(),
    }


def cmd_refresh(n: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    app = QApplication.instance() or QApplication(["maliradio"])  # noqa: F841
    win = open_window()
    print(json.dumps({"ready": True, "rows": win.news.article_count()}), flush=True)
    for i in range(n):
        if i:
            sys.stdin.readline()  # the bench has changed the servers
        print(json.dumps(one_refresh(win, "--no-heartbeat" not in sys.argv)), flush=True)
    os._exit(0)


def cmd_tv(station_id: str, seconds: float) -> None:
    from maliradio.playback.engine import State

    app = QApplication.instance() or QApplication(["maliradio"])  # noqa: F841
    t_start = time.monotonic()
    win = open_window()
    refreshes: list[dict] = []
    win.news.refreshFinished.connect(
        lambda r: refreshes.append(
            {"at_s": time.monotonic() - t_start, "new": getattr(r, "new", None)}
        )
    )
    st = win.catalog.get(station_id)
    if st is None:
        raise RuntimeError(f"station {station_id} not in the catalogue")
    win.play_station(st)
    if not wait_until(lambda: win.engine.status.state is State.PLAYING, 60):
        raise RuntimeError(f"not playing: {win.engine.status}")
    print(json.dumps({"playing_at_s": time.monotonic() - t_start}), flush=True)
    spin(seconds)
    print(json.dumps({"state": win.engine.status.state.value, "refreshes": refreshes,
                      "refreshing": win.news.is_refreshing()}), flush=True)  # fmt: skip
    os._exit(0)


if __name__ == "__main__":
    if sys.argv[1] == "refresh":
        cmd_refresh(int(sys.argv[2]))
    elif sys.argv[1] == "tv":
        cmd_tv(sys.argv[2], float(sys.argv[3]))
    else:
        raise SystemExit(f"unknown command {sys.argv[1]}")
