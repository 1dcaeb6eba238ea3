"""The cached-news databases the figures need, built once per bench run (and cached in
bench/.cache between runs, keyed by the code that shapes them).

* ``db_10k``: 10,000 live articles in 40 sources x 250, written through the store API exactly
  as a refresh writes them (``clean.prepare_html`` + ``clean.paragraph_keys`` per entry, then
  ``NewsStore.apply_update`` per source: boilerplate detection, cleaning, FTS triggers,
  default retention of 300 articles / 60 days).
* ``db_100k``: ``db_10k`` plus 90 sources x 1,000 articles inserted with SQL into the same
  table, with the ids and search keys ``NewsStore._new_ids`` gives (the API path costs
  ~2.5 ms per article, which would take 4 minutes); the store's own triggers index them.

The default (internet) sources are seeded by the store and then removed, as a user would, so
no process of the bench can ever refresh them.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
import sys
import time
from pathlib import Path

import corpus
from _common import BENCH_DIR, ROOT

CACHE = BENCH_DIR / ".cache"
PREFILL_SOURCES = 40
PREFILL_PER_SOURCE = 250
EXTRA_SOURCES = 90
EXTRA_PER_SOURCE = 1000
DEAD_BASE = "http://127.0.0.1:9"  # discard port: nothing answers; never fetched anyway


def _fingerprint(extra: list[Path] | None = None) -> str:
    """Of the code that shapes a database: the news code, the generators here, `extra`."""
    h = hashlib.sha1()
    files = [BENCH_DIR / "newsdb.py", BENCH_DIR / "corpus.py", *(extra or [])]
    files += sorted((ROOT / "src/maliradio/news").rglob("*.py"))
    for p in files:
        h.update(str(p.relative_to(ROOT)).encode())
        h.update(p.read_bytes())
    h.update(sqlite3.sqlite_version.encode())
    return h.hexdigest()[:12]


def new_store(path: Path):
    """A store at `path` with the bundled defaults seeded, then removed (they are internet
    sources: they must never be refreshed by the bench). They stay removed for good."""
    from urllib.parse import urlsplit

    from maliradio.news.store import NewsStore

    store = NewsStore(path)
    for s in store.list_sources():
        if not (urlsplit(s.url).hostname or "").startswith("127."):
            store.remove_source(s.id)
    return store


def assert_loopback_only(store, allowed: tuple[str, ...] = ()) -> None:
    from urllib.parse import urlsplit

    for s in store.list_sources():
        if s.enabled and not (urlsplit(s.url).hostname or "").startswith("127."):
            raise RuntimeError(f"bench: source {s.id} is not on loopback: {s.url}")


def _build_10k(path: Path) -> None:
    from maliradio.news import clean
    from maliradio.news.models import PreparedArticle, SourceUpdate

    store = new_store(path)
    rnd = random.Random(10_000)
    now = time.time()
    span = 50 * 86400  # within the default 60-day retention
    for k in range(PREFILL_SOURCES):
        src = store.add_source(
            f"{DEAD_BASE}/prefill-{k}.xml",
            f"Journal {k:02d}",
            country=("ML", "BF", "NE", "INT")[k % 4],
        )
        articles = []
        for i in range(PREFILL_PER_SOURCE):
            title = corpus.title(rnd)
            link = f"https://journal{k}.example/{i}/"
            raw, _images = clean.prepare_html(corpus.article_html(rnd), link, title)
            articles.append(
                PreparedArticle(
                    guid=f"{link}?p={i}",
                    link=link,
                    title=title,
                    author=f"Rédaction {k}",
                    published=now - span * (i + rnd.random()) / PREFILL_PER_SOURCE,
                    raw_html=raw,
                    content_hash=hashlib.sha1(raw.encode()).hexdigest(),
                    paragraphs=clean.paragraph_keys(raw, title),
                )
            )
        store.apply_update(
            SourceUpdate(src.id, articles, etag=None, last_modified=None, http_status=200), now=now
        )
    n = store.count_articles()
    store.close()
    if n != PREFILL_SOURCES * PREFILL_PER_SOURCE:
        raise RuntimeError(f"10k database has {n} live articles")


def _build_100k(path: Path) -> None:
    store = new_store(path)  # opens the existing db (copy of the 10k one)
    rnd = random.Random(100_000)
    pool = [corpus.sentence(rnd) for _ in range(30_000)]
    now = time.time()
    sids = []
    for k in range(EXTRA_SOURCES):
        src = store.add_source(f"{DEAD_BASE}/archive-{k}.xml", f"Archive {k:02d}")
        store.set_retention(src.id, EXTRA_PER_SOURCE, 3650)
        sids.append(src.id)
    from maliradio.news.store import NewsStore

    rows = []
    for k, sid in enumerate(sids):
        for i in range(EXTRA_PER_SOURCE):
            paras = []
            for _ in range(rnd.randint(4, 8)):
                paras.append(" ".join(rnd.choice(pool) for _ in range(rnd.randint(2, 4))))
            html = "".join(f"<p>{p}</p>" for p in paras)
            text = "\n\n".join(paras)
            link = f"https://archive{k}.example/{i}/"
            published = now - 3 * 365 * 86400 * rnd.random()
            rows.append(
                [sid, link, link, corpus.title(rnd), "Rédaction", published, now, now,
                 html, html, text, hashlib.sha1(html.encode()).hexdigest()]
            )  # fmt: skip
    names = ["source_id", "guid", "link", "title", "author", "published", "fetched",
             "last_seen", "raw_html", "html", "text", "content_hash"]  # fmt: skip
    with store.transaction() as c:
        # the columns the schema has now (it changes: `html` went in schema 6)
        have = {r[1] for r in c.execute("PRAGMA table_info(articles)")}
        keep = [i for i, n in enumerate(names) if n in have]
        cols = ["id", "fts_key", *(names[i] for i in keep)]
        sql = f"INSERT INTO articles({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        # the same ids and search keys apply_update gives; the FTS trigger queues each row
        for r in rows:
            aid, key = NewsStore._new_ids(c, r[5])
            c.execute(sql, (aid, key, *(r[i] for i in keep)))
    conn = store._conn()
    n = store.count_articles()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    if n != PREFILL_SOURCES * PREFILL_PER_SOURCE + EXTRA_SOURCES * EXTRA_PER_SOURCE:
        raise RuntimeError(f"100k database has {n} live articles")


def checkpoint(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def databases(log=print) -> dict[str, Path]:
    """Paths of the two ready databases (built now unless cached)."""
    fp = _fingerprint()
    CACHE.mkdir(exist_ok=True)
    db10 = CACHE / f"news-10k-{fp}.sqlite3"
    db100 = CACHE / f"news-100k-{fp}.sqlite3"
    for old in CACHE.glob("news-*"):
        if fp not in old.name:
            old.unlink()
    if not db10.exists():
        t = time.monotonic()
        tmp = db10.with_suffix(".tmp")
        for f in CACHE.glob(tmp.name + "*"):
            f.unlink()
        _build_10k(tmp)
        checkpoint(tmp)
        tmp.replace(db10)
        dt = time.monotonic() - t
        log(f"  built the 10k-article database through NewsStore.apply_update in {dt:.0f} s")
    if not db100.exists():
        t = time.monotonic()
        tmp = db100.with_suffix(".tmp")
        for f in CACHE.glob(tmp.name + "*"):
            f.unlink()
        shutil.copyfile(db10, tmp)
        _build_100k(tmp)
        checkpoint(tmp)
        tmp.replace(db100)
        log(f"  built the 100k-article database in {time.monotonic() - t:.0f} s")
    return {"10k": db10, "100k": db100}


def install(db: Path, home: Path) -> Path:
    """Copy a database into a MALIRADIO_HOME as the app's news database."""
    target = home / "data" / "news.sqlite3"
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(db, target)
    return target


if __name__ == "__main__":
    print(databases())
    sys.exit(0)
