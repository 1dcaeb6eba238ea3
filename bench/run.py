"""maliradio benchmarks as a listener in Bamako lives them: `make bench`.

Every network figure goes through the Sahel link (link.py: 300 ms round trip, 1 Mbit/s down,
256 kbit/s up shared by every connection) to loopback servers over HTTPS with a local
certificate authority (network.py). Windows are real (`maliradio.ui`) on Xvfb with Qt's xcb
platform; sound goes to a PulseAudio null sink. Prints a table (figure, value, target,
PASS/MISS, what it was compared with) and writes bench/results.json. It never fails the build.

Options: --only NAME[,NAME] (startup, search, first_refresh, refresh, sound, rebuffers, pss),
--quick (fewer runs: a smoke test of the bench itself), --keep (keep the temporary folder).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import _common
from _common import BENCH_DIR

_common.loopback_guard()

import newsdb  # noqa: E402

# name: (limit, unit, label)
TARGETS = {
    "sound_icy_vs_vlc": (0.9, "x", "play -> first audio, Icecast, app / python-vlc"),
    "sound_icy_vs_mpv": (1.0, "x", "play -> first audio, Icecast, app / mpv"),
    "sound_hls_vs_vlc": (1.0, "x", "play -> later of audio and video, HLS TV, app / python-vlc"),
    "rebuffers_flaky_icy_excess": (0, "", "sound stops, 3 min, 2 s stalls, app - python-vlc"),
    "refresh_vs_network": (1.3, "x", "refresh in the window (2 new a feed) / curl --parallel"),
    "first_refresh_s": (None, "s", "first refresh of an empty database, in the window"),
    "first_refresh_mb": (None, "MB", "its bytes on the link, both ways"),
    "second_refresh_bytes_ratio": (0.08, "x", "link bytes of a refresh again / the first"),
    "refresh_cpu_s": (1.5, "s", "CPU of every process of the first refresh"),
    "refresh_cpu_304_s": (0.3, "s", "CPU of every process of a refresh of 20 x 304"),
    "startup_to_news_s": (0.6, "s", "process start -> window painted with the news rows (Xvfb)"),
    "startup_vs_bare_qt": (2.5, "x", "that / a bare QMainWindow's first paint"),
    "search_p95_ms": (20.0, "ms", "search box queries while typing, 100k articles, p95"),
    "search_max_ms": (60.0, "ms", "the same, slowest (first query included)"),
    "max_stall_ms": (30.0, "ms", "longest event-loop stall of the window during refreshes"),
    "pss_playing_mb": (150.0, "MB", "PSS of the app + children, HLS TV playing 60 s + refresh"),
}  # fmt: skip


class Bench:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.tmp = Path(tempfile.mkdtemp(prefix="maliradio-bench-"))
        self.figures: dict[str, float | None] = {}
        self.details: dict[str, dict] = {}
        self.notes: list[str] = []
        self._dbs: dict[str, Path] | None = None
        self._net = None
        self._xvfb: subprocess.Popen | None = None
        self._display = ""

    # -- shared fixtures ----------------------------------------------------------------------
    def home(self, name: str, refresh_minutes: int = 0) -> Path:
        """A fresh MALIRADIO_HOME whose settings turn the automatic refresh off unless asked."""
        h = self.tmp / name
        if h.exists():
            shutil.rmtree(h)
        (h / "config").mkdir(parents=True)
        settings = {"news_refresh_minutes": refresh_minutes}
        (h / "config" / "settings.json").write_text(json.dumps(settings))
        return h

    def dbs(self) -> dict[str, Path]:
        if self._dbs is None:
            self._dbs = newsdb.databases(log=lambda m: print(m, flush=True))
        return self._dbs

    def net(self):
        """The link and the servers behind it, started once."""
        if self._net is None:
            import network

            self._net = network.Network(self.tmp).start()
            self._net.start_sites(archive=network.ARCHIVE)
            self.details["link"] = self._net.link.params()
        return self._net

    def display_env(self) -> dict[str, str]:
        """An Xvfb server of the bench's own; Qt on it through xcb."""
        if self._xvfb is None:
            n = next(i for i in range(140, 400) if not Path(f"/tmp/.X{i}-lock").exists())
            self._xvfb = subprocess.Popen(
                ["Xvfb", f":{n}", "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            end = time.monotonic() + 10
            while not Path(f"/tmp/.X11-unix/X{n}").exists() and time.monotonic() < end:
                time.sleep(0.05)
            self._display = f":{n}"
        return {"DISPLAY": self._display, "QT_QPA_PLATFORM": "xcb"}

    def runs(self, normal: int, quick: int) -> int:
        return quick if self.quick else normal

    def context(self, name: str, text: str) -> None:
        self.details.setdefault("context", {})[name] = text

    def close(self) -> None:
        if self._net is not None:
            self._net.stop()
        if self._xvfb is not None:
            self._xvfb.terminate()
            self._xvfb.wait(5)
        import fig_play

        fig_play.stop_pulse()

    # -- the figures ------------------------------------------------------------------------------
    def startup(self) -> None:
        import fig_startup

        fig_startup.startup(self)

    def search(self) -> None:
        import fig_startup

        fig_startup.search(self)

    def first_refresh(self) -> None:
        import fig_refresh

        fig_refresh.first_refresh(self, self.net())

    def refresh(self) -> None:
        import fig_refresh

        fig_refresh.refresh(self, self.net())

    def sound(self) -> None:
        import fig_play

        fig_play.sound(self, self.net())

    def rebuffers(self) -> None:
        import fig_play

        fig_play.rebuffers(self, self.net())

    def pss(self) -> None:
        import fig_play

        fig_play.pss(self, self.net())

    # -- output ---------------------------------------------------------------------------------
    def table(self) -> str:
        ctx = self.details.get("context", {})
        rows = [("figure", "value", "target", "", "compared with / conditions")]
        for name, (limit, unit, _label) in TARGETS.items():
            v = self.figures.get(name)
            target = "-" if limit is None else f"<= {limit:g} {unit}".strip()
            if v is None:
                rows.append((name, "n/a", target, "----", ctx.get(name, "not measured")))
                continue
            fmt = (
                f"{v:.4f}"
                if unit == "x" and abs(v) < 0.1
                else f"{v:.3f}"
                if unit in ("s", "x")
                else f"{v:.1f}"
                if unit
                else f"{v:g}"
            )
            ok = "" if limit is None else "PASS" if v <= limit else "MISS"
            rows.append((name, f"{fmt} {unit}".strip(), target, ok, ctx.get(name, "")))
        w = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = []
        for i, r in enumerate(rows):
            lines.append("  ".join(r[j].ljust(w[j]) for j in range(4)) + "  " + r[4])
            if i == 0:
                lines.append("-" * (sum(w) + 8 + 40))
        return "\n".join(lines)


def _passes(value: float | None, limit: float) -> bool:
    return value is not None and value <= limit


ORDER = ["startup", "search", "first_refresh", "refresh", "sound", "rebuffers", "pss"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="comma-separated subset of " + ",".join(ORDER))
    ap.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    chosen = [x for x in args.only.split(",") if x] or ORDER
    bench = Bench(args.quick)
    t_all = time.monotonic()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"maliradio bench: Python {platform.python_version()}, {os.cpu_count()} cpu, "
          f"load {load}; temp {bench.tmp}", flush=True)  # fmt: skip
    loads = {}
    try:
        for name in ORDER:
            if name not in chosen:
                continue
            t = time.monotonic()
            print(f"- {name} ...", flush=True)
            try:
                getattr(bench, name)()
            except Exception as exc:  # noqa: BLE001 - the bench reports, it never fails the build
                bench.notes.append(f"{name}: not measured, the bench failed: {exc}")
                bench.details.setdefault("errors", {})[name] = traceback.format_exc()
                print(traceback.format_exc(), file=sys.stderr)
            loads[name] = {"s": round(time.monotonic() - t, 1), "load_after": os.getloadavg()[0]}
            print(f"  {name} done in {time.monotonic() - t:.0f} s (load {os.getloadavg()[0]:.2f})",
                  flush=True)  # fmt: skip
    finally:
        bench.close()
    table = bench.table()
    print()
    print(table)
    if bench.notes:
        print("\nNotes:")
        for n in bench.notes:
            print(f"  * {n}")
    total = time.monotonic() - t_all
    print(f"\n(total {total:.0f} s; load now {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    out = {
        "figures": bench.figures,
        "targets": {k: v[0] for k, v in TARGETS.items()},
        "pass": {
            k: None if v[0] is None else _passes(bench.figures.get(k), v[0])
            for k, v in TARGETS.items()
        },
        "details": bench.details,
        "notes": bench.notes,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "loadavg_end": os.getloadavg(), "seconds": total, "sections": loads},
    }  # fmt: skip
    text = json.dumps(out, indent=1, ensure_ascii=False) + "\n"
    if not args.only:
        (BENCH_DIR / "results.json").write_text(text)
    else:
        partial = BENCH_DIR / ".cache" / "results-partial.json"
        partial.parent.mkdir(exist_ok=True)
        partial.write_text(text)
        print(f"(partial run: results in {partial})")
    if not args.keep:
        shutil.rmtree(bench.tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
