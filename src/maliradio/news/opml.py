"""OPML import and export of news sources (the format every feed reader speaks)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from urllib.parse import urlsplit

from maliradio.news.models import COUNTRIES, Source
from maliradio.util import atomic_write_text

COUNTRY_NAMES = {"ML": "Mali", "BF": "Burkina Faso", "NE": "Niger", "INT": "International"}


class OpmlError(Exception):
    pass


@dataclass
class OpmlFeed:
    url: str
    title: str
    site_url: str = ""
    country: str = ""
    language: str = ""


def _country(text: str) -> str:
    t = (text or "").strip()
    if t.upper() in COUNTRIES:
        return t.upper()
    for code, name in COUNTRY_NAMES.items():
        if t.lower() == name.lower():
            return code
    return ""


def read_opml(path: Path) -> list[OpmlFeed]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OpmlError(f"Fichier illisible : {exc.strerror or exc}") from exc
    if b"<!ENTITY" in data[:10000]:
        raise OpmlError("Fichier OPML refusé (entités XML non prises en charge)")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise OpmlError(f"Ce fichier n'est pas un OPML valide ({exc})") from exc
    if root.tag.lower() != "opml":
        raise OpmlError("Ce fichier n'est pas un OPML (élément <opml> attendu)")
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()

    def walk(el: ET.Element, group: str) -> None:
        for child in el:
            if child.tag.lower() != "outline":
                continue
            a = {k.lower(): v for k, v in child.attrib.items()}
            url = (a.get("xmlurl") or "").strip()
            if url:
                if urlsplit(url).scheme in ("http", "https") and url not in seen:
                    seen.add(url)
                    feeds.append(
                        OpmlFeed(
                            url=url,
                            title=(a.get("title") or a.get("text") or "").strip(),
                            site_url=(a.get("htmlurl") or "").strip(),
                            country=_country(a.get("category", "").split(",")[0])
                            or _country(group),
                            language=(a.get("language") or "").strip(),
                        )
                    )
            walk(child, a.get("text") or a.get("title") or group)

    body = root.find("body")
    walk(body if body is not None else root, "")
    return feeds


def write_opml(path: Path, sources: list[Source]) -> None:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "Sources d'actualités maliradio"
    ET.SubElement(head, "dateCreated").text = formatdate(usegmt=True)
    body = ET.SubElement(root, "body")
    groups: dict[str, ET.Element] = {}
    for s in sources:
        label = COUNTRY_NAMES.get(s.country, "Autres")
        parent = groups.get(label)
        if parent is None:
            parent = groups[label] = ET.SubElement(body, "outline", text=label, title=label)
        attrs = {"type": "rss", "text": s.name, "title": s.name, "xmlUrl": s.url}
        if s.site_url:
            attrs["htmlUrl"] = s.site_url
        if s.country:
            attrs["category"] = s.country
        if s.language:
            attrs["language"] = s.language
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
    atomic_write_text(path, text + "\n")
