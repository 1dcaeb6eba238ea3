"""Helpers for the window tests: D-Bus clients (playerctl, dbus-send) run as real processes
without blocking the event loop, and the user's stations and settings written before a start."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QProcess, QProcessEnvironment


def bus_client(qtbot, address: str, *args: str, timeout: int = 10000) -> str:
    """Run a D-Bus client (playerctl, dbus-send...) on the bus at `address`; its stdout.
    The event loop keeps running meanwhile, so the app under test can answer it."""
    if shutil.which(args[0]) is None:
        pytest.fail(f"{args[0]} is needed (see packaging/check-sysdeps.sh test)")
    proc = QProcess()
    env = QProcessEnvironment.systemEnvironment()
    env.insert("DBUS_SESSION_BUS_ADDRESS", address)
    proc.setProcessEnvironment(env)
    with qtbot.waitSignal(proc.finished, timeout=timeout):
        proc.start(args[0], list(args[1:]))
    out = bytes(proc.readAllStandardOutput().data()).decode()
    err = bytes(proc.readAllStandardError().data()).decode()
    assert proc.exitCode() == 0, f"{args}: {err or out}"
    return out.strip()


def user_stations(*stations: dict, favourites=(), **settings) -> None:
    """Write the user's stations file (and settings) in the test's MALIRADIO_HOME."""
    cfg = Path(os.environ["MALIRADIO_HOME"]) / "config"
    cfg.mkdir(parents=True, exist_ok=True)
    (cfg / "stations.json").write_text(
        json.dumps({"version": 1, "stations": list(stations)}), encoding="utf-8"
    )
    (cfg / "settings.json").write_text(
        json.dumps({"favourites": list(favourites), **settings}), encoding="utf-8"
    )


def radio(sid: str, name: str, url: str, kind: str = "radio") -> dict:
    return {"id": sid, "name": name, "country": "ML", "kind": kind, "streams": [{"url": url}]}
