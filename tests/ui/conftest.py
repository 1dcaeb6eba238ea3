"""Desktop test fixtures: a private D-Bus session bus and fake desktop services on it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QProcess

HERE = Path(__file__).resolve().parent


@pytest.fixture
def private_bus():
    """The address of a session bus started for this test (dbus-daemon), stopped after it."""
    if shutil.which("dbus-daemon") is None:
        pytest.fail("dbus-daemon is needed (Debian package dbus-daemon)")
    proc = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    address = proc.stdout.readline().strip()
    assert address, "dbus-daemon gave no address"
    yield address
    proc.terminate()
    proc.wait(5)
    proc.stdout.close()


class Fakes:
    """`dbus_fakes.py` running on the bus; `calls` holds what it received."""

    def __init__(self, qtbot, address: str, *services: str) -> None:
        self.calls: list[dict] = []
        self._buf = b""
        self.proc = QProcess()
        self.proc.setProgram(sys.executable)
        self.proc.setArguments([str(HERE / "dbus_fakes.py"), address, *services])
        self.proc.readyReadStandardOutput.connect(self._read)
        self.ready = False
        self.proc.start()
        qtbot.waitUntil(lambda: self.ready, timeout=10000)

    def _read(self) -> None:
        self._buf += bytes(self.proc.readAllStandardOutput().data())
        *lines, self._buf = self._buf.split(b"\n")
        for line in lines:
            data = json.loads(line)
            if data.get("ready"):
                self.ready = True
            else:
                self.calls.append(data)

    def stop(self) -> None:
        self.proc.kill()
        self.proc.waitForFinished(3000)


@pytest.fixture
def fakes(qtbot, private_bus):
    made: list[Fakes] = []

    def start(*services: str) -> Fakes:
        f = Fakes(qtbot, private_bus, *services)
        made.append(f)
        return f

    yield start
    for f in made:
        f.stop()
