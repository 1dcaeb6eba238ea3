"""Smoke test of a built app on the machine that built it (the release workflow's runners):

    python packaging/smoke_play.py PATH/TO/maliradio[.exe] [--mp3 tone.mp3]

Runs `maliradio --version`, plays a loopback Icecast stream for 8 s (`play URL --json`) and
expects "playing" and its ICY title, then adds a loopback news feed and refreshes it (the frozen
app starts itself again for its worker processes). The servers come from tests/; the MP3 is made
with ffmpeg unless --mp3 gives one. Everything stays on 127.0.0.1; MALIRADIO_HOME is a
temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "news")]


def run(exe: Path, *args: str, env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(exe), *args], capture_output=True, text=True, encoding="utf-8", env=env,
        timeout=timeout,
    )  # fmt: skip
    out = proc.stdout if len(proc.stdout) < 2000 else proc.stdout[:2000] + " [...]\n"
    print(f"$ maliradio {' '.join(args)}  -> {proc.returncode}\n{out}{proc.stderr}")
    return proc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("exe", type=Path)
    ap.add_argument("--mp3", type=Path)
    ap.add_argument("--version", dest="want_version")
    args = ap.parse_args(argv)
    from newsfeeds import FeedServer, Route, make_items, rss20

    from streamservers import ICY_TITLES, IcecastServer

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            MALIRADIO_HOME=str(Path(tmp) / "home"),
            MALIRADIO_VLC_ARGS="--aout=dummy --vout=dummy",  # runners have no sound card
            PYTHONIOENCODING="utf-8",
        )
        failures = []
        proc = run(args.exe, "--version", env=env)
        if proc.returncode != 0 or not proc.stdout.startswith("maliradio "):
            failures.append("--version")
        elif args.want_version and proc.stdout.split()[1] != args.want_version:
            failures.append(f"--version is not {args.want_version}")
        mp3 = args.mp3
        if mp3 is None:
            from testmedia import make_mp3

            mp3 = make_mp3(Path(tmp) / "tone.mp3")
        with IcecastServer(mp3, titles=[ICY_TITLES[0]], title_interval=3600) as icecast:
            proc = run(args.exe, "play", icecast.url(), "--duration", "8", "--json", env=env)
        events = [json.loads(ln) for ln in proc.stdout.splitlines() if ln.startswith("{")]
        if "playing" not in [e.get("state") for e in events]:
            failures.append("play did not reach playing")
        if ICY_TITLES[0][0] not in [e.get("title") for e in events]:
            failures.append("play did not show the ICY title")
        with FeedServer() as feeds:
            feeds.routes["/feed.xml"] = Route(body=rss20(make_items(feeds.base, 6)).encode())
            run(args.exe, "news", "add", feeds.url("/feed.xml"), "--name", "Essai", env=env)
            sources = json.loads(run(args.exe, "news", "sources", "--json", env=env).stdout)
            test_id = [s["id"] for s in sources if s["url"].startswith(feeds.base)]
            proc = run(
                args.exe, "news", "refresh", "--json", *(f"--source={i}" for i in test_id),
                env=env, timeout=120,
            )  # fmt: skip
        stored = sum(json.loads(ln).get("new", 0) for ln in proc.stdout.splitlines()
                     if ln.startswith("{"))  # fmt: skip
        if stored != 6:
            failures.append(f"news refresh stored {stored} articles, not 6")
    if failures:
        print("FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
