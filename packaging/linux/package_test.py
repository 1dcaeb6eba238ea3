"""Install the .deb on clean Debian systems and use it there (`make package-test`).

    python packaging/linux/package_test.py [--deb dist/maliradio_*.deb] [--suites bookworm trixie]

For each suite: a fresh root file system from Debian's packages (mmdebstrap, variant "apt":
the Essential packages and apt, nothing else), cached as a tarball; `apt-get install
--no-install-recommends ./maliradio_*.deb` in a chroot (so the Depends alone must bring everything
the app needs); then, inside:

  * every ELF file of /usr/lib/maliradio finds its libraries (ldd);
  * `maliradio --version`, `maliradio stations --json`;
  * `maliradio play <Icecast URL> --duration 8 --json` reaches "playing" and shows the ICY title
    of a loopback Icecast stream served from this machine (the chroot shares its network);
  * Xvfb (installed only now, so that it cannot mask a missing Depends) and the window for 14 s:
    no traceback, still running at the end, and its automatic news refresh -- a child process,
    the frozen executable started again as `maliradio news refresh --json` with its worker
    processes -- stores the articles of a loopback feed;
  * `apt-get purge maliradio` removes the program and leaves the user's folders.

Needs root (chroot, mounts), mmdebstrap, ffmpeg and this checkout's .venv (the test servers
come from tests/). Runs in a private mount namespace: every mount goes away with the process.
Cache: /var/cache/maliradio-package-test (MALIRADIO_PACKAGE_TEST_CACHE), the root file systems
are rebuilt when older than a week; the downloaded .debs are kept there too.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "news"))

MIRRORS = {
    "bookworm": [
        "deb http://deb.debian.org/debian bookworm main",
        "deb http://deb.debian.org/debian bookworm-updates main",
        "deb http://deb.debian.org/debian-security bookworm-security main",
    ],
    "trixie": [
        "deb http://deb.debian.org/debian trixie main",
        "deb http://deb.debian.org/debian trixie-updates main",
        "deb http://deb.debian.org/debian-security trixie-security main",
    ],
}
NAMES = {"bookworm": "Debian 12", "trixie": "Debian 13"}
MAX_AGE = 7 * 86400
WINDOW_SECONDS = 14
T0 = time.monotonic()


class Failed(Exception):
    pass


def step(text: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f} s] ==> {text}", flush=True)


def run(cmd: list[str], *, check: bool = True, timeout: float = 900, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if check and proc.returncode != 0:
        raise Failed(
            f"command failed ({proc.returncode}): {' '.join(cmd)}\n"
            f"--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-4000:]}"
        )
    return proc


class Chroot:
    """A root file system unpacked from the cached tarball, with /proc, /sys, a small /dev and
    apt's download cache mounted; `close()` unmounts everything, then deletes the tree."""

    ENV = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": "/root",
        "LANG": "C.UTF-8",
        "DEBIAN_FRONTEND": "noninteractive",
        "XDG_RUNTIME_DIR": "/tmp/xdg-runtime",
    }

    def __init__(self, tarball: Path, archives: Path, workdir: Path):
        self.path = Path(tempfile.mkdtemp(prefix="root-", dir=workdir))
        self.mounts: list[Path] = []
        run(["tar", "-C", str(self.path), "-xf", str(tarball)])
        shutil.copy("/etc/resolv.conf", self.path / "etc" / "resolv.conf")
        self._mount(["-t", "proc", "proc"], "proc")
        self._mount(["-t", "sysfs", "-o", "ro", "sysfs"], "sys")
        self._mount(["-t", "tmpfs", "-o", "mode=755", "tmpfs"], "dev")
        dev = self.path / "dev"
        for name, major, minor in (
            ("null", 1, 3), ("zero", 1, 5), ("full", 1, 7),
            ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0),
        ):  # fmt: skip
            run(["mknod", "-m", "666", str(dev / name), "c", str(major), str(minor)])
        (dev / "fd").symlink_to("/proc/self/fd")
        for i, name in enumerate(("stdin", "stdout", "stderr")):
            (dev / name).symlink_to(f"/proc/self/fd/{i}")
        (dev / "pts").mkdir()
        (dev / "shm").mkdir()
        self._mount(["-t", "devpts", "-o", "newinstance,ptmxmode=0666", "devpts"], "dev/pts")
        (dev / "ptmx").symlink_to("pts/ptmx")
        self._mount(["-t", "tmpfs", "-o", "mode=1777", "tmpfs"], "dev/shm")
        archives.mkdir(parents=True, exist_ok=True)
        self._mount(["--bind", str(archives)], "var/cache/apt/archives")
        # apt variant roots throw downloaded .debs away: keep them for the next run
        (self.path / "etc/apt/apt.conf.d/99keep-debs").write_text(
            'Binary::apt::APT::Keep-Downloaded-Packages "true";\n'
            'APT::Keep-Downloaded-Packages "true";\n'
        )
        xdg = self.path / "tmp" / "xdg-runtime"
        xdg.mkdir(mode=0o700)

    def _mount(self, args: list[str], where: str) -> None:
        target = self.path / where
        target.mkdir(parents=True, exist_ok=True)
        run(["mount", *args, str(target)])
        self.mounts.append(target)

    def sh(self, script: str, *, check: bool = True, timeout: float = 900, env=None):
        full_env = dict(self.ENV, **(env or {}))
        return run(
            ["chroot", str(self.path), "/bin/sh", "-c", script],
            check=check, timeout=timeout, env=full_env,
        )  # fmt: skip

    def close(self) -> None:
        for target in reversed(self.mounts):
            subprocess.run(["umount", "-l", str(target)], capture_output=True)
        with open("/proc/self/mountinfo") as f:
            still = [line.split()[4] for line in f if line.split()[4].startswith(str(self.path))]
        if still:
            print(f"!! still mounted, not deleting {self.path}: {still}", file=sys.stderr)
            return
        shutil.rmtree(self.path, ignore_errors=True)


def base_tarball(suite: str, cache: Path) -> Path:
    tarball = cache / f"{suite}-apt.tar"
    if tarball.exists() and time.time() - tarball.stat().st_mtime < MAX_AGE:
        step(f"{NAMES[suite]}: root file system from the cache ({tarball})")
        return tarball
    step(f"{NAMES[suite]}: mmdebstrap --variant=apt {suite} (from deb.debian.org)")
    tmp = tarball.with_suffix(".tmp.tar")
    run(["mmdebstrap", "--quiet", "--variant=apt", suite, str(tmp), *MIRRORS[suite]])
    tmp.replace(tarball)
    return tarball


def start_servers(tmp: Path):
    from newsfeeds import FeedServer, Route, make_items, rss20

    from streamservers import ICY_TITLES, IcecastServer
    from testmedia import make_mp3

    mp3 = make_mp3(tmp / "tone.mp3")
    icecast = IcecastServer(mp3, titles=[ICY_TITLES[0]], title_interval=3600).start()
    feeds = FeedServer().start()
    items = make_items(feeds.base, 6, prefix="Dépêche")
    feeds.routes["/feed.xml"] = Route(body=rss20(items, title="Flux de l'essai").encode())
    return icecast, feeds


def check_suite(suite: str, deb: Path, cache: Path, icecast, feeds, version: str) -> dict:
    timings: dict[str, float] = {}
    t_suite = time.monotonic()
    tarball = base_tarball(suite, cache)
    step(f"{NAMES[suite]}: unpacking a fresh root")
    root = Chroot(tarball, cache / "archives" / suite, cache)
    try:
        step(f"{NAMES[suite]}: apt-get update")
        root.sh("apt-get -q update")
        shutil.copy(deb, root.path / "tmp" / deb.name)
        step(f"{NAMES[suite]}: apt-get install --no-install-recommends ./{deb.name}")
        t = time.monotonic()
        out = root.sh(
            f"apt-get -q -y --no-install-recommends install ./tmp/{deb.name}", timeout=1200
        ).stdout
        timings["install_s"] = time.monotonic() - t
        for line in out.splitlines():  # how many packages, how much to download and to store
            if "newly installed" in line or line.startswith(("Need to get", "After this")):
                print(f"    {line}")
        if root.sh("command -v Xvfb", check=False).returncode == 0:
            raise Failed("Xvfb is in the root before the test installs it")

        step(f"{NAMES[suite]}: every ELF file of the bundle finds its libraries (ldd)")
        missing = root.sh(
            "cd /usr/lib/maliradio && find . -type f \\( -name '*.so*' -o -name maliradio \\) "
            '| while read f; do ldd "$f" 2>/dev/null | grep \'not found\' | sed "s|^|$f: |"; '
            "done"
        ).stdout.strip()
        if missing:
            raise Failed(f"libraries not found in {NAMES[suite]}:\n{missing}")
        listing = root.sh("dpkg -L maliradio").stdout
        for path in (
            "/usr/bin/maliradio",
            "/usr/share/applications/org.maliradio.Maliradio.desktop",
            "/usr/share/metainfo/org.maliradio.Maliradio.metainfo.xml",
            "/usr/share/icons/hicolor/scalable/apps/org.maliradio.Maliradio.svg",
            "/usr/share/icons/hicolor/48x48/apps/org.maliradio.Maliradio.png",
        ):
            if path not in listing.split("\n"):
                raise Failed(f"{path} is not in the package")

        step(f"{NAMES[suite]}: maliradio --version")
        got = root.sh("maliradio --version").stdout.strip()
        print(f"    {got}")
        if got != f"maliradio {version}":
            raise Failed(f"--version printed {got!r}")

        step(f"{NAMES[suite]}: maliradio stations --json")
        ids = {s["id"] for s in json.loads(root.sh("maliradio stations --json").stdout)}
        print(f"    {len(ids)} stations")
        if not {"ortm1", "tele-sahel", "rtb-tele", "rfi-afrique"} <= ids:
            raise Failed(f"stations missing from {sorted(ids)}")

        url = icecast.url()
        step(f"{NAMES[suite]}: maliradio play {url} --duration 8 --json")
        t = time.monotonic()
        proc = root.sh(
            f"maliradio play {url} --duration 8 --json",
            check=False, timeout=60,
            env={"MALIRADIO_VLC_ARGS": "--aout=dummy --vout=dummy"},
        )  # fmt: skip
        events = [json.loads(ln) for ln in proc.stdout.splitlines() if ln.startswith("{")]
        states = [e["state"] for e in events if e.get("event") == "state"]
        titles = [e["title"] for e in events if e.get("event") == "title"]
        print(f"    states {states}, titles {titles}, exit {proc.returncode}")
        want_title = "Salif Keïta – Mandjou"
        if proc.returncode != 0 or "playing" not in states or want_title not in titles:
            raise Failed(f"play did not reach playing with its title:\n{proc.stdout}{proc.stderr}")
        timings["first_playing_s"] = time.monotonic() - t  # includes the 8 s

        step(f"{NAMES[suite]}: a loopback news source, the 20 default ones disabled")
        root.sh(f"maliradio news add {feeds.url('/feed.xml')} --name 'Essai' --country ML")
        defaults = [
            s["id"]
            for s in json.loads(root.sh("maliradio news sources --json").stdout)
            if s["default"]
        ]
        root.sh(" && ".join(f"maliradio news disable {sid} >/dev/null" for sid in defaults))
        before = json.loads(root.sh("maliradio news list --json").stdout)
        if before:
            raise Failed(f"articles before the window's refresh: {before}")

        step(f"{NAMES[suite]}: apt-get install xvfb (for the window test only)")
        root.sh("apt-get -q -y --no-install-recommends install xvfb", timeout=900)
        step(f"{NAMES[suite]}: the window under Xvfb for {WINDOW_SECONDS} s")
        # Xvfb picks a free display itself (-displayfd): the chroot shares the host's network,
        # hence its abstract X sockets, and the host may run an Xvfb of its own
        proc = root.sh(
            "Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>/tmp/display "
            ">/tmp/xvfb.log 2>&1 & xvfb=$!; "
            "for i in $(seq 100); do [ -s /tmp/display ] && break; sleep 0.1; done; "
            "export DISPLAY=:$(cat /tmp/display); "
            f"timeout -s TERM -k 10 {WINDOW_SECONDS} maliradio; rc=$?; "
            'kill $xvfb; wait $xvfb; echo "exit=$rc"',
            check=False, timeout=120,
            env={"MALIRADIO_VLC_ARGS": "--aout=dummy"},
        )  # fmt: skip
        tail = proc.stdout.strip().splitlines()[-1:] or ["?"]
        # 124: still running when `timeout` stopped it
        print(f"    {tail[0]}; stderr: {proc.stderr.strip()[-600:] or '(empty)'}")
        if "Traceback" in proc.stderr or tail[0] != "exit=124":
            raise Failed(f"the window failed:\n{proc.stdout}\n{proc.stderr}")
        log = root.sh("find /root -name 'maliradio.log*' -exec cat {} +", check=False).stdout
        if "Traceback" in log:
            raise Failed(f"traceback in the app's log:\n{log[-3000:]}")
        after = json.loads(root.sh("maliradio news list --json").stdout)
        print(f"    the window's refresh child stored {len(after)} articles")
        if len(after) != 6:
            raise Failed(
                f"the window's news refresh (a child process) stored {len(after)} articles, not 6"
                f"\n--- app log\n{log[-3000:]}"
            )

        step(f"{NAMES[suite]}: apt-get purge maliradio leaves the user's folders")
        user_dirs = root.sh(
            "ls -d /root/.local/share/maliradio /root/.config/maliradio 2>/dev/null", check=False
        ).stdout.split()
        if not user_dirs:
            raise Failed("the app wrote no user folder under /root")
        root.sh("apt-get -q -y purge maliradio")
        for p in user_dirs:
            if root.sh(f"test -d {p}", check=False).returncode != 0:
                raise Failed(f"{p} is gone after the purge")
        if root.sh("test -e /usr/lib/maliradio || test -e /usr/bin/maliradio",
                   check=False).returncode == 0:  # fmt: skip
            raise Failed("/usr/lib/maliradio or /usr/bin/maliradio is left after the purge")
        print(f"    kept: {' '.join(user_dirs)}")
    finally:
        root.close()
    timings["suite_s"] = time.monotonic() - t_suite
    return timings


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--deb", type=Path, help="default: the newest dist/maliradio_*.deb")
    ap.add_argument("--suites", nargs="+", default=["bookworm", "trixie"], choices=list(MIRRORS))
    ap.add_argument(
        "--cache",
        type=Path,
        default=Path(
            os.environ.get("MALIRADIO_PACKAGE_TEST_CACHE", "/var/cache/maliradio-package-test")
        ),  # fmt: skip
    )
    args = ap.parse_args(argv)
    if os.geteuid() != 0:
        print("package-test needs root (chroot and mounts)", file=sys.stderr)
        return 2
    for tool in ("mmdebstrap", "ffmpeg", "unshare"):
        if shutil.which(tool) is None:
            print(f"package-test needs {tool} (apt-get install {tool})", file=sys.stderr)
            return 2
    if not os.environ.get("MALIRADIO_PACKAGE_TEST_NS"):
        # every mount of the test lives in a private mount namespace: none can leak to the
        # host, even if this process is killed
        env = dict(os.environ, MALIRADIO_PACKAGE_TEST_NS="1")
        cmd = ["unshare", "--mount", "--propagation", "private", "--",
               sys.executable, __file__, *(argv if argv is not None else sys.argv[1:])]  # fmt: skip
        return subprocess.run(cmd, env=env).returncode
    deb = args.deb
    if deb is None:
        debs = sorted((ROOT / "dist").glob("maliradio_*.deb"), key=lambda p: p.stat().st_mtime)
        if not debs:
            print("no dist/maliradio_*.deb: run `make package` first", file=sys.stderr)
            return 2
        deb = debs[-1]
    version = run(["dpkg-deb", "--field", str(deb), "Version"]).stdout.strip()
    args.cache.mkdir(parents=True, exist_ok=True)
    step(f"testing {deb.name} ({deb.stat().st_size / 1e6:.1f} MB) on "
         f"{', '.join(NAMES[s] for s in args.suites)}")  # fmt: skip
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        icecast, feeds = start_servers(Path(tmp))
        step(f"loopback Icecast stream {icecast.url()}, news feed {feeds.url('/feed.xml')}")
        try:
            for suite in args.suites:
                try:
                    results[suite] = check_suite(suite, deb, args.cache, icecast, feeds, version)
                except Failed as exc:
                    print(f"\nFAILED on {NAMES[suite]}: {exc}", file=sys.stderr, flush=True)
                    return 1
        finally:
            icecast.stop()
            threading.Thread(target=feeds.stop, daemon=True).start()
    for suite, t in results.items():
        print(f"{NAMES[suite]}: passed in {t['suite_s']:.0f} s "
              f"(apt-get install of the .deb {t['install_s']:.0f} s)")  # fmt: skip
    step(f"package-test passed on {', '.join(NAMES[s] for s in results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
