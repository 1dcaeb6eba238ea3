"""Recognise what a stream address answered, and read the playlists radios hand out.

Pure functions, no network: the caller fetches the first few KB of the answer and passes them here.

`sniff()` looks at the content first, then at the Content-Type, then at the file extension. That
order matters: HLS playlists and plain M3U lists share the `.m3u8` extension and the
`application/vnd.apple.mpegurl` type in the wild. An HLS playlist (master or media) goes to libVLC
as it is; reading its variant or segment lines as "stations" is the classic mistake (Radiotray-NG's
M3U decoder does it). A plain list of URLs is read here so that each entry can be tried in turn.

`parse()` returns the entries in order, as `StreamRef`s with any per-entry HTTP headers and the
libVLC options of `#EXTVLCOPT` lines that `vlcoptions` allows (a playlist is untrusted input).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Literal
from urllib.parse import unquote, urljoin, urlsplit

from maliradio.catalog.models import STREAM_SCHEMES, StreamRef, is_stream_url
from maliradio.catalog.vlcoptions import safe_option

PlaylistKind = Literal["hls", "m3u", "pls", "xspf", "asx", "media", "html", "unknown"]

SNIFF_BYTES = 16384  # more than this is never looked at

# Tags only HLS playlists carry (RFC 8216). A plain M3U has at most #EXTM3U / #EXTINF / #EXTVLCOPT.
_HLS_TAGS = (
    "#EXT-X-TARGETDURATION",
    "#EXT-X-STREAM-INF",
    "#EXT-X-MEDIA-SEQUENCE",
    "#EXT-X-VERSION",
    "#EXT-X-I-FRAME-STREAM-INF",
    "#EXT-X-MEDIA:",
    "#EXT-X-PLAYLIST-TYPE",
    "#EXT-X-ENDLIST",
    "#EXT-X-KEY",
    "#EXT-X-MAP",
    "#EXT-X-INDEPENDENT-SEGMENTS",
    "#EXT-X-DISCONTINUITY-SEQUENCE",
    "#EXT-X-PROGRAM-DATE-TIME",
    "#EXT-X-PART-INF",
    "#EXT-X-SERVER-CONTROL",
)

_CONTENT_TYPES: dict[str, PlaylistKind] = {
    "application/vnd.apple.mpegurl": "hls",
    "application/vnd.apple.mpegurl.audio": "hls",
    # audio/x-mpegurl and friends are used for HLS and plain M3U alike: see _sniff_content_type
    "audio/mpegurl": "m3u",
    "audio/x-mpegurl": "m3u",
    "application/x-mpegurl": "m3u",
    "application/mpegurl": "m3u",
    "audio/x-pn-realaudio": "m3u",  # .ram: one URL a line
    "audio/x-scpls": "pls",
    "audio/scpls": "pls",
    "application/pls+xml": "pls",
    "application/pls": "pls",
    "application/xspf+xml": "xspf",
    "video/x-ms-asx": "asx",
    "audio/x-ms-asx": "asx",
    "video/x-ms-wvx": "asx",
    "audio/x-ms-wax": "asx",
    "video/x-ms-wmx": "asx",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/dash+xml": "media",  # libVLC plays DASH manifests itself
    "application/ogg": "media",
    "application/x-ogg": "media",
}

_EXTENSIONS: dict[str, PlaylistKind] = {
    "m3u8": "hls",
    "m3u": "m3u",
    "ram": "m3u",
    "pls": "pls",
    "xspf": "xspf",
    "asx": "asx",
    "wax": "asx",
    "wvx": "asx",
    "wmx": "asx",
    "html": "html",
    "htm": "html",
    "xhtml": "html",
}
_MEDIA_EXTENSIONS = frozenset(
    "mp3 aac aacp adts ogg oga ogv opus flac m4a mp4 m4v ts flv wma wmv asf wav mkv mka webm "
    "mpd nsv ac3 mp2 mpga".split()
)

# Data that is clearly not a stream and not a playlist.
_OTHER_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"PK\x03\x04", b"%PDF")

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_XML_ROOT_RE = re.compile(r"<\s*([A-Za-z][\w.:-]*)")


# --------------------------------------------------------------------------------------------
# Decoding


def decode_text(body: bytes) -> str:
    """Text of a playlist: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252."""
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    elif body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return body.decode("utf-16", errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A body cut after its first few KB may end inside a multi-byte character.
        if exc.end == len(body) and exc.reason == "unexpected end of data":
            try:
                return body[: exc.start].decode("utf-8")
            except UnicodeDecodeError:
                pass
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError:
        return body.decode("latin-1")


# --------------------------------------------------------------------------------------------
# Sniffing


def sniff(body: bytes, content_type: str | None, url: str) -> PlaylistKind:
    """What the answer of `url` is: by content first, then Content-Type, then extension."""
    head = body[:SNIFF_BYTES]
    kind = _sniff_content(head)
    if kind is None:
        kind = _sniff_content_type(content_type, url)
    if kind is None and _looks_binary(head):
        kind = "media"
    if kind is None:
        kind = _sniff_extension(url)
    return kind or "unknown"


def is_hls(text: str) -> bool:
    """The text of an HLS playlist (master or media), not a plain M3U list."""
    upper = text.upper()
    return any(tag in upper for tag in _HLS_TAGS)


def _sniff_magic(head: bytes) -> PlaylistKind | None:
    if head.startswith(_OTHER_MAGIC):
        return "unknown"
    if head[:4].upper() == b"ICY " or (
        head.startswith((b"HTTP/1.", b"ICY")) and b"\nicy-" in head[:4096].lower()
    ):
        return "media"  # a Shoutcast status line or an ICY header block
    if head.startswith(
        (
            b"ID3",  # MP3 with an ID3v2 tag
            b"OggS",  # Ogg Vorbis / Opus / FLAC
            b"fLaC",
            b"FLV",
            b"RIFF",  # WAV
            b"\x1a\x45\xdf\xa3",  # Matroska / WebM
            b"\x30\x26\xb2\x75\x8e\x66\xcf\x11",  # ASF (WMA/WMV)
            b"#!AMR",
        )
    ):
        return "media"
    if len(head) >= 8 and head[4:8] in (b"ftyp", b"styp", b"moof", b"moov", b"sidx"):
        return "media"  # MP4 / fragmented MP4
    if len(head) >= 189 and head[0] == 0x47 and head[188] == 0x47:
        return "media"  # MPEG transport stream: a sync byte every 188 bytes
    if len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0:
        return "media"  # MPEG audio / ADTS AAC frame sync
    return None


def _sniff_content(head: bytes) -> PlaylistKind | None:
    if not head:
        return None
    kind = _sniff_magic(head)
    if kind is not None:
        return kind
    if _looks_binary(head):
        return None
    text = decode_text(head).lstrip("\ufeff \t\r\n\x00")
    if not text:
        return None
    lower = text[:4096].lower()

    if lower.startswith("<"):
        kind = _sniff_xml(lower)
        if kind is not None:
            return kind
    elif lower.startswith("#extm3u") or "#extinf" in lower or "#ext-x-" in lower:
        return "hls" if is_hls(text) else "m3u"
    if lower.startswith("[playlist]") or re.search(r"^\s*file\d+\s*=", lower, re.M):
        return "pls"
    if lower.startswith("[reference]"):
        return "asx"  # the ASX "INI" variant: Ref1=…
    if _is_url_list(text):
        return "m3u"
    if "<html" in lower or "<!doctype html" in lower:
        return "html"
    return None


def _sniff_xml(lower: str) -> PlaylistKind | None:
    # Skip the XML declaration, comments and a non-HTML doctype to find the root element.
    rest = lower
    while True:
        rest = rest.lstrip()
        if rest.startswith("<!doctype html"):
            return "html"
        for opening, closing in (("<?", "?>"), ("<!--", "-->"), ("<!doctype", ">")):
            if rest.startswith(opening):
                end = rest.find(closing)
                if end < 0:
                    return None
                rest = rest[end + len(closing) :]
                break
        else:
            break
    m = _XML_ROOT_RE.match(rest)
    root = m.group(1).split(":")[-1] if m else ""
    if root == "asx":
        return "asx"
    if root == "playlist" and ("xspf.org/ns/0" in lower or "<tracklist" in lower):
        return "xspf"
    if root == "mpd":
        return "media"
    if root in ("html", "head", "body"):
        return "html"
    return None


def _is_url_list(text: str) -> bool:
    """Non-comment lines that are all (or nearly all) absolute stream URLs."""
    lines = [ln.strip() for ln in text.splitlines()]
    entries = [ln for ln in lines if ln and not ln.startswith("#")]
    if not entries:
        return False
    urls = sum(1 for ln in entries[:50] if _has_stream_scheme(ln))
    return urls > 0 and urls * 2 > len(entries[:50])


def _has_stream_scheme(line: str) -> bool:
    m = _SCHEME_RE.match(line)
    return m is not None and m.group(1).lower() in STREAM_SCHEMES and "://" in line[:12]


def _looks_binary(head: bytes) -> bool:
    sample = head[:1024]
    if not sample or sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 0x09 or 0x0E <= b < 0x20 or b == 0x7F)
    return controls * 20 > len(sample)


def _sniff_content_type(content_type: str | None, url: str) -> PlaylistKind | None:
    if not content_type:
        return None
    ctype = content_type.split(";", 1)[0].strip().lower()
    kind = _CONTENT_TYPES.get(ctype)
    if kind == "m3u" and _sniff_extension(url) == "hls":
        return "hls"  # an ambiguous M3U type on a .m3u8 address whose body we could not read
    if kind is not None:
        return kind
    if ctype in ("video/x-ms-asf", "application/vnd.ms-asf"):
        return "asx" if _sniff_extension(url) == "asx" else "media"
    if ctype.startswith(("audio/", "video/")):
        return "media"
    return None


def _sniff_extension(url: str) -> PlaylistKind | None:
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    name = path.rsplit("/", 1)[-1].lower()
    if "." not in name:
        return None
    ext = name.rsplit(".", 1)[-1]
    if ext in _MEDIA_EXTENSIONS:
        return "media"
    return _EXTENSIONS.get(ext)


# --------------------------------------------------------------------------------------------
# Parsing


def parse(kind: PlaylistKind, body: bytes, base_url: str) -> list[StreamRef]:
    """The entries of a playlist, in order, with relative URLs resolved against `base_url`.

    "hls", "media" and "unknown" give `base_url` itself (libVLC opens it directly); "html"
    gives nothing (a web page is not a stream). An "m3u" body that turns out to be HLS is
    treated as HLS, never as a list of stations.
    """
    if kind == "html":
        return []
    if kind in ("hls", "media", "unknown"):
        return [StreamRef(base_url)] if is_stream_url(base_url) else []
    text = decode_text(body)
    entries: Iterable[StreamRef]
    if kind == "m3u":
        if is_hls(text):
            return [StreamRef(base_url)] if is_stream_url(base_url) else []
        entries = _parse_m3u(text, base_url)
    elif kind == "pls":
        entries = _parse_pls(text, base_url)
    elif kind == "xspf":
        entries = _parse_xspf(text, base_url)
    elif kind == "asx":
        entries = _parse_asx(text, base_url)
    else:  # pragma: no cover - Literal exhausted
        return []
    out: list[StreamRef] = []
    seen: set[tuple[str, str | None, str | None, tuple[str, ...]]] = set()
    for entry in entries:
        key = (entry.url, entry.user_agent, entry.referrer, entry.options)
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out


def _looks_like_path(ref: str) -> bool:
    if any(ch in ref for ch in '<>"{}\\^`'):
        return False
    if not any(ch.isspace() for ch in ref):
        return True
    # a relative file name with spaces is fine when it names a stream or a playlist
    return _sniff_extension("http://x/" + ref.replace(" ", "%20")) not in (None, "html")


def _resolve(ref: str, base_url: str) -> str | None:
    """An absolute stream URL for a playlist entry, or None for junk and non-stream schemes."""
    ref = ref.strip().strip("\ufeff")
    if not ref:
        return None
    m = _SCHEME_RE.match(ref)
    if m:
        if m.group(1).lower() not in STREAM_SCHEMES:
            return None  # javascript:, file:, data:, about:, a Windows drive (C:\\…)
        url = ref
    else:
        if not _looks_like_path(ref) or not is_stream_url(base_url):
            return None
        url = urljoin(base_url, ref)
    url = url.replace(" ", "%20")
    return url if is_stream_url(url) else None


_UA_KEYS = frozenset({"user-agent", "http-user-agent"})
_REF_KEYS = frozenset({"referer", "referrer", "http-referrer", "http-referer"})


def _split_pipe_headers(line: str) -> tuple[str, str | None, str | None]:
    """Kodi/IPTV style `URL|User-Agent=…&Referer=…`."""
    url, sep, tail = line.partition("|")
    if not sep or "=" not in tail:
        return line, None, None
    ua = referrer = None
    for pair in tail.split("&"):
        key, _, value = pair.partition("=")
        key = key.strip().lower()
        value = unquote(value).strip()
        if key in _UA_KEYS and value:
            ua = value
        elif key in _REF_KEYS and value:
            referrer = value
    return url, ua, referrer


def _extinf_title(rest: str) -> str | None:
    """`-1 tvg-name="A, B" group-title="x",Title` → `Title` (commas in quotes do not count)."""
    quoted = False
    for i, ch in enumerate(rest):
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            return rest[i + 1 :].strip() or None
    return None


def _parse_m3u(text: str, base_url: str) -> Iterable[StreamRef]:
    title: str | None = None
    user_agent: str | None = None
    referrer: str | None = None
    options: list[str] = []
    for raw in text.splitlines():
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        if line.startswith("#"):
            upper = line.upper()
            if upper.startswith("#EXTINF:"):
                title = _extinf_title(line[8:])
            elif upper.startswith("#EXTVLCOPT:"):
                key, sep, value = line[11:].strip().partition("=")
                key = key.strip().lstrip(":-").lower()
                value = value.strip()
                if key in _UA_KEYS:
                    user_agent = value or None
                elif key in _REF_KEYS:
                    referrer = value or None
                elif key:
                    kept = safe_option(f":{key}={value}" if sep else f":{key}")
                    if kept is not None:
                        options.append(kept)
            elif upper.startswith("#EXTHTTP:"):
                try:
                    headers = json.loads(line[9:])
                except ValueError:
                    headers = None
                if isinstance(headers, dict):
                    for key, value in headers.items():
                        if isinstance(value, str) and str(key).lower() in _UA_KEYS:
                            user_agent = value.strip() or None
                        elif isinstance(value, str) and str(key).lower() in _REF_KEYS:
                            referrer = value.strip() or None
            continue
        ref, pipe_ua, pipe_referrer = _split_pipe_headers(line)
        url = _resolve(ref, base_url)
        if url is None:
            continue  # junk: the pending options wait for the next real entry
        yield StreamRef(
            url,
            user_agent=pipe_ua or user_agent,
            referrer=pipe_referrer or referrer,
            options=tuple(options),
            title=title,
        )
        title = user_agent = referrer = None
        options = []


def _parse_pls(text: str, base_url: str) -> Iterable[StreamRef]:
    files: dict[int, str] = {}
    titles: dict[int, str] = {}
    for raw in text.splitlines():
        line = raw.strip().lstrip("\ufeff")
        key, sep, value = line.partition("=")
        if not sep:
            continue
        m = re.fullmatch(r"(file|title)\s*(\d+)", key.strip(), re.I)
        if not m:
            continue
        target = files if m.group(1).lower() == "file" else titles
        target.setdefault(int(m.group(2)), value.strip())
    for n in sorted(files):
        url = _resolve(files[n], base_url)
        if url is not None:
            yield StreamRef(url, title=titles.get(n) or None)


def _parse_asx_ini(text: str, base_url: str) -> Iterable[StreamRef]:
    refs: dict[int, str] = {}
    for raw in text.splitlines():
        key, sep, value = raw.strip().partition("=")
        m = re.fullmatch(r"ref\s*(\d+)", key.strip(), re.I)
        if sep and m:
            refs.setdefault(int(m.group(1)), value.strip())
    for n in sorted(refs):
        url = _resolve(refs[n], base_url)
        if url is not None:
            yield StreamRef(url)


# -- XML playlists ----------------------------------------------------------------------------


def _xml_root(text: str) -> ET.Element | None:
    """The parsed document, or None when it is not well-formed (or declares entities)."""
    if "<!ENTITY" in text.upper():
        return None  # never expand entities; the regex reader copes
    try:
        return ET.fromstring(text.strip())
    except (ET.ParseError, ValueError):
        return None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(el: ET.Element, name: str) -> str | None:
    for child in el:
        if _local(child.tag) == name and child.text and child.text.strip():
            return " ".join(child.text.split())
    return None


_ENTITY_RE = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _unescape(value: str) -> str:
    """XML entities only: `&not` in a query string stays as it is (unlike html.unescape)."""

    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in _NAMED:
            return _NAMED[name]
        try:
            code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
            return chr(code)
        except (ValueError, OverflowError):
            return m.group(0)

    return _ENTITY_RE.sub(repl, value)


def _parse_xspf(text: str, base_url: str) -> Iterable[StreamRef]:
    root = _xml_root(text)
    if root is not None:
        for track in root.iter():
            if _local(track.tag) != "track":
                continue
            title = _child_text(track, "title")
            for child in track:
                if _local(child.tag) == "location" and child.text:
                    url = _resolve(child.text, base_url)
                    if url is not None:
                        yield StreamRef(url, title=title)
        return
    for m in re.finditer(r"<track\b.*?(?:</track\s*>|$)", text, re.S | re.I):
        block = m.group(0)
        tm = re.search(r"<title\b[^>]*>(.*?)</title", block, re.S | re.I)
        title = (" ".join(_unescape(tm.group(1)).split()) or None) if tm else None
        for lm in re.finditer(r"<location\b[^>]*>(.*?)</location", block, re.S | re.I):
            url = _resolve(_unescape(lm.group(1)), base_url)
            if url is not None:
                yield StreamRef(url, title=title)


def _href(attrib: dict[str, str]) -> str | None:
    for key, value in attrib.items():
        if _local(key) == "href":
            return value
    return None


def _parse_asx(text: str, base_url: str) -> Iterable[StreamRef]:
    if text.lstrip("\ufeff \t\r\n").lower().startswith("[reference]"):
        yield from _parse_asx_ini(text, base_url)
        return
    root = _xml_root(text)
    if root is not None and _local(root.tag) == "asx":
        yield from _walk_asx(root, None, base_url)
        return
    yield from _parse_asx_sloppy(text, base_url)


def _walk_asx(el: ET.Element, title: str | None, base_url: str) -> Iterable[StreamRef]:
    for child in el:
        tag = _local(child.tag)
        if tag == "entry":
            yield from _walk_asx(child, _child_text(child, "title"), base_url)
        elif tag in ("ref", "entryref"):
            href = _href(child.attrib)
            url = _resolve(href, base_url) if href else None
            if url is not None:
                yield StreamRef(url, title=title)
        elif tag in ("repeat", "event"):
            yield from _walk_asx(child, title, base_url)


_ASX_TOKEN_RE = re.compile(r"<\s*(/?)\s*(entryref|entry|ref|title)\b([^>]*)>", re.I)
_HREF_RE = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def _parse_asx_sloppy(text: str, base_url: str) -> Iterable[StreamRef]:
    """Real-world ASX is often not XML (mixed-case end tags, bare `&`, unquoted attributes)."""
    in_entry = False
    title: str | None = None
    for m in _ASX_TOKEN_RE.finditer(text):
        closing, tag, attrs = m.group(1), m.group(2).lower(), m.group(3)
        if tag == "entry":
            in_entry = not closing
            title = None
        elif tag == "title" and not closing and in_entry:
            end = text.find("<", m.end())
            raw_title = text[m.end() : end if end >= 0 else len(text)]
            title = " ".join(_unescape(raw_title).split()) or None
        elif tag in ("ref", "entryref") and not closing:
            hm = _HREF_RE.search(attrs)
            if not hm:
                continue
            href = next(g for g in hm.groups() if g is not None)
            if hm.group(3) is not None and href.endswith("/") and attrs.rstrip().endswith("/"):
                href = href[:-1]  # `<ref href=http://x/y/>`: the slash closes the tag
            url = _resolve(_unescape(href), base_url)
            if url is not None:
                yield StreamRef(url, title=title if in_entry else None)
