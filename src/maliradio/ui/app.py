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


def run_app(argv: list[str] | None = None, target: str | None = None) -> int:
    """The window. `target`: a station id or a stream address to play. When maliradio already
    runs, the target goes to it (its window comes up) and this process ends at once."""
    prefer_x11_under_wayland()
    from PySide6.QtWidgets import QApplication

    from maliradio.settings import Settings
    from maliradio.ui import i18n
    from maliradio.ui.icons import icon
    from maliradio.ui.single import InstanceServer, hand_over

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("maliradio")
    app.setOrganizationName("maliradio")
    app.setDesktopFileName("org.maliradio.Maliradio")
    if hand_over([target] if target else []):
        log.info("maliradio tourne déjà : la demande lui a été passée")
        return 0
    server = InstanceServer(parent=app)
    # the language must be known before the first widget: the settings file is small
    i18n.install(Settings.load().language)
    app.setWindowIcon(icon("maliradio"))
    from maliradio.ui.mainwindow import MainWindow

    win = MainWindow()
    server.received.connect(win.handle_request)
    win.show()
    if target:
        win.handle_request([target])
    rc = app.exec()
    server.close()
    from maliradio.ui.tasks import wait_all

    wait_all(3000)
    return rc
