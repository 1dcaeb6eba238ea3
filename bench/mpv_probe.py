"""Time from a play request to "playing" in mpv, on the same loopback stream as play_probe.py.

    python bench/mpv_probe.py URL RUNS

mpv is started once, idle, without video and with the null audio output (as the app's libVLC
is created once, with dummy outputs); each run sends ``loadfile URL`` over its JSON IPC
socket at t0, and t1 is its ``playback-restart`` event: playback has started after loading.
Each run plays 0.2 s more and is stopped. One warm-up run is dropped. Prints JSON: a list of
seconds (None for a run that did not start within 20 s). POSIX only (a Unix socket).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import _common

_common.loopback_guard()

URL = sys.argv[1]
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
TIMEOUT = 20.0


class Mpv:
    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="bench-mpv-")
        path = os.path.join(self.dir, "ipc")
        self.proc = subprocess.Popen(
            [shutil.which("mpv") or "mpv", "--idle=yes", "--no-config", "--no-terminal",
             "--no-video", "--ao=null", f"--input-ipc-server={path}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        end = time.monotonic() + 10
        while not os.path.exists(path):
            if time.monotonic() > end or self.proc.poll() is not None:
                raise SystemExit("mpv did not open its IPC socket")
            time.sleep(0.01)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = b""

    def send(self, *command: str) -> None:
        self.sock.sendall(json.dumps({"command": list(command)}).encode() + b"\n")

    def wait_event(self, name: str, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                if json.loads(line).get("event") == name:
                    return True
            left = end - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                return False
            if not data:
                return False
            self.buf += data

    def run(self) -> float | None:
        self.buf = b""
        t0 = time.monotonic()
        self.send("loadfile", URL)
        ok = self.wait_event("playback-restart", TIMEOUT)
        t1 = time.monotonic()
        time.sleep(0.2)
        self.send("stop")
        self.wait_event("idle", 5)
        time.sleep(0.3)  # let the server drop the connection before the next run
        return t1 - t0 if ok else None

    def close(self) -> None:
        try:
            self.send("quit")
            self.proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
        self.sock.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def main() -> None:
    mpv = Mpv()
    try:
        times = [mpv.run() for _ in range(RUNS + 1)][1:]  # the first is the warm-up
    finally:
        mpv.close()
    print(json.dumps({"mpv": times}), flush=True)


if __name__ == "__main__":
    main()
