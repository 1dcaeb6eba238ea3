"""News figures that run in their own process (the loopback servers live in the parent).

    python bench/news_probe.py refresh CONFIG.json   # refresh timings against the feed servers
    python bench/news_probe.py search DB WORD...      # full-text search timings

`refresh`: for each repetition, a fresh database with the 20 feed sources, then
  * the app's refresh, as `maliradio news refresh` calls it (`fetch.refresh(store, None,
    force=True, fetch_full_articles=True, silence_timeout=20)`), first and second time (and
    the process CPU time of the first),
  * once, a diagnostic what-if: the same first refresh with max_workers=20,
  * every feed fetched alone with the app's own HTTP code (`fetch.http_get`, a new client each
    time, as a one-source refresh does): the slowest is the "slowest single fetch",
  * once, a plain sequential loop: urllib.request + feedparser.parse, one feed after another.
`search`: `NewsStore.list_articles(search=WORD, limit=PAGE_SIZE, offset=0)`, what the news
pane runs when the user types in its search box, each word several times; the median per word.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import _common

_common.loopback_guard()


def cmd_refresh(config_path: str) -> None:
    cfg = json.loads(Path(config_path).read_text())
    urls: list[str] = cfg["urls"]
    reps: int = cfg.get("reps", 3)
    import feedparser
    from newsdb import assert_loopback_only, new_store

    from maliradio.news import fetch

    out: dict[str, list] = {
        "first_s": [], "second_s": [], "first_bytes": [], "second_bytes": [],
        "first_new": [], "second_statuses": [], "single_max_s": [], "single_all_s": [],
        "sequential_feedparser_s": [], "errors": [], "first_cpu_s": [],
        "what_if_20_workers_s": [],
    }  # fmt: skip
    for rep in range(reps):
        home = Path(tempfile.mkdtemp(prefix="bench-refresh-"))
        _common.set_bench_env(home)
        store = new_store(home / "data" / "news.sqlite3")
        for i, url in enumerate(urls):
            store.add_source(url, f"Feed {i:02d}", source_id=f"feed-{i:02d}")
        assert_loopback_only(store)
        image_dir = home / "cache" / "images"
        for phase in ("first", "second"):
            t0, c0 = time.monotonic(), time.process_time()
            report = fetch.refresh(
                store, None, force=True, fetch_full_articles=True, silence_timeout=20.0,
                image_dir=image_dir,
            )  # fmt: skip
            out[f"{phase}_s"].append(time.monotonic() - t0)
            if phase == "first":
                out["first_cpu_s"].append(time.process_time() - c0)
            out[f"{phase}_bytes"].append(report.bytes)
            if phase == "first":
                out["first_new"].append(report.new)
            else:
                out["second_statuses"].append(sorted({r.status for r in report.results}))
            out["errors"] += [f"{r.source}: {r.error}" for r in report.results if r.error]
        store.close()
        if rep == 0:
            # what-if (diagnostic): the same first refresh with one worker per feed
            store = new_store(home / "data" / "whatif.sqlite3")
            for i, url in enumerate(urls):
                store.add_source(url, f"Feed {i:02d}", source_id=f"feed-{i:02d}")
            t0 = time.monotonic()
            fetch.refresh(store, None, force=True, fetch_full_articles=True,
                          image_dir=image_dir, max_workers=len(urls))  # fmt: skip
            out["what_if_20_workers_s"].append(time.monotonic() - t0)
            store.close()
        singles = []
        for url in urls:
            t0 = time.monotonic()
            with fetch.make_client() as client:
                r = fetch.http_get(client, url, headers={"Accept": fetch.ACCEPT_FEED})
            singles.append(time.monotonic() - t0)
            assert r.status == 200, r.status
        out["single_max_s"].append(max(singles))
        out["single_all_s"].append(singles)
        if rep == 0:  # context only: once
            t0 = time.monotonic()
            for url in urls:
                with urllib.request.urlopen(url, timeout=20) as resp:
                    d = feedparser.parse(resp.read())
                assert len(d.entries) >= 1
            out["sequential_feedparser_s"].append(time.monotonic() - t0)
        shutil.rmtree(home, ignore_errors=True)
    print(json.dumps(out), flush=True)


def cmd_search(db: str, words: list[str]) -> None:
    from maliradio.news.store import NewsStore

    try:  # what the news pane asks for: one page of its list
        from maliradio.ui.news_pane import PAGE_SIZE as limit
    except ImportError:
        limit = 200
    store = NewsStore(Path(db))
    total = store.count_articles()
    per_word = {}
    hits = {}
    for w in words:
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            rows = store.list_articles(search=w, limit=limit)
            times.append(time.perf_counter() - t0)
        per_word[w] = statistics.median(times[1:])  # first one warms the page cache
        hits[w] = [len(rows), store.count_articles(search=w)]
    store.close()
    ms = {w: t * 1000 for w, t in per_word.items()}
    print(json.dumps({"articles": total, "limit": limit, "ms": ms, "hits": hits}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "refresh":
        cmd_refresh(sys.argv[2])
    elif sys.argv[1] == "search":
        cmd_search(sys.argv[2], sys.argv[3:])
    else:
        raise SystemExit(f"unknown command {sys.argv[1]}")
