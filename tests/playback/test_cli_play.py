"""`maliradio play` and `maliradio stations` as a terminal user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from streamservers import dead_url


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    return subprocess.run(
        [sys.executable, "-m", "maliradio", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def test_play_json_shows_states_and_exact_accented_title(icecast):
    proc = run_cli("play", icecast.url(), "--duration", "6", "--json")
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    states = [e["state"] for e in events if e["event"] == "state"]
    assert states[0] == "connecting"
    assert "playing" in states
    assert states.index("playing") > 0
    titles = [e["title"] for e in events if e["event"] == "title"]
    assert "Salif Keïta – Mandjou" in titles or "Oumou Sangaré - Wassoulou" in titles
    assert all(t in ("Salif Keïta – Mandjou", "Oumou Sangaré - Wassoulou") for t in titles)
    assert "Traceback" not in proc.stderr


def test_play_human_output(icecast):
    proc = run_cli("play", icecast.url(), "--duration", "4")
    assert proc.returncode == 0, proc.stderr
    assert "Connexion à" in proc.stdout
    assert "En lecture" in proc.stdout


def test_play_dead_url_fails_with_a_clear_message():
    proc = run_cli("play", dead_url(), "--json", "--duration", "20")
    assert proc.returncode != 0
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    states = [e["state"] for e in events if e["event"] == "state"]
    assert states[-1] == "error"
    assert events[-1] == {"event": "summary", "bytes": 0, "seconds": 0.0}
    assert "Connexion impossible" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_play_unknown_station():
    proc = run_cli("play", "pas-une-station")
    assert proc.returncode == 2
    assert "station inconnue" in proc.stderr


def test_stations_json_lists_catalogue_and_user_stations(tmp_path):
    home = os.environ["MALIRADIO_HOME"]
    cfg = os.path.join(home, "config")
    os.makedirs(cfg, exist_ok=True)
    with open(os.path.join(cfg, "stations.json"), "w", encoding="utf-8") as fh:
        json.dump(
            {
                "version": 1,
                "stations": [
                    {
                        "id": "user-ma-radio",
                        "name": "Ma radio",
                        "country": "ML",
                        "kind": "radio",
                        "streams": [{"url": "http://127.0.0.1:9/stream"}],
                    }
                ],
            },
            fh,
        )
    proc = run_cli("stations", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    ids = {s["id"] for s in data}
    assert {"ortm1", "rtb-tele", "tele-sahel", "user-ma-radio"} <= ids
    for s in data:
        assert {"id", "name", "country", "kind", "urls"} <= s.keys()
        assert s["kind"] in ("tv", "radio")
    mine = next(s for s in data if s["id"] == "user-ma-radio")
    assert mine["urls"] == ["http://127.0.0.1:9/stream"]


def test_version():
    proc = run_cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.startswith("maliradio ")
