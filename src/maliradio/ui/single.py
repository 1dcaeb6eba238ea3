"""One instance per user: a second `maliradio` hands its command line (a station id or a stream
address, or nothing) to the running one, which raises its window and plays it, then exits.

The name is per user and per MALIRADIO_HOME (a portable copy or the tests run their own)."""

from __future__ import annotations

import hashlib
import json
import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from maliradio import paths

log = logging.getLogger("maliradio.ui")

TIMEOUT_MS = 2000


def server_name() -> str:
    import getpass

    key = f"{getpass.getuser()}|{paths.config_dir()}"
    return "maliradio-" + hashlib.sha1(key.encode()).hexdigest()[:16]


def hand_over(args: list[str], name: str | None = None) -> bool:
    """Give `args` to a running instance; False when none answers (then this one runs)."""
    sock = QLocalSocket()
    sock.connectToServer(name or server_name())
    if not sock.waitForConnected(TIMEOUT_MS):
        return False
    sock.write(json.dumps({"args": args}).encode() + b"\n")
    sock.waitForBytesWritten(TIMEOUT_MS)  # (False when the write was immediate)
    answer = b""
    while b"\n" not in answer and sock.waitForReadyRead(TIMEOUT_MS):
        answer += bytes(sock.readAll().data())
    answer = answer.strip()
    sock.disconnectFromServer()
    return answer == b"ok"


class InstanceServer(QObject):
    """Listens for later instances; `received(args)` on the GUI thread."""

    received = Signal(list)

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.name = name or server_name()
        if not self.server.listen(self.name):
            # a socket left by an instance that crashed: nobody answered hand_over
            QLocalServer.removeServer(self.name)
            if not self.server.listen(self.name):
                log.warning("instance unique : %s", self.server.errorString())
        self.server.newConnection.connect(self._connection)

    def _connection(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            buf = bytearray()

            def read(sock: QLocalSocket = sock, buf: bytearray = buf) -> None:
                buf.extend(bytes(sock.readAll().data()))
                if b"\n" not in buf:
                    if len(buf) > 65536:
                        sock.abort()
                    return
                line = bytes(buf).split(b"\n", 1)[0]
                try:
                    args = json.loads(line)["args"]
                    args = [str(a) for a in args][:16]
                except (ValueError, KeyError, TypeError):
                    sock.abort()
                    return
                sock.write(b"ok\n")
                sock.flush()
                sock.disconnectFromServer()
                log.info("une autre instance demande : %s", args)
                self.received.emit(args)

            sock.readyRead.connect(read)
            sock.disconnected.connect(sock.deleteLater)

    def close(self) -> None:
        self.server.close()
