"""Loopback RSS servers for the refresh figures: one StaticServer (tests/streamservers.py) per
feed, so 20 feeds look like 20 sites, each answering after an injected delay, with the
validators a real feed server sends (ETag, Last-Modified -> 304 Not Modified) and gzip when the
client asks for it. Counts wire bytes (headers + body) as well as body bytes."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime

import corpus

from streamservers import StaticServer, _StaticHandler


@dataclass
class Feed:
    path: str
    raw: bytes
    gz: bytes
    etag: str
    mtime: float


class _FeedHandler(_StaticHandler):
    def end_headers(self):
        buf = getattr(self, "_headers_buffer", None)
        if buf:
            self.owner._add_header_bytes(sum(len(b) for b in buf) + 2)
        super().end_headers()

    def do_GET(self):  # noqa: N802
        srv: FeedServer = self.owner
        feed = srv.feed
        if feed is None or self.path.split("?")[0] != feed.path:
            return super().do_GET()
        self._record()
        if srv.delay and not srv._wait(self.conn, srv.delay):
            self.close_connection = True
            return
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        fresh = False
        if inm is not None:
            fresh = feed.etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        elif ims:
            try:
                fresh = parsedate_to_datetime(ims).timestamp() >= int(feed.mtime)
            except (TypeError, ValueError):
                fresh = False
        common = {
            "ETag": feed.etag,
            "Last-Modified": formatdate(feed.mtime, usegmt=True),
            "Cache-Control": "max-age=300",
            "Vary": "Accept-Encoding",
        }
        if fresh:
            srv.not_modified += 1
            self.send_response(304)
            for k, v in common.items():
                self.send_header(k, v)
            self.end_headers()
            return
        use_gzip = "gzip" in self.headers.get("Accept-Encoding", "").lower()
        body = feed.gz if use_gzip else feed.raw
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        if use_gzip:
            self.send_header("Content-Encoding", "gzip")
        for k, v in common.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self._write(body)


class FeedServer(StaticServer):
    _handler_class = _FeedHandler

    def __init__(self, delay: float = 0.0):
        super().__init__(None, delay=delay)
        self.feed: Feed | None = None
        self.header_bytes = 0
        self.not_modified = 0

    def _add_header_bytes(self, n: int) -> None:
        with self._lock:
            self.header_bytes += n

    @property
    def wire_bytes(self) -> int:
        return self.header_bytes + self.bytes_sent

    def reset_counters(self) -> None:
        super().reset_counters()
        with self._lock:
            self.header_bytes = 0
            self.not_modified = 0

    def set_feed(self, index: int, items: int = 30, path: str = "/feed/") -> str:
        raw = corpus.rss_feed(index, self.url("/"), items=items)
        mtime = 1_764_000_000.0 - index * 60
        self.feed = Feed(path, raw, gzip.compress(raw, 6), f'"feed-{index}-v1"', mtime)
        return self.url(path)


def start_feeds(
    n: int = 20, delay: float = 0.3, items: int = 30
) -> tuple[list[FeedServer], list[str]]:
    servers, urls = [], []
    for i in range(n):
        srv = FeedServer(delay=delay).start()
        urls.append(srv.set_feed(i, items=items))
        servers.append(srv)
    return servers, urls
