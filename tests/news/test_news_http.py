"""The app's HTTP stack (maliradio.net: urllib3, truststore, the system's proxies) as the news
uses it, against real loopback servers: kept connections (and one the server closed
meanwhile), gzip and both deflate forms, chunked answers counted as they came, HTTPS checked,
addresses with accents, a proxy from the environment (plain and CONNECT) and its exceptions,
and the station logos that use it too. Hostile servers: test_news_hostile.py."""

from __future__ import annotations

import base64
import gzip
import http.server
import select
import socket
import sys
import threading
import zlib
from typing import Any

import pytest

from maliradio import net
from maliradio.net import client as netclient
from maliradio.news import fetch

FEED = ("<?xml version='1.0'?><rss version='2.0'><channel><title>Sahel</title>" + (
    "<item><title>Pluies à Ségou</title><description>Les pluies arrivent.</description></item>"
    * 40
) + "</channel></rss>").encode()  # fmt: skip


class Server:
    """HTTP/1.1 with keep-alive on 127.0.0.1. `routes`: path -> (status, headers, body).
    Records each request line, its headers, and the connections opened. As a proxy, it
    answers absolute addresses from `routes` by path, and tunnels CONNECT to `tunnel_to`."""

    def __init__(self, tls: Any = None) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.connections = 0
        self.open: list[socket.socket] = []
        self.tunnel_to: tuple[str, int] | None = None
        owner = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def setup(self) -> None:
                super().setup()
                owner.connections += 1
                owner.open.append(self.connection)

            def do_GET(self) -> None:  # noqa: N802
                owner.requests.append((self.path, dict(self.headers)))
                path = (
                    self.path.split("://", 1)[1].split("/", 1)[1]
                    if "://" in self.path
                    else self.path[1:]
                )  # noqa: E501
                status, headers, body = owner.routes.get("/" + path, (404, {}, b"absent"))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if headers.get("Transfer-Encoding") == "chunked":  # in pieces of 1000 bytes
                    self.end_headers()
                    for i in range(0, len(body), 1000):
                        self.wfile.write(
                            b"%x\r\n%s\r\n" % (len(body[i : i + 1000]), body[i : i + 1000])
                        )
                    self.wfile.write(b"0\r\n\r\n")
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_CONNECT(self) -> None:  # noqa: N802
                owner.requests.append((f"CONNECT {self.path}", dict(self.headers)))
                assert owner.tunnel_to is not None
                upstream = socket.create_connection(owner.tunnel_to)
                self.send_response(200, "Connection established")
                self.end_headers()
                a, b = self.connection, upstream
                while True:
                    ready, _, _ = select.select([a, b], [], [], 5)
                    if not ready:
                        break
                    for s in ready:
                        data = s.recv(65536)
                        if not data:
                            upstream.close()
                            self.close_connection = True
                            return
                        (b if s is a else a).sendall(data)

        class Quiet(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that goes away (or a connection dropped on purpose)

        self.httpd = Quiet(("127.0.0.1", 0), H)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.scheme = "https" if tls is not None else "http"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def close_idle(self) -> None:
        """What a server does to connections idle too long."""
        for s in self.open:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def web():
    s = Server()
    yield s
    s.stop()


def get(client: netclient.Client, url: str) -> fetch.HttpResult:
    return fetch.http_get(client, url, headers={"Accept": fetch.ACCEPT_FEED})


def test_one_connection_serves_a_host_and_a_closed_one_is_replaced(web):
    web.routes["/feed"] = (200, {"Content-Type": "application/rss+xml"}, FEED)
    web.routes["/page"] = (200, {"Content-Type": "text/html"}, b"<p>page</p>")
    with fetch.make_client() as client:
        assert get(client, web.url("/feed")).body == FEED
        assert get(client, web.url("/page")).body == b"<p>page</p>"
        assert web.connections == 1  # kept and reused
        web.close_idle()  # the server drops it while the client keeps it
        assert get(client, web.url("/feed")).body == FEED  # a new one, no error
        assert web.connections == 2


def test_gzip_and_both_deflate_forms_decoded_and_counted_as_sent(web):
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw_deflate = raw.compress(FEED) + raw.flush()
    web.routes["/gz"] = (200, {"Content-Encoding": "gzip"}, gzip.compress(FEED))
    web.routes["/zlib"] = (200, {"Content-Encoding": "deflate"}, zlib.compress(FEED))
    web.routes["/raw"] = (200, {"Content-Encoding": "deflate"}, raw_deflate)
    web.routes["/bad"] = (200, {"Content-Encoding": "gzip"}, b"\x1f\x8b pas du gzip du tout")
    with fetch.make_client() as client:
        for path in ("/gz", "/zlib", "/raw"):
            r = get(client, web.url(path))
            assert r.body == FEED, path
            assert r.wire_bytes < len(FEED) // 3  # what came on the wire: compressed
            assert r.wire_bytes > len(web.routes[path][2])
        with pytest.raises(fetch.FetchError, match="compressée illisible"):
            get(client, web.url("/bad"))
    assert "gzip" in web.requests[0][1]["Accept-Encoding"]


def test_a_chunked_answer_is_counted_as_it_came(web):
    """urllib3's `tell()` counts what `read1` pulls, chunked or not (its `stream()` reads a
    chunked body by another way, which it does not count)."""
    packed = gzip.compress(FEED)
    web.routes["/gz"] = (
        200,
        {"Content-Encoding": "gzip", "Transfer-Encoding": "chunked"},
        packed,
    )
    web.routes["/plain"] = (200, {"Transfer-Encoding": "chunked"}, FEED)
    with fetch.make_client() as client:
        gz, plain = get(client, web.url("/gz")), get(client, web.url("/plain"))
    assert gz.body == FEED and plain.body == FEED
    assert len(packed) < gz.wire_bytes < len(packed) + 500
    assert len(FEED) < plain.wire_bytes < len(FEED) + 500
    assert web.connections == 1  # a chunked answer read to its end keeps its connection


def test_https_is_checked_against_the_authorities(tls_context, monkeypatch):
    server = Server(tls=tls_context)
    server.routes["/feed"] = (200, {}, FEED)
    try:
        with fetch.make_client() as client:  # SSL_CERT_FILE trusts the test certificate
            assert get(client, server.url("/feed")).body == FEED
        monkeypatch.delenv("SSL_CERT_FILE")  # the system's authorities do not know it
        with fetch.make_client() as client, pytest.raises(fetch.FetchError) as err:
            get(client, server.url("/feed"))
        assert err.value.kind == "connect" and "CERTIFICATE" in str(err.value).upper()
    finally:
        server.stop()


def test_a_body_cut_short_is_an_error_not_a_shorter_feed():
    """A connection that drops mid-body must not leave a truncated feed stored (with its
    ETag, it would stay truncated until the feed changes)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nETag: "v1"\r\n\r\n')
        conn.sendall(FEED[:300])
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    with fetch.make_client() as client, pytest.raises(fetch.FetchError) as err:
        get(client, f"http://127.0.0.1:{listener.getsockname()[1]}/feed")
    listener.close()
    assert err.value.kind == "other" and "Erreur réseau" in str(err.value)
    assert err.value.wire_bytes >= 300


def test_an_address_with_accents_is_sent_percent_encoded(web):
    web.routes["/actualit%C3%A9/%C3%A9t%C3%A9?q=S%C3%A9gou&n=1"] = (200, {}, b"ok")
    with fetch.make_client() as client:
        assert get(client, web.url("/actualité/été?q=Ségou&n=1")).body == b"ok"


def test_a_redirect_keeps_count_of_what_it_cost(web):
    web.routes["/old"] = (301, {"Location": "/new"}, b"moved")
    web.routes["/new"] = (200, {}, FEED)
    with fetch.make_client() as client:
        r = get(client, web.url("/old"))
    assert r.body == FEED and r.url == web.url("/new") and r.permanent_url == web.url("/new")
    assert r.wire_bytes > len(FEED) + len(b"moved")
    assert web.connections == 1  # the redirect's connection was kept for the next request


def test_a_proxy_from_the_environment_carries_plain_and_tls_requests(web, tls_context, monkeypatch):
    """The client only ever connects to the proxy (127.0.0.1): the sites' names are for the
    proxy to resolve. The tests' socket guard would refuse anything else."""
    site = Server(tls=tls_context)
    site.routes["/feed"] = (200, {}, FEED)
    web.routes["/feed"] = (200, {}, b"par le proxy")
    web.tunnel_to = ("127.0.0.1", site.port)
    proxy = f"http://lecteur:s%C3%A9same@127.0.0.1:{web.port}"
    monkeypatch.setenv("http_proxy", proxy)
    monkeypatch.setenv("https_proxy", proxy)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    auth = "Basic " + base64.b64encode("lecteur:sésame".encode()).decode()
    try:
        with fetch.make_client() as client:
            assert get(client, "http://sahel.example/feed").body == b"par le proxy"
            assert get(client, f"https://sahel.example:{site.port}/feed").body == FEED
        (plain, plain_h), (tunnel, tunnel_h) = web.requests
        assert plain == "http://sahel.example/feed" and plain_h["Proxy-Authorization"] == auth
        assert tunnel == f"CONNECT sahel.example:{site.port}"
        assert tunnel_h["Proxy-Authorization"] == auth
        assert site.requests[0][0] == "/feed"  # the site saw the request, through the tunnel
    finally:
        site.stop()


def test_station_logo_is_downloaded_once_into_the_cache(web):
    from PySide6.QtGui import QColor, QImage

    from maliradio.ui.stations import fetch_logo

    img = QImage(8, 8, QImage.Format.Format_RGB32)
    img.fill(QColor("red"))
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    web.routes["/logo.png"] = (200, {"Content-Type": "image/png"}, bytes(data))
    web.routes["/broken.png"] = (200, {"Content-Type": "image/png"}, b"pas une image")
    path = fetch_logo(web.url("/logo.png"))
    assert path is not None and path.read_bytes() == bytes(data)
    assert fetch_logo(web.url("/logo.png")) == path
    assert len(web.requests) == 1  # the second time from the cache
    with pytest.raises(ValueError):
        fetch_logo(web.url("/broken.png"))
    with pytest.raises(ValueError):
        fetch_logo(web.url("/absent.png"))


def test_the_system_trust_store_and_certifi_when_it_cannot_be_used(monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    import truststore

    ctx = net.tls_context()
    assert isinstance(ctx, truststore.SSLContext) and net.tls_context() is ctx  # built once
    monkeypatch.setitem(sys.modules, "truststore", None)  # (an import that fails)
    monkeypatch.setattr(net, "_contexts", {})
    fallback = net.tls_context()
    assert not isinstance(fallback, truststore.SSLContext)
    assert fallback.cert_store_stats()["x509_ca"] > 100  # certifi's list


def test_which_addresses_go_through_the_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("http_proxy", "http://mandataire:3128")
    monkeypatch.setenv("https_proxy", "socks5://mandataire:1080")
    monkeypatch.setenv("no_proxy", "intranet.example,.ml")
    assert net.proxy_for("http://sahel.example/feed") == "http://mandataire:3128"
    assert net.proxy_for("http://intranet.example/feed") is None  # no_proxy
    assert net.proxy_for("http://www.journal.ml/feed") is None  # no_proxy, a domain
    assert net.proxy_for("http://127.0.0.1:8000/feed") is None  # this machine
    assert net.proxy_for("https://sahel.example/feed") is None  # SOCKS: direct rather than fail
    assert net.proxy_credentials("http://lecteur:s%C3%A9same@mandataire") == (
        "http://mandataire:8080",
        {"Proxy-Authorization": "Basic " + base64.b64encode("lecteur:sésame".encode()).decode()},
    )
