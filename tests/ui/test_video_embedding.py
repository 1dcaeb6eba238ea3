"""TV is drawn by libVLC inside the main window on a real X server (Xvfb), not in a window of
its own: the pixels of the video area show the test picture."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest


@pytest.fixture
def xvfb():
    exe = shutil.which("Xvfb")
    if exe is None:
        pytest.fail("Xvfb is needed for this test (apt-get install xvfb)")
    for display in range(91, 120):
        if (
            not Path(f"/tmp/.X11-unix/X{display}").exists()
            and not Path(f"/tmp/.X{display}-lock").exists()
        ):
            break
    proc = subprocess.Popen(
        [exe, f":{display}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{display}").exists():
        if time.monotonic() > deadline or proc.poll() is not None:
            pytest.fail("Xvfb did not start")
        time.sleep(0.05)
    yield f":{display}"
    proc.terminate()
    proc.wait(5)


def test_tv_video_is_embedded_in_the_window(xvfb, hls_server, tmp_path):
    home = Path(os.environ["MALIRADIO_HOME"])
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "stations.json").write_text(
        json.dumps(
            {
                "version": 1,
                "stations": [
                    {
                        "id": "user-tv",
                        "name": "Télé Test",
                        "country": "NE",
                        "kind": "tv",
                        "streams": [{"url": hls_server.url("/index.m3u8")}],
                    }
                ],
            }
        ),  # fmt: skip
        encoding="utf-8",
    )
    env = dict(os.environ, DISPLAY=xvfb, QT_QPA_PLATFORM="xcb", MALIRADIO_VLC_ARGS="--aout=dummy")
    env["XDG_RUNTIME_DIR"] = str(tmp_path)
    shot = tmp_path / "screen.png"
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("embed_probe.py")), str(shot)],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    assert lines, f"no result: rc={proc.returncode}\n{proc.stderr[-2000:]}"
    result = json.loads(lines[-1])
    assert result["platform"] == "xcb"
    assert result["status"] == "En lecture : Télé Test"
    # ffmpeg's test card is mostly saturated colour bars; an empty video area is black
    assert result["coloured"] > 0.25 * result["total"], result
