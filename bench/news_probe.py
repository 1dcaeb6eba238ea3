"""The search box's queries over 100,000 articles, in a fresh process.

    python bench/news_probe.py search DB QUERIES.json

DB is a copy the probe may change: it first indexes every article still waiting in
`fts_pending` (`NewsStore.index_pending`, as a refresh does), checks that none is left and
counts the documents in the index. Then each query of the list, in order, as the pane's
search box runs it (`NewsStore.list_articles(search=TEXT, limit=PAGE_SIZE)`), timed one by
one; the first query of the process is in the list like the others (nothing is warmed).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path

import _common

_common.loopback_guard()


def cmd_search(db: str, queries_file: str) -> None:
    queries: list[str] = json.loads(Path(queries_file).read_text())
    from maliradio.news.store import NewsStore

    try:  # what the news pane asks for: one page of its list
        from maliradio.ui.news_pane import PAGE_SIZE as limit
    except ImportError:
        limit = 200
    store = NewsStore(Path(db))
    t0 = time.monotonic()
    while store.index_pending():
        pass
    index_s = time.monotonic() - t0
    total = store.count_articles()
    store.close()
    conn = sqlite3.connect(db)
    pending = conn.execute("SELECT count(*) FROM fts_pending").fetchone()[0]
    indexed = conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
    conn.close()
    if pending:
        raise SystemExit(f"{pending} articles still wait to be indexed")
    store = NewsStore(Path(db))  # a fresh connection, as the app's at its start
    times, hits = [], []
    for q in queries:
        t = time.perf_counter()
        rows = store.list_articles(search=q, limit=limit)
        times.append((time.perf_counter() - t) * 1000)
        hits.append(len(rows))
    store.close()
    print(json.dumps({"articles": total, "indexed": indexed, "pending": pending,
                      "index_s": index_s, "limit": limit, "queries": queries, "ms": times,
                      "hits": hits}), flush=True)  # fmt: skip


if __name__ == "__main__":
    if sys.argv[1] == "search":
        cmd_search(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(f"unknown command {sys.argv[1]}")
