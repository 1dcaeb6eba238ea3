"""The sleep timer: the remaining time in the status line, the sound fading out over the last
seconds, then the player stopped, the user's volume untouched."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTime
from ui_helpers import radio, user_stations

from maliradio.playback.status import State
from maliradio.ui.mainwindow import MainWindow
from maliradio.ui.sleeptimer import SleepTimer


def test_countdown_fade_and_end_with_a_controlled_clock(qtbot):
    now = [1000.0]
    timer = SleepTimer(clock=lambda: now[0], fade_seconds=30)
    left, fades, ends = [], [], []
    timer.remainingChanged.connect(left.append)
    timer.fade.connect(fades.append)
    timer.expired.connect(lambda: ends.append(True))
    timer.start(15 * 60)
    assert left[-1] == 900 and timer.chosen_minutes == 15
    now[0] += 900 - 30  # the last 30 s begin: full volume still
    timer.tick()
    assert fades == [1.0]
    now[0] += 15
    timer.tick()
    assert fades[-1] == 0.5 and left[-1] == 15
    now[0] += 15
    timer.tick()
    assert ends == [True] and left[-1] == -1 and not timer.is_active()


def test_a_time_of_day_is_today_or_tomorrow():
    timer = SleepTimer()
    timer._clock = lambda: 0.0
    timer.start_at(QTime(23, 30), now=dt.datetime(2026, 3, 1, 22, 0))
    assert timer.remaining() == 90 * 60
    timer.start_at(QTime(6, 0), now=dt.datetime(2026, 3, 1, 22, 0))
    assert timer.remaining() == 8 * 3600
    timer.cancel()


def test_the_radio_fades_out_and_stops(qtbot, icecast):
    user_stations(radio("bko", "Radio Test Bamako", icecast.url()), volume=60)
    win = MainWindow(desktop=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.ready and win.engine is not None, timeout=10000)
    win.play_station(win.catalog.get("bko"))
    qtbot.waitUntil(lambda: win.engine.status.state is State.PLAYING, timeout=10000)
    win.sleep.fade_seconds = 1.5
    win.sleep.start(2.5)
    assert win.bar.sleep_text() == "Arrêt dans 0:03"
    volumes = []
    qtbot.waitUntil(
        lambda: volumes.append(win.engine.volume) or 0 < win.engine.volume < 60, timeout=5000
    )
    qtbot.waitUntil(lambda: win.bar.status_text() == "Arrêté", timeout=5000)
    assert win.bar.sleep_text() == ""
    assert win.engine.volume == 60 and win.bar.volume.value() == 60  # ready for next time
    win.close()


def test_stopping_by_hand_cancels_the_timer(qtbot, icecast):
    user_stations(radio("bko", "Radio Test Bamako", icecast.url()))
    win = MainWindow(desktop=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.ready and win.engine is not None, timeout=10000)
    win.play_station(win.catalog.get("bko"))
    win.sleep.start(30 * 60)
    assert win.bar.sleep_text() == "Arrêt dans 30:00"
    win.bar.play_button.click()
    assert not win.sleep.is_active() and win.bar.sleep_text() == ""
    win.close()
