"""The tray icon: play/stop, the stations (favourites first), the sleep timer, what is playing in
its tooltip, and the window back on a left click. It drives the window's player methods."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from maliradio.playback.status import Status
from maliradio.ui.icons import icon
from maliradio.ui.stations import country_label

if TYPE_CHECKING:
    from maliradio.ui.mainwindow import MainWindow


def tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


class Tray(QObject):
    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.icon = QSystemTrayIcon(icon("maliradio"), self)
        self.menu = QMenu(win)
        self.menu.setAccessibleName(self.tr("Menu de maliradio"))
        self.a_show = self.menu.addAction(self.tr("Afficher la fenêtre"))
        self.a_show.triggered.connect(win.show_window)
        self.a_play = self.menu.addAction(icon("play"), self.tr("Lecture"))
        self.a_play.triggered.connect(win.toggle_play)
        self.stations_menu = self.menu.addMenu(self.tr("Stations"))
        self.stations_menu.aboutToShow.connect(self.fill_stations)
        self.menu.addMenu(win.sleep_menu(self.menu))
        listening = getattr(win, "listening", None)
        if listening is not None:  # the window's own actions: one state, two places
            self.menu.addAction(listening.a_record)
            self.menu.addAction(listening.a_saver)
        self.menu.addSeparator()
        a_quit = self.menu.addAction(self.tr("Quitter"))
        a_quit.triggered.connect(win.quit)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        win.statusChanged.connect(self._update)
        win.titleChanged.connect(self._title_changed)
        self._update(win.status())
        self.fill_stations()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def fill_stations(self) -> None:
        """Favourites first, then each country's stations in a submenu."""
        m = self.stations_menu
        m.clear()
        win = self.win
        favs = win.favourites()
        current = win.current_station() if win.is_active() else None
        for st in favs:
            self._station_action(m, st, current)
        if favs:
            m.addSeparator()
        fav_ids = {s.id for s in favs}
        groups: dict[str, QMenu] = {}
        for st in win.station_order():
            if st.id in fav_ids:
                continue
            sub = groups.get(st.country)
            if sub is None:
                sub = groups[st.country] = m.addMenu(country_label(st.country))
            self._station_action(sub, st, current)
        if m.isEmpty():
            m.addAction(self.tr("(aucune station)")).setEnabled(False)

    def _station_action(self, menu: QMenu, st, current) -> None:
        a = menu.addAction(icon("tv" if st.kind == "tv" else "radio"), st.name)
        a.setCheckable(True)
        a.setChecked(current is not None and current.id == st.id)
        a.triggered.connect(lambda _c=False, s=st: self.win.play_station(s))

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.win.show_window()
        elif reason == QSystemTrayIcon.ActivationReason.MiddleClick:
            self.win.toggle_play()

    def _title_changed(self, title: str) -> None:
        self._update(self.win.status())
        if title and self.win.settings.notify_titles and self.icon.isVisible():
            st = self.win.current_station()
            self.icon.showMessage(
                st.name if st else "maliradio",
                title,
                QSystemTrayIcon.MessageIcon.Information,
                5000,
            )

    def _update(self, status: Status) -> None:
        active = self.win.is_active()
        self.a_play.setText(self.tr("Arrêter") if active else self.tr("Lecture"))
        self.a_play.setIcon(icon("stop" if active else "play"))
        self.a_play.setEnabled(active or self.win.current_station() is not None)
        self.icon.setToolTip(self.tooltip())

    def tooltip(self) -> str:
        """« maliradio — ORTM Chaîne 1 : Titre » (what plays), or the status."""
        st = self.win.status()
        lines = ["maliradio"]
        if self.win.is_active():
            station = self.win.current_station()
            lines.append(station.name if station else st.station_name)
            if self.win.now_playing():
                lines.append(self.win.now_playing())
        elif st.station_id:
            lines.append(st.text())
        return "\n".join(lines)

    def notice(self, title: str, text: str) -> None:
        self.icon.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 8000)
