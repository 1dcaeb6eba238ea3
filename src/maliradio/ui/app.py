"""Start the desktop app."""

from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger("maliradio.ui")


def prefer_x11_under_wayland() -> bool:
    """libVLC 3 can only embed video in an X11 window: under Wayland, use XWayland."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return False
    if sys.platform.startswith("linux") and (
        os.environ.get("WAYLAND_DISPLAY") or os.environ.get("XDG_SESSION_TYPE") == "wayland"
    ):
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        log.info("Session Wayland : plateforme X11 (XWayland) choisie pour intégrer la vidéo")
        return True
    return False


def run_app(argv: list[str] | None = None) -> int:
    prefer_x11_under_wayland()
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
    from PySide6.QtWidgets import QApplication

    from maliradio.ui.icons import icon
    from maliradio.ui.mainwindow import MainWindow

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("maliradio")
    app.setOrganizationName("maliradio")
    app.setDesktopFileName("maliradio")
    app.setWindowIcon(icon("maliradio"))
    # Qt's own strings (standard buttons) in French when the system is French
    qt_tr = QTranslator(app)
    if qt_tr.load(
        QLocale(), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(qt_tr)
    win = MainWindow()
    win.show()
    rc = app.exec()
    from maliradio.ui.tasks import wait_all

    wait_all(3000)
    return rc
