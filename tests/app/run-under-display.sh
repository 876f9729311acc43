#!/bin/sh
# Runs a GUI test program on the current X display, or under Xvfb when there is none;
# exits 77 (ctest: skipped) when neither is available.
if [ -n "$DISPLAY" ]; then
    exec "$@"
fi
if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "xvfb-run not found (Debian package xvfb): GUI tests skipped"
    exit 77
fi
exec xvfb-run -a -s "-screen 0 1280x1024x24" "$@"
