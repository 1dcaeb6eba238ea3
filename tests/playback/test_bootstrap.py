"""libVLC missing or misplaced: a clear message naming what to install, never a silent exit."""

from __future__ import annotations

import os
import subprocess
import sys


def test_bad_libvlc_path_gives_install_hint_not_silent_exit(tmp_path):
    env = dict(os.environ, PYTHON_VLC_LIB_PATH=str(tmp_path / "nope" / "libvlc.so.5"))
    proc = subprocess.run(
        [sys.executable, "-m", "maliradio", "play", "http://127.0.0.1:9/", "--duration", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert proc.returncode == 3
    assert "libVLC introuvable" in proc.stderr
    assert "apt-get install libvlc5 vlc-plugin-base" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_wayland_session_switches_qt_to_xwayland(monkeypatch, caplog):
    from maliradio.ui.app import prefer_x11_under_wayland

    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    caplog.set_level("INFO", logger="maliradio.ui")
    assert prefer_x11_under_wayland() is True
    assert os.environ["QT_QPA_PLATFORM"] == "xcb"
    assert "XWayland" in caplog.text
    # a platform the user chose is left alone
    monkeypatch.setenv("QT_QPA_PLATFORM", "wayland")
    assert prefer_x11_under_wayland() is False
