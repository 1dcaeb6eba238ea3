"""The bench's internet, on loopback, behind the Sahel link (link.py).

* A certificate authority of our own (root -> intermediate -> one server certificate for every
  loopback address, as a real chain of two is sent), made with openssl in a temporary folder.
  The app trusts it through SSL_CERT_FILE; libVLC through `--gnutls-dir-trust`; curl through
  `--cacert`; mpv through `--tls-ca-file`.
* News sites (`Site`): 20 WordPress-like feeds on 14 hosts (several feeds share a host, as the
  category feeds of one paper do), over HTTPS with keep-alive and gzip, each item with a
  ~30 KB picture on the same host; two feeds give summaries only (the app fetches each new
  article's page); a quarter of the servers send no validators (ETag / Last-Modified), so
  their whole feed comes again on every refresh. Each feed has two versions: `v1` lists items
  2..31, `v2` items 0..29 (two new ones on top).
* Media: an Icecast MP3 stream (128 kbit/s) and an HLS TV channel (640x360 H.264 + AAC).

Every server is reached only through the link: each host gets a fixed loopback address
(127.0.1.N:8443, so stored feed URLs stay the same between runs) where the link listens and
passes the connections to the real server on a free port.
"""

from __future__ import annotations

import gzip
import html
import random
import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

import corpus
from _common import BENCH_DIR
from link import Link

from streamservers import IcecastServer, StaticServer, _StaticHandler

CACHE = BENCH_DIR / ".cache"
PORT = 8443
FEEDS_PER_HOST = [3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1]  # 20 feeds on 14 hosts
NO_VALIDATORS = {3, 7, 11, 15, 19}  # a quarter of the feeds (each on its own or shared host)
SUMMARY_ONLY = {9, 17}  # the app fetches the page of each new article
ITEMS = 30
NEW_PER_REFRESH = 2
ARCHIVE = 500  # items of the "archive" versions that fill a database through the app
ARCHIVE_PAGE = 200


def archive_windows(archive: int) -> list[int]:
    """The first item of each archive version, oldest first (the last starts at v1's first)."""
    if not archive:
        return []
    last = NEW_PER_REFRESH + archive - ARCHIVE_PAGE
    return sorted(
        {max(NEW_PER_REFRESH, last - k * ARCHIVE_PAGE) for k in range(archive // ARCHIVE_PAGE + 1)},
        reverse=True,
    )


NOW = 1_764_000_000.0  # feeds' dates are this moment shifted to the bench's start


# --- certificates ---------------------------------------------------------------------------


class Tls:
    """root CA -> intermediate -> one leaf for localhost and 127.0.0.0/8 addresses used."""

    def __init__(self, folder: Path, addresses: list[str]) -> None:
        self.dir = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.ca = folder / "ca.pem"
        self.ca_dir = folder / "trust"  # for libVLC's --gnutls-dir-trust: the root alone
        self.chain = folder / "chain.pem"
        self.key = folder / "leaf.key"

        def ossl(*args: str) -> None:
            subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

        ext = folder / "ext.cnf"
        sans = ",".join(["DNS:localhost", *(f"IP:{a}" for a in addresses)])
        ext.write_text(
            "[ca]\nbasicConstraints=critical,CA:TRUE,pathlen:0\n"
            "keyUsage=critical,keyCertSign,cRLSign\n"
            "[leaf]\nbasicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature,keyEncipherment\n"
            f"extendedKeyUsage=serverAuth\nsubjectAltName={sans}\n"
        )
        ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key",
             "-out", "ca.pem", "-days", "30", "-subj", "/CN=maliradio bench root",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")  # fmt: skip
        ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "inter.key", "-out", "inter.csr",
             "-subj", "/CN=maliradio bench R11")  # fmt: skip
        ossl("x509", "-req", "-in", "inter.csr", "-CA", "ca.pem", "-CAkey", "root.key",
             "-CAcreateserial", "-out", "inter.pem", "-days", "30", "-extfile", str(ext),
             "-extensions", "ca")  # fmt: skip
        ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr",
             "-subj", "/CN=localhost")  # fmt: skip
        ossl("x509", "-req", "-in", "leaf.csr", "-CA", "inter.pem", "-CAkey", "inter.key",
             "-CAcreateserial", "-out", "leaf.pem", "-days", "30", "-extfile", str(ext),
             "-extensions", "leaf")  # fmt: skip
        self.chain.write_bytes(
            (folder / "leaf.pem").read_bytes() + (folder / "inter.pem").read_bytes()
        )
        self.ca_dir.mkdir(exist_ok=True)
        shutil.copyfile(self.ca, self.ca_dir / "ca.pem")

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.chain, self.key)
        return ctx


class _TlsLater:
    """Servers whose TLS handshake runs on the connection's own thread (the stock server
    wraps the listening socket, so accept() would do each handshake in turn, one round trip
    of the link each)."""

    tls: ssl.SSLContext | None = None

    def start(self):
        super().start()  # type: ignore[misc]
        if self.tls is not None:
            httpd = self._httpd  # type: ignore[attr-defined]
            real_get, real_finish = httpd.get_request, httpd.finish_request
            tls = self.tls

            def get_request():
                sock, addr = real_get()
                return tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

            def finish_request(request, addr):  # on the connection's thread
                try:
                    request.do_handshake()
                except OSError:  # (ssl.SSLError is one)
                    return
                real_finish(request, addr)

            httpd.get_request, httpd.finish_request = get_request, finish_request
        return self


# --- news sites -------------------------------------------------------------------------------


@dataclass
class Feed:
    index: int
    path: str
    versions: dict[str, tuple[bytes, bytes, str, float]]  # raw, gzip, etag, mtime
    validators: bool


class _SiteHandler(_StaticHandler):
    def end_headers(self):
        self.send_header("Server", "nginx")
        super().end_headers()

    def do_GET(self):  # noqa: N802
        site: Site = self.owner
        path = self.path.split("?")[0]
        feed = site.feeds.get(path)
        gz_ok = "gzip" in self.headers.get("Accept-Encoding", "").lower()
        if feed is None:
            page = site.pages.get(path)
            if page is None:
                return super().do_GET()  # the pictures
            self._record()
            body = page[1] if gz_ok else page[0]
            extra = {"Content-Encoding": "gzip"} if gz_ok else {}
            self._send_body(
                200, "text/html; charset=UTF-8", body, {**extra, "Vary": "Accept-Encoding"}, False
            )
            return
        self._record()
        raw, gz, etag, mtime = feed.versions[site.version]
        validators = feed.validators or site.all_validators
        if validators:
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            fresh = False
            if inm is not None:
                fresh = etag in [t.strip() for t in inm.split(",")]
            elif ims:
                try:
                    fresh = parsedate_to_datetime(ims).timestamp() >= int(mtime)
                except (TypeError, ValueError):
                    fresh = False
            common = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
        else:
            fresh, common = False, {}
        common["Cache-Control"] = "max-age=300"
        common["Vary"] = "Accept-Encoding"
        if fresh:
            self.send_response(304)
            for k, v in common.items():
                self.send_header(k, v)
            self.end_headers()
            return
        if gz_ok:
            common["Content-Encoding"] = "gzip"
        self._send_body(
            200, "application/rss+xml; charset=UTF-8", gz if gz_ok else raw, common, False
        )


class Site(_TlsLater, StaticServer):
    """One news host: its feeds, their pictures and (summary feeds) article pages."""

    _handler_class = _SiteHandler

    def __init__(self, name: str, tls: ssl.SSLContext) -> None:
        super().__init__(None)
        self.name = name
        self.tls = tls
        self.feeds: dict[str, Feed] = {}
        self.pages: dict[str, tuple[bytes, bytes]] = {}
        self.version = "v1"
        self.all_validators = False


def picture_bytes() -> bytes:
    """A ~30 KB JPEG (a 640x360 test card), made once by ffmpeg."""
    path = CACHE / "picture-30k-v2.jpg"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        from testmedia import ffmpeg

        # a test card with grain (a photo's detail): 31 KB at this quality
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360,noise=alls=11:allf=t", "-frames:v",
               "1", "-q:v", "6", str(path))  # fmt: skip
    return path.read_bytes()


def _item(index: int, i: int, site: str, now: float, summary: bool) -> tuple[str, str]:
    """(item XML, article page HTML) for item `i` of feed `index` (the same in every version);
    items past the feed's usual 32 (the archive) have no picture."""
    rnd = random.Random(index * 1000 + i)
    title = corpus.title(rnd)
    slug = f"{site}/2025/11/article-{index}-{i}/"
    body = corpus.article_html(rnd)
    if i < ITEMS + NEW_PER_REFRESH:
        pic = f"{site}/wp-content/uploads/2025/11/photo-{index}-{i}.jpg"
        body = (
            f'<figure class="wp-block-image"><img src="{pic}" width="640" height="360" '
            f'alt="{html.escape(title)}"/></figure>\n' + body
        )
    excerpt = html.escape(corpus.sentence(rnd, 20, 35))
    pub = formatdate(now - i * 1800 - index * 60, usegmt=True)
    parts = [
        "<item>",
        f"<title>{html.escape(title)}</title>",
        f"<link>{slug}</link>",
        f"<dc:creator><![CDATA[Rédaction {rnd.randint(1, 9)}]]></dc:creator>",
        f"<pubDate>{pub}</pubDate>",
        f"<category><![CDATA[{rnd.choice(corpus.NEWS)}]]></category>",
        f'<guid isPermaLink="false">{site}/?p={index * 10000 + i}</guid>',
        f"<description><![CDATA[{excerpt} [&#8230;]]]></description>",
    ]
    if not summary:
        parts.append(f"<content:encoded><![CDATA[{body}]]></content:encoded>")
    parts.append("</item>")
    nav = "".join(f'<li><a href="{site}/category/{w}/">{w}</a></li>' for w in corpus.NEWS[:60])
    page = (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title></head><body><header><nav><ul>{nav}</ul></nav></header><main><article>"
        f'<h1>{html.escape(title)}</h1><div class="entry-content">{body}</div></article></main>'
        f"<aside>{corpus.article_html(random.Random(index))}</aside><footer>© {site}</footer>"
        "</body></html>"
    )
    return "\n".join(parts), page


def _feed(index: int, site: str, now: float, items: list[str], first: int) -> tuple:
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"<title>Journal {index}</title>",
        f"<link>{site}/</link>",
        "<description>L'actualité du Sahel en continu</description>",
        f"<lastBuildDate>{formatdate(now - first * 1800, usegmt=True)}</lastBuildDate>",
        "<language>fr-FR</language>",
        "<generator>https://wordpress.org/?v=6.4.2</generator>",
    ]
    raw = "\n".join([*head, *items, "</channel>", "</rss>", ""]).encode()
    mtime = now - first * 1800
    return raw, gzip.compress(raw, 6), f'"{index}-{len(items)}-{first}"', mtime


def feed_versions(
    index: int, site: str, now: float, summary: bool, archive: int = 0
) -> tuple[dict, dict]:
    """v1 (items 2..31), v2 (items 0..29) and, with `archive`, "archive0", "archive1"...: items
    2..archive+1 (v1's and older ones) 200 at a time, oldest first, to fill a database through
    the app's refresh (it reads 200 entries of a feed at most)."""
    n = max(ITEMS + NEW_PER_REFRESH, archive + NEW_PER_REFRESH)
    items = [_item(index, i, site, now, summary) for i in range(n)]
    xml = [x for x, _page in items]
    versions = {
        "v1": _feed(
            index, site, now, xml[NEW_PER_REFRESH : NEW_PER_REFRESH + ITEMS], NEW_PER_REFRESH
        ),
        "v2": _feed(index, site, now, xml[:ITEMS], 0),
    }
    for k, first in enumerate(archive_windows(archive)):
        versions[f"archive{k}"] = _feed(index, site, now, xml[first : first + ARCHIVE_PAGE], first)
    pages = {}
    if summary:
        for i, (_x, page) in enumerate(items):
            raw = page.encode()
            pages[f"/2025/11/article-{index}-{i}/"] = (raw, gzip.compress(raw, 6))
    return versions, pages


# --- the whole network -------------------------------------------------------------------------


class Network:
    """The link, the certificate authority, and the servers behind the link."""

    def __init__(self, tmp: Path, link: Link | None = None) -> None:
        self.link = link or Link()
        self.hosts = [f"127.0.1.{i + 1}" for i in range(len(FEEDS_PER_HOST) + 2)]
        self.tls = Tls(tmp / "tls", ["127.0.0.1", *self.hosts])
        self.sites: list[Site] = []
        self.feed_urls: list[str] = []  # in feed index order
        self.feed_site: list[Site] = []
        self.media: dict[str, object] = {}
        self.base: dict[str, str] = {}  # route name -> https://ADDRESS:PORT
        self.now = time.time() // 86400 * 86400  # stable for a day: cached databases match
        self._lock = threading.Lock()

    def start(self) -> Network:
        self.link.start()
        return self

    def stop(self) -> None:
        for s in [*self.sites, *self.media.values()]:
            s.stop()  # type: ignore[attr-defined]
        self.link.stop()

    def _route(self, name: str, server, host: str) -> str:
        try:
            port = self.link.route(name, "127.0.0.1", server.port, listen=(host, PORT))
        except OSError:  # taken: any free port (the cached databases are then rebuilt)
            port = self.link.route(name, "127.0.0.1", server.port, listen=(host, 0))
        self.base[name] = f"https://{host}:{port}"
        return self.base[name]

    def start_sites(self, archive: int = 0) -> list[str]:
        ctx = self.tls.server_context()
        pic = picture_bytes()
        index = 0
        for h, n in enumerate(FEEDS_PER_HOST):
            site = Site(f"site{h:02d}", ctx).start()
            base = self._route(site.name, site, self.hosts[h])
            self.sites.append(site)
            for k in range(n):
                summary = index in SUMMARY_ONLY
                versions, pages = feed_versions(index, base, self.now, summary, archive)
                path = "/feed/" if k == 0 else f"/category/rubrique-{k}/feed/"
                site.feeds[path] = Feed(index, path, versions, index not in NO_VALIDATORS)
                site.pages.update(pages)
                for i in range(ITEMS + NEW_PER_REFRESH):
                    site.add_route(
                        f"/wp-content/uploads/2025/11/photo-{index}-{i}.jpg", pic, "image/jpeg"
                    )
                self.feed_urls.append(base + path)
                self.feed_site.append(site)
                index += 1
        return self.feed_urls

    def set_version(self, version: str) -> None:
        for s in self.sites:
            s.version = version

    def set_all_validators(self, on: bool) -> None:
        for s in self.sites:
            s.all_validators = on

    def requests(self) -> list[tuple[str, dict[str, str]]]:
        """(URL, request headers) of every request the sites got since `reset_counters`."""
        out = []
        for s in self.sites:
            with s._lock:
                out += [(self.base[s.name] + p, h) for p, h in s.requests]
        return out

    def reset_counters(self) -> None:
        for s in self.sites:
            s.reset_counters()
        self.link.reset_counters()

    # media
    def start_icecast(self, mp3: Path, titles) -> str:
        ice = _Icecast(mp3, titles=titles)
        ice.tls = self.tls.server_context()
        ice.start()
        self.media["icecast"] = ice
        return self._route("icecast", ice, self.hosts[-2]) + ice.path

    def start_hls(self, folder: Path) -> str:
        hls = _Hls(folder)
        hls.tls = self.tls.server_context()
        hls.start()
        self.media["hls"] = hls
        return self._route("hls", hls, self.hosts[-1]) + "/index.m3u8"

    def fixed_addresses(self) -> bool:
        """Whether every site listens at its usual address (the cached homes hold them)."""
        return all(self.base[s.name].endswith(f":{PORT}") for s in self.sites)

    # environment of the processes that reach these servers
    def client_env(self) -> dict[str, str]:
        return {"SSL_CERT_FILE": str(self.tls.ca), "CURL_CA_BUNDLE": str(self.tls.ca)}

    def vlc_tls_args(self) -> str:
        return f"--gnutls-dir-trust={self.tls.ca_dir}"


class _Icecast(_TlsLater, IcecastServer):
    pass


class _Hls(_TlsLater, StaticServer):
    pass


def make_tv(folder: Path, seconds: int = 90) -> Path:
    """An HLS TV channel as a mobile viewer gets it: 640x360 H.264 (~400 kbit/s, 25 fps) and
    AAC stereo (64 kbit/s), 4 s segments; `seconds` long (a VOD list: the bench plays less
    than that). Made once by ffmpeg, cached in bench/.cache."""
    out = CACHE / f"tv-{seconds}s"
    if not (out / "index.m3u8").exists():
        from testmedia import ffmpeg

        tmp = CACHE / f"tv-{seconds}s.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        ffmpeg(
            "-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=25:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
            "-c:v", "libx264", "-preset", "veryfast", "-b:v", "400k", "-maxrate", "450k",
            "-bufsize", "900k", "-pix_fmt", "yuv420p", "-g", "50", "-keyint_min", "50",
            "-sc_threshold", "0", "-c:a", "aac", "-b:a", "64k", "-ar", "44100", "-ac", "2",
            "-f", "hls", "-hls_time", "4", "-hls_list_size", "0",
            "-hls_segment_filename", str(tmp / "seg%03d.ts"), str(tmp / "index.m3u8"),
        )  # fmt: skip
        shutil.rmtree(out, ignore_errors=True)
        tmp.rename(out)
    if folder != out:
        shutil.copytree(out, folder, dirs_exist_ok=True)
    return folder


def curl_fetch(net: Network, requests: list[tuple[str, dict[str, str]]], folder: Path) -> dict:
    """`curl --parallel` fetching `requests` (the app's own, with its conditional headers),
    compression on, through the link: the time the network itself needs for those bytes."""
    cfg = folder / "curl.cfg"
    lines = ["parallel", "parallel-max = 64", "parallel-immediate"]
    for i, (url, headers) in enumerate(requests):
        if i:
            lines.append("next")
        lines += [f'url = "{url}"', "compressed", f'cacert = "{net.tls.ca}"',
                  'output = "/dev/null"',
                  "silent", 'user-agent = "curl"']  # fmt: skip
        for k in ("if-none-match", "if-modified-since", "accept"):
            if k in headers:
                v = headers[k].replace('"', '\\"')
                lines.append(f'header = "{k}: {v}"')
    cfg.write_text("\n".join(lines) + "\n")
    net.link.reset_counters()
    t0 = time.monotonic()
    proc = subprocess.run(["curl", "-K", str(cfg)], capture_output=True, text=True, timeout=600)
    took = time.monotonic() - t0
    tot = net.link.totals("site")
    return {"s": took, "requests": len(requests), "exit": proc.returncode,
            "stderr": proc.stderr[-500:], "bytes_up": tot["up"], "bytes_down": tot["down"],
            "connections": tot["connections"]}  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
