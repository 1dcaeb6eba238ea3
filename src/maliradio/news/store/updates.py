"""Storing what a fetch brought (`apply_update`): the source's state, its new and changed
articles, its repeated paragraphs (boilerplate) and its retention, in one transaction."""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

from maliradio.news import clean
from maliradio.news.models import (
    STATUS_NOT_MODIFIED,
    STATUS_OK,
    KnownEntry,
    PreparedArticle,
    SourceUpdate,
    UpdateStats,
    boilerplate_set,
)
from maliradio.news.store.search import Search

TOMBSTONE_DAYS = 30

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


class Updates(Search):
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
                # (Not at each update: an automatic refresh is mostly 304s and unchanged
                # feeds, and counting every paragraph of a source is not free.)
                self._refresh_boilerplate(conn, sid, old)
            if not self._index_deferred:
                self._index_pending(conn)
        return stats

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
