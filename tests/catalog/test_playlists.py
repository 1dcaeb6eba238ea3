"""Sniffing what a stream address answers, and reading the playlists radios hand out."""

from __future__ import annotations

import pytest

from maliradio.catalog.models import StreamRef
from maliradio.catalog.playlists import decode_text, parse, sniff

HLS_MASTER = b"""#EXTM3U
#EXT-X-VERSION:3
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2"
360p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1400000,RESOLUTION=1280x720,CODECS="avc1.4d401f,mp4a.40.2"
720p/index.m3u8
"""

HLS_MEDIA = b"""#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:6
#EXT-X-MEDIA-SEQUENCE:48213
#EXTINF:6.000,
media_48213.ts
#EXTINF:6.000,
media_48214.ts
#EXTINF:6.000,
media_48215.ts
"""

# iptv-org style: a list of channels, served as .m3u8 with the HLS content type
IPTV_LIST = b"""#EXTM3U x-tvg-url="https://example.org/guide.xml"
#EXTINF:-1 tvg-id="ORTM1.ml@SD" tvg-logo="https://i.imgur.com/eKUpcls.png" \
group-title="General",ORTM 1 (540p) [Not 24/7]
#EXTVLCOPT:http-user-agent=Mozilla/5.0 (Windows NT 10.0; Win64; x64)
#EXTVLCOPT:http-referrer=https://www.ortm.ml/
https://cs2.push2stream.com/ORTM-DVR/playlist.m3u8
#EXTINF:-1 tvg-id="ORTM2.ml" tvg-name="ORTM 2, Bamako",ORTM 2 (720p)
#EXTVLCOPT:network-caching=2000
http://69.64.57.208/tm2/playlist.m3u8
"""

PLS_OUT_OF_ORDER = b"""[playlist]
NumberOfEntries=4
File3=http://s3.example.net:8000/
Title3=Secours 2
File1=http://s1.example.net:8000/;stream.mp3
Title1=(#1 - 12/500) Radio Kl\xc3\xa9du
Length1=-1
File10=http://s10.example.net/live
File2=http://s2.example.net:8000/
Version=2
"""

XSPF = b"""<?xml version="1.0" encoding="UTF-8"?>
<playlist version="1" xmlns="http://xspf.org/ns/0/">
  <title>RFI</title>
  <trackList>
    <track>
      <location>https://live-reflector.ice.infomaniak.ch/rfiafrique-96k.mp3</location>
      <title>RFI Afrique</title>
    </track>
    <track>
      <title>RFI Mandenkan</title>
      <location>mandenkan/live.mp3?format=mp3&amp;q=96</location>
    </track>
    <track><location>javascript:alert(1)</location></track>
  </trackList>
</playlist>
"""

ASX_UPPER = b"""<ASX VERSION="3.0">
  <TITLE>Radio du Sahel</TITLE>
  <ENTRY>
    <TITLE>Direct</TITLE>
    <REF HREF="mms://wm.example.net/sahel" />
    <Ref Href="http://wm.example.net/sahel?MSWMExt=.asf&amp;x=1" />
  </ENTRY>
  <EntryRef HREF="more.asx"/>
</ASX>
"""

ASX_SLOPPY = b"""<asx version=3.0>
<Entry><Title>Direct & Co</Title>
<ref href=http://wm.example.net/live?a=1&notify=2>
<REF HREF='mms://wm.example.net/live'/>
</ENTRY>
<entryref href="http://wm.example.net/next.asx">
</ASX>
"""

HTML_PAGE = b"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>RTB - Radio en direct</title></head>
<body><audio src="https://example.org/x.mp3"></audio></body></html>
"""


# -- sniff ----------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [HLS_MASTER, HLS_MEDIA])
@pytest.mark.parametrize(
    ("ctype", "url"),
    [
        ("application/vnd.apple.mpegurl", "https://cdn.example/live/playlist.m3u8"),
        ("audio/x-mpegurl", "https://cdn.example/live/manifest"),
        ("text/plain", "https://cdn.example/live.m3u?token=abc"),
        (None, "https://cdn.example/live"),
    ],
)
def test_hls_playlists_are_hls_whatever_they_are_called(
    body: bytes, ctype: str | None, url: str
) -> None:
    assert sniff(body, ctype, url) == "hls"


@pytest.mark.parametrize(
    ("ctype", "url"),
    [
        ("application/vnd.apple.mpegurl", "https://iptv.example/streams/ml.m3u8"),
        ("audio/mpegurl", "https://iptv.example/streams/ml.m3u8"),
        ("application/octet-stream", "https://iptv.example/get.php?type=m3u"),
        (None, "https://iptv.example/list"),
    ],
)
def test_plain_m3u_list_is_m3u_even_when_served_as_hls(ctype: str | None, url: str) -> None:
    assert sniff(IPTV_LIST, ctype, url) == "m3u"


def test_bare_list_of_urls_is_m3u() -> None:
    body = b"http://radio.example.net:8000/live\r\nhttps://backup.example.net/live.mp3\r\n"
    assert sniff(body, "text/plain", "http://radio.example.net/listen") == "m3u"


@pytest.mark.parametrize(
    ("body", "ctype", "url", "kind"),
    [
        (PLS_OUT_OF_ORDER, "audio/x-scpls", "http://r.example/listen.pls", "pls"),
        (PLS_OUT_OF_ORDER, "text/html", "http://r.example/listen", "pls"),
        (b"[Playlist]\nfile1=http://a.example/\n", None, "", "pls"),
        (XSPF, "application/xspf+xml", "http://r.example/a.xspf", "xspf"),
        (XSPF, "text/xml", "http://r.example/a", "xspf"),
        (ASX_UPPER, "video/x-ms-asf", "http://r.example/live", "asx"),
        (ASX_SLOPPY, None, "http://r.example/live.asx", "asx"),
        (b"<!-- generated -->\n<asx version='3.0'><entry/></asx>", "text/xml", "", "asx"),
        (b"[Reference]\r\nRef1=http://wm.example/live?MSWMExt=.asf\r\n", None, "", "asx"),
        (HTML_PAGE, "text/html; charset=utf-8", "https://www.rtb.bf/radio", "html"),
        # an error page behind a playlist address is still a web page
        (HTML_PAGE, "application/vnd.apple.mpegurl", "https://cdn.example/a.m3u8", "html"),
        (b"<html><body>404</body></html>", None, "http://r.example/a.pls", "html"),
    ],
)
def test_sniff_by_content(body: bytes, ctype: str | None, url: str, kind: str) -> None:
    assert sniff(body, ctype, url) == kind


MP3_FRAME = b"\xff\xfb\x90\x64" + bytes(range(256)) * 4
ADTS_FRAME = b"\xff\xf1\x50\x80\x02\x1f\xfc" + b"\x21\x00" * 300
TS_PACKETS = (b"\x47\x40\x00\x10" + b"\xff" * 184) * 3


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (MP3_FRAME, "text/html"),  # a Shoutcast v1 server mislabelling its stream
        (ADTS_FRAME, None),
        (b"ID3\x04\x00\x00\x00\x00\x00\x23TSSE" + b"\x00" * 40, None),
        (b"OggS\x00\x02" + b"\x00" * 60, None),
        (b"FLV\x01\x05\x00\x00\x00\x09", None),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", None),
        (TS_PACKETS, "application/octet-stream"),
        (b"ICY 200 OK\r\nicy-name:Radio Kledu\r\nicy-metaint:16000\r\n\r\n", None),
        (b"", "audio/mpeg"),
        (b"", "audio/aacp"),
        (b"", "application/ogg"),
        (b"", "video/mp2t"),
        (b'<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011">', None),
        (b"\x12\x8a\x00\x91\x03\x07binary\x00\x00garbage" * 10, None),
    ],
)
def test_media_is_recognised(body: bytes, ctype: str | None) -> None:
    assert sniff(body, ctype, "http://radio.example.net:8000/") == "media"


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://r.example/live.m3u8", "hls"),
        ("http://r.example/live.m3u?x=1", "m3u"),
        ("http://r.example/listen.pls", "pls"),
        ("http://r.example/a.xspf", "xspf"),
        ("http://r.example/a.ASX", "asx"),
        ("http://r.example/stream.mp3", "media"),
        ("http://r.example:8000/;stream.mp3", "media"),
        ("http://r.example/page.html", "html"),
        ("http://r.example/live", "unknown"),
        ("http://r.example/live.php", "unknown"),
    ],
)
def test_empty_answer_falls_back_to_the_extension(url: str, kind: str) -> None:
    assert sniff(b"", None, url) == kind
    assert sniff(b"", "application/octet-stream", url) == kind


def test_images_and_archives_are_not_streams() -> None:
    assert sniff(b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, "image/png", "http://a/b.mp3") == "unknown"
    assert sniff(b"\x1f\x8b\x08\x00" + b"\x00" * 30, None, "http://a/b") == "unknown"


def test_only_the_head_of_a_big_body_is_read() -> None:
    body = b"#EXTM3U\n" + b"#EXTINF:-1,x\nhttp://a.example/x\n" * 2000 + b"#EXT-X-ENDLIST\n"
    assert sniff(body, None, "") == "m3u"


# -- parse ----------------------------------------------------------------------------------


def test_hls_and_media_give_the_address_itself() -> None:
    url = "https://cs2.push2stream.com/ORTM-DVR/playlist.m3u8"
    assert parse("hls", HLS_MASTER, url) == [StreamRef(url)]
    assert parse("media", MP3_FRAME, "http://r.example:8000/") == [
        StreamRef("http://r.example:8000/")
    ]
    assert parse("unknown", b"", "http://r.example/live") == [StreamRef("http://r.example/live")]
    assert parse("html", HTML_PAGE, "https://www.rtb.bf/radio") == []


@pytest.mark.parametrize("body", [HLS_MASTER, HLS_MEDIA])
def test_hls_read_as_m3u_is_never_split_into_variants_or_segments(body: bytes) -> None:
    url = "https://cdn.example/live/index.m3u8"
    assert parse("m3u", body, url) == [StreamRef(url)]


def test_m3u_with_extvlcopt_headers_and_titles() -> None:
    refs = parse("m3u", IPTV_LIST, "https://iptv.example/streams/ml.m3u8")
    assert refs == [
        StreamRef(
            "https://cs2.push2stream.com/ORTM-DVR/playlist.m3u8",
            user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
            referrer="https://www.ortm.ml/",
            title="ORTM 1 (540p) [Not 24/7]",
        ),
        StreamRef(
            "http://69.64.57.208/tm2/playlist.m3u8",
            options=(":network-caching=2000",),
            title="ORTM 2 (720p)",
        ),
    ]


def test_m3u_with_bom_crlf_and_relative_urls() -> None:
    body = (
        b"\xef\xbb\xbf#EXTM3U\r\n#EXTINF:-1,Radio Kl\xc3\xa9du\r\nstream.mp3\r\n\r\n"
        b"../live/aac\r\n/abs/path.ogg\r\n//other.example/x.mp3\r\nmy stream.mp3\r\n"
    )
    base = "http://radio.example/listen/kledu.m3u"
    assert sniff(body, None, base) == "m3u"
    refs = parse("m3u", body, base)
    assert [r.url for r in refs] == [
        "http://radio.example/listen/stream.mp3",
        "http://radio.example/live/aac",
        "http://radio.example/abs/path.ogg",
        "http://other.example/x.mp3",
        "http://radio.example/listen/my%20stream.mp3",
    ]
    assert refs[0].title == "Radio Klédu" and refs[1].title is None


def test_m3u_in_latin1() -> None:
    body = b"#EXTM3U\n#EXTINF:-1,Radio Kl\xe9du \x96 Bamako\nhttp://kledu.example/live\n"
    assert sniff(body, None, "http://kledu.example/kledu.m3u") == "m3u"
    assert parse("m3u", body, "http://kledu.example/kledu.m3u") == [
        StreamRef("http://kledu.example/live", title="Radio Klédu – Bamako")
    ]


def test_m3u_junk_lines_and_foreign_schemes_are_ignored() -> None:
    body = b"""#EXTM3U
Playlist generated by SuperRadio 2.0
#EXTVLCOPT:http-user-agent=VLC/3.0.20 LibVLC/3.0.20
javascript:alert(document.cookie)
file:///etc/passwd
<a href="http://x">lien</a>
C:\\Musique\\radio.mp3
data:audio/mp3;base64,AAAA
#KODIPROP:inputstream=inputstream.adaptive
#EXTGRP:Mali
rtmp://live.example/app/stream
http://ok.example/a
"""
    refs = parse("m3u", body, "http://list.example/a.m3u")
    # the user agent waits for the next real entry, and only that one
    assert refs == [
        StreamRef("rtmp://live.example/app/stream", user_agent="VLC/3.0.20 LibVLC/3.0.20"),
        StreamRef("http://ok.example/a"),
    ]


def test_m3u_other_header_notations() -> None:
    body = (
        b"#EXTM3U\n"
        b'#EXTHTTP:{"User-Agent":"Lavf/60","Referer":"https://tele.example/"}\n'
        b"https://tele.example/a.m3u8\n"
        b"https://tele.example/b.m3u8|User-Agent=Mozilla%2F5.0&Referer=https://b.example/\n"
        b"#EXTVLCOPT:--http-reconnect\n"
        b"https://tele.example/c.m3u8\n"
        b"https://tele.example/c.m3u8\n"
    )
    assert parse("m3u", body, "") == [
        StreamRef(
            "https://tele.example/a.m3u8", user_agent="Lavf/60", referrer="https://tele.example/"
        ),
        StreamRef(
            "https://tele.example/b.m3u8", user_agent="Mozilla/5.0", referrer="https://b.example/"
        ),
        StreamRef("https://tele.example/c.m3u8", options=(":http-reconnect",)),
        StreamRef("https://tele.example/c.m3u8"),
    ]


def test_relative_entries_need_a_base() -> None:
    assert parse("m3u", b"stream.mp3\nhttp://a.example/x\n", "") == [
        StreamRef("http://a.example/x")
    ]


def test_duplicates_are_dropped() -> None:
    body = b"http://a.example/x\nhttp://a.example/x\nhttp://b.example/y\n"
    assert [r.url for r in parse("m3u", body, "")] == ["http://a.example/x", "http://b.example/y"]


def test_pls_entries_in_numeric_order_with_titles() -> None:
    refs = parse("pls", PLS_OUT_OF_ORDER, "http://r.example/listen.pls")
    assert refs == [
        StreamRef("http://s1.example.net:8000/;stream.mp3", title="(#1 - 12/500) Radio Klédu"),
        StreamRef("http://s2.example.net:8000/"),
        StreamRef("http://s3.example.net:8000/", title="Secours 2"),
        StreamRef("http://s10.example.net/live"),
    ]


def test_pls_sloppy_spacing_case_and_relative_entries() -> None:
    body = b"[playlist]\r\nfile2 = relais.mp3\r\nFILE1 = http://a.example/live?x=1&y=2\r\njunk\r\n"
    assert [r.url for r in parse("pls", body, "http://r.example/radio/a.pls")] == [
        "http://a.example/live?x=1&y=2",
        "http://r.example/radio/relais.mp3",
    ]


def test_xspf_locations_and_titles() -> None:
    refs = parse("xspf", XSPF, "https://r.example/lists/rfi.xspf")
    assert refs == [
        StreamRef(
            "https://live-reflector.ice.infomaniak.ch/rfiafrique-96k.mp3", title="RFI Afrique"
        ),
        StreamRef(
            "https://r.example/lists/mandenkan/live.mp3?format=mp3&q=96", title="RFI Mandenkan"
        ),
    ]


def test_xspf_cut_short_is_read_with_the_fallback() -> None:
    cut = XSPF[: XSPF.index(b"<track><location>javascript")]
    refs = parse("xspf", cut, "https://r.example/lists/rfi.xspf")
    assert [r.title for r in refs] == ["RFI Afrique", "RFI Mandenkan"]
    assert refs[1].url == "https://r.example/lists/mandenkan/live.mp3?format=mp3&q=96"


def test_asx_with_uppercase_tags() -> None:
    refs = parse("asx", ASX_UPPER, "http://r.example/radio/live.asx")
    assert refs == [
        StreamRef("mms://wm.example.net/sahel", title="Direct"),
        StreamRef("http://wm.example.net/sahel?MSWMExt=.asf&x=1", title="Direct"),
        StreamRef("http://r.example/radio/more.asx"),
    ]


def test_sloppy_asx_uses_the_regex_reader() -> None:
    refs = parse("asx", ASX_SLOPPY, "http://r.example/live.asx")
    assert refs == [
        StreamRef("http://wm.example.net/live?a=1&notify=2", title="Direct & Co"),
        StreamRef("mms://wm.example.net/live", title="Direct & Co"),
        StreamRef("http://wm.example.net/next.asx"),
    ]


def test_asx_ini_variant() -> None:
    body = (
        b"[Reference]\r\nRef2=mms://wm.example/live\r\nRef1=http://wm.example/live?MSWMExt=.asf\r\n"
    )
    assert [r.url for r in parse("asx", body, "")] == [
        "http://wm.example/live?MSWMExt=.asf",
        "mms://wm.example/live",
    ]


def test_xml_entities_are_not_expanded() -> None:
    body = b"""<?xml version="1.0"?>
<!DOCTYPE asx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<asx version="3.0"><entry><ref href="http://a.example/&b;"/></entry></asx>"""
    refs = parse("asx", body, "")
    assert all("aaaa" not in r.url for r in refs)


def test_decode_text() -> None:
    assert decode_text("Klédu".encode()) == "Klédu"
    assert decode_text("\ufeffKlédu".encode()) == "Klédu"
    assert decode_text("Klédu".encode("cp1252")) == "Klédu"
    assert decode_text("Klédu".encode("utf-16")) == "Klédu"
    assert decode_text(b"\x81\x8d") == "\x81\x8d"  # bytes undefined in cp1252: Latin-1
    # the first few KB may end inside a UTF-8 character: the rest is still UTF-8
    assert decode_text("Télé Sahel é".encode()[:-1]) == "Télé Sahel "
