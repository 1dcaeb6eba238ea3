"""Loopback HTTP server and generated feeds for the news tests (nothing leaves 127.0.0.1)."""

from __future__ import annotations

import gzip
import html
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

BASE_TS = 1_790_000_000  # a fixed date (2026-09-21), for Last-Modified
ANCHOR = time.time() - 2 * 86400  # item n is published at ANCHOR + n * 10 min


def rfc822(ts: float) -> str:
    return formatdate(ts, usegmt=True)


def iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


@dataclass
class Item:
    n: int
    title: str
    body: str  # HTML
    link: str = ""
    guid: str | None = None
    ts: float = 0.0
    summary: str | None = None  # for WordPress: description + content:encoded
    enclosure: tuple[str, int | None] | None = None  # an image enclosure: (URL, its length)


def make_items(base_url: str, count: int, prefix: str = "Article", start: int = 1, body=None):
    items = []
    for i in range(start, start + count):
        b = (
            body(i)
            if body
            else (
                f"<p>Nouvelle {i} : la saison des pluies arrive à Bamako, "
                f"Ouagadougou et Niamey.</p><p>Deuxième paragraphe numéro {i}.</p>"
            )
        )
        items.append(
            Item(
                n=i,
                title=f"{prefix} {i}",
                body=b,
                link=f"{base_url}/a/{prefix.lower()}-{i}",
                guid=f"urn:{prefix.lower()}:{i}",
                ts=ANCHOR + 600 * i,
            )
        )
    return items


def rss20(
    items: list[Item],
    title: str = "Flux test",
    encoding: str = "utf-8",
    content_encoded: bool = False,
) -> str:
    parts = [
        f'<?xml version="1.0" encoding="{encoding}"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">',
        f"<channel><title>{html.escape(title)}</title><link>http://127.0.0.1/</link>"
        "<description>test</description>",
    ]
    for it in items:
        parts.append("<item>")
        parts.append(f"<title>{html.escape(it.title)}</title>")
        if it.link:
            parts.append(f"<link>{html.escape(it.link)}</link>")
        if it.guid:
            parts.append(f'<guid isPermaLink="false">{html.escape(it.guid)}</guid>')
        if it.ts:
            parts.append(f"<pubDate>{rfc822(it.ts)}</pubDate>")
        if it.enclosure:
            url, length = it.enclosure
            size = f' length="{length}"' if length is not None else ""
            parts.append(f'<enclosure url="{html.escape(url)}"{size} type="image/png"/>')
        if content_encoded:
            parts.append(f"<description>{html.escape(it.summary or it.title)}</description>")
            parts.append(f"<content:encoded><![CDATA[{it.body}]]></content:encoded>")
        else:
            parts.append(f"<description>{html.escape(it.body)}</description>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts)


def atom(items: list[Item], title: str = "Atom test") -> str:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{html.escape(title)}</title><id>urn:test:atom</id>"
        f"<updated>{iso(time.time())}</updated>",
    ]
    for it in items:
        parts.append(
            f"<entry><title>{html.escape(it.title)}</title><id>{html.escape(it.guid or '')}</id>"
            f'<link rel="alternate" href="{html.escape(it.link)}"/>'
            f"<updated>{iso(it.ts)}</updated><published>{iso(it.ts)}</published>"
            f'<content type="html">{html.escape(it.body)}</content></entry>'
        )
    parts.append("</feed>")
    return "\n".join(parts)


def rdf(items: list[Item], title: str = "RDF test") -> str:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        f'<channel rdf:about="http://127.0.0.1/"><title>{html.escape(title)}</title>'
        "<link>http://127.0.0.1/</link><description>t</description><items><rdf:Seq>",
    ]
    parts += [f'<rdf:li rdf:resource="{html.escape(it.link)}"/>' for it in items]
    parts.append("</rdf:Seq></items></channel>")
    for it in items:
        parts.append(
            f'<item rdf:about="{html.escape(it.link)}"><title>{html.escape(it.title)}</title>'
            f"<link>{html.escape(it.link)}</link><description>{html.escape(it.body)}</description>"
            f"<dc:date>{iso(it.ts)}</dc:date></item>"
        )
    parts.append("</rdf:RDF>")
    return "\n".join(parts)


def article_page(title: str, paragraphs: list[str], img: str | None = None) -> str:
    """A web page with navigation, sidebar and footer around the article."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    fig = f'<figure><img src="{img}" alt="photo"></figure>' if img else ""
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        "<script>track()</script></head><body>"
        "<header><nav><a href='/'>Accueil</a> <a href='/politique'>Politique</a></nav></header>"
        "<div class='sidebar'><h3>Les plus lus</h3><ul><li><a href='/x'>Autre</a></li></ul></div>"
        f"<article><h1>{title}</h1>{body}{fig}</article>"
        "<footer><p>© 2026 Le Site. Tous droits réservés.</p></footer></body></html>"
    )


# --- a tiny PNG ---------------------------------------------------------------------------


def png(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


# --- server --------------------------------------------------------------------------------


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


class _Counted:
    """A handler's rfile or wfile, counting the bytes that go through it (`count(n)`)."""

    def __init__(self, f: Any, count: Callable[[int], None]) -> None:
        self._f, self._count = f, count

    def write(self, data: bytes) -> int:
        n = self._f.write(data)
        self._count(len(data))
        return n

    def readline(self, *args: Any) -> bytes:
        line = self._f.readline(*args)
        self._count(len(line))
        return line

    def read(self, *args: Any) -> bytes:
        data = self._f.read(*args)
        self._count(len(data))
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._f, name)


class FeedServer:
    """Threaded HTTP server on 127.0.0.1, port 0. Routes are set per path (query included).

    Counts what crossed its sockets: `bytes_out` (status lines, headers and bodies written),
    `bytes_in` (the requests read)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[str, dict[str, str]]] = []
        self.stop_event = threading.Event()
        self.sent: dict[str, threading.Event] = {}  # set by slow_handler once a body is out
        self.bytes_out = 0
        self.bytes_in = 0
        self._lock = threading.Lock()
        server = self

        def count_out(n: int) -> None:
            with server._lock:
                server.bytes_out += n

        def count_in(n: int) -> None:
            with server._lock:
                server.bytes_in += n

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def setup(self) -> None:
                super().setup()
                self.rfile = _Counted(self.rfile, count_in)  # type: ignore[assignment]
                self.wfile = _Counted(self.wfile, count_out)  # type: ignore[assignment]

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                with server._lock:
                    server.log.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                    route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.handler is not None:
                    route.handler(self)
                    return
                server.respond(self, route)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def set(self, path: str, body: str | bytes = b"", **kw: Any) -> Route:
        if isinstance(body, str):
            body = body.encode("utf-8")
        route = Route(body=body, **kw)
        with self._lock:
            self.routes[path] = route
        return route

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for p, _ in self.log if p == path)

    def requests(self, path: str) -> list[dict[str, str]]:
        with self._lock:
            return [h for p, h in self.log if p == path]

    @staticmethod
    def respond(h: BaseHTTPRequestHandler, route: Route) -> None:
        if route.status == 200:
            inm = h.headers.get("If-None-Match")
            ims = h.headers.get("If-Modified-Since")
            if (route.etag and inm == route.etag) or (
                route.last_modified and not route.etag and ims == route.last_modified
            ):
                h.send_response(304)
                if route.etag:
                    h.send_header("ETag", route.etag)
                h.end_headers()
                return
        body = route.body
        h.send_response(route.status)
        h.send_header("Content-Type", route.content_type)
        if route.etag:
            h.send_header("ETag", route.etag)
        if route.last_modified:
            h.send_header("Last-Modified", route.last_modified)
        for k, v in route.headers.items():
            h.send_header(k, v)
        if route.gzip and "gzip" in (h.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body)
            h.send_header("Content-Encoding", "gzip")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        try:
            h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


def stall_handler(server: FeedServer, first: bytes = b"<?xml version='1.0'?><rss"):
    """Headers and a few bytes, then silence until the server stops."""

    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.end_headers()
        try:
            h.wfile.write(first)
            h.wfile.flush()
        except OSError:
            return
        server.stop_event.wait(30)

    return handle


def huge_handler(total: int = 50_000_000):
    """An endless-looking feed: writes until the client hangs up (or `total` bytes)."""

    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.end_headers()
        chunk = b"<!-- " + b"x" * 65_000 + b" -->\n"
        sent = 0
        try:
            h.wfile.write(b"<?xml version='1.0'?><rss version='2.0'><channel>")
            while sent < total:
                h.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass

    return handle


def slow_handler(server: FeedServer, body: bytes, delay: float):
    """Sends the feed after `delay` seconds (or when the server stops); then sets
    `server.sent[path]`."""

    def handle(h: BaseHTTPRequestHandler) -> None:
        done = server.sent.setdefault(h.path, threading.Event())
        if server.stop_event.wait(delay):
            return
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        try:
            h.wfile.write(body)
            h.wfile.flush()
        except OSError:
            pass
        done.set()

    return handle


def refresh_process(home: Path, text: bool = False) -> subprocess.Popen:
    """`maliradio news refresh --json --no-full-text` in its own process, on `home`, its JSON
    lines on stdout (the refresh the news pane starts; the tests kill it)."""
    code = (
        "import argparse, sys\n"
        "from maliradio.news import cli\n"
        "p = argparse.ArgumentParser(); cli.register(p.add_subparsers())\n"
        "a = p.parse_args(sys.argv[1:]); sys.exit(a.func(a))\n"
    )
    src = Path(__file__).resolve().parents[2] / "src"
    env = dict(os.environ, MALIRADIO_HOME=str(home), PYTHONPATH=str(src))
    return subprocess.Popen(
        [sys.executable, "-c", code, "news", "refresh", "--json", "--no-full-text"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=text,
    )  # fmt: skip


# --- pictures of a given weight -------------------------------------------------------------


def photo(size: int, seed: int = 0) -> bytes:
    """A PNG of exactly `size` bytes that any decoder reads (80x45 pixels of noise, then a
    private chunk of noise that decoders skip), as heavy on the wire as a photo that size."""
    import random
    import struct
    import zlib

    rnd = random.Random(seed)

    def chunk(kind: bytes, data: bytes) -> bytes:
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    w, h = 80, 45
    raw = b"".join(b"\x00" + rnd.randbytes(3 * w) for _ in range(h))
    head = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    pixels = chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    pad = size - len(head) - len(pixels) - 12
    assert pad >= 0, f"{size} bytes is too small for a photo"
    return head + chunk(b"prVt", rnd.randbytes(pad)) + pixels


def unannounced_handler(body: bytes, content_type: str = "image/png"):
    """`body` with no Content-Length (the end of the connection ends it), as servers that
    stream do: only by reading does the client learn how big it is."""

    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.end_headers()
        try:
            for i in range(0, len(body), 16_384):
                h.wfile.write(body[i : i + 16_384])
        except OSError:
            pass

    return handle
