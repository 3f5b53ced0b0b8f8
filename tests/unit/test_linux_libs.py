"""build/linux_libs.py: which libraries the Linux bundle leaves to the system or shares."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("linux_libs", Path(__file__).resolve().parents[2] / "build" / "linux_libs.py")
linux_libs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(linux_libs)

SYSTEM = "/usr/lib/x86_64-linux-gnu/"
WHEEL = "/venv/site-packages/"
LINKS = {  # what each binary links, as objdump reads NEEDED
    WHEEL + "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so": ["libcups.so.2", "libQt6Core.so.6"],
    WHEEL + "PySide6/Qt/lib/libQt6Core.so.6": ["libglib-2.0.so.0", "libzstd.so.1", "libstdc++.so.6"],
    SYSTEM + "libcups.so.2": ["libgnutls.so.30", "libz.so.1"],
    SYSTEM + "libgnutls.so.30": ["libunistring.so.2"],
    SYSTEM + "libunistring.so.2": [],
    SYSTEM + "libglib-2.0.so.0": ["libpcre2-8.so.0"],
    SYSTEM + "libpcre2-8.so.0": [],
    SYSTEM + "libstdc++.so.6": [],
    SYSTEM + "libz.so.1": [],
    SYSTEM + "libzstd.so.1": [],
    SYSTEM + "libssl.so.3": ["libcrypto.so.3"],
    SYSTEM + "libcrypto.so.3": [],
    "/python/lib-dynload/_ssl.so": ["libssl.so.3", "libcrypto.so.3"],
    "/python/lib-dynload/zlib.so": ["libz.so.1"],
    WHEEL + "psycopg_binary.libs/libssl-6a9b88ec.so.3": ["libcrypto-3a0647ea.so.3"],
    WHEEL + "psycopg_binary.libs/libcrypto-3a0647ea.so.3": [],
    WHEEL + "pillow.libs/libxcb-9065bb12.so.1.1.0": [],
}


def entry(source: str) -> tuple[str, str, str]:
    dest = source.split("site-packages/", 1)[-1] if source.startswith(WHEEL) else Path(source).name
    if "lib-dynload" in source:
        dest = "python3.11/lib-dynload/" + Path(source).name
    return dest, source, "BINARY"


def is_system(source: str) -> bool:
    return source.startswith(SYSTEM)


def test_the_desktop_stack_and_what_only_it_links_stay_with_the_system():
    binaries = [entry(s) for s in LINKS]
    kept = linux_libs.leave_to_system(binaries, is_system, links=lambda p: LINKS[str(p)])
    names = {Path(dest).name for dest, _, _ in kept}
    # CUPS, GLib and the C++ runtime are the system's; GnuTLS and PCRE went with them.
    assert not names & {"libcups.so.2", "libgnutls.so.30", "libunistring.so.2", "libglib-2.0.so.0",
                        "libpcre2-8.so.0", "libstdc++.so.6"}
    # What Python or a wheel's binary still links stays: zlib (Python's zlib), zstd (QtCore), OpenSSL.
    assert {"libz.so.1", "libzstd.so.1", "libssl.so.3", "libcrypto.so.3"} <= names
    # A wheel's own copy is never dropped, even when its name looks like the desktop's.
    assert "libxcb-9065bb12.so.1.1.0" in names and "libcupsprintersupport.so" in names


def test_a_library_the_system_and_a_wheel_both_provide_is_bundled_once_as_a_link():
    binaries = [entry(s) for s in LINKS]
    shared = {dest: (src, kind) for dest, src, kind in linux_libs.share_wheel_copies(binaries, is_system)}
    assert shared["libssl.so.3"] == ("psycopg_binary.libs/libssl-6a9b88ec.so.3", "SYMLINK")
    assert shared["libcrypto.so.3"] == ("psycopg_binary.libs/libcrypto-3a0647ea.so.3", "SYMLINK")
    assert shared["libz.so.1"] == (SYSTEM + "libz.so.1", "BINARY")  # no wheel carries zlib here
    assert shared["psycopg_binary.libs/libssl-6a9b88ec.so.3"][1] == "BINARY"


def test_the_left_to_system_names_are_the_systems_sonames_only():
    left = linux_libs.LEFT_TO_SYSTEM.fullmatch
    assert all(left(n) for n in ("libc.so.6", "libxcb.so.1", "libxcb-cursor.so.0", "libX11-xcb.so.1",
                                 "libcups.so.2", "libstdc++.so.6", "libglib-2.0.so.0", "libGL.so.1"))
    assert not any(left(n) for n in ("libxcb-9065bb12.so.1.1.0", "libssl.so.3", "libz.so.1", "libzstd.so.1",
                                     "libQt6Gui.so.6", "libpython3.11.so.1.0"))
