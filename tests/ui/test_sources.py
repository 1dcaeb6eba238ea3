"""The news sources dialog and the pane's reading tools, offscreen, on a real store and a
loopback feed server: add by site address (autodiscovery, preview), plain errors, disable /
rename / remove seen in the pane's filters, OPML out and back in, unread counts per source and
country, mark all read, delete, and the keyboard (j/k, Enter, S, Delete)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

NEWS_TESTS = Path(__file__).resolve().parent.parent / "news"
if str(NEWS_TESTS) not in sys.path:
    sys.path.insert(0, str(NEWS_TESTS))

from newsfeeds import FeedServer, make_items, rss20  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from maliradio.news.store import NewsStore  # noqa: E402
from maliradio.settings import Settings  # noqa: E402


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


def _articles(store: NewsStore, source_id: str, n: int, prefix: str, first_id: int) -> None:
    """n stored unread articles of a source, newest first by number."""
    now = int(time.time())
    with store.transaction() as c:
        c.executemany(
            "INSERT INTO articles(id, fts_key, source_id, guid, title, published, fetched,"
            " last_seen, html, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (k, ((now - k * 60) << 20) | k, source_id, f"{prefix}{k}", f"{prefix} {k}",
                 now - k * 60, now, now, f"<p>Texte {prefix} {k}</p>", f"Texte {k}")
                for k in range(first_id, first_id + n)
            ],
        )  # fmt: skip


@pytest.fixture
def stocked(user_store):
    """Two sources, Mali (5 unread) and Niger (3 unread), with nothing to fetch."""
    ml = user_store.add_source("http://127.0.0.1:9/ml", "Radio Mali Test", country="ML")
    ne = user_store.add_source("http://127.0.0.1:9/ne", "Niger Test", country="NE")
    _articles(user_store, ml.id, 5, "Mali", 1)
    _articles(user_store, ne.id, 3, "Niamey", 100)
    return user_store


@pytest.fixture
def pane(qtbot):
    from maliradio.ui import tasks
    from maliradio.ui.news_pane import NewsPane

    settings = Settings()
    settings.news_refresh_minutes = 0
    p = NewsPane(settings)
    qtbot.addWidget(p)
    p.resize(460, 760)
    p.show()
    yield p
    p.shutdown()
    tasks.wait_all(10_000)


def _combo_texts(box) -> list[str]:
    return [box.itemText(i) for i in range(box.count())]


def _tree_rows(dlg) -> list[list[str]]:
    t = dlg.tree
    return [
        [t.topLevelItem(i).text(c) for c in range(t.columnCount())]
        for i in range(t.topLevelItemCount())
    ]


def _open(qtbot, pane, rows: int):
    dlg = pane.open_sources()
    qtbot.waitUntil(lambda: dlg.tree.topLevelItemCount() == rows)
    return dlg


def _select(dlg, name: str) -> None:
    for i in range(dlg.tree.topLevelItemCount()):
        item = dlg.tree.topLevelItem(i)
        if item.text(0) == name:
            dlg.tree.setCurrentItem(item)
            return
    raise AssertionError(f"{name} not listed: {_tree_rows(dlg)}")


def test_add_by_site_address_with_autodiscovery_and_preview(qtbot, server, user_store, pane):
    items = make_items(server.base, 7, "Bamako")
    server.set("/rss", rss20(items, title="Journal de Bamako"))
    server.set(
        "/",
        "<!doctype html><html><head><title>Journal</title>"
        '<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss">'
        "</head><body><p>Accueil</p></body></html>",
        content_type="text/html; charset=utf-8",
    )
    dlg = _open(qtbot, pane, 0)
    qtbot.keyClicks(dlg.url_edit, server.base + "/")
    qtbot.mouseClick(dlg.find_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.preview_list.count() > 0, timeout=10_000)
    assert dlg.preview_list.isVisible() and dlg.add_button.isVisible()
    assert "Journal de Bamako" in dlg.preview_title.text()
    shown = [dlg.preview_list.item(i).text() for i in range(dlg.preview_list.count())]
    assert shown == ["Bamako 7", "Bamako 6", "Bamako 5", "Bamako 4", "Bamako 3"]  # newest 5
    assert server.hits("/") == 1 and server.hits("/rss") >= 1

    dlg.country.setCurrentIndex(dlg.country.findData("ML"))
    qtbot.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.tree.topLevelItemCount() == 1)
    name, country, articles, unread, status = _tree_rows(dlg)[0]
    assert (name, country, articles, unread) == ("Journal de Bamako", "Mali", "0", "0")
    assert status == "Jamais actualisée"
    assert dlg.status.text() == "« Journal de Bamako » ajoutée."
    assert not dlg.preview_list.isVisible() and dlg.url_edit.text() == ""
    qtbot.waitUntil(lambda: "Journal de Bamako" in _combo_texts(pane.source_box))
    added = user_store.list_sources()[0]
    assert added.url == server.url("/rss") and added.country == "ML"
    # its articles are fetched at once
    qtbot.waitUntil(lambda: pane.article_count() == 7, timeout=30_000)
    assert pane.model.article(0).title == "Bamako 7"
    qtbot.waitUntil(lambda: _tree_rows(dlg)[0][2:4] == ["7", "7"])
    assert _tree_rows(dlg)[0][4].startswith("Bien reçue")
    qtbot.waitUntil(lambda: not pane.is_refreshing())

    # the same address again: said plainly, nothing added twice
    qtbot.keyClicks(dlg.url_edit, server.url("/rss"))
    qtbot.mouseClick(dlg.find_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.add_button.isVisible(), timeout=10_000)
    qtbot.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "déjà présente" in dlg.add_message.text())
    assert len(user_store.list_sources()) == 1


def test_a_bad_address_gives_a_plain_message(qtbot, server, user_store, pane):
    server.set("/page", "<html><body>Pas de flux ici</body></html>", content_type="text/html")
    dlg = _open(qtbot, pane, 0)
    dlg.url_edit.setText(server.url("/page"))
    dlg.find_button.click()
    qtbot.waitUntil(lambda: "Aucun flux" in dlg.add_message.text(), timeout=10_000)
    assert dlg.add_message.text() == (
        f"Aucun flux d'actualités trouvé à {server.url('/page')}. "
        "Essayez l'adresse du flux (RSS ou Atom)."
    )
    assert not dlg.add_button.isVisible() and dlg.find_button.isEnabled()

    dlg.url_edit.setText("http://127.0.0.1:9/")  # nothing listens there
    dlg.find_button.click()
    qtbot.waitUntil(lambda: "ne répond pas" in dlg.add_message.text(), timeout=10_000)
    assert "Vérifiez l'adresse" in dlg.add_message.text()

    dlg.url_edit.setText(server.url("/missing"))  # a 404
    dlg.find_button.click()
    qtbot.waitUntil(lambda: "refusé" in dlg.add_message.text(), timeout=10_000)
    assert dlg.add_message.text() == (
        f"Le serveur de {server.url('/missing')} a refusé la demande ou ne connaît pas cette page."
    )

    dlg.url_edit.setText("ftp://example.invalid/feed")
    dlg.find_button.click()
    qtbot.waitUntil(lambda: "adresse web" in dlg.add_message.text(), timeout=10_000)
    assert (
        dlg.add_message.text()
        == "« ftp://example.invalid/feed » n'est pas une adresse web (http ou https)."
    )
    assert not dlg.add_button.isVisible()
    assert user_store.list_sources() == []


def test_disable_rename_remove_show_in_the_pane_filters(qtbot, stocked, pane, monkeypatch):
    dlg = _open(qtbot, pane, 2)
    assert _tree_rows(dlg) == [
        ["Radio Mali Test", "Mali", "5", "5", "Jamais actualisée"],
        ["Niger Test", "Niger", "3", "3", "Jamais actualisée"],
    ]
    dlg.set_enabled("niger-test", False)
    qtbot.waitUntil(lambda: "Niger Test (3) — désactivée" in _combo_texts(pane.source_box))
    qtbot.waitUntil(lambda: _tree_rows(dlg)[1][4] == "Désactivée")
    assert dlg.item_for("niger-test").checkState(0) == Qt.CheckState.Unchecked
    assert not stocked.get_source("niger-test").enabled

    _select(dlg, "Radio Mali Test")
    dlg.rename_selected("Radio Kayes")
    qtbot.waitUntil(lambda: "Radio Kayes (5)" in _combo_texts(pane.source_box))
    assert "Radio Mali Test (5)" not in _combo_texts(pane.source_box)
    qtbot.waitUntil(lambda: _tree_rows(dlg)[0][0] == "Radio Kayes")

    asked = []

    def answer(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    _select(dlg, "Niger Test")
    dlg.remove_button.click()
    assert asked == ["Retirer « Niger Test » et ses articles enregistrés ?"]
    qtbot.waitUntil(lambda: dlg.tree.topLevelItemCount() == 1)
    qtbot.waitUntil(lambda: pane.source_box.findData("niger-test") == -1)
    assert dlg.status.text() == "« Niger Test » retirée."
    qtbot.waitUntil(lambda: pane.article_count() == 5)  # its articles went with it
    assert pane.country_box.itemText(pane.country_box.findData("NE")) == "Niger"

    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    dlg.remove_button.click()  # said no: nothing happens
    qtbot.wait(200)
    assert dlg.tree.topLevelItemCount() == 1


def test_opml_export_then_import_round_trip(qtbot, stocked, pane, tmp_path, monkeypatch):
    out = tmp_path / "mes-sources.opml"
    dlg = _open(qtbot, pane, 2)
    dlg.export_opml(str(out))
    qtbot.waitUntil(lambda: "exportée(s)" in dlg.status.text())
    assert dlg.status.text() == "2 source(s) exportée(s) dans mes-sources.opml."
    text = out.read_text(encoding="utf-8")
    assert 'xmlUrl="http://127.0.0.1:9/ml"' in text and 'title="Niger Test"' in text

    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    _select(dlg, "Niger Test")
    dlg.remove_selected()
    qtbot.waitUntil(lambda: dlg.tree.topLevelItemCount() == 1)

    dlg.import_opml(str(out))
    qtbot.waitUntil(lambda: "déjà présente" in dlg.status.text())
    assert dlg.status.text() == "1 source(s) ajoutée(s), 1 déjà présente(s)."
    qtbot.waitUntil(lambda: dlg.tree.topLevelItemCount() == 2)
    back = _tree_rows(dlg)[1]
    assert back[:2] == ["Niger Test", "Niger"]
    qtbot.waitUntil(lambda: pane.source_box.findText("Niger Test") > 0)

    bad = tmp_path / "pas-opml.opml"
    bad.write_text("<html>non</html>", encoding="utf-8")
    dlg.import_opml(str(bad))
    qtbot.waitUntil(lambda: "OPML" in dlg.status.text())
    assert dlg.status.text().startswith("Erreur : Ce fichier n'est pas un OPML")


def test_unread_counts_per_source_and_country(qtbot, stocked, pane):
    qtbot.waitUntil(lambda: pane.country_box.itemText(0) == "Tous les pays (8)")
    assert _combo_texts(pane.country_box) == [
        "Tous les pays (8)", "Mali (5)", "Burkina Faso", "Niger (3)", "International",
    ]  # fmt: skip
    assert "Radio Mali Test (5)" in _combo_texts(pane.source_box)
    box = pane.country_box
    assert box.width() > box.fontMetrics().horizontalAdvance("Tous les pays (8)")  # not cut
    qtbot.waitUntil(lambda: pane.article_count() == 8)
    pane.list.setFocus()
    qtbot.keyClick(pane.list, Qt.Key.Key_J)  # reading one makes it read
    qtbot.waitUntil(lambda: pane.country_box.itemText(0) == "Tous les pays (7)")
    assert pane.country_box.itemText(1) == "Mali (4)"
    assert "Radio Mali Test (4)" in _combo_texts(pane.source_box)


def test_mark_all_read_for_the_current_filter(qtbot, stocked, pane):
    qtbot.waitUntil(lambda: pane.country_box.itemText(0) == "Tous les pays (8)")
    pane.country_box.setCurrentIndex(pane.country_box.findData("NE"))
    qtbot.waitUntil(lambda: pane.article_count() == 3)
    assert pane.a_mark_all in pane.more_button.menu().actions()
    pane.a_mark_all.trigger()
    qtbot.waitUntil(lambda: pane.country_box.itemText(3) == "Niger")
    assert pane.country_box.itemText(1) == "Mali (5)"  # the other country kept its count
    assert pane.country_box.itemText(0) == "Tous les pays (5)"
    assert all(pane.model.article(i).read for i in range(3))  # shown in normal weight
    assert pane.status.text() == "Articles marqués comme lus."
    assert stocked.unread_counts() == {"radio-mali-test": 5}


def test_delete_key_and_context_menu_delete(qtbot, stocked, pane):
    qtbot.waitUntil(lambda: pane.article_count() == 8)
    pane.list.setFocus()
    qtbot.keyClick(pane.list, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: "Mali 1" in pane.reader.toPlainText())
    qtbot.keyClick(pane.list, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: pane.article_count() == 7)
    assert pane.status.text() == "Article supprimé."
    assert pane.model.article(0).title == "Mali 2"
    qtbot.waitUntil(lambda: "Mali 2" in pane.reader.toPlainText())  # the next one is shown
    assert stocked.count_articles() == 7
    pane._apply_filters()  # reloaded from the store: still gone
    qtbot.waitUntil(lambda: pane.article_count() == 7)
    assert "Mali 1" not in [pane.model.article(i).title for i in range(7)]

    pane.delete_current()  # what the context menu's « Supprimer » calls
    qtbot.waitUntil(lambda: pane.article_count() == 6)
    assert pane.model.article(0).title == "Mali 3"


def test_keyboard_j_k_enter_and_s(qtbot, stocked, pane):
    qtbot.waitUntil(lambda: pane.article_count() == 8)
    pane.list.setFocus()
    qtbot.keyClick(pane.list, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: "Mali 1" in pane.reader.toPlainText())
    qtbot.keyClick(pane.list, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: "Mali 2" in pane.reader.toPlainText())
    assert pane.list.currentIndex().row() == 1
    qtbot.keyClick(pane.list, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: "Mali 1" in pane.reader.toPlainText())
    assert pane.list.currentIndex().row() == 0
    qtbot.keyClick(pane.list, Qt.Key.Key_Down)  # the arrows move too
    qtbot.waitUntil(lambda: "Mali 2" in pane.reader.toPlainText())

    qtbot.keyClick(pane.list, Qt.Key.Key_S)
    assert pane.star_button.isChecked() and pane.model.article(1).starred
    qtbot.waitUntil(lambda: stocked.get_article(pane.model.article(1).id).starred)
    qtbot.keyClick(pane.list, Qt.Key.Key_S)  # again: no longer kept
    assert not pane.star_button.isChecked()
    qtbot.waitUntil(lambda: not stocked.get_article(pane.model.article(1).id).starred)

    qtbot.keyClick(pane.list, Qt.Key.Key_Return)  # the reader takes the keys
    assert pane.reader.hasFocus()
    qtbot.keyClick(pane.reader, Qt.Key.Key_J)  # and j still goes to the next article
    qtbot.waitUntil(lambda: "Mali 3" in pane.reader.toPlainText())
    assert pane.list.currentIndex().row() == 2


def test_the_dialog_looks_right(qtbot, server, stocked, pane):
    server.set("/rss", rss20(make_items(server.base, 6, "Ouaga"), title="Le Faso du jour"))
    stocked.record_error("radio-mali-test", "Connexion impossible : le serveur ne répond pas")
    dlg = _open(qtbot, pane, 2)
    assert pane.open_sources() is dlg  # one at a time
    assert _tree_rows(dlg)[0][4] == (
        "Le site ne répond pas : pas de connexion, ou son serveur est arrêté"
    )
    assert dlg.tree.topLevelItem(0).toolTip(4) == "Connexion impossible : le serveur ne répond pas"
    dlg.set_enabled("niger-test", False)
    qtbot.waitUntil(lambda: _tree_rows(dlg)[1][4] == "Désactivée")
    dlg.url_edit.setText(server.url("/rss"))
    qtbot.keyClick(dlg.url_edit, Qt.Key.Key_Return)  # Enter looks up, does not close
    qtbot.waitUntil(lambda: dlg.preview_list.count() == 5, timeout=10_000)
    assert dlg.isVisible()
    dlg.grab().save("/tmp/sources.png")
    assert dlg.tree.header().sectionSize(4) > 80  # the status column is not squeezed out


def test_the_window_menu_opens_the_dialog(qtbot, stocked):
    from maliradio.ui.mainwindow import MainWindow
    from maliradio.ui.sources import SourcesDialog

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.ready and hasattr(win.news, "open_sources"), timeout=10_000)
    file_menu = win.menuBar().actions()[0].menu()
    action = next(a for a in file_menu.actions() if a.text() == "Sources d'actualités…")
    action.trigger()
    dlg = win.news.sources_dialog
    assert isinstance(dlg, SourcesDialog) and dlg.isVisible()
    qtbot.waitUntil(lambda: dlg.tree.topLevelItemCount() == 2)
    dlg.close()
    win.close()


def test_mark_all_read_with_a_search_marks_only_what_is_found(qtbot, server, user_store, pane):
    plain = lambda i: f"<p>Nouvelle numéro {i}.</p>"  # noqa: E731
    server.set("/ml", rss20(make_items(server.base, 4, "Bamako", body=plain)))
    server.set("/ne", rss20(make_items(server.base, 3, "Niamey", body=plain)))
    user_store.add_source(server.url("/ml"), "Radio Mali Test", country="ML")
    user_store.add_source(server.url("/ne"), "Niger Test", country="NE")
    with qtbot.waitSignal(pane.refreshFinished, timeout=30_000):
        pane.refresh()
    qtbot.waitUntil(lambda: pane.country_box.itemText(0) == "Tous les pays (7)")
    qtbot.keyClicks(pane.search_box, "Niamey")
    qtbot.waitUntil(lambda: pane.article_count() == 3)
    pane.a_mark_all.trigger()
    qtbot.waitUntil(lambda: pane.country_box.itemText(0) == "Tous les pays (4)")
    assert pane.country_box.itemText(3) == "Niger"
    assert user_store.unread_counts() == {"radio-mali-test": 4}


def test_the_dialog_shows_each_sources_last_fetch_after_a_refresh(qtbot, server, user_store, pane):
    server.set("/ok", rss20(make_items(server.base, 4, "Sikasso"), title="Sikasso Info"))
    server.set("/gone", "", status=404)
    user_store.add_source(server.url("/ok"), "Sikasso Info", country="ML")
    user_store.add_source(server.url("/gone"), "Ancien site", country="BF")
    dlg = _open(qtbot, pane, 2)
    assert [r[4] for r in _tree_rows(dlg)] == ["Jamais actualisée", "Jamais actualisée"]
    with qtbot.waitSignal(pane.refreshFinished, timeout=30_000):
        pane.refresh()
    qtbot.waitUntil(lambda: _tree_rows(dlg)[0][2] == "4")
    ok, gone = _tree_rows(dlg)
    assert ok[:4] == ["Sikasso Info", "Mali", "4", "4"] and ok[4].startswith("Bien reçue")
    assert gone[4] == "Flux introuvable sur le site (erreur 404) : son adresse a peut-être changé"
    assert dlg.tree.topLevelItem(1).toolTip(4) == "Le serveur a répondu 404"
    qtbot.waitUntil(lambda: pane.country_box.itemText(1) == "Mali (4)")
