"""Reading the stored articles: lists (filtered, searched), one article, the user's marks
(read, starred, deleted), counts, and the picture cache they refer to."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from maliradio.news import clean
from maliradio.news.models import Article, ArticleSummary
from maliradio.news.store.connection import Database, log
from maliradio.news.store.search import fts_query


class Articles(Database):
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
