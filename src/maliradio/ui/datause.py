"""What the app has spent on the network, where the listener sees it: a quiet label in the
status bar (since the app started, and this month), a details dialog (per station, per news
source, per day), and the monthly budget's notices. The counts come from
`maliradio.datameter`, read off the GUI thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from maliradio.datameter import DataMeter, megabytes
from maliradio.ui.tasks import run_task


def budget_state(month_bytes: int, budget_mb: int) -> str:
    """« ok », « warn » (80 % of the monthly budget) or « over » (100 %); « ok » without one."""
    if budget_mb <= 0:
        return "ok"
    share = month_bytes / (budget_mb * 1e6)
    return "over" if share >= 1 else "warn" if share >= 0.8 else "ok"


class DataUseLabel(QLabel):
    """« 4,2 Mo cette session · 312 Mo ce mois » — click for the details.

    `budgetCrossed(state)` is emitted once per session when the month passes 80 % (« warn ») and
    100 % (« over ») of the budget."""

    budgetCrossed = Signal(str)
    clicked = Signal()

    def __init__(self, meter: DataMeter | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meter = meter or DataMeter()
        self.session_bytes = 0
        self.month_bytes = 0
        self.budget_mb = 0
        self._told: set[str] = set()
        self.setAccessibleName(self.tr("Données consommées"))
        self.setToolTip(self.tr("Données reçues du réseau (cliquer pour le détail)"))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._show()
        self.reload()

    def add_session(self, nbytes: int) -> None:
        """`nbytes` spent now (already written to the meter by whoever spent them)."""
        self.session_bytes += nbytes
        self.month_bytes += nbytes
        self._show()

    def reload(self) -> None:
        """Read this month's total again (the news refresh process writes its own)."""
        run_task(self.meter.month, on_success=self._got_month)

    def _got_month(self, use: dict[str, Any]) -> None:
        self.month_bytes = max(self.month_bytes, int(use["total"]))
        self._show()

    def set_budget(self, budget_mb: int) -> None:
        self.budget_mb = max(0, int(budget_mb))
        self._told.clear()
        self._show()

    def _show(self) -> None:
        self.setText(
            self.tr("%1 cette session · %2 ce mois")
            .replace("%1", megabytes(self.session_bytes))
            .replace("%2", megabytes(self.month_bytes))
        )
        state = budget_state(self.month_bytes, self.budget_mb)
        if state != "ok" and state not in self._told:
            self._told.add(state)
            if state == "over":
                self._told.add("warn")
            self.budgetCrossed.emit(state)

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802
        self.clicked.emit()
        super().mousePressEvent(event)


class DayBars(QWidget):
    """The month day by day, as small bars (a bar per day, its height the megabytes)."""

    def __init__(self, days: dict[str, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days = {int(k): v for k, v in days.items()}
        self.setMinimumHeight(90)
        self.setAccessibleName(self.tr("Consommation par jour"))
        top = max(self.days.values(), default=0)
        self.setToolTip(self.tr("Jour le plus chargé : %1").replace("%1", megabytes(top)))

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(31 * 12, 100)

    def paintEvent(self, _event: Any) -> None:  # noqa: N802
        p = QPainter(self)
        pal = self.palette()
        top = max(self.days.values(), default=0) or 1
        width = self.width() / 31
        height = self.height() - 14
        p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        for day in (1, 10, 20, 31):
            p.drawText(QRectF((day - 1) * width, height, width * 2, 14), str(day))
        for day, nbytes in self.days.items():
            h = max(1.0, height * nbytes / top) if nbytes else 0.0
            p.fillRect(
                QRectF((day - 1) * width + 1, height - h, width - 2, h),
                pal.color(QPalette.ColorRole.Highlight),
            )
        p.end()


class DataUseDialog(QDialog):
    """The month's use: per station (with MB per hour), per news source, per day; the budget."""

    def __init__(
        self,
        use: dict[str, Any],
        names: dict[str, str],
        budget_mb: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Données consommées"))
        lay = QVBoxLayout(self)
        total = QLabel(
            self.tr("%1 : %2 (flux %3, actualités %4, logos %5)")
            .replace("%1", use["month"])
            .replace("%2", megabytes(use["total"]))
            .replace("%3", megabytes(use["streams"]))
            .replace("%4", megabytes(use["news"]))
            .replace("%5", megabytes(use["logos"])),
            self,
        )
        total.setWordWrap(True)
        lay.addWidget(total)
        lay.addWidget(DayBars(use["days"], self))
        rows: list[tuple[str, str, str]] = []
        for key, st in sorted(use["stations"].items(), key=lambda kv: -kv[1]["bytes"]):
            rate = st["bytes"] * 3600 / st["seconds"] if st["seconds"] >= 60 else None
            rows.append(
                (
                    names.get(key, key),
                    megabytes(st["bytes"]),
                    self.tr("≈ %1/h").replace("%1", megabytes(int(rate))) if rate else "",
                )
            )
        for key, nbytes in sorted(use["sources"].items(), key=lambda kv: -kv[1]):
            rows.append((names.get(key, key), megabytes(nbytes), self.tr("actualités")))
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("Source"), self.tr("Ce mois"), ""])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Forfait mensuel (0 : aucun)"), self))
        self.budget = QSpinBox(self)
        self.budget.setRange(0, 1_000_000)
        self.budget.setSuffix(" Mo")
        self.budget.setValue(budget_mb)
        self.budget.setAccessibleName(self.tr("Forfait mensuel en mégaoctets"))
        row.addWidget(self.budget)
        lay.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.accept)
        lay.addWidget(buttons)
        self.resize(520, 480)
