"""maliradio benchmarks: `make bench` (QT_QPA_PLATFORM=offscreen .venv/bin/python bench/run.py).

Prints a table of figures with their targets and writes bench/results.json. It is not a test:
it never fails the build (exit status 0 unless the bench itself crashes before writing).

Everything runs on this machine: loopback servers only, MALIRADIO_HOME in a temporary folder,
MALIRADIO_OFFLINE=1, libVLC with dummy audio/video output. Each figure is the median of several
runs; ratios are taken against baselines measured in the same run, because the machine is small
(2 cores) and shared with a noisy neighbour.

Options: --only NAME[,NAME] (startup, play, refresh, stall, rss, search), --quick (fewer runs).
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
from _common import BENCH_DIR, PYTHON, ROOT, bench_env, median, run_json

_common.loopback_guard()

import newsdb  # noqa: E402

ICY_TITLES = [("Salif Keïta – Mandjou", "utf-8"), ("Oumou Sangaré - Wassoulou", "latin-1")]
SEARCH_WORDS = ["Mali", "sécheresse", "Tombouctou", "coton", "gouvern", "Bamako élection",
                "paludisme vaccination", "kankamanba"]  # fmt: skip

TARGETS = {  # name: (limit, unit, label)
    "startup_s": (0.5, "s", "cold start to first paint, 10k articles cached"),
    "play_ratio_icy": (1.05, "x", "play->PLAYING, engine / python-vlc, Icecast MP3"),
    "play_ratio_hls": (1.05, "x", "play->PLAYING, engine / python-vlc, HLS"),
    "refresh_ratio": (2.0, "x", "refresh of 20 feeds (300 ms each) / slowest single fetch"),
    "second_refresh_bytes_ratio": (0.02, "x", "bytes of 2nd refresh / 1st (ETag, 304)"),
    "max_stall_ms": (30.0, "ms", "longest GUI heartbeat gap during a refresh"),
    "rss_playing_mb": (120.0, "MB", "VmRSS, window + 10k articles + station playing"),
    "search_ms": (20.0, "ms", "full-text search, 100k articles (median of words)"),
}


class Bench:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.tmp = Path(tempfile.mkdtemp(prefix="maliradio-bench-"))
        self.figures: dict[str, float | None] = {}
        self.details: dict[str, dict] = {}
        self.notes: list[str] = []
        self._media: dict[str, Path] = {}
        self._dbs: dict[str, Path] | None = None

    # -- shared fixtures ----------------------------------------------------------------------
    def home(self, name: str) -> Path:
        """A fresh MALIRADIO_HOME. Its settings also turn the news pane's automatic refresh
        off (besides MALIRADIO_OFFLINE=1), so no refresh can land in the middle of a figure."""
        h = self.tmp / name
        if h.exists():
            shutil.rmtree(h)
        (h / "config").mkdir(parents=True)
        (h / "config" / "settings.json").write_text(json.dumps({"news_refresh_minutes": 0}))
        return h

    def media(self, kind: str) -> Path:
        if kind not in self._media:
            d = self.tmp / "media"
            d.mkdir(exist_ok=True)
            if kind == "mp3":
                self._media[kind] = _common.make_mp3(d)
            else:
                self._media[kind] = _common.make_hls(d / "hls")
        return self._media[kind]

    def dbs(self) -> dict[str, Path]:
        if self._dbs is None:
            self._dbs = newsdb.databases(log=lambda m: print(m, flush=True))
        return self._dbs

    def runs(self, normal: int, quick: int) -> int:
        return quick if self.quick else normal

    # -- 1. startup ------------------------------------------------------------------------------
    def startup(self) -> None:
        home = self.home("startup")
        newsdb.install(self.dbs()["10k"], home)
        env = bench_env(home)
        n = self.runs(9, 2)
        app, bare, app_marks, vm = [], [], [], {}
        for i in range(n + 1):  # run 0 of each warms the file cache and is dropped
            for mode in ("bare", "app"):
                t0 = time.monotonic()
                r = run_json([str(BENCH_DIR / "startup_probe.py"), mode], env, timeout=60)
                dt = r["marks"]["first_paint_done"] - t0
                if i == 0:
                    continue
                (app if mode == "app" else bare).append(dt)
                vm[mode] = r["vm"]
                if mode == "app":
                    app_marks.append({k: round(v - t0, 3) for k, v in r["marks"].items()})
                    keys = ("engine_started", "catalog_ready", "news_widget", "news_rows")
                    extra = {k: r.get(k) for k in keys}
        self.figures["startup_s"] = median(app)
        self.details["startup"] = {
            "app_s": app, "bare_qmainwindow_s": bare, "app_marks": app_marks,
            "at_first_paint": extra, "rss_kb_at_first_paint": vm,
        }  # fmt: skip
        rows = extra.get("news_rows")
        shown = [m["news_rows_shown"] for m in app_marks if "news_rows_shown" in m]
        self.details["startup"]["news_rows_shown_s"] = shown
        self.context(
            "startup_s",
            f"bare QMainWindow {median(bare):.3f} s (app - bare {median(app) - median(bare):.3f} s)"
            + (f"; news list rows at first paint: {rows}" if rows is not None else "")
            + (f"; news list filled at {median(shown):.3f} s" if shown else ""),
        )
        if extra.get("news_widget") != "NewsPane":
            self.notes.append(
                "startup_s: the news pane is built just after the first paint; the list of the "
                "10,000 cached articles fills in at the time given as 'news list filled'."
            )

    # -- 2. play ------------------------------------------------------------------------------
    def play(self) -> None:
        from streamservers import IcecastServer, StaticServer

        env = bench_env(self.home("play"))
        runs = str(self.runs(15, 4))
        mpv = shutil.which("mpv") if os.name == "posix" else None

        def mpv_median(url: str, n: str) -> float | None:
            """mpv on the same stream (a user's alternative), where it is installed."""
            if not mpv:
                return None
            r = run_json([str(BENCH_DIR / "mpv_probe.py"), url, n], env, timeout=240)
            times = [t for t in r["mpv"] if t is not None]
            return median(times) if times else None

        with (
            IcecastServer(self.media("mp3"), titles=ICY_TITLES) as ice,
            StaticServer(self.media("hls")) as hls,
        ):
            streams = (("icy", ice, ice.url()), ("hls", hls, hls.url("/index.m3u8")))
            for key, _server, url in streams:
                r = run_json([str(BENCH_DIR / "play_probe.py"), url, runs], env, timeout=240)
                e, b = median(r["engine"]), median(r["baseline"])
                fails = r["engine"].count(None) + r["baseline"].count(None)
                self.figures[f"play_ratio_{key}"] = e / b if e and b else None
                stops = r.get("stop_s") or {}
                m = mpv_median(url, runs)
                self.details[f"play_{key}"] = {
                    "engine_s": r["engine"], "python_vlc_s": r["baseline"], "stop_s": stops,
                    "mpv_median_s": m,
                }  # fmt: skip
                self.context(
                    f"play_ratio_{key}",
                    f"engine {e * 1000:.0f} ms / python-vlc {b * 1000:.0f} ms"
                    + (f"; mpv {m * 1000:.0f} ms" if m else "")
                    + (f", {fails} runs timed out" if fails else "")
                    + (
                        f"; stop() on the GUI thread: median {1000 * median(stops['engine']):.0f}"
                        f", max {1000 * max(stops['engine']):.0f} ms"
                        if stops.get("engine")
                        else ""
                    ),
                )
            # what-if (diagnostic): every server answer 100 ms late, as over a real link; the
            # engine's extra request (its probe) then shows at its real cost
            what_if = {}
            for key, server, url in streams:
                server.delay = 0.1
                try:
                    r = run_json([str(BENCH_DIR / "play_probe.py"), url, str(self.runs(4, 2))],
                                 env, timeout=240)  # fmt: skip
                    m = mpv_median(url, str(self.runs(4, 2)))
                finally:
                    server.delay = 0.0
                e, b = median(r["engine"]), median(r["baseline"])
                what_if[key] = {"engine_ms": 1000 * e, "python_vlc_ms": 1000 * b, "ratio": e / b}
                if m:
                    what_if[key]["mpv_ms"] = 1000 * m
            self.details["play_what_if_server_latency_100ms"] = what_if
            self.notes.append(
                "play, diagnostic with every server answer 100 ms late: "
                + "; ".join(
                    f"{k} engine {v['engine_ms']:.0f} ms / python-vlc {v['python_vlc_ms']:.0f} ms"
                    f" = {v['ratio']:.2f}"
                    + (f" (mpv {v['mpv_ms']:.0f} ms)" if "mpv_ms" in v else "")
                    for k, v in what_if.items()
                )
            )
        self.details["mpv"] = mpv or "not installed"
        if not mpv:
            self.notes.append("mpv: not installed on this machine, so no mpv figure.")

    # -- 3 + 4. refresh ------------------------------------------------------------------------
    def refresh(self) -> None:
        import feedserver

        servers, urls = feedserver.start_feeds(20, delay=0.3, items=30)
        try:
            cfg = self.tmp / "refresh.json"
            cfg.write_text(json.dumps({"urls": urls, "reps": self.runs(5, 1)}))
            r = run_json(
                [str(BENCH_DIR / "news_probe.py"), "refresh", str(cfg)],
                bench_env(self.home("refresh")), timeout=300,
            )  # fmt: skip
            first, single = median(r["first_s"]), median(r["single_max_s"])
            seq = median(r["sequential_feedparser_s"])
            self.figures["refresh_ratio"] = first / single
            r.pop("single_all_s", None)
            self.details["refresh"] = r
            self.context(
                "refresh_ratio",
                f"refresh {first:.2f} s, slowest single fetch {single:.2f} s; "
                f"sequential urllib+feedparser {seq:.2f} s",
            )
            if r["errors"]:
                self.notes.append(f"refresh errors: {r['errors'][:3]}")
            self.cli_bytes(servers, urls)
        finally:
            for s in servers:
                s.stop()

    def cli_bytes(self, servers, urls) -> None:
        """`maliradio news refresh --json` twice; bytes as the CLI reports them."""
        home = self.home("cli")
        store = newsdb.new_store(home / "data" / "news.sqlite3")
        for i, url in enumerate(urls):
            store.add_source(url, f"Feed {i:02d}", source_id=f"feed-{i:02d}")
        newsdb.assert_loopback_only(store)
        store.close()
        env = bench_env(home)
        app_bytes, wire, statuses, seconds = [], [], [], []
        for _ in range(2):
            for s in servers:
                s.reset_counters()
            t0 = time.monotonic()
            proc = subprocess.run(
                [PYTHON, "-m", "maliradio", "news", "refresh", "--json"],
                env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
            )  # fmt: skip
            seconds.append(time.monotonic() - t0)
            lines = [json.loads(ln) for ln in proc.stdout.splitlines() if ln.startswith("{")]
            app_bytes.append(sum(d["bytes"] for d in lines))
            statuses.append(sorted({d["status"] for d in lines}))
            wire.append(sum(s.wire_bytes for s in servers))
        ratio = app_bytes[1] / app_bytes[0] if app_bytes[0] else None
        self.figures["second_refresh_bytes_ratio"] = ratio
        self.details["refresh_bytes_cli"] = {
            "cli_reported_bytes": app_bytes, "server_wire_bytes": wire, "statuses": statuses,
            "cli_process_s": seconds,
        }  # fmt: skip
        self.notes.append(
            "refresh as the news pane runs it (the whole `maliradio news refresh --json` process,"
            f" start to exit, 20 feeds behind 300 ms): first {seconds[0]:.2f} s, second (304s)"
            f" {seconds[1]:.2f} s"
        )
        self.context(
            "second_refresh_bytes_ratio",
            f"CLI {app_bytes[1]:,} / {app_bytes[0]:,} B; server wire {wire[1]:,} / {wire[0]:,} B",
        )

    # -- 5. stall ------------------------------------------------------------------------------
    def stall(self) -> None:
        import feedserver

        servers, urls = feedserver.start_feeds(20, delay=0.3, items=30)

        def one(*flags: str) -> dict:
            home = self.home("stall")
            db = newsdb.install(self.dbs()["10k"], home)
            store = newsdb.new_store(db)
            for s in store.list_sources():
                store.set_enabled(s.id, False)  # the cached articles stay; no dead fetches
            ids = []
            for i, url in enumerate(urls):
                ids.append(store.add_source(url, f"Feed {i:02d}", source_id=f"feed-{i:02d}").id)
            newsdb.assert_loopback_only(store)
            store.close()
            return run_json(
                [str(BENCH_DIR / "window_probe.py"), "stall", ",".join(ids), *flags],
                bench_env(home), timeout=180,
            )  # fmt: skip

        try:
            results = [one() for _ in range(self.runs(3, 1))]
            # diagnostic: the same refresh run in another process (the CLI)
            what_if = one("--subprocess")
        finally:
            for s in servers:
                s.stop()
        self.figures["max_stall_ms"] = median([r["max_gap_ms"] for r in results])
        self.details["stall"] = {"runs": results, "what_if_refresh_in_subprocess": what_if}
        self.context(
            "max_stall_ms",
            f"idle window {median([r['idle_max_gap_ms'] for r in results]):.1f} ms; "
            f"refresh in a subprocess {what_if['max_gap_ms']:.1f} ms; via {results[0]['how']}",
        )

    # -- 6. rss --------------------------------------------------------------------------------
    def rss(self) -> None:
        from streamservers import IcecastServer

        vals, runs = [], []
        with IcecastServer(self.media("mp3"), titles=ICY_TITLES) as ice:
            for _ in range(self.runs(3, 1)):
                home = self.home("rss")
                newsdb.install(self.dbs()["10k"], home)
                cfg = home / "config"
                cfg.mkdir(parents=True, exist_ok=True)
                (cfg / "stations.json").write_text(json.dumps({"version": 1, "stations": [{
                    "id": "user-bench", "name": "Radio Bench", "country": "ML", "kind": "radio",
                    "streams": [{"url": ice.url()}]}]}), encoding="utf-8")  # fmt: skip
                r = run_json([str(BENCH_DIR / "window_probe.py"), "rss", "user-bench"],
                             bench_env(home), timeout=120)  # fmt: skip
                runs.append(r)
                vals.append(r["playing"]["VmRSS"] / 1024)
            base = run_json([str(BENCH_DIR / "window_probe.py"), "rss-baseline", ice.url()],
                            bench_env(self.home("rss-base")), timeout=120)  # fmt: skip
        self.figures["rss_playing_mb"] = median(vals)
        self.details["rss"] = {"runs": runs, "baseline_bare_window_python_vlc": base}
        shown = median([r["window_shown"]["VmRSS"] / 1024 for r in runs])
        self.context(
            "rss_playing_mb",
            f"window shown {shown:.0f} MB; bare QMainWindow+python-vlc playing "
            f"{base['playing']['VmRSS'] / 1024:.0f} MB",
        )

    # -- 7. search -----------------------------------------------------------------------------
    def search(self) -> None:
        db = self.dbs()["100k"]
        home = self.home("search")
        r = run_json([str(BENCH_DIR / "news_probe.py"), "search", str(db), *SEARCH_WORDS],
                     bench_env(home), timeout=300)  # fmt: skip
        self.figures["search_ms"] = median(list(r["ms"].values()))
        self.details["search"] = r
        worst = max(r["ms"], key=r["ms"].get)
        self.context(
            "search_ms",
            f"{r['articles']:,} articles, limit {r['limit']}; slowest '{worst}' "
            f"{r['ms'][worst]:.1f} ms ({r['hits'][worst][1]:,} hits)",
        )

    # -- output ---------------------------------------------------------------------------------
    def context(self, name: str, text: str) -> None:
        self.details.setdefault("context", {})[name] = text

    def table(self) -> str:
        ctx = self.details.get("context", {})
        rows = [("figure", "value", "target", "", "context")]
        for name, (limit, unit, _label) in TARGETS.items():
            v = self.figures.get(name)
            if v is None:
                why = ctx.get(name, "not measured")
                rows.append((name, "n/a", f"<= {limit:g} {unit}", "----", why))
                continue
            if unit == "x" and limit < 0.1:
                fmt = f"{v:.4f}"
            elif unit in ("s", "x"):
                fmt = f"{v:.3f}"
            else:
                fmt = f"{v:.1f}"
            rows.append((name, f"{fmt} {unit}", f"<= {limit:g} {unit}",
                         "PASS" if v <= limit else "MISS", ctx.get(name, "")))  # fmt: skip
        w = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = []
        for i, r in enumerate(rows):
            lines.append("  ".join(r[j].ljust(w[j]) for j in range(4)) + "  " + r[4])
            if i == 0:
                lines.append("-" * (sum(w) + 8 + 40))
        return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="comma-separated subset")
    ap.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    order = ["startup", "play", "refresh", "stall", "rss", "search"]
    chosen = [x for x in args.only.split(",") if x] or order
    bench = Bench(args.quick)
    t_all = time.monotonic()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"maliradio bench: Python {platform.python_version()}, {os.cpu_count()} cpu, "
        f"load {load}; temp {bench.tmp}",
        flush=True,
    )
    for name in order:
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
        print(f"  {name} done in {time.monotonic() - t:.0f} s", flush=True)
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
            k: (bench.figures.get(k) is not None and bench.figures[k] <= v[0])
            for k, v in TARGETS.items()
        },
        "details": bench.details,
        "notes": bench.notes,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "loadavg_end": os.getloadavg(),
            "seconds": total,
        },  # fmt: skip
    }
    if not args.only:
        text = json.dumps(out, indent=1, ensure_ascii=False) + "\n"
        (BENCH_DIR / "results.json").write_text(text)
    else:
        partial = BENCH_DIR / ".cache" / "results-partial.json"
        partial.parent.mkdir(exist_ok=True)
        partial.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
        print(f"(partial run: results in {partial})")
    if not args.keep:
        shutil.rmtree(bench.tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
