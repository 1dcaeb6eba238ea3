"""The news sources dialog: add (by site or feed address, with a preview), rename, enable or
disable, remove, import and export OPML; each source's counts and last status in plain words.

The store is only touched through the news pane's `TaskQueue` (the owner of its connection);
looking a feed up on the network runs on the thread pool (`run_task`). `changed` tells the
pane to reload its filters and list.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from maliradio.news.models import Source
from maliradio.news.store import NewsStore
from maliradio.news.timefmt import relative_time
from maliradio.ui.stations import country_label
from maliradio.ui.tasks import TaskQueue, run_task

PREVIEW_TITLES = 5
COL_NAME, COL_COUNTRY, COL_ARTICLES, COL_UNREAD, COL_STATUS = range(5)


@dataclass
class FeedPreview:
    """What an address leads to: the feed, its title, its latest titles."""

    feed_url: str
    title: str
    site_url: str
    titles: list[str]


def look_up_feed(url: str) -> FeedPreview:
    """A site or feed address -> its feed and latest titles (network: off the GUI thread).
    Raises `fetch.FetchError` with a plain French message."""
    from maliradio.news.fetch import (
        ACCEPT_FEED,
        FetchError,
        discover_feed,
        http_get,
        make_client,
    )
    from maliradio.news.parse import parse_feed

    client = make_client(silence_timeout=15.0, connect_timeout=10.0)
    try:
        found = discover_feed(url, client=client)
        r = http_get(client, found.feed_url, headers={"Accept": ACCEPT_FEED})
        if r.status != 200:
            raise FetchError(f"Le serveur a répondu {r.status}", "http")
        parsed = parse_feed(r.body, r.url, r.headers.get("content-type", ""))
    finally:
        client.close()
    entries = sorted(parsed.entries, key=lambda e: e.published or 0, reverse=True)
    titles = [e.title for e in entries if e.title][:PREVIEW_TITLES]
    return FeedPreview(found.feed_url, found.title or parsed.title, found.site_url, titles)


def status_text(s: Source, now: float | None = None) -> str:
    """A source's last fetch in plain words."""
    from maliradio.news.models import (
        STATUS_ERROR,
        STATUS_GONE,
        STATUS_NOT_MODIFIED,
        STATUS_OK,
        STATUS_WAITING,
    )

    now = time.time() if now is None else now
    when = (
        relative_time(s.last_fetch, now, lambda t: QCoreApplication.translate("RelativeTime", t))
        if s.last_fetch
        else ""
    )
    if s.status == STATUS_GONE:
        return QCoreApplication.translate(
            "SourcesDialog", "Le site a retiré ce flux : source désactivée"
        )
    if not s.enabled:
        return QCoreApplication.translate("SourcesDialog", "Désactivée")
    if s.status == STATUS_ERROR:
        return _error_text(s)
    if s.status == STATUS_WAITING:
        return QCoreApplication.translate(
            "SourcesDialog", "Le serveur demande d'attendre avant de revenir"
        )
    if s.status in (STATUS_OK, STATUS_NOT_MODIFIED):
        return (
            QCoreApplication.translate("SourcesDialog", "Bien reçue %1").replace("%1", when)
            if when
            else QCoreApplication.translate("SourcesDialog", "Bien reçue")
        )
    return QCoreApplication.translate("SourcesDialog", "Jamais actualisée")


def _error_text(s: Source) -> str:
    """The last error in words a reader understands (the fetcher's detail is the tooltip)."""
    code = s.http_status or 0
    if code in (404, 410):
        text = QCoreApplication.translate(
            "SourcesDialog",
            "Flux introuvable sur le site (erreur %1) : son adresse a peut-être changé",
        )
    elif code in (401, 403):
        text = QCoreApplication.translate(
            "SourcesDialog", "Le site refuse l'accès à son flux (erreur %1)"
        )
    elif code >= 500:
        text = QCoreApplication.translate(
            "SourcesDialog",
            "Le site est en panne (erreur %1) : nouvel essai à la prochaine actualisation",
        )
    elif s.error.startswith("Connexion impossible"):  # the fetcher's words for "connect"
        return QCoreApplication.translate(
            "SourcesDialog", "Le site ne répond pas : pas de connexion, ou son serveur est arrêté"
        )
    else:
        return QCoreApplication.translate("SourcesDialog", "Erreur : %1").replace(
            "%1", s.error or QCoreApplication.translate("SourcesDialog", "inconnue")
        )
    return text.replace("%1", str(code))


class SourcesDialog(QDialog):
    """The sources and what can be done to them."""

    changed = Signal()  # a source was added, removed, renamed, enabled or disabled
    sourceAdded = Signal(str)  # noqa: N815 (Qt's naming) its id: the pane fetches it now

    def __init__(self, store: NewsStore, db: TaskQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._db = db
        self._sources: list[Source] = []
        self._preview: FeedPreview | None = None
        self._lookup = 0  # the generation of the address being looked up
        self.setWindowTitle(self.tr("Sources d'actualités"))
        self.resize(760, 560)

        # the list
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName(self.tr("Sources"))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setHeaderLabels(
            [self.tr("Source"), self.tr("Pays"), self.tr("Articles"), self.tr("Non lus"),
             self.tr("État")]
        )  # fmt: skip
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Interactive)
        for col in (COL_COUNTRY, COL_ARTICLES, COL_UNREAD):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setColumnWidth(COL_NAME, 220)
        self.tree.headerItem().setToolTip(
            COL_NAME, self.tr("Cochée : la source est actualisée avec les autres")
        )
        self.rename_button = QPushButton(self.tr("Renommer…"), self)
        self.remove_button = QPushButton(self.tr("Retirer…"), self)
        self.import_button = QPushButton(self.tr("Importer OPML…"), self)
        self.export_button = QPushButton(self.tr("Exporter OPML…"), self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Message"))

        # adding
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText(self.tr("Adresse du site ou du flux, ex. https://…"))
        self.url_edit.setAccessibleName(self.tr("Adresse du site ou du flux"))
        self.country = QComboBox(self)
        self.country.setAccessibleName(self.tr("Pays de la nouvelle source"))
        self.country.addItem(self.tr("Pays (facultatif)"), "")
        for code in ("ML", "BF", "NE", "INT"):
            self.country.addItem(country_label(code), code)
        self.find_button = QPushButton(self.tr("Chercher"), self)
        self.find_button.setToolTip(self.tr("Trouver le flux d'actualités de cette adresse"))
        self.preview_title = QLabel(self)
        self.preview_title.setWordWrap(True)
        self.preview_list = QListWidget(self)
        self.preview_list.setAccessibleName(self.tr("Derniers titres de la source trouvée"))
        self.preview_list.setMaximumHeight(110)
        self.preview_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.add_button = QPushButton(self.tr("Ajouter cette source"), self)
        self.add_message = QLabel(self)
        self.add_message.setWordWrap(True)
        self.add_message.setAccessibleName(self.tr("Résultat de la recherche"))

        add_box = QGroupBox(self.tr("Ajouter une source"), self)
        ab = QVBoxLayout(add_box)
        row = QHBoxLayout()
        row.addWidget(self.url_edit, 1)
        row.addWidget(self.country)
        row.addWidget(self.find_button)
        ab.addLayout(row)
        ab.addWidget(self.add_message)
        ab.addWidget(self.preview_title)
        ab.addWidget(self.preview_list)
        arow = QHBoxLayout()
        arow.addStretch(1)
        arow.addWidget(self.add_button)
        ab.addLayout(arow)

        actions = QHBoxLayout()
        for b in (self.rename_button, self.remove_button):
            actions.addWidget(b)
        actions.addStretch(1)
        for b in (self.import_button, self.export_button):
            actions.addWidget(b)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close_button = close.button(QDialogButtonBox.StandardButton.Close)
        close_button.setText(self.tr("Fermer"))  # (Qt's own word stays English without qtbase)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tree, 1)
        lay.addLayout(actions)
        lay.addWidget(self.status)
        lay.addWidget(add_box)
        lay.addWidget(close)
        self._show_preview(None)
        self._say("")

        self.tree.itemChanged.connect(self._item_changed)
        self.tree.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.tree.itemDoubleClicked.connect(lambda *_a: self.rename_selected())
        self.rename_button.clicked.connect(lambda: self.rename_selected())
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.import_button.clicked.connect(lambda: self.import_opml())
        self.export_button.clicked.connect(lambda: self.export_opml())
        self.find_button.clicked.connect(self.look_up)
        self.url_edit.returnPressed.connect(self.look_up)
        self.url_edit.textEdited.connect(lambda _t: self._show_preview(None))
        self.add_button.clicked.connect(self.add_previewed)
        for b in self.findChildren(QPushButton):
            b.setAutoDefault(False)  # Enter in the address field looks it up, nothing else
        self._update_buttons()
        self.reload()

    # ---- the list ----
    def reload(self) -> None:
        def load() -> tuple[list[Source], dict[str, int], dict[str, int]]:
            return (
                self.store.list_sources(),
                self.store.article_counts(),
                self.store.unread_counts(),
            )

        self._db.run(load, on_success=self._got_sources, on_error=self._failed)

    def _got_sources(self, data: tuple[list[Source], dict[str, int], dict[str, int]]) -> None:
        if not shiboken6.isValid(self):
            return
        sources, articles, unread = data
        current = self.selected_source()
        self._sources = sources
        now = time.time()
        self.tree.blockSignals(True)
        self.tree.clear()
        for s in sources:
            item = QTreeWidgetItem(
                [s.name, country_label(s.country) if s.country else "—",
                 str(articles.get(s.id, 0)), str(unread.get(s.id, 0)), status_text(s, now)]
            )  # fmt: skip
            item.setData(COL_NAME, Qt.ItemDataRole.UserRole, s.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                COL_NAME, Qt.CheckState.Checked if s.enabled else Qt.CheckState.Unchecked
            )
            item.setToolTip(COL_NAME, s.url)
            item.setToolTip(COL_STATUS, s.error or s.warning or status_text(s, now))
            for col in (COL_ARTICLES, COL_UNREAD):
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight)
            self.tree.addTopLevelItem(item)
            if current is not None and s.id == current.id:
                self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)
        self._update_buttons()

    def item_for(self, source_id: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.data(COL_NAME, Qt.ItemDataRole.UserRole) == source_id:
                return item
        return None

    def selected_source(self) -> Source | None:
        item = self.tree.currentItem()
        sid = item.data(COL_NAME, Qt.ItemDataRole.UserRole) if item is not None else None
        return next((s for s in self._sources if s.id == sid), None)

    def _update_buttons(self) -> None:
        chosen = self.selected_source() is not None
        self.rename_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def _changed(self, message: str = "") -> None:
        if not shiboken6.isValid(self):
            return
        if message:
            self.status.setText(message)
        self.reload()
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        if shiboken6.isValid(self):
            self.status.setText(self.tr("Erreur : %1").replace("%1", str(exc)))

    # ---- enable, rename, remove ----
    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if column != COL_NAME:
            return
        sid = item.data(COL_NAME, Qt.ItemDataRole.UserRole)
        on = item.checkState(COL_NAME) == Qt.CheckState.Checked
        text = self.tr("« %1 » activée.") if on else self.tr("« %1 » désactivée.")
        self._db.run(
            self.store.set_enabled, sid, on,
            on_success=lambda _r: self._changed(text.replace("%1", item.text(COL_NAME))),
            on_error=self._failed,
        )  # fmt: skip

    def set_enabled(self, source_id: str, enabled: bool) -> None:
        item = self.item_for(source_id)
        if item is not None:
            item.setCheckState(
                COL_NAME, Qt.CheckState.Checked if enabled else Qt.CheckState.Unchecked
            )

    def rename_selected(self, name: str | None = None) -> None:
        s = self.selected_source()
        if s is None:
            return
        if name is None:
            name, ok = QInputDialog.getText(
                self, self.tr("Renommer la source"), self.tr("Nouveau nom :"), text=s.name
            )
            if not ok:
                return
        name = " ".join(name.split())
        if not name or name == s.name:
            return
        self._db.run(
            self.store.rename_source, s.id, name,
            on_success=lambda _r: self._changed(self.tr("Source renommée.")),
            on_error=self._failed,
        )  # fmt: skip

    def remove_selected(self) -> None:
        s = self.selected_source()
        if s is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Retirer la source"),
            self.tr("Retirer « %1 » et ses articles enregistrés ?").replace("%1", s.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        done = self.tr("« %1 » retirée.").replace("%1", s.name)
        self._db.run(
            self.store.remove_source, s.id,
            on_success=lambda _r: self._changed(done), on_error=self._failed,
        )  # fmt: skip

    # ---- adding ----
    def look_up(self) -> None:
        url = self.url_edit.text().strip()
        if not url:
            self._say(self.tr("Écrivez d'abord l'adresse d'un site ou d'un flux."))
            return
        self._lookup += 1
        gen = self._lookup
        self._show_preview(None)
        self.find_button.setEnabled(False)
        self._say(self.tr("Recherche du flux de %1…").replace("%1", url))
        run_task(
            look_up_feed, url,
            on_success=lambda p: self._found(gen, p),
            on_error=lambda exc: self._not_found(gen, url, exc),
        )  # fmt: skip

    def _found(self, gen: int, preview: FeedPreview) -> None:
        if not shiboken6.isValid(self) or gen != self._lookup:
            return
        self.find_button.setEnabled(True)
        self._say("")
        self._show_preview(preview)

    def _not_found(self, gen: int, url: str, exc: BaseException) -> None:
        if not shiboken6.isValid(self) or gen != self._lookup:
            return
        from maliradio.news.fetch import FetchError

        self.find_button.setEnabled(True)
        kind = getattr(exc, "kind", "")
        if kind == "not-feed":
            text = self.tr(
                "Aucun flux d'actualités trouvé à %1. Essayez l'adresse du flux (RSS ou Atom)."
            )
        elif kind == "http":
            text = self.tr("Le serveur de %1 a refusé la demande ou ne connaît pas cette page.")
        elif isinstance(exc, FetchError) and str(exc).startswith("Adresse"):
            text = self.tr("« %1 » n'est pas une adresse web (http ou https).")
        elif kind in ("connect", "timeout"):
            text = self.tr("Le site %1 ne répond pas. Vérifiez l'adresse et la connexion.")
        elif isinstance(exc, FetchError):
            text = self.tr("Impossible d'ajouter %1 : %2").replace("%2", str(exc))
        else:
            text = self.tr("Impossible d'ajouter %1 : erreur inattendue.")
        self._say(text.replace("%1", url))

    def _say(self, text: str) -> None:
        """The outcome of a look-up, under the address (hidden when there is none)."""
        self.add_message.setText(text)
        self.add_message.setVisible(bool(text))

    def _show_preview(self, preview: FeedPreview | None) -> None:
        self._preview = preview
        self.preview_list.clear()
        shown = preview is not None
        self.preview_title.setVisible(shown)
        self.preview_list.setVisible(shown)
        self.add_button.setVisible(shown)
        if preview is None:
            return
        self.preview_title.setText(
            self.tr("Trouvée : %1 — ses derniers titres :").replace(
                "%1", preview.title or preview.feed_url
            )
        )
        self.preview_list.addItems(preview.titles or [self.tr("(aucun article pour l'instant)")])

    def add_previewed(self) -> None:
        p = self._preview
        if p is None:
            return
        country = self.country.currentData() or ""

        def add() -> tuple[bool, Source]:
            existing = self.store.find_source_by_url(p.feed_url)
            if existing is not None:
                return False, existing
            s = self.store.add_source(
                p.feed_url, p.title or p.feed_url, site_url=p.site_url, country=country
            )
            return True, s

        self._db.run(add, on_success=self._added, on_error=self._failed)

    def _added(self, result: tuple[bool, Source]) -> None:
        if not shiboken6.isValid(self):
            return
        added, source = result
        if not added:
            self._say(self.tr("Cette source est déjà présente : %1").replace("%1", source.name))
            return
        self._show_preview(None)
        self.url_edit.clear()
        self._say("")
        self._changed(self.tr("« %1 » ajoutée.").replace("%1", source.name))
        self.sourceAdded.emit(source.id)

    # ---- OPML ----
    def import_opml(self, path: str | None = None) -> None:
        if path is None:
            path, _f = QFileDialog.getOpenFileName(
                self, self.tr("Importer des sources"), "",
                self.tr("Listes de flux OPML (*.opml *.xml);;Tous les fichiers (*)"),
            )  # fmt: skip
        if not path:
            return
        chosen = Path(path)

        def work() -> tuple[int, int]:
            from maliradio.news.opml import read_opml

            added = skipped = 0
            for f in read_opml(chosen):
                if self.store.find_source_by_url(f.url) is not None:
                    skipped += 1
                    continue
                self.store.add_source(
                    f.url, f.title or f.url, site_url=f.site_url, country=f.country,
                    language=f.language or "fr",
                )  # fmt: skip
                added += 1
            return added, skipped

        self.status.setText(self.tr("Importation…"))
        self._db.run(work, on_success=self._imported, on_error=self._failed)

    def _imported(self, counts: tuple[int, int]) -> None:
        added, skipped = counts
        self._changed(
            self.tr("%1 source(s) ajoutée(s), %2 déjà présente(s).")
            .replace("%1", str(added)).replace("%2", str(skipped))
        )  # fmt: skip

    def export_opml(self, path: str | None = None) -> None:
        if path is None:
            path, _f = QFileDialog.getSaveFileName(
                self, self.tr("Exporter les sources"), "maliradio-sources.opml",
                self.tr("Listes de flux OPML (*.opml)"),
            )  # fmt: skip
        if not path:
            return
        chosen = Path(path)

        def work() -> int:
            from maliradio.news.opml import write_opml

            sources = self.store.list_sources()
            write_opml(chosen, sources)
            return len(sources)

        def done(n: Any) -> None:
            if shiboken6.isValid(self):
                self.status.setText(
                    self.tr("%1 source(s) exportée(s) dans %2.")
                    .replace("%1", str(n)).replace("%2", chosen.name)
                )  # fmt: skip

        self._db.run(work, on_success=done, on_error=self._failed)
