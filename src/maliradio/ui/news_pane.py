"""The news pane beside the player: latest articles, filters, search, and a reader.

Every database access goes through the pane's `TaskQueue` (one thread, the owner of the
database connection, in the order asked); the widgets only show what comes back. The list is a
model that loads pages of articles on demand (`fetchMore`), so 10,000 stored articles cost one
page at startup.

A refresh runs in a child process, `maliradio news refresh --json` (see `RefreshJob`): feed
parsing, HTML cleaning and SQLite writes are CPU-heavy Python, and in a worker thread of this
process they would hold the GIL long enough to freeze the window. The child writes to the same
database (WAL); its stdout gives one JSON line per source, for the progress; at its end the pane
reloads its list from the store.
"""

from __future__ import annotations

import functools
import html
import json
import logging
import math
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QProcess,
    QProcessEnvironment,
    QRect,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from maliradio.news import clean
from maliradio.news.models import Article, ArticleSummary, RefreshReport, SourceResult
from maliradio.news.store import NewsStore
from maliradio.news.timefmt import full_date, relative_time
from maliradio.settings import Settings
from maliradio.ui.icons import icon
from maliradio.ui.tasks import TaskQueue, run_task

log = logging.getLogger("maliradio.ui")

PAGE_SIZE = 200
STARTUP_REFRESH_DELAY_MS = 4000

ROLE_ARTICLE = Qt.ItemDataRole.UserRole + 1


def _alive(method: Callable[..., None]) -> Callable[..., None]:
    """For callbacks that arrive from a worker: do nothing once the pane is gone or shut."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any) -> None:
        if getattr(self, "_closed", False) or not shiboken6.isValid(self):
            return
        method(self, *args)

    return wrapper


def _tr_time(text: str) -> str:
    return QCoreApplication.translate("RelativeTime", text)


@dataclass
class _Query:
    country: str | None = None
    source: str | None = None
    search: str = ""


# --- the list model ---------------------------------------------------------------------------


class ArticleListModel(QAbstractListModel):
    """Articles newest first, loaded `PAGE_SIZE` at a time on a worker thread."""

    loaded = Signal()  # a page arrived

    def __init__(self, store: NewsStore, db: TaskQueue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._db = db
        self.query = _Query()
        self._rows: list[ArticleSummary] = []
        self._generation = 0
        self._loading = False
        self._exhausted = False
        self._now = time.time()

    # Qt model API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        a = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return a.title
        if role == ROLE_ARTICLE:
            return a
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{a.title}\n{a.source_name} — {full_date(a.published, _tr_time)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            state = "" if a.read else QCoreApplication.translate("NewsPane", "non lu, ")
            return f"{state}{a.title}, {a.source_name}, {self.when(a)}"
        return None

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid() or self._loading or self._exhausted:
            return
        self._load(len(self._rows))

    # ours
    def when(self, a: ArticleSummary) -> str:
        return relative_time(a.published, self._now, _tr_time)

    def article(self, row: int) -> ArticleSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def is_loading(self) -> bool:
        return self._loading

    def reset_query(self, query: _Query) -> None:
        """Start again from the newest article with other filters (old replies are ignored)."""
        self.query = query
        self._generation += 1
        self._loading = False
        self._exhausted = False
        self._now = time.time()
        self._load(0, replace=True)

    def _load(self, offset: int, replace: bool = False) -> None:
        self._loading = True
        gen = self._generation
        q = self.query
        self._db.run(
            self.store.list_articles,
            source_ids=[q.source] if q.source else None,
            country=q.country,
            search=q.search or None,
            limit=PAGE_SIZE,
            offset=offset,
            on_success=lambda rows: self._page(gen, rows, replace),
            on_error=lambda exc: self._failed(gen, exc),
        )

    def _page(self, gen: int, rows: list[ArticleSummary], replace: bool) -> None:
        if not shiboken6.isValid(self) or gen != self._generation:
            return
        self._loading = False
        self._exhausted = len(rows) < PAGE_SIZE
        if replace:
            self.beginResetModel()
            self._rows = list(rows)
            self.endResetModel()
        elif rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.loaded.emit()

    def _failed(self, gen: int, exc: BaseException) -> None:
        if not shiboken6.isValid(self) or gen != self._generation:
            return
        self._loading = False
        self._exhausted = True
        log.warning("Articles non chargés : %s", exc)
        self.loaded.emit()

    def remove_article(self, article_id: int) -> None:
        for row, a in enumerate(self._rows):
            if a.id == article_id:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
                return

    def update_article(self, article_id: int, **changes: Any) -> None:
        for row, a in enumerate(self._rows):
            if a.id == article_id:
                for k, v in changes.items():
                    setattr(a, k, v)
                idx = self.index(row)
                self.dataChanged.emit(idx, idx)
                return


class ArticleDelegate(QStyledItemDelegate):
    """Two lines: the title (bold when unread), then a star, the source and the time."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)  # type: ignore[attr-defined]
        meta = QFont(option.font)  # type: ignore[attr-defined]
        meta.setPointSizeF(max(7.0, meta.pointSizeF() * 0.85))
        return title, meta

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:  # noqa: N802
        title, meta = self._fonts(option)
        h = QFontMetrics(title).height() * 2 + QFontMetrics(meta).height() + 14
        return QSize(200, h)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        a: ArticleSummary | None = index.data(ROLE_ARTICLE)
        if a is None:
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # type: ignore[attr-defined]
        widget = opt.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        pal: QPalette = opt.palette  # type: ignore[attr-defined]
        text_color = pal.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        dim = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        title_font, meta_font = self._fonts(opt)
        title_font.setBold(not a.read)
        rect: QRect = opt.rect.adjusted(8, 5, -8, -5)  # type: ignore[attr-defined]
        painter.save()
        fm = QFontMetrics(title_font)
        title = self._elide_two_lines(a.title, fm, rect.width())
        lines = title.count("\n") + 1
        title_rect = QRect(rect.left(), rect.top(), rect.width(), fm.height() * lines)
        painter.setFont(title_font)
        painter.setPen(text_color)
        painter.drawText(
            title_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), title
        )
        model = index.model()
        when = model.when(a) if isinstance(model, ArticleListModel) else ""
        meta = f"{'★ ' if a.starred else ''}{a.source_name} · {when}"
        painter.setFont(meta_font)
        painter.setPen(pal.color(dim))
        meta_rect = QRect(
            rect.left(), title_rect.bottom() + 2, rect.width(), rect.bottom() - title_rect.bottom()
        )
        painter.drawText(
            meta_rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            QFontMetrics(meta_font).elidedText(meta, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.restore()

    @staticmethod
    def _elide_two_lines(text: str, fm: QFontMetrics, width: int) -> str:
        if fm.horizontalAdvance(text) <= width:
            return text
        words, first = text.split(), ""
        while words and fm.horizontalAdvance((first + " " + words[0]).strip()) <= width:
            first = (first + " " + words.pop(0)).strip()
        rest = fm.elidedText(" ".join(words), Qt.TextElideMode.ElideRight, width)
        return (
            f"{first}\n{rest}" if first else fm.elidedText(text, Qt.TextElideMode.ElideRight, width)
        )


# --- the refresh, in a child process ----------------------------------------------------------


def refresh_command(
    source_ids: Iterable[str] | None = None,
    *,
    automatic: bool = False,
    full_articles: bool = True,
    data_saver: bool = False,
) -> tuple[str, list[str]]:
    """(program, arguments) of the child that refreshes: this same Python (or the frozen app,
    whose entry point takes the subcommands) running `news refresh --json`."""
    args = ["news", "refresh", "--json"]
    for sid in source_ids or ():
        args += ["--source", sid]
    if automatic:
        args.append("--automatic")  # honours the pause after errors, as timers should
    if not full_articles:
        args.append("--no-full-text")
    if data_saver:
        args.append("--data-saver")  # no pictures, no article pages
    if getattr(sys, "frozen", False):
        return sys.executable, args
    return sys.executable, ["-m", "maliradio", *args]


def _child_environment() -> QProcessEnvironment:
    """This process's environment (MALIRADIO_HOME, MALIRADIO_OFFLINE, proxies...), plus UTF-8
    unbuffered output and, when running from a checkout that is not installed, its path."""
    env = QProcessEnvironment.systemEnvironment()
    env.insert("PYTHONIOENCODING", "utf-8")
    env.insert("PYTHONUNBUFFERED", "1")
    if not getattr(sys, "frozen", False):
        import maliradio

        root = str(Path(maliradio.__file__).resolve().parent.parent)
        if Path(root).name not in ("site-packages", "dist-packages"):
            old = env.value("PYTHONPATH", "")
            if root not in old.split(os.pathsep):
                env.insert("PYTHONPATH", root + (os.pathsep + old if old else ""))
    return env


class RefreshJob(QObject):
    """One `maliradio news refresh --json` child process.

    `result(SourceResult)` for each source as its line arrives; `done(job)` once, at the end
    (then `failure` is "" for a refresh that ran to its end, else one of "start", "crash",
    "exit", "cancelled"). Stderr lines are logged, never shown."""

    result = Signal(object)
    done = Signal(object)  # this job

    STDERR_TAIL = 20

    def __init__(self, program: str, arguments: list[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.results: list[SourceResult] = []
        self.failure = ""
        self.exit_code: int | None = None
        self.stderr_tail: list[str] = []
        self._out = b""
        self._err = b""
        self._finished = False
        self._cancelled = False
        self.process = QProcess(self)
        self.process.setProgram(program)
        self.process.setArguments(arguments)
        self.process.setProcessEnvironment(_child_environment())
        self.process.readyReadStandardOutput.connect(self._read_stdout)
        self.process.readyReadStandardError.connect(self._read_stderr)
        self.process.finished.connect(self._on_finished)
        self.process.errorOccurred.connect(self._on_error)

    def start(self) -> None:
        log.info(
            "Actualisation : %s %s", self.process.program(), " ".join(self.process.arguments())
        )
        self.process.start(QProcess.OpenModeFlag.ReadOnly)

    def cancel(self) -> None:
        """Ask the child to stop (what it stored so far stays); `done` follows."""
        if self._finished:
            return
        self._cancelled = True
        self.process.terminate()
        QTimer.singleShot(2000, self, self._kill_if_running)  # terminate is a request

    def _kill_if_running(self) -> None:
        if self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.kill()

    def stop_now(self, wait_ms: int = 1500) -> None:
        """The window closes: no more signals; terminate, wait briefly, then kill."""
        self._finished = True
        self.blockSignals(True)
        p = self.process
        for sig in (p.readyReadStandardOutput, p.readyReadStandardError, p.finished):
            try:
                sig.disconnect()
            except (RuntimeError, TypeError):
                pass
        if p.state() == QProcess.ProcessState.NotRunning:
            return
        p.terminate()
        if not p.waitForFinished(wait_ms):
            p.kill()
            p.waitForFinished(500)

    # ---- output ----
    @Slot()
    def _read_stdout(self) -> None:
        self._out += bytes(self.process.readAllStandardOutput().data())
        *lines, self._out = self._out.split(b"\n")
        for line in lines:
            self._parse(line)

    def _parse(self, raw: bytes) -> None:
        text = raw.decode("utf-8", "replace").strip()
        if not text:
            return
        try:
            data = json.loads(text)
        except ValueError:
            log.info("Actualisation, sortie ignorée : %s", text[:300])
            return
        if not isinstance(data, dict) or "source" not in data or "status" not in data:
            log.info("Actualisation, sortie ignorée : %s", text[:300])
            return
        outcome = SourceResult.from_json(data)
        self.results.append(outcome)
        self.result.emit(outcome)

    @Slot()
    def _read_stderr(self) -> None:
        self._err += bytes(self.process.readAllStandardError().data())
        *lines, self._err = self._err.split(b"\n")
        for line in lines:
            self._log_stderr(line)

    def _log_stderr(self, raw: bytes) -> None:
        text = raw.decode("utf-8", "replace").rstrip()
        if not text:
            return
        # the child logs its own warnings to the same file; keep its stderr at INFO so they
        # are not counted twice, while a crash's traceback still reaches the log
        log.info("Actualisation (processus) : %s", text)
        self.stderr_tail = [*self.stderr_tail[-(self.STDERR_TAIL - 1) :], text]

    # ---- the end ----
    @Slot(int, QProcess.ExitStatus)
    def _on_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        if self._finished:
            return
        self._read_stdout()
        self._read_stderr()
        if self._out.strip():
            self._parse(self._out)  # a last line without its newline
        if self._err.strip():
            self._log_stderr(self._err)
        self._out = self._err = b""
        self.exit_code = code
        if self._cancelled:
            self.failure = "cancelled"
        elif status == QProcess.ExitStatus.CrashExit:
            self.failure = "crash"
        elif not self._normal_exit(code):
            self.failure = "exit"
        self._end()

    def _normal_exit(self, code: int) -> bool:
        # 0: done; 1: done, and every source failed (else 1 is an error of the command itself)
        if code == 0:
            return True
        return code == 1 and bool(self.results) and all(r.status == "error" for r in self.results)

    @Slot(QProcess.ProcessError)
    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and not self._finished:
            self.failure = "start"
            self._end()  # no `finished` follows a failed start
        # a crash is told by `finished` (CrashExit), which follows

    def _end(self) -> None:
        self._finished = True
        if self.failure and self.failure != "cancelled":
            log.error(
                "Actualisation : échec (%s, code %s, %s) %s",
                self.failure,
                self.exit_code,
                self.process.errorString(),
                " | ".join(self.stderr_tail[-5:]),
            )
        self.done.emit(self)


class _Relay(QObject):
    """Lives on the GUI thread: `progress(done, total, source)` as each source's line arrives
    (total: the enabled sources, or the sources asked for; 0 while not known)."""

    progress = Signal(int, int, str)


# --- the pane -------------------------------------------------------------------------------


class NewsPane(QWidget):
    # a RefreshReport (results, new, bytes, offline), or None when the refresh failed or
    # was stopped
    refreshFinished = Signal(object)
    articleShown = Signal(int)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.store = NewsStore()
        # the one thread that touches the store's database in the window (its connection's
        # owner), in the order the pane asks
        self._db = TaskQueue("news-db", self)
        self._refreshing = False
        self._job: RefreshJob | None = None
        self._total = 0
        self._done = 0
        self._current: Article | None = None
        self._sources: list[Any] = []
        self._unread: dict[str, int] = {}
        self.sources_dialog: Any = None  # the sources dialog, while it is open
        self._offline = False
        self._closed = False
        self._relay = _Relay(self)
        self._relay.progress.connect(self._on_progress)

        # filters and actions
        self.country_box = QComboBox(self)
        self.country_box.setAccessibleName(self.tr("Pays"))
        for code, label in (
            ("", self.tr("Tous les pays")),
            ("ML", self.tr("Mali")),
            ("BF", self.tr("Burkina Faso")),
            ("NE", self.tr("Niger")),
            ("INT", self.tr("International")),
        ):
            self.country_box.addItem(label, code)
        self._country_names = {
            self.country_box.itemData(i): self.country_box.itemText(i)
            for i in range(self.country_box.count())
        }
        # the counts change the labels' width
        self.country_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.source_box = QComboBox(self)
        self.source_box.setAccessibleName(self.tr("Source"))
        self.source_box.addItem(self.tr("Toutes les sources"), "")
        self.source_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.source_box.setMinimumContentsLength(12)
        self.refresh_button = QPushButton(icon("refresh"), self.tr("Actualiser"), self)
        self.refresh_button.setToolTip(self.tr("Télécharger les nouveaux articles"))
        self.a_mark_all = QAction(self.tr("Tout marquer comme lu"), self)
        self.a_mark_all.triggered.connect(self.mark_all_read)
        self.a_sources = QAction(self.tr("Gérer les sources…"), self)
        self.a_sources.triggered.connect(self.open_sources)
        self.more_button = QToolButton(self)
        self.more_button.setText("⋯")
        self.more_button.setToolTip(self.tr("Sources, tout marquer comme lu"))
        self.more_button.setAccessibleName(self.tr("Plus d'actions"))
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_button.setStyleSheet("QToolButton::menu-indicator { image: none; }")
        more = QMenu(self.more_button)
        more.addAction(self.a_mark_all)
        more.addAction(self.a_sources)
        self.more_button.setMenu(more)
        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText(self.tr("Rechercher dans les articles…"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName(self.tr("Recherche"))

        self.progress = QProgressBar(self)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.offline_notice = QLabel(self.tr("Hors ligne : articles enregistrés affichés"), self)
        self.offline_notice.setWordWrap(True)
        self.offline_notice.setStyleSheet(
            "QLabel { background: palette(alternate-base); border-left: 4px solid #d08a00;"
            " padding: 4px 6px; }"
        )
        self.offline_notice.hide()
        self.db_notice = QLabel(self)
        self.db_notice.setWordWrap(True)
        self.db_notice.hide()

        # list
        self.model = ArticleListModel(self.store, self._db, self)
        self.model.loaded.connect(self._on_loaded)
        self.list = QListView(self)
        self.list.setModel(self.model)
        self.list.setItemDelegate(ArticleDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setAccessibleName(self.tr("Articles"))
        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        # reader
        self.reader = QTextBrowser(self)
        self.reader.setOpenLinks(False)
        self.reader.setOpenExternalLinks(False)
        self.reader.setAccessibleName(self.tr("Article"))
        self.reader.anchorClicked.connect(self._link_clicked)
        self.star_button = QPushButton(icon("star-outline"), self.tr("Garder"), self)
        self.star_button.setCheckable(True)
        self.star_button.setToolTip(self.tr("Garder cet article (il ne sera jamais effacé)"))
        self.browser_button = QPushButton(self.tr("Ouvrir dans le navigateur"), self)
        self.star_button.setEnabled(False)
        self.browser_button.setEnabled(False)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.country_box)
        top.addWidget(self.source_box, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.more_button)
        list_box = QWidget(self)
        lb = QVBoxLayout(list_box)
        lb.setContentsMargins(0, 0, 0, 0)
        lb.addWidget(self.list)
        lb.addWidget(self.empty_label)
        reader_box = QWidget(self)
        rb = QVBoxLayout(reader_box)
        rb.setContentsMargins(0, 0, 0, 0)
        rb.addWidget(self.reader, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.star_button)
        buttons.addStretch(1)
        buttons.addWidget(self.browser_button)
        rb.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(list_box)
        self.splitter.addWidget(reader_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 4)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.search_box)
        lay.addWidget(self.offline_notice)
        lay.addWidget(self.db_notice)
        lay.addWidget(self.status)
        lay.addWidget(self.progress)
        lay.addWidget(self.splitter, 1)
        self._show_placeholder()

        # behaviour
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self._apply_filters)
        self.search_box.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_box.returnPressed.connect(self._apply_filters)
        self.country_box.currentIndexChanged.connect(self._country_changed)
        self.source_box.currentIndexChanged.connect(lambda _i: self._apply_filters())
        self.refresh_button.clicked.connect(self._refresh_clicked)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.star_button.toggled.connect(self._star_toggled)
        self.browser_button.clicked.connect(self.open_in_browser)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._list_menu)
        self.list.installEventFilter(self)  # j/k, Enter, S, Delete
        self.reader.installEventFilter(self)  # j/k and S while reading
        self.auto_timer = QTimer(self)
        self.auto_timer.timeout.connect(lambda: self.refresh(automatic=True))
        self._clock = QTimer(self)  # keeps "il y a 3 min" true
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self._startup_refresh_pending = True
        self._apply_settings()

        self._db.run(
            self._startup_state, on_success=self._got_startup_state, on_error=self._task_failed
        )
        self._reload_sources()
        self._apply_filters()

    # ---- public API ----
    def article_count(self) -> int:
        """Articles currently loaded in the list (pages load as the list scrolls)."""
        return self.model.rowCount()

    def is_refreshing(self) -> bool:
        return self._refreshing

    def set_settings(self, settings: Settings) -> None:
        self.settings = settings
        self._apply_settings()

    def refresh(self, automatic: bool = False, *, source_ids: list[str] | None = None) -> None:
        """Fetch the sources now (every enabled one, or `source_ids`) in a child process;
        `refreshFinished` tells the end."""
        if self._closed or self._refreshing or (automatic and not self._auto_refresh_allowed()):
            return
        self._refreshing = True
        self._done = 0
        self._total = 0
        self._set_refreshing_ui(True)
        # 0 of 1 while the sources are counted, never "busy": the style animates a busy bar at
        # ~60 frames a second (45 ms of CPU a second, for the whole of a refresh)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText(self.tr("Actualisation…"))
        self.status.setToolTip("")
        program, args = refresh_command(
            source_ids,
            automatic=automatic,
            full_articles=self.settings.news_fetch_full_articles,
            data_saver=self.settings.data_saver,
        )
        if source_ids:
            self._start_job(program, args, len(dict.fromkeys(source_ids)))
        else:  # the total of the progress: the enabled sources, counted off the GUI thread
            self._db.run(
                self._count_enabled,
                on_success=lambda n: self._start_job(program, args, n),
                on_error=lambda _exc: self._start_job(program, args, 0),
            )

    def cancel_refresh(self) -> None:
        """Stop a running refresh (what was stored so far stays); `refreshFinished(None)`."""
        if self._job is not None:
            self._job.cancel()

    def open_in_browser(self) -> None:
        a = self._current
        if a is not None and clean.open_in_browser_allowed(a.link):
            QDesktopServices.openUrl(QUrl(a.link))

    def shutdown(self) -> None:
        """The window closes: stop timers, stop a running refresh (waits briefly)."""
        self._closed = True
        self.auto_timer.stop()
        self._clock.stop()
        self._search_timer.stop()
        job, self._job = self._job, None
        if job is not None:
            job.stop_now()
        self._db.run(self.store.close)  # on the connection's own thread, after the rest
        self._db.close()

    # ---- settings and timers ----
    def _auto_refresh_allowed(self) -> bool:
        """Automatic refreshes: on unless set to 0 minutes, and never in offline mode
        (MALIRADIO_OFFLINE=1: no network use the user did not ask for)."""
        from maliradio import paths

        return self.settings.news_refresh_minutes > 0 and not paths.offline()

    def _auto_minutes(self) -> int:
        """Minutes between automatic refreshes: twice the setting with the data saver on."""
        minutes = max(0, int(self.settings.news_refresh_minutes))
        return minutes * 2 if self.settings.data_saver else minutes

    def _apply_settings(self) -> None:
        minutes = self._auto_minutes()
        if self._auto_refresh_allowed():
            self.auto_timer.start(minutes * 60_000)
        else:
            self.auto_timer.stop()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._startup_refresh_pending:
            self._startup_refresh_pending = False
            if self._auto_refresh_allowed():
                QTimer.singleShot(STARTUP_REFRESH_DELAY_MS, self, self._startup_refresh)

    def _startup_refresh(self) -> None:
        if self._closed or self._refreshing:
            return
        self._db.run(self.store.get_meta, "last_refresh", on_success=self._maybe_startup_refresh)

    @_alive
    def _maybe_startup_refresh(self, last: str | None) -> None:
        minutes = self._auto_minutes()
        if self._closed or not self._auto_refresh_allowed():
            return
        try:
            since = time.time() - float(last or "nan")
        except ValueError:  # a damaged value: as if there had been no refresh
            since = math.nan
        if not math.isfinite(since) or since > minutes * 60:
            self.refresh(automatic=True)

    def _tick(self) -> None:
        self.model._now = time.time()
        self.list.viewport().update()

    # ---- loading ----
    def _startup_state(self) -> tuple[str | None, bool]:
        notice = self.store.recovery_notice()
        return notice, bool(self.store.get_meta("offline"))

    @_alive
    def _got_startup_state(self, state: tuple[str | None, bool]) -> None:
        notice, offline = state
        if notice:
            self.db_notice.setText(notice)
            self.db_notice.show()
            self._db.run(self.store.clear_recovery_notice)
        self._set_offline(offline)

    def _reload_sources(self) -> None:
        def load() -> tuple[list[Any], dict[str, int]]:
            return self.store.list_sources(), self.store.unread_counts()

        self._db.run(load, on_success=self._got_sources, on_error=self._task_failed)

    @_alive
    def _got_sources(self, data: tuple[list[Any], dict[str, int]]) -> None:
        sources, unread = data
        self._sources = sources
        self._unread = unread
        by_country: dict[str, int] = {}
        for s in sources:
            by_country[s.country] = by_country.get(s.country, 0) + unread.get(s.id, 0)
        for i in range(self.country_box.count()):
            code = self.country_box.itemData(i) or ""
            n = sum(by_country.values()) if not code else by_country.get(code, 0)
            base = self._country_names.get(code, code)
            self.country_box.setItemText(i, f"{base} ({n})" if n else base)
        current = self.source_box.currentData()
        country = self.country_box.currentData() or ""
        self.source_box.blockSignals(True)
        self.source_box.clear()
        self.source_box.addItem(self.tr("Toutes les sources"), "")
        for s in sources:
            if country and s.country != country:
                continue
            n = unread.get(s.id, 0)
            label = f"{s.name} ({n})" if n else s.name
            if not s.enabled:
                label += " — " + self.tr("désactivée")
            self.source_box.addItem(label, s.id)
            if s.error:
                self.source_box.setItemData(
                    self.source_box.count() - 1, s.error, Qt.ItemDataRole.ToolTipRole
                )
        i = self.source_box.findData(current)
        self.source_box.setCurrentIndex(max(0, i))
        self.source_box.blockSignals(False)
        if i < 0 and current:
            self._apply_filters()

    def _country_changed(self) -> None:
        self._got_sources((self._sources, self._unread))
        self._reload_sources()
        self._apply_filters()

    def _apply_filters(self) -> None:
        self._search_timer.stop()
        q = _Query(
            country=self.country_box.currentData() or None,
            source=self.source_box.currentData() or None,
            search=self.search_box.text().strip(),
        )
        self.model.reset_query(q)

    def _on_loaded(self) -> None:
        empty = self.model.rowCount() == 0
        if empty:
            if self.model.query.search:
                text = self.tr("Aucun article ne contient « %1 ».").replace(
                    "%1", self.model.query.search
                )
            else:
                text = self.tr(
                    "Pas encore d'articles. Appuyez sur « Actualiser » pour les télécharger."
                )
            self.empty_label.setText(text)
        self.empty_label.setVisible(empty)
        self.list.setVisible(not empty)
        self._reselect_current()

    def _reselect_current(self) -> None:
        """After the list was reloaded, select the article being read again (quietly: the
        reader keeps its place)."""
        cur = self._current
        if cur is None or self.list.currentIndex().isValid():
            return
        for row in range(self.model.rowCount()):
            a = self.model.article(row)
            if a is not None and a.id == cur.id:
                sel = self.list.selectionModel()
                sel.blockSignals(True)
                self.list.setCurrentIndex(self.model.index(row))
                sel.blockSignals(False)
                self.list.viewport().update()
                return

    # ---- refresh ----
    def _refresh_clicked(self) -> None:
        """The button: refresh, or, while a refresh runs, stop it."""
        if self._refreshing:
            self.cancel_refresh()
        else:
            self.refresh()

    def _set_refreshing_ui(self, running: bool) -> None:
        b = self.refresh_button
        if running:
            b.setIcon(icon("stop"))
            b.setText(self.tr("Arrêter"))
            b.setToolTip(self.tr("Arrêter l'actualisation (les articles reçus sont gardés)"))
        else:
            b.setIcon(icon("refresh"))
            b.setText(self.tr("Actualiser"))
            b.setToolTip(self.tr("Télécharger les nouveaux articles"))
        b.setEnabled(True)

    def _count_enabled(self) -> int:
        return sum(1 for s in self.store.list_sources() if s.enabled)

    @_alive
    def _start_job(self, program: str, args: list[str], total: int) -> None:
        if not self._refreshing or self._job is not None:
            return
        self._total = total
        if total:
            self._on_progress(0, total, "")
        job = RefreshJob(program, args, self)
        job.result.connect(self._job_result)
        job.done.connect(self._job_done)
        self._job = job
        job.start()

    @Slot(object)
    def _job_result(self, result: SourceResult) -> None:
        self._done += 1
        total = max(self._total, self._done) if self._total else 0
        self._relay.progress.emit(self._done, total, result.source)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, _source: str) -> None:
        if total:
            self.progress.setRange(0, max(1, total))
            self.progress.setValue(done)
            text = self.tr("Actualisation… %1/%2").replace("%2", str(total))
        else:
            text = self.tr("Actualisation… %1")
        self.status.setText(text.replace("%1", str(done)))

    @Slot(object)
    def _job_done(self, job: RefreshJob) -> None:
        if job is not self._job or self._closed:
            return
        self._job = None
        job.deleteLater()
        results = list(job.results)
        changed = any(r.new or r.updated for r in results)
        if job.failure:
            self._refresh_failed(job.failure, changed)
            return
        connect = any(r.kind == "connect" for r in results)

        def finish() -> bool:
            """Store the time; say whether the child found the network down. It sets the
            `offline` mark exactly when every source it tried was unreachable."""
            self.store.set_meta("last_refresh", str(time.time()))
            return connect and bool(self.store.get_meta("offline"))

        def guess(exc: BaseException) -> None:
            log.warning("Actualisation : état hors ligne non lu (%s)", exc)
            self._refresh_done(
                RefreshReport(results, connect and all(r.kind == "connect" for r in results))
            )

        self._db.run(
            finish,
            on_success=lambda offline: self._refresh_done(RefreshReport(results, offline)),
            on_error=guess,
        )

    @_alive
    def _refresh_done(self, report: RefreshReport) -> None:
        self._refreshing = False
        self._set_refreshing_ui(False)
        self.progress.hide()
        self._set_offline(report.offline)
        errors = [r for r in report.results if r.status == "error"]
        if report.offline:
            text = self.tr("Pas de connexion : les sources n'ont pas pu être jointes.")
        else:
            text = (
                self.tr("%1 nouvel(s) article(s) · %2 Ko reçus")
                .replace("%1", str(report.new))
                .replace("%2", str(max(1, report.bytes // 1000)) if report.bytes else "0")
            )
            if errors:
                text += " · " + self.tr("%1 source(s) en erreur").replace("%1", str(len(errors)))
        self.status.setText(text)
        if errors and not report.offline:
            self.status.setToolTip("\n".join(f"{r.source} : {r.error}" for r in errors[:15]))
        else:
            self.status.setToolTip("")
        self._reload_sources()
        if report.new or any(r.updated for r in report.results):
            self._apply_filters()  # the list is left alone (scroll, selection) when nothing changed
        self.refreshFinished.emit(report)

    def _refresh_failed(self, failure: str, changed: bool) -> None:
        """The child could not start, crashed, stopped on an error, or was stopped: a plain
        message (the details are in the log); the saved articles stay listed."""
        self._refreshing = False
        self._set_refreshing_ui(False)
        self.progress.hide()
        if failure == "cancelled":
            text = self.tr("Actualisation arrêtée. Les articles reçus sont gardés.")
        elif failure == "start":
            text = self.tr(
                "L'actualisation n'a pas pu démarrer. Les articles enregistrés restent affichés."
            )
        else:
            text = self.tr(
                "L'actualisation s'est arrêtée à cause d'une erreur. "
                "Les articles enregistrés restent affichés."
            )
        self.status.setText(text)
        self.status.setToolTip("")
        self._reload_sources()
        if changed:
            self._apply_filters()  # what the child stored before it stopped
        self.refreshFinished.emit(None)

    def _set_offline(self, offline: bool) -> None:
        self._offline = offline
        self.offline_notice.setVisible(offline)

    # ---- reader ----
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        a = self.model.article(current.row()) if current.isValid() else None
        if a is None:
            return
        width = max(200, self.reader.viewport().width() - 24)
        placeholder = self._placeholder()

        def load() -> tuple[Article | None, str, bool]:
            from maliradio import paths

            art = self.store.get_article(a.id)
            if art is None:
                return None, "", False
            was_unread = not art.read
            if was_unread:
                self.store.set_read(art.id, True)
            body = clean.display_html(art.html, paths.image_cache_dir(), width, placeholder)
            return art, body, was_unread

        self._db.run(load, on_success=self._show_article, on_error=self._task_failed)

    @_alive
    def _show_article(self, data: tuple[Article | None, str, bool]) -> None:
        art, body, was_unread = data
        if was_unread:
            self._reload_sources()  # unread counts in the source list
        if art is None:
            self.reader.setHtml(
                f"<p>{html.escape(self.tr('Cet article n’est plus disponible.'))}</p>"
            )
            return
        self._current = art
        self.model.update_article(art.id, read=True)
        head = (
            f"<h2>{html.escape(art.title)}</h2>"
            f"<p style='color: #777777;'>{html.escape(art.source_name)} · "
            f"{html.escape(full_date(art.published, _tr_time))}"
            + (f" · {html.escape(art.author)}" if art.author else "")
            + "</p><hr>"
        )
        if not body.strip():
            body = (
                "<p><i>"
                + html.escape(
                    self.tr(
                        "Cette source ne donne que le titre : ouvrez l'article dans le navigateur."
                    )
                )
                + "</i></p>"
            )
        self.reader.setHtml(head + body)
        self.reader.verticalScrollBar().setValue(0)
        self.star_button.blockSignals(True)
        self.star_button.setChecked(art.starred)
        self.star_button.setIcon(icon("star" if art.starred else "star-outline"))
        self.star_button.blockSignals(False)
        self.star_button.setEnabled(True)
        allowed = clean.open_in_browser_allowed(art.link)
        self.browser_button.setEnabled(allowed)
        self.browser_button.setToolTip(art.link if allowed else "")
        self.articleShown.emit(art.id)

    def _show_placeholder(self) -> None:
        self.reader.setHtml(
            "<p style='color: #777777;'>"
            + html.escape(self.tr("Choisissez un article dans la liste pour le lire ici."))
            + "</p>"
        )

    def _star_toggled(self, checked: bool) -> None:
        a = self._current
        if a is None:
            return
        a.starred = checked
        self.star_button.setIcon(icon("star" if checked else "star-outline"))
        self.model.update_article(a.id, starred=checked)
        self._db.run(self.store.set_starred, a.id, checked, on_error=self._task_failed)

    def _link_clicked(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)
        elif url.scheme() == clean.PICTURE_SCHEME:
            self._fetch_picture(url.path())

    def _placeholder(self) -> Callable[[int | None], str]:
        """The text of a picture left for later, « Afficher l'image (120 Ko) » (for a worker)."""
        plain, sized = self.tr("Afficher l'image"), self.tr("Afficher l'image (%1)")
        return lambda size: sized.replace("%1", clean.size_text(size)) if size else plain

    def _fetch_picture(self, name: str) -> None:
        """A picture's placeholder was clicked: the picture, fetched off the GUI thread, then
        the article shown again with it, at the same place (pictures.py)."""
        art = self._current
        found = clean.later_images(art.html).get(name) if art is not None else None
        if art is None or found is None:
            return
        width = max(200, self.reader.viewport().width() - 24)
        placeholder = self._placeholder()

        def work() -> str:
            from maliradio import paths
            from maliradio.news.pictures import fetch_picture

            fetch_picture(found[0], source_id=art.source_id)
            return clean.display_html(art.html, paths.image_cache_dir(), width, placeholder)

        self.status.setText(self.tr("Téléchargement de l'image…"))
        run_task(work, on_success=lambda body: self._picture_fetched(art, body),
                 on_error=self._task_failed)  # fmt: skip

    @_alive
    def _picture_fetched(self, art: Article, body: str) -> None:
        self.status.setText("")
        if self._current is not art:
            return  # another article is shown now: the picture waits in the cache
        bar = self.reader.verticalScrollBar()
        at = bar.value()
        self._show_article((art, body, False))
        bar.setValue(at)

    # ---- sources, mark all read, delete, keyboard ----
    def open_sources(self) -> Any:
        """The sources dialog (one at a time, not modal); returns it."""
        from maliradio.ui.sources import SourcesDialog

        dlg = self.sources_dialog
        if dlg is not None and shiboken6.isValid(dlg):
            dlg.raise_()
            dlg.activateWindow()
            return dlg
        dlg = SourcesDialog(self.store, self._db, self.window())
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.changed.connect(self._sources_changed)
        dlg.sourceAdded.connect(lambda sid: self.refresh(source_ids=[sid]))  # its articles now
        self.refreshFinished.connect(lambda _r: dlg.reload() if shiboken6.isValid(dlg) else None)
        self.sources_dialog = dlg
        dlg.show()
        return dlg

    def _sources_changed(self) -> None:
        self._reload_sources()
        self._apply_filters()

    def mark_all_read(self) -> None:
        """Every article the current filters show (all of them, not only the loaded page)."""
        q = self.model.query

        def work() -> None:
            if q.search:
                ids: list[int] = []
                while True:
                    page = self.store.list_articles(
                        source_ids=[q.source] if q.source else None, country=q.country,
                        search=q.search, unread_only=True, limit=1000, offset=len(ids),
                    )  # fmt: skip
                    ids += [a.id for a in page]
                    if len(page) < 1000:
                        break
                self.store.set_read(ids)
            elif q.source:
                self.store.mark_all_read(q.source)
            elif q.country:
                for s in self.store.list_sources():
                    if s.country == q.country:
                        self.store.mark_all_read(s.id)
            else:
                self.store.mark_all_read()

        self._db.run(work, on_success=self._marked_all_read, on_error=self._task_failed)

    @_alive
    def _marked_all_read(self, _result: Any) -> None:
        for row in range(self.model.rowCount()):
            a = self.model.article(row)
            if a is not None and not a.read:
                self.model.update_article(a.id, read=True)
        self.status.setText(self.tr("Articles marqués comme lus."))
        self._reload_sources()

    def delete_current(self) -> None:
        idx = self.list.currentIndex()
        a = self.model.article(idx.row()) if idx.isValid() else None
        if a is None:
            return
        row = idx.row()
        self._db.run(
            self.store.delete_article, a.id,
            on_success=lambda _r: self._deleted(a.id, row), on_error=self._task_failed,
        )  # fmt: skip

    @_alive
    def _deleted(self, article_id: int, row: int) -> None:
        self.model.remove_article(article_id)
        if self._current is not None and self._current.id == article_id:
            self._current = None
            self._show_placeholder()
            self.star_button.setEnabled(False)
            self.browser_button.setEnabled(False)
        n = self.model.rowCount()
        if n:
            self.list.setCurrentIndex(self.model.index(min(row, n - 1)))
        else:
            self._on_loaded()
        self.status.setText(self.tr("Article supprimé."))
        self._reload_sources()

    def _list_menu(self, pos: Any) -> None:
        idx = self.list.indexAt(pos)
        a = self.model.article(idx.row()) if idx.isValid() else None
        if a is None:
            return
        self.list.setCurrentIndex(idx)
        menu = QMenu(self)
        star = menu.addAction(self.tr("Ne plus garder") if a.starred else self.tr("Garder"))
        star.triggered.connect(self.toggle_star)
        delete = menu.addAction(self.tr("Supprimer"))
        delete.setShortcut(Qt.Key.Key_Delete)
        delete.triggered.connect(self.delete_current)
        menu.addSeparator()
        menu.addAction(self.a_mark_all)
        menu.exec(self.list.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def toggle_star(self) -> None:
        idx = self.list.currentIndex()
        a = self.model.article(idx.row()) if idx.isValid() else None
        if a is None:
            return
        if self._current is not None and self._current.id == a.id:
            self.star_button.toggle()  # the reader's button writes it
            return
        self.model.update_article(a.id, starred=not a.starred)
        self._db.run(self.store.set_starred, a.id, a.starred, on_error=self._task_failed)

    def _step(self, delta: int) -> None:
        n = self.model.rowCount()
        if not n:
            return
        cur = self.list.currentIndex()
        if not cur.isValid():
            row = 0
        elif not self.list.selectionModel().isSelected(cur):
            row = cur.row()  # made current by the focus alone: select it first
        else:
            row = max(0, min(n - 1, cur.row() + delta))
        idx = self.model.index(row)
        self.list.setCurrentIndex(idx)
        self.list.scrollTo(idx)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or obj not in (self.list, self.reader):
            return super().eventFilter(obj, event)
        assert isinstance(event, QKeyEvent)
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return False
        key = event.key()
        if key == Qt.Key.Key_J:
            self._step(1)
        elif key == Qt.Key.Key_K:
            self._step(-1)
        elif key == Qt.Key.Key_S:
            self.toggle_star()
        elif obj is self.list and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            idx = self.list.currentIndex()
            a = self.model.article(idx.row()) if idx.isValid() else None
            if a is None:
                return True
            if self._current is None or self._current.id != a.id:
                self._current_changed(idx, QModelIndex())
            self.reader.setFocus()  # arrows, Page Down and Space now scroll the article
        elif obj is self.list and key == Qt.Key.Key_Delete:
            self.delete_current()
        else:
            return False
        return True

    @_alive
    def _task_failed(self, exc: BaseException) -> None:
        log.warning("Actualités : %s", exc)
        self.status.setText(self.tr("Erreur : %1").replace("%1", str(exc)))
