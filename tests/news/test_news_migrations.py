"""Schema migrations: a database made by an earlier version opens, searches and refreshes."""

from __future__ import annotations

import sqlite3
import time

from newsfeeds import make_items, rss20

from maliradio.news.fetch import refresh
from maliradio.news.models import PreparedArticle, SourceUpdate
from maliradio.news.store import SCHEMA_VERSION, NewsStore

# The schema of the first news release, still "version 1": no `fts_key`, a full-text index
# keyed by article id (content='articles'). Today's queries found nothing in it.
SCHEMA_V1_FIRST_RELEASE = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE sources(
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    site_url TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'fr',
    enabled INTEGER NOT NULL DEFAULT 1,
    is_default INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0,
    etag TEXT,
    last_modified TEXT,
    status TEXT NOT NULL DEFAULT 'new',
    error TEXT NOT NULL DEFAULT '',
    warning TEXT NOT NULL DEFAULT '',
    http_status INTEGER,
    last_fetch REAL,
    last_success REAL,
    error_count INTEGER NOT NULL DEFAULT 0,
    retry_after_until REAL,
    backoff_until REAL,
    keep_count INTEGER NOT NULL DEFAULT 300,
    keep_days INTEGER NOT NULL DEFAULT 60,
    boilerplate TEXT NOT NULL DEFAULT ''
);
CREATE TABLE articles(
    id INTEGER PRIMARY KEY,
    source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    guid TEXT,
    link TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    published REAL NOT NULL,
    fetched REAL NOT NULL,
    last_seen REAL NOT NULL,
    raw_html TEXT NOT NULL DEFAULT '',
    html TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL DEFAULT '',
    full_fetched INTEGER NOT NULL DEFAULT 0,
    is_read INTEGER NOT NULL DEFAULT 0,
    is_starred INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0  -- 0 live, 1 deleted by the user, 2 expired
);
CREATE INDEX articles_guid ON articles(source_id, guid) WHERE guid IS NOT NULL;
CREATE INDEX articles_link ON articles(source_id, link);
CREATE INDEX articles_newest ON articles(deleted, published DESC);
CREATE INDEX articles_source_newest ON articles(source_id, deleted, published DESC);
CREATE INDEX articles_starred ON articles(is_starred) WHERE is_starred = 1;
CREATE TABLE paragraphs(
    source_id TEXT NOT NULL,
    key TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY(source_id, key, article_id)
) WITHOUT ROWID;
CREATE INDEX paragraphs_article ON paragraphs(article_id);
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
"""


def _first_release_database(path, n=30):
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_V1_FIRST_RELEASE)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO sources(id, name, url, country) VALUES ('ancien', 'Ancien journal',"
        " 'http://127.0.0.1:9/ancien', 'ML')"
    )
    now = time.time()
    for i in range(n):
        title = f"Ancien article {i} sur Tombouctou" if i % 2 else f"Ancien article {i}"
        text = f"Le marché de Ségou numéro {i} rouvre. Les pluies arrivent."
        conn.execute(
            "INSERT INTO articles(source_id, guid, link, title, published, fetched, last_seen,"
            " raw_html, html, text, content_hash, is_read) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            ("ancien", f"g{i}", f"http://127.0.0.1:9/a/{i}", title, now - 3600 * (n - i), now,
             now, f"<p>{text}</p>", f"<p>{text}</p>", text, str(i), i % 3 == 0),
        )  # fmt: skip
        conn.execute(
            "INSERT INTO paragraphs(source_id, key, article_id) VALUES ('ancien', ?, ?)",
            (f"k{i}", i + 1),
        )
    conn.commit()
    # the old index does answer with the old queries
    assert (
        conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'tombouctou'"
        ).fetchone()[0]
        == n // 2
    )
    conn.close()


def test_a_first_release_database_is_brought_up_and_searches(tmp_path, server, image_dir):
    db = tmp_path / "news.sqlite3"
    _first_release_database(db)
    store = NewsStore(db, defaults=[])
    conn = store._conn()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    assert store.recovery_notice() is None  # migrated, not replaced
    assert store.count_articles() == 30

    found = store.list_articles(search="tombouctou")
    assert [a.title for a in found] == [
        f"Ancien article {i} sur Tombouctou" for i in range(29, 0, -2)
    ]
    assert store.count_articles(search="segou pluie") == 30  # accents, prefix
    assert (
        store.list_articles(search="Ségou", limit=3)[0].title == "Ancien article 29 sur Tombouctou"
    )
    assert store.unread_counts() == {"ancien": 20}
    keys = [r[0] for r in conn.execute("SELECT fts_key FROM articles")]
    assert len(set(keys)) == 30 and 0 not in keys

    # it keeps working: new articles, a deletion, a refresh
    assert store.delete_article(found[0].id)
    assert store.count_articles(search="tombouctou") == 14
    server.set("/feed", rss20(make_items(server.base, 3, "Nouveau")))
    store.add_source(server.url("/feed"), "neuf")
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    assert store.count_articles(search="nouveau") == 3
    assert store.count_articles(search="bamako") == 3
    # an article of that version opens with the reading form it stored; a new one is stored
    # once, and its reading form made when it is opened
    old = store.get_article(found[1].id)
    assert old.html == f"<p>{old.text}</p>" and "Ségou" in old.text
    new = store.get_article(store.list_articles(search="nouveau")[0].id)
    assert new.html.startswith("<p>") and new.text and new.text.split()[0] in new.html
    assert conn.execute("SELECT html FROM articles WHERE id = ?", (new.id,)).fetchone()[0] == ""
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    _assert_search_index_sound(conn)
    store.close()

    again = NewsStore(db, defaults=[])  # nothing more to do on the next start
    assert again.count_articles(search="tombouctou") == 14
    again.close()


def _assert_search_index_sound(conn: sqlite3.Connection) -> None:
    """FTS5's own check of the search index against what it was given (raises if damaged)."""
    assert (
        conn.execute(
            "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)"
        ).rowcount
        != 0
    )


def _article(i: int, title: str, text: str, apart: float = 1.0) -> PreparedArticle:
    """An article as a refresh hands it to the store, `apart` seconds older than the one
    before it (no paragraph keys)."""
    return PreparedArticle(
        guid=f"g{i}", link=f"http://127.0.0.1:9/{i}", title=title, author="",
        published=time.time() - apart * i, raw_html=f"<p>{text}</p>", content_hash=str(i),
        text=text,
    )  # fmt: skip


def test_a_recent_version_1_database_only_changes_version(tmp_path):
    db = tmp_path / "news.sqlite3"
    store = NewsStore(db, defaults=[])
    src = store.add_source("http://127.0.0.1:9/f", "f")
    arts = [_article(i, f"Pluie {i}", f"Pluie {i}.") for i in range(3)]
    store.apply_update(SourceUpdate(src.id, arts, None, None, 200))
    conn = store._conn()
    keys = sorted(r[0] for r in conn.execute("SELECT fts_key FROM articles"))
    conn.execute("PRAGMA user_version = 1")  # as the version before this one left it
    store.close()

    store = NewsStore(db, defaults=[])
    conn = store._conn()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert sorted(r[0] for r in conn.execute("SELECT fts_key FROM articles")) == keys
    assert [a.title for a in store.list_articles(search="pluie")] == [
        "Pluie 0",
        "Pluie 1",
        "Pluie 2",
    ]
    store.close()


# The search index of versions 1 to 4: with the places of the words (detail=full).
FTS_V4 = (
    "CREATE VIRTUAL TABLE articles_fts USING fts5("
    "title, text, content='', tokenize='unicode61 remove_diacritics 2')"
)


def test_a_version_4_database_gets_the_smaller_search_index_and_finds_the_same(tmp_path):
    db = tmp_path / "news.sqlite3"
    store = NewsStore(db, defaults=[])
    src = store.add_source("http://127.0.0.1:9/f", "f")
    arts = [_article(i, f"Pluie {i} à Ségou", f"Les cultures de Kayes, {i}.", 60) for i in range(4)]
    store.apply_update(SourceUpdate(src.id, arts, None, None, 200))
    conn = store._conn()
    ids = {r[1]: r[0] for r in conn.execute("SELECT id, guid FROM articles")}
    # as version 4 left it: the index with the places of the words, one article still
    # waiting to be indexed (the refresh storing it was killed)
    conn.execute("DROP TABLE articles_fts")
    conn.execute(FTS_V4)
    conn.execute(
        "INSERT INTO articles_fts(rowid, title, text) SELECT fts_key, title, text FROM articles"
        " WHERE guid != 'g3' ORDER BY fts_key"
    )
    conn.execute("INSERT INTO fts_pending(article_id) VALUES (?)", (ids["g3"],))
    conn.execute("PRAGMA user_version = 4")
    store.close()

    store = NewsStore(db, defaults=[])
    conn = store._conn()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()[0]
    assert "detail=column" in sql
    assert [a.title for a in store.list_articles(search="segou kayes")] == [
        f"Pluie {i} à Ségou" for i in range(3)
    ]  # the one waiting is not in the index yet, and is not put in twice
    assert store.delete_article(ids["g1"])  # taken out of the new index
    assert store.index_pending() == 1
    assert [a.title for a in store.list_articles(search="Cultures")] == [
        "Pluie 0 à Ségou",
        "Pluie 2 à Ségou",
        "Pluie 3 à Ségou",
    ]
    assert store.count_articles(search="Pluie 1") == 0
    _assert_search_index_sound(conn)
    store.close()


def test_a_version_5_database_keeps_finding_the_lines_its_source_repeats(tmp_path):
    """Version 6 keeps each article's paragraph keys in its row: those a version 5 database
    kept in a table of their own come along, so the source's repeated lines stay known."""
    from maliradio.news import clean

    shared = "Suivez-nous sur nos réseaux sociaux pour ne rien manquer de l'actualité."

    def article(i):
        title = f"Marché {i}"
        body = f"<p>Le marché numéro {i} de Ségou a rouvert.</p><p>{shared}</p>"
        raw, _images = clean.prepare_html(body, f"http://127.0.0.1:9/{i}", title)
        keys, text = clean.analyze(raw, title)
        return PreparedArticle(
            guid=f"g{i}", link=f"http://127.0.0.1:9/{i}", title=title, author="",
            published=time.time() - 600 + i, raw_html=raw, content_hash=str(i),
            paragraphs=keys, text=text,
        )  # fmt: skip

    db = tmp_path / "news.sqlite3"
    store = NewsStore(db, defaults=[])
    src = store.add_source("http://127.0.0.1:9/f", "f")
    store.apply_update(SourceUpdate(src.id, [article(i) for i in range(4)], None, None, 200))
    counts = store.paragraph_counts(src.id)
    assert counts[0] == 4 and sorted(counts[1].values()) == [1, 1, 1, 1, 4]
    boilerplate = store._conn().execute("SELECT boilerplate FROM sources").fetchone()[0]
    assert boilerplate  # the shared line
    conn = store._conn()
    # as version 5 kept them: a table of keys, none in the rows
    conn.execute(
        "CREATE TABLE paragraphs(source_id TEXT NOT NULL, key TEXT NOT NULL,"
        " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
        " PRIMARY KEY(source_id, key, article_id)) WITHOUT ROWID"
    )
    conn.execute("CREATE INDEX paragraphs_article ON paragraphs(article_id)")
    for aid, sid, keys in conn.execute("SELECT id, source_id, keys FROM articles").fetchall():
        for k in keys.split():
            conn.execute("INSERT INTO paragraphs VALUES (?, ?, ?)", (sid, k, aid))
    conn.execute("ALTER TABLE articles DROP COLUMN keys")
    conn.execute("PRAGMA user_version = 5")
    store.close()

    store = NewsStore(db, defaults=[])
    conn = store._conn()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'paragraphs'").fetchone() is None
    assert store.paragraph_counts(src.id) == counts
    # a new article with the same line: indexed and shown without it, as the others
    store.apply_update(SourceUpdate(src.id, [article(9)], None, None, 200))
    assert conn.execute("SELECT boilerplate FROM sources").fetchone()[0] == boilerplate
    assert store.count_articles(search="Ségou") == 5
    assert store.count_articles(search="réseaux sociaux") == 0
    new = store.list_articles(search="Marché 9")[0]
    assert "Suivez" not in store.get_article(new.id).html
    store.close()


def test_the_window_and_a_refresh_child_creating_the_database_together(tmp_path):
    """On a first run the window and the refresh child open the new database at the same
    moment: each migration step is applied once, and neither fails."""
    import subprocess
    import sys
    import time

    from maliradio.news.store import SCHEMA_VERSION

    db = tmp_path / "news.sqlite3"
    start = time.time() + 1.5
    code = (
        "import sys, time\n"
        "from maliradio.news.store import NewsStore\n"
        f"time.sleep(max(0, {start} - time.time()))\n"
        "s = NewsStore(sys.argv[1], defaults=[])\n"
        "print(len(s.list_sources()))\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]  # fmt: skip
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err for _out, err in results]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
