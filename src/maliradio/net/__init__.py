"""The app's network set-up, in one place: the authorities HTTPS is checked against, the
proxies, and the urllib3 pool managers every HTTP request goes through (feeds, article pages,
pictures, station logos; `client.py` is the bounded GET on top of them).

The player's raw-socket ICY code opens its own sockets (no library accepts `ICY 200 OK`): it
takes `tls_context()` and `proxy_for(url)` from here, so that both agree.
"""

from __future__ import annotations

import base64
import os
import ssl
import sys
import threading
import urllib.request
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any
from urllib.parse import unquote, urlsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})

_contexts: dict[tuple[str | None, str | None], ssl.SSLContext] = {}
_lock = threading.Lock()


def tls_context() -> ssl.SSLContext:
    """The context HTTPS is checked with, built once (per SSL_CERT_FILE / SSL_CERT_DIR).

    Those variables, when set, name the only authorities (a company or school that inspects
    its traffic gives its own, and the tests trust their certificate that way). Else the
    system's trust store through `truststore` (what the browser trusts, revocations and
    company roots included), and certifi's list where the system has none that OpenSSL can
    read (a Linux without its CA bundle) or truststore cannot be loaded."""
    key = (os.environ.get("SSL_CERT_FILE") or None, os.environ.get("SSL_CERT_DIR") or None)
    with _lock:
        ctx = _contexts.get(key)
        if ctx is None:
            ctx = _contexts[key] = _build_context(*key)
        return ctx


def _build_context(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    if cafile or capath:
        try:
            return ssl.create_default_context(cafile=cafile, capath=capath)
        except (OSError, ssl.SSLError):  # a wrong path: the usual authorities rather than none
            pass
    try:
        import truststore

        if _system_store_found():
            return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except ImportError:
        pass
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


# where truststore looks for the system's authorities when OpenSSL's own paths have none
_CA_FILES = (
    "/etc/ssl/cert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/pki/tls/cert.pem",
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/ssl/ca-bundle.pem",
)


def _system_store_found() -> bool:
    """False where OpenSSL does the checking (not Windows or macOS) and would find none of the
    system's authorities (a Linux without its CA bundle): truststore would then refuse every
    site."""
    if sys.platform in ("win32", "darwin"):
        return True
    paths = ssl.get_default_verify_paths()
    if paths.cafile or (paths.capath and os.path.isdir(paths.capath) and os.listdir(paths.capath)):
        return True
    return any(os.path.isfile(f) for f in _CA_FILES)


def proxy_for(url: str, proxies: dict[str, str] | None = None) -> str | None:
    """The proxy to reach `url` through (`http://[user:password@]host:port`), or None to go
    direct: the system's settings (`urllib.request.getproxies`: environment variables, the
    Windows or macOS settings) with their exceptions (no_proxy). SOCKS is not spoken here:
    going direct beats failing."""
    p = urlsplit(url)
    host = p.hostname
    if not host or host in LOOPBACK:
        return None
    if proxies is None:
        proxies = urllib.request.getproxies()
    proxy = proxies.get(p.scheme.lower()) or proxies.get("all")
    if not proxy:
        return None
    if "://" not in proxy:
        proxy = "http://" + proxy
    if not proxy.lower().startswith(("http://", "https://")):
        return None
    try:
        if urllib.request.proxy_bypass(host):
            return None
    except OSError:
        pass
    return proxy


def proxy_credentials(proxy: str) -> tuple[str, dict[str, str]]:
    """(the proxy's address without credentials, the headers that authenticate to it)."""
    p = urlsplit(proxy)
    host = f"[{p.hostname}]" if p.hostname and ":" in p.hostname else p.hostname or ""
    address = f"{p.scheme}://{host}:{p.port or 8080}"
    if p.username is None:
        return address, {}
    pair = f"{unquote(p.username)}:{unquote(p.password or '')}".encode()  # UTF-8, as curl
    return address, {"Proxy-Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}


# --- pool managers -------------------------------------------------------------------------

# Who watches the current request (`client.Client`'s deadline): told of each socket a request
# is sent on, it can shut it down, which ends a read blocked on a server that trickles bytes.
socket_watch: ContextVar[Callable[[Any], None] | None] = ContextVar("socket_watch", default=None)
# What the current request sent (`client.Client`'s count of the wire): [bytes], added to as
# the request line, headers and body go out (a proxy's CONNECT included).
bytes_sent: ContextVar[list[int] | None] = ContextVar("bytes_sent", default=None)


class _Watched:
    def request(self, *args: Any, **kwargs: Any) -> None:
        super().request(*args, **kwargs)  # type: ignore[misc]
        watch = socket_watch.get()
        if watch is not None:
            watch(self.sock)  # type: ignore[attr-defined]

    def send(self, data: Any) -> None:
        counter = bytes_sent.get()
        if counter is not None and isinstance(data, (bytes, bytearray)):
            counter[0] += len(data)
        super().send(data)  # type: ignore[misc]


class _HTTPConnection(_Watched, HTTPConnection):
    pass


class _HTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


def pool_manager(
    *,
    connect_timeout: float,
    read_timeout: float,
    proxy: str | None = None,
    maxsize: int = 4,
) -> urllib3.PoolManager:
    """A pool manager, direct or through `proxy` (HTTPS then through a CONNECT tunnel): kept
    connections per host (`maxsize` idle at most, more opened when needed), a connect timeout,
    then a silence timeout on every read (`read_timeout`; no total: a slow link that keeps
    sending is not cut off), HTTPS checked with `tls_context()`. No retries and no redirects:
    the caller decides (`client.Client` follows them, bounded)."""
    kw: dict[str, Any] = {
        "num_pools": 64,
        "maxsize": maxsize,
        "block": False,
        "timeout": urllib3.Timeout(connect=connect_timeout, read=read_timeout),
        "retries": False,
        "ssl_context": tls_context(),
    }
    pm: urllib3.PoolManager
    if proxy is None:
        pm = urllib3.PoolManager(**kw)
    else:
        address, headers = proxy_credentials(proxy)
        pm = urllib3.ProxyManager(address, proxy_headers=headers, **kw)
    pm.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
    return pm
