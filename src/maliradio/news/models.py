"""Plain data passed between the news modules (no I/O, no Qt)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

COUNTRIES = ("ML", "BF", "NE", "INT")

# Source status values kept in the database and shown by `news sources`.
STATUS_NEW = "new"  # never fetched
STATUS_OK = "ok"  # last fetch brought the feed
STATUS_NOT_MODIFIED = "not-modified"  # last fetch was a 304
STATUS_ERROR = "error"
STATUS_WAITING = "waiting"  # the server asked us to come back later (429/503 Retry-After)
STATUS_GONE = "gone"  # 410: disabled for good


@dataclass
class Source:
    id: str
    name: str
    url: str
    site_url: str = ""
    country: str = ""
    language: str = "fr"
    enabled: bool = True
    is_default: bool = False
    etag: str | None = None
    last_modified: str | None = None
    status: str = STATUS_NEW
    error: str = ""
    warning: str = ""
    http_status: int | None = None
    last_fetch: float | None = None
    last_success: float | None = None
    error_count: int = 0
    retry_after_until: float | None = None  # Retry-After from the server (always honoured)
    backoff_until: float | None = None  # our own exponential backoff (automatic refresh only)
    keep_count: int = 300
    keep_days: int = 60


@dataclass
class ArticleSummary:
    """One row of the article list."""

    id: int
    source_id: str
    source_name: str
    title: str
    link: str
    published: float
    read: bool
    starred: bool


@dataclass
class Article(ArticleSummary):
    author: str = ""
    html: str = ""  # sanitized, boilerplate removed, images as `cache:NAME`
    text: str = ""
    country: str = ""


@dataclass
class PreparedArticle:
    """An entry ready to be stored: sanitized HTML, local images, paragraph hashes."""

    guid: str
    link: str
    title: str
    author: str
    published: float
    # sanitized, images localized, boilerplate NOT yet removed; None = seen again, unchanged
    raw_html: str | None
    content_hash: str
    full_fetched: bool = False
    paragraphs: list[str] = field(default_factory=list)  # normalized-paragraph hashes
    text: str | None = None  # plain text of raw_html (computed by the store when None)
    # The text worked out by the fetch with the boilerplate removed (what the search indexes),
    # valid when the source's boilerplate set, once the update is stored, holds exactly
    # `reading_boilerplate` among this article's `paragraphs`; else the store works it out.
    reading_text: str | None = None
    reading_boilerplate: frozenset[str] = frozenset()


@dataclass
class SourceUpdate:
    """What a successful fetch of one source brings to the store."""

    source_id: str
    articles: list[PreparedArticle]
    etag: str | None
    last_modified: str | None
    http_status: int
    new_url: str | None = None  # after a permanent redirect
    not_modified: bool = False
    warning: str = ""
    feed_title: str = ""


# statuses of a source in a refresh report (`fetch.refresh`, `news refresh --json`)
UPDATED = "updated"
NOT_MODIFIED = "not-modified"
ERROR = "error"


@dataclass
class SourceResult:
    """What a refresh did for one source: one line of `maliradio news refresh --json`, which
    the window reads back with `from_json`."""

    source: str
    status: str  # updated | not-modified | error
    new: int = 0
    updated: int = 0
    bytes: int = 0
    error: str = ""
    warning: str = ""
    http_status: int | None = None
    kind: str = ""  # for errors: connect, timeout, too-large, http, not-feed, waiting, ...

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "new": self.new,
            "updated": self.updated,
            "bytes": self.bytes,
            "error": self.error,
            "warning": self.warning,
            "kind": self.kind,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceResult:
        """A line of another process, which may be of another version: what is missing or
        not a number reads as nothing."""

        def num(key: str) -> int:
            try:
                return max(0, int(data.get(key) or 0))
            except (TypeError, ValueError):
                return 0

        error = str(data.get("error") or "")
        kind = str(data.get("kind") or "")
        if not kind and error.startswith("Connexion impossible"):  # a CLI without "kind"
            kind = "connect"
        return cls(
            source=str(data.get("source") or ""),
            status=str(data.get("status") or ""),
            new=num("new"),
            updated=num("updated"),
            bytes=num("bytes"),
            error=error,
            warning=str(data.get("warning") or ""),
            kind=kind,
        )


@dataclass
class RefreshReport:
    results: list[SourceResult] = field(default_factory=list)
    offline: bool = False  # no source could be reached: the network is down

    @property
    def new(self) -> int:
        return sum(r.new for r in self.results)

    @property
    def bytes(self) -> int:
        return sum(r.bytes for r in self.results)


@dataclass
class UpdateStats:
    new: int = 0
    updated: int = 0
    pruned: int = 0


@dataclass
class KnownEntry:
    """What a refresh needs to know of a stored article to tell whether it changed."""

    id: int
    deleted: bool
    content_hash: str
    full_fetched: bool


def lookup_key(guid: str, link: str, title: str) -> list[tuple[str, str]]:
    """The keys an entry is looked up by inside its source, in order: guid, then link, then
    title."""
    if guid:
        keys = [("g", guid)]
        if link:
            keys.append(("l", link))  # a row stored before the feed had guids
        return keys
    if link:
        return [("l", link)]
    return [("t", title)] if title else []


# A paragraph is boilerplate in a source (a share line, a signature) when at least this many
# of its articles, and this fraction of them, hold it.
BOILERPLATE_MIN_ARTICLES = 3
BOILERPLATE_MIN_FRACTION = 0.25


def boilerplate_set(n: int, counts: dict[str, int]) -> set[str]:
    """The paragraph keys a source repeats: held by at least BOILERPLATE_MIN_ARTICLES articles
    and BOILERPLATE_MIN_FRACTION of the `n` articles that have keys."""
    threshold = max(BOILERPLATE_MIN_ARTICLES, math.ceil(BOILERPLATE_MIN_FRACTION * n))
    return {k for k, c in counts.items() if c >= threshold}
