"""The news database: sources, their fetch state, articles, full-text index.

One SQLite file (`paths.news_db_file()`), WAL, synchronous=NORMAL, schema version in
PRAGMA user_version with explicit migrations. One transaction per source update.

Connections are per thread: every thread that calls a method gets its own connection, opened
on first use (sqlite3 connections must not be shared between threads). Nothing is opened in
the constructor, so a `NewsStore` can be created on the GUI thread and used from workers.

A database that cannot be opened (not a database, damaged header, or a schema newer than this
version knows) is renamed aside with a timestamp, a fresh one is created, and
`recovery_notice()` tells the UI in plain French.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from maliradio.news import clean
from maliradio.news.models import (
    STATUS_ERROR,
    STATUS_GONE,
    STATUS_NEW,
    STATUS_NOT_MODIFIED,
    STATUS_OK,
    STATUS_WAITING,
    Article,
    ArticleSummary,
    KnownEntry,
    PreparedArticle,
    Source,
    SourceUpdate,
    UpdateStats,
    boilerplate_set,
)

log = logging.getLogger("maliradio.db")

SCHEMA_VERSION = 6

TOMBSTONE_DAYS = 30
SQLITE_CACHE_KIB = -2000  # SQLite's default page cache (negative: KiB)
BACKOFF_BASE = 5 * 60.0
BACKOFF_MAX = 6 * 3600.0


class DatabaseTooNew(sqlite3.DatabaseError):
    pass


_SEARCH_SCHEMA = """
-- Contentless full-text index whose rowid is `fts_key`: matches come out newest first
-- straight from the index, so "ORDER BY rowid DESC LIMIT n" stops after n rows.
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.fts_key, new.title, new.text);
END;
CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.fts_key, old.title, old.text);
END;
CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.fts_key, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.fts_key, new.title, new.text);
END;
"""

_SCHEMA_V1 = """
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
    fts_key INTEGER NOT NULL,  -- search index rowid: published second << 20 | id bits
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
CREATE UNIQUE INDEX articles_fts_key ON articles(fts_key);
CREATE INDEX articles_guid ON articles(source_id, guid) WHERE guid IS NOT NULL;
CREATE INDEX articles_link ON articles(source_id, link);
CREATE INDEX articles_newest ON articles(deleted, published DESC);
CREATE INDEX articles_source_newest ON articles(source_id, deleted, published DESC);
CREATE INDEX articles_unread ON articles(source_id) WHERE is_read = 0 AND deleted = 0;
CREATE INDEX articles_starred ON articles(is_starred) WHERE is_starred = 1;
CREATE TABLE paragraphs(
    source_id TEXT NOT NULL,
    key TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY(source_id, key, article_id)
) WITHOUT ROWID;
CREATE INDEX paragraphs_article ON paragraphs(article_id);
"""


def _search_index_v2(conn: sqlite3.Connection) -> None:
    """Version 1 -> 2. The search index moved to `fts_key` (contentless, newest first) while
    the schema stayed at version 1: a database made before that has no `fts_key`, and an
    index keyed by article id that the queries no longer find anything in. Such a database
    gets the column, a key per article, the index rebuilt. (Version 1 databases made since
    already have all that: nothing to do.)"""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(articles)")}
    if "fts_key" in columns:
        return
    conn.execute("ALTER TABLE articles ADD COLUMN fts_key INTEGER NOT NULL DEFAULT 0")
    used: set[int] = set()
    keys = []
    for aid, published in conn.execute("SELECT id, published FROM articles ORDER BY id"):
        second = max(0, int(published))
        key = (second << 20) | (aid & 0xFFFFF)
        while key in used:  # practically never: same second and ids 2**20 apart
            second += 1
            key = (second << 20) | (aid & 0xFFFFF)
        used.add(key)
        keys.append((key, aid))
    conn.executemany("UPDATE articles SET fts_key = ? WHERE id = ?", keys)
    for trigger in ("articles_fts_ai", "articles_fts_ad", "articles_fts_au"):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.execute("DROP TABLE IF EXISTS articles_fts")
    conn.execute("CREATE UNIQUE INDEX articles_fts_key ON articles(fts_key)")
    conn.execute(
        "CREATE INDEX IF NOT EXISTS articles_unread ON articles(source_id)"
        " WHERE is_read = 0 AND deleted = 0"
    )
    for statement in _statements(_SEARCH_SCHEMA):
        conn.execute(statement)
    conn.execute(  # in key order: the index is written in one go
        "INSERT INTO articles_fts(rowid, title, text)"
        " SELECT fts_key, title, text FROM articles ORDER BY fts_key"
    )


def _statements(script: str) -> list[str]:
    """The statements of a schema script (triggers whole)."""
    out: list[str] = []
    current = ""
    for line in script.splitlines():
        if line.strip().startswith("--") or not line.strip():
            continue
        current += line + "\n"
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    return out


# Version 3: new articles wait in `fts_pending` and are indexed together (`index_pending`),
# at the end of each `apply_update`, or once at the end of a whole refresh. The full-text index
# writes a segment per transaction and merges them as they pile up: 20 sources stored one
# after the other cost about four times the tokenizing itself; one batch in key order costs
# about the tokenizing. A row still waiting is not in the index, so its deletion or update
# must not touch the index (a contentless index would be corrupted by deleting what it never
# had); `index_pending` reads the row as it is then.
_SEARCH_BATCH_V3 = """
CREATE TABLE IF NOT EXISTS fts_pending(article_id INTEGER PRIMARY KEY);
DROP TRIGGER IF EXISTS articles_fts_ai;
DROP TRIGGER IF EXISTS articles_fts_ad;
DROP TRIGGER IF EXISTS articles_fts_au;
CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
    INSERT OR IGNORE INTO fts_pending(article_id) VALUES (new.id);
END;
CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        SELECT 'delete', old.fts_key, old.title, old.text
        WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE article_id = old.id);
    DELETE FROM fts_pending WHERE article_id = old.id;
END;
CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles
    WHEN NOT EXISTS (SELECT 1 FROM fts_pending WHERE article_id = old.id) BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.fts_key, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.fts_key, new.title, new.text);
END;
"""


# Version 4: `listed_at`, when the source's feed last came whole (not a 304). The articles it
# lists have `last_seen >= listed_at`; a 304 means it still lists them, and no longer writes
# `last_seen` again on each of them (an automatic refresh of 20 unchanged sources of 200
# articles rewrote 4,000 rows, ~12 MB of database log). Until now each 304 moved `last_seen`
# to `last_success`, so that is where `listed_at` starts.
def _listed_at_v4(conn: sqlite3.Connection) -> None:
    if "listed_at" not in {r[1] for r in conn.execute("PRAGMA table_info(sources)")}:
        conn.execute("ALTER TABLE sources ADD COLUMN listed_at REAL")
        conn.execute("UPDATE sources SET listed_at = last_success")


# Version 5: the search index keeps, for each word, the articles and the column it is in, no
# longer its places in the text (detail=column). A search asks for words, never for a phrase
# (`fts_query`), so nothing is lost; indexing the 600 articles of a refresh took ~67 ms of
# CPU, ~36 ms now (words in, then the index written when committed), and the index is 40 %
# smaller (6,000 bench articles: 7.6 -> 4.5 MB). The index is made again from the stored
# texts, in key order.
_SEARCH_INDEX_V5 = (
    "CREATE VIRTUAL TABLE articles_fts USING fts5("
    "title, text, content='', tokenize='unicode61 remove_diacritics 2', detail=column)"
)


def _search_detail_v5(conn: sqlite3.Connection) -> None:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()
    if row is not None and "detail=column" in row[0]:
        return
    conn.execute("DROP TABLE IF EXISTS articles_fts")
    conn.execute(_SEARCH_INDEX_V5)
    conn.execute(  # what the index had: every row but those still waiting for it
        "INSERT INTO articles_fts(rowid, title, text) SELECT fts_key, title, text FROM articles"
        " WHERE id NOT IN (SELECT article_id FROM fts_pending) ORDER BY fts_key"
    )


# Version 6: an article's paragraph keys live in its own row (`keys`, space-separated) instead of
# a table of their own with an index on it: storing the 600 articles of a first refresh wrote
# ~5,000 rows into two B-trees (~19 ms of the refresh's database time), and the counts a
# source's repeated paragraphs are found by are read from its articles' rows as quickly.
def _keys_column_v6(conn: sqlite3.Connection) -> None:
    if "keys" not in {r[1] for r in conn.execute("PRAGMA table_info(articles)")}:
        conn.execute("ALTER TABLE articles ADD COLUMN keys TEXT NOT NULL DEFAULT ''")
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'paragraphs'").fetchone():
        conn.execute(
            "UPDATE articles SET keys = (SELECT group_concat(key, ' ') FROM paragraphs p"
            " WHERE p.article_id = articles.id)"
            " WHERE id IN (SELECT article_id FROM paragraphs)"
        )
        conn.execute("DROP TABLE paragraphs")


def _execute_script(conn: sqlite3.Connection, script: str) -> None:
    """The statements of `script` one by one, inside the open transaction (`executescript`
    would commit it first)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        conn.execute(statement)


# MIGRATIONS[n] brings a database from user_version n to n + 1: an SQL script, or a function
# that runs inside the migration's transaction.
MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
    _SCHEMA_V1 + _SEARCH_SCHEMA,
    _search_index_v2,
    _SEARCH_BATCH_V3,
    _listed_at_v4,
    _search_detail_v5,
    _keys_column_v6,
]
assert len(MIGRATIONS) == SCHEMA_VERSION


def _unreadable(exc: sqlite3.DatabaseError) -> bool:
    """Damage that will not go away by retrying (unlike 'database is locked')."""
    if isinstance(exc, DatabaseTooNew):
        return True
    name = getattr(exc, "sqlite_errorname", "")
    if name:
        return name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))
    return not isinstance(exc, sqlite3.OperationalError)


def load_default_sources(path: Path | None = None) -> list[dict[str, Any]]:
    """The bundled sources (resources/feeds.json). A broken file gives none, with a warning."""
    from maliradio import paths

    path = path or paths.resource("feeds.json")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        items = raw["sources"] if isinstance(raw, dict) else raw
        out = []
        for item in items:
            if isinstance(item, dict) and item.get("id") and item.get("feed_url"):
                out.append(item)
        return out
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logging.getLogger("maliradio.news").warning(
            "Liste des sources par défaut illisible (%s) : %s", path, exc
        )
        return []


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:40] or "source"


_QUERY_WORD = re.compile(r"[^\W_\u19b0-\u19c0\u19c8\u19c9\u1cf2\u1cf3]+")


def fts_query(text: str) -> str | None:
    """User words -> an FTS5 query: every word must appear; the last one may be a prefix.

    Each word is one token for the index's tokenizer (the index holds no places, so a phrase
    of two tokens would be refused): letters and digits, not "_" nor the few letters Unicode
    6.1 (the tokenizer's tables) did not count as such."""
    words = _QUERY_WORD.findall(unicodedata.normalize("NFC", text or ""))
    if not words:
        return None
    parts = [f'"{w}"' for w in words]
    if len(words[-1]) >= 4 and not text.rstrip('"').endswith((" ", "\t")):
        parts[-1] += "*"  # "pluie" also finds "pluies"; short stems would match too much
    return " ".join(parts)


_FIND_AGAIN: Any = object()  # `_plan_update`: look the row up again at the article's turn


_INSERT_ARTICLE = (
    "INSERT INTO articles(id, fts_key, source_id, guid, link, title, author, published, fetched,"
    " last_seen, raw_html, text, content_hash, full_fetched, keys)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _keys(a: PreparedArticle) -> str:
    """How an article's paragraph keys are stored (`articles.keys`)."""
    return " ".join(dict.fromkeys(a.paragraphs))


def _reading_text(a: PreparedArticle, boilerplate: set[str]) -> str:
    """The text an incoming article is indexed with: the one the fetch worked out when it was
    cleaned with the same boilerplate (as far as this article goes)."""
    assert a.raw_html is not None
    if a.reading_text is not None and a.reading_boilerplate == boilerplate.intersection(
        a.paragraphs
    ):
        return a.reading_text
    return clean.reading_text(a.raw_html, a.text, a.paragraphs, boilerplate, a.title)


class NewsStore:
    def __init__(
        self,
        path: Path | None = None,
        defaults: list[dict[str, Any]] | None = None,
    ) -> None:
        """`defaults`: the sources to offer on first use (None = resources/feeds.json)."""
        self._path = Path(path) if path is not None else None
        self._defaults = defaults
        self._local = threading.local()
        self._lock = threading.Lock()
        self._ready = False
        self._all_conns: list[sqlite3.Connection] = []
        self._recovery: str | None = None
        self._index_deferred = 0  # > 0: inside `deferred_search_index`

    @property
    def path(self) -> Path:
        """The database file (resolved on first use: no disk access in the constructor)."""
        if self._path is None:
            from maliradio import paths

            self._path = paths.news_db_file()
        return self._path

    # --- connections ----------------------------------------------------------------------

    def _raw_connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            str(self.path), timeout=15.0, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 15000")
        # Turning a new database to WAL takes a lock that SQLite does not wait for: another
        # process opening it at the same moment (the window and the refresh child on a first
        # run) gets "database is locked" at once. Waited for here.
        deadline = time.monotonic() + 15
        while True:
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    conn.close()
                    raise
                time.sleep(0.05)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        self._ensure_ready()
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._raw_connect()
            self._local.conn = conn
            with self._lock:
                self._all_conns.append(conn)
        return conn

    def _ensure_ready(self) -> None:
        with self._lock:
            if self._ready:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn: sqlite3.Connection | None = None
            try:
                conn = self._raw_connect()
                self._migrate(conn)
            except sqlite3.DatabaseError as exc:
                if conn is not None:
                    conn.close()
                if not _unreadable(exc):
                    raise
                moved = self._move_aside()
                if isinstance(exc, DatabaseTooNew):
                    why = "elle vient d'une version plus récente de maliradio"
                else:
                    why = f"elle est illisible ({exc})"
                self._recovery = (
                    "La base des actualités n'a pas pu être ouverte : "
                    f"{why}. Elle a été mise de côté ({moved.name}) "
                    "et une nouvelle base a été créée ; les articles seront téléchargés à nouveau."
                )
                log.warning("%s", self._recovery)
                conn = self._raw_connect()
                self._migrate(conn)
                conn.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('recovery', ?)",
                    (self._recovery,),
                )
            self._seed_defaults(conn)
            self._local.conn = conn
            self._all_conns.append(conn)
            self._ready = True

    def _move_aside(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.illisible-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.name}.illisible-{stamp}-{n}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                src.replace(Path(str(target) + suffix))
        return target

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Bring the schema up to date, one version per transaction. The version is read inside
        the transaction: the window and a refresh child starting together never both apply
        the same step."""
        while True:
            conn.execute("BEGIN IMMEDIATE")
            try:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the schema
                if version > SCHEMA_VERSION:
                    raise DatabaseTooNew(f"version de schéma {version} > {SCHEMA_VERSION}")
                if version == SCHEMA_VERSION:
                    conn.execute("COMMIT")
                    return
                step = MIGRATIONS[version]
                if isinstance(step, str):
                    _execute_script(conn, step)
                else:
                    step(conn)
                conn.execute(f"PRAGMA user_version = {version + 1}")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            log.info("Base des actualités migrée vers la version %d", version + 1)

    def _seed_defaults(self, conn: sqlite3.Connection) -> None:
        """Offer each bundled source once: a default the user removed does not come back,
        a default added in a later version appears."""
        defaults = self._defaults if self._defaults is not None else load_default_sources()
        if not defaults:
            return
        row = conn.execute("SELECT value FROM meta WHERE key = 'seeded_defaults'").fetchone()
        seeded = set(json.loads(row[0])) if row else set()
        fresh = [d for d in defaults if d["id"] not in seeded]
        if not fresh:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            pos = conn.execute("SELECT coalesce(max(position), 0) FROM sources").fetchone()[0]
            for d in fresh:
                pos += 1
                conn.execute(
                    "INSERT OR IGNORE INTO sources(id, name, url, site_url, country, language,"
                    " is_default, position) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                    (
                        d["id"],
                        d.get("name") or d["id"],
                        d["feed_url"],
                        d.get("site_url", ""),
                        d.get("country", ""),
                        d.get("language", "fr"),
                        pos,
                    ),
                )
                seeded.add(d["id"])
            conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('seeded_defaults', ?)",
                (json.dumps(sorted(seeded)),),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error). Nested uses join the outer one."""
        conn = self._conn()
        depth = getattr(self._local, "depth", 0)
        if depth:
            self._local.depth = depth + 1
            try:
                yield conn
            finally:
                self._local.depth = depth
            return
        conn.execute("BEGIN IMMEDIATE")
        self._local.depth = 1
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:  # (some errors, e.g. a full disk, end it themselves)
                conn.execute("ROLLBACK")
            raise
        else:
            try:
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # else the next BEGIN would fail
                    conn.execute("ROLLBACK")
                raise
        finally:
            self._local.depth = 0

    def close(self) -> None:
        """Close every connection this store opened (call when no other thread uses it)."""
        with self._lock:
            for conn in self._all_conns:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._all_conns.clear()
            self._local = threading.local()

    def recovery_notice(self) -> str | None:
        """A message for the user when the database had to be replaced (kept until cleared)."""
        row = self._conn().execute("SELECT value FROM meta WHERE key = 'recovery'").fetchone()
        return row[0] if row else None

    def clear_recovery_notice(self) -> None:
        self._conn().execute("DELETE FROM meta WHERE key = 'recovery'")

    def get_meta(self, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        conn = self._conn()
        if value is None:
            conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # --- sources --------------------------------------------------------------------------

    @staticmethod
    def _source(row: sqlite3.Row) -> Source:
        return Source(
            id=row["id"],
            name=row["name"],
            url=row["url"],
            site_url=row["site_url"],
            country=row["country"],
            language=row["language"],
            enabled=bool(row["enabled"]),
            is_default=bool(row["is_default"]),
            etag=row["etag"],
            last_modified=row["last_modified"],
            status=row["status"],
            error=row["error"],
            warning=row["warning"],
            http_status=row["http_status"],
            last_fetch=row["last_fetch"],
            last_success=row["last_success"],
            error_count=row["error_count"],
            retry_after_until=row["retry_after_until"],
            backoff_until=row["backoff_until"],
            keep_count=row["keep_count"],
            keep_days=row["keep_days"],
        )

    def list_sources(self) -> list[Source]:
        rows = self._conn().execute("SELECT * FROM sources ORDER BY position, name").fetchall()
        return [self._source(r) for r in rows]

    def get_source(self, source_id: str) -> Source | None:
        row = self._conn().execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
        return self._source(row) if row else None

    def find_source_by_url(self, url: str) -> Source | None:
        def norm(u: str) -> str:
            p = urlsplit(u.strip())
            host = (p.hostname or "").removeprefix("www.")
            return f"{host}{p.path.rstrip('/')}?{p.query}"

        target = norm(url)
        for s in self.list_sources():
            if norm(s.url) == target:
                return s
        return None

    def add_source(
        self,
        url: str,
        name: str,
        *,
        site_url: str = "",
        country: str = "",
        language: str = "fr",
        source_id: str | None = None,
    ) -> Source:
        base = slugify(source_id or name or urlsplit(url).hostname or "source")
        with self.transaction() as conn:
            sid, n = base, 1
            while conn.execute("SELECT 1 FROM sources WHERE id = ?", (sid,)).fetchone():
                n += 1
                sid = f"{base}-{n}"
            pos = conn.execute("SELECT coalesce(max(position), 0) + 1 FROM sources").fetchone()[0]
            conn.execute(
                "INSERT INTO sources(id, name, url, site_url, country, language, position)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (sid, name or sid, url, site_url, country, language, pos),
            )
        source = self.get_source(sid)
        assert source is not None
        return source

    def remove_source(self, source_id: str) -> bool:
        """Remove a source and its articles. A bundled source stays removed."""
        with self.transaction() as conn:
            cur = conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
            return cur.rowcount > 0

    def set_enabled(self, source_id: str, enabled: bool) -> bool:
        with self.transaction() as conn:
            cur = conn.execute(
                "UPDATE sources SET enabled = ?, status = CASE WHEN ? AND status = ?"
                " THEN ? ELSE status END WHERE id = ?",
                (int(enabled), int(enabled), STATUS_GONE, STATUS_NEW, source_id),
            )
            return cur.rowcount > 0

    def rename_source(self, source_id: str, name: str) -> bool:
        """The user's own name for a source (a refresh keeps it)."""
        name = " ".join(name.split())
        if not name:
            return False
        with self.transaction() as conn:
            cur = conn.execute("UPDATE sources SET name = ? WHERE id = ?", (name, source_id))
            return cur.rowcount > 0

    def set_retention(self, source_id: str, keep_count: int, keep_days: int) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE sources SET keep_count = ?, keep_days = ? WHERE id = ?",
                (keep_count, keep_days, source_id),
            )

    # --- fetch state --------------------------------------------------------------------

    def record_error(
        self,
        source_id: str,
        error: str,
        *,
        http_status: int | None = None,
        now: float | None = None,
        count_failure: bool = True,
    ) -> None:
        """A failed fetch: keep the articles, note the error, back off exponentially."""
        now = time.time() if now is None else now
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT error_count FROM sources WHERE id = ?", (source_id,)
            ).fetchone()
            if row is None:
                return
            count = row[0] + 1 if count_failure else row[0]
            backoff = (
                now + min(BACKOFF_MAX, BACKOFF_BASE * 2 ** (count - 1)) if count_failure else None
            )
            conn.execute(
                "UPDATE sources SET status = ?, error = ?, http_status = ?, last_fetch = ?,"
                " error_count = ?, backoff_until = coalesce(?, backoff_until) WHERE id = ?",
                (STATUS_ERROR, error, http_status, now, count, backoff, source_id),
            )

    def record_retry_after(
        self, source_id: str, until: float, error: str, http_status: int, now: float | None = None
    ) -> None:
        now = time.time() if now is None else now
        with self.transaction() as conn:
            conn.execute(
                "UPDATE sources SET status = ?, error = ?, http_status = ?, last_fetch = ?,"
                " retry_after_until = ? WHERE id = ?",
                (STATUS_WAITING, error, http_status, now, until, source_id),
            )

    def record_gone(self, source_id: str, error: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self.transaction() as conn:
            conn.execute(
                "UPDATE sources SET status = ?, error = ?, http_status = 410, last_fetch = ?,"
                " enabled = 0 WHERE id = ?",
                (STATUS_GONE, error, now, source_id),
            )

    def known_entries(self, source_id: str) -> dict[tuple[str, str], KnownEntry]:
        """Keys ('g', guid) / ('l', link) / ('t', title) of every stored row of a source,
        tombstones included, so a fetch can skip work for what it already has."""
        out: dict[tuple[str, str], KnownEntry] = {}
        rows = self._conn().execute(
            "SELECT id, guid, link, title, deleted, content_hash, full_fetched"
            " FROM articles WHERE source_id = ?",
            (source_id,),
        )
        for r in rows:
            k = KnownEntry(r["id"], bool(r["deleted"]), r["content_hash"], bool(r["full_fetched"]))
            if r["guid"]:
                out[("g", r["guid"])] = k
            if r["link"]:
                out.setdefault(("l", r["link"]), k)
            if r["title"]:
                out.setdefault(("t", r["title"]), k)
        return out

    def _find(self, conn: sqlite3.Connection, source_id: str, a: PreparedArticle) -> Any:
        cols = "id, deleted, content_hash, guid"
        if a.guid:
            row = conn.execute(
                f"SELECT {cols} FROM articles WHERE source_id = ? AND guid = ?",
                (source_id, a.guid),
            ).fetchone()
            if row is None and a.link:
                row = conn.execute(
                    f"SELECT {cols} FROM articles WHERE source_id = ? AND link = ?"
                    " AND guid IS NULL",
                    (source_id, a.link),
                ).fetchone()
            return row
        if a.link:
            return conn.execute(
                f"SELECT {cols} FROM articles WHERE source_id = ? AND link = ?",
                (source_id, a.link),
            ).fetchone()
        if a.title:
            return conn.execute(
                f"SELECT {cols} FROM articles WHERE source_id = ? AND title = ?",
                (source_id, a.title),
            ).fetchone()
        return None

    def apply_update(self, update: SourceUpdate, now: float | None = None) -> UpdateStats | None:
        """Store a successful fetch in ONE transaction: state, articles, boilerplate, retention.
        Returns None when the source was removed meanwhile.

        The source's boilerplate set is worked out first, from the paragraph keys already
        stored and those of the incoming articles (cheap: no HTML is parsed), so each incoming
        article is cleaned once, with the set it will be shown with. Only older articles
        holding a key that became (or stopped being) boilerplate are cleaned again."""
        now = time.time() if now is None else now
        stats = UpdateStats()
        with self.transaction() as conn:
            src = conn.execute(
                "SELECT id, boilerplate, keep_count, keep_days, listed_at FROM sources"
                " WHERE id = ?",
                (update.source_id,),
            ).fetchone()
            if src is None:
                return None
            sid = update.source_id
            written: set[int] = set()  # cleaned here, with `boilerplate`
            old = set(src["boilerplate"].split())
            rows, boilerplate = self._plan_update(conn, sid, update.articles, old)
            # The articles the feed listed when it last came whole (`listed_at`): on a 304 it
            # still lists them, and a feed that comes back the same (a server that sends no
            # validators) lists them again. Retention must keep them, and a tombstone for one
            # of them must live on (else the article would come back); nothing is rewritten.
            listed_at = src["listed_at"] if update.not_modified else now
            same = False  # the feed lists what it listed when it last came whole
            listed: list[int] = []
            if src["listed_at"] is not None and (
                update.not_modified
                or (
                    update.articles
                    and all(a.raw_html is None for a in update.articles)
                    and all(r is not None and r is not _FIND_AGAIN for r in rows)
                )
            ):
                listed = [
                    r[0]
                    for r in conn.execute(
                        "SELECT id FROM articles WHERE source_id = ? AND last_seen >= ?",
                        (sid, src["listed_at"]),
                    )
                ]
                same = update.not_modified or set(listed) == {r["id"] for r in rows}
                if same:
                    listed_at = src["listed_at"]
            seen: list[int] = listed if same else []
            conn.execute(
                "UPDATE sources SET etag = ?, last_modified = ?, url = coalesce(?, url),"
                " status = ?, error = '', warning = ?, http_status = ?, last_fetch = ?,"
                " last_success = ?, listed_at = ?, error_count = 0, retry_after_until = NULL,"
                " backoff_until = NULL WHERE id = ?",
                (
                    update.etag,
                    update.last_modified,
                    update.new_url,
                    STATUS_NOT_MODIFIED if update.not_modified else STATUS_OK,
                    update.warning,
                    update.http_status,
                    now,
                    now,
                    listed_at,
                    sid,
                ),
            )
            if same:
                rows, update_articles = [], []  # nothing to write
            else:
                update_articles = update.articles
            # New articles are written together, in the order of their search keys: the
            # full-text index takes rows in increasing rowid order at no cost, but writes a
            # segment for each row that comes before the previous one (feeds list the newest
            # first). When the batch holds the same article twice, each is written at its turn
            # instead, so the second one finds the first.
            deferred = _FIND_AGAIN not in rows
            inserts: list[tuple[Any, ...]] = []
            next_id = self._next_id(conn)
            for a, planned in zip(update_articles, rows, strict=True):
                row = self._find(conn, sid, a) if planned is _FIND_AGAIN else planned
                if row is not None:
                    seen.append(row["id"])
                    if (
                        row["deleted"]
                        or a.raw_html is None
                        or row["content_hash"] == a.content_hash
                    ):
                        conn.execute(
                            "UPDATE articles SET last_seen = ? WHERE id = ?", (now, row["id"])
                        )
                        continue
                    text = _reading_text(a, boilerplate)
                    conn.execute(
                        "UPDATE articles SET guid = coalesce(?, guid), link = ?, title = ?,"
                        " author = ?, raw_html = ?, html = '', text = ?, content_hash = ?,"
                        " full_fetched = ?, last_seen = ?, keys = ? WHERE id = ?",
                        (
                            a.guid or None,
                            a.link,
                            a.title,
                            a.author,
                            a.raw_html,
                            text,
                            a.content_hash,
                            int(a.full_fetched),
                            now,
                            _keys(a),
                            row["id"],
                        ),
                    )
                    aid = row["id"]
                    stats.updated += 1
                else:
                    if a.raw_html is None:
                        continue
                    published = min(a.published, now)
                    if deferred:
                        aid, fts_key = next_id, None
                        next_id += 1
                    else:
                        aid, fts_key = self._new_ids(conn, published)
                    text = _reading_text(a, boilerplate)
                    values = (
                        aid,
                        fts_key,
                        sid,
                        a.guid or None,
                        a.link,
                        a.title,
                        a.author,
                        published,
                        now,
                        now,
                        a.raw_html,
                        text,
                        a.content_hash,
                        int(a.full_fetched),
                        _keys(a),
                    )
                    if deferred:
                        inserts.append(values)
                    else:
                        conn.execute(_INSERT_ARTICLE, values)
                    seen.append(aid)
                    stats.new += 1
                written.add(aid)
            if inserts:
                keys = self._search_keys(conn, [(v[0], v[7]) for v in inserts])
                ordered = sorted(
                    ((v[0], k, *v[2:]) for v, k in zip(inserts, keys, strict=True)),
                    key=lambda v: v[1],
                )
                conn.executemany(_INSERT_ARTICLE, ordered)
            if written:
                self._refresh_boilerplate(conn, sid, old, boilerplate, written)
            stats.pruned = self._prune(
                conn, sid, src["keep_count"], src["keep_days"], seen, now, listed_at
            )
            if stats.pruned and not written:
                # Articles went with their paragraphs: the repeated ones are counted again.
                # (An automatic refresh is mostly 304s and unchanged feeds: counting every
                # paragraph of a source of 300 articles at each took ~10 ms.)
                self._refresh_boilerplate(conn, sid, old)
            if not self._index_deferred:
                self._index_pending(conn)
        return stats

    @contextmanager
    def larger_cache(self, mib: int = 32) -> Iterator[None]:
        """This thread's connection keeps up to `mib` MiB of database pages in memory instead of
        SQLite's 2 MB, for the time of a refresh: its sources, their indexes and the search
        index (~3.8 MB for 600 new articles) are then written without reading back pages just
        dropped (~10 % of the refresh's database time). Back to 2 MB after (the pages go)."""
        conn = self._conn()
        conn.execute(f"PRAGMA cache_size = {-1024 * mib}")
        try:
            yield
        finally:
            try:
                conn.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
            except sqlite3.Error:
                log.warning("Réglage du cache impossible", exc_info=True)

    @contextmanager
    def deferred_search_index(self) -> Iterator[None]:
        """The articles stored meanwhile (`apply_update`) enter the search index together, on
        the way out: a refresh stores each source in its own transaction, and indexing them
        one by one costs about four times as much CPU. Until then they are listed but not
        found by a search. Were the process killed first, the next `index_pending` (any
        `apply_update` or refresh) indexes them."""
        self._index_deferred += 1
        try:
            yield
        finally:
            self._index_deferred -= 1
            if not self._index_deferred:
                try:
                    self.index_pending()
                except sqlite3.Error:  # e.g. disk full: they stay waiting for the next time
                    log.error("Indexation pour la recherche impossible", exc_info=True)

    def index_pending(self) -> int:
        """Put the articles waiting for the search index into it. Returns how many."""
        with self.transaction() as conn:
            return self._index_pending(conn)

    @staticmethod
    def _index_pending(conn: sqlite3.Connection) -> int:
        if conn.execute("SELECT 1 FROM fts_pending LIMIT 1").fetchone() is None:
            return 0
        n = conn.execute(  # in key order: the index takes them in one go
            "INSERT INTO articles_fts(rowid, title, text)"
            " SELECT a.fts_key, a.title, a.text FROM fts_pending p"
            " JOIN articles a ON a.id = p.article_id ORDER BY a.fts_key"
        ).rowcount
        conn.execute("DELETE FROM fts_pending")
        return n

    def _plan_update(
        self,
        conn: sqlite3.Connection,
        sid: str,
        articles: Sequence[PreparedArticle],
        old: set[str],
    ) -> tuple[list[Any], set[str]]:
        """Before anything is written: the stored row each article matches (`_FIND_AGAIN` when
        an earlier article of the same batch may change the answer: it is then looked up again
        at its turn), and the boilerplate set the source will have once the batch is stored,
        counted from the stored paragraph keys plus the incoming ones. The count is exact
        unless the batch holds the same article twice; `_refresh_boilerplate` checks it.
        When no article brings content (a 304, an unchanged feed), nothing is counted: the
        set stays `old`, the source's own."""
        if not any(a.raw_html is not None for a in articles):
            return [self._find(conn, sid, a) for a in articles], old
        n, counts = self.paragraph_counts(sid, conn)
        rows: list[Any] = []
        tokens_seen: set[tuple[str, str]] = set()
        rows_seen: set[int] = set()
        # The source's guids and links, read from their indexes: an article matching neither
        # is looked up no further (on a first refresh, none is: 2 queries instead of 60).
        guids = {
            r[0]
            for r in conn.execute(
                "SELECT guid FROM articles WHERE source_id = ? AND guid IS NOT NULL", (sid,)
            )
        }
        links = {
            r[0] for r in conn.execute("SELECT link FROM articles WHERE source_id = ?", (sid,))
        }
        for a in articles:
            if a.guid in guids or (a.link and a.link in links) or not (a.guid or a.link):
                row = self._find(conn, sid, a)
            else:
                row = None
            tokens = {t for t in (("g", a.guid), ("l", a.link), ("t", a.title)) if t[1]}
            again = not tokens_seen.isdisjoint(tokens) or (
                row is not None and row["id"] in rows_seen
            )
            tokens_seen |= tokens
            if row is not None:
                rows_seen.add(row["id"])
            rows.append(_FIND_AGAIN if again else row)
            if again or a.raw_html is None:
                continue
            if row is not None:
                if row["deleted"] or row["content_hash"] == a.content_hash:
                    continue
                stored = (
                    conn.execute("SELECT keys FROM articles WHERE id = ?", (row["id"],))
                    .fetchone()[0]
                    .split()
                )
                for k in stored:
                    counts[k] -= 1
                n -= 1 if stored else 0
            keys = set(a.paragraphs)
            for k in keys:
                counts[k] = counts.get(k, 0) + 1
            n += 1 if keys else 0
        return rows, boilerplate_set(n, counts)

    def paragraph_counts(
        self, source_id: str, conn: sqlite3.Connection | None = None
    ) -> tuple[int, dict[str, int]]:
        """(articles holding paragraph keys, {key: articles holding it}) for one source: what
        the boilerplate set is counted from (`boilerplate_set`)."""
        conn = conn or self._conn()
        held = [
            r[0]
            for r in conn.execute(
                "SELECT keys FROM articles WHERE source_id = ? AND keys != ''", (source_id,)
            )
        ]
        return len(held), dict(Counter(" ".join(held).split()))

    @staticmethod
    def _next_id(conn: sqlite3.Connection) -> int:
        return int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0])

    @staticmethod
    def _search_keys(conn: sqlite3.Connection, wanted: list[tuple[int, float]]) -> list[int]:
        """The search key of each (id, published) of a batch (as `_new_ids` gives one by one):
        publication second, then id bits; a later second on the (rare) clash."""
        seconds = [max(0, int(published)) for _aid, published in wanted]
        ids = [aid for aid, _published in wanted]
        keys = [(sec << 20) | (aid & 0xFFFFF) for sec, aid in zip(seconds, ids, strict=True)]
        while True:
            taken: set[int] = set()
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                marks = ",".join("?" * len(chunk))
                taken.update(
                    r[0]
                    for r in conn.execute(
                        f"SELECT fts_key FROM articles WHERE fts_key IN ({marks})", chunk
                    )
                )
            used: set[int] = set()
            clash = False
            for i, key in enumerate(keys):
                if key in taken or key in used:
                    seconds[i] += 1
                    keys[i] = (seconds[i] << 20) | (ids[i] & 0xFFFFF)
                    clash = True
                used.add(keys[i])
            if not clash:
                return keys

    @staticmethod
    def _new_ids(conn: sqlite3.Connection, published: float) -> tuple[int, int]:
        """Next article id, and its search key (publication second, then id bits)."""
        aid = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0])
        second = max(0, int(published))
        while True:
            key = (second << 20) | (aid & 0xFFFFF)
            if not conn.execute("SELECT 1 FROM articles WHERE fts_key = ?", (key,)).fetchone():
                return aid, key
            second += 1  # practically never: same second and ids 2**20 apart

    def _refresh_boilerplate(
        self,
        conn: sqlite3.Connection,
        sid: str,
        old: set[str],
        predicted: set[str] | None = None,
        written: set[int] | frozenset[int] = frozenset(),
    ) -> None:
        """Recount the source's repeated paragraphs. Stored articles were cleaned with the set
        as it was (`old`), the articles of this update (`written`) with `predicted`; an article
        holding a key whose status differs from the one it was cleaned with is cleaned again
        from its raw HTML (with an exact prediction: only older articles, when the set
        changed)."""
        predicted = old if predicted is None else predicted
        new = boilerplate_set(*self.paragraph_counts(sid, conn))
        if new != old:
            conn.execute(
                "UPDATE sources SET boilerplate = ? WHERE id = ?", (" ".join(sorted(new)), sid)
            )
        todo = {a for a in self._holding(conn, sid, new ^ old) if a not in written}
        if written and new != predicted:
            todo.update(a for a in self._holding(conn, sid, new ^ predicted) if a in written)
        for aid in sorted(todo):
            row = conn.execute(
                "SELECT raw_html, title FROM articles WHERE id = ? AND deleted = 0", (aid,)
            ).fetchone()
            if row is None:
                continue
            text = clean.reading_text(row["raw_html"], None, new, new, row["title"])
            conn.execute("UPDATE articles SET html = '', text = ? WHERE id = ?", (text, aid))

    @staticmethod
    def _holding(conn: sqlite3.Connection, sid: str, keys: set[str]) -> set[int]:
        """Ids of the source's articles holding one of `keys`."""
        if not keys:
            return set()
        return {
            aid
            for aid, held in conn.execute(
                "SELECT id, keys FROM articles WHERE source_id = ? AND keys != ''", (sid,)
            )
            if not keys.isdisjoint(held.split())
        }

    def _prune(
        self,
        conn: sqlite3.Connection,
        sid: str,
        keep_count: int,
        keep_days: int,
        seen: Sequence[int],
        now: float,
        listed_at: float | None = None,
    ) -> int:
        """Retention: too old or beyond the newest `keep_count` -> tombstone (content dropped,
        key kept so the article does not come back). Starred articles and articles still in
        the feed are kept. Tombstones not seen in the feed for a month are forgotten, but not
        those the feed still lists (`last_seen >= listed_at`: seen when it last came whole)."""
        seen_set = set(seen)
        rows = conn.execute(
            "SELECT id, published, is_starred FROM articles WHERE source_id = ? AND deleted = 0"
            " ORDER BY published DESC, id DESC",
            (sid,),
        ).fetchall()
        cutoff = now - keep_days * 86400
        expire = [
            r["id"]
            for i, r in enumerate(rows)
            if not r["is_starred"]
            and r["id"] not in seen_set
            and (i >= keep_count or r["published"] < cutoff)
        ]
        for aid in expire:
            conn.execute(
                "UPDATE articles SET deleted = 2, raw_html = '', html = '', text = '', keys = ''"
                " WHERE id = ?",
                (aid,),
            )
        forget = now - TOMBSTONE_DAYS * 86400
        if listed_at is not None:
            forget = min(forget, listed_at)
        conn.execute(
            "DELETE FROM articles WHERE source_id = ? AND deleted > 0 AND last_seen < ?",
            (sid, forget),
        )
        return len(expire)

    # --- articles -------------------------------------------------------------------------

    _SUMMARY_COLS = (
        "a.id, a.source_id, s.name AS source_name, a.title, a.link, a.published,"
        " a.is_read, a.is_starred"
    )

    @staticmethod
    def _summary(r: sqlite3.Row) -> ArticleSummary:
        return ArticleSummary(
            id=r["id"],
            source_id=r["source_id"],
            source_name=r["source_name"],
            title=r["title"],
            link=r["link"],
            published=r["published"],
            read=bool(r["is_read"]),
            starred=bool(r["is_starred"]),
        )

    def _filters(
        self,
        conn: sqlite3.Connection,
        source_ids: Iterable[str] | None,
        country: str | None,
        unread_only: bool,
        starred_only: bool,
    ) -> tuple[str, list[Any]] | None:
        """WHERE clause on `a` (articles). None when the filters select nothing."""
        where = ["a.deleted = 0"]
        args: list[Any] = []
        ids = None if source_ids is None else set(source_ids)
        if country:
            in_country = {
                r[0] for r in conn.execute("SELECT id FROM sources WHERE country = ?", (country,))
            }
            ids = in_country if ids is None else ids & in_country
        if ids is not None:
            if not ids:
                return None
            if len(ids) == 1:
                where.append("a.source_id = ?")  # its own index, newest first
            else:
                # several sources: walk the newest-first index and filter (no big sort)
                where.append(f"+a.source_id IN ({','.join('?' * len(ids))})")
            args.extend(sorted(ids))
        if unread_only:
            where.append("a.is_read = 0")
        if starred_only:
            where.append("a.is_starred = 1")
        return " AND ".join(where), args

    def list_articles(
        self,
        *,
        source_ids: Iterable[str] | None = None,
        country: str | None = None,
        search: str | None = None,
        unread_only: bool = False,
        starred_only: bool = False,
        limit: int = 200,
        offset: int = 0,
    ) -> list[ArticleSummary]:
        """Newest first. With `search`, the full-text index is used (every word must appear,
        accents and case ignored, the last word may be the start of a word)."""
        conn = self._conn()
        flt = self._filters(conn, source_ids, country, unread_only, starred_only)
        if flt is None:
            return []
        where, args = flt
        if search and search.strip():
            q = fts_query(search)
            if q is None:
                return []
            sql = (
                f"SELECT {self._SUMMARY_COLS} FROM articles_fts f"
                " CROSS JOIN articles a ON a.fts_key = f.rowid"
                " JOIN sources s ON s.id = a.source_id"
                f" WHERE articles_fts MATCH ? AND {where}"
                " ORDER BY f.rowid DESC LIMIT ? OFFSET ?"
            )
            try:
                rows = conn.execute(sql, (q, *args, limit, offset)).fetchall()
            except sqlite3.OperationalError as exc:  # a query FTS5 cannot read
                log.info("Recherche impossible (%s) : %s", q, exc)
                return []
        else:
            sql = (
                f"SELECT {self._SUMMARY_COLS} FROM articles a"
                " CROSS JOIN sources s ON s.id = a.source_id"
                f" WHERE {where} ORDER BY a.published DESC, a.id DESC LIMIT ? OFFSET ?"
            )
            rows = conn.execute(sql, (*args, limit, offset)).fetchall()
        return [self._summary(r) for r in rows]

    def count_articles(
        self,
        *,
        source_ids: Iterable[str] | None = None,
        country: str | None = None,
        search: str | None = None,
        unread_only: bool = False,
    ) -> int:
        conn = self._conn()
        flt = self._filters(conn, source_ids, country, unread_only, False)
        if flt is None:
            return 0
        where, args = flt
        if search and search.strip():
            q = fts_query(search)
            if q is None:
                return 0
            sql = (
                "SELECT count(*) FROM articles_fts f CROSS JOIN articles a"
                f" ON a.fts_key = f.rowid WHERE articles_fts MATCH ? AND {where}"
            )
            try:
                return int(conn.execute(sql, (q, *args)).fetchone()[0])
            except sqlite3.OperationalError:
                return 0
        return int(
            conn.execute(f"SELECT count(*) FROM articles a WHERE {where}", args).fetchone()[0]
        )

    def get_article(self, article_id: int) -> Article | None:
        r = (
            self._conn()
            .execute(
                f"SELECT {self._SUMMARY_COLS}, a.author, a.raw_html, a.html, a.text, s.country,"
                " s.boilerplate FROM articles a JOIN sources s ON s.id = a.source_id"
                " WHERE a.id = ? AND a.deleted = 0",
                (article_id,),
            )
            .fetchone()
        )
        if r is None:
            return None
        base = self._summary(r)
        html = r["html"]
        if not html:
            # Stored without its reading form (a refresh writes one copy of each article, not
            # two; rows written before that have one): the source's boilerplate goes now.
            boilerplate = set(r["boilerplate"].split())
            html = clean.clean_for_reading(
                r["raw_html"], r["text"], boilerplate, boilerplate, r["title"]
            )[0]
        return Article(
            **base.__dict__,
            author=r["author"],
            html=html,
            text=r["text"],
            country=r["country"],
        )

    def set_read(self, article_ids: int | Iterable[int], read: bool = True) -> None:
        ids = [article_ids] if isinstance(article_ids, int) else list(article_ids)
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE articles SET is_read = ? WHERE id = ?", [(int(read), i) for i in ids]
            )

    def mark_all_read(self, source_id: str | None = None) -> None:
        with self.transaction() as conn:
            if source_id is None:
                conn.execute("UPDATE articles SET is_read = 1 WHERE is_read = 0")
            else:
                conn.execute(
                    "UPDATE articles SET is_read = 1 WHERE is_read = 0 AND source_id = ?",
                    (source_id,),
                )

    def set_starred(self, article_id: int, starred: bool = True) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE articles SET is_starred = ? WHERE id = ?", (int(starred), article_id)
            )

    def delete_article(self, article_id: int) -> bool:
        """The user deletes an article: it stays deleted even if the feed still lists it."""
        with self.transaction() as conn:
            cur = conn.execute(
                "UPDATE articles SET deleted = 1, is_starred = 0, raw_html = '', html = '',"
                " text = '', keys = '' WHERE id = ? AND deleted = 0",
                (article_id,),
            )
            return cur.rowcount > 0

    def unread_counts(self) -> dict[str, int]:
        rows = self._conn().execute(
            "SELECT source_id, count(*) FROM articles INDEXED BY articles_unread"
            " WHERE deleted = 0 AND is_read = 0 GROUP BY source_id"
        )
        return {r[0]: r[1] for r in rows}

    def article_counts(self) -> dict[str, int]:
        rows = self._conn().execute(
            "SELECT source_id, count(*) FROM articles WHERE deleted = 0 GROUP BY source_id"
        )
        return {r[0]: r[1] for r in rows}

    def referenced_images(self, starred_only: bool = False) -> set[str]:
        # (the stored HTML: the reading form shows the same pictures, or fewer; a picture left
        # for later is in the cache once the reader asked for it)
        sql = (
            "SELECT raw_html FROM articles WHERE deleted = 0"
            " AND (raw_html LIKE '%src=\"cache:%' OR raw_html LIKE '%src=\"later:%')"
        )
        if starred_only:
            sql += " AND is_starred = 1"
        names: set[str] = set()
        for (html,) in self._conn().execute(sql):
            names.update(clean.cache_names(html))
            names.update(clean.later_images(html))
        return names

    def integrity_ok(self) -> bool:
        return bool(self._conn().execute("PRAGMA integrity_check").fetchone()[0] == "ok")


def prune_image_cache(
    cache_dir: Path, max_bytes: int, keep: Iterable[str] = (), now: float | None = None
) -> int:
    """Remove the least recently used cached images until the folder is under `max_bytes`;
    names in `keep` (images of starred articles) are never removed. Returns files removed."""
    import os

    keep_set = set(keep)
    files = []
    total = 0
    with os.scandir(cache_dir) as entries:  # (one stat per file, not two)
        for e in entries:
            if e.name.startswith(".") or not e.is_file(follow_symlinks=False):
                continue
            st = e.stat(follow_symlinks=False)
            total += st.st_size
            files.append((max(st.st_atime, st.st_mtime), st.st_size, e.name))
    removed = 0
    for _, size, name in sorted(files):
        if total <= max_bytes:
            break
        if name in keep_set:
            continue
        try:
            (cache_dir / name).unlink()
            total -= size
            removed += 1
        except OSError:
            pass
    return removed


__all__ = [
    "NewsStore",
    "KnownEntry",
    "load_default_sources",
    "prune_image_cache",
    "fts_query",
    "STATUS_ERROR",
    "STATUS_GONE",
    "STATUS_NEW",
    "STATUS_NOT_MODIFIED",
    "STATUS_OK",
    "STATUS_WAITING",
]
