"""The news pane, offscreen: fills without blocking, reads, searches, says when offline."""

from __future__ import annotations

import time

import pytest
from newsfeeds import Item, make_items, png, rss20

from maliradio.settings import Settings


@pytest.fixture
def settings():
    s = Settings()
    s.news_refresh_minutes = 0  # tests start refreshes themselves
    return s


@pytest.fixture
def feeds(server, user_store):
    items = make_items(server.base, 5, "Actu")
    items[-1].title = "Crue du fleuve à Gao"
    items[-1].body = (
        "<p>Le fleuve Niger a débordé à Gao ce matin.</p>"
        '<p><img src="/photo.png" alt="Le fleuve"></p><p>Les habitants se sont organisés.</p>'
    )
    server.set("/photo.png", png(300, 200), content_type="image/png")
    server.set("/ml", rss20(items), etag='"1"')
    server.set("/ne", rss20(make_items(server.base, 3, "Niamey")), etag='"2"')
    user_store.add_source(server.url("/ml"), "Radio Mali Test", country="ML")
    user_store.add_source(server.url("/ne"), "Niger Test", country="NE")
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


def _refresh(qtbot, pane):
    with qtbot.waitSignal(pane.refreshFinished, timeout=20_000) as blocker:
        pane.refresh()
    return blocker.args[0]


def _bulk(store, n):
    """n stored articles (as if many refreshes had happened)."""
    src = store.add_source("http://127.0.0.1:9/bulk", "Archives", country="BF")
    now = int(time.time())
    with store.transaction() as c:
        c.executemany(
            "INSERT INTO articles(id, fts_key, source_id, guid, title, published, fetched,"
            " last_seen, html, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (k, ((now - k * 60) << 20) | k, src.id, f"g{k}", f"Archive numéro {k}",
                 now - k * 60, now, now, f"<p>Texte {k}</p>", f"Texte {k}")
                for k in range(1, n + 1)
            ],
        )  # fmt: skip


def test_ten_thousand_articles_load_without_blocking(qtbot, settings, user_store):
    from PySide6.QtCore import QTimer

    from maliradio.ui import tasks
    from maliradio.ui.news_pane import NewsPane

    _bulk(user_store, 10_000)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(10)
    t0 = time.monotonic()
    p = NewsPane(settings)
    qtbot.addWidget(p)
    p.show()
    built = time.monotonic() - t0
    qtbot.waitUntil(lambda: p.article_count() > 0, timeout=5000)
    shown = time.monotonic() - t0
    timer.stop()
    assert built < 0.5 and shown < 2.0, (built, shown)
    assert p.article_count() == 200  # one page, not 10,000 widgets
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert not gaps or max(gaps) < 0.25  # the event loop kept turning
    first = p.model.article(0)
    assert first.title == "Archive numéro 1"  # newest first
    p.list.scrollToBottom()
    qtbot.waitUntil(lambda: p.article_count() >= 400, timeout=5000)  # next page on scroll
    p.shutdown()
    tasks.wait_all(10_000)


def test_refresh_then_click_shows_the_clean_article(qtbot, feeds, pane, monkeypatch, tmp_path):
    report = _refresh(qtbot, pane)
    assert report is not None and report.new == 8 and not report.offline
    qtbot.waitUntil(lambda: pane.article_count() == 8)
    assert pane.status.text().startswith("8 nouvel(s) article(s)")
    mali = pane.source_box.findData("radio-mali-test")
    qtbot.waitUntil(lambda: pane.source_box.itemText(mali) == "Radio Mali Test (5)")  # unread
    row = next(i for i in range(8) if pane.model.article(i).title == "Crue du fleuve à Gao")
    index = pane.model.index(row)
    pane.list.scrollTo(index)
    rect = pane.list.visualRect(index)
    from PySide6.QtCore import Qt

    with qtbot.waitSignal(pane.articleShown, timeout=5000):
        qtbot.mouseClick(pane.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    text = pane.reader.toPlainText()
    assert "Crue du fleuve à Gao" in text and "Radio Mali Test" in text
    assert "Le fleuve Niger a débordé à Gao ce matin." in text
    html = pane.reader.toHtml()
    assert "file://" in html and "127.0.0.1" not in html.split("Crue du fleuve")[1]
    assert pane.model.article(row).read  # no longer bold
    qtbot.waitUntil(lambda: pane.source_box.itemText(mali) == "Radio Mali Test (4)")
    assert pane.browser_button.isEnabled()
    pane.grab().save(str(tmp_path / "news_pane.png"))

    # a refresh that brings news keeps the article being read selected and shown
    shown_id = pane.model.article(row).id
    feeds.set("/ml", rss20(make_items(feeds.base, 6, "Actu")), etag='"3"')
    _refresh(qtbot, pane)
    qtbot.waitUntil(lambda: pane.article_count() == 9)
    qtbot.waitUntil(lambda: pane.list.currentIndex().isValid())
    assert pane.model.article(pane.list.currentIndex().row()).id == shown_id
    assert "Le fleuve Niger a débordé à Gao ce matin." in pane.reader.toPlainText()

    opened = []
    from PySide6.QtGui import QDesktopServices

    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toString()))
    )
    pane.browser_button.click()
    assert opened == [feeds.url("/a/actu-5")]


def test_search_country_and_source_filters(qtbot, feeds, pane):
    _refresh(qtbot, pane)
    qtbot.waitUntil(lambda: pane.article_count() == 8)
    qtbot.keyClicks(pane.search_box, "fleuve")
    qtbot.waitUntil(lambda: pane.article_count() == 1)
    assert pane.model.article(0).title == "Crue du fleuve à Gao"
    pane.search_box.clear()
    qtbot.waitUntil(lambda: pane.article_count() == 8)
    pane.country_box.setCurrentIndex(pane.country_box.findData("NE"))
    qtbot.waitUntil(lambda: pane.article_count() == 3)
    assert {pane.model.article(i).source_name for i in range(3)} == {"Niger Test"}
    qtbot.waitUntil(lambda: pane.source_box.findData("radio-mali-test") == -1)  # hidden: not NE
    pane.country_box.setCurrentIndex(0)
    qtbot.waitUntil(lambda: pane.source_box.findData("radio-mali-test") > 0)
    pane.source_box.setCurrentIndex(pane.source_box.findData("radio-mali-test"))
    qtbot.waitUntil(lambda: pane.article_count() == 5)
    qtbot.keyClicks(pane.search_box, "introuvablemot")
    qtbot.waitUntil(lambda: pane.article_count() == 0)
    assert pane.empty_label.isVisible() and "introuvablemot" in pane.empty_label.text()


def test_offline_notice_when_the_server_is_gone(qtbot, feeds, pane, tmp_path):
    _refresh(qtbot, pane)
    qtbot.waitUntil(lambda: pane.article_count() == 8)
    assert not pane.offline_notice.isVisible()
    feeds.stop()
    report = _refresh(qtbot, pane)
    assert report.offline
    assert pane.offline_notice.isVisible()
    assert pane.offline_notice.text() == "Hors ligne : articles enregistrés affichés"
    qtbot.waitUntil(lambda: pane.article_count() == 8)  # the saved articles are still listed
    pane.grab().save(str(tmp_path / "news_pane_offline.png"))


def test_progress_and_automatic_refresh_timer(qtbot, feeds, settings, pane, monkeypatch):
    seen = []
    pane._relay.progress.connect(lambda d, t, s: seen.append((d, t)))
    _refresh(qtbot, pane)
    assert seen[-1] == (2, 2)
    assert not pane.progress.isVisible()
    assert not pane.auto_timer.isActive()
    settings.news_refresh_minutes = 15
    monkeypatch.setenv("MALIRADIO_OFFLINE", "1")  # no network the user did not ask for
    pane.set_settings(settings)
    assert not pane.auto_timer.isActive()
    monkeypatch.delenv("MALIRADIO_OFFLINE")
    pane.set_settings(settings)
    assert pane.auto_timer.isActive() and pane.auto_timer.interval() == 15 * 60_000


def test_non_web_links_are_not_opened(qtbot, server, user_store, pane):
    items = [Item(1, "Lien bizarre", "<p>Texte.</p>", "file:///etc/passwd", "z1", time.time())]
    server.set("/odd", rss20(items))
    user_store.add_source(server.url("/odd"), "Odd")
    _refresh(qtbot, pane)
    qtbot.waitUntil(lambda: pane.article_count() == 1)
    with qtbot.waitSignal(pane.articleShown, timeout=5000):
        pane.list.setCurrentIndex(pane.model.index(0))
    assert not pane.browser_button.isEnabled()


# --- the refresh runs in a child process -------------------------------------------------------


def test_refresh_runs_in_a_child_process_with_progress(qtbot, feeds, pane, monkeypatch, tmp_path):
    import os

    import maliradio.news.fetch as fetch

    def not_here(*_a, **_k):
        raise AssertionError("fetch.refresh ran in the window's process")

    monkeypatch.setattr(fetch, "refresh", not_here)  # the child has its own, untouched
    from maliradio.ui.news_pane import RefreshJob

    pids = []
    real_start = RefreshJob.start

    def start(job):
        job.process.started.connect(lambda: pids.append(job.process.processId()))
        real_start(job)

    monkeypatch.setattr(RefreshJob, "start", start)
    seen = []

    def progress(done, total, source):
        seen.append((pane.status.text(), pane.progress.value(), pane.progress.maximum()))
        if done == 1:
            pane.grab().save(str(tmp_path / "pane.png"))  # the pane during a refresh

    pane._relay.progress.connect(progress)
    report = _refresh(qtbot, pane)
    assert report is not None and report.new == 8 and not report.offline
    assert {r.source for r in report.results} == {"radio-mali-test", "niger-test"}
    assert all(r.status == "updated" and r.bytes > 0 for r in report.results)
    assert seen == [("Actualisation… 1/2", 1, 2), ("Actualisation… 2/2", 2, 2)]
    assert len(pids) == 1 and pids[0] > 0 and pids[0] != os.getpid()  # another process
    qtbot.waitUntil(lambda: pane.article_count() == 8)
    assert pane.status.text().startswith("8 nouvel(s) article(s)")
    assert pane._job is None and not pane.is_refreshing()
    assert pane.refresh_button.text() == "Actualiser"


def test_refresh_command_for_python_and_the_frozen_app(monkeypatch):
    import sys

    from maliradio.ui.news_pane import refresh_command

    prog, args = refresh_command()
    assert prog == sys.executable and args == ["-m", "maliradio", "news", "refresh", "--json"]
    prog, args = refresh_command(["a", "b"], automatic=True, full_articles=False)
    assert args == [
        "-m", "maliradio", "news", "refresh", "--json",
        "--source", "a", "--source", "b", "--automatic", "--no-full-text",
    ]  # fmt: skip
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    prog, args = refresh_command()
    assert prog == sys.executable and args == ["news", "refresh", "--json"]


def test_automatic_refresh_and_some_sources_only(qtbot, feeds, pane, settings, monkeypatch):
    monkeypatch.delenv("MALIRADIO_OFFLINE")  # automatic refreshes are off in offline mode
    settings.news_refresh_minutes = 30
    with qtbot.waitSignal(pane.refreshFinished, timeout=20_000) as blocker:
        pane.refresh(automatic=True)  # the child gets --automatic (honours error backoff)
    assert blocker.args[0].new == 8
    qtbot.waitUntil(lambda: pane.article_count() == 8)
    with qtbot.waitSignal(pane.refreshFinished, timeout=20_000) as blocker:
        pane.refresh(source_ids=["niger-test"])
    assert [r.source for r in blocker.args[0].results] == ["niger-test"]
    assert blocker.args[0].results[0].status == "not-modified"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["-c", "import sys; print('pas du JSON'); sys.stderr.write('Traceback: boom\\n');"
          " sys.exit(3)"], "L'actualisation s'est arrêtée à cause d'une erreur."),
        (["-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"],
         "L'actualisation s'est arrêtée à cause d'une erreur."),
        (None, "L'actualisation n'a pas pu démarrer."),
    ],
    ids=["error-exit", "crash", "cannot-start"],
)  # fmt: skip
def test_a_failing_child_gives_a_plain_message_and_keeps_the_list(
    qtbot, feeds, pane, monkeypatch, caplog, command, message, tmp_path
):
    import sys

    from maliradio.ui import news_pane

    _refresh(qtbot, pane)
    qtbot.waitUntil(lambda: pane.article_count() == 8)
    program = sys.executable if command else "/nonexistent/maliradio-introuvable"
    monkeypatch.setattr(news_pane, "refresh_command", lambda *a, **k: (program, command or []))
    report = _refresh(qtbot, pane)
    assert report is None
    text = pane.status.text()
    assert text.startswith(message) and "Les articles enregistrés restent affichés." in text
    assert "boom" not in text and "Traceback" not in text  # stderr is logged, never shown
    if command and "boom" in command[1]:
        assert "Traceback: boom" in caplog.text
    assert pane.article_count() == 8 and pane.list.isVisible()  # the saved articles stay
    assert not pane.is_refreshing() and pane.refresh_button.isEnabled()
    assert not pane.progress.isVisible() and not pane.offline_notice.isVisible()
    qtbot.wait(50)  # the layout settles
    pane.grab().save(str(tmp_path / "news_pane_failed.png"))


def _sleeping_child(monkeypatch):
    import sys

    from maliradio.ui import news_pane

    code = (
        "import json, time; print(json.dumps({'source': 'lent', 'status': 'updated', 'new': 1,"
        " 'bytes': 10, 'error': ''}), flush=True); time.sleep(60)"
    )
    monkeypatch.setattr(
        news_pane, "refresh_command", lambda *a, **k: (sys.executable, ["-c", code])
    )


def test_the_button_stops_a_running_refresh(qtbot, user_store, pane, monkeypatch):
    _sleeping_child(monkeypatch)
    pane.refresh()
    qtbot.waitUntil(lambda: pane.status.text().startswith("Actualisation… 1"), timeout=10_000)
    assert pane.refresh_button.text() == "Arrêter" and pane.refresh_button.isEnabled()
    process = pane._job.process
    with qtbot.waitSignal(pane.refreshFinished, timeout=10_000) as blocker:
        pane.refresh_button.click()
    assert blocker.args[0] is None
    assert process.state() == process.ProcessState.NotRunning
    assert pane.status.text().startswith("Actualisation arrêtée")
    assert pane.refresh_button.text() == "Actualiser" and not pane.is_refreshing()


def test_shutdown_stops_a_running_refresh(qtbot, user_store, pane, monkeypatch):
    _sleeping_child(monkeypatch)
    pane.refresh()
    qtbot.waitUntil(lambda: pane._job is not None and bool(pane._job.results), timeout=10_000)
    process = pane._job.process
    t0 = time.monotonic()
    pane.shutdown()
    assert time.monotonic() - t0 < 3.0
    assert process.state() == process.ProcessState.NotRunning


def test_opening_two_thousand_articles_keeps_the_open_files_flat(qtbot, settings, user_store):
    """Every article opened is two database tasks: they must share one connection, however
    long the window runs (with ~256 files allowed, as on macOS, a connection per task ran out
    after ~125 articles)."""
    import os
    import resource

    from maliradio.ui import tasks
    from maliradio.ui.news_pane import NewsPane

    _bulk(user_store, 200)
    user_store.close()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    p = NewsPane(settings)
    qtbot.addWidget(p)
    p.show()
    qtbot.waitUntil(lambda: p.article_count() == 200, timeout=5000)

    def open_article(row: int) -> None:
        with qtbot.waitSignal(p.articleShown, timeout=5000):
            p.list.setCurrentIndex(p.model.index(row))

    open_article(0)
    before = len(os.listdir("/proc/self/fd"))
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, before + 64), hard))
    try:
        for n in range(1, 2000):
            open_article(n % 199 + 1)  # (never the same row twice in a row: no change)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    after = len(os.listdir("/proc/self/fd"))
    assert after <= before + 2, (before, after)
    assert "Archive numéro" in p.reader.toPlainText()
    assert p.db_notice.isHidden()
    p.shutdown()
    tasks.wait_all(10_000)


@pytest.mark.parametrize("stamp", ["pas une date", "nan"])
def test_a_damaged_last_refresh_time_refreshes_instead_of_failing(
    qtbot, settings, user_store, monkeypatch, stamp
):
    from maliradio.ui import tasks
    from maliradio.ui.news_pane import NewsPane

    monkeypatch.delenv("MALIRADIO_OFFLINE")
    user_store.set_meta("last_refresh", stamp)
    settings.news_refresh_minutes = 30
    p = NewsPane(settings)
    qtbot.addWidget(p)
    with qtbot.waitSignal(p.refreshFinished, timeout=20_000):
        p.show()
    assert "Actualisation" not in p.status.text()
    p.shutdown()
    tasks.wait_all(10_000)
