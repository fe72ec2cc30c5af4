#!/bin/sh
# The browser tests drive Debian's Chromium and need CJK fonts to render Chinese pages
# (Playwright never downloads a browser of its own). Install both when they are missing and we
# are root; otherwise stop, before any test runs, with the one command to run.
# JIANBING_CHROMIUM names another Chromium binary (tests/e2e/conftest.py reads it too).
set -eu

CHROMIUM="${JIANBING_CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ] && fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then
  exit 0
fi

if [ "$(id -u)" != "0" ]; then
  echo "The browser tests need Debian's Chromium and CJK fonts. Install them once as root:" >&2
  echo "    sudo sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk'" >&2
  exit 1
fi

echo "Installing Chromium and CJK fonts for the browser tests"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
