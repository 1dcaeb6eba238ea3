"""Parsing and cleaning in worker processes: the same articles as without them, a worker that
fails is replaced by the refreshing thread, and no worker outlives its refresh, even a killed
one."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest
from newsfeeds import Item, article_page, make_items, png, refresh_process, rss20, slow_handler

from maliradio.news import fetch
from maliradio.news.fetch import NOT_MODIFIED, UPDATED, refresh
from maliradio.news.store import NewsStore

SRC = Path(__file__).resolve().parents[2] / "src"
LONG = " ".join(["Le conseil des ministres a adopté plusieurs projets de texte."] * 10)
SHARED = "Suivez-nous sur nos réseaux sociaux pour ne rien manquer de l'actualité."


@pytest.fixture
def workers(monkeypatch):
    """The worker processes the refreshes of the test start."""
    started: list[fetch._Worker] = []
    real = fetch._Worker.__init__

    def tracking(self):
        real(self)
        started.append(self)

    monkeypatch.setattr(fetch._Worker, "__init__", tracking)
    return started


def _serve_mix(server):
    """Full-text feeds with pictures (one missing) and boilerplate, and a summary-only feed
    whose article pages are fetched."""

    def body(i):
        img = f'<p><img src="/img/{"absente" if i == 2 else i}.png" alt="photo"></p>'
        return f"<p>Reportage {i} depuis Gao.</p>{img}<p>Détail {i}.</p><p>{SHARED}</p>"

    for n in range(3):
        server.set(
            f"/full{n}",
            rss20(make_items(server.base, 5, f"Plein{n}", body=body), content_encoded=True),
        )
    for i in range(1, 6):
        server.set(f"/img/{i}.png", png(30, 20), content_type="image/png")
    items = []
    for i in range(1, 4):
        link = server.url(f"/page/{i}")
        items.append(Item(i, f"Sommet {i}", f"Résumé court {i}", link, f"s{i}", time.time() - i))
        paras = [f"Premier paragraphe de l'article {i}. {LONG}", f"Second {i}. {LONG}"]
        server.set(f"/page/{i}", article_page(f"Sommet {i}", paras), content_type="text/html")
    server.set("/summary", rss20(items))


def _stored(store):
    """What was stored, but for ids (the sources are stored in the order they come)."""
    conn = store._conn()
    rows = conn.execute(
        "SELECT source_id, guid, link, title, published, raw_html, html, text, full_fetched"
        " FROM articles ORDER BY source_id, guid"
    ).fetchall()
    keys = sorted(
        (sid, guid, key)
        for sid, guid, held in conn.execute("SELECT source_id, guid, keys FROM articles")
        for key in held.split()
    )
    bp = conn.execute("SELECT id, boilerplate FROM sources ORDER BY id").fetchall()
    return [tuple(r) for r in rows], [tuple(k) for k in keys], [tuple(b) for b in bp]


def _refresh_mix(server, tmp_path, name, processes):
    store = NewsStore(tmp_path / f"{name}.sqlite3", defaults=[])
    for path in ("/full0", "/full1", "/full2", "/summary"):
        store.add_source(server.url(path), path[1:])
    images = tmp_path / f"{name}-img"
    report = refresh(store, image_dir=images, processes=processes)
    assert {r.status for r in report.results} == {UPDATED}, report.results
    return store


def test_worker_processes_store_the_same_articles(server, tmp_path, workers):
    _serve_mix(server)
    alone = _refresh_mix(server, tmp_path, "threads", 0)
    assert workers == []
    helped = _refresh_mix(server, tmp_path, "workers", 2)
    assert len(workers) == 2
    assert _stored(helped) == _stored(alone)
    arts = [helped.get_article(a.id) for a in helped.list_articles(limit=100)]
    assert len(arts) == 18
    assert all("Suivez-nous" not in a.text for a in arts)  # boilerplate removed
    pages = [a for a in arts if a.title.startswith("Sommet")]
    assert all("Premier paragraphe" in a.text for a in pages)  # pages fetched and extracted
    with_picture = [a for a in arts if "cache:" in a.html]
    assert len(with_picture) == 12  # every article but those whose picture is missing
    # the missing one is asked for in each refresh (once per source at most), and the articles
    # that show it are stored without it
    assert 2 <= server.hits("/img/absente.png") <= 6
    assert all("Reportage 2 " not in a.text for a in with_picture)
    for w in workers:
        w.proc.wait(5)  # they end with the refresh
    alone.close()
    helped.close()


def test_a_failing_worker_leaves_the_work_to_the_thread(server, store, image_dir, workers):
    for n in range(4):
        server.set(f"/f{n}", rss20(make_items(server.base, 3, f"Flux{n}")))
        store.add_source(server.url(f"/f{n}"), f"f{n}")
    real = fetch._Worker.call

    def dying(self, name, args):
        self.proc.kill()  # the worker dies under the step
        self.proc.wait()
        return real(self, name, args)

    fetch._Worker.call = dying
    try:
        report = refresh(store, image_dir=image_dir, fetch_full_articles=False, processes=2)
    finally:
        fetch._Worker.call = real
    assert len(workers) == 2
    assert [r.status for r in report.results] == [UPDATED] * 4
    assert store.count_articles() == 12


def _only_here(x):
    """A step the worker processes do not have (as a step that fails there)."""
    return x * 2


def test_a_step_that_fails_in_a_worker_is_done_by_the_thread(monkeypatch, caplog):
    monkeypatch.setitem(fetch._CPU_STEPS, "_only_here", _only_here)
    cpu = fetch._Cpu(2)
    try:
        assert cpu.run(_only_here, 21) == 42  # the worker said no; the thread did it
        assert "Calcul en échec" in caplog.text
        assert len(cpu._workers) == 2  # and the worker goes on
        body = rss20(make_items("http://127.0.0.1:9", 2, "Suite")).encode()
        read = cpu.run(
            fetch._read_feed,
            body, "http://127.0.0.1:9/f", "application/rss+xml", {}, (0, {}), False, 0.0,
        )  # fmt: skip
        assert [d.article.title for d in read.drafts] == ["Suite 1", "Suite 2"]
    finally:
        cpu.close()


def test_no_worker_for_a_few_sources(monkeypatch):
    assert fetch._default_processes(1) == 0
    assert fetch._default_processes(3) == 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert fetch._default_processes(20) == (min(cores, 4) if cores > 1 else 0)
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # a built app has them too
    assert fetch._default_processes(20) == (min(cores, 4) if cores > 1 else 0)


@pytest.mark.skipif(os.name != "posix", reason="the stand-in executable is a shell script")
def test_a_built_app_runs_its_workers_with_its_own_executable(
    server, tmp_path, monkeypatch, workers, caplog
):
    """A PyInstaller app has no Python to start: its own executable, told by the environment,
    becomes the worker (maliradio/__main__.py). Here a script that runs `python -m maliradio`
    stands in for that executable."""
    app = tmp_path / "maliradio-app"
    app.write_text(f'#!/bin/sh\nPYTHONPATH="{SRC}" exec "{sys.executable}" -m maliradio "$@"\n')
    app.chmod(0o755)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(app))
    store = NewsStore(tmp_path / "news.sqlite3", defaults=[])
    for n in range(4):
        server.set(f"/f{n}", rss20(make_items(server.base, 3, f"Flux{n}")))
        store.add_source(server.url(f"/f{n}"), f"f{n}")
    report = refresh(store, image_dir=tmp_path / "img", fetch_full_articles=False)
    assert [r.status for r in report.results] == [UPDATED] * 4
    assert store.count_articles() == 12
    assert len(workers) >= 2 and all(w.proc.args == [str(app)] for w in workers)
    assert "Processus de calcul en échec" not in caplog.text  # the workers did the steps
    for w in workers:
        assert w.proc.wait(5) == 0  # and ended with the refresh
    store.close()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_end_when_the_refresh_is_killed(server, tmp_path):
    home = tmp_path / "home"
    store = NewsStore(home / "data" / "news.sqlite3", defaults=[])
    body = rss20(make_items(server.base, 20, "Lent")).encode()
    for i in range(6):
        server.set(f"/slow{i}", handler=slow_handler(server, body, 30))
        store.add_source(server.url(f"/slow{i}"), f"slow{i}")
    store.close()
    proc = refresh_process(home)
    try:
        children: list[int] = []
        deadline = time.monotonic() + 20
        while len(children) < 2 and time.monotonic() < deadline:
            children = _children(proc.pid)
            time.sleep(0.05)
        assert len(children) >= 2, "the refresh should have started its workers"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in children), "a worker outlived its refresh"
    finally:
        proc.kill()
        proc.wait(10)


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_a_worker_runs_steps_and_ends_with_its_stdin():
    w = fetch._Worker()
    try:
        body = rss20(make_items("http://127.0.0.1:9", 2, "Pipe")).encode()
        read = w.call(
            "_read_feed",
            (body, "http://127.0.0.1:9/f", "application/rss+xml", {}, (0, {}), False, 0.0),
        )
        assert [d.article.title for d in read.drafts] == ["Pipe 1", "Pipe 2"]
    finally:
        w.close()
    assert w.proc.returncode == 0


def test_a_worker_that_never_answers_is_killed_and_the_thread_does_the_step(monkeypatch, caplog):
    monkeypatch.setattr(fetch, "_WORKER_CODE", "import time\ntime.sleep(60)\n")
    monkeypatch.setattr(fetch, "STEP_TIMEOUT", 1.0)
    cpu = fetch._Cpu(2)
    try:
        body = rss20(make_items("http://127.0.0.1:9", 2, "Muet")).encode()
        t0 = time.monotonic()
        read = cpu.run(
            fetch._read_feed,
            body, "http://127.0.0.1:9/f", "application/rss+xml", {}, (0, {}), False, 0.0,
        )  # fmt: skip
        assert time.monotonic() - t0 < 10
        assert [d.article.title for d in read.drafts] == ["Muet 1", "Muet 2"]
        assert "calcul sur place" in caplog.text
        assert len(cpu._workers) == 1  # the silent one is gone
    finally:
        cpu.close()


def test_feeds_that_answered_304_start_no_worker_and_a_changed_one_is_still_read(
    server, store, image_dir, workers
):
    """An automatic refresh is mostly 304s: no parsing, so no worker processes (~0.2 s of CPU
    each to start). A feed that changed meanwhile is read by the refresh itself."""
    for n in range(4):
        server.set(f"/f{n}", rss20(make_items(server.base, 3, f"Flux{n}")), etag=f'"v1-{n}"')
        store.add_source(server.url(f"/f{n}"), f"f{n}")
    assert {r.status for r in refresh(store, image_dir=image_dir).results} == {UPDATED}
    assert len(workers) == 2  # new sources: their feeds come, workers help
    assert {r.status for r in refresh(store, image_dir=image_dir).results} == {NOT_MODIFIED}
    started = len(workers)  # (they had sent their feed the time before: workers again)
    assert {r.status for r in refresh(store, image_dir=image_dir).results} == {NOT_MODIFIED}
    assert len(workers) == started  # all answered 304 last time: none started
    server.set("/f2", rss20(make_items(server.base, 4, "Nouveau")), etag='"v2-2"')
    report = refresh(store, image_dir=image_dir)
    assert len(workers) == started
    assert sorted(r.status for r in report.results) == [NOT_MODIFIED] * 3 + [UPDATED]
    assert [r.new for r in report.results if r.status == UPDATED] == [4]
    assert store.count_articles(search="Nouveau") == 4
