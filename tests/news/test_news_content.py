"""What the reader gets: broken feeds survive, HTML is safe, pictures are local,
boilerplate is gone, summary-only sources get their full text."""

from __future__ import annotations

import re
import time

from newsfeeds import Item, article_page, make_items, png, rss20

from maliradio.news import clean
from maliradio.news.fetch import ERROR, UPDATED, refresh


def _one(report):
    assert len(report.results) == 1
    return report.results[0]


def _articles(store, sid):
    return [store.get_article(a.id) for a in store.list_articles(source_ids=[sid], limit=500)]


LONG = " ".join(["Le conseil des ministres a adopté plusieurs projets de texte."] * 10)


def test_malformed_xml_keeps_the_entries_it_can_read(server, store, image_dir):
    items = make_items(server.base, 3, "Casse")
    xml = rss20(items).replace("<title>Casse 2</title>", "<title>Casse 2 & co</title>")
    xml = xml.replace("</channel></rss>", "</channel>")  # truncated
    server.set("/bad", xml)
    store.add_source(server.url("/bad"), "bad")
    r = _one(refresh(store, image_dir=image_dir, fetch_full_articles=False))
    assert r.status == UPDATED and r.new == 3
    assert "mal formé" in r.warning
    assert store.get_source("bad").warning


def test_latin1_declared_as_utf8_reads_accents(server, store, image_dir):
    items = [
        Item(
            1,
            "Été à Ségou : fête",
            "<p>Café, thé et crème brûlée à Kayes.</p>",
            server.url("/a/1"),
            "g1",
            time.time() - 60,
        )
    ]
    body = rss20(items, encoding="utf-8").encode("latin-1")
    server.set("/latin", body, content_type="application/rss+xml; charset=utf-8")
    store.add_source(server.url("/latin"), "latin")
    r = _one(refresh(store, image_dir=image_dir, fetch_full_articles=False))
    assert r.status == UPDATED and r.new == 1
    art = _articles(store, "latin")[0]
    assert art.title == "Été à Ségou : fête"
    assert "crème brûlée" in art.text
    assert "ncodage" in r.warning


def test_html_page_instead_of_feed_is_an_error_and_keeps_the_cache(server, store, image_dir):
    server.set("/feed", rss20(make_items(server.base, 2, "Bon")))
    store.add_source(server.url("/feed"), "site")
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    server.set(
        "/feed",
        "<!doctype html><html><head><title>Vérification</title>"
        '<link rel="alternate" type="application/rss+xml" href="/vrai-flux"></head>'
        "<body><p>Vous êtes un robot ?</p></body></html>",
        content_type="text/html; charset=utf-8",
    )
    r = _one(refresh(store, image_dir=image_dir))
    assert r.status == ERROR and "page web" in r.error
    assert server.url("/vrai-flux") in r.error
    assert store.count_articles() == 2
    assert store.get_source("site").status == "error"


def test_empty_feed_and_bad_dates(server, store, image_dir):
    server.set("/empty", rss20([]))
    server.set("/blank", b"", content_type="application/rss+xml")
    items = make_items(server.base, 3, "Date")
    xml = rss20(items)
    xml = re.sub(r"<pubDate>[^<]*</pubDate>", "<pubDate>hier vers midi</pubDate>", xml, count=1)
    future = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 86400 * 400))
    xml = re.sub(r"<pubDate>[^<]*GMT</pubDate>", f"<pubDate>{future}</pubDate>", xml, count=1)
    server.set("/dates", xml)
    for sid in ("empty", "blank", "dates"):
        store.add_source(server.url(f"/{sid}"), sid)
    before = time.time()
    rs = {
        r.source: r for r in refresh(store, image_dir=image_dir, fetch_full_articles=False).results
    }
    assert rs["empty"].status == UPDATED and "aucun article" in rs["empty"].warning
    assert rs["blank"].status == ERROR and "vide" in rs["blank"].error
    assert rs["dates"].new == 3 and "date" in rs["dates"].warning
    for a in store.list_articles(source_ids=["dates"]):
        assert a.published <= time.time()  # a date in the future is clamped to now
    undated = [a for a in store.list_articles(source_ids=["dates"]) if a.published >= before]
    assert len(undated) == 2  # the unreadable date and the future one


def test_dangerous_html_is_removed_and_pictures_are_local(server, store, image_dir):
    evil = (
        "<p>Début de l'article.</p>"
        "<script>alert('x')</script>"
        '<iframe src="http://127.0.0.1:1/pub"></iframe>'
        '<p><img src="/img/photo.png" alt="Photo" onerror="alert(1)"></p>'
        '<p><img src="/img/pixel.gif" width="1" height="1"></p>'
        '<p><img src="/img/tiny.png"></p>'
        '<p><a href="javascript:alert(1)">piège</a> et <a href="/suite" onclick="x()">suite</a></p>'
        '<form action="/vote"><input name="q"><button>Voter</button></form>'
        '<p style="color:red" onmouseover="x()">Fin de l\'article.</p>'
    )
    items = [Item(1, "Piégé", evil, server.url("/a/1"), "g1", time.time() - 60)]
    server.set("/feed", rss20(items, content_encoded=True))
    server.set("/img/photo.png", png(40, 30), content_type="image/png")
    server.set("/img/tiny.png", png(1, 1), content_type="image/png")
    store.add_source(server.url("/feed"), "evil")
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    art = _articles(store, "evil")[0]
    html = art.html.lower()
    for bad in (
        "<script",
        "alert",
        "<iframe",
        "onerror",
        "onclick",
        "onmouseover",
        "javascript:",
        "<form",
        "<input",
        "<button",
        "style=",
        "pixel.gif",
        "http://127.0.0.1:1",
    ):
        assert bad not in html, bad
    assert "Début de l'article." in art.text and "Fin de l'article." in art.text
    assert f'href="{server.url("/suite")}"' in art.html
    # the one real picture is in the cache; the 1x1 ones are gone; nothing remote is left
    names = clean.cache_names(art.html)
    assert len(names) == 1 and (image_dir / names[0]).stat().st_size > 50
    assert not re.search(r'src="https?:', art.html)
    shown = clean.display_html(art.html, image_dir)
    assert (image_dir / names[0]).as_uri() in shown
    assert server.hits("/img/pixel.gif") == 0  # a declared tracking pixel is not even fetched


def test_repeated_header_and_footer_paragraphs_are_dropped(server, store, image_dir):
    header = "Suivez toute l'actualité du Sahel sur notre chaîne WhatsApp."
    footer = "Partagez cet article avec vos amis sur Facebook et Twitter !"

    def body(i):
        return (
            f"<p>{header}</p>"
            f"<p>À Tombouctou, le marché numéro {i} a rouvert ses portes ce matin.</p>"
            f"<p>Les commerçants ({i}) espèrent une bonne saison.</p>"
            f"<p>{footer}</p><p>L'article Marché {i} est apparu en premier sur Le Site.</p>"
        )

    items = make_items(server.base, 6, "Marché", body=body)
    server.set("/wp", rss20(items, content_encoded=True))
    store.add_source(server.url("/wp"), "wp")
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    arts = _articles(store, "wp")
    assert len(arts) == 6
    for a in arts:
        assert "WhatsApp" not in a.text and "Facebook" not in a.text, a.text
        assert "apparu en premier" not in a.text
        assert "a rouvert ses portes" in a.text and "bonne saison" in a.text
    # search no longer finds the boilerplate either
    assert store.list_articles(search="WhatsApp") == []
    assert len(store.list_articles(search="Tombouctou")) == 6


def test_boilerplate_needs_several_articles(server, store, image_dir):
    def body(i):
        return f"<p>Une phrase partagée.</p><p>Contenu propre {i}.</p>"

    server.set("/two", rss20(make_items(server.base, 2, "Deux", body=body)))
    store.add_source(server.url("/two"), "two")
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    assert all("Une phrase partagée." in a.text for a in _articles(store, "two"))


def test_summary_only_source_gets_the_article_page_once(server, store, image_dir):
    items = []
    for i in range(1, 4):
        link = server.url(f"/article/{i}")
        items.append(
            Item(i, f"Sommet {i}", f"Résumé court {i} […]", link, f"s{i}", time.time() - i)
        )
        paras = [
            f"Premier paragraphe complet de l'article {i} sur le sommet de Niamey. {LONG}",
            f"Second paragraphe {i} : les chefs d'État ont signé un accord. {LONG}",
        ]
        server.set(
            f"/article/{i}",
            article_page(f"Sommet {i}", paras, img=f"/photo{i}.png"),
            content_type="text/html; charset=utf-8",
        )
        server.set(f"/photo{i}.png", png(30, 20), content_type="image/png")
    server.set("/summary", rss20(items))
    store.add_source(server.url("/summary"), "summary")

    r = _one(refresh(store, image_dir=image_dir))
    assert r.new == 3
    for a in _articles(store, "summary"):
        n = a.title.split()[-1]
        assert f"Premier paragraphe complet de l'article {n}" in a.text
        assert "accord" in a.text
        assert "Les plus lus" not in a.text and "Tous droits" not in a.text  # page chrome
        assert "track()" not in a.html
        assert len(clean.cache_names(a.html)) == 1
    assert r.bytes > sum(len(server.routes[f"/article/{i}"].body) for i in range(1, 4))

    refresh(store, image_dir=image_dir)
    assert all(server.hits(f"/article/{i}") == 1 for i in range(1, 4))  # not fetched twice
    assert all(server.hits(f"/photo{i}.png") == 1 for i in range(1, 4))


def test_full_article_fetching_can_be_turned_off(server, store, image_dir):
    items = [Item(1, "Court", "Résumé seulement.", server.url("/article/1"), "c1", time.time())]
    server.set("/article/1", article_page("Court", [LONG]), content_type="text/html")
    server.set("/summary", rss20(items))
    store.add_source(server.url("/summary"), "summary")
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    assert server.hits("/article/1") == 0
    assert _articles(store, "summary")[0].text == "Résumé seulement."


def test_article_updated_in_place_and_deleted_stays_deleted(server, store, image_dir):
    items = make_items(server.base, 3, "Maj")
    server.set("/feed", rss20(items))
    store.add_source(server.url("/feed"), "maj")
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    ids = {a.title: a.id for a in store.list_articles()}

    items[0].body = "<p>Correction : le bilan est revu à la baisse.</p>"
    items[0].title = "Maj 1 (corrigé)"
    server.set("/feed", rss20(items))
    r = _one(refresh(store, image_dir=image_dir, fetch_full_articles=False))
    assert (r.new, r.updated) == (0, 1)
    art = store.get_article(ids["Maj 1"])
    assert art.title == "Maj 1 (corrigé)" and "revu à la baisse" in art.text
    assert store.count_articles() == 3

    assert store.delete_article(ids["Maj 2"])
    r = _one(refresh(store, image_dir=image_dir, fetch_full_articles=False))
    server.set("/feed", rss20(items))  # still listed by the feed
    r = _one(refresh(store, image_dir=image_dir, fetch_full_articles=False))
    assert r.new == 0
    assert ids["Maj 2"] not in {a.id for a in store.list_articles()}
    assert store.count_articles() == 2


def test_article_made_only_of_repeated_paragraphs_is_shown_whole():
    from maliradio.news import clean

    raw = "<p>Ouagadougou. Reportage de notre correspondant.</p><p>Suivez-nous.</p>"
    keys = clean.paragraph_keys(raw, "Ouagadougou")
    html, text = clean.clean_for_reading(raw, None, keys, set(keys), "Ouagadougou")
    assert "Reportage de notre correspondant" in text
    assert "Suivez-nous" in html


def test_a_refresh_that_brings_pictures_keeps_the_cache_under_its_size(server, store, image_dir):
    """Old pictures go, least recently used first, once new ones take the cache over its size;
    a refresh that brings none leaves the cache as it is (no walk over it for nothing)."""
    import os

    now = time.time()
    for i in range(5):  # 5 KB of pictures read long ago
        p = image_dir / f"vieille{i}.png"
        p.write_bytes(b"x" * 1000)
        os.utime(p, (now - 86400 + i, now - 86400 + i))
    photo = png(40, 30)
    body = '<p>Texte.</p><p><img src="/img/p.png"></p>'
    items = [Item(1, "Avec photo", body, server.url("/a/1"), "g1", now)]
    server.set("/feed", rss20(items, content_encoded=True))
    server.set("/img/p.png", photo, content_type="image/png")
    store.add_source(server.url("/feed"), "photos")
    # over its size already, but this refresh brings no picture (the feed is not there yet)
    server.set("/feed", "", status=503)
    refresh(store, image_dir=image_dir, fetch_full_articles=False, image_cache_max_bytes=2500)
    assert len(list(image_dir.iterdir())) == 5
    server.set("/feed", rss20(items, content_encoded=True))
    refresh(store, image_dir=image_dir, fetch_full_articles=False, image_cache_max_bytes=2500)
    names = clean.cache_names(_articles(store, "photos")[0].html)
    assert len(names) == 1 and len(photo) <= 500
    # 5,000 bytes of old pictures + the new one, for 2,500: the three oldest went
    assert sorted(p.name for p in image_dir.iterdir()) == sorted(
        [names[0], "vieille3.png", "vieille4.png"]
    )
