"""The two feed readers agree: every test feed read by the lxml fast path gives exactly what
feedparser gives (titles, links, guids, dates, bodies, authors, pictures, warnings), and every
feed the fast path does not fully understand is left to feedparser, problems included."""

from __future__ import annotations

import calendar
import html
import random
import sys
import time
from pathlib import Path

import pytest
from newsfeeds import Item, atom, make_items, rdf, rss20

from maliradio.news import parse
from maliradio.news.parse import parse_feed, parse_feed_feedparser, parse_feed_lxml

BENCH = Path(__file__).resolve().parents[2] / "bench"
URL = "http://127.0.0.1:8123/site/feed/"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml"
RDF = "application/rdf+xml"


def _fields(p: parse.ParsedFeed):
    return {
        "title": p.title,
        "site_url": p.site_url,
        "warning": p.warning,
        "error": p.error,
        "alternates": p.alternates,
        "entries": [e.__dict__ for e in p.entries],
    }


def _both(body: str | bytes, content_type: str = RSS, url: str = URL):
    data = body.encode("utf-8") if isinstance(body, str) else body
    return parse_feed_lxml(data, url, content_type), parse_feed_feedparser(data, url, content_type)


def assert_same(body: str | bytes, content_type: str = RSS, url: str = URL) -> parse.ParsedFeed:
    """The fast path reads this feed, exactly as feedparser does."""
    fast, slow = _both(body, content_type, url)
    assert fast is not None, "the fast path should read this feed"
    assert _fields(fast) == _fields(slow)
    return fast


def assert_left_to_feedparser(body: str | bytes, content_type: str = RSS) -> None:
    fast, slow = _both(body, content_type)
    assert fast is None, "the fast path should leave this feed to feedparser"
    data = body.encode("utf-8") if isinstance(body, str) else body
    assert _fields(parse_feed(data, URL, content_type)) == _fields(slow)


def _items(n: int = 4, prefix: str = "Article", **kw):
    return make_items("http://127.0.0.1:8123", n, prefix, **kw)


# --- the test feeds, through both paths --------------------------------------------------


@pytest.mark.parametrize("content_encoded", [False, True])
def test_rss20_both_paths(content_encoded):
    p = assert_same(rss20(_items(5, "Rss"), content_encoded=content_encoded))
    assert [e.title for e in p.entries] == [f"Rss {i}" for i in range(1, 6)]
    assert p.entries[0].guid == "urn:rss:1" and p.entries[0].link.endswith("/a/rss-1")
    assert all(e.published for e in p.entries) and p.warning == ""


def test_atom_both_paths():
    p = assert_same(atom(_items(4, "Atom")), ATOM)
    assert [e.title for e in p.entries] == [f"Atom {i}" for i in range(1, 5)]
    assert p.site_url == "urn:test:atom"  # no alternate link: the id stands for it


def test_rdf_both_paths():
    p = assert_same(rdf(_items(3, "Rdf")), RDF)
    assert [e.guid for e in p.entries] == [e.link for e in p.entries]  # rdf:about


def test_wordpress_feed_of_the_bench_both_paths():
    sys.path.insert(0, str(BENCH))
    try:
        import corpus
    finally:
        sys.path.remove(str(BENCH))
    for index in range(3):
        body = corpus.rss_feed(index, "http://127.0.0.1:8123/")
        p = assert_same(body, "application/rss+xml; charset=UTF-8")
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
def test_rss_variants_both_paths(name):
    assert_same(_rss(RSS_VARIANTS[name]))


def test_rss_variants_read_as_expected():
    p = assert_same(_rss("".join(RSS_VARIANTS.values())))
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
def test_atom_variants_both_paths(name):
    assert_same(_atom(ATOM_VARIANTS[name]), ATOM)


def test_atom_variants_read_as_expected():
    p = assert_same(_atom("".join(ATOM_VARIANTS.values())), ATOM)
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


def test_random_feeds_both_paths():
    """Feeds assembled at random from the parts above: same result, whatever the mix."""
    rnd = random.Random(7)
    parts = list(RSS_VARIANTS.values())
    for _ in range(25):
        assert_same(_rss("".join(rnd.sample(parts, rnd.randint(1, len(parts))))))
    parts = list(ATOM_VARIANTS.values())
    for _ in range(10):
        assert_same(_atom("".join(rnd.sample(parts, rnd.randint(1, len(parts))))), ATOM)


def test_ascii_feed_served_as_text_xml_both_paths():
    body = rss20(_items(2, "Ascii", body=lambda i: f"<p>Texte {i}</p>"))
    assert_same(body, "text/xml")


# --- what the fast path leaves to feedparser --------------------------------------------


def test_latin1_declared_as_utf8_is_left_to_feedparser():
    items = [Item(1, "Été à Ségou", "<p>Café</p>", "http://127.0.0.1:8123/a/1", "g1", time.time())]
    body = rss20(items).encode("latin-1")
    assert_left_to_feedparser(body)
    assert "ncodage" in parse_feed(body, URL, RSS).warning


def test_malformed_xml_is_left_to_feedparser():
    xml = rss20(_items(3, "Casse")).replace("<title>Casse 2</title>", "<title>Casse 2 & co</title>")
    assert_left_to_feedparser(xml.replace("</channel></rss>", "</channel>"))
    p = parse_feed(xml.encode(), URL, RSS)
    assert len(p.entries) == 3 and "mal formé" in p.warning


def test_html_page_and_empty_answers_are_left_to_feedparser():
    page = (
        "<!doctype html><html><head><title>Accueil</title>"
        '<link rel="alternate" type="application/rss+xml" href="/flux"></head><body></body></html>'
    )
    assert_left_to_feedparser(page, "text/html; charset=utf-8")
    p = parse_feed(page.encode(), URL, "text/html")
    assert "page web" in (p.error or "") and p.alternates == ["http://127.0.0.1:8123/flux"]
    assert parse_feed(b"  \n", URL, RSS).error
    assert parse_feed_lxml(b"", URL, RSS) is None


def test_empty_feed_reads_the_same():
    p = assert_same(rss20([]))
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
def test_unusual_feeds_are_left_to_feedparser(body, content_type):
    assert_left_to_feedparser(body, content_type)


def test_a_fast_path_bug_falls_back_to_feedparser(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(parse, "_rss_item", broken)
    body = rss20(_items(2, "Secours")).encode()
    assert parse_feed_lxml(body, URL, RSS) is None
    assert [e.title for e in parse_feed(body, URL, RSS).entries] == ["Secours 1", "Secours 2"]


def test_well_formed_feeds_do_not_go_through_feedparser(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("feedparser should not be needed")

    monkeypatch.setattr(parse, "parse_feed_feedparser", refuse)
    for body, ct in ((rss20(_items(3)), RSS), (atom(_items(2)), ATOM), (rdf(_items(2)), RDF)):
        assert len(parse_feed(body.encode(), URL, ct).entries) in (2, 3)


# --- dates -----------------------------------------------------------------------------


def test_dates_read_like_feedparser():
    from feedparser.datetimes import _parse_date

    h = parse._get_helpers()
    assert h is not None
    reader = parse._Reader(h, URL, "")
    rnd = random.Random(3)
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    samples = []
    for _ in range(400):
        t = time.gmtime(rnd.randint(0, 2_200_000_000))
        off = rnd.choice(["GMT", "UT", "UTC", "Z", "+0000", "-0000", "+0530", "-0930", "+1400"])
        samples.append(
            f"{rnd.choice(days)}, {t.tm_mday:0{rnd.choice((1, 2))}d} {months[t.tm_mon - 1]} "
            f"{t.tm_year} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} {off}"
        )
        iso_off = rnd.choice(["Z", "+00:00", "-05:00", "+05:45", "+14:00"])
        frac = rnd.choice(["", ".5", ".123456"])
        samples.append(
            f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:"
            f"{t.tm_sec:02d}{frac}{iso_off}"
        )
    samples += [
        "Mon, 31 Feb 2026 10:00:00 GMT",  # no such day
        "Mon, 21 Sep 2026 24:00:00 GMT",
        "Mon, 21 Sep 2026 10:00:60 GMT",
        "2026-02-30T10:00:00Z",
        "2026-09-21T10:00:00+0530",  # feedparser's own reading of this is kept
        "2026-09-21T10:00:00",
        "2026-09-21",
        "21 Sep 26 10:00 EST",
        "Sunday, 20-Sep-26 10:00:00 GMT",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "",
        "demain",
    ]
    for s in samples:
        el = _element(s)
        want = _parse_date(s)
        expected = float(calendar.timegm(want)) if want else None
        assert reader.date(el) == expected, s


def _element(text: str):
    import lxml.etree

    el = lxml.etree.Element("pubDate")
    el.text = html.unescape(text)
    return el


def test_the_copies_of_feedparser_tables_still_match_it():
    """The fast path carries copies of feedparser's tables (not to load feedparser in every
    worker process); a feedparser upgrade that changes them must be noticed here."""
    from feedparser import urls
    from feedparser.html import _cp1252
    from feedparser.mixin import _FeedParserMixin

    assert parse._NAMESPACES == {k.lower(): v for k, v in _FeedParserMixin.namespaces.items()}
    handled = {
        n.split("_", 2)[2] for n in dir(_FeedParserMixin) if n.startswith(("_start_", "_end_"))
    }
    assert parse._HANDLED == handled
    assert {k: chr(v) for k, v in parse._CP1252.items()} == _cp1252
    assert parse._URI_SCHEMES == set(urls.ACCEPTABLE_URI_SCHEMES)
    bases = ["http://127.0.0.1:8123/site/feed/", "https://x.example/a/b?c=1", "", "ftp://f/x"]
    rels = ["", "/a", "b/c?d=1&e=2", "http:///triple", "javascript:alert(1)", "//cdn.x/y",
            "tag:blog.example,2026:1", "urn:uuid:1", "HTTP://X/Y", "..", "http://[::1",
            "#frag", "https://x.example/p?", "http://x.example/a#", "http://x.example/\ta",
            "https://x.example/a/../b?q=1#f", "http://[::1]:8080/x"]  # fmt: skip
    for base in bases:
        for rel in rels:
            assert parse._fp_urljoin(base, rel) == urls._urljoin(base, rel), (base, rel)
            want = urls.make_safe_absolute_uri(base, rel)
            assert parse._fp_safe_absolute(base, rel) == want, (base, rel)
        assert parse._fp_safe_absolute(base) == urls.make_safe_absolute_uri(base)
