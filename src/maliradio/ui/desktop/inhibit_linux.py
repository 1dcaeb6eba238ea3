"""Linux: keep awake through the XDG desktop portal (every desktop, sandboxed or not), else the
ScreenSaver service (screen) or PowerManagement / logind (system).

The calls go through jeepney on one thread of their own: Qt for Python cannot send the D-Bus
`u` (uint32) these interfaces take, and the window never waits for a desktop service. The
connection stays open while something is held: the services tie an inhibition to the
connection that asked, and drop it should the app die."""

from __future__ import annotations

import logging
import os
from typing import Any

from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection

from maliradio.ui.tasks import TaskQueue

log = logging.getLogger("maliradio.ui")

PORTAL = DBusAddress(
    "/org/freedesktop/portal/desktop",
    bus_name="org.freedesktop.portal.Desktop",
    interface="org.freedesktop.portal.Inhibit",
)
SCREENSAVER = DBusAddress(
    "/org/freedesktop/ScreenSaver",
    bus_name="org.freedesktop.ScreenSaver",
    interface="org.freedesktop.ScreenSaver",
)
POWER = DBusAddress(
    "/org/freedesktop/PowerManagement/Inhibit",
    bus_name="org.freedesktop.PowerManagement",
    interface="org.freedesktop.PowerManagement.Inhibit",
)
LOGIN1 = DBusAddress(
    "/org/freedesktop/login1",
    bus_name="org.freedesktop.login1",
    interface="org.freedesktop.login1.Manager",
)
PORTAL_SUSPEND, PORTAL_IDLE = 4, 8  # org.freedesktop.portal.Inhibit flags
TIMEOUT = 5.0


class DBusFailed(Exception):
    pass


class LinuxInhibitor:
    def __init__(self, bus_address: str | None = None) -> None:
        self._bus = bus_address or "SESSION"
        self._queue = TaskQueue("inhibit")
        self._conn: DBusConnection | None = None  # (the queue's thread only)
        self._held: tuple[str, Any] | None = None
        self.method = ""  # what holds the inhibition now ("portal", "screensaver", ...)

    # GUI thread: queue the work
    def inhibit(self, reason: str, screen: bool) -> None:
        self._queue.run(self._inhibit, reason, screen, on_error=self._failed)

    def release(self) -> None:
        self._queue.run(self._release, on_error=self._failed)

    def close(self) -> None:
        self._queue.run(self._close, on_error=self._failed)
        self._queue.close()

    def wait(self, msecs: int = 5000) -> bool:
        return self._queue.wait(msecs)

    @staticmethod
    def _failed(exc: BaseException) -> None:
        log.info("veille : %s", exc)

    # the queue's thread
    def _call(self, addr: DBusAddress, method: str, sig: str = "", body: tuple = ()) -> tuple:
        if self._conn is None:
            self._conn = open_dbus_connection(self._bus)
        reply = self._conn.send_and_get_reply(
            new_method_call(addr, method, sig, body), timeout=TIMEOUT
        )
        if reply.header.message_type == MessageType.error:
            raise DBusFailed(f"{addr.interface}.{method} : {reply.body[0] if reply.body else ''}")
        return reply.body

    def _inhibit(self, reason: str, screen: bool) -> None:
        self._release()
        flags = PORTAL_SUSPEND | (PORTAL_IDLE if screen else 0)
        attempts = [
            ("portal", lambda: self._call(PORTAL, "Inhibit", "sua{sv}",
                                          ("", flags, {"reason": ("s", reason)}))[0]),
        ]  # fmt: skip
        if screen:
            attempts.append(
                ("screensaver", lambda: self._call(SCREENSAVER, "Inhibit", "ss",
                                                   ("maliradio", reason))[0])
            )  # fmt: skip
        attempts += [
            ("power", lambda: self._call(POWER, "Inhibit", "ss", ("maliradio", reason))[0]),
            ("login1", lambda: self._logind(reason)),
        ]
        errors = []
        for name, attempt in attempts:
            try:
                self._held = (name, attempt())
            except (DBusFailed, OSError, TimeoutError, ValueError) as exc:
                errors.append(f"{name} : {exc}")
                continue
            self.method = name
            log.info("veille empêchée (%s) : %s", name, reason)
            return
        log.info("veille : aucun service pour l'empêcher (%s)", " ; ".join(errors))

    def _logind(self, reason: str) -> int:
        """The system bus's logind: an inhibitor file descriptor, held until closed."""
        conn = open_dbus_connection("SYSTEM", enable_fds=True)
        try:
            reply = conn.send_and_get_reply(
                new_method_call(LOGIN1, "Inhibit", "ssss", ("idle", "maliradio", reason, "block")),
                timeout=TIMEOUT,
            )
        finally:
            conn.close()
        if reply.header.message_type == MessageType.error:
            raise DBusFailed(f"login1.Inhibit : {reply.body[0] if reply.body else ''}")
        return reply.body[0].to_raw_fd()

    def _release(self) -> None:
        held, self._held = self._held, None
        self.method = ""
        if held is None:
            return
        name, token = held
        if name == "portal":
            request = DBusAddress(
                token, bus_name=PORTAL.bus_name, interface="org.freedesktop.portal.Request"
            )
            self._call(request, "Close")
        elif name == "screensaver":
            self._call(SCREENSAVER, "UnInhibit", "u", (token,))
        elif name == "power":
            self._call(POWER, "UnInhibit", "u", (token,))
        elif name == "login1":
            os.close(token)
        log.info("veille de nouveau permise (%s)", name)

    def _close(self) -> None:
        try:
            self._release()
        finally:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
