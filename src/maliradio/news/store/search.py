"""The full-text index: what a search box's words become (`fts_query`), and how new articles
enter the index: together, in the order of their keys (`index_pending`)."""

from __future__ import annotations

import logging
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from maliradio.news.store.connection import Database

log = logging.getLogger("maliradio.db")

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


class Search(Database):
    @contextmanager
    def deferred_search_index(self) -> Iterator[None]:
        """The articles stored meanwhile (`apply_update`) enter the search index together, on
        the way out: a refresh stores each source in its own transaction, and indexing them
        one by one costs several times as much CPU. Until then they are listed but not
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
