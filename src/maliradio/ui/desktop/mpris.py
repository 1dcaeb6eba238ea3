"""Linux: MPRIS2 on the session bus (`org.mpris.MediaPlayer2.maliradio`), so the media keys, the
sound menus of GNOME and KDE, and `playerctl` drive the player.

A live stream has no position, length or pause: Pause stops, there is no seeking, and Next and
Previous go to the next and previous favourite. One QDBusVirtualObject answers the two MPRIS
interfaces and org.freedesktop.DBus.Properties itself (Qt for Python has no typed adaptors); it
calls the window's player methods on the GUI thread, where QtDBus delivers the messages."""

from __future__ import annotations

import logging
import os
import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMetaType, QObject, QUrl
from PySide6.QtDBus import (
    QDBusArgument,
    QDBusConnection,
    QDBusMessage,
    QDBusObjectPath,
    QDBusVariant,
    QDBusVirtualObject,
)

if TYPE_CHECKING:
    from maliradio.ui.mainwindow import MainWindow

log = logging.getLogger("maliradio.ui")

SERVICE = "org.mpris.MediaPlayer2.maliradio"
PATH = "/org/mpris/MediaPlayer2"
ROOT = "org.mpris.MediaPlayer2"
PLAYER = "org.mpris.MediaPlayer2.Player"
PROPS = "org.freedesktop.DBus.Properties"
DESKTOP_ENTRY = "org.maliradio.Maliradio"
NO_TRACK = "/org/mpris/MediaPlayer2/TrackList/NoTrack"

INTROSPECTION = """
<interface name="org.mpris.MediaPlayer2">
  <method name="Raise"/>
  <method name="Quit"/>
  <property name="CanQuit" type="b" access="read"/>
  <property name="CanRaise" type="b" access="read"/>
  <property name="HasTrackList" type="b" access="read"/>
  <property name="Identity" type="s" access="read"/>
  <property name="DesktopEntry" type="s" access="read"/>
  <property name="SupportedUriSchemes" type="as" access="read"/>
  <property name="SupportedMimeTypes" type="as" access="read"/>
</interface>
<interface name="org.mpris.MediaPlayer2.Player">
  <method name="Next"/>
  <method name="Previous"/>
  <method name="Pause"/>
  <method name="PlayPause"/>
  <method name="Stop"/>
  <method name="Play"/>
  <method name="OpenUri"><arg type="s" name="Uri" direction="in"/></method>
  <property name="PlaybackStatus" type="s" access="read"/>
  <property name="Rate" type="d" access="read"/>
  <property name="Metadata" type="a{sv}" access="read"/>
  <property name="Volume" type="d" access="readwrite"/>
  <property name="MinimumRate" type="d" access="read"/>
  <property name="MaximumRate" type="d" access="read"/>
  <property name="CanGoNext" type="b" access="read"/>
  <property name="CanGoPrevious" type="b" access="read"/>
  <property name="CanPlay" type="b" access="read"/>
  <property name="CanPause" type="b" access="read"/>
  <property name="CanSeek" type="b" access="read"/>
  <property name="CanControl" type="b" access="read"/>
</interface>
"""


def _strings(items: list[str]) -> Any:
    """A D-Bus `as`, typed even when empty (an empty Python list would go as `av`)."""
    if items:
        return list(items)
    arg = QDBusArgument()
    arg.beginArray(QMetaType(QMetaType.Type.QString).id())
    arg.endArray()
    return arg


def _variant(value: Any) -> QDBusVariant:
    v = QDBusVariant()
    v.setVariant(value)
    return v


class _Object(QDBusVirtualObject):
    def __init__(self, owner: Mpris) -> None:
        super().__init__()
        self.owner = owner

    def introspect(self, path: str) -> str:
        return INTROSPECTION

    def handleMessage(self, msg: QDBusMessage, conn: QDBusConnection) -> bool:  # noqa: N802
        try:
            return self.owner.handle(msg, conn)
        except Exception as exc:  # noqa: BLE001 - a bad call must not take the app down
            log.warning("MPRIS : %s.%s : %s", msg.interface(), msg.member(), exc)
            conn.send(msg.createErrorReply("org.freedesktop.DBus.Error.Failed", str(exc)))
            return True


class Mpris(QObject):
    def __init__(
        self, win: MainWindow, bus: QDBusConnection | None = None, own_connection: str = ""
    ) -> None:
        """`own_connection`: the name of a connection made for this service, closed with it."""
        super().__init__(win)
        self._own = own_connection
        self.win = win
        self.bus = bus if bus is not None else QDBusConnection.sessionBus()
        self.registered = False
        self.service = ""
        self._object = _Object(self)
        self._last: dict[str, Any] = {}
        if not self.bus.isConnected():
            log.info("MPRIS : pas de bus de session")
            self.close()
            return
        if not self.bus.registerVirtualObject(PATH, self._object):
            log.info("MPRIS : objet non enregistré (%s)", self.bus.lastError().message())
            self.close()
            return
        for name in (SERVICE, f"{SERVICE}.instance{os.getpid()}"):
            if self.bus.registerService(name):
                self.service = name
                break
        if not self.service:
            self.bus.unregisterObject(PATH)
            log.info("MPRIS : nom non obtenu (%s)", self.bus.lastError().message())
            self.close()
            return
        self.registered = True
        log.info("MPRIS : %s", self.service)
        self._last = self.player_properties()
        win.statusChanged.connect(self._changed)
        win.titleChanged.connect(self._changed)
        win.volumeChanged.connect(self._changed)
        win.stationsChanged.connect(self._changed)

    def close(self) -> None:
        if self.registered:
            self.registered = False
            self.bus.unregisterService(self.service)
            self.bus.unregisterObject(PATH)
        if self._own:
            QDBusConnection.disconnectFromBus(self._own)
            self._own = ""

    # ---- properties ----
    def root_properties(self) -> dict[str, Any]:
        return {
            "CanQuit": True,
            "CanRaise": True,
            "HasTrackList": False,
            "Identity": "maliradio",
            "DesktopEntry": DESKTOP_ENTRY,
            "SupportedUriSchemes": _strings(["http", "https"]),
            "SupportedMimeTypes": _strings([]),
        }

    def player_properties(self) -> dict[str, Any]:
        win = self.win
        active = win.is_active()
        has_station = win.current_station() is not None
        ring = len(win.favourites() or win.station_order())
        return {
            "PlaybackStatus": "Playing" if active else "Stopped",
            "Rate": 1.0,
            "MinimumRate": 1.0,
            "MaximumRate": 1.0,
            "Metadata": self.metadata(),
            "Volume": win.volume() / 100.0,
            "CanGoNext": ring > 0,
            "CanGoPrevious": ring > 0,
            "CanPlay": has_station or ring > 0,
            "CanPause": active,
            "CanSeek": False,
            "CanControl": True,
        }

    def metadata(self) -> dict[str, Any]:
        st = self.win.current_station()
        if st is None:
            return {"mpris:trackid": QDBusObjectPath(NO_TRACK)}
        meta: dict[str, Any] = {
            "mpris:trackid": QDBusObjectPath(
                "/org/maliradio/station/" + (re.sub(r"[^A-Za-z0-9_]", "_", st.id) or "_")
            ),
            "xesam:title": (self.win.now_playing() if self.win.is_active() else "") or st.name,
            "xesam:artist": [st.name],
        }
        logo = self.win.logo_file(st)
        if logo is not None:
            meta["mpris:artUrl"] = QUrl.fromLocalFile(str(logo)).toString()
        if st.streams:
            meta["xesam:url"] = st.streams[0].url
        return meta

    def _changed(self, *_args: Any) -> None:
        """PropertiesChanged with what changed since the last one."""
        now = self.player_properties()
        changed = {k: v for k, v in now.items() if _comparable(self._last.get(k)) != _comparable(v)}
        self._last = now
        if not changed or not self.registered:
            return
        sig = QDBusMessage.createSignal(PATH, PROPS, "PropertiesChanged")
        sig.setArguments([PLAYER, changed, _strings([])])
        self.bus.send(sig)

    # ---- messages ----
    def handle(self, msg: QDBusMessage, conn: QDBusConnection) -> bool:
        iface, member, args = msg.interface(), msg.member(), msg.arguments()
        if iface == PROPS:
            return self._properties(msg, conn, member, args)
        win = self.win
        actions = {
            (ROOT, "Raise"): win.show_window,
            (ROOT, "Quit"): win.quit,
            (PLAYER, "Play"): win.play,
            (PLAYER, "Pause"): win.stop,  # a live stream cannot pause
            (PLAYER, "Stop"): win.stop,
            (PLAYER, "PlayPause"): win.toggle_play,
            (PLAYER, "Next"): lambda: win.step_station(1),
            (PLAYER, "Previous"): lambda: win.step_station(-1),
            (PLAYER, "OpenUri"): lambda: win.open_target(str(args[0]) if args else ""),
        }
        action = actions.get((iface, member))
        if action is None and not iface:  # a call without interface: find it by name
            action = next((a for (_i, m), a in actions.items() if m == member), None)
        if action is None:
            return False
        conn.send(msg.createReply())
        action()
        return True

    def _properties(
        self, msg: QDBusMessage, conn: QDBusConnection, member: str, args: list
    ) -> bool:
        tables = {ROOT: self.root_properties, PLAYER: self.player_properties}
        table = tables.get(str(args[0]) if args else "")
        if table is None:
            conn.send(
                msg.createErrorReply(
                    "org.freedesktop.DBus.Error.UnknownInterface", f"interface inconnue : {args}"
                )
            )
            return True
        props = table()
        reply = msg.createReply()
        if member == "GetAll":
            reply.setArguments([props])
        elif member == "Get" and len(args) > 1 and args[1] in props:
            reply.setArguments([_variant(props[args[1]])])
        elif member == "Set" and len(args) > 2 and args[0] == PLAYER and args[1] == "Volume":
            value = args[2].variant() if isinstance(args[2], QDBusVariant) else args[2]
            self.win.set_volume(round(max(0.0, min(1.0, float(value))) * 100))
        else:
            reply = msg.createErrorReply(
                "org.freedesktop.DBus.Error.InvalidArgs",
                f"propriété inconnue ou en lecture seule : {args[1:2]}",
            )
        conn.send(reply)
        return True


def _comparable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    if isinstance(value, QDBusObjectPath):
        return ("o", value.path())
    return value
