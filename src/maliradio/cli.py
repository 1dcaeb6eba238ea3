"""Entry points: the desktop window by default, subcommands for terminal use."""

from __future__ import annotations

import argparse
import sys

from maliradio import __version__


def build_parser(only_news: bool = False) -> argparse.ArgumentParser:
    """The command line. `only_news`: just the `news` commands (the window's refresh child
    starts at every refresh; the player's and the catalogue's modules cost it ~35 ms)."""
    p = argparse.ArgumentParser(
        prog="maliradio",
        description="Radios, télévisions et actualités du Mali, du Burkina Faso et du Niger.",
    )
    p.add_argument("--version", action="version", version=f"maliradio {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="journal détaillé sur la console")
    sub = p.add_subparsers(dest="command", metavar="COMMANDE")

    if not only_news:
        from maliradio.catalog import cli as catalog_cli
        from maliradio.playback import cli as playback_cli

        playback_cli.register(sub)
        catalog_cli.register(sub)
    try:
        from maliradio.news import cli as news_cli
    except ImportError:  # pragma: no cover - news subsystem not present
        news_cli = None
    if news_cli is not None:
        news_cli.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else argv
    target = _play_target(args_in)
    if target is not None:
        # `maliradio STATION` or `maliradio URL`: the window plays it (or the running one does)
        from maliradio.logsetup import setup_logging
        from maliradio.ui.app import run_app

        setup_logging(verbose=any(a in ("-v", "--verbose") for a in args_in))
        return run_app(target=target)
    if all(a in ("-v", "--verbose") for a in args_in):
        # the window: skip building the subcommands' parsers, it costs start-up time
        from maliradio.logsetup import setup_logging
        from maliradio.ui.app import run_app

        setup_logging(verbose=bool(args_in))
        return run_app()
    parser = build_parser(only_news=bool(args_in) and args_in[0] == "news")
    args = parser.parse_args(args_in)
    from maliradio.logsetup import setup_logging

    setup_logging(verbose=args.verbose)
    if getattr(args, "func", None) is None:
        from maliradio.ui.app import run_app

        return run_app()
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _play_target(args: list[str]) -> str | None:
    """The one positional argument that is a stream address or a station id, not a command."""
    rest = [a for a in args if a not in ("-v", "--verbose")]
    if len(rest) != 1 or rest[0].startswith("-"):
        return None
    word = rest[0]
    if "://" in word:
        return word
    if word in _command_names():
        return None
    import re

    return word if re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,63}", word) else None


def _command_names() -> set[str]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


if __name__ == "__main__":
    sys.exit(main())
