"""What the app learns about each stream address on this computer, and what the user sees of it:
the station starts on the address that worked last, a station that no longer answers is greyed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from maliradio.catalog import health
from maliradio.catalog.health import Outcome
from maliradio.catalog.models import Station, StreamRef
from maliradio.catalog.stations import Catalog
from streamservers import dead_url

DAY = 86400.0


def station(*urls: str) -> Station:
    return Station("ortm1", "ORTM 1", "ML", "tv", streams=[StreamRef(u) for u in urls])


def write_user_stations(stations: list[dict]) -> None:
    cfg = Path(os.environ["MALIRADIO_HOME"]) / "config"
    cfg.mkdir(parents=True, exist_ok=True)
    (cfg / "stations.json").write_text(
        json.dumps({"version": 1, "stations": stations}), encoding="utf-8"
    )


def test_a_failed_address_goes_behind_the_others_and_comes_back_once_it_works() -> None:
    st = station("http://a.example/1", "http://b.example/2", "http://c.example/3")
    assert health.order_streams(st) is st  # nothing learnt: the catalogue's order
    now = time.time()
    health.record([Outcome("http://a.example/1", False, now - 60, "dead : refusé")])
    order = [s.url for s in health.order_streams(st).streams]
    assert order == ["http://b.example/2", "http://c.example/3", "http://a.example/1"]
    health.record([Outcome("http://c.example/3", True, now - 30)])
    order = [s.url for s in health.order_streams(st).streams]
    assert order == ["http://c.example/3", "http://b.example/2", "http://a.example/1"]
    health.record([Outcome("http://a.example/1", True, now)])  # back: the last that worked
    order = [s.url for s in health.order_streams(st).streams]
    assert order == ["http://a.example/1", "http://c.example/3", "http://b.example/2"]
    assert [s.url for s in st.streams][0] == "http://a.example/1"  # the catalogue is untouched


def test_down_since_is_when_the_last_working_address_failed() -> None:
    st = station("http://a.example/1", "http://b.example/2")
    now = time.time()
    health.record([Outcome("http://a.example/1", False, now - 5 * DAY, "timeout")])
    assert health.down_since(st) is None  # b was never tried
    health.record([Outcome("http://b.example/2", False, now - 3 * DAY, "dead")])
    health.record([Outcome("http://b.example/2", False, now - DAY, "dead")])
    assert health.down_since(st) == now - 3 * DAY
    health.record([Outcome("http://a.example/1", True, now)])
    assert health.down_since(st) is None


def test_two_processes_recording_at_once_lose_nothing(tmp_path: Path) -> None:
    code = (
        "import sys, time\n"
        "from maliradio.catalog import health\n"
        "for i in range(40):\n"
        "    health.record([health.Outcome(f'http://{sys.argv[1]}.example/{i}', True, "
        "time.time())])\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, name], env=dict(os.environ))
        for name in ("window", "check")
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    urls = set(health.load())
    assert len(urls) == 80
    assert not list(health.history_file().parent.glob("*.lock"))


def test_an_unreadable_history_starts_again(caplog) -> None:
    health.history_file().write_text("{ pas du json", encoding="utf-8")
    assert health.load() == {}
    health.record([Outcome("http://a.example/1", True, time.time())])
    assert list(health.load()) == ["http://a.example/1"]
    assert "Historique des flux illisible" in caplog.text


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "maliradio", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
    )


def test_after_a_failure_the_next_play_starts_on_the_address_that_worked(icecast) -> None:
    dead = dead_url("/ancienne.mp3")
    write_user_stations(
        [{"id": "kledu", "name": "Radio Klédu", "country": "ML", "kind": "radio",
          "streams": [dead, icecast.url()]}]
    )  # fmt: skip

    def connecting_urls(proc: subprocess.CompletedProcess) -> list[str]:
        assert proc.returncode == 0, proc.stderr
        events = [json.loads(line) for line in proc.stdout.splitlines()]
        states = [e for e in events if e.get("event") == "state"]
        assert any(e["state"] == "playing" for e in states)
        return [e["url"] for e in states if e["state"] == "connecting" and "url" in e]

    first = connecting_urls(run_cli("play", "kledu", "--json", "--duration", "4"))
    assert first[:2] == [dead, icecast.url()]  # the catalogue's order: the dead one first
    second = connecting_urls(run_cli("play", "kledu", "--json", "--duration", "4"))
    assert second == [icecast.url()]  # straight to the one that played
    history = health.load()
    assert history[dead].failing and not history[icecast.url()].failing


def test_a_station_that_stopped_answering_is_greyed_not_hidden(qtbot) -> None:
    from maliradio.ui.stations import StationList

    write_user_stations(
        [{"id": "ancienne", "name": "Radio Ancienne", "country": "ML", "kind": "radio",
          "streams": ["http://a.example/1", "http://b.example/2"]},
         {"id": "vivante", "name": "Radio Vivante", "country": "ML", "kind": "radio",
          "streams": ["http://c.example/3"]}]
    )  # fmt: skip
    now = time.time()
    health.record(
        [
            Outcome("http://a.example/1", False, now - 3 * DAY - 60, "dead : refusé"),
            Outcome("http://b.example/2", False, now - 3 * DAY, "timeout"),
            Outcome("http://c.example/3", False, now - 600, "timeout"),
            Outcome("http://c.example/3", True, now),
        ]
    )
    cat = Catalog.load()
    view = StationList()
    qtbot.addWidget(view)
    view.set_stations(cat.stations, set())
    old = view.station_item("ancienne")
    alive = view.station_item("vivante")
    assert old is not None and alive is not None
    assert old.text(0) == "Radio Ancienne  (ne répond plus depuis 3 jours)"
    assert not old.isHidden()
    grey = view.palette().placeholderText().color()
    assert old.foreground(0).color() == grey
    assert alive.text(0) == "Radio Vivante"
    assert alive.foreground(0).color() != grey


def test_the_data_saver_takes_the_lightest_stream_that_is_not_failing(tmp_path):
    from maliradio.catalog.health import order_streams
    from maliradio.catalog.models import Station, StreamRef
    from maliradio.catalog.stations import Catalog

    user = tmp_path / "stations.json"
    user.write_text(
        '{"stations": [{"id": "r", "name": "R", "country": "ML", "kind": "radio", "streams": ['
        '{"url": "http://r.example/hd", "bitrate": 128},'
        '{"url": "http://r.example/low", "bitrate": 32},'
        '{"url": "http://r.example/mid", "bitrate": 64},'
        '{"url": "http://r.example/unknown"}]}]}',
        encoding="utf-8",
    )
    st = Catalog.load(user=user).get("r")
    assert st is not None and [s.bitrate for s in st.streams] == [128, 32, 64, None]
    plain = order_streams(st, history={})
    assert [s.url.rsplit("/", 1)[1] for s in plain.streams] == ["hd", "low", "mid", "unknown"]
    saver = order_streams(st, history={}, data_saver=True)
    assert [s.url.rsplit("/", 1)[1] for s in saver.streams] == ["low", "mid", "hd", "unknown"]
    bad = Station(id="b", name="B", country="ML", kind="radio",
                  streams=[StreamRef("http://b.example/a", bitrate=0)])  # fmt: skip
    assert bad.streams[0].to_record() == {"url": "http://b.example/a"}


def test_a_bitrate_that_is_not_a_number_is_refused(tmp_path):
    from maliradio.catalog.stations import Catalog

    user = tmp_path / "stations.json"
    user.write_text(
        '{"stations": [{"id": "r", "name": "R", "country": "ML", "kind": "radio", "streams": ['
        '{"url": "http://r.example/a", "bitrate": "128k"}, "http://r.example/b"]}]}',
        encoding="utf-8",
    )
    cat = Catalog.load(user=user)
    assert [s.url for s in cat.get("r").streams] == ["http://r.example/b"]
    assert any("bitrate" in str(e) for e in cat.errors)
