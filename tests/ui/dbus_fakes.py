"""Fake desktop services on a private session bus, run as a separate process by the tests:

    python dbus_fakes.py ADDRESS portal|screensaver ...

It serves, on the bus at ADDRESS, `org.freedesktop.portal.Desktop` (Inhibit, and Close on the
request handles it gives) and/or `org.freedesktop.ScreenSaver` + `org.freedesktop.PowerManagement`
(Inhibit/UnInhibit), strictly typed as the real ones are (a call with the wrong signature gets an
error, as GDBus gives). Each call it receives is printed on stdout as one JSON line; "ready" when
its names are taken."""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtDBus import QDBusConnection, QDBusMessage, QDBusObjectPath, QDBusVirtualObject

PORTAL_XML = """
<interface name="org.freedesktop.portal.Inhibit">
  <method name="Inhibit">
    <arg type="s" name="window" direction="in"/>
    <arg type="u" name="flags" direction="in"/>
    <arg type="a{sv}" name="options" direction="in"/>
    <arg type="o" name="handle" direction="out"/>
  </method>
  <property name="version" type="u" access="read"/>
</interface>
"""

REQUEST_XML = """
<interface name="org.freedesktop.portal.Request">
  <method name="Close"/>
</interface>
"""

SCREENSAVER_XML = """
<interface name="{iface}">
  <method name="Inhibit">
    <arg type="s" name="application_name" direction="in"/>
    <arg type="s" name="reason_for_inhibit" direction="in"/>
    <arg type="u" name="cookie" direction="out"/>
  </method>
  <method name="UnInhibit">
    <arg type="u" name="cookie" direction="in"/>
  </method>
</interface>
"""

SIGNATURES = {
    ("org.freedesktop.portal.Inhibit", "Inhibit"): "sua{sv}",
    ("org.freedesktop.portal.Request", "Close"): "",
    ("org.freedesktop.ScreenSaver", "Inhibit"): "ss",
    ("org.freedesktop.ScreenSaver", "UnInhibit"): "u",
    ("org.freedesktop.PowerManagement.Inhibit", "Inhibit"): "ss",
    ("org.freedesktop.PowerManagement.Inhibit", "UnInhibit"): "u",
}


def say(**data) -> None:
    print(json.dumps(data), flush=True)


class Fake(QDBusVirtualObject):
    def __init__(self, xml: str) -> None:
        super().__init__()
        self.xml = xml
        self.next = 1

    def introspect(self, path: str) -> str:
        return self.xml

    def handleMessage(self, msg: QDBusMessage, conn: QDBusConnection) -> bool:  # noqa: N802
        key = (msg.interface(), msg.member())
        if key not in SIGNATURES:
            return False
        args = [
            a if isinstance(a, (str, int, float, bool, list, dict)) else str(a)
            for a in msg.arguments()
        ]
        say(call=msg.member(), interface=msg.interface(), path=msg.path(),
            signature=msg.signature(), args=args)  # fmt: skip
        if msg.signature() != SIGNATURES[key]:
            conn.send(msg.createErrorReply(
                "org.freedesktop.DBus.Error.InvalidArgs",
                f"Type of message, '({msg.signature()})', does not match expected type "
                f"'({SIGNATURES[key]})'"))  # fmt: skip
            return True
        reply = msg.createReply()
        if key == ("org.freedesktop.portal.Inhibit", "Inhibit"):
            handle = f"/org/freedesktop/portal/desktop/request/1_1/t{self.next}"
            self.next += 1
            conn.registerVirtualObject(handle, requests)
            reply.setArguments([QDBusObjectPath(handle)])
        elif msg.member() == "Inhibit":
            reply.setArguments([self.next])  # the cookie
            self.next += 1
        conn.send(reply)
        return True


app = QCoreApplication(sys.argv[:1])
bus = QDBusConnection.connectToBus(sys.argv[1], "fakes")
requests = Fake(REQUEST_XML)
keep = [requests]
for what in sys.argv[2:]:
    if what == "portal":
        f = Fake(PORTAL_XML)
        bus.registerVirtualObject("/org/freedesktop/portal/desktop", f)
        bus.registerService("org.freedesktop.portal.Desktop")
    elif what == "screensaver":
        f = Fake(SCREENSAVER_XML.format(iface="org.freedesktop.ScreenSaver"))
        bus.registerVirtualObject("/org/freedesktop/ScreenSaver", f)
        bus.registerService("org.freedesktop.ScreenSaver")
        g = Fake(SCREENSAVER_XML.format(iface="org.freedesktop.PowerManagement.Inhibit"))
        bus.registerVirtualObject("/org/freedesktop/PowerManagement/Inhibit", g)
        bus.registerService("org.freedesktop.PowerManagement")
        keep.append(g)
    keep.append(f)
say(ready=True)
sys.exit(app.exec())
