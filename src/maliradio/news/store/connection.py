"""The news database file and its connections.

One SQLite file (`paths.news_db_file()`), WAL, synchronous=NORMAL, schema version in
PRAGMA user_version with explicit migrations. One transaction per source update.

Connections are per thread: every thread that calls a method gets its own connection, opened
on first use (sqlite3 connections must not be shared between threads). Nothing is opened in
the constructor, so a `NewsStore` can be created on one thread and used from others.

A database that cannot be opened (not a database, damaged header, or a schema newer than this
version knows) is renamed aside with a timestamp, a fresh one is created, and
`recovery_notice()` tells the UI in plain French.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from maliradio.news.store.schema import DatabaseTooNew, migrate, unreadable

log = logging.getLogger("maliradio.db")

SQLITE_CACHE_KIB = -2000  # SQLite's default page cache (negative: KiB)


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


class Database:
    """The file, its connections (one per thread) and its transactions; the parts of the
    store (sources, updates, search, articles) are built on it."""

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
                migrate(conn)
            except sqlite3.DatabaseError as exc:
                if conn is not None:
                    conn.close()
                if not unreadable(exc):
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
                migrate(conn)
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

    @contextmanager
    def larger_cache(self, mib: int = 32) -> Iterator[None]:
        """This thread's connection keeps up to `mib` MiB of database pages in memory instead of
        SQLite's 2 MB, for the time of a refresh: its sources, their indexes and the search
        index are then written without reading back pages just dropped. Back to 2 MB after
        (the pages go)."""
        conn = self._conn()
        conn.execute(f"PRAGMA cache_size = {-1024 * mib}")
        try:
            yield
        finally:
            try:
                conn.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
            except sqlite3.Error:
                log.warning("Réglage du cache impossible", exc_info=True)
