"""The CPU work of a refresh: parsing a feed and cleaning its articles.

They take plain data and give plain data, and touch neither the network nor the database:
the refresh's threads call them between their requests (`fetch.fetch_source`).
"""

from __future__ import annotations

import html as htmlmod
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from maliradio.news import clean
from maliradio.news.models import KnownEntry, PreparedArticle, boilerplate_set, lookup_key
from maliradio.news.parse import ParsedEntry, ParsedFeed, parse_feed

MAX_ENTRIES = 200
MAX_PAGES_PER_SOURCE = 25

# Network stays in the refresh's threads: pictures are assumed cached while an article is
# cleaned (their cache name only depends on their URL), downloaded afterwards, and the rare
# article whose picture could not be had is cleaned again without it.
#
# Which pictures come with the article (`Draft.pictures`): LEAD, its first picture (the one
# the feed names for the item when the content has none); NONE (data saver). The others stay
# in the article as placeholders, fetched when the reader asks (pictures.py).
LEAD = "lead"
NONE = "none"


@dataclass
class Draft:
    """One entry to clean, then cleaned."""

    index: int  # its place in the feed
    entry: ParsedEntry
    base_url: str
    body: str  # the HTML to clean: the feed's, or the article page's main text
    full: bool = False
    failed: frozenset[str] = frozenset()  # pictures known not to be in the cache
    article: PreparedArticle | None = None
    images: list[str] = field(default_factory=list)  # pictures to download with it, in order
    error: str = ""
    pictures: str = LEAD  # which pictures come with the article: LEAD or NONE
    # pictures left for later after all (too big, no time left), with their size when known
    later: dict[str, int | None] = field(default_factory=dict)


@dataclass
class FeedRead:
    parsed: ParsedFeed  # without its entries (they are below)
    known: list[tuple[int, PreparedArticle]] = field(default_factory=list)  # seen, unchanged
    pages: list[tuple[int, ParsedEntry]] = field(default_factory=list)  # page to fetch first
    drafts: list[Draft] = field(default_factory=list)  # cleaned


def read_feed(
    body: bytes,
    url: str,
    content_type: str,
    known: dict[tuple[str, str], KnownEntry],
    paragraph_counts: tuple[int, dict[str, int]],
    fetch_full_articles: bool,
    now: float,
    pictures: str = LEAD,
) -> FeedRead:
    """Parse the feed, sort its entries (already stored and unchanged / article
    page to fetch / to clean now) and clean those that need no more network."""
    parsed = parse_feed(body, url, content_type)
    out = FeedRead(parsed)
    budget = MAX_PAGES_PER_SOURCE
    todo: list[Draft] = []
    for i, e in enumerate(parsed.entries[:MAX_ENTRIES]):
        match = None
        for key in lookup_key(e.guid, e.link, e.title):
            match = known.get(key)
            if match is not None:
                break
        if match is not None and (match.deleted or match.content_hash == e.content_hash):
            out.known.append(
                (
                    i,
                    PreparedArticle(
                        guid=e.guid,
                        link=e.link,
                        title=e.title,
                        author=e.author,
                        published=e.published or now,
                        raw_html=None,
                        content_hash=e.content_hash,
                    ),
                )
            )
        elif (
            e.summary_only
            and fetch_full_articles
            and budget > 0
            and urlsplit(e.link).scheme in ("http", "https")
        ):
            budget -= 1
            out.pages.append((i, e))
        else:
            todo.append(Draft(i, e, url, e.html, pictures=pictures))
    parsed.entries = []
    out.drafts = clean_drafts(todo, paragraph_counts)
    return out


def clean_pages(
    items: list[tuple[Draft, bytes | None, str]], paragraph_counts: tuple[int, dict[str, int]]
) -> list[Draft]:
    """The main text of each fetched article page (else the feed's summary
    stays), cleaned."""
    for draft, page, page_url in items:
        if page is not None:
            main = clean.extract_main(page, page_url)
            if main:
                draft.body, draft.full = main, True
    return clean_drafts([d for d, _, _ in items], paragraph_counts)


def clean_drafts(drafts: list[Draft], paragraph_counts: tuple[int, dict[str, int]]) -> list[Draft]:
    """Clean each draft (its pictures assumed cached, but for `failed`), then its reading form
    with the boilerplate set its source will have: the stored counts (which include the other
    articles of the batch) plus these articles."""
    trees: list[tuple[PreparedArticle, clean.ArticleTree]] = []
    for d in drafts:
        try:
            trees.append(_clean_draft(d))
        except Exception as exc:  # noqa: BLE001 - one bad entry must not sink the source
            d.article, d.error = None, f"{type(exc).__name__}: {exc}"
    _add_reading_texts(trees, paragraph_counts)
    return drafts


def _clean_draft(d: Draft) -> tuple[PreparedArticle, clean.ArticleTree]:
    e = d.entry
    body = d.body
    if e.image_url and "<img" not in body:
        body = f'<figure><img src="{htmlmod.escape(e.image_url)}"></figure>' + body
    images: list[str] = []
    first = True

    def assume_cached(url: str) -> str | clean.Later | None:
        nonlocal first
        lead, first = first, False
        if url in d.later:
            return clean.Later(d.later[url])
        if url in d.failed:
            return None
        if not lead or d.pictures == NONE:
            return clean.Later(e.image_size if url == e.image_url else None)
        images.append(url)
        return clean.image_name(url)

    tree = clean.prepare_tree(body, e.link or d.base_url, e.title, assume_cached)
    d.images = images
    d.article = PreparedArticle(
        guid=e.guid,
        link=e.link,
        title=e.title,
        author=e.author,
        published=e.published if e.published is not None else time.time(),
        raw_html=tree.raw,
        content_hash=e.content_hash,
        full_fetched=d.full,
        paragraphs=tree.keys,
    )
    return d.article, tree


def _add_reading_texts(
    prepared: list[tuple[PreparedArticle, clean.ArticleTree]],
    paragraph_counts: tuple[int, dict[str, int]],
) -> None:
    """The text each new article is indexed with (boilerplate paragraphs left out), worked
    out here on the tree it was prepared on, with the boilerplate set its source will have
    once the batch is stored (as `apply_update` works it out; when the store finds another
    set, it works those texts out itself). Its HTML without them is made when it is opened."""
    n, counts = with_keys(paragraph_counts, (a for a, _tree in prepared))
    boilerplate = boilerplate_set(n, counts)
    for a, tree in prepared:
        try:
            a.reading_text = tree.reading_text(boilerplate)
        except Exception:  # noqa: BLE001 - the store cleans it then
            continue
        a.reading_boilerplate = frozenset(boilerplate.intersection(a.paragraphs))
        if not a.reading_boilerplate:
            a.text = a.reading_text


def with_keys(
    paragraph_counts: tuple[int, dict[str, int]], articles: Iterable[PreparedArticle]
) -> tuple[int, dict[str, int]]:
    """Paragraph counts once `articles` are stored too."""
    n, counts = paragraph_counts[0], dict(paragraph_counts[1])
    for a in articles:
        keys = set(a.paragraphs)
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
        n += 1 if keys else 0
    return n, counts
