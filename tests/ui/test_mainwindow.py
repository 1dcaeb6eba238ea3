"""The window as a user sees it: pick a station, read the status line, come back later."""

from __future__ import annotations

import json
import os
from pathlib import Path

from maliradio.ui.mainwindow import MainWindow


def write_user_stations(data) -> Path:
    cfg = Path(os.environ["MALIRADIO_HOME"]) / "config"
    cfg.mkdir(parents=True, exist_ok=True)
    path = cfg / "stations.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def open_window(qtbot) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.ready and win.engine is not None, timeout=10000)
    return win


def close_window(win: MainWindow) -> None:
    win.close()


def click_station(qtbot, win: MainWindow, station_id: str) -> None:
    item = win.stations.station_item(station_id)
    assert item is not None, f"{station_id} not in the list"
    rect = win.stations.tree.visualItemRect(item)
    from PySide6.QtCore import Qt

    qtbot.mouseClick(win.stations.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_choosing_a_station_plays_it_and_status_follows(qtbot, icecast):
    write_user_stations(
        {
            "version": 1,
            "stations": [
                {
                    "id": "user-test",
                    "name": "Radio Test Bamako",
                    "country": "ML",
                    "kind": "radio",
                    "streams": [{"url": icecast.url()}],
                }
            ],
        }
    )
    win = open_window(qtbot)
    seen: list[str] = []
    win.engine.statusChanged.connect(lambda st: seen.append(win.bar.status_text()))
    click_station(qtbot, win, "user-test")
    qtbot.waitUntil(
        lambda: win.bar.status_text() == "En lecture : Radio Test Bamako", timeout=10000
    )
    assert seen[0] == "Connexion à Radio Test Bamako…"
    qtbot.waitUntil(lambda: win.bar.title_label.text() != "", timeout=8000)
    assert win.bar.title_label.text() in ("Salif Keïta – Mandjou", "Oumou Sangaré - Wassoulou")
    assert win.card.name.text() == "Radio Test Bamako"
    # stop from the bar
    win.bar.play_button.click()
    assert win.bar.status_text() == "Arrêté"
    close_window(win)


def test_dead_station_shows_error_and_retry(qtbot):
    write_user_stations(
        {
            "version": 1,
            "stations": [
                {
                    "id": "user-dead",
                    "name": "Radio Morte",
                    "country": "NE",
                    "kind": "radio",
                    "streams": [{"url": "http://127.0.0.1:9/"}],
                }
            ],
        }
    )
    win = open_window(qtbot)
    win.engine.policy.backoff_base = 0.2
    click_station(qtbot, win, "user-dead")
    qtbot.waitUntil(lambda: win.bar.retry_button.isVisible(), timeout=15000)
    assert win.bar.status_text().startswith("Le flux ne répond pas")
    close_window(win)


def test_volume_and_mute_survive_a_restart(qtbot):
    win = open_window(qtbot)
    win.bar.volume.setValue(33)
    win.bar.mute_button.setChecked(True)
    close_window(win)
    win2 = open_window(qtbot)
    assert win2.bar.volume.value() == 33
    assert win2.bar.mute_button.isChecked()
    assert win2.engine.volume == 33 and win2.engine.muted  # what libVLC is given on play
    close_window(win2)


def test_malformed_user_file_leaves_the_app_usable(qtbot):
    path = write_user_stations('{"version": 1, "stations": [{"id": "x", "name": ')
    win = open_window(qtbot)
    assert win.notice.isVisible()
    assert path.name in win.notice.text()
    # the bundled catalogue is still there
    assert win.stations.station_item("ortm1") is not None
    close_window(win)


def test_filter_and_groups(qtbot):
    win = open_window(qtbot)
    tree = win.stations.tree
    groups = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert groups[:3] == ["Mali", "Burkina Faso", "Niger"]
    win.stations.filter.setText("sahel")
    visible = [
        tree.topLevelItem(i).child(j).text(0)
        for i in range(tree.topLevelItemCount())
        if not tree.topLevelItem(i).isHidden()
        for j in range(tree.topLevelItem(i).childCount())
        if not tree.topLevelItem(i).child(j).isHidden()
    ]
    assert any("Sahel" in v for v in visible)
    assert not any("ORTM" in v for v in visible)
    close_window(win)


def test_favourite_goes_first(qtbot):
    win = open_window(qtbot)
    win._toggle_favourite("tele-sahel", True)
    tree = win.stations.tree
    assert tree.topLevelItem(0).text(0) == "Favoris"
    assert tree.topLevelItem(0).child(0).data(0, 256) == "tele-sahel"
    close_window(win)


def one_user_radio(url: str, **settings) -> None:
    """A user station "Radio Test Bamako" on `url`, and these settings saved."""
    write_user_stations({"version": 1, "stations": [{
        "id": "user-test", "name": "Radio Test Bamako", "country": "ML", "kind": "radio",
        "streams": [{"url": url}]}]})  # fmt: skip
    cfg = Path(os.environ["MALIRADIO_HOME"]) / "config" / "settings.json"
    cfg.write_text(json.dumps({"last_station": "user-test", **settings}))


def test_resume_last_station_at_start(qtbot, icecast):
    one_user_radio(icecast.url(), resume_last_station=True)
    win = open_window(qtbot)
    qtbot.waitUntil(
        lambda: win.bar.status_text() == "En lecture : Radio Test Bamako", timeout=10000
    )
    assert win.a_resume.isChecked()
    close_window(win)


def test_without_resume_setting_nothing_plays_at_start(qtbot, icecast):
    one_user_radio(icecast.url(), resume_last_station=False)
    win = open_window(qtbot)
    qtbot.wait(300)
    assert win.bar.status_text() == "Choisissez une station"
    assert icecast.connections[icecast.path] == 0
    close_window(win)


def test_tv_plays_in_the_window_and_fullscreen_is_done_by_qt(qtbot, hls_server):
    write_user_stations({"version": 1, "stations": [{
        "id": "user-tv", "name": "Télé Test", "country": "NE", "kind": "tv",
        "streams": [{"url": hls_server.url("/index.m3u8")}]}]})  # fmt: skip
    win = open_window(qtbot)
    click_station(qtbot, win, "user-tv")
    assert win.stack.currentWidget() is win.video
    qtbot.waitUntil(lambda: win.bar.status_text() == "En lecture : Télé Test", timeout=10000)
    from PySide6.QtCore import Qt

    qtbot.mouseDClick(win.video, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(win.isFullScreen, timeout=3000)
    assert not win.stations.isVisible() and not win.bar.isVisible()
    assert not win.news.isVisible()
    qtbot.keyClick(win.video, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not win.isFullScreen(), timeout=3000)
    assert win.stations.isVisible() and win.bar.isVisible() and win.news.isVisible()
    close_window(win)


def test_a_double_click_starts_the_station_once(qtbot, icecast):
    from PySide6.QtCore import Qt

    from maliradio.playback.status import State

    write_user_stations(
        {
            "version": 1,
            "stations": [
                {"id": "loop", "name": "Radio Boucle", "country": "ML", "kind": "radio",
                 "streams": [icecast.url()]},
            ],
        }
    )  # fmt: skip
    win = open_window(qtbot)
    states = []
    win.engine.statusChanged.connect(lambda st: states.append(st.state))
    item = win.stations.station_item("loop")
    pos = win.stations.tree.visualItemRect(item).center()
    viewport = win.stations.tree.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    win.stations.tree.setCurrentItem(item)
    qtbot.keyClick(win.stations.tree, Qt.Key.Key_Return)  # activation by the keyboard
    qtbot.waitUntil(lambda: win.engine.status.state is State.PLAYING, timeout=10000)
    qtbot.wait(500)
    assert states.count(State.CONNECTING) == 1, states
    assert icecast.connections[icecast.path] == 1
    close_window(win)


def _settings_file() -> Path:
    return Path(os.environ["MALIRADIO_HOME"]) / "config" / "settings.json"


def test_a_change_before_the_settings_are_read_keeps_the_users_file(qtbot):
    path = _settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"favourites": ["ortm1"], "volume": 40}), encoding="utf-8")
    win = MainWindow()
    qtbot.addWidget(win)
    assert not win.ready  # the file is read off the GUI thread: not yet
    win.a_resume.setChecked(True)  # the user is quick
    win.show()
    qtbot.waitUntil(lambda: win.ready, timeout=10000)
    qtbot.waitUntil(lambda: json.loads(path.read_text())["resume_last_station"], timeout=5000)
    saved = json.loads(path.read_text())
    assert saved["favourites"] == ["ortm1"] and saved["volume"] == 40
    assert win.a_resume.isChecked()
    assert win.stations.station_item("ortm1").text(0).startswith("★")
    close_window(win)


def test_settings_saves_land_in_order_and_the_last_one_stays(qtbot):
    win = open_window(qtbot)
    for sid in ("ortm1", "rtb2", "radio-mali", "ortm1", "rtb2"):
        win._toggle_favourite(sid, True)  # each change saved at once, in turn
    win.bar.volume.setValue(17)
    close_window(win)
    saved = json.loads(_settings_file().read_text())
    assert saved["favourites"] == ["rtb2", "ortm1", "radio-mali"]
    assert saved["volume"] == 17


def test_adding_a_station_from_the_window_and_a_refused_address(qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from maliradio.ui.dialogs import StationDialog

    win = open_window(qtbot)
    seen_errors: list[str] = []

    def fill(name: str, url: str) -> None:
        dlg = next(w for w in QApplication.topLevelWidgets()
                   if isinstance(w, StationDialog) and w.isVisible())  # fmt: skip
        if dlg.error.isVisible():
            seen_errors.append(dlg.error.text())
        dlg.name.setText(name)
        dlg.url.setText(url)
        dlg.accept()

    # first a bad address: the dialog comes back with the reason, then a good one
    QTimer.singleShot(200, lambda: fill("Radio Ségou", "ftp://segou.example/live"))
    QTimer.singleShot(1200, lambda: fill("Radio Ségou", "http://segou.example/live"))
    win._add_station()
    qtbot.waitUntil(lambda: win.stations.station_item("user-radio-segou") is not None, timeout=5000)
    assert seen_errors and "n'est pas une adresse de flux valide" in seen_errors[0]
    saved = json.loads((Path(os.environ["MALIRADIO_HOME"]) / "config" / "stations.json")
                       .read_text(encoding="utf-8"))  # fmt: skip
    assert [s["name"] for s in saved["stations"]] == ["Radio Ségou"]
    win._remove_station(win.catalog.get("user-radio-segou"))
    qtbot.waitUntil(lambda: win.stations.station_item("user-radio-segou") is None, timeout=5000)
    close_window(win)
