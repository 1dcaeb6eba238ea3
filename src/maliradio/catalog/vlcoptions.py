"""Which libVLC media options a playlist or a catalogue may ask for.

libVLC reads options such as `:sout=…` (write the stream to a file), `:input-slave=…` (open
another file or URL), `:extraintf=…` or `:lua-intf=…` (load an interface module) as instructions.
A playlist comes from the network, where anyone on the path can write it, so only the few
options a station really needs are kept, each with a value of the expected shape; everything
else is dropped and logged. The player then hands them to libVLC *without* the trusted flag, so
that libVLC itself also refuses any option it does not consider safe for untrusted input.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger("maliradio.player")

_NUMBER = re.compile(r"\d{1,6}")
_TEXT = re.compile(r"[^\x00-\x1f\x7f]{1,512}")

# option name -> a check of its value (None: a flag without value)
_ALLOWED: dict[str, re.Pattern[str] | None] = {
    "network-caching": _NUMBER,
    "http-user-agent": _TEXT,
    "http-referrer": _TEXT,
    "http-reconnect": None,
    "no-http-reconnect": None,
}

ALLOWED_NAMES: tuple[str, ...] = tuple(_ALLOWED)

# the flag libVLC's add_option() sets and this module's callers must not: options given with it
# bypass libVLC's own check of what untrusted input may set (VLC_INPUT_OPTION_TRUSTED)
VLC_OPTION_TRUSTED = 0x2
VLC_OPTION_UNIQUE = 0x100


def safe_option(option: str) -> str | None:
    """`option` in libVLC's `:name=value` form when it is allowed, else None."""
    name, sep, value = option.strip().lstrip(":-").partition("=")
    name = name.strip().lower()
    if name not in _ALLOWED:
        log.warning("option libVLC refusée (hors liste) : %.80r", option)
        return None
    check = _ALLOWED[name]
    if check is None:
        if sep:
            log.warning("option libVLC refusée (valeur inattendue) : %.80r", option)
            return None
        return f":{name}"
    value = value.strip()
    if not sep or check.fullmatch(value) is None:
        log.warning("option libVLC refusée (valeur inattendue) : %.80r", option)
        return None
    return f":{name}={value}"


def safe_options(options: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The allowed ones among `options`, in order, without duplicates."""
    out: list[str] = []
    for o in options:
        kept = safe_option(o)
        if kept is not None and kept not in out:
            out.append(kept)
    return tuple(out)
