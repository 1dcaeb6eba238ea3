"""The interface in English: every string translated, the system's language followed, Qt's own
buttons in the same language, and the translation never stale."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from maliradio import paths
from maliradio.news import timefmt

TS = paths.resource("translations/maliradio_en.ts")
SRC = Path(__file__).resolve().parents[2] / "src" / "maliradio"


def messages() -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(TS).getroot()
    return {
        (ctx.findtext("name") or "", m.findtext("source") or ""): m
        for ctx in root.iter("context")
        for m in ctx.iter("message")
    }


def test_every_string_of_the_ts_is_translated():
    unfinished = [
        src
        for (_ctx, src), m in messages().items()
        if m.find("translation").get("type") == "unfinished" or not m.findtext("translation")
    ]
    assert not unfinished, f"translate these in {TS.name} (make translations): {unfinished}"


def test_strings_lupdate_cannot_see_are_in_the_ts():
    """playback/status.py's tr("Player", ...) and news/timefmt.py's templates."""
    tree = ast.parse((SRC / "playback" / "status.py").read_text(encoding="utf-8"))
    player = [
        node.args[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and len(node.args) == 2
        and all(isinstance(a, ast.Constant) for a in node.args)
        and node.args[0].value == "Player"
    ]
    assert len(player) >= 8
    times = [timefmt.JUST_NOW, timefmt.MINUTES, timefmt.HOURS, timefmt.YESTERDAY, timefmt.DAYS,
             timefmt.DATE, timefmt.DATE_YEAR, *timefmt.MONTHS]  # fmt: skip
    known = messages()
    missing = [("Player", s) for s in player if ("Player", s) not in known]
    missing += [("RelativeTime", s) for s in times if ("RelativeTime", s) not in known]
    assert not missing, f"add them to ui/i18n.py, then make translations: {missing}"


PROBE = """
import json, sys
from PySide6.QtWidgets import QApplication, QDialogButtonBox
app = QApplication([])
from maliradio.ui import i18n
code = i18n.install(sys.argv[1])
from maliradio.ui.mainwindow import MainWindow
from maliradio.news.timefmt import relative_time
from maliradio.ui.news_pane import _tr_time
win = MainWindow(desktop=False)
box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
print(json.dumps({
    "code": code,
    "menus": [a.text() for a in win.menuBar().actions()],
    "status": win.bar.status_text(),
    "cancel": box.buttons()[0].text(),
    "ago": relative_time(1000.0, 1000.0 + 3 * 3600, _tr_time),
    "number": __import__("PySide6.QtCore").QtCore.QLocale().toString(1234.5, "f", 1),
}))
"""


def probe(lang_env: str, setting: str = "") -> dict:
    env = dict(os.environ, LANG=lang_env, LC_ALL="", LANGUAGE="", QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", PROBE, setting], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_window_follows_the_system_language():
    en = probe("en_US.UTF-8")
    assert en["code"] == "en"
    assert en["menus"] == ["&File", "&Playback", "&Help"]
    assert en["status"] == "Choose a station"
    assert en["cancel"] == "Cancel"
    assert en["ago"] == "3 h ago" and en["number"] == "1,234.5"
    fr = probe("fr_FR.UTF-8")
    assert fr["menus"] == ["&Fichier", "&Lecture", "&Aide"]
    assert fr["status"] == "Choisissez une station"
    assert fr["cancel"] == "Annuler"  # Qt's own strings in French too
    assert fr["ago"] == "il y a 3 h" and fr["number"] == "1 234,5".replace(" ", "\u202f")


def test_the_setting_overrides_the_system_language():
    assert probe("fr_FR.UTF-8", "en")["menus"] == ["&File", "&Playback", "&Help"]
    assert probe("en_US.UTF-8", "fr")["status"] == "Choisissez une station"


def test_the_ts_read_directly_gives_what_the_qm_gives(tmp_path):
    from PySide6.QtCore import QTranslator

    from maliradio.ui.i18n import TsTranslator

    lrelease = shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent))
    if lrelease is None:
        pytest.fail("pyside6-lrelease (PySide6) is needed")
    qm = tmp_path / "en.qm"
    subprocess.run([lrelease, "-silent", str(TS), "-qm", str(qm)], check=True, timeout=60)
    compiled = QTranslator()
    assert compiled.load(str(qm))
    direct = TsTranslator(TS)
    for ctx, src in messages():
        assert direct.translate(ctx, src) == compiled.translate(ctx, src), (ctx, src)
