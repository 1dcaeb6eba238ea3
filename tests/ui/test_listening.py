"""The window's recording, data meter and data saver, as a listener uses them."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path

from test_mainwindow import click_station, close_window, open_window, write_user_stations

from maliradio.datameter import DataMeter
from maliradio.playback.recording import Scheduled
from maliradio.playback.status import State


def _station_file(url: str) -> None:
    write_user_stations(
        {"version": 1, "stations": [
            {"id": "boucle", "name": "Radio Boucle", "country": "ML", "kind": "radio",
             "streams": [url]},
        ]}
    )  # fmt: skip


def _home() -> Path:
    return Path(os.environ["MALIRADIO_HOME"])


def test_what_the_window_plays_is_counted_and_shown(qtbot, icecast, tmp_path):
    _station_file(icecast.url())
    win = open_window(qtbot)
    click_station(qtbot, win, "boucle")
    qtbot.waitUntil(lambda: win.engine.status.state is State.PLAYING, timeout=10_000)
    qtbot.wait(2000)
    win.engine.stop()  # (reports what it received)
    qtbot.waitUntil(lambda: win.listening.label.session_bytes > 0, timeout=5000)
    assert "cette session" in win.listening.label.text()
    win.listening._writes.wait(5000)
    use = DataMeter().month()
    sent = icecast.bytes_sent
    assert abs(use["stations"]["boucle"]["bytes"] - sent) <= max(0.05 * sent, 16_384)
    assert win.listening.label.session_bytes == use["stations"]["boucle"]["bytes"]
    win.grab().save(str(tmp_path / "window.png"))
    close_window(win)


def test_the_record_button_writes_the_stream_to_the_music_folder(qtbot, icecast):
    _station_file(icecast.url())
    win = open_window(qtbot)
    assert not win.listening.a_record.isEnabled()  # nothing plays: nothing to record
    click_station(qtbot, win, "boucle")
    qtbot.waitUntil(lambda: win.listening.a_record.isEnabled(), timeout=10_000)
    win.bar.record_button.click()
    qtbot.waitUntil(lambda: win.engine.recording is not None, timeout=3000)
    path = win.engine.recording
    assert win.bar.record_button.text() == "● Enregistrement"
    assert str(path) in win.bar.record_button.toolTip()
    qtbot.wait(2000)
    win.bar.record_button.click()
    assert win.engine.recording is None and win.bar.record_button.text() == "Enregistrer"
    assert path.parent == _home() / "music" and path.name.startswith("Radio Boucle — ")
    assert path.stat().st_size > 16_000
    assert icecast.connections[icecast.path] == 1  # no second download for the recording
    close_window(win)


def test_a_scheduled_recording_plays_and_records_then_stops(qtbot, icecast):
    _station_file(icecast.url())
    cfg = _home() / "config"
    start = datetime.now().astimezone() - timedelta(seconds=1)
    entry = Scheduled("boucle", start, 4.0).to_record()
    (cfg / "settings.json").write_text(json.dumps({"scheduled_recordings": [entry]}))
    win = open_window(qtbot)
    # (the schedule is looked at every 5 s; a busy machine may take a while to play)
    qtbot.waitUntil(lambda: win.engine.recording is not None, timeout=30_000)
    path = win.engine.recording
    qtbot.waitUntil(lambda: win.engine.recording is None, timeout=30_000)
    assert path.stat().st_size > 0
    qtbot.waitUntil(
        lambda: json.loads((cfg / "settings.json").read_text())["scheduled_recordings"] == [],
        timeout=5000,
    )
    close_window(win)


def test_the_data_saver_toggle_reaches_the_player_and_is_kept(qtbot):
    win = open_window(qtbot)
    win.listening.a_saver.setChecked(True)
    assert win.engine.data_saver and win.settings.data_saver
    close_window(win)
    saved = json.loads((_home() / "config" / "settings.json").read_text())
    assert saved["data_saver"] is True
    win2 = open_window(qtbot)
    assert win2.listening.a_saver.isChecked() and win2.engine.data_saver
    close_window(win2)


def test_the_tray_menu_has_record_and_the_data_saver(qtbot):
    """(The menu itself; whether a tray shows it depends on the desktop.)"""
    from maliradio.ui.tray import Tray

    win = open_window(qtbot)
    tray = Tray(win)
    texts = [a.text() for a in tray.menu.actions()]
    assert "Enregistrer" in texts and "Économie de données" in texts
    saver = next(a for a in tray.menu.actions() if a.text() == "Économie de données")
    saver.trigger()
    assert win.settings.data_saver and win.engine.data_saver
    assert win.listening.a_saver.isChecked()  # the same action as the window's menu
    close_window(win)
