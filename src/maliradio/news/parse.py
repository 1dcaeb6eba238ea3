"""Feed bytes -> entries. Problems become a warning or an error string, never an exception:
a malformed feed whose entries could be read still gives them.

Two readers give the same entries:

- a fast path with lxml for the common case: a well-formed RSS 2.0, RSS 1.0 (RDF) or Atom 1.0
  document in UTF-8 (or ASCII), served with an XML media type, whose items hold only elements
  whose meaning it knows (title, link, guid/id, dates, description/summary, content:encoded /
  content, author / dc:creator, enclosures, media:content / media:thumbnail, categories and
  harmless extensions). It reproduces feedparser's reading of those elements exactly (URL
  resolution, whitespace, the UTF-8-read-as-Latin-1 repair, windows-1252 code points, which
  body wins, dates);
- feedparser for everything else: any XML error, another encoding or media type (and the
  warnings that go with them), an HTML page, a DOCTYPE, xml:base, XHTML content, unknown
  elements that feedparser would read, a repeated field... It never touches the network here:
  it is given bytes and the response headers.
"""

from __future__ import annotations

import datetime
import hashlib
import html as htmlmod
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from maliradio.news import clean

# Below this much text, the feed only gives a summary: the article page is worth fetching.
SUMMARY_ONLY_CHARS = 500


@dataclass
class ParsedEntry:
    guid: str
    link: str
    title: str
    author: str
    published: float | None
    html: str  # as the feed gave it (unsanitized)
    summary_only: bool
    content_hash: str
    image_url: str = ""  # media:thumbnail / enclosure, when the content has no picture
    image_size: int | None = None  # its size in bytes, as the feed says (length, fileSize)


@dataclass
class ParsedFeed:
    title: str = ""
    site_url: str = ""
    entries: list[ParsedEntry] = field(default_factory=list)
    warning: str = ""
    error: str | None = None  # set when this is not a usable feed at all
    alternates: list[str] = field(default_factory=list)  # for an HTML page: its feed links


_TAG = re.compile(r"<[^>]+>")


def _plain(text: str) -> str:
    text = _TAG.sub(" ", text or "")
    return " ".join(htmlmod.unescape(text).split())


def _has_text(html: str, n: int) -> bool:
    """Whether `_plain(html)` is at least `n` characters long, reading no more of `html` than
    it takes. `_plain` never lengthens what it is given, and what it gives for a beginning of
    `html` cut just after a ">" begins what it gives for the whole."""
    if len(html) < n:
        return False
    cut = html.find(">", 2 * n)
    if cut != -1 and len(_plain(html[: cut + 1])) >= n:
        return True
    return len(_plain(html)) >= n


_EPOCH_DAY = datetime.date(1970, 1, 1).toordinal()


def _timegm(t: Any) -> int:
    """`calendar.timegm` (seconds since the epoch of a UTC time tuple), without importing
    `calendar` (and `locale` with it) into every worker process."""
    year, month, day, hh, mm, ss = t[:6]
    days = datetime.date(year, month, 1).toordinal() - _EPOCH_DAY + day - 1
    return ((days * 24 + hh) * 60 + mm) * 60 + ss


def _timestamp(entry: Any) -> float | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(entry, key)  # plain get: no feedparser key-fallback warning
        if value:
            try:
                return float(_timegm(value))
            except (TypeError, ValueError, OverflowError):
                continue
    return None


def _best_content(entry: Any) -> tuple[str, bool]:
    """(html, is_plain_text) of the richest body the entry has."""
    best, plain = "", False
    for c in entry.get("content") or []:
        value = c.get("value") or ""
        if len(value) > len(best):
            best, plain = value, (c.get("type") == "text/plain")
    summary = entry.get("summary") or ""
    if len(summary) > len(best):
        detail = entry.get("summary_detail") or {}
        best, plain = summary, (detail.get("type") == "text/plain")
    return best, plain


def _image_url(entry: Any, base: str) -> tuple[str, int | None]:
    """The picture the feed names for the entry, and its size when the feed says it."""
    for key in ("media_content", "media_thumbnail"):
        for m in entry.get(key) or []:
            url = m.get("url") or ""
            medium = m.get("medium") or m.get("type") or "image"
            if url and "image" in medium:
                return urljoin(base, str(url)), _size(m.get("filesize"))
    for enc in entry.get("enclosures") or []:
        if (enc.get("type") or "").startswith("image/") and enc.get("href"):
            return urljoin(base, str(enc["href"])), _size(enc.get("length"))
    return "", None


def _size(value: Any) -> int | None:
    """A size attribute (an enclosure's length, media:content's fileSize): bytes, or None when
    absent or not a number (0 included: feeds write it for "unknown")."""
    text = str(value or "").strip()
    return (int(text) or None) if text.isascii() and text.isdigit() and len(text) < 13 else None


def looks_like_html(body: bytes, content_type: str) -> bool:
    head = body[:2048].lstrip().lower()
    return "html" in content_type.lower() or head.startswith((b"<!doctype html", b"<html"))


def feed_links(page: bytes | str, base_url: str) -> list[str]:
    """Autodiscovery: the page's <link rel="alternate" type="application/rss+xml|atom+xml">
    targets, absolute, comment feeds last."""
    from html.parser import HTMLParser

    found: list[tuple[int, str]] = []

    class P(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag != "link":
                return
            a = {k.lower(): (v or "") for k, v in attrs}
            rels = a.get("rel", "").lower().split()
            kind = a.get("type", "").lower().split(";")[0].strip()
            if "alternate" in rels and kind in (
                "application/rss+xml",
                "application/atom+xml",
                "application/rdf+xml",
                "application/feed+json",
            ):
                href = a.get("href", "").strip()
                if href and kind != "application/feed+json":
                    title = a.get("title", "").lower()
                    rank = 1 if ("comment" in title or "commentaire" in title) else 0
                    found.append((rank, urljoin(base_url, href)))

    text = page.decode("utf-8", "replace") if isinstance(page, bytes) else page
    try:
        p = P()
        p.feed(text[:500_000])
        p.close()
    except Exception:  # noqa: BLE001 - broken HTML gives what was found so far
        pass
    out: list[str] = []
    for _, url in sorted(found, key=lambda x: x[0]):
        if url not in out and urlsplit(url).scheme in ("http", "https"):
            out.append(url)
    return out


def parse_feed(body: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Entries of a feed: the lxml fast path when the document is one it fully understands,
    else feedparser."""
    if not body.strip():
        result = ParsedFeed()
        result.error = "Réponse vide du serveur (aucun flux reçu)"
        return result
    if _expanding_entities(body, content_type):
        result = ParsedFeed()
        result.error = (
            "Flux refusé : il déclare des entités XML qui multiplieraient sa taille"
            " (de quoi saturer la mémoire : attaque « billion laughs »)"
        )
        return result
    fast = parse_feed_lxml(body, url, content_type)
    if fast is not None:
        return fast
    return parse_feed_feedparser(body, url, content_type)


_ENTITY_VALUE = re.compile(rb"""<!ENTITY\s+(?:%\s+)?\S+\s+(?:"([^"]*)"|'([^']*)')""")
_CHAR_REF = re.compile(rb"&#\w+;")
MAX_ENTITY_VALUE = 16  # bytes: a few characters


def _expanding_entities(body: bytes, content_type: str) -> bool:
    """Whether the feed declares entities that would multiply its size: made of other
    entities (ten of ten of ten... make a billion) or long (each `&a;` of 3 bytes then stands
    for a long text). Feeds that declare some declare a character (`&#160;`) or a short word.
    feedparser drops the nested ones, but keeps long ones and, once expat has refused to
    expand them all, its lenient parser does (a feed of 56 KB became an article of 100 MB).

    Looked for where feedparser reads declarations: before the first element, in UTF-8."""
    view = body
    if not _ascii_compatible(body, content_type):
        try:
            from feedparser.encodings import convert_to_utf8

            view = convert_to_utf8({"content-type": content_type}, body, {})
        except Exception:  # noqa: BLE001 - feedparser will not read it either
            pass
    m = _FIRST_ELEMENT.search(view)
    for decl in _ENTITY_VALUE.finditer(view, 0, m.start() if m else len(view)):
        value = decl.group(1) if decl.group(1) is not None else decl.group(2)
        if not _CHAR_REF.fullmatch(value) and (b"&" in value or len(value) > MAX_ENTITY_VALUE):
            return True
    return False


def _ascii_compatible(body: bytes, content_type: str) -> bool:
    """Whether `<!ENTITY` would appear as such in these bytes (not UTF-16, UTF-32, EBCDIC)."""
    if b"\x00" in body[:4] or body[:2] in (b"\xfe\xff", b"\xff\xfe") or body[:2] == b"\x4c\x6f":
        return False
    charset = content_type.partition("charset=")[2].split(";")[0].strip(" \"'")
    try:
        return not charset or "<!ENTITY".encode(charset) == b"<!ENTITY"
    except (LookupError, UnicodeError):
        return True


def _entry(
    result: ParsedFeed,
    base: str,
    *,
    title: str,
    link: str,
    guid: str,
    body_html: str,
    plain: bool,
    published: float | None,
    author: str,
    image_url: tuple[str, int | None],
) -> bool:
    """Append one entry: the same last steps for both readers. False when the entry is empty
    (then skipped)."""
    title = _plain(title)
    link = link.strip()
    if link:
        link = clean.absolute_url(base, link)
    guid = guid.strip()
    if plain:
        body_html = clean.escape_text(body_html)
    if not (title or link or body_html):
        return False
    if not title:
        title = _plain(body_html)[:120] or link
    digest = hashlib.sha1(
        "\x00".join((title, link, body_html)).encode("utf-8", "replace")
    ).hexdigest()
    result.entries.append(
        ParsedEntry(
            guid=guid,
            link=link,
            title=title,
            author=_plain(author),
            published=published,
            html=body_html,
            summary_only=not _has_text(body_html, SUMMARY_ONLY_CHARS),
            content_hash=digest,
            image_url=image_url[0],
            image_size=image_url[1],
        )
    )
    return True


def _finish(result: ParsedFeed, warnings: list[str], bad_dates: int) -> ParsedFeed:
    if bad_dates:
        warnings.append(f"{bad_dates} article(s) sans date lisible (date de réception utilisée)")
    result.warning = " ; ".join(warnings)
    return result


def parse_feed_feedparser(body: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """The feedparser reader (any feed, however broken)."""
    import feedparser

    result = ParsedFeed()
    if not body.strip():
        result.error = "Réponse vide du serveur (aucun flux reçu)"
        return result
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    try:
        d = feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            sanitize_html=False,  # nh3 does it, keeping lazy-loading image attributes
            resolve_relative_uris=False,  # prepare_html resolves links itself (faster)
        )
    except Exception as exc:  # noqa: BLE001 - a parser crash is a feed error, not ours
        result.error = f"Flux illisible ({type(exc).__name__})"
        return result
    entries = d.get("entries") or []
    version = d.get("version") or ""
    feed = d.get("feed") or {}
    result.title = _plain(feed.get("title") or "")
    result.site_url = feed.get("link") or ""
    if not entries and not version:
        if looks_like_html(body, content_type):
            result.alternates = feed_links(body, url)
            result.error = "L'adresse renvoie une page web, pas un flux d'actualités"
        else:
            problem = d.get("bozo_exception")
            result.error = f"Flux illisible : {problem}" if problem else "Flux illisible"
        return result
    warnings = []
    if d.get("bozo"):
        problem = d.get("bozo_exception")
        name = type(problem).__name__ if problem else ""
        if name == "CharacterEncodingOverride":
            warnings.append(f"Encodage du flux mal déclaré ; lu comme {d.get('encoding', '?')}")
        elif name in ("NonXMLContentType",):
            warnings.append("Le serveur n'annonce pas un type de flux")
        elif name:
            warnings.append(f"Flux mal formé ({problem}) ; les articles lisibles sont gardés")
    if not entries:
        warnings.append("Le flux ne contient aucun article")
    base = d.get("href") or url
    bad_dates = 0
    for e in entries:
        body_html, plain = _best_content(e)
        published = _timestamp(e)
        if (
            _entry(
                result,
                base,
                title=e.get("title") or "",
                link=e.get("link") or "",
                guid=e.get("id") or "",
                body_html=body_html,
                plain=plain,
                published=published,
                author=e.get("author") or "",
                image_url=_image_url(e, base),
            )
            and published is None
        ):
            bad_dates += 1
    return _finish(result, warnings, bad_dates)


# --- the lxml fast path -------------------------------------------------------------------

_ATOM = "http://www.w3.org/2005/Atom"
_RSS10 = "http://purl.org/rss/1.0/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_ABOUT = f"{{{_RDF}}}about"
_XML_NS = "{http://www.w3.org/XML/1998/namespace}"
_XML_APP_TYPES = (
    "application/xml",
    "application/xml-dtd",
    "application/xml-external-parsed-entity",
)
_XML_TEXT_TYPES = ("text/xml", "text/xml-external-parsed-entity")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_XML_PI_ENCODING = re.compile(rb"""^<\?.*encoding=['"](.*?)['"].*\?>""")
_XML_PI_VERSION = re.compile(rb"""^<\?xml[^>]*version\s*=\s*['"]1\.0['"]""")
_FIRST_ELEMENT = re.compile(rb"<\w")
# xml:base, base: other URL bases. The pattern starts with a literal (a fast scan); the byte
# before it is checked apart: a whitespace or a colon.
_BASE_ATTRIBUTE = re.compile(rb"""base\s*=\s*['"]""")
_AMP_ENTITY = re.compile("&([A-Za-z0-9_]+);")
# What windows-1252 puts printable characters at (U+0080..U+009F), searched in the UTF-8 form:
# a literal first byte makes the scan several times faster than a character class.
_C1_CONTROLS_UTF8 = re.compile(b"\xc2[\x80-\x9f]")


def _has_base_attribute(body: bytes) -> bool:
    for m in _BASE_ATTRIBUTE.finditer(body):
        if m.start() and body[m.start() - 1] in b" \t\n\r\x0b\x0c:":
            return True
    return False


_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) "
    r"(\d{2}):(\d{2}):(\d{2}) (GMT|UTC|UT|Z|[+-]\d{4})"
)
_ISO8601 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}:\d{2})"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


# the entry keys the feedparser reader uses, and the names feedparser stores under them
_ENTRY_KEYS = {
    "title", "link", "links", "id", "content", "summary", "summary_detail", "author",
    "enclosures", "media_content", "media_thumbnail", "published_parsed", "updated_parsed",
    "created_parsed",
}  # fmt: skip
_KEYMAP = {
    "guid": "id", "description": "summary", "description_detail": "summary_detail",
    "date_parsed": "updated_parsed", "modified_parsed": "updated_parsed",
    "issued_parsed": "published_parsed",
}  # fmt: skip


class _Unusual(Exception):
    """Something the fast path does not reproduce: feedparser reads this feed."""


# feedparser's own tables, copied so that the fast path does not load feedparser (a tenth of a
# second per worker process); test_news_parse.py checks that they still match it
_NAMESPACES = {  # feedparser's namespace URIs (lowercased) -> its prefixes
    "": "",
    "http://backend.userland.com/rss": "",
    "http://blogs.law.harvard.edu/tech/rss": "",
    "http://purl.org/rss/1.0/": "",
    "http://my.netscape.com/rdf/simple/0.9/": "",
    "http://example.com/newformat#": "",
    "http://example.com/necho": "",
    "http://purl.org/echo/": "",
    "uri/of/echo/namespace#": "",
    "http://purl.org/pie/": "",
    "http://purl.org/atom/ns#": "",
    "http://www.w3.org/2005/atom": "",
    "http://purl.org/rss/1.0/modules/rss091#": "",
    "http://webns.net/mvcb/": "admin",
    "http://purl.org/rss/1.0/modules/aggregation/": "ag",
    "http://purl.org/rss/1.0/modules/annotate/": "annotate",
    "http://media.tangent.org/rss/1.0/": "audio",
    "http://backend.userland.com/blogchannelmodule": "blogChannel",
    "http://creativecommons.org/ns#license": "cc",
    "http://web.resource.org/cc/": "cc",
    "http://cyber.law.harvard.edu/rss/creativecommonsrssmodule.html": "creativeCommons",
    "http://backend.userland.com/creativecommonsrssmodule": "creativeCommons",
    "http://purl.org/rss/1.0/modules/company": "co",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://my.theinfo.org/changed/1.0/rss/": "cp",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://purl.org/rss/1.0/modules/email/": "email",
    "http://purl.org/rss/1.0/modules/event/": "ev",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
    "http://freshmeat.net/rss/fm/": "fm",
    "http://xmlns.com/foaf/0.1/": "foaf",
    "http://www.w3.org/2003/01/geo/wgs84_pos#": "geo",
    "http://www.georss.org/georss": "georss",
    "http://www.opengis.net/gml": "gml",
    "http://postneo.com/icbm/": "icbm",
    "http://purl.org/rss/1.0/modules/image/": "image",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://example.com/dtds/podcast-1.0.dtd": "itunes",
    "http://purl.org/rss/1.0/modules/link/": "l",
    "http://search.yahoo.com/mrss": "media",
    "http://search.yahoo.com/mrss/": "media",
    "http://madskills.com/public/xml/rss/module/pingback/": "pingback",
    "http://prismstandard.org/namespaces/1.2/basic/": "prism",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs",
    "http://purl.org/rss/1.0/modules/reference/": "ref",
    "http://purl.org/rss/1.0/modules/richequiv/": "reqv",
    "http://purl.org/rss/1.0/modules/search/": "search",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://schemas.xmlsoap.org/soap/envelope/": "soap",
    "http://purl.org/rss/1.0/modules/servicestatus/": "ss",
    "http://hacks.benhammersley.com/rss/streaming/": "str",
    "http://purl.org/rss/1.0/modules/subscription/": "sub",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://schemas.pocketsoap.com/rss/mydescmodule/": "szf",
    "http://purl.org/rss/1.0/modules/taxonomy/": "taxo",
    "http://purl.org/rss/1.0/modules/threading/": "thr",
    "http://purl.org/rss/1.0/modules/textinput/": "ti",
    "http://madskills.com/public/xml/rss/module/trackback/": "trackback",
    "http://wellformedweb.org/commentapi/": "wfw",
    "http://purl.org/rss/1.0/modules/wiki/": "wiki",
    "http://www.w3.org/1999/xhtml": "xhtml",
    "http://www.w3.org/1999/xlink": "xlink",
    "http://www.w3.org/xml/1998/namespace": "xml",
    "http://podlove.org/simple-chapters": "psc",
}
_HANDLED = {  # the element names feedparser has a handler for
    "abstract", "author", "body", "category", "cc_license", "channel", "cloud", "content",
    "content_encoded", "contributor", "copyright", "created", "creativeCommons_license",
    "creativecommons_license", "dc_author", "dc_contributor", "dc_creator", "dc_date",
    "dc_description", "dc_language", "dc_publisher", "dc_rights", "dc_subject", "dc_title",
    "dcterms_created", "dcterms_issued", "dcterms_modified", "dcterms_valid", "description",
    "email", "enclosure", "entry", "expirationdate", "feed", "feedburner_browserfriendly",
    "fullitem", "generator", "geom", "georss_box", "georss_line", "georss_point",
    "georss_polygon", "georss_where", "georssgeom", "gml_exterior", "gml_linearring",
    "gml_linestring", "gml_point", "gml_polygon", "gml_pos", "gml_poslist", "guid", "height",
    "homepage", "id", "image", "info", "issued", "item", "itunes_author", "itunes_block",
    "itunes_category", "itunes_email", "itunes_explicit", "itunes_image", "itunes_keywords",
    "itunes_link", "itunes_name", "itunes_owner", "itunes_subtitle", "itunes_summary",
    "keywords", "language", "lastbuilddate", "link", "managingeditor", "media_category",
    "media_content", "media_credit", "media_description", "media_group", "media_keywords",
    "media_license", "media_player", "media_rating", "media_restriction", "media_thumbnail",
    "media_title", "modified", "name", "newlocation", "psc_chapter", "psc_chapters", "pubdate",
    "published", "rights", "rss", "source", "subtitle", "summary", "tagline", "tags",
    "textInput", "textinput", "title", "updated", "uri", "url", "webmaster", "where", "width",
    "xhtml_body",
}  # fmt: skip
_CP1252 = {  # feedparser's windows-1252 code points
    128: 0x20ac, 130: 0x201a, 131: 0x0192, 132: 0x201e, 133: 0x2026, 134: 0x2020, 135: 0x2021,
    136: 0x02c6, 137: 0x2030, 138: 0x0160, 139: 0x2039, 140: 0x0152, 142: 0x017d, 145: 0x2018,
    146: 0x2019, 147: 0x201c, 148: 0x201d, 149: 0x2022, 150: 0x2013, 151: 0x2014, 152: 0x02dc,
    153: 0x2122, 154: 0x0161, 155: 0x203a, 156: 0x0153, 158: 0x017e, 159: 0x0178,
}  # fmt: skip
_URI_SCHEMES = frozenset({  # feedparser's ACCEPTABLE_URI_SCHEMES
    "file", "ftp", "gopher", "h323", "hdl", "http", "https", "imap", "magnet", "mailto", "mms",
    "news", "nntp", "prospero", "rsync", "rtsp", "rtspu", "sftp", "shttp", "sip", "sips",
    "snews", "svn", "svn+ssh", "telnet", "wais", "aim", "callto", "cvs", "facetime", "feed",
    "git", "gtalk", "irc", "ircs", "irc6", "itms", "msnim", "skype", "ssh", "smb", "ymsg",
})  # fmt: skip
_URI_FIXER = re.compile("^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")


def _fp_urljoin(base: str, uri: str) -> str:
    """feedparser's `_urljoin`."""
    if not uri.startswith(("https://", "http://")) or uri.startswith(("https:///", "http:///")):
        uri = _URI_FIXER.sub(r"\1\3", uri)  # (an absolute web address has nothing to fix)
    try:
        return clean.absolute_url(base, uri)
    except ValueError:
        return ""


def _fp_safe_absolute(base: str, rel: str | None = None) -> str:
    """feedparser's `make_safe_absolute_uri`."""
    if not base:
        return rel or ""
    if not rel:
        try:
            scheme = urlsplit(base)[0]
        except ValueError:
            return ""
        if not scheme or scheme in _URI_SCHEMES:
            return base
        return ""
    uri = _fp_urljoin(base, rel)
    if uri.strip().split(":", 1)[0] not in _URI_SCHEMES:
        return ""
    return uri


class _Helpers:
    """What the fast path shares with feedparser, so both readers agree to the letter: URL
    joining, the windows-1252 table, namespace prefixes, element handlers, and feedparser's
    date parsers for dates in an uncommon form (loaded then)."""

    def __init__(self) -> None:
        self.urljoin: Callable[[str, str], str] = _fp_urljoin
        self.safe_absolute: Callable[..., str] = _fp_safe_absolute
        self.cp1252 = {k: chr(v) for k, v in _CP1252.items()}
        self.namespaces = _NAMESPACES
        self.handlers = _HANDLED

    @staticmethod
    def parse_date(value: str) -> Any:
        from feedparser.datetimes import _parse_date

        return _parse_date(value)


_helpers: _Helpers | None = _Helpers()


def _get_helpers() -> _Helpers | None:
    return _helpers


def _xml_encoding_ok(body: bytes, content_type: str) -> bool:
    """True when feedparser would read these bytes as UTF-8 (or ASCII) without a complaint:
    an XML media type, a charset that agrees, bytes that decode (RFC 3023, as feedparser
    applies it)."""
    mime, _, params = content_type.partition(";")
    mime = mime.strip().lower()
    charset = ""
    for chunk in params.split(";"):
        key, _, value = chunk.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    head = body[3:] if body.startswith(b"\xef\xbb\xbf") else body
    m = _XML_PI_ENCODING.match(head[:1024])
    declared = m.group(1).decode("ascii", "replace").lower() if m else ""
    if mime in _XML_APP_TYPES or (mime.startswith("application/") and mime.endswith("+xml")):
        encoding = charset or declared or "utf-8"
    elif mime in _XML_TEXT_TYPES or (mime.startswith("text/") and mime.endswith("+xml")):
        encoding = charset or "us-ascii"
    else:
        return False  # feedparser warns that this is no feed media type
    encoding = encoding.lower()
    if encoding in ("utf-8", "utf8"):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return False  # feedparser tries other encodings, and warns
        return True
    return encoding in ("us-ascii", "ascii") and body.isascii()


def _enforce_href(a: dict[str, str]) -> str | None:
    """feedparser's `_enforce_href`: url, else uri, else href (an empty url hides the rest)."""
    href = a.get("url", a.get("uri", a.get("href")))
    if href:
        a.pop("url", None)
        a.pop("uri", None)
        a["href"] = href
    return a.get("href")


def _content_type(value: str) -> str:
    value = value.lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html"}.get(value, value)


class _Reader:
    """One document, read the way feedparser reads it (see the module docstring)."""

    def __init__(self, h: _Helpers, url: str, core_ns: str) -> None:
        self.h = h
        self.url = url
        self.core = core_ns  # the namespace of the format's own elements
        # feedparser's base URI: the response URL made safe and absolute (at every tag)
        base = h.safe_absolute("", url) or url
        self.base = h.safe_absolute(base, base) or base
        self._names: dict[Any, tuple[str, str]] = {}  # tag -> `name` (but for unknown ones)

    def name(self, el: Any) -> tuple[str, str]:
        """(kind, name) of an element. kind: "core" (the format's own namespace), "alias" (a
        namespace feedparser folds into the core one, e.g. Atom inside RSS), "known" (a module
        feedparser knows: dc, content, media...) or "unknown"; name: feedparser's name for it,
        lowercased ("title", "dc:creator")."""
        tag = el.tag
        known = self._names.get(tag)
        if known is not None:
            return known
        if not isinstance(tag, str):
            raise _Unusual("node")
        if tag[0] == "{":
            ns, _, local = tag[1:].partition("}")
        else:
            ns, local = "", tag
        local = local.lower()
        if ns == self.core:
            out = self._names[tag] = ("core", local)
            return out
        low = ns.lower()
        if "backend.userland.com/rss" in low:
            low = "http://backend.userland.com/rss"
        prefix = self.h.namespaces.get(low)
        if prefix == "":
            out = self._names[tag] = ("alias", local)
            return out
        if prefix is not None:
            out = self._names[tag] = ("known", f"{prefix}:{local}")
            return out
        given = (el.prefix or "").lower()
        return "unknown", f"{given}:{local}" if given else local

    def harmless(self, el: Any, kind: str, name: str) -> bool:
        """An element feedparser keeps aside under its own name, without a handler, where it
        cannot change any field we read."""
        if len(el):
            return False
        key = name.replace(":", "_")
        return key not in self.h.handlers and _KEYMAP.get(key, key) not in _ENTRY_KEYS

    @staticmethod
    def attrs(el: Any) -> dict[str, str]:
        """Attributes named and normalised as feedparser does (names lowercased, rel and type
        values lowercased). Namespaced ones other than xml:* are not expected."""
        out: dict[str, str] = {}
        for k, v in el.attrib.items():
            if k[0] == "{":
                if k.startswith(_XML_NS):
                    continue  # xml:lang (xml:base never gets this far)
                raise _Unusual("namespaced attribute")
            k = k.lower()
            out[k] = v.lower() if k in ("rel", "type") else v
        return out

    def fix(self, text: str) -> str:
        """feedparser's last steps on element text: UTF-8 read as Latin-1 repaired, then
        windows-1252 code points mapped."""
        if text.isascii():
            return text
        try:
            text = text.encode("iso-8859-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        if _C1_CONTROLS_UTF8.search(text.encode("utf-8", "surrogatepass")):
            return text.translate(self.h.cp1252)
        return text

    @staticmethod
    def raw(el: Any) -> str:
        if len(el):
            raise _Unusual("markup inside a text element")
        return (el.text or "").strip()

    def text(self, el: Any) -> str:
        return self.fix(self.raw(el))

    def uri(self, el: Any) -> str:
        value = self.raw(el)
        return self.fix(self.h.urljoin(self.base, value)) if value else ""

    def href(self, a: dict[str, str]) -> str | None:
        """An Atom link's target, resolved; None when it has none."""
        href = _enforce_href(a)
        return None if href is None else self.h.urljoin(self.base, href)

    def date(self, el: Any) -> float | None:
        """feedparser's timestamp: RFC 822 and ISO 8601 (W3C) read here, anything else by
        feedparser's own date parsers."""
        value = self.text(el)
        m = _RFC822.fullmatch(value)
        if m:
            day, mon, year, hh, mm, ss, zone = m.groups()
            offset = 0
            if zone[0] in "+-":
                offset = (int(zone[1:3]) * 60 + int(zone[3:5])) * (-1 if zone[0] == "-" else 1)
            ts = _utc(int(year), _MONTHS[mon], int(day), int(hh), int(mm), int(ss))
            if ts is not None:
                return ts - offset * 60
        m = _ISO8601.fullmatch(value)
        if m:
            year, mon, day, hh, mm, ss, zone = m.groups()
            offset = 0
            if zone != "Z":
                offset = (int(zone[1:3]) * 60 + int(zone[4:6])) * (-1 if zone[0] == "-" else 1)
            ts = _utc(int(year), int(mon), int(day), int(hh), int(mm), int(ss))
            if ts is not None:
                return ts - offset * 60
        return _timestamp({"published_parsed": self.h.parse_date(value)})

    def image(
        self,
        media: list[dict[str, str]],
        thumbs: list[dict[str, str]],
        encl: list[tuple[str, str | None]],
    ) -> tuple[str, int | None]:
        """`_image_url`'s choice: media:content, media:thumbnail, then an image enclosure
        (`encl`: its address and length), with its size."""
        for m in media + thumbs:
            found = m.get("url") or ""
            medium = m.get("medium") or m.get("type") or "image"
            if found and "image" in medium:
                return urljoin(self.url, found), _size(m.get("filesize"))
        return (urljoin(self.url, encl[0][0]), _size(encl[0][1])) if encl else ("", None)

    def media(
        self, el: Any, name: str, media: list[dict[str, str]], thumbs: list[dict[str, str]]
    ) -> None:
        a = self.attrs(el)
        if name == "media:content":
            if len(el):
                raise _Unusual("media:content children")
            media.append(a)
        else:  # media:thumbnail: its text is the URL when it has no url attribute
            url = self.uri(el)
            if url and "url" not in a:
                a["url"] = url
            thumbs.append(a)

    def check_container(self, el: Any, allowed: tuple[str, ...] = ()) -> None:
        """channel / item / entry: no attribute feedparser would read (href, lastmod, id)."""
        for k in el.attrib:
            if k[0] == "{" and not k.startswith(_XML_NS) and k not in allowed:
                raise _Unusual("container attribute")
            if k[0] != "{" and k.lower() in ("href", "lastmod"):
                raise _Unusual("container attribute")


def _utc(year: int, mon: int, day: int, hh: int, mm: int, ss: int) -> float | None:
    if not 1900 <= year <= 2200:
        return None
    try:
        datetime.datetime(year, mon, day, hh, mm, ss)
    except ValueError:
        return None
    return float(_timegm((year, mon, day, hh, mm, ss)))


def _feed_title(r: _Reader, el: Any) -> str:
    a = r.attrs(el)
    if set(a) - {"type"} or _content_type(a.get("type", "text")) not in ("text/plain", "text/html"):
        raise _Unusual("feed title attributes")
    return r.text(el)


# feed-level elements whose handlers only fill feed fields we do not read
_FEED_SAFE = {
    "description", "subtitle", "tagline", "language", "generator", "rights", "copyright",
    "updated", "lastbuilddate", "pubdate", "published", "category", "webmaster",
    "managingeditor", "cloud", "ttl", "docs", "icon", "logo", "image", "textinput",
    "sy:updateperiod", "sy:updatefrequency", "sy:updatebase", "dc:language", "dc:rights",
    "dc:date", "dc:creator", "dc:publisher", "dc:subject", "itunes:author", "itunes:summary",
    "itunes:explicit", "itunes:image", "itunes:category", "itunes:owner", "itunes:subtitle",
    "itunes:keywords", "itunes:block", "media:thumbnail", "media:content", "media:keywords",
    "media:category", "media:rating", "media:copyright",
}  # fmt: skip
_SUBELEMENTS = {  # feed-level elements with children that feedparser keeps in their own place
    "image": ("url", "title", "link", "width", "height", "description"),
    "textinput": ("title", "description", "name", "link"),
    "author": ("name", "email", "uri"),
    "contributor": ("name", "email", "uri"),
}


def _feed_level(r: _Reader, container: Any, atom: bool, skip: tuple[str, ...]) -> tuple[str, str]:
    """(title, site URL) of the channel / feed element."""
    r.check_container(container, (_RDF_ABOUT,))
    titles = []
    site = ""
    feed_id = None
    for el in container:
        kind, name = r.name(el)
        if kind == "core" and name in skip:
            continue
        if name in ("title", "dc:title", "media:title"):
            if kind != "core":
                raise _Unusual("feed title")
            titles.append(_feed_title(r, el))
        elif name == "link" and kind in ("core", "alias"):
            a = r.attrs(el)
            if atom or kind == "alias":
                href = r.href(a)
                if href is None:
                    raise _Unusual("link without href")
                rel = a.get("rel", "alternate")
                type_ = a.get("type", "application/atom+xml" if rel == "self" else "text/html")
                if rel == "alternate" and _content_type(type_) in _HTML_TYPES:
                    site = href
            else:
                if a:
                    raise _Unusual("link attributes")
                site = _AMP_ENTITY.sub(r"&\g<1>", r.uri(el))
        elif name in ("id", "guid") and kind in ("core", "alias"):
            if not atom or feed_id is not None or r.attrs(el):
                raise _Unusual("feed id")
            feed_id = r.uri(el)
        elif len(el):
            allowed = _SUBELEMENTS.get(name, ()) if kind == "core" else ()
            if not allowed or (name in ("author", "contributor")) != atom:
                raise _Unusual(f"feed element {name}")
            for child in el:
                ck, cn = r.name(child)
                if ck != "core" or cn not in allowed or len(child):
                    raise _Unusual(f"feed element {name}")
        elif not r.harmless(el, kind, name) and name not in _FEED_SAFE:
            raise _Unusual(f"feed element {name}")
    if len(titles) > 1:
        raise _Unusual("several feed titles")
    if atom and feed_id and not site:
        site = feed_id  # the id stands for the link (feedparser's guidislink)
    return (titles[0] if titles else ""), site


_RSS_READ = {"title", "link", "guid", "pubdate", "description", "author", "enclosure"}
_RDF_READ = {"title", "link", "description"}
_SAFE = {"category", "dc:subject"}  # handled by feedparser, into tags only
_KNOWN_READ = {"content:encoded", "dc:creator", "dc:date"}
_MEDIA = {"media:content", "media:thumbnail"}


def _rss_item(r: _Reader, item: Any, rdf: bool) -> dict[str, Any]:
    """One RSS 2.0 / RSS 1.0 item: the fields feedparser would give."""
    r.check_container(item, (_RDF_ABOUT,) if rdf else ())
    one: dict[str, Any] = {}
    media: list[dict[str, str]] = []
    thumbs: list[dict[str, str]] = []
    encl: list[tuple[str, str | None]] = []
    guid_is_link = False
    for el in item:
        kind, name = r.name(el)
        if kind == "core" and name in (_RDF_READ if rdf else _RSS_READ):
            a = r.attrs(el)
            if name == "enclosure":
                if len(el):
                    raise _Unusual("enclosure")
                href = _enforce_href(a)
                if href and a.get("type", "").startswith("image/"):
                    encl.append((href, a.get("length")))
                continue
            if name in one:
                raise _Unusual(f"repeated {name}")
            if name == "guid":
                if set(a) - {"ispermalink"}:
                    raise _Unusual("guid attributes")
                guid_is_link = a.get("ispermalink", "true") == "true"
                one[name] = r.uri(el) if guid_is_link else r.text(el)
                continue
            if a:
                raise _Unusual(f"{name} attributes")
            if name == "link":
                # feedparser undoes what looks like a badly escaped query string
                one[name] = _AMP_ENTITY.sub(r"&\g<1>", r.uri(el).replace("&amp;", "&"))
            elif name == "pubdate":
                one[name] = r.date(el)
            else:
                one[name] = r.text(el)
        elif kind == "known" and name in _MEDIA:
            r.media(el, name, media, thumbs)
        elif kind == "known" and name in _KNOWN_READ:
            key = "author" if name == "dc:creator" else name
            if key in one or r.attrs(el):
                raise _Unusual(f"repeated {name}")
            one[key] = r.date(el) if name == "dc:date" else r.text(el)
        elif name in _SAFE and kind in ("core", "known"):
            if len(el):
                raise _Unusual(f"{name} children")
        elif not r.harmless(el, kind, name):
            raise _Unusual(f"item element {name}")
    link = one.get("link")
    if link is None and guid_is_link:
        link = one.get("guid")  # a permalink guid stands for a missing link
    content = one.get("content:encoded")
    summary = one.get("description")
    if summary is None:
        summary = content  # feedparser copies the content to the summary
    body = content or ""  # `_best_content`: the longest, the content on a tie
    if summary is not None and len(summary) > len(body):
        body = summary
    published = one.get("pubdate")
    if published is None:
        published = one.get("dc:date")
    return {
        "title": one.get("title") or "",
        "link": link or "",
        "guid": (item.get(_RDF_ABOUT) if rdf else one.get("guid")) or "",
        "body_html": body,
        "plain": False,  # RSS bodies are HTML
        "published": published,
        "author": one.get("author") or "",
        "image_url": r.image(media, thumbs, encl),
    }


_ATOM_READ = {"title", "id", "summary", "content", "published", "updated", "author"}


def _atom_text(r: _Reader, el: Any) -> tuple[str, str]:
    a = r.attrs(el)
    if set(a) - {"type"}:
        raise _Unusual("content attributes")  # src=, mode=
    kind = _content_type(a.get("type", "text"))
    if kind not in ("text/plain", "text/html"):
        raise _Unusual(f"content type {kind}")  # xhtml, base64
    return r.text(el), kind


def _atom_author(r: _Reader, el: Any) -> str:
    if (el.text or "").strip() or r.attrs(el):
        raise _Unusual("author text")
    parts: dict[str, str] = {}
    for child in el:
        kind, name = r.name(child)
        if kind != "core" or name not in ("name", "email", "uri") or name in parts:
            raise _Unusual("author element")
        if r.attrs(child) or (child.tail or "").strip():
            raise _Unusual("author element")
        parts[name] = r.raw(child)  # feedparser keeps these as they are (stripped)
    name, mail = parts.get("name"), parts.get("email")
    if name and mail:
        return f"{name} ({mail})"
    return name or mail or ""


def _atom_entry(r: _Reader, entry: Any) -> dict[str, Any]:
    """One Atom 1.0 entry: the fields feedparser would give."""
    r.check_container(entry)
    one: dict[str, Any] = {}
    link: str | None = None
    media: list[dict[str, str]] = []
    thumbs: list[dict[str, str]] = []
    encl: list[tuple[str, str | None]] = []
    for el in entry:
        kind, name = r.name(el)
        if kind == "core" and name in _ATOM_READ:
            if name in one:
                raise _Unusual(f"repeated {name}")
            if name in ("title", "summary", "content"):
                one[name] = _atom_text(r, el)
            elif name == "id":
                if r.attrs(el):
                    raise _Unusual("id attributes")
                one[name] = r.uri(el)
            elif name == "author":
                one[name] = _atom_author(r, el)
            else:
                one[name] = r.date(el)
        elif kind == "core" and name == "link":
            if len(el):
                raise _Unusual("link children")
            a = r.attrs(el)
            href = r.href(a)
            if href is None:
                raise _Unusual("link without href")
            rel = a.get("rel", "alternate")
            type_ = a.get("type", "application/atom+xml" if rel == "self" else "text/html")
            if rel == "alternate" and _content_type(type_) in _HTML_TYPES:
                link = href  # the last one wins
            elif rel == "enclosure" and type_.startswith("image/"):
                encl.append((href, a.get("length")))
        elif kind == "known" and name in _MEDIA:
            r.media(el, name, media, thumbs)
        elif kind == "core" and name == "category":
            if len(el):
                raise _Unusual("category children")
        elif not r.harmless(el, kind, name):
            raise _Unusual(f"entry element {name}")
    if link is None:
        link = one.get("id")  # the id stands for a missing link (feedparser's guidislink)
    content = one.get("content")
    summary = one.get("summary") or content  # feedparser copies the content to the summary
    body, plain = "", False
    if content is not None and content[0]:
        body, plain = content[0], content[1] == "text/plain"
    if summary is not None and len(summary[0]) > len(body):
        body, plain = summary[0], summary[1] == "text/plain"
    published = one.get("published")
    if published is None:
        published = one.get("updated")
    return {
        "title": one["title"][0] if "title" in one else "",
        "link": link or "",
        "guid": one.get("id") or "",
        "body_html": body,
        "plain": plain,
        "published": published,
        "author": one.get("author") or "",
        "image_url": r.image(media, thumbs, encl),
    }


def parse_feed_lxml(body: bytes, url: str, content_type: str = "") -> ParsedFeed | None:
    """The fast path: the same ParsedFeed as `parse_feed_feedparser`, or None when this
    document is not one it reproduces exactly (feedparser then reads it)."""
    h = _get_helpers()
    if h is None or not body.strip() or not _xml_encoding_ok(body, content_type):
        return None
    head = body[3:] if body.startswith(b"\xef\xbb\xbf") else body
    if head.startswith(b"<?xml") and not _XML_PI_VERSION.match(head[:1024]):
        return None  # XML 1.1 (or a broken declaration)
    m = _FIRST_ELEMENT.search(head)
    prolog = head[: m.start()] if m else head
    if b"<!" in prolog.replace(b"<!--", b"") or _has_base_attribute(body):
        return None  # DOCTYPE and entities; xml:base
    try:
        import lxml.etree

        parser = lxml.etree.XMLParser(
            encoding="utf-8",
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            remove_comments=True,
            remove_pis=True,
        )
        root = lxml.etree.fromstring(body, parser)
    except Exception:  # noqa: BLE001 - an XML error: feedparser says what is wrong and recovers
        return None
    if len(parser.error_log):
        return None
    try:
        return _read(h, root, url)
    except _Unusual:
        return None
    except Exception:  # noqa: BLE001 - a fast-path bug must never cost a feed
        import logging  # (here only: a worker process starts faster without it)

        logging.getLogger("maliradio.news").warning("Lecture rapide impossible", exc_info=True)
        return None


def _read(h: _Helpers, root: Any, url: str) -> ParsedFeed:
    tag = root.tag
    if tag == "rss":
        r = _Reader(h, url, "")
        r.check_container(root)
        if len(root) != 1 or r.name(root[0]) != ("core", "channel"):
            raise _Unusual("rss layout")
        items = [el for el in root[0] if r.name(el) == ("core", "item")]
        title, site = _feed_level(r, root[0], False, ("item",))
        raw = [_rss_item(r, it, False) for it in items]
    elif tag == f"{{{_ATOM}}}feed":
        r = _Reader(h, url, _ATOM)
        items = [el for el in root if r.name(el) == ("core", "entry")]
        title, site = _feed_level(r, root, True, ("entry",))
        raw = [_atom_entry(r, it) for it in items]
    elif tag == f"{{{_RDF}}}RDF":
        r = _Reader(h, url, _RSS10)
        channels = []
        items = []
        for el in root:
            kind, name = r.name(el)
            if kind == "core" and name == "channel":
                channels.append(el)
            elif kind == "core" and name == "item":
                items.append(el)
            elif kind == "core" and name in ("image", "textinput"):
                for child in el:
                    ck, cn = r.name(child)
                    if ck != "core" or cn not in _SUBELEMENTS[name] or len(child):
                        raise _Unusual(f"rdf {name}")
            else:
                raise _Unusual(f"rdf element {name}")
        if len(channels) != 1:
            raise _Unusual("rdf layout")
        title, site = _feed_level(r, channels[0], False, ("item", "items"))
        raw = [_rss_item(r, it, True) for it in items]
    else:
        raise _Unusual("not a feed this path knows")
    # feedparser would also read items found anywhere else
    found = 0
    for el in root.iter():
        t = el.tag
        if isinstance(t, str) and t.rpartition("}")[2].lower() in ("item", "entry"):
            found += 1
    if found != len(items):
        raise _Unusual("items in odd places")
    result = ParsedFeed(title=_plain(title), site_url=site)
    warnings = [] if raw else ["Le flux ne contient aucun article"]
    bad_dates = 0
    for e in raw:
        if _entry(result, url, **e) and e["published"] is None:
            bad_dates += 1
    return _finish(result, warnings, bad_dates)
