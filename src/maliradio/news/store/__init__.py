"""The news database: sources, their fetch state, articles, full-text index.

One SQLite file (`paths.news_db_file()`), WAL, synchronous=NORMAL, schema version in
PRAGMA user_version with explicit migrations (`schema.py`). One transaction per source
update (`updates.py`). Its parts: the file and its connections (`connection.py`), the
sources (`sources.py`), storing a fetch (`updates.py`), the search index (`search.py`),
reading the articles (`articles.py`).
"""

from __future__ import annotations

from maliradio.news.models import (
    STATUS_ERROR,
    STATUS_GONE,
    STATUS_NEW,
    STATUS_NOT_MODIFIED,
    STATUS_OK,
    STATUS_WAITING,
    KnownEntry,
)
from maliradio.news.store.articles import Articles, prune_image_cache
from maliradio.news.store.connection import load_default_sources
from maliradio.news.store.schema import SCHEMA_VERSION, DatabaseTooNew
from maliradio.news.store.search import fts_query
from maliradio.news.store.sources import Sources, slugify
from maliradio.news.store.updates import Updates


class NewsStore(Sources, Updates, Articles):
    """The news database, one object for its users (the refresh, the window, the command
    line): see the parts it is made of for each of its methods."""


__all__ = [
    "SCHEMA_VERSION",
    "STATUS_ERROR",
    "STATUS_GONE",
    "STATUS_NEW",
    "STATUS_NOT_MODIFIED",
    "STATUS_OK",
    "STATUS_WAITING",
    "DatabaseTooNew",
    "KnownEntry",
    "NewsStore",
    "fts_query",
    "load_default_sources",
    "prune_image_cache",
    "slugify",
]
