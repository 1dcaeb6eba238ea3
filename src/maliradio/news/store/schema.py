"""The news database's schema: its tables, and the migrations that bring a database of any
earlier version (`PRAGMA user_version`) to this one, one version per transaction."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

log = logging.getLogger("maliradio.db")

SCHEMA_VERSION = 6


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
# writes a segment per transaction and merges them as they pile up, so sources stored one
# after the other cost several times the tokenizing itself; one batch in key order costs
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
# `last_seen` again on each of them (an automatic refresh of unchanged sources rewrote every
# row they list, and the database log with them). Until now each 304 moved `last_seen`
# to `last_success`, so that is where `listed_at` starts.
def _listed_at_v4(conn: sqlite3.Connection) -> None:
    if "listed_at" not in {r[1] for r in conn.execute("PRAGMA table_info(sources)")}:
        conn.execute("ALTER TABLE sources ADD COLUMN listed_at REAL")
        conn.execute("UPDATE sources SET listed_at = last_success")


# Version 5: the search index keeps, for each word, the articles and the column it is in, no
# longer its places in the text (detail=column). A search asks for words, never for a phrase
# (`fts_query`), so nothing is lost, while indexing costs less CPU and the index is smaller.
# The index is made again from the stored texts, in key order.
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
# a table of their own with an index on it: storing an article wrote a row per paragraph into
# two B-trees, and the counts a source's repeated paragraphs are found by are read from its
# articles' rows as quickly.
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


def unreadable(exc: sqlite3.DatabaseError) -> bool:
    """Damage that will not go away by retrying (unlike 'database is locked')."""
    if isinstance(exc, DatabaseTooNew):
        return True
    name = getattr(exc, "sqlite_errorname", "")
    if name:
        return name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))
    return not isinstance(exc, sqlite3.OperationalError)


def migrate(conn: sqlite3.Connection) -> None:
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
