"""Fetching: formats, conditional GET, redirects, errors, timeouts, caps, politeness."""

from __future__ import annotations

import threading
import time

from newsfeeds import (
    BASE_TS,
    atom,
    huge_handler,
    make_items,
    rdf,
    rfc822,
    rss20,
    stall_handler,
)

from maliradio.news.fetch import ERROR, NOT_MODIFIED, UPDATED, USER_AGENT, refresh


def _by_source(report):
    return {r.source: r for r in report.results}


def test_rss_atom_rdf_are_read_and_never_duplicated(server, store, image_dir):
    server.set("/rss", rss20(make_items(server.base, 5, "Rss")))
    server.set(
        "/atom", atom(make_items(server.base, 4, "Atom")), content_type="application/atom+xml"
    )
    server.set("/rdf", rdf(make_items(server.base, 3, "Rdf")), content_type="application/rdf+xml")
    for path in ("/rss", "/atom", "/rdf"):
        store.add_source(server.url(path), path[1:])

    first = _by_source(refresh(store, image_dir=image_dir, fetch_full_articles=False))
    assert {k: (r.status, r.new) for k, r in first.items()} == {
        "rss": (UPDATED, 5),
        "atom": (UPDATED, 4),
        "rdf": (UPDATED, 3),
    }
    second = _by_source(refresh(store, image_dir=image_dir, fetch_full_articles=False))
    assert all(r.new == 0 for r in second.values())
    assert store.count_articles() == 12

    # two more items appear at the top of the RSS feed
    server.set("/rss", rss20(make_items(server.base, 7, "Rss")))
    third = _by_source(refresh(store, ["rss"], image_dir=image_dir, fetch_full_articles=False))
    assert third["rss"].new == 2
    titles = [a.title for a in store.list_articles(source_ids=["rss"])]
    assert titles == [f"Rss {i}" for i in range(7, 0, -1)]  # newest first, each once


def test_unchanged_feed_costs_a_few_hundred_bytes(server, store, image_dir):
    body = rss20(make_items(server.base, 30, "Gros"))
    server.set("/etag", body, etag='"abc123"', gzip=True)
    server.set("/lm", body.replace("gros", "lm"), last_modified=rfc822(BASE_TS))
    store.add_source(server.url("/etag"), "etag")
    store.add_source(server.url("/lm"), "lm")

    first = _by_source(refresh(store, image_dir=image_dir, fetch_full_articles=False))
    assert first["etag"].status == UPDATED and first["etag"].new == 30
    # gzip: fewer bytes on the wire than the feed itself
    assert first["etag"].bytes < len(body.encode()) / 2
    assert first["lm"].bytes > len(body.encode())  # this one is served uncompressed

    second = _by_source(refresh(store, image_dir=image_dir, fetch_full_articles=False))
    for sid in ("etag", "lm"):
        assert second[sid].status == NOT_MODIFIED
        assert second[sid].new == 0
        assert second[sid].bytes < 500, second[sid].bytes  # the request ~300, the 304 ~100
    assert server.requests("/etag")[-1]["if-none-match"] == '"abc123"'
    assert server.requests("/lm")[-1]["if-modified-since"] == rfc822(BASE_TS)
    assert "gzip" in server.requests("/etag")[0]["accept-encoding"]
    assert server.requests("/etag")[0]["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("maliradio/0.1")
    assert store.count_articles() == 60
    assert store.get_source("etag").status == "not-modified"


def test_permanent_redirect_updates_the_feed_url_temporary_does_not(server, store, image_dir):
    server.set("/new", rss20(make_items(server.base, 2, "Moved")))
    server.set("/old", status=301, headers={"Location": server.url("/new")})
    server.set("/tmp", status=302, headers={"Location": server.url("/new")})
    store.add_source(server.url("/old"), "moved")
    store.add_source(server.url("/tmp"), "temp")

    r = _by_source(refresh(store, image_dir=image_dir, fetch_full_articles=False))
    assert r["moved"].new == 2 and r["temp"].new == 2
    assert store.get_source("moved").url == server.url("/new")
    assert store.get_source("temp").url == server.url("/tmp")
    refresh(store, ["moved"], image_dir=image_dir, fetch_full_articles=False)
    assert server.hits("/old") == 1


def test_410_disables_the_source_and_keeps_its_articles(server, store, image_dir):
    server.set("/feed", rss20(make_items(server.base, 3, "Parti")))
    store.add_source(server.url("/feed"), "gone")
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    server.set("/feed", "Gone", status=410, content_type="text/plain")

    r = _by_source(refresh(store, image_dir=image_dir, fetch_full_articles=False))
    assert r["gone"].status == ERROR and "410" in r["gone"].error
    src = store.get_source("gone")
    assert not src.enabled and src.status == "gone"
    assert store.count_articles() == 3
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    assert server.hits("/feed") == 2  # a disabled source is not fetched any more


def test_429_retry_after_is_honoured_even_for_a_manual_refresh(server, store, image_dir):
    server.set(
        "/busy", "trop", status=429, headers={"Retry-After": "3600"}, content_type="text/plain"
    )
    server.set("/busy503", "x", status=503, headers={"Retry-After": rfc822(time.time() + 600)})
    store.add_source(server.url("/busy"), "busy")
    store.add_source(server.url("/busy503"), "busy503")

    r = _by_source(refresh(store, image_dir=image_dir))
    assert r["busy"].status == ERROR and "attendre" in r["busy"].error
    src = store.get_source("busy")
    assert src.status == "waiting"
    assert 3500 < src.retry_after_until - time.time() <= 3600
    assert 500 < store.get_source("busy503").retry_after_until - time.time() <= 600

    again = _by_source(refresh(store, image_dir=image_dir, force=True))
    assert again["busy"].status == ERROR and again["busy"].bytes == 0
    assert server.hits("/busy") == 1 and server.hits("/busy503") == 1


def test_other_failures_back_off_for_automatic_refresh_only(server, store, image_dir):
    server.set("/err", "boom", status=500, content_type="text/plain")
    store.add_source(server.url("/err"), "err")
    r = _by_source(refresh(store, image_dir=image_dir))
    assert r["err"].status == ERROR and "500" in r["err"].error
    src = store.get_source("err")
    assert src.error_count == 1 and src.backoff_until > time.time()

    auto = _by_source(refresh(store, image_dir=image_dir, force=False))
    assert auto["err"].status == ERROR and "pause" in auto["err"].error
    assert server.hits("/err") == 1
    refresh(store, image_dir=image_dir, force=True)  # the user asked: try now
    assert server.hits("/err") == 2
    first_wait = src.backoff_until - src.last_fetch
    src2 = store.get_source("err")
    assert src2.error_count == 2
    assert src2.backoff_until - src2.last_fetch > first_wait * 1.5  # exponential


def test_silence_timeout_not_total_time(server, store, image_dir):
    server.set("/stall", handler=stall_handler(server))
    body = rss20(make_items(server.base, 3, "Lent")).encode()

    def trickle(h):  # alive but slow: a chunk every 0.25 s, 1.5 s in all
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.end_headers()
        step = len(body) // 6 + 1
        for i in range(0, len(body), step):
            h.wfile.write(body[i : i + step])
            h.wfile.flush()
            if server.stop_event.wait(0.25):
                return

    server.set("/trickle", handler=trickle)
    store.add_source(server.url("/stall"), "stall")
    store.add_source(server.url("/trickle"), "trickle")

    t0 = time.monotonic()
    r = _by_source(
        refresh(store, image_dir=image_dir, silence_timeout=0.8, fetch_full_articles=False)
    )
    elapsed = time.monotonic() - t0
    assert r["stall"].status == ERROR and "ne répond plus" in r["stall"].error
    assert r["trickle"].status == UPDATED and r["trickle"].new == 3  # took longer than 0.8 s
    assert elapsed < 6


def test_huge_response_is_cut_and_cached_articles_stay(server, store, image_dir):
    server.set("/feed", rss20(make_items(server.base, 4, "Avant")))
    store.add_source(server.url("/feed"), "big")
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    server.set("/feed", handler=huge_handler())

    r = _by_source(refresh(store, image_dir=image_dir, max_bytes=1_000_000))
    assert r["big"].status == ERROR and "trop volumineuse" in r["big"].error
    assert r["big"].bytes < 1_300_000
    assert store.count_articles() == 4
    assert store.get_source("big").error


def test_at_most_two_requests_per_host(server, store, image_dir):
    body = rss20(make_items(server.base, 1, "Hote")).encode()
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def counting(h):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        server.stop_event.wait(0.15)
        with lock:
            state["now"] -= 1
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    for i in range(6):
        server.set(f"/f{i}", handler=counting)
        store.add_source(server.url(f"/f{i}"), f"f{i}")
    report = refresh(store, image_dir=image_dir, max_workers=6, fetch_full_articles=False)
    assert all(r.status == UPDATED for r in report.results)
    assert state["max"] == 2


def test_offline_everything_fails_but_nothing_is_lost(server, store, image_dir):
    server.set("/a", rss20(make_items(server.base, 2, "Un")))
    server.set("/b", rss20(make_items(server.base, 2, "Deux")))
    store.add_source(server.url("/a"), "a")
    store.add_source(server.url("/b"), "b")
    refresh(store, image_dir=image_dir, fetch_full_articles=False)
    assert not refresh(store, image_dir=image_dir, fetch_full_articles=False).offline
    server.stop()

    report = refresh(store, image_dir=image_dir, connect_timeout=2)
    assert report.offline
    assert all(r.status == ERROR and r.kind == "connect" for r in report.results)
    assert store.get_meta("offline")
    # the network being down is not the sources' fault: no backoff
    assert all(s.error_count == 0 and s.error for s in store.list_sources())
    assert store.count_articles() == 4
