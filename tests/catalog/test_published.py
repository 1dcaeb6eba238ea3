"""The published catalogue, signed with the real minisign tool and served on loopback: a good
one adds and changes stations; a bad signature, a foreign key or invalid content changes
nothing and says why."""

from __future__ import annotations

import copy
import hashlib
import http.server
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from maliradio import paths
from maliradio.catalog import published
from maliradio.catalog.stations import Catalog

BUNDLED = json.loads(paths.resource("stations.json").read_text(encoding="utf-8"))
NEW_RFI = "https://rfi.example/afrique-64k.mp3"


class CatalogueSite:
    """A static site on 127.0.0.1 that answers If-None-Match with 304, as a web server does."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                body = site.files.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def gets(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


PATH = "/catalogue/stations.json"


class Keys:
    def __init__(self, folder: Path, name: str) -> None:
        if shutil.which("minisign") is None:
            pytest.fail("minisign is needed (apt-get install minisign)")
        folder.mkdir(parents=True, exist_ok=True)
        self.pub, self.key = folder / f"{name}.pub", folder / f"{name}.key"
        subprocess.run(
            ["minisign", "-G", "-W", "-p", str(self.pub), "-s", str(self.key)],
            check=True, capture_output=True, timeout=30,
        )  # fmt: skip

    def sign(self, data: bytes, comment: str = "maliradio", legacy: bool = False) -> bytes:
        folder = self.key.parent
        f = folder / "stations.json"
        f.write_bytes(data)
        args = ["minisign", "-S", "-s", str(self.key), "-m", str(f), "-t", comment]
        subprocess.run(args + (["-l"] if legacy else []), check=True, capture_output=True)
        return (folder / "stations.json.minisig").read_bytes()


@pytest.fixture
def keys(tmp_path, monkeypatch) -> Keys:
    k = Keys(tmp_path / "keys", "project")
    monkeypatch.setenv(published.PUBKEY_ENV, str(k.pub))
    return k


@pytest.fixture
def site(monkeypatch):
    s = CatalogueSite()
    cfg = Path(os.environ["MALIRADIO_HOME"]) / "config"
    cfg.mkdir(parents=True, exist_ok=True)
    (cfg / "settings.json").write_text(json.dumps({"catalogue_url": s.url(PATH)}))
    yield s
    s.close()


def catalogue(version: str = "2026-12-06", **changes) -> dict:
    """The bundled catalogue with RFI Afrique moved and a new station."""
    doc = copy.deepcopy(BUNDLED)
    doc["catalogue_version"] = version
    for st in doc["stations"]:
        if st["id"] == "rfi-afrique":
            st["streams"] = [{"url": NEW_RFI}]
    doc["stations"].append(
        {"id": "radio-jekafo", "name": "Radio Jekafo", "country": "ML", "kind": "radio",
         "languages": ["bm"], "streams": [{"url": "https://jekafo.example/live.mp3"}]}
    )  # fmt: skip
    doc.update(changes)
    return doc


def put(site: CatalogueSite, data: bytes, signature: bytes) -> None:
    site.files[PATH] = data
    site.files[PATH + ".minisig"] = signature


def encode(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "maliradio", *args],
        capture_output=True, text=True, timeout=60, env=dict(os.environ),
    )  # fmt: skip


def update_json() -> tuple[int, dict]:
    proc = run_cli("catalogue", "update", "--json")
    assert "Traceback" not in proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def stations_json() -> dict[str, dict]:
    proc = run_cli("stations", "--json")
    assert proc.returncode == 0, proc.stderr
    return {s["id"]: s for s in json.loads(proc.stdout)}


def test_a_signed_catalogue_adds_and_changes_stations(keys, site) -> None:
    data = encode(catalogue())
    put(site, data, keys.sign(data))
    before = stations_json()
    assert before["rfi-afrique"]["origin"] == "bundled"
    assert before["rfi-afrique"]["catalogue_version"] == BUNDLED["catalogue_version"]
    assert "radio-jekafo" not in before

    code, result = update_json()
    assert (code, result) == (
        0,
        {"status": "updated", "version": "2026-12-06", "stations": 17, "error": None},
    )
    after = stations_json()
    assert after["rfi-afrique"]["urls"] == [NEW_RFI]
    assert after["rfi-afrique"]["origin"] == "published"
    assert after["rfi-afrique"]["catalogue_version"] == "2026-12-06"
    assert after["radio-jekafo"]["name"] == "Radio Jekafo"
    assert after["radio-jekafo"]["origin"] == "published"
    assert list(after)[: len(before)] == list(before)  # the list keeps its order

    # the next time, a conditional GET: nothing is downloaded again
    code, result = update_json()
    assert (code, result["status"], result["version"]) == (0, "not-modified", "2026-12-06")
    last = site.gets(PATH)[-1]
    assert last["if-none-match"].startswith('"')
    assert len(site.gets(PATH + ".minisig")) == 1


def test_a_user_station_still_wins_over_the_published_one(keys, site) -> None:
    data = encode(catalogue())
    put(site, data, keys.sign(data))
    cfg = Path(os.environ["MALIRADIO_HOME"]) / "config"
    mine = {"id": "rfi-afrique", "name": "Ma RFI", "country": "INT", "kind": "radio",
            "streams": ["http://relais.example/rfi.mp3"]}  # fmt: skip
    (cfg / "stations.json").write_text(json.dumps({"version": 1, "stations": [mine]}))
    assert update_json()[1]["status"] == "updated"
    rfi = stations_json()["rfi-afrique"]
    assert (rfi["name"], rfi["origin"], rfi["catalogue_version"]) == ("Ma RFI", "user", None)


@pytest.mark.parametrize(
    "spoil, reason",
    [
        ("tampered", "signature invalide : le fichier a été modifié"),
        ("other-key", "signé avec une autre clé"),
        ("comment", "signature invalide : le commentaire de confiance a été modifié"),
        ("no-signature", "signature introuvable"),
        ("invalid", "contenu invalide"),
    ],
)
def test_a_bad_catalogue_changes_nothing_and_says_why(keys, site, tmp_path, spoil, reason):
    good = encode(catalogue())
    put(site, good, keys.sign(good))
    assert update_json()[1]["status"] == "updated"
    in_use = stations_json()

    newer = catalogue("2026-12-20")
    newer["stations"][0]["name"] = "ORTM 1 piraté"
    data = encode(newer)
    signature = keys.sign(data)
    if spoil == "tampered":
        data = data.replace(b"ORTM 1 pirat", b"ORTM 1 PIRAT")
    elif spoil == "other-key":
        signature = Keys(tmp_path / "other", "mallory").sign(data)
    elif spoil == "comment":
        text = signature.decode().replace("trusted comment: maliradio", "trusted comment: x")
        signature = text.encode()
    elif spoil == "invalid":
        newer["stations"][1]["kind"] = "podcast"
        data = encode(newer)
        signature = keys.sign(data)
    put(site, data, signature)
    if spoil == "no-signature":
        del site.files[PATH + ".minisig"]

    code, result = update_json()
    assert code == 1
    assert result["status"] == "rejected"
    assert reason in result["error"]
    assert (result["version"], result["stations"]) == ("2026-12-06", 17)  # still in use
    if spoil == "invalid":
        assert "champ « kind »" in result["error"] and "podcast" in result["error"]
    assert stations_json() == in_use


def test_a_rejected_catalogue_is_one_log_line(keys, site, tmp_path, caplog) -> None:
    data = encode(catalogue())
    put(site, data, Keys(tmp_path / "other", "mallory").sign(data))
    caplog.set_level(logging.INFO, logger="maliradio")
    result = published.update(site.url(PATH))
    assert result.status == "rejected"
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].getMessage().startswith(f"Catalogue publié refusé ({site.url(PATH)})")
    assert Catalog.load().get("radio-jekafo") is None


def test_the_legacy_signature_format_is_accepted(keys, site) -> None:
    data = encode(catalogue())
    put(site, data, keys.sign(data, legacy=True))
    assert update_json() == (
        0,
        {"status": "updated", "version": "2026-12-06", "stations": 17, "error": None},
    )


def test_an_older_catalogue_is_refused_and_the_bundled_one_is_the_floor(keys, site) -> None:
    data = encode(catalogue("2026-12-06"))
    put(site, data, keys.sign(data))
    assert update_json()[1]["status"] == "updated"
    old = encode(catalogue("2026-12-01"))
    put(site, old, keys.sign(old))
    code, result = update_json()
    assert result["status"] == "rejected" and "plus ancienne" in result["error"]

    # a new release whose bundled file is newer than the downloaded one: the bundled one wins
    bundled = copy.deepcopy(BUNDLED)
    bundled["catalogue_version"] = "2027-01-15"
    path = Path(os.environ["MALIRADIO_HOME"]) / "bundled.json"
    path.write_text(json.dumps(bundled))
    cat = Catalog.load(bundled=path)
    assert cat.published_version is None
    assert [s.url for s in cat.get("rfi-afrique").streams] != [NEW_RFI]
    assert Catalog.load().published_version == "2026-12-06"


def test_the_automatic_fetch_is_once_a_day_and_never_offline(keys, site, monkeypatch) -> None:
    data = encode(catalogue())
    put(site, data, keys.sign(data))
    url = site.url(PATH)
    assert published.maybe_update(url) is None  # MALIRADIO_OFFLINE=1 in the tests
    assert site.requests == []
    monkeypatch.delenv("MALIRADIO_OFFLINE")
    result, catalog = published.refresh(url)
    assert result is not None and result.status == "updated"
    assert catalog.get("radio-jekafo") is not None
    assert published.maybe_update(url) is None  # again the same day: nothing asked
    assert len(site.gets(PATH)) == 1


def test_an_oversized_catalogue_is_not_read(keys, site) -> None:
    data = encode(catalogue(padding="x" * (published.MAX_BYTES + 10)))
    put(site, data, keys.sign(data))
    code, result = update_json()
    assert code == 1 and result["status"] == "rejected"
    assert "trop volumineux" in result["error"]


def test_no_server_is_an_error_not_a_rejection(keys, site) -> None:
    site.close()
    code, result = update_json()
    assert code == 1
    assert result["status"] == "error" and result["error"]


def test_the_shipped_key_is_a_minisign_public_key(monkeypatch) -> None:
    monkeypatch.delenv(published.PUBKEY_ENV, raising=False)
    key = published.public_key()
    assert len(key.key) == 32 and len(key.key_id) == 8


def open_window(qtbot):
    from maliradio.ui.mainwindow import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.ready, timeout=10000)
    return win


def test_the_window_shows_why_a_catalogue_was_refused(keys, site, tmp_path, qtbot, monkeypatch):
    data = encode(catalogue())
    put(site, data, Keys(tmp_path / "other", "mallory").sign(data))
    # the daily fetch as if online (the news would go to the internet with MALIRADIO_OFFLINE off)
    monkeypatch.setattr(published, "maybe_update", published.update)
    win = open_window(qtbot)
    qtbot.waitUntil(lambda: win.notice.isVisible(), timeout=10000)
    assert win.notice.text().startswith("Le catalogue de stations publié a été ignoré : signé")
    assert win.notice.text().endswith("Les stations connues restent.")
    assert win.stations.station_item("radio-jekafo") is None
    win.close()


def test_the_window_lists_the_new_stations_of_a_good_catalogue(keys, site, qtbot, monkeypatch):
    data = encode(catalogue())
    put(site, data, keys.sign(data))
    monkeypatch.setattr(published, "maybe_update", published.update)
    win = open_window(qtbot)
    qtbot.waitUntil(lambda: win.stations.station_item("radio-jekafo") is not None, timeout=10000)
    assert win.catalog.get("rfi-afrique").streams[0].url == NEW_RFI
    assert not win.notice.isVisible()
    win.close()


def test_a_maintainer_verifies_the_file_before_publishing_it(keys, tmp_path) -> None:
    data = encode(catalogue())
    signature = keys.sign(data, comment="maliradio catalogue 2026-12-06")
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "stations.json").write_bytes(data)
    (folder / "stations.json.minisig").write_bytes(signature)
    proc = run_cli("catalogue", "verify", str(folder / "stations.json"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == (
        "Catalogue 2026-12-06 valide et signé (17 stations ; "
        "commentaire de confiance : maliradio catalogue 2026-12-06)"
    )
    (folder / "stations.json").write_bytes(data.replace(b"Radio Jekafo", b"Radio Jekafa"))
    proc = run_cli("catalogue", "verify", str(folder / "stations.json"))
    assert proc.returncode == 1
    assert "catalogue refusé : signature invalide : le fichier a été modifié" in proc.stderr
