"""Shared test setup: an isolated per-test home, headless Qt and libVLC, generated media and
the loopback stream servers of ``streamservers.py`` (tests never reach the network)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))  # `from streamservers import ...`

from streamservers import ICY_TITLES, IcecastServer, StaticServer  # noqa: E402

VLC_TEST_ARGS = "--aout=dummy --vout=dummy"

__all__ = ["ICY_TITLES", "VLC_TEST_ARGS"]


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    monkeypatch.setenv("MALIRADIO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MALIRADIO_VLC_ARGS", VLC_TEST_ARGS)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    # No logo or automatic news fetch from the internet.
    monkeypatch.setenv("MALIRADIO_OFFLINE", "1")


# --- generated media ------------------------------------------------------------------------


def _ffmpeg(*args: str) -> None:
    exe = shutil.which("ffmpeg")
    if exe is None:
        pytest.fail("ffmpeg is needed to generate test media (apt-get install ffmpeg)")
    cmd = [exe, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        pytest.fail(f"ffmpeg failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")


@pytest.fixture(scope="session")
def mp3_file(tmp_path_factory) -> Path:
    """30 s of a 440 Hz tone: MP3, 44.1 kHz stereo, CBR 128 kbit/s, no ID3/Xing header."""
    out = tmp_path_factory.mktemp("media") / "tone.mp3"
    _ffmpeg(
        "-f", "lavfi", "-i", "sine=frequency=440:duration=30",
        "-ar", "44100", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k",
        "-id3v2_version", "0", "-write_xing", "0", str(out),
    )  # fmt: skip
    return out


def _make_hls(folder: Path, video: bool) -> Path:
    inputs = ["-f", "lavfi", "-i", "sine=frequency=440:duration=20"]
    codecs = ["-c:a", "aac", "-b:a", "64k", "-ar", "44100", "-ac", "2"]
    if video:
        inputs = ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=20", *inputs]
        codecs = [
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-g", "10", "-keyint_min", "10", "-sc_threshold", "0", *codecs,
        ]  # fmt: skip
    _ffmpeg(
        *inputs, *codecs,
        "-f", "hls", "-hls_time", "1", "-hls_list_size", "0",
        "-hls_segment_filename", str(folder / "seg%03d.ts"), str(folder / "index.m3u8"),
    )  # fmt: skip
    return folder


@pytest.fixture(scope="session")
def hls_dir(tmp_path_factory) -> Path:
    """Folder with ``index.m3u8`` (VOD, all 20 segments listed, ENDLIST) and ``seg000.ts``..
    ``seg019.ts``: 1 s segments of 160x120 H.264 at 10 fps + AAC stereo 440 Hz tone."""
    return _make_hls(tmp_path_factory.mktemp("hls"), video=True)


@pytest.fixture(scope="session")
def hls_audio_dir(tmp_path_factory) -> Path:
    """Same as ``hls_dir`` but audio only (AAC in MPEG-TS)."""
    return _make_hls(tmp_path_factory.mktemp("hls_audio"), video=False)


# --- servers --------------------------------------------------------------------------------


@pytest.fixture
def icecast(mp3_file):
    """A started ``IcecastServer`` on ``mp3_file`` cycling ``ICY_TITLES``; stopped afterwards.
    Its stream URL is ``icecast.url()``."""
    with IcecastServer(mp3_file, titles=ICY_TITLES) as server:
        yield server


@pytest.fixture
def hls_server(hls_dir):
    """A started ``StaticServer`` on ``hls_dir``; the playlist is
    ``hls_server.url("/index.m3u8")``."""
    with StaticServer(hls_dir) as server:
        yield server


@pytest.fixture
def static_server(tmp_path):
    """A started ``StaticServer`` on an empty folder ``tmp_path / "www"``; add files there or
    routes with ``add_route``."""
    root = tmp_path / "www"
    root.mkdir()
    with StaticServer(root) as server:
        yield server
