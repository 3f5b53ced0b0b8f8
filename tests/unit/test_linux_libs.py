"""build/linux_libs.py: which libraries the Linux bundle leaves to the system or shares."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

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


def test_a_wheels_copy_of_a_library_left_to_the_system_gives_way_to_the_systems(tmp_path):
    links = dict(LINKS)
    imaging = WHEEL + "PIL/_imaging.so"
    links[imaging] = ["libxcb-9065bb12.so.1.1.0", "libjpeg-6dc8d115.so.62.4.0"]
    links[WHEEL + "pillow.libs/libxcb-9065bb12.so.1.1.0"] = ["libXau-154567c4.so.6.0.0"]
    links[WHEEL + "pillow.libs/libXau-154567c4.so.6.0.0"] = []
    links[WHEEL + "pillow.libs/libjpeg-6dc8d115.so.62.4.0"] = []
    relinked = []

    def relink(binary, renames, out):
        relinked.append((str(binary), renames, out))
        return out

    original, linux_libs.relink = linux_libs.relink, relink
    try:
        kept = linux_libs.link_system_twins([entry(s) for s in links], is_system, tmp_path,
                                            links=lambda p: links[str(p)])
    finally:
        linux_libs.relink = original
    names = {Path(dest).name: src for dest, src, _ in kept}
    # Pillow's libxcb and the libXau only it linked are gone; its libjpeg and psycopg's OpenSSL stay.
    assert "libxcb-9065bb12.so.1.1.0" not in names and "libXau-154567c4.so.6.0.0" not in names
    assert {"libjpeg-6dc8d115.so.62.4.0", "libssl-6a9b88ec.so.3", "libcrypto-3a0647ea.so.3"} <= set(names)
    # _imaging is the rewritten copy, linking the system's libxcb; nothing else was rewritten.
    assert relinked == [(imaging, {"libxcb-9065bb12.so.1.1.0": "libxcb.so.1"}, tmp_path / "PIL/_imaging.so")]
    assert names["_imaging.so"] == str(tmp_path / "PIL/_imaging.so")


def test_relinking_a_real_extension_changes_its_link_and_nothing_else(tmp_path):
    import subprocess
    import sys

    import PIL

    imaging = next(Path(PIL.__file__).parent.glob("_imaging.*.so"))
    twin = next((n for n in linux_libs.needed(imaging) if n.startswith("libxcb-")), None)
    if twin is None:
        pytest.skip("this Pillow carries no libxcb of its own")
    out = tmp_path / "PIL" / imaging.name
    linux_libs.relink(imaging, {twin: "libxcb.so.1"}, out)
    assert "libxcb.so.1" in linux_libs.needed(out) and twin not in linux_libs.needed(out)
    assert out.stat().st_size == imaging.stat().st_size
    # The rewritten extension loads and works, with the system's libxcb.
    (tmp_path / "PIL" / "__init__.py").write_text("")
    probe = ("import sys; sys.path.insert(0, sys.argv[1]); import PIL._imaging as m; "
             "assert m.__file__.startswith(sys.argv[1]); print(m.new('L', (2, 2)).size)")
    env = {"LD_LIBRARY_PATH": str(Path(PIL.__file__).parent.parent / "pillow.libs"), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "(2, 2)"
