"""The stations.json and icons shipped with the app."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from maliradio import paths
from maliradio.catalog.models import COUNTRIES, is_stream_url
from maliradio.catalog.stations import Catalog

EXPECTED = {
    "ortm1": ("ORTM 1", "ML", "tv"),
    "ortm2": ("ORTM 2", "ML", "tv"),
    "radio-mali": ("Radio Mali – Chaîne nationale", "ML", "radio"),
    "ortm-chaine2": ("ORTM Chaîne 2", "ML", "radio"),
    "rtb-tele": ("RTB Télé", "BF", "tv"),
    "rtb2": ("RTB2", "BF", "tv"),
    "rtb3": ("RTB3", "BF", "tv"),
    "radio-burkina": ("Radio Burkina", "BF", "radio"),
    "tele-sahel": ("Télé Sahel", "NE", "tv"),
    "tal-tv": ("Tal TV", "NE", "tv"),
    "voix-du-sahel": ("Voix du Sahel", "NE", "radio"),
    "africable": ("Africable", "ML", "tv"),
    "radio-kledu": ("Radio Klédu", "ML", "radio"),
    "rfi-afrique": ("RFI Afrique", "INT", "radio"),
    "rfi-mandenkan": ("RFI Mandenkan", "INT", "radio"),
    "voa-bambara": ("VOA Bambara", "INT", "radio"),
}

ICONS = [
    "maliradio",
    "radio",
    "tv",
    "star",
    "star-outline",
    "play",
    "stop",
    "volume",
    "mute",
    "refresh",
    "no-stream",
]


def test_bundled_file_loads_without_errors_and_lists_every_station() -> None:
    cat = Catalog.load()
    assert cat.errors == []
    assert {s.id: (s.name, s.country, s.kind) for s in cat.stations} == EXPECTED
    assert not any(s.user for s in cat.stations)


def test_bundled_file_is_the_documented_format() -> None:
    raw = json.loads(paths.resource("stations.json").read_text(encoding="utf-8"))
    assert raw["version"] == 1
    for entry in raw["stations"]:
        assert set(entry) <= {
            "id",
            "name",
            "country",
            "kind",
            "languages",
            "logo",
            "homepage",
            "streams",
            "note",
        }
        for stream in entry["streams"]:
            assert set(stream) <= {"url", "user_agent", "referrer"}


def test_every_bundled_address_is_usable() -> None:
    cat = Catalog.load()
    for s in cat.stations:
        assert s.languages, s.id
        assert all(code == code.lower() and 2 <= len(code) <= 3 for code in s.languages)
        assert s.homepage is None or s.homepage.startswith(("http://", "https://"))
        assert s.logo is None or s.logo.startswith(("http://", "https://"))
        for stream in s.streams:
            assert is_stream_url(stream.url), stream.url
            # rejected as tokenized or dead in the research notes
            assert "tvbaobab" not in stream.url
            assert "hdntl=" not in stream.url
            assert "repl.co" not in stream.url
            assert ":18000/" not in stream.url


def test_uvotv_addresses_are_only_last_fallbacks() -> None:
    for s in Catalog.load().stations:
        urls = [st.url for st in s.streams]
        uvo = [i for i, u in enumerate(urls) if "uvotv" in u]
        assert all(i >= len(urls) - len(uvo) for i in uvo), s.id
        if urls:
            assert "uvotv" not in urls[0], s.id


@pytest.mark.parametrize("station_id", ["voix-du-sahel", "radio-burkina"])
def test_stations_without_stream_are_listed_with_an_explanation(station_id: str) -> None:
    s = Catalog.load().get(station_id)
    assert s is not None
    assert not s.has_stream and s.streams == []
    assert s.note and "flux" in s.note
    assert s.homepage and s.homepage.startswith("http")


def test_stations_group_by_country_in_display_order() -> None:
    groups = Catalog.load().by_country()
    assert list(groups) == ["ML", "BF", "NE", "INT"] == list(COUNTRIES)
    assert [s.id for s in groups["NE"]] == ["tele-sahel", "tal-tv", "voix-du-sahel"]
    assert sum(len(v) for v in groups.values()) == 16


def test_to_json_gives_what_the_command_line_prints() -> None:
    s = Catalog.load().get("ortm1")
    assert s is not None
    data = s.to_json()
    json.dumps(data)  # plain JSON types only
    assert data["id"] == "ortm1" and data["name"] == "ORTM 1"
    assert data["country"] == "ML" and data["kind"] == "tv" and data["user"] is False
    assert data["urls"][0] == "https://cs2.push2stream.com/ORTM-DVR/playlist.m3u8"
    assert data["languages"] == ["fr", "bm"]
    assert data["homepage"] == "https://www.ortm.ml/ortm1"
    assert data["logo"].startswith("https://")


@pytest.mark.parametrize("name", ICONS)
def test_icons_are_24px_svgs_with_fixed_colours(name: str) -> None:
    path = paths.resource(f"icons/{name}.svg")
    text = path.read_text(encoding="utf-8")
    root = ET.fromstring(text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 24 24"
    assert "currentColor" not in text
    assert "#6b7280" in text or "#d97706" in text or name == "maliradio"


def test_catalog_modules_do_not_import_qt() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import maliradio.catalog.models, maliradio.catalog.stations, maliradio.catalog.playlists\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'vlc'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
