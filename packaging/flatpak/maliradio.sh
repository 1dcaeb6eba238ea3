#!/bin/sh
# The Flatpak's launcher: the runtime's Python with the app installed in /app.
exec python3 -m maliradio "$@"
