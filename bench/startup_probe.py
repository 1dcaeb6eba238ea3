"""Cold start to the window painted with the news list's rows, in a fresh process.

    python bench/startup_probe.py app    # the app, as `python -m maliradio` starts it
    python bench/startup_probe.py bare   # baseline: a bare PySide6 QMainWindow
    ... --profile                         # also a pyinstrument report on stderr

The parent notes time.monotonic() (system-wide clock on Linux) just before it starts this
process (on Xvfb, QT_QPA_PLATFORM=xcb); this script prints, as JSON, monotonic marks:
`first_paint_done`, the first paint of the main window completed (an application-wide event
filter sees its first QEvent.Paint, then a zero-delay timer fires once the paint pass is
over), and for the app `news_rows_painted`: the same for the first paint of the news list's
viewport while the list holds rows (the cached articles read off the GUI thread). Nothing in
the app is changed: the QApplication is created first (so the filter can be installed before
the window exists; run_app() reuses an existing instance), then `maliradio.cli.main([])` runs.
"""

from __future__ import annotations

import json
import os
import sys
import time

T_IMPORT = time.monotonic()

mode = sys.argv[1] if len(sys.argv) > 1 else "app"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

_common.loopback_guard()  # (both modes: the same few milliseconds)
PROFILE = "--profile" in sys.argv  # pyinstrument report of the main thread on stderr
if PROFILE:
    from pyinstrument import Profiler

    _profiler = Profiler(interval=0.0005)
    _profiler.start()

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

marks: dict[str, float] = {"script": T_IMPORT}


def vm_status() -> dict[str, int]:
    out = {}
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                out[key] = int(value.split()[0])
    return out


class FirstPaint(QObject):
    def __init__(self, window_class: str) -> None:
        super().__init__()
        self.window_class = window_class
        self.window = None
        self.seen = False

    def eventFilter(self, obj, event):  # noqa: N802
        if (
            self.seen
            and "news_rows_painted" not in marks
            and "first_paint_done" in marks
            and event.type() == QEvent.Type.Paint
            and mode == "app"
        ):
            news = getattr(self.window, "news", None)
            lst = getattr(news, "list", None)
            count = getattr(news, "article_count", None)
            if lst is not None and obj is lst.viewport() and callable(count) and count() > 0:
                marks["news_rows_paint_event"] = time.monotonic()
                QTimer.singleShot(0, self.rows_painted)
        if not self.seen and event.type() == QEvent.Type.Paint and isinstance(obj, QWidget):
            win = obj.window()
            if type(win).__name__ == self.window_class:
                self.seen = True
                self.window = win
                marks["first_paint_event"] = time.monotonic()
                QTimer.singleShot(0, self.done)
        return False

    def done(self) -> None:
        marks["first_paint_done"] = time.monotonic()
        self.snapshot = self._info()
        if mode == "app":
            # then the paint of the news list with its rows (the pane may be built after the
            # first paint and reads the cached articles off the GUI thread)
            QTimer.singleShot(15_000, self.finish)
        else:
            self.finish()

    def rows_painted(self) -> None:
        marks["news_rows_painted"] = time.monotonic()
        self.snapshot = self._info()
        self.finish()

    def finish(self) -> None:
        info = self.snapshot
        info["marks"] = marks
        print(json.dumps(info), flush=True)
        if PROFILE:
            _profiler.stop()
            sys.stderr.write(_profiler.output_text(unicode=True, color=False, show_all=False))
            sys.stderr.flush()
        os._exit(0)  # the figure is taken: skip the teardown

    def _info(self) -> dict:
        win = self.window
        info = {"mode": mode, "marks": marks, "pid": os.getpid(), "vm": vm_status()}
        if win is not None:
            info["window_visible"] = bool(win.isVisible())
            info["engine_started"] = getattr(win, "engine", None) is not None
            info["catalog_ready"] = bool(getattr(win, "ready", False))
            news = getattr(win, "news", None)
            info["news_widget"] = type(news).__name__ if news is not None else None
            count = getattr(news, "article_count", None)
            info["news_rows"] = count() if callable(count) else None
        return info


def main() -> None:
    app = QApplication(["maliradio"])
    probe = FirstPaint("MainWindow" if mode == "app" else "QMainWindow")
    app.installEventFilter(probe)
    QTimer.singleShot(30_000, lambda: os._exit(3))  # never hang the bench
    if mode == "bare":
        from PySide6.QtWidgets import QMainWindow

        win = QMainWindow()
        win.setWindowTitle("bare")
        win.resize(1280, 760)
        win.show()
        app.exec()
    else:
        sys.argv = ["maliradio"]
        from maliradio.cli import main as app_main

        app_main([])


if __name__ == "__main__":
    main()
