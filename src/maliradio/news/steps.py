"""The CPU-heavy steps of a refresh: parsing a feed and cleaning its articles, and the loop
that runs them in a worker process (`worker_main`).

They take plain data and give plain data (pickled over a worker's stdin and stdout), so
they run in worker processes when the refresh has some (`fetch._Cpu`), else on the calling
thread: the same functions either way.

A worker imports this module, and through it only what the steps need (parse, clean,
models): not the database, the HTTP client or the refresh itself. Each refresh starts its
workers anew, so what they import is paid for at every refresh (a worker importing
`fetch` took ~0.06 s more CPU to start).
"""

from __future__ import annotations

import html as htmlmod
import os
import pickle
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
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
# Which pictures come with the article (`_Draft.pictures`): LEAD, its first picture (the one
# the feed names for the item when the content has none); NONE (data saver). The others stay
# in the article as placeholders, fetched when the reader asks (pictures.py).
LEAD = "lead"
NONE = "none"


@dataclass
class _Draft:
    """One entry to clean, then cleaned."""

    index: int  # its place in the feed
    entry: ParsedEntry | None  # None once cleaned for good
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
class _FeedRead:
    parsed: ParsedFeed  # without its entries (they are below)
    known: list[tuple[int, PreparedArticle]] = field(default_factory=list)  # seen, unchanged
    pages: list[tuple[int, ParsedEntry]] = field(default_factory=list)  # page to fetch first
    drafts: list[_Draft] = field(default_factory=list)  # cleaned


def _read_feed(
    body: bytes,
    url: str,
    content_type: str,
    known: dict[tuple[str, str], KnownEntry],
    paragraph_counts: tuple[int, dict[str, int]],
    fetch_full_articles: bool,
    now: float,
    pictures: str = LEAD,
) -> _FeedRead:
    """CPU step 1: parse the feed, sort its entries (already stored and unchanged / article
    page to fetch / to clean now) and clean those that need no more network."""
    parsed = parse_feed(body, url, content_type)
    out = _FeedRead(parsed)
    budget = MAX_PAGES_PER_SOURCE
    todo: list[_Draft] = []
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
            todo.append(_Draft(i, e, url, e.html, pictures=pictures))
    parsed.entries = []
    out.drafts = _clean_drafts(todo, paragraph_counts)
    return out


def _clean_pages(
    items: list[tuple[_Draft, bytes | None, str]], paragraph_counts: tuple[int, dict[str, int]]
) -> list[_Draft]:
    """CPU step 2: the main text of each fetched article page (else the feed's summary
    stays), cleaned."""
    for draft, page, page_url in items:
        if page is not None:
            main = clean.extract_main(page, page_url)
            if main:
                draft.body, draft.full = main, True
    return _clean_drafts([d for d, _, _ in items], paragraph_counts)


def _clean_drafts(
    drafts: list[_Draft], paragraph_counts: tuple[int, dict[str, int]]
) -> list[_Draft]:
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
    for d in drafts:
        if d.article is not None and not d.images:
            # No picture that could fail: never cleaned again, so its entry and source HTML
            # need not travel back from a worker process (a third of what it sends).
            d.body = ""
            d.entry = None
    return drafts


def _clean_draft(d: _Draft) -> tuple[PreparedArticle, clean.ArticleTree]:
    e = d.entry
    assert e is not None
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
    n, counts = _with_keys(paragraph_counts, (a for a, _tree in prepared))
    boilerplate = boilerplate_set(n, counts)
    for a, tree in prepared:
        try:
            a.reading_text = tree.reading_text(boilerplate)
        except Exception:  # noqa: BLE001 - the store cleans it then
            continue
        a.reading_boilerplate = frozenset(boilerplate.intersection(a.paragraphs))
        if not a.reading_boilerplate:
            a.text = a.reading_text


def _with_keys(
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


def _dumps(obj: Any) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(8, "little") + data


def _send(pipe: Any, obj: Any) -> None:
    pipe.write(_dumps(obj))
    pipe.flush()


def _receive(pipe: Any) -> Any:
    head = pipe.read(8)
    if len(head) < 8:
        raise EOFError("worker gone")
    size = int.from_bytes(head, "little")
    data = pipe.read(size)
    if len(data) < size:
        raise EOFError("worker gone")
    return pickle.loads(data)  # noqa: S301 - our own child process, over its own pipe


_CPU_STEPS: dict[str, Callable[..., Any]] = {
    "_read_feed": _read_feed,
    "_clean_pages": _clean_pages,
    "_clean_drafts": _clean_drafts,
}


WORKER_ENV = "MALIRADIO_NEWS_WORKER"  # set: a built app's executable runs `worker_main`


_WARM_UP_FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>\xc3\xa9</title><link>http://127.0.0.1/</link><item><title>Un \xc3\xa9t\xc3\xa9</title>
<link>http://127.0.0.1/a</link><guid>g</guid><pubDate>Sat, 28 Nov 2026 10:00:00 GMT</pubDate>
<content:encoded><![CDATA[<h2>Un</h2><p>Le <a href="/x">fleuve</a>, \xc3\xa0 Gao.</p>
<ul><li>deux</li></ul><img src="http://127.0.0.1/i.png">]]></content:encoded></item>
</channel></rss>"""


def _warm_up() -> None:
    """Load and exercise what a step uses (modules, parsers, the sanitizer, compiled
    patterns) while the feeds are on their way: the first real step is then as fast as the
    others (it took ~10 ms more)."""
    try:
        _read_feed(
            _WARM_UP_FEED, "http://127.0.0.1/feed", "application/rss+xml", {}, (3, {}), False, 0.0
        )
    except Exception:  # noqa: BLE001 - only a warm-up: the steps report their own errors
        import logging  # (not imported otherwise: a worker starts faster without it)

        logging.getLogger("maliradio.news").debug(
            "Mise en route du processus de calcul", exc_info=True
        )


def worker_main() -> None:
    """A worker process: run steps read on stdin until it closes, answers on stdout.

    It yields the CPU to the window and to the refresh itself (network, database)."""
    os.environ.pop(WORKER_ENV, None)
    try:
        os.nice(5)
    except (AttributeError, OSError):
        pass
    requests = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must not break the answers (nor the CLI's JSON lines)
    _warm_up()
    while True:
        try:
            name, args = _receive(requests)
        except (EOFError, OSError):
            # The refresh is over: out at once, without tearing the interpreter down (~10 ms
            # of CPU each, while the refresh finishes). Every answer has been flushed.
            os._exit(0)
        try:
            answer = (True, _CPU_STEPS[name](*args))
        except Exception as exc:  # noqa: BLE001 - the refresh then does this step itself
            answer = (False, f"{type(exc).__name__}: {exc}")
        try:
            _send(answers, answer)
        except OSError:
            os._exit(0)
