"""Compare two versions of the code on the refresh, interleaved, in the same spell of the
machine (its speed drifts by 10-20 % over minutes: figures taken apart mean little).

    .venv/bin/python bench/compare.py REV_A REV_B [--rounds N]
    .venv/bin/python bench/compare.py HEAD~3 WORKTREE      # WORKTREE: the files as they are

Each version is checked out into a temporary git worktree (WORKTREE: this folder's `src`).
Per round and version, in alternating order, two child processes run that version:
  * `refresh`: two first refreshes (`fetch.refresh`, fresh database each) of the 20 loopback
    feeds of `make bench` (300 ms late, 30 articles each), served by this process;
  * `cpu`: the CPU time of the workers' step (`steps.read_feed`) over the same 20 feeds, in
    one process, five times.
Prints, per version: the median refresh time and the median step CPU time over all runs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common

_common.loopback_guard()

ROOT = _common.ROOT


def child_refresh(config: str) -> None:
    cfg = json.loads(Path(config).read_text())
    from newsdb import new_store

    from maliradio.news import fetch

    out = []
    for _ in range(cfg["reps"]):
        home = Path(tempfile.mkdtemp(prefix="bench-compare-"))
        _common.set_bench_env(home)
        store = new_store(home / "data" / "news.sqlite3")
        for i, url in enumerate(cfg["urls"]):
            store.add_source(url, f"Feed {i:02d}", source_id=f"feed-{i:02d}")
        t0 = time.monotonic()
        fetch.refresh(store, None, force=True, fetch_full_articles=True, image_dir=home / "img")
        out.append(time.monotonic() - t0)
        store.close()
        shutil.rmtree(home, ignore_errors=True)
    print(json.dumps(out), flush=True)


def child_cpu() -> None:
    import corpus

    try:  # the step's home moved from fetch.py to steps.py
        from maliradio.news.steps import read_feed
    except ImportError:
        from maliradio.news.fetch import _read_feed as read_feed  # type: ignore[attr-defined]

    feeds = [corpus.rss_feed(i, f"http://127.0.0.1:{8000 + i}/") for i in range(20)]

    def run() -> None:
        for i, body in enumerate(feeds):
            url = f"http://127.0.0.1:{8000 + i}/feed/"
            read_feed(body, url, "application/rss+xml", {}, (0, {}), True, 0.0)

    run()  # warm-up
    out = []
    for _ in range(5):
        c0 = time.process_time()
        run()
        out.append(time.process_time() - c0)
    print(json.dumps(out), flush=True)


def checkout(rev: str, into: Path) -> Path:
    """The `src` folder of `rev` (WORKTREE: this checkout's own)."""
    if rev == "WORKTREE":
        return ROOT / "src"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(into), rev],
        check=True,
    )
    return into / "src"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("revs", nargs=2)
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    import feedserver

    tmp = Path(tempfile.mkdtemp(prefix="bench-compare-"))
    trees: list[tuple[str, Path]] = []
    servers, urls = feedserver.start_feeds(20, delay=0.3, items=30)
    try:
        for n, rev in enumerate(args.revs):
            trees.append((rev, checkout(rev, tmp / f"tree{n}")))
        cfg = tmp / "refresh.json"
        cfg.write_text(json.dumps({"urls": urls, "reps": 2}))
        results: dict[str, dict[str, list[float]]] = {
            rev: {"refresh": [], "cpu": []} for rev, _ in trees
        }
        me = str(Path(__file__).resolve())
        for r in range(args.rounds):
            for rev, src in trees if r % 2 == 0 else trees[::-1]:
                env = _common.bench_env(tmp / "home", PYTHONPATH=str(src))
                for what, cmd in (
                    ("refresh", [sys.executable, me, "--child-refresh", str(cfg)]),
                    ("cpu", [sys.executable, me, "--child-cpu"]),
                ):
                    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
                    if done.returncode:
                        raise SystemExit(f"{rev} {what}: {done.stderr[-2000:]}")
                    results[rev][what] += json.loads(done.stdout.strip().splitlines()[-1])
            print(f"round {r + 1}/{args.rounds}", file=sys.stderr)
        for rev, res in results.items():
            print(
                f"{rev:24s} refresh median {statistics.median(res['refresh']):.3f} s "
                f"(n={len(res['refresh'])}, {min(res['refresh']):.3f}-"
                f"{max(res['refresh']):.3f}); worker step CPU median "
                f"{statistics.median(res['cpu']):.3f} s per 600 articles"
            )
    finally:
        for s in servers:
            s.stop()
        for rev, src in trees:
            if rev != "WORKTREE":
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(src.parent)],
                    check=False,
                )
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child-refresh":
        child_refresh(sys.argv[2])
    elif len(sys.argv) > 1 and sys.argv[1] == "--child-cpu":
        child_cpu()
    else:
        main()
