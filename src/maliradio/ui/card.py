"""The station card shown in place of the video for radio (and before a TV station starts)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from maliradio.catalog.models import Station
from maliradio.ui.icons import icon
from maliradio.ui.stations import country_label, logo_path

LANGS = {
    "fr": QT_TRANSLATE_NOOP("Languages", "français"),
    "bm": QT_TRANSLATE_NOOP("Languages", "bambara"),
    "ff": QT_TRANSLATE_NOOP("Languages", "peul"),
    "son": QT_TRANSLATE_NOOP("Languages", "songhaï"),
    "tmh": QT_TRANSLATE_NOOP("Languages", "tamasheq"),
    "mos": QT_TRANSLATE_NOOP("Languages", "mooré"),
    "dyu": QT_TRANSLATE_NOOP("Languages", "dioula"),
    "ha": QT_TRANSLATE_NOOP("Languages", "haoussa"),
    "dje": QT_TRANSLATE_NOOP("Languages", "zarma"),
    "en": QT_TRANSLATE_NOOP("Languages", "anglais"),
    "ar": QT_TRANSLATE_NOOP("Languages", "arabe"),
    "kr": QT_TRANSLATE_NOOP("Languages", "kanouri"),
    "man": QT_TRANSLATE_NOOP("Languages", "mandingue"),
    "gur": QT_TRANSLATE_NOOP("Languages", "gourmantché"),
}


class StationCard(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.logo = QLabel(self)
        self.logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo.setMinimumHeight(140)
        self.name = QLabel(self)
        self.name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        f = self.name.font()
        f.setPointSizeF(f.pointSizeF() * 1.8)
        f.setBold(True)
        self.name.setFont(f)
        self.details = QLabel(self)
        self.details.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details.setWordWrap(True)
        self.details.setOpenExternalLinks(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(self.logo)
        lay.addWidget(self.name)
        lay.addWidget(self.details)
        self.rate = QLabel(self)
        self.rate.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.rate.setAccessibleName(self.tr("Données par heure"))
        lay.addWidget(self.rate)
        lay.addStretch(2)
        self.show_station(None)

    def show_station(self, st: Station | None) -> None:
        if st is None:
            self.logo.setPixmap(icon("maliradio").pixmap(128, 128))
            self.name.setText(self.tr("maliradio"))
            self.details.setText(
                self.tr(
                    "Radios et télévisions du Mali, du Burkina Faso et du Niger.<br>"
                    "Choisissez une station dans la liste."
                )
            )
            return
        pm = QPixmap(str(logo_path(st.logo))) if st.logo else QPixmap()
        if pm.isNull():
            pm = icon("tv" if st.kind == "tv" else "radio").pixmap(128, 128)
        else:
            pm = pm.scaled(
                160,
                160,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        self.logo.setPixmap(pm)
        self.name.setText(st.name)
        kind = self.tr("Télévision") if st.kind == "tv" else self.tr("Radio")
        parts = [f"{kind} — {country_label(st.country)}"]
        if st.languages:
            langs = ", ".join(
                QCoreApplication.translate("Languages", LANGS[code]) if code in LANGS else code
                for code in st.languages
            )
            parts.append(self.tr("Langues : %1").replace("%1", langs))
        if not st.has_stream:
            parts.append("<b>" + self.tr("Aucun flux connu pour cette station.") + "</b>")
        if st.note:
            parts.append(_escape(st.note))
        if st.homepage and st.homepage.startswith(("http://", "https://")):
            parts.append(f'<a href="{_escape(st.homepage)}">{_escape(st.homepage)}</a>')
        self.details.setText("<br>".join(parts))
        self.set_data_rate("")

    def set_data_rate(self, text: str) -> None:
        """« ≈ 28 Mo/h »: what an hour of this station costs, once it has played a while."""
        self.rate.setText(text)
        self.rate.setVisible(bool(text))
        self.rate.setToolTip(self.tr("Données consommées par heure d'écoute de cette station"))


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
