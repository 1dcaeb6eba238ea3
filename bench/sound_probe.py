"""Time from "play" to the first sound (and, for TV, the first video frame), through the link,
for the app's engine, a minimal python-vlc player and mpv, round by round in one process.

    python bench/sound_probe.py URL RUNS icy|hls [--mpv]

libVLC plays to PulseAudio (MALIRADIO_VLC_ARGS: `--aout=pulse` and the bench's certificate
authority); the bench has made a null sink the default output. For each player:

* t0: just before the play call (`PlayerEngine.play_url`, what the window's station list
  calls through `play_station`; `media_new` + `play` for python-vlc; `loadfile` over mpv's
  JSON IPC for mpv, started once beforehand and idle, as the other two have their libVLC
  instance already).
* first audio: the moment the player's clock first advances: `get_time()` of the libVLC media
  player above 0 (polled every 2 ms on this thread; for the engine, whichever player it uses
  now); for mpv its `time-pos` property above 0 (what its terminal status line shows).
* first video frame (HLS): libVLC's input statistics count a displayed picture (`--stats`).

The engine is created once (the app creates it at startup). After each run the player is
stopped and the link is left 1.5 s to drain. One warm-up round is dropped. Prints JSON.
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

from PySide6.QtCore import QCoreApplication, QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

URL = sys.argv[1]
RUNS = int(sys.argv[2])
KIND = sys.argv[3]
TIMEOUT = 40.0
SETTLE = 1.5


def pump(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 2)
        time.sleep(0.002)


def watch(get_player, vlc, t0: float, video: bool) -> dict:
    """Poll until the clock advances (and a picture is shown, for video)."""
    out: dict[str, float] = {}
    stats = vlc.MediaStats()
    end = t0 + TIMEOUT
    while time.monotonic() < end and not ("audio" in out and ("video" in out or not video)):
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 1)
        p = get_player()
        now = time.monotonic()
        if "audio" not in out and p.get_time() > 0:
            out["audio"] = now - t0
        m = p.get_media()
        if m is not None and m.get_stats(stats):
            if "abuf" not in out and stats.played_abuffers > 0:
                out["abuf"] = now - t0  # first audio buffer handed to the output
            if video and "video" not in out and stats.displayed_pictures > 0:
                out["video"] = now - t0
        time.sleep(0.002)
    return out


class Mpv:
    def __init__(self, ca: str) -> None:
        self.dir = tempfile.mkdtemp(prefix="bench-mpv-")
        path = os.path.join(self.dir, "ipc")
        self.proc = subprocess.Popen(
            [shutil.which("mpv") or "mpv", "--idle=yes", "--no-config", "--no-terminal",
             "--no-video", "--ao=pulse", f"--tls-ca-file={ca}", "--tls-verify=yes",
             f"--input-ipc-server={path}"],
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
        self.send("observe_property", 1, "time-pos")

    def send(self, *command) -> None:
        self.sock.sendall(json.dumps({"command": list(command)}).encode() + b"\n")

    def messages(self, timeout: float):
        end = time.monotonic() + timeout
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                yield json.loads(line)
            left = end - time.monotonic()
            if left <= 0:
                return
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                return
            if not data:
                return
            self.buf += data

    def run(self) -> dict:
        self.buf = b""
        t0 = time.monotonic()
        self.send("loadfile", URL)
        out = {}
        for msg in self.messages(TIMEOUT):
            if msg.get("event") == "property-change" and (msg.get("data") or 0) > 0:
                out["audio"] = time.monotonic() - t0
                break
        self.send("stop")
        time.sleep(SETTLE)
        return out

    def close(self) -> None:
        try:
            self.send("quit")
            self.proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def main() -> None:
    app = QApplication(["sound_probe"])  # noqa: F841 - (widgets: libVLC's video window)
    from maliradio.playback.engine import PlayerEngine

    video = KIND == "hls"
    engine = PlayerEngine(policy=None, video=video)
    vlc = engine.vlc
    args = os.environ.get("MALIRADIO_VLC_ARGS", "").split() + ["--stats"]
    if not video:
        args.append("--no-video")
    base = vlc.Instance(args)
    player = base.media_player_new()
    mpv = Mpv(os.environ["SSL_CERT_FILE"]) if "--mpv" in sys.argv else None
    res: dict[str, list] = {"app": [], "python_vlc": [], "mpv": []}
    for i in range(RUNS + 1):
        t0 = time.monotonic()
        engine.play_url(URL, name="bench", kind="tv" if video else "radio")
        a = watch(lambda: engine.player, vlc, t0, video)
        engine.stop()
        pump(SETTLE)
        t0 = time.monotonic()
        player.set_media(base.media_new(URL))
        player.play()
        b = watch(lambda: player, vlc, t0, video)
        player.stop()
        pump(SETTLE)
        c = mpv.run() if mpv is not None else None
        if i:  # round 0 warms up
            res["app"].append(a)
            res["python_vlc"].append(b)
            res["mpv"].append(c)
        print(json.dumps({"round": i, "app": a, "python_vlc": b, "mpv": c}), file=sys.stderr,
              flush=True)  # fmt: skip
    if mpv is not None:
        mpv.close()
    print(json.dumps(res), flush=True)
    os._exit(0)  # python-vlc's callbacks and the interpreter's teardown do not mix


if __name__ == "__main__":
    main()
