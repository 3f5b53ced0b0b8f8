#!/usr/bin/env bash
# Set up everything MOCAP Desktop needs on this machine, then do one thing:
#   bash build/dev.sh demo     start the app on the demo database
#   bash build/dev.sh test     run the whole test suite
#   bash build/dev.sh bundle   build the one-folder bundle and smoke-test it
#   bash build/dev.sh setup    only set up (.venv with the app and its tools)
# Safe to run again: what is already there is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
action="${1:-setup}"; shift || true
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"

# Shared libraries Qt needs on Debian/Ubuntu (offscreen needs the first line; a real screen all;
# printing libcups2). The Linux bundle takes these from the system too (build/linux_libs.py).
SYSTEM_PACKAGES="libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 binutils
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
  libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1 libcups2"

# The tests of district mode start their own PostgreSQL server (tests/pgserver.py) from these.
TEST_PACKAGES="postgresql"

# The bundle's SQLCipher is built from its source release against these (see shared_sqlcipher).
BUNDLE_PACKAGES="gcc libc6-dev libssl-dev"

system_packages() {
  command -v dpkg >/dev/null 2>&1 || return 0   # not Debian: see README for other systems
  local missing=""
  for pkg in $SYSTEM_PACKAGES $1; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
  done
  [ -z "$missing" ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing system packages:$missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

python_env() {
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[dev]"
  # Compiled once here, so a start does not compile them where bytecode is not written
  # (PYTHONDONTWRITEBYTECODE, a read-only folder).
  "$VENV/bin/python" -m compileall -q mocap_desktop >/dev/null
}

# SQLCipher's wheel carries a static copy of OpenSSL (6 MB); the Linux bundle already has
# OpenSSL's libcrypto (psycopg's, which Python's ssl also uses), so for the bundle the same
# SQLCipher release is built from its source distribution (its own amalgamation, linked to the
# system's libcrypto, which the bundle then takes from psycopg): the same database engine,
# 6.3 MB smaller, and without SQLite's memory statistics (SQLITE_DEFAULT_MEMSTATUS=0, which
# SQLite recommends: nothing here reads them, and each allocation takes a lock for them; an
# import's writes 8-10% faster). CFLAGS replaces Python's own flags, so they are given too.
# Once: a build that already links libcrypto is kept.
shared_sqlcipher() {
  [ "$(uname -s)" = "Linux" ] || return 0
  local so version
  so=$("$VENV/bin/python" -c "import sqlcipher3._sqlite3 as c; print(c.__file__)")
  objdump -p "$so" | grep -q "NEEDED *libcrypto" && return 0
  version=$("$VENV/bin/python" -c "from importlib.metadata import version; print(version('sqlcipher3'))")
  echo "Building sqlcipher3 $version (SQLCipher) from source against the system's OpenSSL (about two minutes, once)"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "setuptools>=69" wheel
  # Without build isolation, so that its setup uses the system's OpenSSL (with the `conan`
  # package it would fetch and build one of its own).
  cflags="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_config_var("CFLAGS") or "-O2")')"
  CFLAGS="$cflags -DSQLITE_DEFAULT_MEMSTATUS=0" \
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-build-isolation \
    --no-binary sqlcipher3 --no-deps --force-reinstall --no-cache-dir "sqlcipher3==$version" \
    || echo "The build failed (a C compiler and OpenSSL's headers are needed): the bundle keeps the" \
            "wheel's SQLCipher with its own OpenSSL, 6 MB larger." >&2
}

case "$action" in
  test) system_packages "$TEST_PACKAGES" ;;
  bundle) system_packages "$BUNDLE_PACKAGES" ;;
  *) system_packages "" ;;
esac
python_env
if [ "$action" = "bundle" ]; then shared_sqlcipher; fi

case "$action" in
  setup) echo "Ready: $VENV/bin/mocap-desktop" ;;
  demo) exec "$VENV/bin/mocap-desktop" --demo "$@" ;;
  test) QT_QPA_PLATFORM=offscreen exec "$VENV/bin/python" -m pytest "$@" ;;
  bundle) exec "$VENV/bin/python" build/build_bundle.py --check "$@" ;;
  *) echo "usage: bash build/dev.sh [setup|demo|test|bundle]" >&2; exit 2 ;;
esac
