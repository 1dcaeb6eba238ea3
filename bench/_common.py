"""Shared bench plumbing: paths, the environment every measured process gets, a loopback-only
network guard, generated media, the news databases and small statistics helpers."""

from __future__ import annotations

import json
import os
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


# --- generated media: the same makers as the tests (tests/testmedia.py) -----------------


def make_mp3(folder: Path) -> Path:
    from testmedia import make_mp3 as _make_mp3

    return _make_mp3(folder / "tone.mp3")


def make_hls(folder: Path, video: bool = False) -> Path:
    from testmedia import make_hls as _make_hls

    return _make_hls(folder, video)


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
