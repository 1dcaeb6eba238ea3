"""The news pane and the user's data: a picture left out of a refresh is shown as « Afficher
l'image » and fetched when clicked; the data saver makes the window's refreshes text only,
and half as frequent."""

from __future__ import annotations

import time

import pytest
from newsfeeds import Item, photo, rss20

from maliradio.datameter import DataMeter
from maliradio.news.store import NewsStore
from maliradio.settings import Settings

SIZE = 120_000
TEXT = "<p>" + "Le fleuve Niger a débordé à Gao ce matin. " * 10 + "</p>"


@pytest.fixture
def settings():
    s = Settings()
    s.news_refresh_minutes = 0  # tests start refreshes themselves
    return s


@pytest.fixture
def feed(server):
    """The user's one source: an article with its lead picture and a second one, further on."""
    store = NewsStore()
    for s in store.list_sources():
        store.remove_source(s.id)
    body = (
        f'<p><img src="/p/une.png" alt="À la une"></p>{TEXT}'
        '<p><img src="/p/crue.png" alt="La crue"></p><p>Les habitants se sont organisés.</p>'
    )
    server.set("/p/une.png", photo(SIZE, 1), content_type="image/png")
    server.set("/p/crue.png", photo(SIZE, 2), content_type="image/png")
    items = [Item(1, "Crue du fleuve à Gao", body, server.url("/a/1"), "g1", time.time() - 60)]
    server.set("/ml", rss20(items, content_encoded=True))
    store.add_source(server.url("/ml"), "Radio Mali Test", country="ML")
    store.close()
    return server


@pytest.fixture
def pane(qtbot, settings):
    from maliradio.ui import tasks
    from maliradio.ui.news_pane import NewsPane

    p = NewsPane(settings)
    qtbot.addWidget(p)
    p.resize(460, 760)
    p.show()
    yield p
    p.shutdown()
    tasks.wait_all(10_000)


def _refresh_and_open(qtbot, pane):
    with qtbot.waitSignal(pane.refreshFinished, timeout=20_000) as blocker:
        pane.refresh()
    assert blocker.args[0] is not None and blocker.args[0].new == 1
    qtbot.waitUntil(lambda: pane.article_count() == 1)
    with qtbot.waitSignal(pane.articleShown, timeout=5000):
        pane.list.setCurrentIndex(pane.model.index(0))


def _click_text(qtbot, browser, text: str) -> None:
    """Click in the middle of `text` in a text browser, as a user would."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor

    found = browser.document().find(text)
    assert not found.isNull(), browser.toPlainText()
    cursor = QTextCursor(found)
    cursor.setPosition((found.selectionStart() + found.selectionEnd()) // 2)
    browser.setTextCursor(cursor)
    browser.ensureCursorVisible()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton,
                     pos=browser.cursorRect(cursor).center())  # fmt: skip


def test_a_picture_left_out_is_a_placeholder_that_a_click_fetches(qtbot, feed, pane):
    _refresh_and_open(qtbot, pane)
    assert feed.hits("/p/une.png") == 1 and feed.hits("/p/crue.png") == 0  # the lead only
    text = pane.reader.toPlainText()
    assert "Les habitants se sont organisés." in text
    assert text.count("Afficher l'image") == 1  # the second picture
    before = pane.reader.toHtml().count("file://")
    spent = DataMeter().month()["sources"]["radio-mali-test"]

    _click_text(qtbot, pane.reader, "Afficher l'image")
    qtbot.waitUntil(lambda: "Afficher l'image" not in pane.reader.toPlainText(), timeout=10_000)
    assert feed.hits("/p/crue.png") == 1
    assert pane.reader.toHtml().count("file://") == before + 1  # shown from the cache
    assert "Les habitants se sont organisés." in pane.reader.toPlainText()
    assert DataMeter().month()["sources"]["radio-mali-test"] - spent > SIZE  # and counted


def test_with_the_data_saver_the_window_refreshes_text_only_and_half_as_often(
    qtbot, feed, settings, pane, monkeypatch
):
    settings.data_saver = True
    pane.set_settings(settings)
    _refresh_and_open(qtbot, pane)
    assert [p for p, _h in feed.log] == ["/ml"]  # the feed, no picture
    assert pane.reader.toPlainText().count("Afficher l'image") == 2
    assert "file://" not in pane.reader.toHtml()

    monkeypatch.delenv("MALIRADIO_OFFLINE")  # automatic refreshes are off in offline mode
    settings.news_refresh_minutes = 30
    pane.set_settings(settings)
    assert pane.auto_timer.isActive() and pane.auto_timer.interval() == 60 * 60_000
    settings.data_saver = False
    pane.set_settings(settings)
    assert pane.auto_timer.interval() == 30 * 60_000


def test_refresh_command_with_the_data_saver():
    from maliradio.ui.news_pane import refresh_command

    _prog, args = refresh_command(automatic=True, data_saver=True)
    assert args[-4:] == ["refresh", "--json", "--automatic", "--data-saver"]
