"""The window driven from the desktop: MPRIS2 through a real session bus and real clients
(playerctl, dbus-send), the computer kept awake through fake desktop services on that bus, and
the tray where the platform has one."""

from __future__ import annotations

import pytest
from ui_helpers import bus_client, radio, user_stations

from maliradio.playback.status import State
from maliradio.ui.mainwindow import MainWindow
from streamservers import ICY_TITLES

MPRIS = ("playerctl", "--player=maliradio")


def open_window(qtbot, desktop) -> MainWindow:
    win = MainWindow(desktop=desktop)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(
        lambda: win.ready and win.engine is not None and win.desktop is not None, timeout=10000
    )
    return win


def playing(win: MainWindow, name: str) -> bool:
    return win.engine.status.state is State.PLAYING and win.engine.station.name == name


def test_playerctl_drives_the_player_and_reads_what_plays(qtbot, private_bus, icecast):
    user_stations(
        radio("bko", "Radio Test Bamako", icecast.url()),
        radio("sgu", "Radio Test Ségou", icecast.url()),
        favourites=["bko", "sgu"],
    )
    win = open_window(qtbot, private_bus)
    assert bus_client(qtbot, private_bus, *MPRIS, "status") == "Stopped"
    # the sound menu's play button: the first favourite (nothing was played before)
    bus_client(qtbot, private_bus, *MPRIS, "play")
    qtbot.waitUntil(lambda: playing(win, "Radio Test Bamako"), timeout=10000)
    qtbot.waitUntil(lambda: win.now_playing() != "", timeout=8000)
    assert bus_client(qtbot, private_bus, *MPRIS, "status") == "Playing"
    meta = bus_client(qtbot, private_bus, *MPRIS, "metadata", "--format", "{{artist}}|{{title}}")
    assert meta in {f"Radio Test Bamako|{t}" for t, _ in ICY_TITLES}
    # the volume as the desktop sets it
    bus_client(qtbot, private_bus, *MPRIS, "volume", "0.4")
    qtbot.waitUntil(lambda: win.bar.volume.value() == 40, timeout=3000)
    assert win.engine.volume == 40
    assert bus_client(qtbot, private_bus, *MPRIS, "volume") == "0.400000"
    # the media key "next": the next favourite
    bus_client(qtbot, private_bus, *MPRIS, "next")
    qtbot.waitUntil(lambda: win.engine.station.id == "sgu", timeout=3000)
    # pause on a live stream stops it
    bus_client(qtbot, private_bus, *MPRIS, "pause")
    qtbot.waitUntil(lambda: win.bar.status_text() == "Arrêté", timeout=3000)
    assert bus_client(qtbot, private_bus, *MPRIS, "status") == "Stopped"
    win.quit()


def test_mpris_properties_and_change_signals_on_the_bus(qtbot, private_bus, icecast):
    user_stations(radio("bko", "Radio Test Bamako", icecast.url()), favourites=["bko"])
    win = open_window(qtbot, private_bus)
    get = (
        "dbus-send", "--session", "--print-reply", "--dest=org.mpris.MediaPlayer2.maliradio",
        "/org/mpris/MediaPlayer2", "org.freedesktop.DBus.Properties.Get",
    )  # fmt: skip
    ident = bus_client(qtbot, private_bus, *get, "string:org.mpris.MediaPlayer2", "string:Identity")
    assert 'string "maliradio"' in ident
    entry = bus_client(
        qtbot, private_bus, *get, "string:org.mpris.MediaPlayer2", "string:DesktopEntry"
    )
    assert 'string "org.maliradio.Maliradio"' in entry
    # someone listening to the signals, as a sound menu does
    from PySide6.QtCore import QProcess, QProcessEnvironment

    monitor = QProcess()
    env = QProcessEnvironment.systemEnvironment()
    env.insert("DBUS_SESSION_BUS_ADDRESS", private_bus)
    monitor.setProcessEnvironment(env)
    monitor.start("dbus-monitor", ["--session", "member='PropertiesChanged'"])
    assert monitor.waitForStarted(5000)
    out = []
    monitor.readyReadStandardOutput.connect(
        lambda: out.append(bytes(monitor.readAllStandardOutput().data()).decode())
    )
    qtbot.waitUntil(lambda: "NameAcquired" in "".join(out) or len(out) > 0, timeout=5000)
    win.play()
    qtbot.waitUntil(lambda: 'string "Playing"' in "".join(out), timeout=10000)
    qtbot.waitUntil(lambda: "xesam:title" in "".join(out), timeout=8000)
    text = "".join(out)
    assert 'string "org.mpris.MediaPlayer2.Player"' in text
    assert 'string "Radio Test Bamako"' in text  # the artist: the station
    monitor.kill()
    monitor.waitForFinished(3000)
    win.quit()


def test_playing_radio_keeps_the_system_awake_through_the_portal(
    qtbot, private_bus, fakes, icecast
):
    portal = fakes("portal")
    user_stations(radio("bko", "Radio Test Bamako", icecast.url()))
    win = open_window(qtbot, private_bus)
    win.play_station(win.catalog.get("bko"))
    qtbot.waitUntil(lambda: len(portal.calls) == 1, timeout=10000)
    call = portal.calls[0]
    assert call["call"] == "Inhibit" and call["signature"] == "sua{sv}"
    assert call["args"][1] == 4  # suspend only: the screen may sleep while radio plays
    qtbot.waitUntil(lambda: playing(win, "Radio Test Bamako"), timeout=10000)
    win.stop()
    qtbot.waitUntil(lambda: len(portal.calls) == 2, timeout=5000)
    assert portal.calls[1]["call"] == "Close"
    assert portal.calls[1]["path"].startswith("/org/freedesktop/portal/desktop/request/")
    win.quit()


def test_tv_keeps_the_screen_on_without_a_portal(qtbot, private_bus, fakes):
    from maliradio.ui.desktop.inhibit_linux import LinuxInhibitor

    services = fakes("screensaver")
    inhibitor = LinuxInhibitor(private_bus)
    inhibitor.inhibit("Télévision en cours : Télé Sahel", screen=True)
    qtbot.waitUntil(lambda: any(c["call"] == "Inhibit" for c in services.calls), timeout=5000)
    assert inhibitor.wait() and inhibitor.method == "screensaver"
    inhibit = [c for c in services.calls if c["call"] == "Inhibit"][0]
    assert inhibit["interface"] == "org.freedesktop.ScreenSaver"
    assert inhibit["args"] == ["maliradio", "Télévision en cours : Télé Sahel"]
    inhibitor.inhibit("Radio en cours : ORTM", screen=False)  # another station: radio
    inhibitor.close()
    assert inhibitor.wait()
    qtbot.waitUntil(lambda: len(services.calls) == 4, timeout=5000)
    calls = [(c["interface"].rsplit(".", 1)[-1], c["call"], c["signature"]) for c in services.calls]
    assert calls[1:] == [
        ("ScreenSaver", "UnInhibit", "u"),  # the screen may sleep again
        ("Inhibit", "Inhibit", "ss"),  # PowerManagement: the system stays up
        ("Inhibit", "UnInhibit", "u"),  # and is let go at the end
    ]
    assert services.calls[1]["args"] == [1]  # the cookie the ScreenSaver gave


def test_tray_menu_and_close_to_tray(qtbot, icecast):
    from maliradio.ui.tray import tray_available

    if not tray_available():
        pytest.skip(
            "no system tray on this platform (Qt's offscreen platform has none; a desktop "
            "session or Xvfb with a StatusNotifier host does)"
        )
    user_stations(
        radio("bko", "Radio Test Bamako", icecast.url()), favourites=["bko"], close_to_tray=True
    )
    win = open_window(qtbot, True)
    tray = win.desktop.tray
    assert tray.icon.isVisible()
    tray.fill_stations()
    first = tray.stations_menu.actions()[0]
    assert first.text() == "Radio Test Bamako"  # favourites first
    first.trigger()
    qtbot.waitUntil(lambda: playing(win, "Radio Test Bamako"), timeout=10000)
    assert "Radio Test Bamako" in tray.icon.toolTip()
    win.close()  # keeps playing in the tray
    assert not win.isVisible() and win.is_active()
    tray.icon.activated.emit(tray.icon.ActivationReason.Trigger)  # a left click
    assert win.isVisible()
    win.quit()
