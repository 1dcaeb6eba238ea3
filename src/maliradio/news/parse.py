"""Feed bytes -> entries, with feedparser (which never touches the network here: it is given
bytes and the response headers). Problems become a warning or an error string, never an
exception: a malformed feed whose entries could be read still gives them."""

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


@dataclass
class ParsedFeed:
    title: str = ""
    site_url: str = ""
    entries: list[ParsedEntry] = field(default_factory=list)
    warning: str = ""
    error: str | None = None  # set when this is not a usable feed at all
    alternates: list[str] = field(default_factory=list)  # for an HTML page: its feed links


def _plain(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text or "")
    return " ".join(htmlmod.unescape(text).split())


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


def _image_url(entry: Any, base: str) -> str:
    for key in ("media_content", "media_thumbnail"):
        for m in entry.get(key) or []:
            url = m.get("url") or ""
            medium = m.get("medium") or m.get("type") or "image"
            if url and "image" in medium:
                return urljoin(base, str(url))
    for enc in entry.get("enclosures") or []:
        if (enc.get("type") or "").startswith("image/") and enc.get("href"):
            return urljoin(base, str(enc["href"]))
    return ""


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
        title = _plain(e.get("title") or "")
        link = (e.get("link") or "").strip()
        if link:
            link = urljoin(base, link)
        guid = (e.get("id") or "").strip()
        body_html, plain = _best_content(e)
        if plain:
            body_html = clean.escape_text(body_html)
        if not (title or link or body_html):
            continue
        if not title:
            title = _plain(body_html)[:120] or link
        published = _timestamp(e)
        if published is None:
            bad_dates += 1
        text_len = len(_plain(body_html))
        digest = hashlib.sha1(
            "\x00".join((title, link, body_html)).encode("utf-8", "replace")
        ).hexdigest()
        result.entries.append(
            ParsedEntry(
                guid=guid,
                link=link,
                title=title,
                author=_plain(e.get("author") or ""),
                published=published,
                html=body_html,
                summary_only=text_len < SUMMARY_ONLY_CHARS,
                content_hash=digest,
                image_url=_image_url(e, base),
            )
        )
    if bad_dates:
        warnings.append(f"{bad_dates} article(s) sans date lisible (date de réception utilisée)")
    result.warning = " ; ".join(warnings)
    return result
