"""What the news cost the user: the lead picture of each article only, under a cap; the others
on demand, from a placeholder in the reader; the data saver (no picture, no article page);
and the data meter, against what the loopback servers counted."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from newsfeeds import FeedServer, Item, article_page, photo, rss20, unannounced_handler

from maliradio.cli import main
from maliradio.datameter import DataMeter
from maliradio.net import client as netclient
from maliradio.news import clean, pictures
from maliradio.news.fetch import UPDATED, refresh
from maliradio.news.store import NewsStore
from maliradio.settings import Settings

LEAD_SIZE = 120_000  # a news photo at reading size
TEXT = "<p>" + "Le fleuve monte à Mopti et les pêcheurs rentrent tôt. " * 12 + "</p>"


def _close(counted: int, sent: int) -> bool:
    return abs(counted - sent) <= max(0.05 * sent, 16 * 1024)


def _photos(server: FeedServer, n: int, prefix: str = "/p") -> str:
    """An article body with three pictures, each served: its lead, then two more."""
    for k in range(3):
        server.set(f"{prefix}/{n}-{k}.png", photo(LEAD_SIZE, n * 10 + k), content_type="image/png")
    return (
        f'<p><img src="{prefix}/{n}-0.png" alt="À la une"></p>{TEXT}'
        f'<p><img src="{prefix}/{n}-1.png" alt="Deux"></p><p>Suite {n}.</p>'
        f'<figure><img src="{prefix}/{n}-2.png" alt="Trois"></figure><p>Fin {n}.</p>'
    )


def _item(server: FeedServer, n: int, body: str, name: str = "photos", **kw) -> Item:
    return Item(n, f"Article {name} {n}", body, server.url(f"/a/{name}-{n}"), f"{name}-{n}",
                time.time() - n * 60, **kw)  # fmt: skip


def _articles(store: NewsStore, source: str):
    return [store.get_article(a.id) for a in store.list_articles(source_ids=[source])]


def _by_source(report):
    return {r.source: r for r in report.results}


# --- the lead picture only, under a cap --------------------------------------------------------


def test_a_refresh_fetches_the_lead_picture_only_and_none_over_the_cap(server, store, image_dir):
    server.set(
        "/photos",
        rss20([_item(server, n, _photos(server, n)) for n in (1, 2)], content_encoded=True),
    )
    store.add_source(server.url("/photos"), "photos")
    # leads over the cap: one the server announces (Content-Length), one it streams unannounced
    server.set("/p/big.png", photo(400_000), content_type="image/png")
    server.set("/p/stream.png", handler=unannounced_handler(photo(2_000_000)))
    big = [
        _item(server, 1, f'<p><img src="/p/big.png"></p>{TEXT}', "big"),
        _item(server, 2, f'<p><img src="/p/stream.png"></p>{TEXT}', "big"),
    ]
    server.set("/big", rss20(big, content_encoded=True))
    store.add_source(server.url("/big"), "big")
    # pictures the feed names (an enclosure, no picture in the text), with their length
    server.set("/p/e1.png", photo(90_000), content_type="image/png")
    server.set("/p/e2.png", photo(500_000), content_type="image/png")
    encl = [
        _item(server, 1, TEXT, "encl", enclosure=(server.url("/p/e1.png"), 90_000)),
        _item(server, 2, TEXT, "encl", enclosure=(server.url("/p/e2.png"), 500_000)),
    ]
    server.set("/encl", rss20(encl, content_encoded=True))
    store.add_source(server.url("/encl"), "encl")

    r = _by_source(refresh(store, image_dir=image_dir, fetch_full_articles=False))
    assert all(x.status == UPDATED and x.new == 2 for x in r.values()), r

    # each article's lead, once; not the two after it
    for n in (1, 2):
        assert server.hits(f"/p/{n}-0.png") == 1
        assert server.hits(f"/p/{n}-1.png") == server.hits(f"/p/{n}-2.png") == 0
    for a in _articles(store, "photos"):
        names = clean.cache_names(a.html)
        assert len(names) == 1 and (image_dir / names[0]).stat().st_size == LEAD_SIZE
        assert len(clean.later_images(a.html)) == 2
        shown = clean.display_html(a.html, image_dir)
        assert shown.count("Afficher l'image</a>") == 2 and shown.count("file://") == 1
    assert r["photos"].bytes < 2 * LEAD_SIZE + 20_000  # the feed, and two pictures of six

    # over the cap: announced, not downloaded; unannounced, cut off near the cap
    assert server.hits("/p/big.png") == server.hits("/p/stream.png") == 1
    assert not any(image_dir.glob(clean.image_name(server.url("/p/big.png"))))
    assert not any(image_dir.glob(clean.image_name(server.url("/p/stream.png"))))
    cap = pictures.LEAD_MAX_BYTES
    assert cap < r["big"].bytes < cap + 2 * netclient.CHUNK + 20_000, r["big"].bytes
    assert "2 image(s) de plus de 300 Ko non téléchargée(s)" in r["big"].warning
    shown = {
        a.title: clean.display_html(a.html, image_dir) for a in _articles(store, "big")
    }  # the size where the server said it; else none
    assert "Afficher l'image (400 Ko)</a>" in shown["Article big 1"]
    assert re.search(r">Afficher l'image</a>", shown["Article big 2"])

    # the feed's own picture is the lead; one it says is too big is not even asked for
    assert server.hits("/p/e1.png") == 1 and server.hits("/p/e2.png") == 0
    shown = {a.title: clean.display_html(a.html, image_dir) for a in _articles(store, "encl")}
    assert "file://" in shown["Article encl 1"]
    assert "Afficher l'image (500 Ko)</a>" in shown["Article encl 2"]


def test_a_picture_asked_for_is_fetched_counted_and_then_shown(server, store, image_dir):
    server.set("/photos", rss20([_item(server, 1, _photos(server, 1))], content_encoded=True))
    store.add_source(server.url("/photos"), "photos")
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    (art,) = _articles(store, "photos")
    before = DataMeter().month()["sources"]["photos"]
    shown = clean.display_html(art.html, image_dir)
    name = re.findall(r'href="maliradio-image:([^"]+)"', shown)[0]
    url, size = clean.later_images(art.html)[name]
    assert url == server.url("/p/1-1.png") and size is None

    path = pictures.fetch_picture(url, source_id="photos", image_dir=image_dir)
    assert path.name == name and path.stat().st_size == LEAD_SIZE
    assert server.hits("/p/1-1.png") == 1
    shown = clean.display_html(art.html, image_dir)
    assert path.as_uri() in shown and shown.count("Afficher l'image") == 1
    spent = DataMeter().month()["sources"]["photos"] - before
    assert LEAD_SIZE < spent < LEAD_SIZE + 1_000
    pictures.fetch_picture(url, source_id="photos", image_dir=image_dir)  # cached: no request
    assert server.hits("/p/1-1.png") == 1


def test_a_picture_asked_for_twice_at_once_is_downloaded_once(server, image_dir):
    from concurrent.futures import ThreadPoolExecutor

    from newsfeeds import slow_handler

    server.set("/p/lent.png", handler=slow_handler(server, photo(50_000), 0.5))
    url = server.url("/p/lent.png")
    with ThreadPoolExecutor(2) as pool:
        got = list(pool.map(lambda _: pictures.fetch_picture(url, image_dir=image_dir), range(2)))
    assert got[0] == got[1] and got[0].stat().st_size == 50_000
    assert server.hits("/p/lent.png") == 1


# --- the data saver ---------------------------------------------------------------------------


def _summary_site(server: FeedServer) -> None:
    """A summary-only feed: the app would fetch each article's page (and its picture)."""
    items = []
    for n in (1, 2):
        link = server.url(f"/article/{n}")
        picture = (server.url(f"/p/s{n}.png"), 150_000)  # the feed's, with its length
        items.append(
            Item(n, f"Sommet {n}", f"Résumé court {n} […]", link, f"s{n}", time.time() - n,
                 enclosure=picture)
        )  # fmt: skip
        page = article_page(f"Sommet {n}", [TEXT, TEXT], img=f"/p/page{n}.png")
        server.set(f"/article/{n}", page, content_type="text/html; charset=utf-8")
        server.set(f"/p/page{n}.png", photo(LEAD_SIZE), content_type="image/png")
        server.set(f"/p/s{n}.png", photo(150_000), content_type="image/png")
    server.set("/summary", rss20(items))


def test_data_saver_refresh_requests_no_picture_and_no_page(server, user_store, tmp_path):
    server.set("/photos", rss20([_item(server, 1, _photos(server, 1))], content_encoded=True))
    _summary_site(server)
    user_store.add_source(server.url("/photos"), "Photos")
    user_store.add_source(server.url("/summary"), "Résumés")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2] / "src"))
    proc = subprocess.run(
        [sys.executable, "-m", "maliradio", "news", "refresh", "--json", "--data-saver"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert {x["source"]: x["new"] for x in lines} == {"photos": 1, "resumes": 2}

    assert sorted(p for p, _h in server.log) == ["/photos", "/summary"]  # the feeds, nothing else
    (art,) = _articles(user_store, "photos")
    assert clean.cache_names(art.html) == [] and len(clean.later_images(art.html)) == 3
    assert "pêcheurs rentrent tôt" in art.text
    for a in _articles(user_store, "resumes"):
        assert a.text.startswith("Résumé court")  # the summary, not the page
        shown = clean.display_html(a.html, tmp_path)
        assert "Afficher l'image (150 Ko)</a>" in shown  # the feed said how big
    # and counted, per source
    use = DataMeter().month()
    assert use["sources"] == {x["source"]: x["bytes"] for x in lines}


def test_the_data_saver_setting_applies_to_the_command_line(server, user_store):
    server.set("/photos", rss20([_item(server, 1, _photos(server, 1))], content_encoded=True))
    user_store.add_source(server.url("/photos"), "Photos")
    settings = Settings()
    settings.data_saver = True
    settings.save()
    assert main(["news", "refresh", "--json"]) == 0
    assert [p for p, _h in server.log] == ["/photos"]


# --- the data meter ---------------------------------------------------------------------------


def test_data_json_adds_the_news_per_source_as_the_servers_counted_them(
    server, user_store, capsys, monkeypatch
):
    """Two sites, each its own server: one with full articles and their pictures, one whose
    feed gives summaries (so the app fetches each article's page and its picture)."""
    items = [_item(server, n, _photos(server, n)) for n in range(1, 9)]
    server.set("/photos", rss20(items, content_encoded=True), gzip=True)
    user_store.add_source(server.url("/photos"), "Photos")
    with FeedServer() as other:
        _summary_site(other)
        user_store.add_source(other.url("/summary"), "Résumés")
        writes = []
        real_add = DataMeter.add

        def add(self, kind, key, nbytes, *args, **kwargs):
            writes.append((kind, key))
            return real_add(self, kind, key, nbytes, *args, **kwargs)

        monkeypatch.setattr(DataMeter, "add", add)
        assert main(["news", "refresh", "--json"]) == 0
        lines = {x["source"]: x for x in map(json.loads, capsys.readouterr().out.splitlines())}
        counted = {
            "photos": server.bytes_out + server.bytes_in,
            "resumes": other.bytes_out + other.bytes_in,
        }
        assert other.hits("/article/1") == 1 and other.hits("/p/page1.png") == 1
    assert sorted(writes) == [("news", "photos"), ("news", "resumes")]  # one write a source

    assert main(["data", "--json"]) == 0
    use = json.loads(capsys.readouterr().out)
    assert server.bytes_out > 8 * LEAD_SIZE and counted["resumes"] > 2 * LEAD_SIZE
    for sid, n in counted.items():
        assert _close(use["sources"][sid], n), (sid, use["sources"][sid], n)
        assert use["sources"][sid] == lines[sid]["bytes"]
    assert use["news"] == use["total"] == sum(use["sources"].values())


def test_a_station_logo_is_counted(server):
    from newsfeeds import png

    from maliradio.ui.stations import fetch_logo

    server.set("/logo.png", png(200, 200), content_type="image/png")
    fetch_logo(server.url("/logo.png"))
    use = DataMeter().month()
    assert use["logos"] == use["total"] > len(server.routes["/logo.png"].body)
    assert _close(use["logos"], server.bytes_out + server.bytes_in)
    assert use["news"] == 0
