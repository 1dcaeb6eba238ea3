"""Dialogs: add or edit one of the user's own stations; the sleep timer's time of day."""

from __future__ import annotations

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTimeEdit,
    QWidget,
)

from maliradio.catalog.models import Station
from maliradio.ui.stations import country_label


class StationDialog(QDialog):
    def __init__(self, station: Station | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            self.tr("Modifier la station") if station else self.tr("Ajouter une station")
        )
        self.name = QLineEdit(self)
        self.name.setAccessibleName(self.tr("Nom"))
        self.url = QLineEdit(self)
        self.url.setAccessibleName(self.tr("Adresse du flux"))
        self.url.setPlaceholderText("https://…")
        self.kind = QComboBox(self)
        self.kind.setAccessibleName(self.tr("Type"))
        self.kind.addItem(self.tr("Radio"), "radio")
        self.kind.addItem(self.tr("Télévision"), "tv")
        self.country = QComboBox(self)
        self.country.setAccessibleName(self.tr("Pays"))
        for code in ("ML", "BF", "NE", "INT"):
            self.country.addItem(country_label(code), code)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b91c1c")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout(self)
        form.addRow(self.tr("Nom :"), self.name)
        form.addRow(self.tr("Adresse du flux :"), self.url)
        form.addRow(self.tr("Type :"), self.kind)
        form.addRow(self.tr("Pays :"), self.country)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        if station is not None:
            self.name.setText(station.name)
            self.url.setText(station.streams[0].url if station.streams else "")
            self.kind.setCurrentIndex(max(0, self.kind.findData(station.kind)))
            self.country.setCurrentIndex(max(0, self.country.findData(station.country)))

    def values(self) -> dict:
        return {
            "name": self.name.text().strip(),
            "url": self.url.text().strip(),
            "kind": self.kind.currentData(),
            "country": self.country.currentData(),
        }

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


class SleepAtDialog(QDialog):
    """The sleep timer at a time of day (today, or tomorrow if that time has passed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Arrêter la lecture à…"))
        self.when = QTimeEdit(QTime.currentTime().addSecs(3600), self)
        self.when.setDisplayFormat("HH:mm")
        self.when.setAccessibleName(self.tr("Heure d'arrêt"))
        form = QFormLayout(self)
        form.addRow(self.tr("Arrêter la lecture à :"), self.when)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def time(self) -> QTime:
        return self.when.time()
