"""Shared bench plumbing: paths, the environment every measured process gets, a loopback-only
network guard, generated media, the news databases and small statistics helpers."""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
TESTS_DIR = ROOT / "tests"
PYTHON = sys.executable

VLC_ARGS = "--aout=dummy --vout=dummy"

for p in (str(BENCH_DIR), str(TESTS_DIR)):
    if p not in sys.path:
        sys.path.insert(0, p)


def bench_env(home: Path | str, **extra: str) -> dict[str, str]:
    """The environment of every process the bench starts: an isolated home, offline mode,
    headless Qt and libVLC."""
    env = dict(os.environ)
    # An installed app has its bytecode cached (pip compiles it); this machine's environment
    # sets PYTHONDONTWRITEBYTECODE, which would make every start compile the sources again
    # (~0.1 s). Keep the bytecode under bench/.cache instead of beside the sources.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(BENCH_DIR / ".cache" / "pycache")
    env.update(
        MALIRADIO_HOME=str(home),
        MALIRADIO_OFFLINE="1",
        MALIRADIO_VLC_ARGS=VLC_ARGS,
        QT_QPA_PLATFORM="offscreen",
    )
    env.pop("MALIRADIO_DEBUG", None)
    env.update(extra)
    return env


def set_bench_env(home: Path | str) -> None:
    os.environ.update(
        {k: v for k, v in bench_env(home).items() if k.startswith(("MALIRADIO", "QT_"))}
    )


# --- never reach the internet -------------------------------------------------------------


def loopback_guard() -> None:
    """Refuse any Python-level connection to an address outside 127.0.0.0/8 (a bench that
    went wrong must fail, not reach the network). libVLC only gets loopback URLs."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(address) -> None:
        if isinstance(address, tuple) and address and isinstance(address[0], str):
            host = address[0]
            if not (host.startswith("127.") or host in ("::1", "localhost")):
                raise ConnectionRefusedError(f"bench: connection to {host} refused (loopback only)")

    def connect(self, address):
        check(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, bytes):
            host = host.decode()
        if host and not (host.startswith("127.") or host in ("::1", "localhost")):
            raise socket.gaierror(f"bench: name lookup of {host} refused (loopback only)")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo


# --- statistics ---------------------------------------------------------------------------


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values) -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    return f"{min(values):.3g}..{max(values):.3g} (n={len(values)})"


# --- generated media (the ffmpeg commands of tests/conftest.py) ---------------------------


def ffmpeg(*args: str) -> None:
    exe = shutil.which("ffmpeg")
    if exe is None:
        raise RuntimeError("ffmpeg is needed to generate the bench media (apt-get install ffmpeg)")
    cmd = [exe, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")


def make_mp3(folder: Path) -> Path:
    """30 s of a 440 Hz tone: MP3, 44.1 kHz stereo, CBR 128 kbit/s, no ID3/Xing header."""
    out = folder / "tone.mp3"
    ffmpeg(
        "-f", "lavfi", "-i", "sine=frequency=440:duration=30",
        "-ar", "44100", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k",
        "-id3v2_version", "0", "-write_xing", "0", str(out),
    )  # fmt: skip
    return out


def make_hls(folder: Path, video: bool = False) -> Path:
    """``index.m3u8`` (VOD, 20 x 1 s segments, ENDLIST): AAC tone, plus 160x120 H.264 if video."""
    folder.mkdir(parents=True, exist_ok=True)
    inputs = ["-f", "lavfi", "-i", "sine=frequency=440:duration=20"]
    codecs = ["-c:a", "aac", "-b:a", "64k", "-ar", "44100", "-ac", "2"]
    if video:
        inputs = ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=20", *inputs]
        codecs = [
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-g", "10", "-keyint_min", "10", "-sc_threshold", "0", *codecs,
        ]  # fmt: skip
    ffmpeg(
        *inputs, *codecs,
        "-f", "hls", "-hls_time", "1", "-hls_list_size", "0",
        "-hls_segment_filename", str(folder / "seg%03d.ts"), str(folder / "index.m3u8"),
    )  # fmt: skip
    return folder


# --- process helpers ------------------------------------------------------------------------


def run_json(args: list[str], env: dict[str, str], timeout: float = 120.0) -> dict:
    """Run a probe script and return the JSON object on its last stdout line."""
    proc = subprocess.run(
        [PYTHON, *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(
            f"{' '.join(args)} failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n"
            f"{proc.stderr[-3000:]}"
        )
    return json.loads(lines[-1])


def vm_status(pid: int | str = "self") -> dict[str, int]:
    """VmRSS, VmHWM, RssAnon, RssFile... from /proc/PID/status, in kB."""
    out = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key.startswith(("Vm", "Rss")):
                out[key] = int(value.split()[0])
    return out
