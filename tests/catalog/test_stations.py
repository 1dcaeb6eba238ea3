"""Loading, validating and editing the station catalogue."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from maliradio import paths
from maliradio.catalog.models import Station, StreamRef
from maliradio.catalog.stations import Catalog, CatalogError, CatalogSaveError

BUNDLED = paths.resource("stations.json")


def station(sid: str, **over: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": sid,
        "name": sid.upper(),
        "country": "ML",
        "kind": "radio",
        "languages": ["fr"],
        "streams": [{"url": f"https://example.org/{sid}.mp3"}],
    }
    rec.update(over)
    return rec


def write(path: Path, stations: list[Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "stations": stations}), encoding="utf-8")
    return path


def errors_for(cat: Catalog, field: str) -> list[CatalogError]:
    return [e for e in cat.errors if e.field == field]


# -- loading --------------------------------------------------------------------------------


def test_default_user_file_is_in_maliradio_home(maliradio_home: Path) -> None:
    cat = Catalog.load()
    cat.add_user_station("Ma radio", "http://radio.example/stream")
    assert (maliradio_home / "config" / "stations.json").is_file()
    assert cat.user_path == paths.user_stations_file()


def test_missing_user_file_is_normal(tmp_path: Path) -> None:
    cat = Catalog.load(user=tmp_path / "absent.json")
    assert cat.errors == [] and len(cat.stations) == 16


def test_user_file_that_is_not_json_gives_one_error_and_the_bundled_stations_load(
    tmp_path: Path,
) -> None:
    user = tmp_path / "stations.json"
    user.write_text('{"version": 1,\n  "stations": [ {"id": "x", }\n', encoding="utf-8")
    cat = Catalog.load(user=user)
    assert len(cat.errors) == 1
    text = str(cat.errors[0])
    assert str(user) in text and "JSON" in text and "ligne 2" in text and "colonne" in text
    assert len(cat.stations) == 16


def test_bundled_file_that_is_not_json_still_lets_the_user_stations_load(tmp_path: Path) -> None:
    bundled = tmp_path / "bundled.json"
    bundled.write_text("<html>oops</html>", encoding="utf-8")
    user = write(tmp_path / "user.json", [station("mine")])
    cat = Catalog.load(bundled=bundled, user=user)
    assert [e.file for e in cat.errors] == [str(bundled)]
    assert [s.id for s in cat.stations] == ["mine"]
    assert cat.stations[0].user


def test_missing_bundled_file_is_reported(tmp_path: Path) -> None:
    cat = Catalog.load(bundled=tmp_path / "nope.json", user=tmp_path / "u.json")
    assert len(cat.errors) == 1 and "introuvable" in str(cat.errors[0])
    assert cat.stations == []


def test_file_not_in_utf8_is_reported(tmp_path: Path) -> None:
    bundled = tmp_path / "b.json"
    bundled.write_bytes('{"version": 1, "stations": [{"name": "Klédu"}]}'.encode("latin-1"))
    cat = Catalog.load(bundled=bundled, user=tmp_path / "u.json")
    assert len(cat.errors) == 1 and "UTF-8" in str(cat.errors[0])


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ('"just a string"', ""),
        ('{"version": 1}', "stations"),
        ('{"version": 1, "stations": {"id": "x"}}', "stations"),
    ],
)
def test_wrong_top_level_is_reported(tmp_path: Path, content: str, field: str) -> None:
    bundled = tmp_path / "b.json"
    bundled.write_text(content, encoding="utf-8")
    cat = Catalog.load(bundled=bundled, user=tmp_path / "u.json")
    assert len(cat.errors) == 1
    assert cat.errors[0].file == str(bundled) and cat.errors[0].field == field


def test_a_bare_list_of_stations_is_accepted(tmp_path: Path) -> None:
    bundled = tmp_path / "b.json"
    bundled.write_text(json.dumps([station("a")]), encoding="utf-8")
    cat = Catalog.load(bundled=bundled, user=tmp_path / "u.json")
    assert cat.errors == [] and [s.id for s in cat.stations] == ["a"]


def test_invalid_entries_are_skipped_with_errors_naming_file_and_field(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bundled = write(
        tmp_path / "stations.json",
        [
            station("good1"),
            station("badname", name=5),
            station("tele", kind="tele"),
            {k: v for k, v in station("nokind").items() if k != "kind"},
            station("france", country="FR"),
            42,
            station("good2", streams=["ftp://example.org/x.mp3", "https://ok.example/s"]),
            station("good1"),
            station("bad id!"),
            station("langs", languages="fr"),
            station("streamsobj", streams={"url": "https://x.example/"}),
        ],
    )
    with caplog.at_level(logging.WARNING, logger="maliradio.catalog"):
        cat = Catalog.load(bundled=bundled, user=tmp_path / "u.json")

    assert [s.id for s in cat.stations] == ["good1", "good2", "langs", "streamsobj"]
    by_index = {e.index: e for e in cat.errors}
    assert all(e.file == str(bundled) for e in cat.errors)

    assert by_index[2].field == "name" and "texte attendu" in by_index[2].message
    assert str(by_index[3]) == (
        f"{bundled} : station n°3 (tele), champ « kind » : « tele » n'est pas « tv » ou « radio »"
    )
    assert by_index[4].field == "kind" and "manquant" in by_index[4].message
    assert by_index[5].field == "country" and "« FR »" in by_index[5].message
    assert by_index[6].field == "" and "objet JSON attendu" in str(by_index[6])
    assert by_index[7].field == "streams" and "ftp://example.org/x.mp3" in by_index[7].message
    assert by_index[8].field == "id" and "déjà utilisé par la station n°1" in by_index[8].message
    assert by_index[9].field == "id"
    assert by_index[10].field == "languages"
    assert by_index[11].field == "streams"

    # a bad stream or optional field is dropped, the station stays listed
    good2 = cat.get("good2")
    assert good2 is not None and [s.url for s in good2.streams] == ["https://ok.example/s"]
    langs = cat.get("langs")
    assert langs is not None and langs.languages == [] and langs.has_stream
    assert cat.get("streamsobj") is not None and not cat.get("streamsobj").has_stream  # type: ignore[union-attr]
    # every problem is in the log for the user to find
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == len(cat.errors)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "not a url",
        "http://",
        "https://exa mple.org/x",
        "",
    ],
)
def test_bad_stream_urls_are_rejected(tmp_path: Path, url: str) -> None:
    bundled = write(tmp_path / "b.json", [station("a", streams=[{"url": url}])])
    cat = Catalog.load(bundled=bundled, user=tmp_path / "u.json")
    assert [e.field for e in cat.errors] == ["streams"]
    assert cat.stations[0].streams == []


def test_stream_headers_and_options_are_read(tmp_path: Path) -> None:
    bundled = write(
        tmp_path / "b.json",
        [
            station(
                "a",
                streams=[
                    {
                        "url": "https://tv.example/live.m3u8",
                        "user_agent": "Mozilla/5.0",
                        "referrer": "https://tv.example/",
                        "options": ["network-caching=3000"],
                    },
                    "rtmp://tv.example/live/a",
                    "mms://wm.example/radio",
                    "rtsp://cam.example/live",
                ],
                country="bf",
                kind="TV",
            )
        ],
    )
    cat = Catalog.load(bundled=bundled, user=tmp_path / "u.json")
    assert cat.errors == []
    s = cat.stations[0]
    assert s.country == "BF" and s.kind == "tv"
    assert s.streams[0] == StreamRef(
        "https://tv.example/live.m3u8",
        user_agent="Mozilla/5.0",
        referrer="https://tv.example/",
        options=(":network-caching=3000",),
    )
    assert [x.url.split(":")[0] for x in s.streams] == ["https", "rtmp", "mms", "rtsp"]


# -- the user's stations --------------------------------------------------------------------


def test_add_edit_remove_persist_across_loads(tmp_path: Path) -> None:
    user = tmp_path / "cfg" / "stations.json"
    cat = Catalog.load(user=user)
    added = cat.add_user_station("  Radio  Klédu FM ", "https://stream.example/kledu ")
    assert added.id == "user-radio-kledu-fm"
    assert added.name == "Radio Klédu FM" and added.user and added.country == "INT"
    assert added.kind == "radio" and added.streams == [StreamRef("https://stream.example/kledu")]
    twin = cat.add_user_station("Radio Klédu FM", "http://other.example/", "tv", "ml")
    assert twin.id == "user-radio-kledu-fm-2" and twin.kind == "tv" and twin.country == "ML"
    assert cat.get(twin.id) is twin and cat.stations[-1] is twin
    assert twin in cat.by_country()["ML"]

    on_disk = json.loads(user.read_text(encoding="utf-8"))
    assert on_disk["version"] == 1
    assert [s["id"] for s in on_disk["stations"]] == [added.id, twin.id]

    cat2 = Catalog.load(user=user)
    assert cat2.errors == []
    s = cat2.get("user-radio-kledu-fm")
    assert s is not None and s.user and s.name == "Radio Klédu FM"
    assert s.streams[0].url == "https://stream.example/kledu"

    cat2.update_user_station(s.id, name="Klédu", url="http://new.example/live", languages=["bm"])
    cat3 = Catalog.load(user=user)
    s3 = cat3.get("user-radio-kledu-fm")
    assert s3 is not None
    assert (s3.name, s3.streams[0].url, s3.languages) == (
        "Klédu",
        "http://new.example/live",
        ["bm"],
    )

    cat3.remove_user_station("user-radio-kledu-fm")
    cat4 = Catalog.load(user=user)
    assert cat4.get("user-radio-kledu-fm") is None
    assert cat4.get("user-radio-kledu-fm-2") is not None
    assert len(cat4.stations) == 17
    # atomic writes leave no temporary file behind
    assert sorted(p.name for p in user.parent.iterdir()) == ["stations.json"]


def test_new_id_avoids_every_known_id(tmp_path: Path) -> None:
    cat = Catalog.load(user=tmp_path / "u.json")
    assert cat.add_user_station("ORTM 1", "http://a.example/").id == "user-ortm-1"
    assert cat.add_user_station("!!!", "http://a.example/").id == "user-station"
    assert cat.add_user_station("Télé Sahel", "http://a.example/").id == "user-tele-sahel"


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"name": "  ", "url": "http://a.example/"}, "nom"),
        ({"name": "A", "url": ""}, "vide"),
        ({"name": "A", "url": "javascript:alert(1)"}, "adresse de flux valide"),
        ({"name": "A", "url": "file:///home/moi/a.mp3"}, "http://"),
        ({"name": "A", "url": "ftp://a.example/x"}, "rtsp://"),
        ({"name": "A", "url": "http://a.example/", "kind": "tele"}, "« tv » ou « radio »"),
        ({"name": "A", "url": "http://a.example/", "country": "FR"}, "pays"),
        ({"name": "A" * 201, "url": "http://a.example/"}, "trop long"),
    ],
)
def test_add_rejects_bad_input_in_french(
    tmp_path: Path, kwargs: dict[str, str], words: str
) -> None:
    user = tmp_path / "u.json"
    cat = Catalog.load(user=user)
    with pytest.raises(ValueError, match=words):
        cat.add_user_station(**kwargs)
    assert len(cat.stations) == 16 and not user.exists()


def test_update_and_remove_reject_bad_input(tmp_path: Path) -> None:
    cat = Catalog.load(user=tmp_path / "u.json")
    s = cat.add_user_station("A", "http://a.example/")
    with pytest.raises(ValueError, match="Station inconnue"):
        cat.update_user_station("nope", name="B")
    with pytest.raises(ValueError, match="Champ inconnu"):
        cat.update_user_station(s.id, colour="red")
    with pytest.raises(ValueError, match="ne peut pas être modifié"):
        cat.update_user_station(s.id, id="other")
    with pytest.raises(ValueError, match="adresse de flux valide"):
        cat.update_user_station(s.id, url="javascript:void(0)")
    with pytest.raises(ValueError, match="Site web"):
        cat.update_user_station(s.id, homepage="ftp://x")
    with pytest.raises(ValueError, match="Station inconnue"):
        cat.remove_user_station("nope")
    with pytest.raises(ValueError, match="catalogue fourni"):
        cat.remove_user_station("ortm1")
    assert cat.get(s.id) == s


def test_user_stations_survive_a_corrupt_neighbour_entry(tmp_path: Path) -> None:
    user = write(
        tmp_path / "u.json",
        [
            station("user-keep"),
            station("user-broken", kind="tele", note="à corriger à la main"),
            station("user-edit"),
        ],
    )
    cat = Catalog.load(user=user)
    assert [e.station_id for e in cat.errors] == ["user-broken"]
    assert cat.get("user-keep") is not None and cat.get("user-broken") is None

    cat.add_user_station("Nouvelle", "https://new.example/")
    cat.update_user_station("user-edit", name="Modifiée")
    # "user-broken" is taken by the unreadable entry: a new station never reuses its id
    assert cat.add_user_station("Broken", "http://b.example/").id == "user-broken-2"

    on_disk = json.loads(user.read_text(encoding="utf-8"))["stations"]
    assert station("user-broken", kind="tele", note="à corriger à la main") in on_disk
    assert station("user-keep") in on_disk  # untouched entries are written back as they were

    cat2 = Catalog.load(user=user)
    assert [e.station_id for e in cat2.errors] == ["user-broken"]
    names = {s.id: s.name for s in cat2.stations if s.user}
    assert names == {
        "user-keep": "USER-KEEP",
        "user-edit": "Modifiée",
        "user-nouvelle": "Nouvelle",
        "user-broken-2": "Broken",
    }


def test_unreadable_user_file_is_kept_aside_before_being_replaced(tmp_path: Path) -> None:
    user = tmp_path / "stations.json"
    user.write_text('{"stations": [ {"id": "ma-radio", "name": "Ma radio"', encoding="utf-8")
    cat = Catalog.load(user=user)
    cat.add_user_station("Nouvelle", "http://a.example/")
    backups = list(tmp_path.glob("stations.json.illisible-*"))
    assert len(backups) == 1
    assert backups[0].read_text(encoding="utf-8").startswith('{"stations": [ {"id": "ma-radio"')
    cat2 = Catalog.load(user=user)
    assert cat2.errors == [] and cat2.get("user-nouvelle") is not None


def test_user_station_overrides_bundled_one_in_place(tmp_path: Path) -> None:
    user = write(
        tmp_path / "u.json",
        [station("ortm1", name="ORTM 1 (mon flux)", kind="tv", streams=["http://mine.example/"])],
    )
    cat = Catalog.load(user=user)
    assert cat.errors == [] and len(cat.stations) == 16
    s = cat.get("ortm1")
    assert s is not None and s.user and s.name == "ORTM 1 (mon flux)"
    assert cat.stations[0] is s and cat.by_country()["ML"][0] is s
    bundled = cat.bundled_station("ortm1")
    assert bundled is not None and not bundled.user and bundled.name == "ORTM 1"

    cat.remove_user_station("ortm1")  # removing the override brings the bundled one back
    back = Catalog.load(user=user).get("ortm1")
    assert back is not None and not back.user and back.name == "ORTM 1"


def test_editing_a_bundled_station_creates_an_override(tmp_path: Path) -> None:
    user = tmp_path / "u.json"
    cat = Catalog.load(user=user)
    original = cat.get("tele-sahel")
    assert original is not None
    edited = cat.update_user_station("tele-sahel", url="https://mon-relais.example/ts.m3u8")
    assert edited.user and edited.name == "Télé Sahel"
    # the new address comes first, the bundled ones stay as fallbacks
    assert [s.url for s in edited.streams] == ["https://mon-relais.example/ts.m3u8"] + [
        s.url for s in original.streams[1:]
    ]
    reloaded = Catalog.load(user=user)
    assert reloaded.get("tele-sahel") == edited
    assert [s.id for s in reloaded.stations] == [s.id for s in cat.stations]


def test_update_replaces_streams_and_clears_fields(tmp_path: Path) -> None:
    cat = Catalog.load(user=tmp_path / "u.json")
    s = cat.add_user_station("A", "http://a.example/")
    s = cat.update_user_station(
        s.id,
        streams=[
            "http://b.example/",
            StreamRef("http://c.example/", user_agent="VLC"),
            {"url": "http://d.example/", "referrer": "http://d.example/page"},
        ],
        homepage="https://a.example/",
        logo="https://a.example/logo.png",
        note="Essai",
        kind="tv",
        country="NE",
    )
    again = Catalog.load(user=tmp_path / "u.json").get(s.id)
    assert again == s
    assert again is not None and again.streams[1].user_agent == "VLC"
    assert again.streams[2].referrer == "http://d.example/page"
    cleared = cat.update_user_station(s.id, homepage=None, note="", logo=None)
    assert (cleared.homepage, cleared.note, cleared.logo) == (None, None, None)


def test_failed_save_leaves_the_catalogue_unchanged(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    cat = Catalog.load(user=blocker / "stations.json")
    with pytest.raises(CatalogSaveError, match="Impossible d'enregistrer"):
        cat.add_user_station("A", "http://a.example/")
    assert len(cat.stations) == 16
    with pytest.raises(ValueError):  # callers catching ValueError see it too
        cat.update_user_station("ortm1", name="X")
    s = cat.get("ortm1")
    assert s is not None and s.name == "ORTM 1" and not s.user


def test_station_helpers() -> None:
    s = Station("x", "X", "BF", "radio")
    assert not s.has_stream and s.country_name == "Burkina Faso"
    s2 = Station("y", "Y", "NE", "tv", streams=[StreamRef("http://y.example/")], user=True)
    data = s2.to_json()
    assert data["urls"] == ["http://y.example/"] and data["user"] is True
    assert data["has_stream"] is True
