"""Serve an HLS stream to libVLC through the app, on loopback.

libVLC follows whatever addresses an HLS manifest names. A manifest is written by whoever
serves it (or sits on a plain-HTTP path), so the app reads it first: every address in it is
rewritten to go through this gateway, and an address that is not http(s), or that points into
this computer or its local network when the station itself is not there, is refused (libVLC
gets a 403 for it and the player says why). Passing the bytes through also counts them (the
data a TV stream costs), and lets the data saver keep only the lightest variant.

The gateway adds no round trip: the manifest is fetched when libVLC asks for it, rewritten and
handed over; segments stream through as they arrive, on kept connections to the station's
server (urllib3, the app's TLS and proxy set-up from `maliradio.net`).
"""

from __future__ import annotations

import http.server
import ipaddress
import logging
import re
import secrets
import socket
import threading
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3 import exceptions as u3

from maliradio import net
from maliradio.catalog import playlists
from maliradio.playback import threads
from maliradio.playback.net import USER_AGENT

log = logging.getLogger("maliradio.player")

MANIFEST_CAP = 1024 * 1024  # a manifest is a few KB; a bigger one is not a manifest
CHUNK = 64 * 1024
_URI_ATTR = re.compile(r'URI="([^"]*)"')
_ATTR = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')
_AUDIO_CODECS = ("mp4a", "ac-3", "ec-3", "opus", "mp3", "flac")


def _private(host: str) -> bool:
    """Loopback, local-network, link-local or otherwise non-public address (or name)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith((".localhost", ".local")):
        return True
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not addr.is_global


def _resolves_private(host: str, port: int) -> bool:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return False  # the fetch will fail on its own, with its own message
    return any(_private(str(info[4][0])) for info in infos)


@dataclass
class _Target:
    url: str
    manifest: bool  # a playlist to rewrite (else bytes passed through)


class HlsGateway:
    """libVLC opens `self.url`; everything it fetches then comes through here."""

    def __init__(
        self,
        url: str,
        *,
        user_agent: str | None = None,
        referrer: str | None = None,
        lowest_variant: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.entry = url
        self.lowest_variant = lowest_variant
        self.bytes_in = 0  # received from the network: bodies and (near enough) headers
        self.reported = 0  # of those, already counted by the player's data meter
        self.refused: list[str] = []  # addresses a manifest named and the gateway refused
        self.not_hls = False  # the entry answered something that is not an HLS manifest
        self._headers = {"User-Agent": user_agent or USER_AGENT, "Accept": "*/*"}
        if referrer:
            self._headers["Referer"] = referrer
        p = urlsplit(url)
        self._entry_origin = (p.hostname or "", p.port or (443 if p.scheme == "https" else 80))
        self._entry_private = _private(self._entry_origin[0]) or _resolves_private(
            *self._entry_origin
        )
        self._checked_hosts: dict[tuple[str, int], bool] = {}
        self._targets: list[_Target] = [_Target(url, manifest=True)]
        self._ids: dict[str, int] = {url: 0}
        self._lock = threading.Lock()
        proxy = net.proxy_for(url)
        self._pool = net.pool_manager(
            connect_timeout=timeout, read_timeout=timeout, proxy=proxy, maxsize=4
        )
        self._token = secrets.token_urlsafe(18)
        self._server = _Server(self)
        self.port = self._server.server_address[1]
        self.url = self._local(0, url)
        self._thread = threads.start("hls-gateway", self._server.serve_forever)

    def close(self) -> None:
        self._server.shutdown()
        self._server.close_all()
        self._server.server_close()
        self._pool.clear()

    # --- addresses ----------------------------------------------------------------------

    def _local(self, ident: int, upstream: str) -> str:
        """The address libVLC is given for target `ident`: the upstream file name is kept (its
        extension tells libVLC what it is)."""
        name = urlsplit(upstream).path.rsplit("/", 1)[-1] or "index"
        name = re.sub(r"[^A-Za-z0-9._-]", "_", name)[-80:]
        return f"http://127.0.0.1:{self.port}/{self._token}/{ident}/{name}"

    def _allowed(self, url: str) -> str | None:
        """Why `url` may not be fetched, or None when it may."""
        p = urlsplit(url)
        if p.scheme not in ("http", "https") or not p.hostname:
            return "adresse non web"
        origin = (p.hostname, p.port or (443 if p.scheme == "https" else 80))
        if origin == self._entry_origin:
            return None
        private = self._checked_hosts.get(origin)
        if private is None:
            private = _private(origin[0]) or _resolves_private(*origin)
            self._checked_hosts[origin] = private
        if private:
            return "adresse locale"
        return None

    def _map(self, uri: str, base: str, manifest: bool) -> str:
        try:
            url = urljoin(base, uri.strip())
        except ValueError:
            url = uri
        why = self._allowed(url)
        if why is not None:
            with self._lock:
                self.refused.append(url)
            log.warning("HLS : %s refusée (%s)", url[:200], why)
            return f"http://127.0.0.1:{self.port}/{self._token}/refused"
        with self._lock:
            ident = self._ids.get(url)
            if ident is None:
                ident = self._ids[url] = len(self._targets)
                self._targets.append(_Target(url, manifest))
        return self._local(ident, url)

    # --- manifests ----------------------------------------------------------------------

    def rewrite(self, text: str, base: str) -> str:
        """`text`, a manifest fetched from `base`, with every address going through here."""
        lines = text.splitlines()
        if self.lowest_variant:
            lines = _lightest_variant(lines)
        out: list[str] = []
        next_is_playlist = False
        for line in lines:
            stripped = line.strip()
            if not stripped:
                continue
            if stripped.startswith("#"):
                upper = stripped.upper()
                if upper.startswith(("#EXT-X-STREAM-INF", "#EXT-X-I-FRAME-STREAM-INF")):
                    next_is_playlist = upper.startswith("#EXT-X-STREAM-INF")
                is_media = upper.startswith(("#EXT-X-MEDIA:", "#EXT-X-I-FRAME-STREAM-INF"))

                def attr(m: re.Match[str], media: bool = is_media) -> str:
                    return f'URI="{self._map(m.group(1), base, media)}"'

                out.append(_URI_ATTR.sub(attr, stripped))
                continue
            out.append(self._map(stripped, base, next_is_playlist))
            next_is_playlist = False
        return "\n".join(out) + "\n"

    # --- fetching -----------------------------------------------------------------------

    def target(self, ident: int) -> _Target | None:
        with self._lock:
            return self._targets[ident] if 0 <= ident < len(self._targets) else None

    def open(self, url: str, extra: dict[str, str]) -> tuple[urllib3.BaseHTTPResponse, str]:
        """GET `url` upstream (redirects followed, each checked like a manifest's address):
        the answer and its final address."""
        for _ in range(6):
            resp = self._pool.urlopen(
                "GET",
                url,
                headers={**self._headers, **extra},
                redirect=False,
                preload_content=False,
                decode_content=False,
            )
            self._count(resp, 0)
            location = resp.get_redirect_location()
            if not location:
                return resp, url
            resp.release_conn()
            url = urljoin(url, location)
            why = self._allowed(url)
            if why is not None:
                with self._lock:
                    self.refused.append(url)
                raise PermissionError(f"redirection refusée vers {url[:200]} ({why})")
        raise u3.MaxRetryError(self._pool, url, "trop de redirections")  # type: ignore[arg-type]

    def _count(self, resp: urllib3.BaseHTTPResponse | None, body: int) -> None:
        n = body
        if resp is not None:
            n += 16 + sum(len(k) + len(v) + 4 for k, v in resp.headers.items())
        with self._lock:
            self.bytes_in += n


def _lightest_variant(lines: list[str]) -> list[str]:
    """A master playlist with only its lightest variant: an audio-only one where there is one,
    else the lowest BANDWIDTH. Other playlists come back as they are."""
    variants: list[tuple[int, int]] = []  # (index of the #EXT-X-STREAM-INF line, its URI line)
    for i, line in enumerate(lines):
        if line.strip().upper().startswith("#EXT-X-STREAM-INF"):
            j = i + 1
            while j < len(lines) and (not lines[j].strip() or lines[j].lstrip().startswith("#")):
                j += 1
            if j < len(lines):
                variants.append((i, j))
    if len(variants) < 2:
        return lines

    def weight(v: tuple[int, int]) -> tuple[bool, int]:
        attrs = dict(_ATTR.findall(lines[v[0]].split(":", 1)[-1]))
        codecs = attrs.get("CODECS", "").strip('"').lower()
        audio_only = bool(codecs) and all(
            c.strip().startswith(_AUDIO_CODECS) for c in codecs.split(",")
        )
        try:
            bandwidth = int(attrs.get("BANDWIDTH", "0"))
        except ValueError:
            bandwidth = 0
        return (not audio_only, bandwidth or 1 << 62)

    keep = min(variants, key=weight)
    drop = {k for v in variants if v != keep for k in v}
    return [line for k, line in enumerate(lines) if k not in drop]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # libVLC keeps its connection for the next segment
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        gw = self.server.gateway
        parts = self.path.split("/")
        if len(parts) < 3 or parts[1] != gw._token:
            self._empty(404)
            return
        if parts[2] == "refused":
            self._empty(403)
            return
        try:
            target = gw.target(int(parts[2]))
        except ValueError:
            target = None
        if target is None:
            self._empty(404)
            return
        extra = {}
        if "Range" in self.headers and not target.manifest:
            extra["Range"] = self.headers["Range"]
        try:
            resp, final = gw.open(target.url, extra)
        except PermissionError as exc:
            log.warning("HLS : %s", exc)
            self._empty(403)
            return
        except (u3.HTTPError, OSError) as exc:
            log.info("HLS : %s : %s", target.url[:200], exc)
            self._empty(502)
            return
        try:
            if resp.status >= 400:
                self._empty(resp.status)
            elif target.manifest:
                self._manifest(gw, target, resp, final)
            else:
                self._pass(gw, resp)
        finally:
            resp.release_conn()

    def _manifest(
        self, gw: HlsGateway, target: _Target, resp: urllib3.BaseHTTPResponse, final: str
    ) -> None:
        body = b""
        for chunk in resp.stream(CHUNK, decode_content=True):
            body += chunk
            gw._count(None, len(chunk))
            if len(body) > MANIFEST_CAP:
                self._empty(502)
                return
        text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
        if not playlists.is_hls(text):  # a page, or a plain list of stations behind .m3u8
            gw.not_hls = gw.not_hls or target is gw.target(0)
            self._empty(502)
            return
        out = gw.rewrite(text, final).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.apple.mpegurl")
        self.send_header("Content-Length", str(len(out)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(out)

    def _pass(self, gw: HlsGateway, resp: urllib3.BaseHTTPResponse) -> None:
        self.send_response(resp.status)
        for name in ("Content-Type", "Content-Length", "Content-Range", "Content-Encoding"):
            value = resp.headers.get(name)
            if value:
                self.send_header(name, value.replace("\r", "").replace("\n", ""))
        length = resp.headers.get("Content-Length")
        if not length:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        while True:
            chunk = resp.read1(CHUNK) if hasattr(resp, "read1") else resp.read(CHUNK)
            if not chunk:
                break
            gw._count(None, len(chunk))
            self.wfile.write(chunk)

    def _empty(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, gateway: HlsGateway) -> None:
        self.gateway = gateway
        self._socks: set[socket.socket] = set()
        self._socks_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request, client_address):  # type: ignore[no-untyped-def]
        with self._socks_lock:
            self._socks.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):  # type: ignore[no-untyped-def]
        with self._socks_lock:
            self._socks.discard(request)
        super().shutdown_request(request)

    def close_all(self) -> None:
        with self._socks_lock:
            socks = list(self._socks)
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
        pass  # libVLC went away mid-segment: not an error
