"""The news sources and their fetch state (errors, backoff, Retry-After, 410)."""

from __future__ import annotations

import re
import sqlite3
import time
import unicodedata
from urllib.parse import urlsplit

from maliradio.news.models import (
    STATUS_ERROR,
    STATUS_GONE,
    STATUS_NEW,
    STATUS_WAITING,
    Source,
)
from maliradio.news.store.connection import Database

BACKOFF_BASE = 5 * 60.0
BACKOFF_MAX = 6 * 3600.0


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:40] or "source"


class Sources(Database):
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
