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


def dark_palette():
    from PySide6.QtGui import QColor, QPalette

    pal = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    colors = {
        role.Window: "#202124", role.WindowText: "#e8eaed", role.Base: "#17181a",
        role.AlternateBase: "#2a2b2e", role.ToolTipBase: "#2a2b2e", role.ToolTipText: "#e8eaed",
        role.PlaceholderText: "#9aa0a6", role.Text: "#e8eaed", role.Button: "#2d2e31",
        role.ButtonText: "#e8eaed", role.BrightText: "#ffffff", role.Highlight: "#3d6fb4",
        role.HighlightedText: "#ffffff", role.Link: "#8ab4f8", role.LinkVisited: "#c58af9",
        role.Light: "#3c3d40", role.Midlight: "#333437", role.Mid: "#2a2b2e",
        role.Dark: "#111214", role.Shadow: "#000000",
    }  # fmt: skip
    for r, c in colors.items():
        pal.setColor(r, QColor(c))
    for r in (role.Text, role.WindowText, role.ButtonText):
        pal.setColor(group.Disabled, r, QColor("#6f7378"))
    return pal


def apply_color_scheme(app) -> None:
    """Light or dark as the system says, and again when it changes. Fusion follows the scheme
    by itself where the platform gives a dark palette; where it does not (some Linux desktops,
    or a scheme asked for), a dark palette is set."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPalette

    hints = app.styleHints()
    state = {"ours": False}

    def apply(*_args) -> None:
        dark = hints.colorScheme() == Qt.ColorScheme.Dark
        light_palette = app.palette().color(QPalette.ColorRole.Window).lightness() > 128
        if dark and light_palette:
            app.setPalette(dark_palette())
            state["ours"] = True
        elif not dark and state["ours"]:
            app.setPalette(app.style().standardPalette())
            state["ours"] = False

    hints.colorSchemeChanged.connect(apply)
    apply()


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
    from maliradio.ui.tasks import collect_garbage_on_gui_thread

    collect_garbage_on_gui_thread()
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
    apply_color_scheme(app)
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
