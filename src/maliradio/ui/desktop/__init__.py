"""The window as a desktop citizen: the tray, the media keys and the sound menu (MPRIS on Linux),
and the computer kept awake while something plays.

Each platform variant sits behind one small interface, with a module per OS:
`media_controls()` (MPRIS2 on Linux, nothing elsewhere: there Qt's media-key shortcuts work
while the window has focus) and `inhibit.make_inhibitor()` (XDG portal / ScreenSaver / logind on
Linux, SetThreadExecutionState on Windows, an IOPM assertion on macOS)."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut

from maliradio.playback.status import Status
from maliradio.ui.desktop.inhibit import Inhibitor, make_inhibitor

if TYPE_CHECKING:
    from maliradio.ui.mainwindow import MainWindow
    from maliradio.ui.tray import Tray

log = logging.getLogger("maliradio.ui")


class MediaControls(Protocol):
    """What the desktop's sound menu and media keys talk to (MPRIS2 on Linux)."""

    def close(self) -> None: ...


def media_controls(win: MainWindow, bus_address: str | None = None) -> MediaControls | None:
    """MPRIS2 on Linux (on the bus at `bus_address`, else the user's session bus)."""
    if sys.platform.startswith("linux"):
        from PySide6.QtDBus import QDBusConnection

        from maliradio.ui.desktop.mpris import Mpris

        name = f"maliradio-mpris-{bus_address}" if bus_address else ""
        bus = (
            QDBusConnection.connectToBus(bus_address, name)
            if bus_address
            else QDBusConnection.sessionBus()
        )
        service = Mpris(win, bus, own_connection=name)
        return service if service.registered else None
    return None


class DesktopIntegration(QObject):
    def __init__(
        self,
        win: MainWindow,
        bus_address: str | None = None,
        inhibitor: Inhibitor | None = None,
    ) -> None:
        """`bus_address`: a D-Bus session bus other than the user's (tests)."""
        super().__init__(win)
        self.win = win
        self.tray: Tray | None = None
        from maliradio.ui.tray import Tray, tray_available

        self.tray = Tray(win)
        if tray_available():
            self.tray.show()
        self.media = media_controls(win, bus_address)
        self.inhibitor = inhibitor or make_inhibitor(bus_address)
        self._inhibited: str | None = None  # "tv" (screen too) or "radio" (system only)
        win.statusChanged.connect(self._status_changed)
        # media keys reach the window while it has focus on every platform
        self._shortcuts = []
        for key, slot in (
            (Qt.Key.Key_MediaTogglePlayPause, win.toggle_play),
            (Qt.Key.Key_MediaPlay, win.play),
            (Qt.Key.Key_MediaPause, win.stop),
            (Qt.Key.Key_MediaStop, win.stop),
            (Qt.Key.Key_MediaNext, lambda: win.step_station(1)),
            (Qt.Key.Key_MediaPrevious, lambda: win.step_station(-1)),
        ):
            sc = QShortcut(QKeySequence(key), win)
            sc.setContext(Qt.ShortcutContext.ApplicationShortcut)
            sc.activated.connect(slot)
            self._shortcuts.append(sc)

    def tray_available(self) -> bool:
        from maliradio.ui.tray import tray_available

        return self.tray is not None and tray_available() and self.tray.icon.isVisible()

    def tray_notice(self, title: str, text: str) -> None:
        if self.tray is not None:
            self.tray.notice(title, text)

    def _status_changed(self, status: Status) -> None:
        """Awake while something plays: the screen too for TV, the system only for radio."""
        want = None
        if self.win.is_active():
            st = self.win.current_station()
            want = "tv" if st is not None and st.kind == "tv" else "radio"
        if want == self._inhibited:
            return
        if self._inhibited is not None:
            self.inhibitor.release()
        self._inhibited = want
        if want is not None:
            name = status.station_name or "maliradio"
            if want == "tv":
                reason = self.tr("Télévision en cours : %1").replace("%1", name)
            else:
                reason = self.tr("Radio en cours : %1").replace("%1", name)
            self.inhibitor.inhibit(reason, screen=want == "tv")

    def shutdown(self) -> None:
        if self._inhibited is not None:
            self.inhibitor.release()
            self._inhibited = None
        self.inhibitor.close()
        if self.media is not None:
            self.media.close()
            self.media = None
        if self.tray is not None:
            self.tray.hide()
