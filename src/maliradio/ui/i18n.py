"""The interface language: French (the source) or English, the system's by default, the
`language` setting to override; Qt's own strings (standard buttons) and numbers follow.

The translation is the compiled `.qm` when it is there and at least as new as the `.ts` (built by
`make` and the packages); else the `.ts` itself is read (a checkout, an edited `.ts`): the window
is never shown with a stale translation."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QTranslator,
)

from maliradio import paths

log = logging.getLogger("maliradio.ui")

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
SOURCE_LANGUAGE = "fr"


def system_language() -> str:
    """The first of the system's interface languages the app speaks; French otherwise."""
    for tag in QLocale.system().uiLanguages():
        code = tag.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGE_NAMES:
            return code
    return SOURCE_LANGUAGE


def resolve(setting: str) -> str:
    return setting if setting in LANGUAGE_NAMES else system_language()


class TsTranslator(QTranslator):
    """A translator read straight from a `.ts` file (when no up-to-date `.qm` exists)."""

    def __init__(self, path: Path, parent=None) -> None:
        super().__init__(parent)
        self.messages: dict[tuple[str, str, str], str] = {}
        self.language = ""
        root = ET.parse(path).getroot()
        self.language = root.get("language", "")
        for ctx in root.iter("context"):
            name = ctx.findtext("name") or ""
            for msg in ctx.iter("message"):
                tr = msg.find("translation")
                if tr is None or tr.get("type") in ("unfinished", "obsolete", "vanished"):
                    continue
                source = msg.findtext("source") or ""
                comment = msg.findtext("comment") or ""
                self.messages[(name, source, comment)] = tr.text or ""

    def translate(self, context, source, disambiguation=None, n=-1):  # noqa: D401
        key = (context or "", source or "", disambiguation or "")
        # None (a null string) when not found: an empty string would be taken as the
        # translation, and Qt's own « Cancel » would come out blank
        return self.messages.get(key) or self.messages.get((key[0], key[1], "")) or None

    def isEmpty(self) -> bool:  # noqa: N802
        return not self.messages


def app_translator(language: str) -> QTranslator | None:
    if language == SOURCE_LANGUAGE:
        return None
    ts = paths.resource(f"translations/maliradio_{language}.ts")
    qm = ts.with_suffix(".qm")
    if qm.exists() and (not ts.exists() or qm.stat().st_mtime >= ts.stat().st_mtime):
        tr = QTranslator()
        if tr.load(str(qm)):
            return tr
    if ts.exists():
        log.info("traduction lue dans %s (pas de .qm à jour)", ts.name)
        return TsTranslator(ts)
    log.warning("pas de traduction pour %s", language)
    return None


_installed: list[QTranslator] = []


def install(language: str) -> str:
    """Use `language` ("" = the system's) for what is made from now on; returns the code."""
    app = QCoreApplication.instance()
    code = resolve(language)
    for tr in _installed:
        app.removeTranslator(tr)
    _installed.clear()
    QLocale.setDefault(QLocale(code))
    qt = QTranslator()
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(QLocale(code), "qtbase", "_", qt_dir):  # « Annuler » in French
        _installed.append(qt)
    ours = app_translator(code)
    if ours is not None:
        _installed.append(ours)
    for tr in _installed:
        app.installTranslator(tr)
    return code


def current_language() -> str:
    return QLocale().name().split("_")[0]


# Strings lupdate cannot see where they are used: playback/status.py names
# `QCoreApplication.translate` `tr`, and lupdate takes its calls for `self.tr(source, comment)`;
# news/timefmt.py keeps its French templates in constants. (Keep in step with those files;
# tests/ui/test_i18n.py checks that each is in the .ts.)
_PLAYER = (
    QT_TRANSLATE_NOOP("Player", "Choisissez une station"),
    QT_TRANSLATE_NOOP("Player", "Connexion à %1…"),
    QT_TRANSLATE_NOOP("Player", "Mise en mémoire tampon (%1 %)…"),
    QT_TRANSLATE_NOOP("Player", "En lecture : %1"),
    QT_TRANSLATE_NOOP("Player", "%1 — reconnexion, essai %2 dans %3 s"),
    QT_TRANSLATE_NOOP("Player", "flux interrompu"),
    QT_TRANSLATE_NOOP("Player", "Lecture impossible"),
    QT_TRANSLATE_NOOP("Player", "Arrêté"),
)
_RELATIVE_TIME = (
    QT_TRANSLATE_NOOP("RelativeTime", "à l'instant"),
    QT_TRANSLATE_NOOP("RelativeTime", "il y a {n} min"),
    QT_TRANSLATE_NOOP("RelativeTime", "il y a {n} h"),
    QT_TRANSLATE_NOOP("RelativeTime", "hier"),
    QT_TRANSLATE_NOOP("RelativeTime", "il y a {n} jours"),
    QT_TRANSLATE_NOOP("RelativeTime", "{day} {month}"),
    QT_TRANSLATE_NOOP("RelativeTime", "{day} {month} {year}"),
    QT_TRANSLATE_NOOP("RelativeTime", "{day} {month} {year} à {hh:02d}:{mm:02d}"),
    QT_TRANSLATE_NOOP("RelativeTime", "janv."),
    QT_TRANSLATE_NOOP("RelativeTime", "févr."),
    QT_TRANSLATE_NOOP("RelativeTime", "mars"),
    QT_TRANSLATE_NOOP("RelativeTime", "avr."),
    QT_TRANSLATE_NOOP("RelativeTime", "mai"),
    QT_TRANSLATE_NOOP("RelativeTime", "juin"),
    QT_TRANSLATE_NOOP("RelativeTime", "juil."),
    QT_TRANSLATE_NOOP("RelativeTime", "août"),
    QT_TRANSLATE_NOOP("RelativeTime", "sept."),
    QT_TRANSLATE_NOOP("RelativeTime", "oct."),
    QT_TRANSLATE_NOOP("RelativeTime", "nov."),
    QT_TRANSLATE_NOOP("RelativeTime", "déc."),
)
