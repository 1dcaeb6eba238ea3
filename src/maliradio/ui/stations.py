"""The station list: grouped by country, TV and radio told apart, favourites first, a filter."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from maliradio import paths
from maliradio.catalog.health import down_days
from maliradio.catalog.models import Station
from maliradio.ui.icons import icon
from maliradio.ui.tasks import run_task

log = logging.getLogger("maliradio.ui")

ROLE_ID = Qt.ItemDataRole.UserRole


def country_label(code: str) -> str:
    # full calls: lupdate reads an alias's tr("Stations", "Mali") as tr(source, comment)
    return {
        "ML": QCoreApplication.translate("Stations", "Mali"),
        "BF": QCoreApplication.translate("Stations", "Burkina Faso"),
        "NE": QCoreApplication.translate("Stations", "Niger"),
        "INT": QCoreApplication.translate("Stations", "International"),
    }.get(code, code)


def logo_path(url: str) -> Path:
    ext = Path(url.split("?", 1)[0]).suffix.lower()
    if ext not in (".png", ".jpg", ".jpeg", ".svg", ".gif", ".webp"):
        ext = ".img"
    return paths.logo_cache_dir() / (hashlib.sha1(url.encode()).hexdigest()[:20] + ext)


LOGO_MAX_BYTES = 2 * 1024 * 1024  # decoded; a station logo weighs a few KB


def fetch_logo(url: str) -> Path | None:
    """Download a station logo once into the cache (worker thread), counted in the data
    meter (kind "logo")."""
    dest = logo_path(url)
    if dest.exists():
        return dest
    import time

    from maliradio import __version__
    from maliradio.datameter import DataMeter
    from maliradio.net import client as netclient

    headers = {"User-Agent": f"maliradio/{__version__}"}
    with netclient.Client(connect_timeout=10.0, read_timeout=10.0, headers=headers) as client:
        try:
            resp = client.get(url, max_bytes=LOGO_MAX_BYTES, deadline=time.monotonic() + 60)
        except netclient.HttpError as exc:
            DataMeter().add("logo", url, exc.wire_bytes)
            if isinstance(exc, netclient.TooLarge):
                raise ValueError("logo trop volumineux") from exc
            raise
    DataMeter().add("logo", url, resp.wire_bytes)
    if resp.status >= 400:
        raise ValueError(f"le serveur a répondu {resp.status}")
    data = resp.body
    from PySide6.QtGui import QImage  # QImage, unlike QPixmap, is safe off the GUI thread

    img = QImage()
    if not img.loadFromData(data):
        raise ValueError("logo illisible")
    tmp = dest.with_suffix(dest.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(dest)
    return dest


class StationList(QWidget):
    stationActivated = Signal(object)  # Station
    favouriteToggled = Signal(str, bool)
    addRequested = Signal()
    editRequested = Signal(object)
    removeRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(self.tr("Filtrer les stations…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName(self.tr("Filtrer les stations"))
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(8)
        self.tree.setAccessibleName(self.tr("Stations"))
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.add_button = QPushButton(self.tr("Ajouter une station…"), self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.filter)
        lay.addWidget(self.tree, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        lay.addLayout(row)
        self._stations: list[Station] = []
        self._favourites: set[str] = set()
        self._logos: dict[str, QIcon] = {}
        self._current: str | None = None  # the station playing, shown in bold
        self._asked: set[str] = set()
        self.filter.textChanged.connect(self._apply_filter)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.add_button.clicked.connect(self.addRequested)

    def set_stations(self, stations: list[Station], favourites: set[str]) -> None:
        self._stations = list(stations)
        self._favourites = set(favourites)
        self._rebuild()

    def set_current(self, station_id: str | None) -> None:
        """Mark the station playing (bold, and said by screen readers)."""
        if station_id == self._current:
            return
        old, self._current = self._current, station_id
        for sid in (old, station_id):
            item = self.station_item(sid) if sid else None
            if item is not None:
                self._mark_current(item)

    def current(self) -> str | None:
        return self._current

    def _mark_current(self, item: QTreeWidgetItem) -> None:
        on = item.data(0, ROLE_ID) == self._current
        f = item.font(0)
        f.setBold(on)
        item.setFont(0, f)
        if on:
            item.setForeground(0, self.palette().link())
        else:
            item.setData(0, Qt.ItemDataRole.ForegroundRole, None)
        playing = self.tr("en cours de lecture") if on else ""
        item.setData(0, Qt.ItemDataRole.AccessibleDescriptionRole, playing)

    def ordered(self) -> list[Station]:
        """The stations in the order the list shows them."""
        by_id = {s.id: s for s in self._stations}
        out = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                st = by_id.get(group.child(j).data(0, ROLE_ID))
                if st is not None:
                    out.append(st)
        return out

    def station_item(self, station_id: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                if group.child(j).data(0, ROLE_ID) == station_id:
                    return group.child(j)
        return None

    def _rebuild(self) -> None:
        self.tree.clear()
        groups: list[tuple[str, list[Station]]] = []
        favs = [s for s in self._stations if s.id in self._favourites]
        if favs:
            groups.append((self.tr("Favoris"), favs))
        for code in ("ML", "BF", "NE", "INT"):
            members = [
                s for s in self._stations if s.country == code and s.id not in self._favourites
            ]
            if members:
                groups.append((country_label(code), members))
        for label, members in groups:
            group = QTreeWidgetItem([label])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            f = group.font(0)
            f.setBold(True)
            group.setFont(0, f)
            self.tree.addTopLevelItem(group)
            members.sort(key=lambda s: (s.kind != "tv", s.name.lower()))
            for st in members:
                group.addChild(self._make_item(st))
            group.setExpanded(True)
        self._apply_filter(self.filter.text())

    def _make_item(self, st: Station) -> QTreeWidgetItem:
        text = st.name
        if st.id in self._favourites:
            text = "★ " + text
        if not st.has_stream:
            text += "  " + self.tr("(aucun flux connu)")
        days = down_days(st)  # every stream failed in the latest tries: greyed, not hidden
        if days is not None:
            text += "  " + (
                self.tr("(ne répond plus depuis %1 jours)").replace("%1", str(days))
                if days >= 2
                else self.tr("(ne répond plus)")
            )
        item = QTreeWidgetItem([text])
        item.setData(0, ROLE_ID, st.id)
        kind = self.tr("Télévision") if st.kind == "tv" else self.tr("Radio")
        tip = f"{st.name} — {kind}"
        if st.note:
            tip += "\n" + st.note
        item.setToolTip(0, tip)
        item.setIcon(0, self._logos.get(st.id) or icon("tv" if st.kind == "tv" else "radio"))
        if not st.has_stream or days is not None:
            item.setForeground(0, self.palette().placeholderText())
        if st.logo and st.id not in self._logos:
            self._load_logo(st)
        if st.id == self._current:
            self._mark_current(item)
        return item

    def _load_logo(self, st: Station) -> None:
        assert st.logo
        cached = logo_path(st.logo)
        if cached.exists():
            self._set_logo(st.id, cached)
            return
        if st.logo in self._asked or paths.offline():
            return
        self._asked.add(st.logo)
        run_task(
            fetch_logo,
            st.logo,
            on_success=lambda p, sid=st.id: p and self._set_logo(sid, p),
            on_error=lambda exc, url=st.logo: log.info("logo %s non chargé : %s", url, exc),
        )

    def _set_logo(self, station_id: str, path: Path) -> None:
        pm = QPixmap(str(path))
        if pm.isNull():
            return
        ic = QIcon(pm)
        self._logos[station_id] = ic
        item = self.station_item(station_id)
        if item is not None:
            item.setIcon(0, ic)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        by_id = {s.id: s for s in self._stations}
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            visible = 0
            for j in range(group.childCount()):
                child = group.child(j)
                st = by_id.get(child.data(0, ROLE_ID))
                hay = f"{st.name} {st.id} {' '.join(st.languages)}".lower() if st else ""
                hide = bool(needle) and needle not in hay and needle not in group.text(0).lower()
                child.setHidden(hide)
                visible += not hide
            group.setHidden(visible == 0)

    def _station_at(self, item: QTreeWidgetItem | None) -> Station | None:
        if item is None:
            return None
        sid = item.data(0, ROLE_ID)
        return next((s for s in self._stations if s.id == sid), None)

    def _activated(self, item: QTreeWidgetItem, _col: int = 0) -> None:
        st = self._station_at(item)
        if st is not None:
            self.stationActivated.emit(st)

    def _menu(self, pos) -> None:
        st = self._station_at(self.tree.itemAt(pos))
        if st is None:
            return
        menu = QMenu(self)
        fav = st.id in self._favourites
        a_fav = QAction(
            self.tr("Retirer des favoris") if fav else self.tr("Ajouter aux favoris"), menu
        )
        a_fav.triggered.connect(lambda: self.favouriteToggled.emit(st.id, not fav))
        menu.addAction(a_fav)
        if st.user:
            a_edit = QAction(self.tr("Modifier…"), menu)
            a_edit.triggered.connect(lambda: self.editRequested.emit(st))
            a_del = QAction(self.tr("Supprimer"), menu)
            a_del.triggered.connect(lambda: self.removeRequested.emit(st))
            menu.addAction(a_edit)
            menu.addAction(a_del)
        menu.exec(self.tree.viewport().mapToGlobal(pos))
