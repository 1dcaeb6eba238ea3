"""A refresh on threads, from the outside: full text, pictures and boilerplate stripping for
a mix of feeds, everything searchable at its end, no process of its own started, and 304s."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from newsfeeds import Item, article_page, make_items, png, refresh_process, rss20

from maliradio.news.fetch import NOT_MODIFIED, UPDATED, refresh
from maliradio.news.store import NewsStore

LONG = " ".join(["Le conseil des ministres a adopté plusieurs projets de texte."] * 10)
SHARED = "Suivez-nous sur nos réseaux sociaux pour ne rien manquer de l'actualité."


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


def _refresh_mix(server, tmp_path, name):
    store = NewsStore(tmp_path / f"{name}.sqlite3", defaults=[])
    for path in ("/full0", "/full1", "/full2", "/summary"):
        store.add_source(server.url(path), path[1:])
    images = tmp_path / f"{name}-img"
    report = refresh(store, image_dir=images)
    assert {r.status for r in report.results} == {UPDATED}, report.results
    return store


def test_a_refresh_stores_full_text_pictures_and_no_boilerplate(server, tmp_path):
    _serve_mix(server)
    store = _refresh_mix(server, tmp_path, "mix")
    arts = [store.get_article(a.id) for a in store.list_articles(limit=100)]
    assert len(arts) == 18
    assert all("Suivez-nous" not in a.text for a in arts)  # boilerplate removed
    pages = [a for a in arts if a.title.startswith("Sommet")]
    assert all("Premier paragraphe" in a.text for a in pages)  # pages fetched and extracted
    with_picture = [a for a in arts if "cache:" in a.html]
    assert len(with_picture) == 12  # every article but those whose picture is missing
    # the missing one is asked for once per source at most, and the articles that show it
    # are stored without it
    assert 1 <= server.hits("/img/absente.png") <= 3
    assert all("Reportage 2 " not in a.text for a in with_picture)
    # every article is in the search index once the refresh is over
    assert store._conn().execute("SELECT count(*) FROM fts_pending").fetchone()[0] == 0
    assert store.count_articles(search="Reportage") == 15
    assert store.count_articles(search="paragraphe") == 3
    store.close()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_refresh_process_starts_no_other_process(server, tmp_path):
    """One level of process: the window's refresh child does its work on threads."""
    home = tmp_path / "home"
    store = NewsStore(home / "data" / "news.sqlite3", defaults=[])
    for n in range(6):
        server.set(f"/f{n}", rss20(make_items(server.base, 20, f"Flux{n}")))
        store.add_source(server.url(f"/f{n}"), f"f{n}")
    store.close()
    proc = refresh_process(home)
    try:
        seen: set[int] = set()
        while proc.poll() is None:
            seen.update(_children(proc.pid))
            time.sleep(0.01)
        assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
        assert seen == set()
    finally:
        proc.kill()
        proc.wait(10)
    store = NewsStore(home / "data" / "news.sqlite3", defaults=[])
    assert store.count_articles() == 120
    assert store.count_articles(search="Flux3") == 20
    store.close()


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


def test_feeds_that_answered_304_cost_nothing_and_a_changed_one_is_read(server, store, image_dir):
    """An automatic refresh is mostly 304s; a feed that changed meanwhile is read."""
    for n in range(4):
        server.set(f"/f{n}", rss20(make_items(server.base, 3, f"Flux{n}")), etag=f'"v1-{n}"')
        store.add_source(server.url(f"/f{n}"), f"f{n}")
    assert {r.status for r in refresh(store, image_dir=image_dir).results} == {UPDATED}
    assert {r.status for r in refresh(store, image_dir=image_dir).results} == {NOT_MODIFIED}
    assert {r.status for r in refresh(store, image_dir=image_dir).results} == {NOT_MODIFIED}
    server.set("/f2", rss20(make_items(server.base, 4, "Nouveau")), etag='"v2-2"')
    report = refresh(store, image_dir=image_dir)
    assert sorted(r.status for r in report.results) == [NOT_MODIFIED] * 3 + [UPDATED]
    assert [r.new for r in report.results if r.status == UPDATED] == [4]
    assert store.count_articles(search="Nouveau") == 4
