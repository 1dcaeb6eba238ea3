"""The database: survives restarts, reads offline, retention, fast search, recovery from a
damaged file, worker threads, and a refresh killed in the middle of writing."""

from __future__ import annotations

import itertools
import json
import os
import random
import signal
import sqlite3
import statistics
import threading
import time

import pytest
from newsfeeds import make_items, refresh_process, rss20, slow_handler

from maliradio.news import clean
from maliradio.news.fetch import refresh
from maliradio.news.models import PreparedArticle, SourceUpdate
from maliradio.news.store import SCHEMA_VERSION, NewsStore


def test_cache_survives_restart_and_reads_with_the_server_stopped(server, tmp_path, image_dir):
    from newsfeeds import png

    items = make_items(server.base, 4, "Hors")
    items[0].body += '<p><img src="/p.png" alt="photo"></p>'
    server.set("/p.png", png(20, 20), content_type="image/png")
    server.set("/feed", rss20(items))
    db = tmp_path / "news.sqlite3"
    first = NewsStore(db, defaults=[])
    first.add_source(server.url("/feed"), "Hors ligne FM", country="ML")
    refresh(first, image_dir=image_dir, fetch_full_articles=False)
    first.set_starred(first.list_articles()[0].id)
    first.close()
    server.stop()

    again = NewsStore(db, defaults=[])
    arts = again.list_articles()
    assert [a.title for a in arts] == ["Hors 4", "Hors 3", "Hors 2", "Hors 1"]
    assert arts[0].starred and arts[0].source_name == "Hors ligne FM"
    one = again.get_article(arts[-1].id)
    assert "Nouvelle 1" in one.text
    names = clean.cache_names(one.html)
    assert names and (image_dir / names[0]).exists()  # the picture is on disk
    assert len(again.list_articles(country="ML", search="saison")) == 4
    report = refresh(again, image_dir=image_dir, connect_timeout=2)
    assert report.offline and again.count_articles() == 4
    again.close()


def test_fresh_database_settings(store):
    conn = store._conn()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.recovery_notice() is None


def test_bundled_sources_are_offered_once(tmp_path):
    defaults = [
        {"id": "un", "name": "Un", "country": "ML", "feed_url": "http://127.0.0.1:9/un"},
        {"id": "deux", "name": "Deux", "country": "BF", "feed_url": "http://127.0.0.1:9/deux"},
    ]
    s = NewsStore(tmp_path / "n.db", defaults=defaults)
    assert [x.id for x in s.list_sources()] == ["un", "deux"]
    s.remove_source("un")
    s.close()
    defaults.append({"id": "trois", "name": "Trois", "feed_url": "http://127.0.0.1:9/3"})
    s = NewsStore(tmp_path / "n.db", defaults=defaults)
    assert [x.id for x in s.list_sources()] == ["deux", "trois"]  # removed stays removed
    s.close()


def test_real_feeds_json_is_valid():
    from maliradio.news.store import load_default_sources

    sources = load_default_sources()
    assert len(sources) >= 20
    assert len({s["id"] for s in sources}) == len(sources)
    for s in sources:
        assert s["country"] in ("ML", "BF", "NE", "INT")
        assert s["feed_url"].startswith("https://") and s["site_url"].startswith("https://")
        assert s["name"] and s["language"] == "fr"


@pytest.mark.parametrize("damage", ["garbage", "too-new"])
def test_unreadable_database_is_moved_aside(tmp_path, damage, caplog):
    db = tmp_path / "news.sqlite3"
    if damage == "garbage":
        db.write_bytes(b"ceci n'est pas une base SQLite" * 100)
    else:
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE t(x)")
        conn.execute("PRAGMA user_version = 99")
        conn.commit()
        conn.close()
    caplog.set_level("WARNING", logger="maliradio.db")
    s = NewsStore(db, defaults=[])
    assert s.list_sources() == []  # a fresh, usable database
    notice = s.recovery_notice()
    assert notice and "mise de côté" in notice
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("news.sqlite3.illisible-")]
    assert len(aside) == 1
    assert aside[0].name in notice
    assert any("mise de côté" in r.getMessage() for r in caplog.records)
    s.clear_recovery_notice()
    assert s.recovery_notice() is None
    s.close()


def test_retention_keeps_starred_and_what_the_feed_still_lists(server, store, image_dir):
    server.set("/feed", rss20(make_items(server.base, 6, "Vieux")))
    store.add_source(server.url("/feed"), "ret")
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    oldest = store.list_articles()[-1]
    store.set_starred(oldest.id)
    store.set_retention("ret", keep_count=3, keep_days=365)
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    assert store.count_articles() == 6  # all still in the feed: nothing pruned

    server.set("/feed", rss20(make_items(server.base, 2, "Neuf", start=20)))
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    titles = [a.title for a in store.list_articles()]
    assert titles == ["Neuf 21", "Neuf 20", "Vieux 6", "Vieux 1"]  # 3 newest + the starred one
    # the expired ones do not come back when the feed lists them again
    server.set("/feed", rss20(make_items(server.base, 6, "Vieux")))
    r = refresh(store, image_dir=image_dir, fetch_full_articles=False).results[0]
    assert r.new == 0


def test_a_feed_answering_not_modified_keeps_its_old_articles_and_tombstones(
    server, store, image_dir
):
    """A 304 means the feed still lists what it listed: its articles, however old, are not
    expired, and an article the user deleted stays deleted for as long as it is listed."""
    from maliradio.news.models import SourceUpdate

    items = make_items(server.base, 5, "Ancien")
    for it in items:
        it.ts = time.time() - 400 * 86400  # older than any retention
    server.set("/feed", rss20(items), etag='"v1"')
    src = store.add_source(server.url("/feed"), "lent")
    store.set_retention(src.id, keep_count=3, keep_days=30)
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    assert store.count_articles() == 5  # all listed by the feed: kept
    gone = store.list_articles()[0]
    assert store.delete_article(gone.id)
    r = refresh(store, image_dir=image_dir, fetch_full_articles=False).results[0]
    assert r.status == "not-modified" and server.hits("/feed") == 2
    assert store.count_articles() == 4  # nothing expired on a 304
    # two months of 304s later, the deleted one is still remembered
    later = time.time() + 60 * 86400
    conn = store._conn()
    before = conn.total_changes
    store.apply_update(SourceUpdate(src.id, [], '"v1"', None, 304, not_modified=True), now=later)
    assert conn.total_changes - before == 1  # the source's state only: no article rewritten
    assert store.count_articles() == 4
    server.set("/feed", rss20(items), etag='"v2"')  # the feed changes, still listing them
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    assert gone.title not in {a.title for a in store.list_articles()}
    assert store.count_articles() == 4


def test_read_star_and_unread_counts(server, store, image_dir):
    server.set("/a", rss20(make_items(server.base, 3, "A")))
    server.set("/b", rss20(make_items(server.base, 2, "B")))
    store.add_source(server.url("/a"), "a", country="ML")
    store.add_source(server.url("/b"), "b", country="NE")
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    assert store.unread_counts() == {"a": 3, "b": 2}
    first = store.list_articles(source_ids=["a"])[0]
    store.set_read(first.id)
    store.set_starred(first.id)
    assert store.unread_counts() == {"a": 2, "b": 2}
    assert [a.id for a in store.list_articles(starred_only=True)] == [first.id]
    assert len(store.list_articles(unread_only=True)) == 4
    assert {a.source_id for a in store.list_articles(country="NE")} == {"b"}
    store.mark_all_read("b")
    assert store.unread_counts() == {"a": 2}


def test_store_is_used_from_many_threads(server, store, image_dir):
    server.set("/feed", rss20(make_items(server.base, 20, "Fil")))
    store.add_source(server.url("/feed"), "fil")
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader():
        try:
            while not stop.is_set():
                store.list_articles(limit=50)
                store.unread_counts()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    ids = [a.id for a in store.list_articles()]
    marker = threading.Thread(target=lambda: store.set_read(ids[:10]))
    marker.start()
    marker.join()
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    assert store.unread_counts() == {"fil": 10}


WORDS = (
    "bamako niamey ouagadougou mali burkina niger sahel pluie saison récolte marché élection "
    "président ministre gouvernement sécurité armée école santé hôpital route fleuve coton "
    "or mine prix riz mil sorgho éleveurs commerçants jeunes femmes football musique radio "
    "conseil accord sommet frontière transport énergie électricité eau forage village région"
).split()


def _fill(store, n):
    """n articles straight into SQLite, the search index built in one statement (as fast as a
    bulk import can be; the triggers stay the same for normal updates)."""
    rnd = random.Random(7)
    vocab = WORDS + [f"terme{i}x" for i in range(3000)]
    # each common word is in about 1 article in 12, like "Bamako" in a Malian news corpus
    weights = [0.05] * len(WORDS) + [1 / (i + 1) for i in range(3000)]
    cum = list(itertools.accumulate(weights))
    for i in range(20):
        store.add_source(f"http://127.0.0.1:9/{i}", f"Source {i}", country="ML")
    conn = store._conn()
    trigger = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'articles_fts_ai'"
    ).fetchone()[0]
    # 4000 random half-texts; each article joins two of them (cheap to make, varied enough)
    halves = [" ".join(rnd.choices(vocab, cum_weights=cum, k=12)) for _ in range(4000)]
    now = time.time()
    with store.transaction() as c:
        c.execute("DROP TRIGGER articles_fts_ai")
        rows = []
        for k in range(1, n + 1):
            text = halves[rnd.randrange(4000)] + " " + halves[rnd.randrange(4000)]
            pub = int(now - rnd.random() * 86400 * 50)
            rows.append(
                (k, (pub << 20) | k, f"source-{k % 20}", f"g{k}", text[:60], pub, now, now, text)
            )
        c.executemany(
            "INSERT INTO articles(id, fts_key, source_id, guid, title, published, fetched,"
            " last_seen, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        c.execute(
            "INSERT INTO articles_fts(rowid, title, text) SELECT fts_key, title, text FROM articles"
        )
        c.execute(trigger)


def test_search_100k_articles_fast(store):
    _fill(store, 100_000)
    assert store.count_articles() == 100_000
    for word in ("bamako", "élection", "pluie", "sécurité marché", "terme500x"):
        store.list_articles(search=word, limit=50)  # warm
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            found = store.list_articles(search=word, limit=50)
            times.append(time.perf_counter() - t0)
        assert found, word
        published = [a.published for a in found]
        assert published == sorted(published, reverse=True)  # newest first
        assert statistics.median(times) < 0.010, (word, times)
    # accents and case do not matter
    assert store.list_articles(search="ELECTION", limit=5)
    t0 = time.perf_counter()
    page = store.list_articles(limit=200)
    assert len(page) == 200 and time.perf_counter() - t0 < 0.05
    # an article inserted the normal way is found too
    store._conn().execute("UPDATE articles SET title = 'Inondations à Mopti' WHERE id = 5")
    assert [a.id for a in store.list_articles(search="mopti")] == [5]


def test_a_search_for_joined_or_quoted_words_finds_each_word(store):
    """The index holds no places of words: each word of a search must be one word for it."""
    src = store.add_source("http://127.0.0.1:9/f", "f")
    texts = ["L'état du réseau_Orange à Gao", "Le réseau Orange de l'État", "Orange à Gao"]
    arts = [
        PreparedArticle(
            guid=f"g{i}",
            link=f"http://127.0.0.1:9/{i}",
            title=t,
            author="",
            published=time.time() - i,
            raw_html=f"<p>{t}</p>",
            content_hash=str(i),
            text=t,
        )  # fmt: skip
        for i, t in enumerate(texts)
    ]
    store.apply_update(SourceUpdate(src.id, arts, None, None, 200))
    titles = [a.title for a in store.list_articles(search="réseau_orange")]
    assert titles == texts[:2]
    assert [a.title for a in store.list_articles(search='"l\'état"')] == texts[:2]
    assert store.count_articles(search="e\u0301tat") == 2  # an accent typed apart


def test_killed_during_refresh_leaves_a_sound_database(server, tmp_path):
    home = tmp_path / "home"
    db = home / "data" / "news.sqlite3"
    server.set("/first", rss20(make_items(server.base, 5, "Avant")))
    store = NewsStore(db)  # the bundled (internet) sources are offered, then removed for good
    for s in store.list_sources():
        store.remove_source(s.id)
    store.add_source(server.url("/first"), "first")
    refresh(store, image_dir=tmp_path / "img", fetch_full_articles=False)
    assert store.count_articles() == 5
    long_body = lambda i: "<p>" + ("Un long texte d'article sur le Sahel. " * 40) + f"{i}</p>"  # noqa: E731
    for i in range(12):
        body = rss20(make_items(server.base, 60, f"Lot{i}", body=long_body)).encode()
        server.set(f"/slow{i}", handler=slow_handler(server, body, 0.15 * (i + 1)))
        store.add_source(server.url(f"/slow{i}"), f"slow{i}")
    store.close()

    proc = refresh_process(home, text=True)
    lines = []
    try:
        while True:  # wait until the refresh has stored a slow source, then kill it
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(json.loads(line))
            if lines[-1]["source"].startswith("slow") and lines[-1]["new"] == 60:
                break
        # the next feed is on its way: kill while it is being parsed and written
        nxt = f"/slow{int(lines[-1]['source'][4:]) + 1}"
        assert server.sent.setdefault(nxt, threading.Event()).wait(10)
        time.sleep(0.25)  # not a synchronisation: aims the kill at that source's write
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    assert all(x["source"] == "first" or x["source"].startswith("slow") for x in lines)
    assert len(lines) < 13  # it was killed before the end

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    after = NewsStore(db, defaults=[])
    assert after.recovery_notice() is None
    titles = {a.title for a in after.list_articles(source_ids=["first"])}
    assert titles == {f"Avant {i}" for i in range(1, 6)}
    for sid in {r["source"] for r in lines if r["source"].startswith("slow")}:
        assert after.count_articles(source_ids=[sid]) == 60  # stored whole, or not at all
    counts = after.article_counts()
    assert all(n in (0, 60) for k, n in counts.items() if k.startswith("slow"))
    # the search index: what the killed refresh stored is found once the next refresh ends
    stored = sorted(k for k, n in counts.items() if k.startswith("slow") and n == 60)
    assert stored
    word = f"lot{stored[0][4:]}"
    refresh(after, ["first"], image_dir=tmp_path / "img", fetch_full_articles=False)
    assert after.count_articles(search=word) == 60
    assert _search_index_sound(after)
    after.close()


def _search_index_sound(store) -> bool:
    conn = store._conn()
    conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
    return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_refresh_indexes_its_new_articles_together_at_its_end(store):
    """Listed at once, found by a search once the refresh ends; deleting or changing an
    article meanwhile leaves a sound index."""
    from maliradio.news.models import PreparedArticle, SourceUpdate

    src = store.add_source("http://127.0.0.1:9/feed", "lot")

    def art(i, text):
        return PreparedArticle(
            guid=f"g{i}", link=f"http://127.0.0.1:9/{i}", title=f"Article {i}", author="",
            published=time.time() - i, raw_html=f"<p>{text}</p>", content_hash=text,
            text=text,
        )  # fmt: skip

    store.apply_update(SourceUpdate(src.id, [art(0, "Pluie sur Ségou")], None, None, 200))
    assert store.count_articles(search="ségou") == 1  # a lone update is indexed at once
    with store.deferred_search_index():
        batch = [art(0, "Pluie sur Mopti")] + [art(i, f"Pluie {i} sur Kayes") for i in (1, 2, 3)]
        store.apply_update(SourceUpdate(src.id, batch, None, None, 200))
        assert store.count_articles() == 4  # listed at once
        assert store.count_articles(search="kayes") == 0  # not searchable yet
        assert store.count_articles(search="mopti") == 1  # (a changed article is, at once)
        waiting = {a.title: a.id for a in store.list_articles()}
        assert store.delete_article(waiting["Article 3"])
    assert store.count_articles(search="kayes") == 2
    assert store.count_articles(search="ségou") == 0
    assert _search_index_sound(store)
    store.remove_source(src.id)
    assert store.count_articles(search="pluie") == 0
    assert _search_index_sound(store)


def test_image_cache_is_capped_oldest_first_starred_kept(tmp_path):
    from maliradio.news.store import prune_image_cache

    cache = tmp_path / "img"
    cache.mkdir()
    now = time.time()
    for i, name in enumerate(["old.png", "starred.png", "mid.png", "new.png"]):
        p = cache / name
        p.write_bytes(b"x" * 1000)
        os.utime(p, (now - 1000 + i * 100, now - 1000 + i * 100))
    removed = prune_image_cache(cache, 2000, keep={"starred.png"})
    assert removed == 2
    assert sorted(p.name for p in cache.iterdir()) == ["new.png", "starred.png"]


def test_a_batch_keeps_feed_order_ids_and_gets_unique_search_keys(store):
    from maliradio.news.models import PreparedArticle, SourceUpdate

    src = store.add_source("http://127.0.0.1:9/feed", "lot")
    now = time.time()
    arts = [
        PreparedArticle(
            guid=f"g{i}",
            link=f"http://127.0.0.1:9/{i}",
            title=f"Lot {i}",
            author="",
            published=now - 60 * i,
            raw_html=f"<p>Texte {i} du lot.</p>",
            content_hash=str(i),
            paragraphs=[f"k{i}"],
            text=f"Texte {i} du lot.",
        )  # fmt: skip
        for i in range(5)
    ]  # newest first, as feeds list them
    store.apply_update(SourceUpdate(src.id, arts, None, None, 200), now=now)
    conn = store._conn()
    rows = conn.execute("SELECT id, guid, fts_key FROM articles ORDER BY id").fetchall()
    assert [r["guid"] for r in rows] == [f"g{i}" for i in range(5)]  # ids in feed order
    assert len({r["fts_key"] for r in rows}) == 5
    assert [a.title for a in store.list_articles(search="lot")] == [f"Lot {i}" for i in range(5)]
    # a clash with a stored key, or inside the batch, moves the key to a later second
    taken = rows[0]["fts_key"]
    second, aid = taken >> 20, taken & 0xFFFFF
    keys = NewsStore._search_keys(conn, [(aid, second), (aid + 2**20, second + 0.5), (7, second)])
    assert keys == [((second + 1) << 20) | aid, ((second + 2) << 20) | aid, (second << 20) | 7]


def test_a_feed_without_validators_that_comes_back_the_same_rewrites_nothing(
    server, store, image_dir
):
    """A server that sends no ETag nor Last-Modified sends its whole feed each time: when it
    lists the same articles, unchanged, nothing of them is written again; once the listing
    moves, the articles it lists are marked seen again."""
    items = make_items(server.base, 3, "Pareil")
    server.set("/feed", rss20(items))  # no validators
    store.add_source(server.url("/feed"), "pareil")
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    conn = store._conn()
    first = dict(conn.execute("SELECT id, last_seen FROM articles"))
    assert len(first) == 3
    r = refresh(store, image_dir=image_dir, fetch_full_articles=False).results[0]
    assert r.status == "updated" and r.new == 0 and server.hits("/feed") == 2
    assert dict(conn.execute("SELECT id, last_seen FROM articles")) == first
    server.set("/feed", rss20(items[:2]))  # one leaves the feed
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    after = dict(conn.execute("SELECT id, last_seen FROM articles"))
    assert sorted(after[i] > first[i] for i in first) == [False, True, True]
    assert store.count_articles() == 3  # (it expires with age or count, as any other)
