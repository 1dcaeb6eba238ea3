"""`maliradio news ...` through the real entry point, output read as a user would."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from newsfeeds import make_items, rss20

from maliradio.cli import main
from maliradio.news.store import NewsStore


@pytest.fixture
def home(tmp_path):
    """A user home whose bundled (internet) sources were removed, as a user may do."""
    store = NewsStore()
    for s in store.list_sources():
        store.remove_source(s.id)
    store.close()
    return tmp_path / "home"


def run(capsys, *args):
    code = main(["news", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_add_by_feed_or_site_url_list_and_remove(server, home, capsys):
    server.set("/feed", rss20(make_items(server.base, 2, "Flux"), title="Radio Test"))
    server.set(
        "/",
        '<html><head><link rel="alternate" type="application/rss+xml" title="Commentaires"'
        ' href="/comments/feed"><link rel="alternate" type="application/rss+xml" href="/f2">'
        "</head><body>Accueil</body></html>",
        content_type="text/html",
    )
    server.set("/f2", rss20(make_items(server.base, 1, "Site"), title="Le Site"))

    code, out, _ = run(capsys, "add", server.url("/feed"), "--country", "ML")
    assert code == 0 and "Source ajoutée : radio-test" in out
    code, out, _ = run(capsys, "add", server.url("/"))
    assert code == 0 and "le-site" in out and server.url("/f2") in out
    code, _, err = run(capsys, "add", server.url("/feed"))
    assert code == 1 and "déjà présente" in err

    code, out, _ = run(capsys, "sources", "--json")
    data = json.loads(out)
    assert [(s["id"], s["url"], s["enabled"], s["status"], s["error"]) for s in data] == [
        ("radio-test", server.url("/feed"), True, "new", ""),
        ("le-site", server.url("/f2"), True, "new", ""),
    ]
    assert data[0]["name"] == "Radio Test" and data[0]["country"] == "ML"
    code, out, _ = run(capsys, "sources")
    assert "Radio Test [ML] — jamais actualisée" in out

    assert run(capsys, "remove", "le-site")[0] == 0
    code, _, err = run(capsys, "remove", "le-site")
    assert code == 1 and "source inconnue : le-site" in err
    assert [s["id"] for s in json.loads(run(capsys, "sources", "--json")[1])] == ["radio-test"]


def test_add_errors_are_plain_sentences(server, home, capsys):
    server.set("/page", "<html><body>Pas de flux ici</body></html>", content_type="text/html")
    code, _, err = run(capsys, "add", server.url("/page"))
    assert code == 1 and "Aucun flux" in err
    code, _, err = run(capsys, "add", "http://127.0.0.1:9/rien", "--timeout", "2")
    assert code == 1 and "Connexion impossible" in err
    code, _, err = run(capsys, "add", "ftp://exemple.org/flux")
    assert code == 1 and "http" in err


def test_refresh_json_lines_and_304(server, home, capsys):
    server.set("/ok", rss20(make_items(server.base, 3, "Ok")), etag='"e1"')
    server.set("/ko", "panne", status=500, content_type="text/plain")
    store = NewsStore()
    store.add_source(server.url("/ok"), "ok")
    store.add_source(server.url("/ko"), "ko")
    store.close()

    code, out, _ = run(capsys, "refresh", "--json", "--no-full-text")
    lines = [json.loads(x) for x in out.splitlines()]
    assert code == 0  # one source failed, the other worked
    by = {x["source"]: x for x in lines}
    assert set(by) == {"ok", "ko"}
    for x in lines:
        assert {"source", "status", "new", "bytes", "error"} <= set(x)
    assert by["ok"]["status"] == "updated" and by["ok"]["new"] == 3 and by["ok"]["bytes"] > 500
    assert by["ko"]["status"] == "error" and "500" in by["ko"]["error"]

    code, out, _ = run(capsys, "refresh", "--source", "ok", "--json")
    (line,) = [json.loads(x) for x in out.splitlines()]
    # (both ways: the request ~300 bytes, the 304 ~100)
    assert line["status"] == "not-modified" and line["new"] == 0 and line["bytes"] < 500

    code, out, _ = run(capsys, "refresh", "--source", "ok")
    assert code == 0 and "ok : inchangé" in out and "Terminé : 0 nouvel(s) article(s)" in out
    code, out, _ = run(capsys, "refresh", "--source", "ko")
    assert code == 1 and "erreur — Le serveur a répondu 500" in out
    code, out, _ = run(capsys, "refresh", "--source", "nulle-part", "--json")
    assert code == 1 and json.loads(out)["error"] == "Source inconnue"


def test_list_and_show(server, home, capsys):
    items = make_items(server.base, 4, "Liste")
    items[-1].body = (
        "<p>Le fleuve Niger monte à Gao.</p><script>alert(1)</script>"
        '<p><a href="javascript:alert(1)">x</a><img src="/x.png" onerror="alert(2)"></p>'
    )
    server.set("/feed", rss20(items))
    store = NewsStore()
    store.add_source(server.url("/feed"), "liste", country="NE")
    store.close()
    assert run(capsys, "refresh", "--json", "--no-full-text")[0] == 0

    code, out, _ = run(capsys, "list", "--json")
    data = json.loads(out)
    assert [a["title"] for a in data] == ["Liste 4", "Liste 3", "Liste 2", "Liste 1"]
    for a in data:
        assert set(a) >= {"id", "source", "title", "link", "published", "read", "starred"}
        assert a["source"] == "liste" and a["read"] is False and a["starred"] is False
        datetime.fromisoformat(a["published"])
    assert data[0]["published"] > data[1]["published"]

    code, out, _ = run(capsys, "list", "--search", "fleuve", "--json")
    assert [a["title"] for a in json.loads(out)] == ["Liste 4"]
    assert len(json.loads(run(capsys, "list", "--limit", "2", "--json")[1])) == 2
    assert json.loads(run(capsys, "list", "--country", "ML", "--json")[1]) == []
    code, out, _ = run(capsys, "list")
    assert re.search(r"•\s+liste · il y a \d+ (h|jours?) — Liste 4|• liste · (hier|\d+ \w+)", out)

    art = data[0]["id"]
    code, out, _ = run(capsys, "show", str(art))
    assert code == 0 and "<h1>Liste 4</h1>" in out and "Le fleuve Niger monte à Gao." in out
    for bad in ("<script", "alert", "javascript:", "onerror"):
        assert bad not in out
    code, out, _ = run(capsys, "show", str(art), "--text")
    assert out.startswith("Liste 4\nliste — ") and "Le fleuve Niger monte à Gao." in out
    assert "<" not in out
    assert json.loads(run(capsys, "list", "--json")[1])[0]["read"] is True  # shown = read
    code, _, err = run(capsys, "show", "999999")
    assert code == 1 and "introuvable" in err
    code, _, err = run(capsys, "list", "--source", "inconnue")
    assert code == 1 and "source inconnue" in err


def test_opml_export_then_import(server, home, tmp_path, capsys, monkeypatch):
    store = NewsStore()
    store.add_source(server.url("/a"), "Alpha", country="ML", site_url=server.url("/"))
    store.add_source(server.url("/b?x=1&y=2"), "Bêta & Co", country="BF")
    store.close()
    opml = tmp_path / "sources.opml"
    code, out, _ = run(capsys, "export-opml", str(opml))
    assert code == 0 and "2 source(s) exportée(s)" in out
    text = opml.read_text(encoding="utf-8")
    assert 'xmlUrl="' + server.url("/b?x=1&amp;y=2") + '"' in text and "Bêta &amp; Co" in text

    monkeypatch.setenv("MALIRADIO_HOME", str(tmp_path / "other"))
    fresh = NewsStore()
    for s in fresh.list_sources():
        fresh.remove_source(s.id)
    fresh.close()
    code, out, _ = run(capsys, "import-opml", str(opml))
    assert code == 0 and "2 source(s) importée(s), 0 déjà présente(s)" in out
    data = json.loads(run(capsys, "sources", "--json")[1])
    assert [(s["name"], s["url"], s["country"]) for s in data] == [
        ("Alpha", server.url("/a"), "ML"),
        ("Bêta & Co", server.url("/b?x=1&y=2"), "BF"),
    ]
    assert "0 source(s) importée(s), 2 déjà présente(s)" in run(capsys, "import-opml", str(opml))[1]

    bad = tmp_path / "bad.opml"
    bad.write_text("<html>pas un opml</html>")
    code, _, err = run(capsys, "import-opml", str(bad))
    assert code == 1 and "OPML" in err
    code, _, err = run(capsys, "import-opml", str(tmp_path / "absent.opml"))
    assert code == 1 and "illisible" in err
