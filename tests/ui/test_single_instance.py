"""One instance: a second `maliradio` hands its station to the running one and exits. Two real
processes of the app, a real local socket, a real stream."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtNetwork import QLocalSocket
from ui_helpers import radio, user_stations

from maliradio.ui.single import server_name


def listening() -> bool:
    sock = QLocalSocket()
    sock.connectToServer(server_name())
    ok = sock.waitForConnected(200)
    sock.abort()
    return ok


def app(*args: str) -> list[str]:
    return [sys.executable, "-m", "maliradio", *args]


def test_a_second_start_plays_its_station_in_the_first_and_exits(qtbot, icecast):
    user_stations(radio("bko", "Radio Test Bamako", icecast.url()))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    first = subprocess.Popen(app(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        qtbot.waitUntil(listening, timeout=20000)
        assert icecast.connections[icecast.path] == 0
        second = subprocess.run(app("bko"), env=env, capture_output=True, timeout=30)
        assert second.returncode == 0, second.stderr.decode()
        # the first instance plays it: the stream server sees it connect
        qtbot.waitUntil(lambda: icecast.connections[icecast.path] >= 1, timeout=15000)
        third = subprocess.run(app(), env=env, capture_output=True, timeout=30)
        assert third.returncode == 0  # just raises the window
        log = (Path(env["MALIRADIO_HOME"]) / "logs").glob("*.log")
        text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in log)
        assert "une autre instance demande : ['bko']" in text
        assert "une autre instance demande : []" in text
        assert first.poll() is None  # still running
    finally:
        first.kill()
        first.wait(10)
        first.stderr.close()
