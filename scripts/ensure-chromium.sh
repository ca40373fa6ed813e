#!/usr/bin/env bash
# Make sure the browser tests have a Chromium (`make test`, `make test-e2e`).
#
# Nothing to do when CHROMIUM_PATH (default /usr/bin/chromium) is an executable. When the
# default path is missing on Debian or Ubuntu and we may install packages (we are root, or
# `sudo -n` works without a password), install the `chromium` package and check again.
# Otherwise stop with a message saying what to do: the browser tests never skip silently.
#
# ENSURE_CHROMIUM_DRY_RUN=1 prints the install commands instead of running them.
set -euo pipefail

default=/usr/bin/chromium
chromium="${CHROMIUM_PATH:-$default}"

found() { [ -f "$chromium" ] && [ -x "$chromium" ]; }

give_up() {
  echo "Chromium not found at $chromium: the browser tests need it." >&2
  [ -n "${1:-}" ] && echo "$1" >&2
  echo "Install it with: sudo apt-get install chromium   (or set CHROMIUM_PATH)" >&2
  exit 1
}

found && exit 0

# Installing the package brings /usr/bin/chromium, not some other path.
[ "$chromium" = "$default" ] || give_up "CHROMIUM_PATH names a path that the chromium package does not provide."

{ [ -r /etc/debian_version ] && command -v apt-get >/dev/null; } \
  || give_up "Not a Debian or Ubuntu machine with apt-get: install Chromium yourself."

if [ "$(id -u)" -eq 0 ]; then
  as_root=(env DEBIAN_FRONTEND=noninteractive)
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
else
  give_up "Installing it needs root (or sudo without a password prompt)."
fi

run() {
  echo "+ $*"
  [ -n "${ENSURE_CHROMIUM_DRY_RUN:-}" ] || "$@"
}

echo "Chromium not found at $chromium: installing the Debian package for the browser tests…"
run "${as_root[@]}" apt-get update -q
run "${as_root[@]}" apt-get install -y -q --no-install-recommends chromium

if [ -n "${ENSURE_CHROMIUM_DRY_RUN:-}" ]; then
  echo "(dry run: nothing was installed)"
  exit 0
fi
found || give_up "The chromium package was installed but $chromium is still missing."
echo "Chromium installed: $("$chromium" --version 2>/dev/null || echo "$chromium")"
