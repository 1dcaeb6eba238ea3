"""The news refresh figures, through the Sahel link, in the real window (window_probe.py).

* `refresh_vs_network`: the refresh a listener lives every half hour: 10,000 articles of the 20
  sources stored, each feed now lists 2 new items (each with its picture), a quarter of the
  servers send no validators. From `NewsPane.refresh()` to the list painted with the new
  articles, over the time `curl --parallel` takes for the same requests (its conditional
  headers included) through the same link, interleaved run by run.
* `first_refresh_s`, `first_refresh_mb`, `refresh_cpu_s`: the first refresh of an empty
  database (every article and picture), then `second_refresh_bytes_ratio` (the same window
  refreshes again at once: the link's bytes, both directions, second over first), then every
  server sends validators and two more refreshes give `refresh_cpu_304_s` (every feed 304).
* `max_stall_ms`: the longest heartbeat gap over every one of those refreshes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import network
import newsdb
from _common import BENCH_DIR, PYTHON, ROOT, bench_env, median

PER_SOURCE = 500  # 20 x 500 = the 10,000 articles of the 20 sources
_FP: dict[str, str] = {}


def _sources(home: Path, urls: list[str]):
    store = newsdb.new_store(home / "data" / "news.sqlite3")
    for i, url in enumerate(urls):
        store.add_source(url, f"Journal {i:02d}", source_id=f"feed-{i:02d}",
                         country=("ML", "BF", "NE", "INT")[i % 4])  # fmt: skip
        # the listener keeps 500 articles a source (the default is 300)
        store.set_retention(f"feed-{i:02d}", PER_SOURCE, 365)
    newsdb.assert_loopback_only(store)
    store.close()


def _settings(home: Path, minutes: int = 0) -> None:
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "settings.json").write_text(json.dumps({"news_refresh_minutes": minutes}))


def _cli_refresh(home: Path, net: network.Network) -> list[dict]:
    env = bench_env(home, **net.client_env())
    proc = subprocess.run([PYTHON, "-m", "maliradio", "news", "refresh", "--json"], env=env,
                          capture_output=True, text=True, timeout=600, cwd=ROOT)  # fmt: skip
    lines = [json.loads(ln) for ln in proc.stdout.splitlines() if ln.startswith("{")]
    bad = [ln for ln in lines if ln.get("status") == "error"]
    if proc.returncode not in (0,) or bad:
        raise RuntimeError(
            f"building refresh failed: {proc.returncode} {bad[:2]} {proc.stderr[-800:]}"
        )
    return lines


def refreshed_home(net: network.Network, tmp: Path, log) -> Path:
    """A home whose database holds 10,000 articles of the 20 sources, put there by the app's
    own refresh (the feeds' archive version, 500 items each, then v1), with its picture cache.
    Built at full loopback speed, cached in bench/.cache for the day (keyed by the code)."""
    # (once a run: the code may change under a long run; the home built first serves it all)
    if "fp" not in _FP:
        _FP["fp"] = newsdb._fingerprint(
            extra=[BENCH_DIR / "network.py", BENCH_DIR / "fig_refresh.py"]
        )
    fp = _FP["fp"]
    day = int(net.now // 86400)
    cached = network.CACHE / f"refresh-home-{fp}-{day}"
    for old in network.CACHE.glob("refresh-home-*"):
        if old != cached:
            shutil.rmtree(old, ignore_errors=True)
    if not (cached / "ok").exists() or not net.fixed_addresses():
        t = time.monotonic()
        shutil.rmtree(cached, ignore_errors=True)
        _settings(cached)
        _sources(cached, net.feed_urls)
        rtt, bw = net.link.rtt, (net.link.down.bps, net.link.up.bps)
        net.link.rtt, net.link.down.bps, net.link.up.bps = 0.0, 1e11, 1e11
        try:
            for k in range(len(network.archive_windows(network.ARCHIVE))):
                net.set_version(f"archive{k}")
                _cli_refresh(cached, net)
            net.set_version("v1")
            _cli_refresh(cached, net)
        finally:
            net.link.rtt, (net.link.down.bps, net.link.up.bps) = rtt, bw
        store = newsdb.new_store(cached / "data" / "news.sqlite3")
        n = store.count_articles()
        store.close()
        newsdb.checkpoint(cached / "data" / "news.sqlite3")
        if n != 20 * PER_SOURCE:
            raise RuntimeError(f"refresh home holds {n} articles, not {20 * PER_SOURCE}")
        (cached / "ok").write_text("")
        log(
            "  built the 10,000-article home through the app's refresh in "
            f"{time.monotonic() - t:.0f} s"
        )
    home = tmp / "refresh-home"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(cached, home)
    return home


class WindowRefresh:
    """window_probe.py refresh N, driven step by step."""

    def __init__(self, home: Path, env: dict[str, str], n: int, *flags: str) -> None:
        self.err = open(home / "probe-stderr.txt", "w+")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [PYTHON, str(BENCH_DIR / "window_probe.py"), "refresh", str(n), *flags],
            env=env, cwd=ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err, text=True,
        )  # fmt: skip
        self.ready = self._line()

    def _line(self) -> dict:
        while True:
            line = self.proc.stdout.readline()  # type: ignore[union-attr]
            if not line:
                self.err.seek(0)
                err = self.err.read()[-3000:]
                raise RuntimeError(f"window_probe refresh ended early: {err}")
            if line.startswith("{"):
                return json.loads(line)

    def next(self, go: bool = False) -> dict:
        if go:
            self.proc.stdin.write("go\n")  # type: ignore[union-attr]
            self.proc.stdin.flush()  # type: ignore[union-attr]
        return self._line()

    def close(self) -> None:
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.err.close()


def _mb(t: dict) -> float:
    return (t["up"] + t["down"]) / 1e6


def first_refresh(bench, net: network.Network) -> None:
    """The first refresh of an empty database, again, and all 304; `bench` is run.Bench."""
    env_extra = {**net.client_env(), **bench.display_env()}

    # 1. the first refresh of an empty database, then again, then every feed 304
    home = bench.home("first-refresh")
    _settings(home)
    _sources(home, net.feed_urls)
    net.set_version("v1")
    net.set_all_validators(False)
    net.reset_counters()
    w = WindowRefresh(home, bench_env(home, **env_extra), 4, "--no-heartbeat")
    first = w.next()
    b_first = net.link.totals("site")
    net.reset_counters()
    second = w.next(go=True)
    b_second = net.link.totals("site")
    net.set_all_validators(True)
    third = w.next(go=True)
    net.reset_counters()
    fourth = w.next(go=True)
    b_fourth = net.link.totals("site")
    w.close()
    net.set_all_validators(False)
    cpu = lambda r: r["cpu_s"]["window"] + r["cpu_s"]["children"]  # noqa: E731
    f = bench.figures
    f["first_refresh_s"] = first["shown_s"]
    f["first_refresh_mb"] = _mb(b_first)
    f["refresh_cpu_s"] = cpu(first)
    f["refresh_cpu_304_s"] = cpu(fourth)
    ratio = (b_second["up"] + b_second["down"]) / (b_first["up"] + b_first["down"])
    f["second_refresh_bytes_ratio"] = ratio
    per_source = (b_second["up"] + b_second["down"]) / len(net.feed_urls)
    per_304 = (b_fourth["up"] + b_fourth["down"]) / len(net.feed_urls)
    bench.details["first_refresh"] = {
        "runs": [first, second, third, fourth], "link_bytes_first": b_first,
        "link_bytes_second": b_second, "link_bytes_all_304": b_fourth,
        "bytes_per_unchanged_source": per_source, "bytes_per_source_all_304": per_304,
    }  # fmt: skip
    bench.context(
        "first_refresh_s",
        f"{len(net.feed_urls)} feeds x 30 items, every picture; "
        f"{first['new']} new articles; link {b_first['connections']} connections",
    )
    bench.context("refresh_cpu_s", f"window {first['cpu_s']['window']:.2f} s + processes it "
                  f"started {first['cpu_s']['children']:.2f} s")  # fmt: skip
    bench.context(
        "refresh_cpu_304_s",
        f"window {fourth['cpu_s']['window']:.2f} s + processes "
        f"{fourth['cpu_s']['children']:.2f} s; statuses {fourth['statuses']}",
    )
    bench.context(
        "second_refresh_bytes_ratio",
        f"{b_second['up'] + b_second['down']:,} / {b_first['up'] + b_first['down']:,} B "
        f"(link, both ways); {per_source / 1000:.1f} kB per unchanged source "
        f"(5 of 20 without validators), {per_304 / 1000:.1f} kB when all answer 304",
    )


def refresh(bench, net: network.Network) -> None:
    """The half-hourly refresh, against curl on the same requests; the stalls."""
    env_extra = {**net.client_env(), **bench.display_env()}
    stalls: list[dict] = []
    f = bench.figures
    base_home = refreshed_home(net, bench.tmp, lambda m: print(m, flush=True))
    runs = []
    for _ in range(bench.runs(3, 1)):
        home = bench.tmp / "refresh-run"
        shutil.rmtree(home, ignore_errors=True)
        shutil.copytree(base_home, home)
        net.set_version("v2")
        net.reset_counters()
        w = WindowRefresh(home, bench_env(home, **env_extra), 1)
        r = w.next()
        w.close()
        r["link"] = net.link.totals("site")
        reqs = net.requests()
        r["requests"] = len(reqs)
        r["curl"] = network.curl_fetch(net, reqs, bench.tmp)
        net.set_version("v1")
        runs.append(r)
        stalls.append(r)
    ratios = [r["shown_s"] / r["curl"]["s"] for r in runs if r["shown_s"] and r["curl"]["s"]]
    f["refresh_vs_network"] = median(ratios)
    bench.details["refresh"] = {"runs": runs, "ratios": ratios}
    r0 = runs[0]
    bench.context(
        "refresh_vs_network",
        f"window {median([r['shown_s'] for r in runs]):.2f} s (refreshFinished "
        f"{median([r['finished_s'] for r in runs]):.2f} s) / curl --parallel "
        f"{median([r['curl']['s'] for r in runs]):.2f} s, {r0['requests']} requests, "
        f"{_mb(r0['link']):.2f} MB app vs "
        f"{(r0['curl']['bytes_up'] + r0['curl']['bytes_down']) / 1e6:.2f}"
        f" MB curl; {r0['new']} new; ratios {', '.join(f'{x:.2f}' for x in ratios)}",
    )
    worst = max(stalls, key=lambda r: r["max_gap_ms"])
    f["max_stall_ms"] = worst["max_gap_ms"]
    bench.details["stall"] = [{"max_gap_ms": r["max_gap_ms"], "worst": r["worst_gaps_ms"],
                               "gui_thread_cpu_ms": r["worst_gaps_cpu_ms"],
                               "at_s": r["worst_at_s"]} for r in stalls]  # fmt: skip
    bench.context("max_stall_ms", f"max over {len(stalls)} refreshes in the window; per refresh "
                  + ", ".join(f"{r['max_gap_ms']:.0f}" for r in stalls) + " ms; the GUI thread "
                  f"ran {worst['worst_gaps_cpu_ms'][-1]:.0f} ms of the longest (the rest it was "
                  "off the CPU: waiting for a core, or for the GIL held by another thread), at "
                  f"{worst['worst_at_s'][-1]:.1f} s from the click")  # fmt: skip
