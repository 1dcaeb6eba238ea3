"""News test setup: isolated home, no network beyond 127.0.0.1, a loopback feed server."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # `import newsfeeds`
try:
    import maliradio  # noqa: F401
except ImportError:  # not installed in the venv: use the checkout
    sys.path.insert(0, str(HERE.parent.parent / "src"))

from newsfeeds import FeedServer  # noqa: E402

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def _news_env(tmp_path, monkeypatch):
    monkeypatch.setenv("MALIRADIO_HOME", str(tmp_path / "home"))
    real = socket.create_connection

    def loopback_only(address, *args, **kwargs):
        if address[0] not in LOOPBACK:
            raise OSError(f"les tests ne sortent pas de 127.0.0.1 (demandé : {address[0]})")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", loopback_only)


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


@pytest.fixture
def store(tmp_path):
    from maliradio.news.store import NewsStore

    s = NewsStore(tmp_path / "news.sqlite3", defaults=[])
    yield s
    s.close()


@pytest.fixture
def image_dir(tmp_path):
    d = tmp_path / "images"
    d.mkdir()
    return d
