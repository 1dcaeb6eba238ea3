"""Boilerplate removal in the store: each incoming article is cleaned once, with the set the
source has once the update is stored; older articles are cleaned again only when one of their
paragraphs changes status; whatever the batch, every article ends up cleaned with the final set."""

from __future__ import annotations

import hashlib
import time

import pytest

from maliradio.news import clean
from maliradio.news.models import PreparedArticle, SourceUpdate

SHARED = "Suivez-nous sur nos réseaux sociaux pour ne rien manquer de l'actualité."


def _article(i: int, *, shared: bool = True, extra: str = "", guid: str | None = None):
    title = f"Titre {i}"
    body = f"<p>Le marché numéro {i} de Ségou a rouvert ce matin.</p><p>Détail {i}{extra}.</p>"
    if shared:
        body += f"<p>{SHARED}</p>"
    raw, _images = clean.prepare_html(body, f"https://site.example/{i}/", title)
    keys, text = clean.analyze(raw, title)
    return PreparedArticle(
        guid=guid or f"g{i}",
        link=f"https://site.example/{i}/",
        title=title,
        author="",
        published=time.time() - 3600 + i,
        raw_html=raw,
        content_hash=hashlib.sha1(raw.encode()).hexdigest(),
        paragraphs=keys,
        text=text,
    )


def _update(sid, articles):
    return SourceUpdate(sid, articles, etag=None, last_modified=None, http_status=200)


@pytest.fixture
def strips(monkeypatch):
    """Counts the articles cleaned (boilerplate actually stripped) while the test runs."""
    calls: list[str] = []
    real = clean._strip

    def counting(root, boilerplate, title):
        calls.append(title)
        return real(root, boilerplate, title)

    monkeypatch.setattr(clean, "_strip", counting)
    return calls


def _assert_cleaned_with_final_set(store, sid):
    """Every live article reads exactly as its raw HTML cleaned with the source's final set,
    and is indexed with the text of that."""
    conn = store._conn()
    bp = set(
        conn.execute("SELECT boilerplate FROM sources WHERE id = ?", (sid,)).fetchone()[0].split()
    )
    rows = conn.execute(
        "SELECT id, raw_html, html, text, title FROM articles WHERE source_id = ? AND deleted = 0",
        (sid,),
    ).fetchall()
    assert rows
    for r in rows:
        keys = clean.paragraph_keys(r["raw_html"], r["title"])
        want = clean.clean_for_reading(r["raw_html"], None, keys, bp, r["title"])
        assert (store.get_article(r["id"]).html, r["text"]) == want, r["title"]
    return bp


def _rewrites(store) -> set[str]:
    """The statements that write an article's reading form after it was stored."""
    seen: set[str] = set()
    store._conn().set_trace_callback(
        lambda sql: seen.add(sql) if sql.startswith("UPDATE articles SET html") else None
    )
    return seen


def test_first_refresh_cleans_each_article_once(store, strips):
    src = store.add_source("http://127.0.0.1:9/feed", "bp")
    rewrites = _rewrites(store)
    stats = store.apply_update(_update(src.id, [_article(i) for i in range(1, 7)]))
    assert stats.new == 6
    assert sorted(strips) == sorted(f"Titre {i}" for i in range(1, 7))  # once each
    assert rewrites == set()  # stored in its reading form at once: no second write (nor reindex)
    bp = _assert_cleaned_with_final_set(store, src.id)
    assert len(bp) == 1
    for a in store.list_articles(source_ids=[src.id]):
        art = store.get_article(a.id)
        assert "Suivez-nous" not in art.text and "rouvert ce matin" in art.text
    assert store.list_articles(search="Suivez") == []


def test_older_articles_are_cleaned_again_only_when_a_key_changes_status(store, strips):
    src = store.add_source("http://127.0.0.1:9/feed", "bp")
    store.apply_update(_update(src.id, [_article(1), _article(2)]))  # 2 < 3: not boilerplate
    assert strips == []
    assert all("Suivez-nous" in store.get_article(a.id).text for a in store.list_articles())

    rewrites = _rewrites(store)
    store.apply_update(_update(src.id, [_article(1), _article(2), _article(3), _article(4)]))
    # the two new ones once each; the two older ones again, since the line became boilerplate
    assert sorted(strips) == ["Titre 1", "Titre 2", "Titre 3", "Titre 4"]
    assert len(rewrites) == 2
    assert len(_assert_cleaned_with_final_set(store, src.id)) == 1

    strips.clear()
    store.apply_update(_update(src.id, [_article(5, shared=False)]))
    assert strips == []  # the set did not change: nobody is cleaned again
    _assert_cleaned_with_final_set(store, src.id)


def test_updated_article_counts_with_its_new_paragraphs(store, strips):
    src = store.add_source("http://127.0.0.1:9/feed", "bp")
    store.apply_update(_update(src.id, [_article(i) for i in range(1, 4)]))
    assert len(_assert_cleaned_with_final_set(store, src.id)) == 1
    strips.clear()
    # two of the three drop the shared line: it is no longer boilerplate (1 article < 3)
    batch = [_article(1, shared=False, extra=" (corrigé)"), _article(2, shared=False, extra="!")]
    stats = store.apply_update(_update(src.id, batch + [_article(3)]))
    assert (stats.new, stats.updated) == (0, 2)
    assert _assert_cleaned_with_final_set(store, src.id) == set()
    third = next(a for a in store.list_articles() if a.title == "Titre 3")
    assert "Suivez-nous" in store.get_article(third.id).text  # shown again
    assert strips == []  # nothing left to strip (the third was cleaned again, unstripped)


def test_same_article_twice_in_one_batch_still_ends_cleaned_with_the_final_set(store):
    src = store.add_source("http://127.0.0.1:9/feed", "bp")
    twice = [_article(4, guid="g-dup"), _article(5, shared=False, guid="g-dup")]
    batch = [_article(1), _article(2), *twice, _article(3, shared=False)]
    stats = store.apply_update(_update(src.id, batch))
    assert (stats.new, stats.updated) == (4, 1)
    # the guessed set counted the shared line 3 times; once stored, only 2 articles hold it
    assert _assert_cleaned_with_final_set(store, src.id) == set()
    # and the same with the other order: the row then holds the shared line
    src2 = store.add_source("http://127.0.0.1:9/feed2", "bp2")
    batch = [_article(1), _article(2), *reversed(twice), _article(3, shared=False)]
    store.apply_update(_update(src2.id, batch))
    assert len(_assert_cleaned_with_final_set(store, src2.id)) == 1


def test_refresh_cleans_articles_in_the_fetch_on_their_own_tree(server, store, image_dir, strips):
    from newsfeeds import make_items, rss20

    from maliradio.news.fetch import refresh

    def body(i):
        return f"<p>La boutique {i} a rouvert.</p><p>Détail {i}.</p><p>{SHARED}</p>"

    server.set("/wp", rss20(make_items(server.base, 6, "Marché", body=body), content_encoded=True))
    src = store.add_source(server.url("/wp"), "wp")
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    assert strips == []  # the store had nothing left to clean
    assert len(_assert_cleaned_with_final_set(store, src.id)) == 1
    assert store.list_articles(search="Suivez") == []


SAMPLES = [
    "<p>Un.</p><p>Deux.</p><p>" + SHARED + "</p>",
    "Texte nu<br>suite<br><br>autre paragraphe<p>" + SHARED + "</p>",
    "<div><div><p>Imbriqué.</p><p>" + SHARED + "</p></div><p>Fin.</p></div>",
    "<ul><li>Un</li><li>" + SHARED + "</li></ul><p>Après la liste.</p>",
    "<table><tr><td>Case</td><td>" + SHARED + "</td></tr></table><p>Texte.</p>",
    "<h2>Titre 1</h2><p>Le titre répété disparaît.</p><p>" + SHARED + "</p>",
    '<figure><img src="/a.jpg"><figcaption>Légende</figcaption></figure><p>Corps.</p>'
    "<p>" + SHARED + "</p>",
    '<p>Image <img src="/b.png" width="40" height="30"> dans le texte.</p><p>' + SHARED + "</p>",
    "<blockquote><p>Citation.</p></blockquote><pre>code  espacé</pre><p>" + SHARED + "</p>",
    "<p>" + SHARED + "</p>",  # nothing but boilerplate: shown whole
    "<p>L'article Titre 1 est apparu en premier sur Le Site.</p><p>Texte.</p>",
    "",
]


def test_indexed_text_is_that_of_the_reading_form_of_the_stored_html():
    import random
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        import corpus
    finally:
        sys.path.pop(0)
    rnd = random.Random(11)
    samples = SAMPLES + [corpus.article_html(rnd) for _ in range(40)]
    for html in samples:
        tree = clean.prepare_tree(html, "https://site.example/a/", "Titre 1", clean.image_name)
        sets = [set(), set(tree.keys), set(tree.keys[-1:]), set(tree.keys[:1])]
        for bp in sets:
            # what a refresh indexes (the text alone, from the tree it cleaned) is the text of
            # what the reader shows, made from the stored html
            tree = clean.prepare_tree(html, "https://site.example/a/", "Titre 1", clean.image_name)
            want = clean.clean_for_reading(tree.raw, None, tree.keys, bp, "Titre 1")
            assert tree.reading_text(bp) == want[1], html
            assert tree.raw_text() == clean.html_to_text(tree.raw)
            assert clean.reading_text(tree.raw, None, tree.keys, bp, "Titre 1") == want[1]
        tree = clean.prepare_tree(html, "https://site.example/a/", "Titre 1", clean.image_name)
        assert tree.raw_text() == clean.html_to_text(tree.raw)
        assert (  # after raw_text: from the stored html
            tree.reading_text(set(tree.keys))
            == clean.clean_for_reading(tree.raw, None, tree.keys, set(tree.keys), "Titre 1")[1]
        )


def test_paragraph_keys_stay_those_already_stored():
    """Keys are stored: a faster way to compute them must give the same ones (these are what
    the first version of the store computed)."""
    html = (
        "<p>Suivez-nous sur nos réseaux sociaux : « Facebook », X… et l’appli !</p>"
        "<p>L’article Titre 1 est apparu en premier sur Le Site.</p>"
        "<p>Ｆｕｌｌ-width ½ ﬁn_de_ligne 2026</p>"
        '<figure><img src="cache:abc.png"></figure>'
    )
    assert clean.paragraph_keys(html, "Titre 1") == [
        "2969dd33b84193ff",
        "d4b8cbcf77dd5e20",
        "9a16ebe73aeb48cd",
        "8cd51fed65e08872",
    ]


def test_paragraph_keys_of_a_whole_article_are_those_of_each_paragraph(monkeypatch):
    """An article's paragraphs are normalized together (`_norms`): the words must be those
    `_norm` finds in each, whatever the characters, else repeated lines stop being found."""
    import random

    rnd = random.Random(7)
    common = list("abcdefghijklmnopqrstuvwxyzABCDEFXYZ0123456789éèàçôÉÀ") + [" "] * 12
    common += list(".,;:!?'\"()-/&%«»’–—“”•\n\t\u00a0\u202f")
    rare = ["_", "e\u0301", "\u0301", "\ufb01", "ß", "İ", "½", "²", "Ｆ", "ǅ", "µ", "\u2028", "¿"]
    rare += ["…", "·", "\x00", "\x0b"]
    norm = clean._norm
    one_by_one: list[str] = []
    monkeypatch.setattr(clean, "_norm", lambda t: one_by_one.append(t) or norm(t))
    together = 0
    for i in range(20000):
        alphabet = common if i % 2 else common + rare
        texts = [
            "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40)))
            for _ in range(rnd.randint(0, 6))
        ]
        expected = [norm(t) for t in texts]
        one_by_one.clear()
        assert clean._norms(texts) == expected, texts
        together += not one_by_one
    assert together > 10000  # the common case does go the fast way


def test_indexed_text_matches_the_reading_form_on_random_layouts():
    import random

    parts = [
        f"<p>{SHARED}</p>", "<p>Texte unique {n}.</p>", "texte nu {n} ", "<br>", "<br><br>",
        f"<div><p>{SHARED}</p></div>", f"<div><p>Dans un div {{n}}.</p><p>{SHARED}</p></div>",
        f"<ul><li>{SHARED}</li><li>item {{n}}</li></ul>", f"<ul><li>{SHARED}</li></ul>",
        f"<div><div><p>{SHARED}</p></div></div>", f"<blockquote>{SHARED}</blockquote> queue {{n}}",
        "<h3>Titre 1</h3>", "<p><b>gras</b> {n}</p>", "<p></p>", "<div> </div>", "<hr>",
        f"<table><tr><td>{SHARED}</td><td>c {{n}}</td></tr></table>", "<span>inline {n}</span>",
        f"<figure><img src='/i{{n}}.jpg'><figcaption>{SHARED}</figcaption></figure>",
        f"<p>{SHARED}</p> suite {{n}} <em>x</em>", "<a href='/x'>lien {n}</a>",
    ]  # fmt: skip
    rnd = random.Random(5)
    base, title = "https://site.example/a/", "Titre 1"
    for _ in range(300):
        html = "".join(
            rnd.choice(parts).replace("{n}", str(rnd.randint(0, 9)))
            for _ in range(rnd.randint(1, 8))
        )
        keys = clean.prepare_tree(html, base, title, clean.image_name).keys
        for bp in ({*keys}, {*keys[:1]}, {*keys[-1:]}, {*rnd.sample(keys, len(keys) // 2)}):
            tree = clean.prepare_tree(html, base, title, clean.image_name)
            want = clean.clean_for_reading(tree.raw, None, tree.keys, bp, title)
            assert tree.reading_text(bp) == want[1], (html, bp)


@pytest.mark.parametrize("answer", ["304", "same feed"])
def test_a_304_that_expires_articles_counts_the_repeated_paragraphs_again(store, answer):
    """Old articles expiring on a 304 (or on the same feed again, from a server that sends no
    validators) take their paragraphs with them: a line that the remaining articles alone no
    longer repeat enough is shown in them again."""
    src = store.add_source("http://127.0.0.1:9/feed", "expire")
    store.set_retention(src.id, keep_count=300, keep_days=1000)
    old = [_article(i) for i in range(6)]
    for a in old:
        a.published = time.time() - 400 * 86400  # far beyond the retention below
    store.apply_update(_update(src.id, old))
    fresh = [_article(i, shared=i < 8) for i in range(6, 9)]  # two of three hold the line
    store.apply_update(_update(src.id, fresh))
    assert store.count_articles() == 9
    store.set_retention(src.id, keep_count=300, keep_days=30)  # the user keeps less now
    shared_text = clean.html_to_text(f"<p>{SHARED}</p>")
    ids = {a.title: a.id for a in store.list_articles(source_ids=[src.id])}
    assert shared_text not in store.get_article(ids["Titre 6"]).text  # repeated: left out
    # the feed answers 304: it lists what it listed last time (the three fresh ones); or it
    # comes whole and the same (its entries then come as a refresh sends known, unchanged ones)
    if answer == "304":
        update = SourceUpdate(src.id, [], None, None, 304, not_modified=True)
    else:
        same = [_article(i, shared=i < 8) for i in range(6, 9)]
        for a in same:
            a.raw_html = None
        update = _update(src.id, same)
    r = store.apply_update(update, now=time.time() + 60)
    assert r.pruned == 6
    assert sorted(a.title for a in store.list_articles(source_ids=[src.id])) == [
        "Titre 6", "Titre 7", "Titre 8",
    ]  # fmt: skip
    # two articles hold the line now: fewer than the three it takes to be boilerplate
    for title in ("Titre 6", "Titre 7"):
        art = store.get_article(ids[title])
        assert shared_text in art.text and SHARED in art.html
    assert store.count_articles(search="réseaux") == 2
    _assert_cleaned_with_final_set(store, src.id)
