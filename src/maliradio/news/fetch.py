"""Fetching feeds politely, for users who pay for every megabyte.

maliradio.net does the HTTP (urllib3); parse.py reads the bytes (feedparser); steps.py
parses and cleans.

- Conditional GET (If-None-Match / If-Modified-Since): an unchanged feed costs a 304.
- gzip and deflate (asked for, decoded as the body streams in).
- 301/308 update the stored feed URL; 302/307 do not. 410 disables the source.
- 429/503 with Retry-After: the source is skipped until then, even for a manual refresh.
- Other failures: exponential backoff per source, honoured by automatic refreshes.
- Timeout on silence (no byte for `silence_timeout` s); a source's feed, pages and pictures
  all told get `deadline` s (SOURCE_DEADLINE), time for the largest feed over a slow mobile
  link, so that a server trickling a byte now and then is given up on. Size caps, counted on
  the decoded bytes as they are decoded (a gzip bomb stops at the cap). Several sources in
  parallel with at most `per_host` requests per host.
- Up to 32 sources are fetched at once, each on a thread that also parses and cleans what
  it received. The window runs a refresh in a child process of its own (`news refresh
  --json`), so that this CPU work never stalls it.
- Summary-only feeds: each NEW article page is fetched once and its main text extracted.
- The lead picture of each new article is downloaded now, into the image cache (at most
  `pictures.LEAD_MAX_BYTES`), so reading never touches the network; the others wait for the
  reader to ask for them (pictures.py). Data saver: no pictures and no article pages.
- What each source cost (both ways, as `net.client` counts it) goes to the data meter, one
  write per source and refresh.

Database writes happen on the calling thread only (one transaction per source); the
threads do the network, the parsing and the cleaning. The full-text index is brought up to
date once, when every source is stored.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from maliradio import __version__
from maliradio.datameter import DataMeter
from maliradio.net import client as netclient
from maliradio.news import clean, pictures
from maliradio.news.models import (
    ERROR,
    NOT_MODIFIED,
    UPDATED,
    KnownEntry,
    PreparedArticle,
    RefreshReport,
    Source,
    SourceResult,
    SourceUpdate,
)
from maliradio.news.parse import (
    feed_links,
    looks_like_html,
    parse_feed,
)
from maliradio.news.steps import (
    LEAD,
    NONE,
    Draft,
    FeedRead,
    clean_drafts,
    clean_pages,
    read_feed,
    with_keys,
)
from maliradio.news.store import NewsStore, prune_image_cache
from maliradio.util import atomic_write_bytes

if TYPE_CHECKING:
    from urllib3 import HTTPHeaderDict

log = logging.getLogger("maliradio.news")

# names the app and what it does; no project URL is published yet
USER_AGENT = f"maliradio/{__version__} (news reader)"  # HTTP headers are ASCII
ACCEPT_FEED = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
# Caps on what a response may weigh once decoded (a gzip bomb stops there):
MAX_FEED_BYTES = 5_000_000  # 200 items (what a refresh reads) of 25 KB of full text each
MAX_PAGE_BYTES = 2_000_000  # an article page is 50-500 KB of HTML; past 2 MB it is no article
SOURCE_DEADLINE = 300.0  # s: a 5 MB feed at 20 KB/s (a slow mobile link) takes 250 s
MAX_IMAGES_PER_SOURCE = 80
IMAGE_CACHE_MAX_BYTES = 200_000_000
DEFAULT_RETRY_AFTER = 30 * 60.0
MAX_RETRY_AFTER = 7 * 86400.0


class FetchError(Exception):
    """kind: connect (no network / host unreachable), timeout, too-large, http, other."""

    def __init__(
        self, message: str, kind: str = "other", wire_bytes: int = 0, size: int | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.wire_bytes = wire_bytes
        self.size = size  # too-large: the size the server announced, when it did


@dataclass
class HttpResult:
    status: int
    body: bytes
    headers: HTTPHeaderDict  # case-insensitive .get()
    url: str  # final URL, after redirects
    permanent_url: str | None  # set when every redirect was permanent (301/308)
    wire_bytes: int


class HostLimiter:
    """At most `per_host` requests at a time to one host."""

    def __init__(self, per_host: int) -> None:
        self.per_host = per_host
        self._sems: dict[str, threading.Semaphore] = {}
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, url: str) -> Any:
        p = urlsplit(url)
        key = f"{p.hostname}:{p.port or ''}"
        with self._lock:
            sem = self._sems.setdefault(key, threading.Semaphore(self.per_host))
        with sem:
            yield


def make_client(
    *, silence_timeout: float = 20.0, connect_timeout: float = 15.0
) -> netclient.Client:
    """Connections are made as the requests need them: their number is bounded by the
    refresh's threads and `per_host`."""
    return netclient.Client(
        connect_timeout=connect_timeout,
        read_timeout=silence_timeout,
        headers={"User-Agent": USER_AGENT},
    )


def http_get(
    client: netclient.Client,
    url: str,
    *,
    limiter: HostLimiter | None = None,
    max_bytes: int = MAX_FEED_BYTES,
    headers: dict[str, str] | None = None,
    cancel: threading.Event | None = None,
    deadline: float | None = None,
) -> HttpResult:
    """GET with a size cap (on the decoded bytes), counting the bytes received, given up on
    at `deadline` (a `time.monotonic()` time). Raises FetchError."""
    if cancel is not None and cancel.is_set():
        raise FetchError("Actualisation annulée", "cancelled")
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError("Adresse non prise en charge (http ou https attendu)", "other")
    started = time.monotonic()
    try:
        with limiter.slot(url) if limiter else _nullslot():
            r = client.get(
                url, max_bytes=max_bytes, headers=headers, deadline=deadline, cancel=cancel
            )
    except netclient.HttpError as exc:
        raise _fetch_error(exc, client, max_bytes, deadline, started) from exc
    permanent = None
    if r.history and all(status in (301, 308) for status in r.history):
        permanent = r.url
    return HttpResult(
        status=r.status,
        body=r.body,
        headers=r.headers,
        url=r.url,
        permanent_url=permanent,
        wire_bytes=r.wire_bytes,
    )


def _fetch_error(
    exc: netclient.HttpError,
    client: netclient.Client,
    max_bytes: int,
    deadline: float | None,
    started: float,
) -> FetchError:
    """The client's error in the words the user reads."""
    wire = exc.wire_bytes
    if isinstance(exc, netclient.TooLarge):
        size = f"{max_bytes / 1_000_000:g}".replace(".", ",")
        return FetchError(
            f"Réponse trop volumineuse (plus de {size} Mo une fois décompressée) :"
            " téléchargement arrêté",
            "too-large",
            wire,
            exc.announced,
        )
    if isinstance(exc, netclient.Cancelled):
        return FetchError("Actualisation annulée", "cancelled", wire)
    if isinstance(exc, netclient.ConnectError):
        return FetchError(f"Connexion impossible au serveur ({_reason(exc)})", "connect", wire)
    if isinstance(exc, netclient.SilenceTimeout):
        t = client.read_timeout
        return FetchError(
            f"Le serveur ne répond plus (aucune donnée reçue pendant {t:g} s)", "timeout", wire
        )
    if isinstance(exc, netclient.DeadlineExceeded):
        spent = max(0.0, (deadline or started) - started)
        return FetchError(
            f"Téléchargement abandonné : toujours pas fini après {spent:.0f} s"
            " (serveur ou connexion trop lents)",
            "deadline",
            wire,
        )
    if isinstance(exc, netclient.TooManyRedirects):
        return FetchError(f"Trop de redirections (plus de {netclient.MAX_REDIRECTS})", "http", wire)
    if isinstance(exc, netclient.DecodingError):
        return FetchError("Réponse compressée illisible", "other", wire)
    return FetchError(f"Erreur réseau : {_reason(exc)}", "other", wire)


@contextmanager
def _nullslot() -> Any:
    yield


def _reason(exc: BaseException) -> str:
    """The cause in plain French where it is a common one, else the library's words."""
    text = str(exc) or type(exc).__name__
    low = text.lower()
    if "name or service not known" in low or "nodename nor servname" in low or "getaddrinfo" in low:
        return "nom du serveur introuvable : pas de réseau ?"
    if "connection refused" in low:
        return "le serveur refuse la connexion"
    if "network is unreachable" in low:
        return "réseau injoignable"
    if "timed out" in low:
        return "délai dépassé"
    return text[:200]


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds or an HTTP date -> absolute time, or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return now + float(value)
    import email.utils

    try:
        dt = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if dt is None:
        return None
    return dt.timestamp()


def _fmt_clock(ts: float) -> str:
    return time.strftime("%H:%M", time.localtime(ts))


# --- per-source work (the refresh's threads) -----------------------------------------------------


@dataclass
class _Outcome:
    source: Source
    wire: int = 0
    update: SourceUpdate | None = None
    error: str = ""
    kind: str = ""
    http_status: int | None = None
    retry_until: float | None = None
    gone: bool = False
    images: int = 0  # pictures downloaded into the cache


class _Context:
    def __init__(
        self,
        client: netclient.Client,
        limiter: HostLimiter,
        image_dir: Path,
        fetch_full_articles: bool,
        max_bytes: int,
        cancel: threading.Event | None,
        deadline: float = SOURCE_DEADLINE,
        pictures: str = LEAD,
    ) -> None:
        self.client = client
        self.deadline = deadline  # s per source
        self.limiter = limiter
        self.image_dir = image_dir
        self.fetch_full_articles = fetch_full_articles
        self.max_bytes = max_bytes
        self.cancel = cancel
        self.pictures = pictures  # steps.LEAD or steps.NONE (data saver)
        self._failed_images: set[str] = set()
        self._too_large: dict[str, int | None] = {}  # with the size announced, if it was
        self._lock = threading.Lock()

    def get(self, url: str, max_bytes: int, headers: dict[str, str], deadline: float) -> HttpResult:
        return http_get(
            self.client,
            url,
            limiter=self.limiter,
            max_bytes=max_bytes,
            headers=headers,
            cancel=self.cancel,
            deadline=deadline,
        )

    def image(
        self, url: str, counter: list[int], deadline: float, announced: int | None = None
    ) -> str | clean.Later | None:
        """Cache one lead picture (`announced`: its size as the feed gives it); returns its
        cache name, Later (too big, or no time or room left: the reader may ask for it), or
        None (failed, not a picture, a pixel)."""
        name = clean.image_name(url)
        path = self.image_dir / name
        if path.exists():
            try:
                os.utime(path)
            except OSError:
                pass
            return name
        with self._lock:
            if url in self._failed_images:
                return None
            if url in self._too_large:
                counter[2] += 1
                return clean.Later(self._too_large[url])
        if announced is not None and announced > pictures.LEAD_MAX_BYTES:
            counter[2] += 1  # the feed says so: not even asked for
            return clean.Later(announced)
        if counter[0] >= MAX_IMAGES_PER_SOURCE or time.monotonic() >= deadline:
            return clean.Later()
        counter[0] += 1
        try:
            r = self.get(url, pictures.LEAD_MAX_BYTES, {"Accept": "image/*"}, deadline)
        except FetchError as exc:
            counter[1] += exc.wire_bytes
            if exc.kind == "too-large":  # announced (then not downloaded) or cut off
                counter[2] += 1
                with self._lock:
                    self._too_large[url] = exc.size
                return clean.Later(exc.size)
            if exc.kind in ("deadline", "cancelled"):  # (the picture itself is not at fault)
                return clean.Later()
            with self._lock:
                self._failed_images.add(url)
            return None
        counter[1] += r.wire_bytes
        if not pictures.is_picture(r.status, r.headers.get("content-type", ""), r.body):
            with self._lock:
                self._failed_images.add(url)
            return None
        _write_atomic(path, r.body)
        return name


def _write_atomic(path: Path, data: bytes) -> None:
    # a cached picture can be fetched again: no fsync for each one
    atomic_write_bytes(path, data, fsync=False)


def _cancelled(ctx: _Context, out: _Outcome) -> bool:
    if ctx.cancel is not None and ctx.cancel.is_set():
        out.error, out.kind = "Actualisation annulée", "cancelled"
        return True
    return False


# What a fetch needs from the database once its answer is in: the source's known entries
# (`NewsStore.known_entries`) and paragraph counts (`NewsStore.paragraph_counts`). The refresh
# reads them while the requests are on their way, not before sending them.
_Stored = Future[tuple[dict[tuple[str, str], KnownEntry], tuple[int, dict[str, int]]]]


def _fetch_source(ctx: _Context, source: Source, stored: _Stored) -> _Outcome:
    """One source: its feed, the pages of its summary-only articles, their lead pictures;
    what to store, or why not."""
    out = _Outcome(source)
    deadline = time.monotonic() + ctx.deadline  # the feed, its pages and pictures
    r = _fetch_feed(ctx, source, out, deadline)
    if r is None:
        return out
    known, paragraph_counts = stored.result()
    read = read_feed(
        r.body,
        r.url,
        r.headers.get("content-type", ""),
        known,
        paragraph_counts,
        ctx.fetch_full_articles,
        time.time(),
        ctx.pictures,
    )
    parsed = read.parsed
    if parsed.error:
        out.error = parsed.error
        if parsed.alternates:
            out.error += f" (flux proposé par la page : {parsed.alternates[0]})"
        out.kind = "not-feed"
        return out
    counter = [0, 0, 0]  # images downloaded, extra wire bytes (pages, images), images too big
    notes = [parsed.warning] if parsed.warning else []
    drafts = _with_pages(ctx, r.url, read, paragraph_counts, counter, notes, deadline, out)
    if drafts is None or not _with_lead_pictures(
        ctx, drafts, paragraph_counts, counter, deadline, out
    ):
        return out
    slots: list[tuple[int, PreparedArticle]] = list(read.known)
    for d in drafts:
        if d.article is None:
            log.warning("Article ignoré (%s, %s) : %s", source.id, d.entry.link, d.error)
        else:
            slots.append((d.index, d.article))
    out.wire += counter[1]
    out.images = counter[0]
    if counter[2]:
        notes.append(
            f"{counter[2]} image(s) de plus de {clean.size_text(pictures.LEAD_MAX_BYTES)}"
            " non téléchargée(s) (affichables sur demande)"
        )
    if time.monotonic() >= deadline:
        notes.append(
            f"temps accordé à la source dépassé ({ctx.deadline:g} s) :"
            " pages et images restantes non téléchargées"
        )
    out.update = SourceUpdate(
        source_id=source.id,
        articles=[a for _i, a in sorted(slots, key=lambda x: x[0])],
        etag=r.headers.get("etag"),
        last_modified=r.headers.get("last-modified"),
        http_status=200,
        new_url=r.permanent_url,
        warning=" ; ".join(notes),
        feed_title=parsed.title,
    )
    return out


def _fetch_feed(ctx: _Context, source: Source, out: _Outcome, deadline: float) -> HttpResult | None:
    """The feed, asked for with the validators of the last time; None when there is nothing
    to read (304, 410, Retry-After, an error), with what to store said in `out`."""
    headers = {"Accept": ACCEPT_FEED}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    try:
        r = ctx.get(source.url, ctx.max_bytes, headers, deadline)
    except FetchError as exc:
        out.wire, out.error, out.kind = exc.wire_bytes, str(exc), exc.kind
        return None
    out.wire = r.wire_bytes
    out.http_status = r.status
    now = time.time()
    if r.status == 304:
        out.update = SourceUpdate(
            source_id=source.id,
            articles=[],
            etag=r.headers.get("etag") or source.etag,
            last_modified=r.headers.get("last-modified") or source.last_modified,
            http_status=304,
            new_url=r.permanent_url,
            not_modified=True,
            warning=source.warning,
        )
        return None
    if r.status == 410:
        out.gone = True
        out.error = "Cette source n'existe plus (le serveur répond 410) : elle a été désactivée"
        return None
    if r.status in (429, 503):
        until = parse_retry_after(r.headers.get("retry-after"), now)
        if until is None and r.status == 429:
            until = now + DEFAULT_RETRY_AFTER
        if until is not None:
            out.retry_until = min(max(until, now), now + MAX_RETRY_AFTER)
            out.error = (
                f"Le serveur demande d'attendre ({r.status}) : "
                f"prochain essai après {_fmt_clock(out.retry_until)}"
            )
            out.kind = "waiting"
            return None
    if r.status != 200:
        out.error = f"Le serveur a répondu {r.status}"
        out.kind = "http"
        return None
    return r


def _with_pages(
    ctx: _Context,
    feed_url: str,
    read: FeedRead,
    paragraph_counts: tuple[int, dict[str, int]],
    counter: list[int],
    notes: list[str],
    deadline: float,
    out: _Outcome,
) -> list[Draft] | None:
    """The feed's cleaned articles, with those that only had a summary in it cleaned from
    their page (once: new articles only), in the order of the feed; None if cancelled."""
    drafts = read.drafts
    pages: list[tuple[Draft, bytes | None, str]] = []
    failed = 0
    for i, e in read.pages:
        if _cancelled(ctx, out):
            return None
        draft = Draft(i, e, feed_url, e.html, pictures=ctx.pictures)
        try:
            page = ctx.get(e.link, MAX_PAGE_BYTES, {"Accept": "text/html,*/*;q=0.5"}, deadline)
        except FetchError as exc:
            counter[1] += exc.wire_bytes
            if exc.kind == "cancelled":
                _cancelled(ctx, out)
                return None
            log.info("Page d'article non téléchargée (%s) : %s", e.link, exc)
            failed += 1
            pages.append((draft, None, ""))
            continue
        counter[1] += page.wire_bytes
        if page.status != 200:
            failed += 1
            pages.append((draft, None, ""))
        else:
            pages.append((draft, page.body, page.url))
    if failed:
        notes.append(f"{failed} page(s) d'article non téléchargée(s)")
    if pages:
        counts = with_keys(paragraph_counts, (d.article for d in drafts if d.article))
        drafts = drafts + clean_pages(pages, counts)
        drafts.sort(key=lambda d: d.index)
    return drafts


def _with_lead_pictures(
    ctx: _Context,
    drafts: list[Draft],
    paragraph_counts: tuple[int, dict[str, int]],
    counter: list[int],
    deadline: float,
    out: _Outcome,
) -> bool:
    """Download the lead pictures of the articles, in the order of the feed (`drafts` are
    updated in place); an article whose picture could not be had is cleaned again without
    it, or with its placeholder. False if cancelled."""
    redo: list[Draft] = []
    for d in drafts:
        if d.article is None:
            continue
        if _cancelled(ctx, out):
            return False
        failed: set[str] = set()
        later: dict[str, int | None] = {}
        for url in d.images:
            size = d.entry.image_size if url == d.entry.image_url else None
            got = ctx.image(url, counter, deadline, size)
            if isinstance(got, clean.Later):
                later[url] = got.size
            elif not got:
                failed.add(url)
        if failed or later:
            d.failed = d.failed | failed
            d.later = {**d.later, **later}
            redo.append(d)
    if redo:
        others = (d.article for d in drafts if d.article and d not in redo)
        redone = {d.index: d for d in clean_drafts(redo, with_keys(paragraph_counts, others))}
        drafts[:] = [redone.get(d.index, d) for d in drafts]
    return True


def _safe_fetch(ctx: _Context, source: Source, stored: _Stored) -> _Outcome:
    try:
        return _fetch_source(ctx, source, stored)
    except Exception as exc:  # noqa: BLE001 - reported per source, never a crash
        log.error("Erreur inattendue pour la source %s", source.id, exc_info=True)
        return _Outcome(source, error=f"Erreur inattendue : {exc}", kind="internal")


# --- the refresh --------------------------------------------------------------------------


def refresh(
    store: NewsStore,
    source_ids: Iterable[str] | None = None,
    *,
    force: bool = True,
    fetch_full_articles: bool = True,
    silence_timeout: float = 20.0,
    connect_timeout: float = 15.0,
    max_bytes: int = MAX_FEED_BYTES,
    max_workers: int = 32,
    per_host: int = 2,
    image_dir: Path | None = None,
    image_cache_max_bytes: int = IMAGE_CACHE_MAX_BYTES,
    progress: Callable[[SourceResult, int, int], None] | None = None,
    cancel: threading.Event | None = None,
    deadline: float = SOURCE_DEADLINE,
    data_saver: bool = False,
    meter: DataMeter | None = None,
) -> RefreshReport:
    """Fetch the given sources (default: every enabled one) and store what changed.

    `force=False` (automatic refresh) also honours our own error backoff; Retry-After from a
    server is honoured always. `progress(result, done, total)` is called on this thread after
    each source is stored. Never raises for network or feed problems: each source gets a
    result with status updated / not-modified / error.

    `deadline`: seconds for each source, its feed, pages and pictures all told; a feed not in
    by then is an error, pages and pictures not in by then are done without.

    `data_saver`: the feeds only, summaries as they come: no article page, no picture (each
    stays a placeholder the reader can ask for). What each source cost is added to `meter`
    (the user's data meter by default) as it is stored.
    """
    from maliradio import paths

    image_dir = image_dir or paths.image_cache_dir()
    image_dir.mkdir(parents=True, exist_ok=True)
    to_fetch, skipped = _sources_due(store, source_ids, force)
    tally = _Tally(len(to_fetch) + len(skipped), progress)
    for result in skipped:
        tally.emit(result)
    if not to_fetch:
        return tally.report
    ctx = _Context(
        make_client(silence_timeout=silence_timeout, connect_timeout=connect_timeout),
        HostLimiter(per_host), image_dir, fetch_full_articles and not data_saver, max_bytes,
        cancel, deadline, NONE if data_saver else LEAD,
    )  # fmt: skip
    try:
        failed = _fetch_and_store(store, to_fetch, ctx, max_workers, meter or DataMeter(), tally)
    finally:
        ctx.client.close()
    report = tally.report
    report.offline = tally.connect_failures == len(to_fetch)
    _record_failures(store, failed, report.offline)
    _record_offline(store, report.offline)
    if tally.pictures:
        _prune_pictures(store, image_dir, image_cache_max_bytes)
    return report


class _Tally:
    """The report as it fills, and the caller told of each result as it comes."""

    def __init__(
        self, total: int, progress: Callable[[SourceResult, int, int], None] | None
    ) -> None:
        self.report = RefreshReport()
        self.total = total
        self.progress = progress
        self.connect_failures = 0
        self.pictures = 0  # downloaded into the cache

    def emit(self, result: SourceResult) -> None:
        self.report.results.append(result)
        if self.progress is not None:
            self.progress(result, len(self.report.results), self.total)


def _sources_due(
    store: NewsStore, source_ids: Iterable[str] | None, force: bool
) -> tuple[list[Source], list[SourceResult]]:
    """The sources to fetch now, and the results of those not fetched (unknown, disabled,
    asked to wait by their server, or in backoff after errors when the refresh is automatic)."""
    now = time.time()
    all_sources = {s.id: s for s in store.list_sources()}
    skipped: list[SourceResult] = []
    if source_ids is None:
        chosen = [s for s in all_sources.values() if s.enabled]
    else:
        ids = list(dict.fromkeys(source_ids))
        chosen = [all_sources[i] for i in ids if i in all_sources]
        skipped = [
            SourceResult(i, ERROR, error="Source inconnue", kind="unknown")
            for i in ids
            if i not in all_sources
        ]
    to_fetch: list[Source] = []
    for s in chosen:
        if not s.enabled:
            skipped.append(SourceResult(s.id, ERROR, error="Source désactivée", kind="disabled"))
        elif s.retry_after_until and s.retry_after_until > now:
            error = "Le serveur a demandé d'attendre : prochain essai après " + _fmt_clock(
                s.retry_after_until
            )
            skipped.append(SourceResult(s.id, ERROR, error=error, kind="waiting"))
        elif not force and s.backoff_until and s.backoff_until > now:
            error = (
                f"En pause après des erreurs ; prochain essai après "
                f"{_fmt_clock(s.backoff_until)} ({s.error})"
            )
            skipped.append(SourceResult(s.id, ERROR, error=error, kind="backoff"))
        else:
            to_fetch.append(s)
    return to_fetch, skipped


def _fetch_and_store(
    store: NewsStore,
    sources: list[Source],
    ctx: _Context,
    max_workers: int,
    meter: DataMeter,
    tally: _Tally,
) -> list[_Outcome]:
    """Fetch the sources on a pool of threads and store each as it comes in, on this thread;
    then index the new articles for search, all at once. Returns the outcomes of the sources
    that failed (recorded once the refresh knows whether the network was down)."""
    failed: list[_Outcome] = []
    pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="news")
    try:
        with store.larger_cache(), store.deferred_search_index():
            stored: dict[str, _Stored] = {s.id: Future() for s in sources}
            futures = [pool.submit(_safe_fetch, ctx, s, stored[s.id]) for s in sources]
            for s in sources:  # read while the requests are on their way
                try:
                    stored[s.id].set_result(
                        (store.known_entries(s.id), store.paragraph_counts(s.id))
                    )
                except Exception as exc:  # noqa: BLE001 - that source reports it
                    stored[s.id].set_exception(exc)
            for fut in as_completed(futures):
                o = fut.result()
                tally.pictures += o.images
                meter.add("news", o.source.id, o.wire)  # (one short write: never raises)
                if o.update is None and not o.gone and o.retry_until is None:
                    tally.connect_failures += o.kind == "connect"
                    failed.append(o)
                tally.emit(_store_outcome(store, o))
            try:
                store.index_pending()
            except Exception:  # noqa: BLE001 - the store tries again on the way out
                log.warning("Indexation impossible pour l'instant", exc_info=True)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return failed


def _store_outcome(store: NewsStore, o: _Outcome) -> SourceResult:
    """Store what a source gave (its articles, or that it is gone or asked to wait); the
    result the user reads for it."""
    res = SourceResult(
        o.source.id, ERROR, bytes=o.wire, error=o.error, kind=o.kind, http_status=o.http_status
    )
    try:
        if o.update is not None:
            stats = store.apply_update(o.update)
            res.status = NOT_MODIFIED if o.update.not_modified else UPDATED
            res.new = stats.new if stats else 0
            res.updated = stats.updated if stats else 0
            res.warning = o.update.warning
            res.error = ""
        elif o.gone:
            store.record_gone(o.source.id, o.error)
        elif o.retry_until is not None:
            store.record_retry_after(o.source.id, o.retry_until, o.error, o.http_status or 0)
    except Exception as exc:  # noqa: BLE001 - e.g. disk full: per source
        log.error("Enregistrement impossible (%s)", o.source.id, exc_info=True)
        res.status, res.error, res.kind = ERROR, f"Enregistrement impossible : {exc}", "db"
    if res.status != ERROR and (res.new or res.updated):
        log.info("%s : %d nouveaux, %d mis à jour", o.source.id, res.new, res.updated)
    return res


def _record_failures(store: NewsStore, failed: list[_Outcome], offline: bool) -> None:
    """Each failed source's error, and its backoff, but when nothing at all could be reached:
    then the network is down, not the sources."""
    for o in failed:
        if o.kind == "cancelled":
            continue
        try:
            store.record_error(
                o.source.id, o.error, http_status=o.http_status, count_failure=not offline
            )
        except Exception:  # noqa: BLE001
            log.error("Enregistrement de l'erreur impossible (%s)", o.source.id, exc_info=True)


def _record_offline(store: NewsStore, offline: bool) -> None:
    """Since when the network is down (the window says so), or that it is up again."""
    try:
        if offline or store.get_meta("offline") is not None:  # (no write else)
            store.set_meta("offline", str(int(time.time())) if offline else None)
    except Exception:  # noqa: BLE001
        log.error("Enregistrement de l'état hors ligne impossible", exc_info=True)


def _prune_pictures(store: NewsStore, image_dir: Path, max_bytes: int) -> None:
    """Only a refresh that added pictures can take the cache over its size (the walk over
    its thousands of files is not for every refresh of unchanged feeds)."""
    try:
        keep = store.referenced_images(starred_only=True)
        prune_image_cache(image_dir, max_bytes, keep)
    except Exception:  # noqa: BLE001
        log.warning("Nettoyage du cache d'images impossible", exc_info=True)


# --- adding a source -----------------------------------------------------------------------


@dataclass
class DiscoveredFeed:
    feed_url: str
    title: str
    site_url: str


def normalize_url(url: str) -> str:
    url = url.strip()
    if "://" not in url:
        url = "https://" + url
    return url


def discover_feed(
    url: str,
    *,
    silence_timeout: float = 20.0,
    connect_timeout: float = 15.0,
    client: netclient.Client | None = None,
) -> DiscoveredFeed:
    """A feed URL or a site URL -> the feed (autodiscovery through the page's
    <link rel="alternate" type="application/rss+xml|atom+xml">). Raises FetchError."""
    url = normalize_url(url)
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise FetchError("Adresse invalide : donnez une adresse web (http ou https)", "other")
    own = client is None
    client = client or make_client(silence_timeout=silence_timeout, connect_timeout=connect_timeout)
    deadline = time.monotonic() + SOURCE_DEADLINE
    try:
        r = http_get(client, url, headers={"Accept": ACCEPT_FEED}, deadline=deadline)
        if r.status != 200:
            raise FetchError(f"Le serveur a répondu {r.status}", "http")
        ctype = r.headers.get("content-type", "")
        parsed = parse_feed(r.body, r.url, ctype)
        if not parsed.error:
            return DiscoveredFeed(r.url, parsed.title, parsed.site_url)
        candidates = feed_links(r.body, r.url) if looks_like_html(r.body, ctype) else []
        for cand in candidates[:5]:
            try:
                c = http_get(client, cand, headers={"Accept": ACCEPT_FEED}, deadline=deadline)
            except FetchError:
                continue
            if c.status != 200:
                continue
            p = parse_feed(c.body, c.url, c.headers.get("content-type", ""))
            if not p.error:
                return DiscoveredFeed(c.url, p.title, p.site_url or r.url)
        raise FetchError("Aucun flux d'actualités trouvé à cette adresse", "not-feed")
    finally:
        if own:
            client.close()
