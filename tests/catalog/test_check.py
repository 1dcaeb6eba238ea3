"""`maliradio check` as a maintainer runs it: every kind of stream a station can point at,
served on loopback, and the line the command prints for it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from maliradio.catalog import check, health
from maliradio.catalog.models import Station, StreamRef
from maliradio.catalog.stations import Catalog
from streamservers import SilentServer, StaticServer, dead_url, make_pls


def write_user_stations(stations: list[dict]) -> None:
    cfg = Path(os.environ["MALIRADIO_HOME"]) / "config"
    cfg.mkdir(parents=True, exist_ok=True)
    (cfg / "stations.json").write_text(
        json.dumps({"version": 1, "stations": stations}), encoding="utf-8"
    )


def radio(sid: str, *urls: str, kind: str = "radio") -> dict:
    return {"id": sid, "name": sid, "country": "ML", "kind": kind, "streams": list(urls)}


def run_cli(*args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    # the station ids are always given: the bundled stations point at the internet
    return subprocess.run(
        [sys.executable, "-m", "maliradio", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
    )


@pytest.fixture
def silent_servers():
    """One that accepts and never answers, one that answers 200 audio/mpeg then says nothing."""
    with SilentServer(send_headers=False) as mute, SilentServer(send_headers=True) as hollow:
        yield mute, hollow


@pytest.fixture
def pages(tmp_path, hls_server):
    """A web page, a 404, an audio/mpeg answer that is an error text, a master HLS playlist
    with two variants, and a PLS whose first entry is dead."""
    master = (
        "#EXTM3U\n#EXT-X-VERSION:3\n"
        '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.42e01e,mp4a.40.2"\n'
        f"{hls_server.url('/index.m3u8')}\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=160x120\n"
        f"{hls_server.url('/index.m3u8')}\n"
    )
    text = "Erreur : quota dépassé, revenez plus tard.\n" * 400
    with StaticServer(None) as server:
        server.add_route(
            "/radio", "<!doctype html><html><body>Écoutez-nous</body></html>", "text/html"
        )
        server.add_route("/gone.mp3", "", "text/plain", status=404)
        server.add_route("/error.mp3", text, "audio/mpeg")
        server.add_route("/master.m3u8", master, "application/vnd.apple.mpegurl")
        yield server


def test_check_tells_each_kind_of_stream_apart(icecast, hls_server, silent_servers, pages):
    mute, hollow = silent_servers
    pls = make_pls([dead_url("/old.mp3"), icecast.url()])
    pages.add_route("/live.pls", pls, "audio/x-scpls")
    write_user_stations(
        [
            radio("icecast", icecast.url()),
            radio("refused", dead_url("/stream.mp3")),
            radio("mute", mute.url("/stream.mp3")),
            radio("hollow", hollow.url("/stream.mp3")),
            radio("page", pages.url("/radio")),
            radio("gone", pages.url("/gone.mp3")),
            radio("error-text", pages.url("/error.mp3")),
            radio("hls", hls_server.url("/index.m3u8"), kind="tv"),
            radio("master", pages.url("/master.m3u8"), kind="tv"),
            radio("playlist", pages.url("/live.pls")),
        ]
    )
    ids = ["icecast", "refused", "mute", "hollow", "page", "gone", "error-text", "hls"]
    ids += ["master", "playlist"]
    started = time.monotonic()
    proc = run_cli("check", *ids, "--json", "--timeout", "1")
    elapsed = time.monotonic() - started
    assert "Traceback" not in proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    *streams, total = lines
    got = {line["station"]: line for line in streams}
    assert [line["station"] for line in streams] == ids  # in the order asked

    assert got["icecast"]["status"] == "ok"
    assert got["icecast"]["codec"] == "mp3" and got["icecast"]["bitrate"] == 128
    assert got["icecast"]["icy_name"] == "Radio Test Bamako"
    assert got["icecast"]["http"] == 200 and got["icecast"]["content_type"] == "audio/mpeg"
    assert got["icecast"]["error"] is None

    assert got["refused"]["status"] == "dead"
    assert "refuse" in got["refused"]["error"]
    assert got["mute"]["status"] == "timeout"
    assert got["hollow"]["status"] == "timeout"
    assert got["page"]["status"] == "not-audio"
    assert "page web" in got["page"]["error"]
    assert got["gone"]["status"] == "dead" and got["gone"]["http"] == 404
    assert got["error-text"]["status"] == "not-audio"  # a 200 with audio/mpeg is not audio
    assert got["error-text"]["http"] == 200

    assert got["hls"]["status"] == "ok" and got["hls"]["codec"] == "h264+aac"
    assert got["master"]["status"] == "ok" and got["master"]["codec"] == "h264+aac"
    assert [(v["bandwidth"], v["resolution"]) for v in got["master"]["variants"]] == [
        (800000, "640x360"),
        (300000, "160x120"),
    ]
    assert got["master"]["bitrate"] == 300  # the variant checked: the lightest
    assert got["playlist"]["status"] == "ok" and got["playlist"]["codec"] == "mp3"

    for line in streams:
        assert set(line) == {
            "station", "url", "status", "http", "content_type", "codec", "bitrate",
            "icy_name", "variants", "seconds", "error",
        }  # fmt: skip
        assert line["seconds"] < 10
    assert total["event"] == "summary" and total["streams"] == 10
    assert (total["ok"], total["dead"], total["timeout"], total["not-audio"]) == (4, 2, 2, 2)
    assert total["stations_down"] == ["refused", "mute", "hollow", "page", "gone", "error-text"]
    assert proc.returncode == 1  # some stations have no working stream
    assert elapsed < 30  # in parallel: ten streams, two silent ones at 3 x 1 s at most


def test_check_exits_0_when_each_station_has_a_working_stream_and_learns_from_it(icecast):
    dead = dead_url("/ancienne.mp3")
    write_user_stations([radio("kledu", dead, icecast.url())])
    proc = run_cli("check", "kledu", "--timeout", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout.splitlines()
    assert out[0].startswith("MORT") and dead in out[0]
    assert out[1].startswith("OK") and "mp3 128 kbit/s" in out[1]
    assert out[2].startswith("2 flux vérifiés — OK : 1, morts : 1, muets : 0,")
    assert out[2].endswith("stations avec un flux qui marche : 1 sur 1.")
    # the next play starts on the address that answered
    station = Catalog.load().get("kledu")
    assert station is not None
    assert [s.url for s in health.order_streams(station).streams] == [icecast.url(), dead]


def test_check_of_an_unknown_station_says_so():
    proc = run_cli("check", "pas-une-station")
    assert proc.returncode == 2
    assert "station inconnue : pas-une-station" in proc.stderr


def test_no_more_than_two_streams_at_a_time_on_one_host(monkeypatch):
    active: Counter[str] = Counter()
    peak: Counter[str] = Counter()
    lock = threading.Lock()

    def fake_check(ref, station="", timeout=10.0):
        host = ref.url.split("/")[2]
        with lock:
            active[host] += 1
            peak[host] = max(peak[host], active[host])
        time.sleep(0.05)
        with lock:
            active[host] -= 1
        return check.StreamCheck(station, ref.url, status="ok")

    monkeypatch.setattr(check, "check_stream", fake_check)
    stations = [
        Station(f"s{i}", f"S{i}", "ML", "tv", streams=[StreamRef(f"http://{host}/{i}.m3u8")])
        for i, host in enumerate(["restream.example"] * 6 + ["a.example", "b.example"])
    ]
    seen: list[str] = []
    results = check.check_stations(stations, on_result=lambda r: seen.append(r.station))
    assert peak["restream.example"] == 2
    assert seen == [s.id for s in stations] == [r.station for r in results]
