"""The preferences dialog: what was only in settings.json."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from maliradio.settings import Settings
from maliradio.ui.i18n import LANGUAGE_NAMES


class PreferencesDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Préférences"))
        self.refresh = QSpinBox(self)
        self.refresh.setRange(0, 24 * 60)
        self.refresh.setSingleStep(15)
        self.refresh.setSuffix(self.tr(" min"))
        self.refresh.setSpecialValueText(self.tr("jamais"))
        self.refresh.setValue(settings.news_refresh_minutes)
        self.refresh.setAccessibleName(self.tr("Actualiser les actualités toutes les"))
        self.full_text = QCheckBox(self.tr("Télécharger le texte entier des articles"), self)
        self.full_text.setToolTip(
            self.tr("Pour les sources qui ne donnent qu'un résumé : la page de l'article est lue")
        )
        self.full_text.setChecked(settings.news_fetch_full_articles)
        self.close_to_tray = QCheckBox(
            self.tr("Fermer la fenêtre pendant la lecture laisse jouer la radio"), self
        )
        self.close_to_tray.setToolTip(self.tr("L'icône de la zone de notification la rouvre"))
        self.close_to_tray.setChecked(settings.close_to_tray)
        self.notify = QCheckBox(self.tr("Annoncer chaque nouveau titre par une notification"), self)
        self.notify.setChecked(settings.notify_titles)
        self.resume = QCheckBox(self.tr("Reprendre la dernière station au démarrage"), self)
        self.resume.setChecked(settings.resume_last_station)
        self.language = QComboBox(self)
        self.language.setAccessibleName(self.tr("Langue de l'interface"))
        self.language.addItem(self.tr("Celle du système"), "")
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.language_note = QLabel(self.tr("La langue change au prochain démarrage."), self)
        self.language_note.setWordWrap(True)
        self.language_note.setVisible(False)
        self.language.currentIndexChanged.connect(
            lambda _i: self.language_note.setVisible(
                self.language.currentData() != settings.language
            )
        )
        form = QFormLayout(self)
        form.addRow(self.tr("Actualiser les actualités toutes les :"), self.refresh)
        form.addRow(self.full_text)
        form.addRow(self.close_to_tray)
        form.addRow(self.notify)
        form.addRow(self.resume)
        form.addRow(self.tr("Langue :"), self.language)
        form.addRow(self.language_note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def changes(self) -> dict[str, object]:
        return {
            "news_refresh_minutes": self.refresh.value(),
            "news_fetch_full_articles": self.full_text.isChecked(),
            "close_to_tray": self.close_to_tray.isChecked(),
            "notify_titles": self.notify.isChecked(),
            "resume_last_station": self.resume.isChecked(),
            "language": self.language.currentData(),
        }
