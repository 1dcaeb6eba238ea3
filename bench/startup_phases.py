"""Where a cold start goes: the steps of `python -m maliradio` up to the first paint, timed one
by one in a fresh process (a diagnostic for startup_s; `make bench` does not run it).

    QT_QPA_PLATFORM=offscreen MALIRADIO_HOME=... python bench/startup_phases.py [RUNS]

It replays maliradio.cli.main() -> run_app() step by step (imports, parser, logging,
QApplication, MainWindow(), show(), event loop until the first paint has been flushed), and
lists which posted timers ran before that paint. Median over RUNS fresh processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import _common


def child() -> None:
    marks = [("interpreter", time.monotonic())]

    def mark(name: str) -> None:
        marks.append((name, time.monotonic()))

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    mark("import PySide6 QtCore+QtWidgets")
    import maliradio.cli as cli

    mark("import maliradio.cli")
    cli.build_parser()
    mark("build_parser (playback+news CLI imports)")
    from maliradio.logsetup import setup_logging

    setup_logging()
    mark("setup_logging")
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    from maliradio.ui.icons import icon
    from maliradio.ui.mainwindow import MainWindow

    mark("import maliradio.ui.mainwindow (+engine, stations...)")
    app = QApplication(["maliradio"])
    app.setApplicationName("maliradio")
    app.setOrganizationName("maliradio")
    app.setDesktopFileName("maliradio")
    app.setWindowIcon(icon("maliradio"))
    qt_tr = QTranslator(app)
    if qt_tr.load(
        QLocale(), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(qt_tr)
    mark("QApplication + icon + translator")
    # time the GUI-thread callbacks that can run before the first paint (diagnostic wrappers)
    import maliradio.ui.mainwindow as mw

    def timed(cls, name: str, label: str) -> None:
        fn = getattr(cls, name, None)
        if fn is None:
            return

        def wrapper(self, *a, **k):
            t = time.monotonic()
            try:
                return fn(self, *a, **k)
            finally:
                if "first Paint event" not in [n for n, _ in marks]:
                    marks.append((f"  before paint: {label}", time.monotonic() - t))

        setattr(cls, name, wrapper)

    timed(mw.MainWindow, "_start_engine", "MainWindow._start_engine (libVLC)")
    timed(mw.MainWindow, "_loaded", "MainWindow._loaded (stations list)")
    try:
        import maliradio.ui.news_pane as np

        timed(np.ArticleListModel, "_page", "news list page shown")
        timed(np.NewsPane, "_got_sources", "news sources shown")
    except ImportError:
        pass
    win = MainWindow()
    mark("MainWindow()")

    class F(QObject):
        seen = False

        def eventFilter(self, obj, ev):  # noqa: N802
            if not self.seen and ev.type() == QEvent.Type.Paint and isinstance(obj, QWidget):
                if obj.window() is win:
                    self.seen = True
                    mark("first Paint event")
                    QTimer.singleShot(0, done)
            return False

    def done() -> None:
        mark("first paint flushed")
        out = []
        for i, (name, t) in enumerate(marks):
            if name.startswith("  "):
                out.append((name, t))
            elif i:
                prev = max(tt for nn, tt in marks[:i] if not nn.startswith("  "))
                out.append((name, t - prev))
        print(json.dumps({"phases": out, "engine_before_paint": win.engine is not None}))
        sys.stdout.flush()
        os._exit(0)

    f = F()
    app.installEventFilter(f)
    win.show()
    mark("show()")
    app.exec()


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    env = _common.bench_env(os.environ.get("MALIRADIO_HOME", "/tmp/maliradio-phases"))
    rows: dict[str, list[float]] = {}
    totals = []
    for i in range(runs + 1):
        p = subprocess.run(
            [sys.executable, __file__, "--child"], env=env, capture_output=True, text=True
        )
        d = json.loads(p.stdout.splitlines()[-1])
        if i == 0:
            continue  # warm-up: file cache, bytecode cache
        for name, dt in d["phases"]:
            rows.setdefault(name, []).append(dt)
        totals.append(sum(dt for n, dt in d["phases"] if not n.startswith("  ")))
    for name, vals in rows.items():
        print(f"{1000 * _common.median(vals):7.1f} ms  {name}")
    print(f"{1000 * _common.median(totals):7.1f} ms  total after the interpreter started")
    print("engine created before the first paint:", d["engine_before_paint"])


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        main()
