"""Feed bytes -> entries, read by feedparser. Problems become a warning or an error string,
never an exception: a malformed feed whose entries could be read still gives them.

feedparser is given the body's bytes and the response headers (it never touches the network
here), with its sanitizer off: `clean.sanitize` (nh3) does that job when the article is stored.
"""

from __future__ import annotations

import calendar
import hashlib
import html as htmlmod
import io
import re
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


def _timestamp(entry: Any) -> float | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(entry, key)  # plain get: no feedparser key-fallback warning
        if value:
            try:
                return float(calendar.timegm(value))
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
    """Entries of a feed, however broken, unless it is empty or an entity bomb."""
    if not body.strip():
        return ParsedFeed(error="Réponse vide du serveur (aucun flux reçu)")
    if _expanding_entities(body, content_type):
        return ParsedFeed(
            error="Flux refusé : il déclare des entités XML qui multiplieraient sa taille"
            " (de quoi saturer la mémoire : attaque « billion laughs »)"
        )
    return _read_feed(body, url, content_type)


_ENTITY_VALUE = re.compile(rb"""<!ENTITY\s+(?:%\s+)?\S+\s+(?:"([^"]*)"|'([^']*)')""")
_CHAR_REF = re.compile(rb"&#\w+;")
_FIRST_ELEMENT = re.compile(rb"<\w")
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
    """Append one entry. False when the entry is empty (then skipped)."""
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


def _read_feed(body: bytes, url: str, content_type: str) -> ParsedFeed:
    """What feedparser reads in the body (`parse_feed` has turned the bombs away)."""
    import feedparser

    result = ParsedFeed()
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
    if bad_dates:
        warnings.append(f"{bad_dates} article(s) sans date lisible (date de réception utilisée)")
    result.warning = " ; ".join(warnings)
    return result
