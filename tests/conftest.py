"""Shared test setup: an isolated per-test home, headless Qt and libVLC, generated media and
the loopback stream servers of ``streamservers.py`` (tests never reach the network)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))  # `from streamservers import ...`

import testmedia  # noqa: E402
from streamservers import ICY_TITLES, IcecastServer, StaticServer  # noqa: E402

VLC_TEST_ARGS = "--aout=dummy --vout=dummy"

__all__ = ["ICY_TITLES", "VLC_TEST_ARGS"]


def _is_loopback(host: object) -> bool:
    import ipaddress

    if not isinstance(host, str):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(scope="session", autouse=True)
def _collect_on_the_gui_thread(qapp):
    """As the app does (ui/tasks.py): Python's cycle collector runs on the GUI thread only,
    never on a libVLC, worker or D-Bus thread where it could delete a Qt object."""
    from maliradio.ui.tasks import collect_garbage_on_gui_thread

    collect_garbage_on_gui_thread()


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    """Tests never leave this computer: a connection or a name lookup for anything but
    127.0.0.0/8 and ::1 is refused (the code under test sees a network error) and fails the
    test that made it."""
    import socket

    attempts: list[str] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock, address) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            attempts.append(f"connect {address!r}")
            raise ConnectionRefusedError(f"tests stay on loopback (asked: {address[0]})")

    def connect(sock, address):
        check(sock, address)
        return real_connect(sock, address)

    def connect_ex(sock, address):
        check(sock, address)
        return real_connect_ex(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if host is not None and not _is_loopback(host if isinstance(host, str) else ""):
            name = host.decode() if isinstance(host, bytes) else host
            attempts.append(f"lookup {name!r}")
            raise socket.gaierror(socket.EAI_NONAME, f"tests stay on loopback ({name})")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield
    assert not attempts, f"this test tried to reach the network: {attempts}"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    monkeypatch.setenv("MALIRADIO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MALIRADIO_VLC_ARGS", VLC_TEST_ARGS)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    # No logo or automatic news fetch from the internet.
    monkeypatch.setenv("MALIRADIO_OFFLINE", "1")


@pytest.fixture
def user_store():
    """The news store at the user's path (MALIRADIO_HOME), without the bundled sources (they
    are on the internet)."""
    from maliradio.news.store import NewsStore

    store = NewsStore()
    for s in store.list_sources():
        store.remove_source(s.id)
    yield store
    store.close()


# --- generated media ------------------------------------------------------------------------


def _media(make, *args):
    """Run a testmedia maker; a missing or failing ffmpeg fails the test with its message."""
    try:
        return make(*args)
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def mp3_file(tmp_path_factory) -> Path:
    """30 s of a 440 Hz tone: MP3, 44.1 kHz stereo, CBR 128 kbit/s, no ID3/Xing header."""
    return _media(testmedia.make_mp3, tmp_path_factory.mktemp("media") / "tone.mp3")


@pytest.fixture(scope="session")
def hls_dir(tmp_path_factory) -> Path:
    """Folder with ``index.m3u8`` (VOD, all 20 segments listed, ENDLIST) and ``seg000.ts``..
    ``seg019.ts``: 1 s segments of 160x120 H.264 at 10 fps + AAC stereo 440 Hz tone."""
    return _media(testmedia.make_hls, tmp_path_factory.mktemp("hls"), True)


@pytest.fixture(scope="session")
def hls_audio_dir(tmp_path_factory) -> Path:
    """Same as ``hls_dir`` but audio only (AAC in MPEG-TS)."""
    return _media(testmedia.make_hls, tmp_path_factory.mktemp("hls_audio"), False)


# --- servers --------------------------------------------------------------------------------


@pytest.fixture
def icecast(mp3_file):
    """A started ``IcecastServer`` on ``mp3_file`` cycling ``ICY_TITLES``; stopped afterwards.
    Its stream URL is ``icecast.url()``."""
    with IcecastServer(mp3_file, titles=ICY_TITLES) as server:
        yield server


@pytest.fixture
def hls_server(hls_dir):
    """A started ``StaticServer`` on ``hls_dir``; the playlist is
    ``hls_server.url("/index.m3u8")``."""
    with StaticServer(hls_dir) as server:
        yield server


@pytest.fixture
def static_server(tmp_path):
    """A started ``StaticServer`` on an empty folder ``tmp_path / "www"``; add files there or
    routes with ``add_route``."""
    root = tmp_path / "www"
    root.mkdir()
    with StaticServer(root) as server:
        yield server


@pytest.fixture
def tls_context(tmp_path, monkeypatch):
    """A server certificate for 127.0.0.1 and sahel.example, trusted through SSL_CERT_FILE as
    a real authority would be."""
    import shutil
    import ssl
    import subprocess

    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to make the test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:sahel.example",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx
