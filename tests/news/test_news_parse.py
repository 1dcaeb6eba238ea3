"""Feeds read into entries: titles, links, guids, dates, bodies, authors, pictures and
warnings, for the shapes real feeds come in and the broken ones."""

from __future__ import annotations

import calendar
import random
import sys
import time
from pathlib import Path

import pytest
from newsfeeds import Item, atom, make_items, rdf, rss20

from maliradio.news import parse
from maliradio.news.parse import parse_feed

BENCH = Path(__file__).resolve().parents[2] / "bench"
URL = "http://127.0.0.1:8123/site/feed/"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml"
RDF = "application/rdf+xml"


def read(body: str | bytes, content_type: str = RSS, url: str = URL) -> parse.ParsedFeed:
    """The feed's entries, which it has (no error)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    p = parse_feed(data, url, content_type)
    assert p.error is None, p.error
    return p


def _items(n: int = 4, prefix: str = "Article", **kw):
    return make_items("http://127.0.0.1:8123", n, prefix, **kw)


# --- the test feeds ------------------------------------------------------------------------


@pytest.mark.parametrize("content_encoded", [False, True])
def test_rss20_is_read(content_encoded):
    p = read(rss20(_items(5, "Rss"), content_encoded=content_encoded))
    assert [e.title for e in p.entries] == [f"Rss {i}" for i in range(1, 6)]
    assert p.entries[0].guid == "urn:rss:1" and p.entries[0].link.endswith("/a/rss-1")
    assert all(e.published for e in p.entries) and p.warning == ""


def test_atom_is_read():
    p = read(atom(_items(4, "Atom")), ATOM)
    assert [e.title for e in p.entries] == [f"Atom {i}" for i in range(1, 5)]
    assert p.site_url == "urn:test:atom"  # no alternate link: the id stands for it


def test_rdf_is_read():
    p = read(rdf(_items(3, "Rdf")), RDF)
    assert [e.guid for e in p.entries] == [e.link for e in p.entries]  # rdf:about


def test_wordpress_feed_of_the_bench_is_read():
    sys.path.insert(0, str(BENCH))
    try:
        import corpus
    finally:
        sys.path.remove(str(BENCH))
    for index in range(3):
        body = corpus.rss_feed(index, "http://127.0.0.1:8123/")
        p = read(body, "application/rss+xml; charset=UTF-8")
        assert len(p.entries) == 30 and all(e.author.startswith("Rédaction") for e in p.entries)


def _rss(items_xml: str, channel: str = "", ns: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"'
        ' xmlns:atom="http://www.w3.org/2005/Atom" xmlns:wfw="http://wellformedweb.org/commentAPI/"'
        ' xmlns:slash="http://purl.org/rss/1.0/modules/slash/"'
        f' xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"{ns}>'
        "<channel><title>Le Journal &amp; Cie</title><link>https://journal.example/</link>"
        '<atom:link href="https://journal.example/feed/" rel="self" type="application/rss+xml"/>'
        f"<description>Actualité</description>{channel}{items_xml}</channel></rss>"
    )


def _atom(entries_xml: str, head: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">'
        '<title type="html">Le &lt;b&gt;Blog&lt;/b&gt;</title>'
        '<link rel="alternate" href="/blog/"/><link rel="self" href="/blog/atom.xml"/>'
        f"<id>tag:blog.example,2026:feed</id><updated>2026-09-21T10:00:00Z</updated>{head}"
        f"{entries_xml}</feed>"
    )


RSS_VARIANTS = {
    "wordpress": (
        "<item><title>Sécurité : la CEDEAO &#8211; réunion</title>"
        "<link>https://journal.example/2026/09/securite/</link>"
        "<comments>https://journal.example/2026/09/securite/#respond</comments>"
        "<dc:creator><![CDATA[Awa Traoré]]></dc:creator>"
        "<pubDate>Mon, 21 Sep 2026 10:00:00 +0000</pubDate>"
        "<category><![CDATA[Politique]]></category><category>Sahel</category>"
        '<guid isPermaLink="false">https://journal.example/?p=123</guid>'
        "<description><![CDATA[Résumé de l'article [&#8230;]]]></description>"
        "<content:encoded><![CDATA[<p>Le texte <b>complet</b>, avec "
        '<a href="/lien">un lien</a> et <img src="/photo.jpg">.</p>]]></content:encoded>'
        "<wfw:commentRss>https://journal.example/2026/09/securite/feed/</wfw:commentRss>"
        "<slash:comments>4</slash:comments>"
        '<post-id xmlns="com-wordpress:feed-additions:1">123</post-id>'
        "</item>"
    ),
    "relative_and_ampersands": (
        "<item><title>  Espaces   autour  </title><link> /a?x=1&amp;amp;y=2&amp;z;w </link>"
        "<guid>/permalien/7</guid><description>&lt;p&gt;Texte échappé&lt;/p&gt;</description>"
        "<pubDate>Tue, 1 Sep 2026 23:59:59 -0530</pubDate></item>"
    ),
    "permalink_guid_stands_for_the_link": (
        "<item><title>Sans lien</title><guid>https://journal.example/p/9</guid>"
        "<description>Court.</description></item>"
        "<item><guid>urn:uuid:1234</guid><description>Sans titre ni lien : "
        "le début du texte sert de titre.</description><pubDate>21 Sep 2026 08:00:00 GMT"
        "</pubDate></item>"
    ),
    "pictures": (
        "<item><title>Photo</title><link>https://journal.example/photo</link>"
        '<enclosure url="https://cdn.example/a.mp3" type="audio/mpeg" length="1"/>'
        '<enclosure url="/images/une.JPG" type="IMAGE/JPEG" length="2"/>'
        "<description>Avec enclosure.</description></item>"
        "<item><title>Média</title><link>https://journal.example/media</link>"
        '<media:content url="https://cdn.example/v.mp4" medium="video"/>'
        '<media:content url="/m/photo.png" type="image/png"/>'
        "<description>Avec media:content.</description></item>"
        "<item><title>Vignette</title><link>https://journal.example/vignette</link>"
        "<media:thumbnail> /m/vignette.jpg </media:thumbnail>"
        "<description>Avec media:thumbnail.</description></item>"
        "<item><title>Taille</title><link>https://journal.example/taille</link>"
        '<media:content url="/m/grande.jpg" medium="image" fileSize="123456"/>'
        "<description>Avec sa taille.</description></item>"
    ),
    "dates": (
        "<item><title>ISO</title><link>https://journal.example/iso</link>"
        "<dc:date>2026-09-21T10:00:00.123+02:00</dc:date><description>x</description></item>"
        "<item><title>Illisible</title><link>https://journal.example/ill</link>"
        "<pubDate>hier vers midi</pubDate><description>x</description></item>"
        "<item><title>Autre forme</title><link>https://journal.example/autre</link>"
        "<pubDate>Mon, 21 Sep 2026 10:00 EST</pubDate><description>x</description></item>"
        "<item><title>Date seule</title><link>https://journal.example/seule</link>"
        "<pubDate>2026-09-21</pubDate><description>x</description></item>"
        "<item><title>Deux dates</title><link>https://journal.example/deux</link>"
        "<pubDate>n'importe quoi</pubDate><dc:date>2026-09-20T07:30:00Z</dc:date>"
        "<description>x</description></item>"
    ),
    "mojibake_and_windows_1252": (
        f"<item><title>{'Été à Ségou'.encode().decode('latin-1')}</title>"
        "<link>https://journal.example/m</link>"
        "<description>Guillemets \u0093cp1252\u0094 et \u0085 points</description></item>"
    ),
    "longest_body_wins": (
        "<item><title>Résumé plus long</title><link>https://journal.example/r</link>"
        "<description>Un résumé nettement plus long que le contenu lui-même.</description>"
        "<content:encoded>Court</content:encoded></item>"
        "<item><title>Contenu seul</title><link>https://journal.example/c</link>"
        "<content:encoded><![CDATA[<p>Rien que le contenu.</p>]]></content:encoded></item>"
        "<item><title>Vide</title><link>https://journal.example/v</link>"
        "<description/></item>"
        "<item><title></title><link></link><description></description></item>"
    ),
}


@pytest.mark.parametrize("name", sorted(RSS_VARIANTS))
def test_rss_variants_is_read(name):
    read(_rss(RSS_VARIANTS[name]))


def test_rss_variants_read_as_expected():
    p = read(_rss("".join(RSS_VARIANTS.values())))
    by_title = {e.title: e for e in p.entries}
    wp = by_title["Sécurité : la CEDEAO – réunion"]
    assert wp.author == "Awa Traoré" and wp.guid == "https://journal.example/?p=123"
    assert "<b>complet</b>" in wp.html  # content:encoded beats the short description
    assert wp.published == calendar.timegm((2026, 9, 21, 10, 0, 0))
    assert by_title["Sans lien"].link == "https://journal.example/p/9"
    assert by_title["Photo"].image_url == "http://127.0.0.1:8123/images/une.JPG"
    assert by_title["Média"].image_url == "http://127.0.0.1:8123/m/photo.png"
    assert by_title["Vignette"].image_url == "http://127.0.0.1:8123/m/vignette.jpg"
    # the size the feed gives (the placeholder of a picture not downloaded shows it)
    assert by_title["Photo"].image_size == 2 and by_title["Taille"].image_size == 123456
    assert by_title["Média"].image_size is None and by_title["Vignette"].image_size is None
    assert by_title["Été à Ségou"].html == "Guillemets “cp1252” et … points"
    assert by_title["ISO"].published == calendar.timegm((2026, 9, 21, 8, 0, 0))
    assert by_title["Illisible"].published is None
    assert by_title["Deux dates"].published == calendar.timegm((2026, 9, 20, 7, 30, 0))
    assert "sans date lisible" in p.warning
    assert p.title == "Le Journal & Cie" and p.site_url == "https://journal.example/"


ATOM_VARIANTS = {
    "content_and_summary": (
        "<entry><title>Avec les deux</title><id>tag:blog.example,2026:1</id>"
        '<link href="/blog/1"/><link rel="replies" href="/blog/1#comments"/>'
        "<published>2026-09-21T10:00:00+01:00</published><updated>2026-09-22T10:00:00Z</updated>"
        "<author><name>Moussa Diarra</name><email>moussa@blog.example</email></author>"
        '<summary>Le résumé &amp; plus.</summary><content type="html">&lt;p&gt;Le contenu '
        "complet de l'article, bien plus long.&lt;/p&gt;</content>"
        '<category term="sahel"/></entry>'
    ),
    "text_content_is_escaped": (
        "<entry><title>Texte brut</title><id>tag:blog.example,2026:2</id>"
        '<link rel="alternate" type="text/html" href="https://blog.example/2"/>'
        "<updated>2026-09-21T10:00:00Z</updated><author><name>Awa</name></author>"
        "<content>Premier paragraphe &lt;pas une balise&gt;.\n\nSecond paragraphe.</content>"
        "</entry>"
    ),
    "summary_only_and_no_link": (
        "<entry><title type='text'>Résumé seul</title><id>urn:uuid:0001</id>"
        "<updated>2026-09-21T10:00:00-04:00</updated>"
        '<summary type="html">&lt;p&gt;Le résumé.&lt;/p&gt;</summary>'
        '<link rel="enclosure" type="image/jpeg" href="/img/e.jpg" length="98765"/>'
        "<author><email>anonyme@blog.example</email></author></entry>"
    ),
    "media_thumbnail": (
        "<entry><title>Vignette</title><id>tag:blog.example,2026:3</id>"
        '<link href="https://blog.example/3"/><updated>2026-09-21T10:00:00Z</updated>'
        '<media:thumbnail url="https://cdn.example/t.jpg" width="120"/>'
        "<content type='html'>&lt;p&gt;x&lt;/p&gt;</content></entry>"
    ),
}


@pytest.mark.parametrize("name", sorted(ATOM_VARIANTS))
def test_atom_variants_is_read(name):
    read(_atom(ATOM_VARIANTS[name]), ATOM)


def test_atom_variants_read_as_expected():
    p = read(_atom("".join(ATOM_VARIANTS.values())), ATOM)
    assert p.title == "Le Blog" and p.site_url == "http://127.0.0.1:8123/blog/"
    both, text, summary, thumb = p.entries
    assert both.author == "Moussa Diarra (moussa@blog.example)"
    assert both.link == "http://127.0.0.1:8123/blog/1" and "complet" in both.html
    assert both.published == calendar.timegm((2026, 9, 21, 9, 0, 0))
    assert text.html.startswith("<p>Premier paragraphe &lt;pas une balise&gt;.</p>")
    assert summary.link == "urn:uuid:0001" and summary.author == "anonyme@blog.example"
    assert summary.image_url == "http://127.0.0.1:8123/img/e.jpg"
    assert summary.image_size == 98765
    assert thumb.image_url == "https://cdn.example/t.jpg"


def test_random_feeds_is_read():
    """Feeds assembled at random from the parts above: every entry read, whatever the mix."""
    rnd = random.Random(7)
    parts = list(RSS_VARIANTS.values())
    for _ in range(25):
        read(_rss("".join(rnd.sample(parts, rnd.randint(1, len(parts))))))
    parts = list(ATOM_VARIANTS.values())
    for _ in range(10):
        read(_atom("".join(rnd.sample(parts, rnd.randint(1, len(parts))))), ATOM)


def test_ascii_feed_served_as_text_xml_is_read():
    body = rss20(_items(2, "Ascii", body=lambda i: f"<p>Texte {i}</p>"))
    read(body, "text/xml")


# --- unusual and broken feeds ----------------------------------------------------------


def test_latin1_declared_as_utf8_is_read_with_a_warning():
    items = [Item(1, "Été à Ségou", "<p>Café</p>", "http://127.0.0.1:8123/a/1", "g1", time.time())]
    body = rss20(items).encode("latin-1")
    assert len(read(body).entries) == 1
    assert "ncodage" in parse_feed(body, URL, RSS).warning


def test_malformed_xml_keeps_the_entries_it_can_read():
    xml = rss20(_items(3, "Casse")).replace("<title>Casse 2</title>", "<title>Casse 2 & co</title>")
    assert len(read(xml.replace("</channel></rss>", "</channel>")).entries) == 3
    p = parse_feed(xml.encode(), URL, RSS)
    assert len(p.entries) == 3 and "mal formé" in p.warning


def test_html_page_and_empty_answers_are_errors():
    page = (
        "<!doctype html><html><head><title>Accueil</title>"
        '<link rel="alternate" type="application/rss+xml" href="/flux"></head><body></body></html>'
    )
    p = parse_feed(page.encode(), URL, "text/html")
    assert "page web" in (p.error or "") and p.alternates == ["http://127.0.0.1:8123/flux"]
    assert parse_feed(b"  \n", URL, RSS).error


def test_empty_feed_reads_the_same():
    p = read(rss20([]))
    assert p.entries == [] and "aucun article" in p.warning


@pytest.mark.parametrize(
    "body,content_type",
    [
        (rss20(_items(2)), "text/plain"),  # not an XML media type: feedparser warns
        (rss20(_items(2)), ""),
        (rss20(_items(2)).replace('encoding="utf-8"', 'encoding="iso-8859-1"'), RDF),
        (
            rss20(_items(2)).replace("<rss", '<!DOCTYPE rss [<!ENTITY nbsp "&#160;">]><rss'),
            RSS,
        ),
        (rss20(_items(2)).replace("<channel>", '<channel xml:base="http://autre.example/">'), RSS),
        (
            _atom(
                "<entry><title type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"
                "<b>X</b></div></title><id>x</id></entry>"
            ),
            ATOM,
        ),  # fmt: skip
        (
            _atom(
                "<entry><title>X</title><content type='xhtml'>"
                "<div xmlns='http://www.w3.org/1999/xhtml'><p>x</p></div></content></entry>"
            ),
            ATOM,
        ),  # fmt: skip
        (_rss("<item><title>Un</title><title>Deux</title></item>"), RSS),
        (
            _rss(
                "<item><title>A</title><itunes:summary>B</itunes:summary></item>",
                ns=' xmlns:itunes="http://www.itunes.com/DTDs/PodCast-1.0.dtd"',
            ),
            RSS,
        ),  # fmt: skip
        (
            _rss(
                "<item><title>A</title><media:group><media:content url='/x.jpg'/>"
                "</media:group></item>"
            ),
            RSS,
        ),  # fmt: skip
        (_rss("<item><title>A</title><source url='http://x/'>X</source></item>"), RSS),
        (_rss("<item><title>A</title><atom:link rel='alternate' href='/x'/></item>"), RSS),
        (
            _rss(
                "<item><title>A</title><description><p>Du HTML non échappé</p></description></item>"
            ),
            RSS,
        ),  # fmt: skip
        (_rss("<item><title>A</title><summary xmlns='urn:x'>B</summary></item>"), RSS),
        (
            _rss(
                '<item rdf:about="urn:a" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                "<title>A</title></item>"
            ),
            RSS,
        ),  # fmt: skip
        (_rss("<item><title>A</title></item>").replace("<channel>", "<channel><item><x/>"), RSS),
        (
            '<?xml version="1.1" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
            "<item><title>A</title></item></channel></rss>",
            RSS,
        ),  # fmt: skip
        (b"\xff\xfe" + rss20(_items(1)).encode("utf-16-le"), RSS),
    ],
)
def test_unusual_feeds_give_their_entries(body, content_type):
    assert read(body, content_type).entries
