"""`maliradio news ...`: the news subsystem from a terminal.

maliradio news sources [--json]
maliradio news add URL [--name NOM] [--country ML|BF|NE|INT]
maliradio news remove ID | enable ID | disable ID
maliradio news refresh [--source ID]... [--json] [--data-saver]
maliradio news list [--source ID]... [--country C] [--search TEXTE] [--limit N] [--json]
maliradio news show ID [--text]
maliradio news import-opml FICHIER | export-opml FICHIER
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from maliradio.news.models import COUNTRIES

log = logging.getLogger("maliradio.news")


def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def _err(message: str) -> None:
    print(f"maliradio : {message}", file=sys.stderr)


def _store() -> Any:
    from maliradio.news.store import NewsStore

    store = NewsStore()
    notice = store.recovery_notice()
    if notice:
        _err(notice)
        store.clear_recovery_notice()
    return store


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=None))


# --- handlers -----------------------------------------------------------------------------


def cmd_sources(args: argparse.Namespace) -> int:
    store = _store()
    sources = store.list_sources()
    unread = store.unread_counts()
    counts = store.article_counts()
    if args.json:
        _print_json(
            [
                {
                    "id": s.id,
                    "name": s.name,
                    "url": s.url,
                    "site_url": s.site_url,
                    "country": s.country,
                    "language": s.language,
                    "enabled": s.enabled,
                    "default": s.is_default,
                    "status": s.status,
                    "error": s.error,
                    "warning": s.warning,
                    "last_fetch": _iso(s.last_fetch),
                    "articles": counts.get(s.id, 0),
                    "unread": unread.get(s.id, 0),
                }
                for s in sources
            ]
        )
        return 0
    if not sources:
        print("Aucune source. Ajoutez-en une : maliradio news add ADRESSE")
        return 0
    labels = {
        "new": "jamais actualisée",
        "ok": "à jour",
        "not-modified": "inchangée",
        "error": "erreur",
        "waiting": "en attente",
        "gone": "n'existe plus",
    }
    for s in sources:
        state = labels.get(s.status, s.status) if s.enabled else "désactivée"
        print(
            f"{s.id:<20} {s.name} [{s.country or '?'}] — {state}, {unread.get(s.id, 0)} non lu(s)"
        )
        print(f"{'':<20} {s.url}")
        if s.error:
            print(f"{'':<20} ⚠ {s.error}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from maliradio.news.fetch import FetchError, discover_feed

    store = _store()
    try:
        found = discover_feed(args.url, silence_timeout=args.timeout)
    except FetchError as exc:
        _err(f"impossible d'ajouter {args.url} : {exc}")
        return 1
    existing = store.find_source_by_url(found.feed_url)
    if existing is not None:
        _err(f"cette source est déjà présente : {existing.id} ({existing.name})")
        return 1
    name = args.name or found.title or found.feed_url
    source = store.add_source(
        found.feed_url,
        name,
        site_url=found.site_url,
        country=(args.country or "").upper(),
    )
    print(f"Source ajoutée : {source.id} — {source.name}")
    print(f"Flux : {source.url}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    store = _store()
    if not store.remove_source(args.id):
        _err(f"source inconnue : {args.id}")
        return 1
    print(f"Source retirée : {args.id}")
    return 0


def cmd_enable(args: argparse.Namespace, enabled: bool) -> int:
    store = _store()
    if not store.set_enabled(args.id, enabled):
        _err(f"source inconnue : {args.id}")
        return 1
    print(f"Source {'activée' if enabled else 'désactivée'} : {args.id}")
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from maliradio.news.fetch import refresh
    from maliradio.news.models import ERROR, NOT_MODIFIED, SourceResult
    from maliradio.settings import Settings

    store = _store()
    settings = Settings.load()

    def progress(r: SourceResult, done: int, total: int) -> None:
        if args.json:
            _print_json(r.to_json())
        elif r.status == ERROR:
            print(f"[{done}/{total}] {r.source} : erreur — {r.error}")
        elif r.status == NOT_MODIFIED:
            print(f"[{done}/{total}] {r.source} : inchangé ({_kb(r.bytes)})")
        else:
            extra = f" — ⚠ {r.warning}" if r.warning else ""
            print(f"[{done}/{total}] {r.source} : {r.new} nouveau(x) ({_kb(r.bytes)}){extra}")
        sys.stdout.flush()

    report = refresh(
        store,
        args.source or None,
        force=not args.automatic,
        fetch_full_articles=settings.news_fetch_full_articles and not args.no_full_text,
        silence_timeout=args.timeout,
        progress=progress,
        data_saver=args.data_saver or settings.data_saver,
    )
    if not args.json:
        if report.offline:
            print(
                "Hors ligne : aucune source n'a pu être jointe. "
                "Les articles enregistrés restent lisibles."
            )
        print(f"Terminé : {report.new} nouvel(s) article(s), {_kb(report.bytes)} reçus.")
    if not report.results:
        if not args.json:
            print("Aucune source active.")
        return 0
    return 1 if all(r.status == ERROR for r in report.results) else 0


def _kb(n: int) -> str:
    if n < 1000:
        return f"{n} octets"
    if n < 1_000_000:
        return f"{n / 1000:.1f} Ko".replace(".", ",")
    return f"{n / 1_000_000:.1f} Mo".replace(".", ",")


def cmd_list(args: argparse.Namespace) -> int:
    from maliradio.news.timefmt import relative_time

    store = _store()
    if args.source:
        unknown = [s for s in args.source if store.get_source(s) is None]
        if unknown:
            _err(f"source inconnue : {', '.join(unknown)}")
            return 1
    items = store.list_articles(
        source_ids=args.source or None,
        country=(args.country or "").upper() or None,
        search=args.search,
        unread_only=args.unread,
        limit=max(1, args.limit),
    )
    if args.json:
        _print_json(
            [
                {
                    "id": a.id,
                    "source": a.source_id,
                    "title": a.title,
                    "link": a.link,
                    "published": _iso(a.published),
                    "read": a.read,
                    "starred": a.starred,
                }
                for a in items
            ]
        )
        return 0
    if not items:
        print("Aucun article." if not args.search else f"Aucun article pour « {args.search} ».")
        return 0
    now = time.time()
    for a in items:
        mark = "★" if a.starred else ("•" if not a.read else " ")
        print(f"{a.id:>7} {mark} {a.source_name} · {relative_time(a.published, now)} — {a.title}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    import html

    from maliradio import paths
    from maliradio.news import clean
    from maliradio.news.timefmt import full_date

    store = _store()
    art = store.get_article(args.id)
    if art is None:
        _err(f"article introuvable : {args.id}")
        return 1
    store.set_read(art.id, True)
    if args.text:
        print(art.title)
        print(f"{art.source_name} — {full_date(art.published)}")
        if art.link:
            print(art.link)
        print()
        print(art.text or "(article sans texte)")
        return 0
    body = clean.display_html(art.html, paths.image_cache_dir())
    print(f"<h1>{html.escape(art.title)}</h1>")
    print(body)
    return 0


def cmd_import_opml(args: argparse.Namespace) -> int:
    from maliradio.news.opml import OpmlError, read_opml

    store = _store()
    try:
        feeds = read_opml(Path(args.file))
    except OpmlError as exc:
        _err(str(exc))
        return 1
    added = skipped = 0
    for f in feeds:
        if store.find_source_by_url(f.url) is not None:
            skipped += 1
            continue
        store.add_source(
            f.url,
            f.title or f.url,
            site_url=f.site_url,
            country=f.country,
            language=f.language or "fr",
        )
        added += 1
    print(f"{added} source(s) importée(s), {skipped} déjà présente(s).")
    return 0


def cmd_export_opml(args: argparse.Namespace) -> int:
    from maliradio.news.opml import write_opml

    store = _store()
    sources = store.list_sources()
    try:
        write_opml(Path(args.file), sources)
    except OSError as exc:
        _err(f"écriture impossible de {args.file} : {exc.strerror or exc}")
        return 1
    print(f"{len(sources)} source(s) exportée(s) dans {args.file}.")
    return 0


def _guard(fn: Any) -> Any:
    """Every handler: a clear message and exit code 1, never a traceback."""

    def run(args: argparse.Namespace) -> int:
        import sqlite3

        try:
            return int(fn(args) or 0)
        except (KeyboardInterrupt, BrokenPipeError):
            raise
        except sqlite3.Error as exc:
            log.info("Erreur de base de données", exc_info=True)
            _err(f"erreur de la base des actualités : {exc}")
            return 1
        except OSError as exc:
            log.info("Erreur système", exc_info=True)
            _err(f"erreur : {exc.strerror or exc}")
            return 1
        except Exception as exc:  # noqa: BLE001
            log.info("Erreur inattendue", exc_info=True)
            _err(f"erreur inattendue : {exc}")
            return 1

    return run


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "news",
        help="actualités : sources, actualisation, lecture",
        description="Actualités du Mali, du Burkina Faso, du Niger et de l'Afrique.",
    )
    p.set_defaults(func=lambda args: (p.print_help(), 0)[1])
    sub = p.add_subparsers(dest="news_command", metavar="ACTION")

    s = sub.add_parser("sources", help="liste des sources")
    s.add_argument("--json", action="store_true", help="sortie JSON")
    s.set_defaults(func=_guard(cmd_sources))

    s = sub.add_parser("add", help="ajouter une source (adresse du flux ou du site)")
    s.add_argument("url", metavar="ADRESSE")
    s.add_argument("--name", help="nom affiché")
    s.add_argument("--country", choices=[c for c in COUNTRIES] + [c.lower() for c in COUNTRIES])
    s.add_argument("--timeout", type=float, default=20.0, help=argparse.SUPPRESS)
    s.set_defaults(func=_guard(cmd_add))

    s = sub.add_parser("remove", help="retirer une source et ses articles")
    s.add_argument("id", metavar="ID")
    s.set_defaults(func=_guard(cmd_remove))

    s = sub.add_parser("enable", help="réactiver une source")
    s.add_argument("id", metavar="ID")
    s.set_defaults(func=_guard(lambda a: cmd_enable(a, True)))

    s = sub.add_parser("disable", help="désactiver une source (ses articles restent)")
    s.add_argument("id", metavar="ID")
    s.set_defaults(func=_guard(lambda a: cmd_enable(a, False)))

    s = sub.add_parser("refresh", help="télécharger les nouveaux articles")
    s.add_argument("--source", action="append", metavar="ID", help="seulement cette source")
    s.add_argument("--json", action="store_true", help="une ligne JSON par source")
    s.add_argument(
        "--timeout",
        type=float,
        default=20.0,
        metavar="S",
        help="abandon après S secondes sans aucune donnée reçue (défaut 20)",
    )
    s.add_argument(
        "--no-full-text", action="store_true", help="ne pas télécharger les pages d'articles"
    )
    s.add_argument(
        "--data-saver",
        action="store_true",
        help="économiseur de données : les flux seuls, sans images ni pages d'articles"
        " (toujours actif quand le réglage data_saver l'est)",
    )
    # the window's automatic refreshes: sources in pause after errors are skipped
    s.add_argument("--automatic", action="store_true", help=argparse.SUPPRESS)
    s.set_defaults(func=_guard(cmd_refresh))

    s = sub.add_parser("list", help="derniers articles, du plus récent au plus ancien")
    s.add_argument("--source", action="append", metavar="ID")
    s.add_argument("--country", choices=[c for c in COUNTRIES] + [c.lower() for c in COUNTRIES])
    s.add_argument("--search", metavar="TEXTE", help="recherche dans les titres et les textes")
    s.add_argument("--unread", action="store_true", help="seulement les non lus")
    s.add_argument("--limit", type=int, default=30, metavar="N")
    s.add_argument("--json", action="store_true", help="sortie JSON")
    s.set_defaults(func=_guard(cmd_list))

    s = sub.add_parser("show", help="afficher un article (HTML nettoyé, ou texte)")
    s.add_argument("id", type=int, metavar="ID")
    s.add_argument("--text", action="store_true", help="texte brut")
    s.set_defaults(func=_guard(cmd_show))

    s = sub.add_parser("import-opml", help="importer des sources depuis un fichier OPML")
    s.add_argument("file", metavar="FICHIER")
    s.set_defaults(func=_guard(cmd_import_opml))

    s = sub.add_parser("export-opml", help="exporter les sources dans un fichier OPML")
    s.add_argument("file", metavar="FICHIER")
    s.set_defaults(func=_guard(cmd_export_opml))
