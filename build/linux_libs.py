"""Which Linux libraries the bundle leaves to the system, and which ones a binary links.

PyInstaller itself leaves glibc, the GL drivers and libxcb to the system. The bundle also leaves
the desktop's own stack there, which PySide6's wheels take from the system as well (they ship
none of it, and `pip install PySide6` needs it installed): X11 and the xcb extensions,
xkbcommon, fontconfig and FreeType, GLib, D-Bus, CUPS, and the C++ runtime that the manylinux
policy of every binary wheel assumes. A copy in the bundle would be an older twin of the
system's, loaded next to it by the desktop's own plugins (input methods, printer drivers). The
libraries only they need (GnuTLS, Kerberos and systemd's, for CUPS and D-Bus) go with them. On
Debian and Ubuntu these are the packages `build/dev.sh` installs.

A system library that a wheel also carries (auditwheel's renamed copy, such as psycopg's
`libssl-6a9b88ec.so.3` beside the system's `libssl.so.3` that Python's `ssl` links) is bundled
once: the wheel's copy, also under the system's name. The major version (the soname's number) is
the same, and with it the ABI; the wheel's is usually the newer.

A wheel's copy of a library that is left to the system (Pillow's libxcb, for its screen grab,
with the libXau only it links) is not bundled: what links it is rewritten to link the system's,
the one libX11 and so QtGui already load, instead of a second copy beside it.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
from pathlib import Path

LEFT_TO_SYSTEM = re.compile(
    # glibc, GL, DRM, Wayland and libxcb: PyInstaller's own list
    r"ld-linux.*|ld64\.so.*|lib(c|m|dl|pthread|rt|util|resolv|crypt|nsl|anl|BrokenLocale|thread_db)\.so.*"
    r"|libnss_.*|libE?(Open)?GLX?(ESv1_CM|ESv2)?(dispatch)?\.so.*|libdrm\.so.*"
    r"|libwayland-(client|cursor|egl|server)\.so.*"
    # the desktop's stack, as PySide6's wheels expect it
    r"|libxcb(-[a-z0-9-]+)?\.so\.\d+|libX11(-xcb)?\.so.*|libxkbcommon(-x11)?\.so.*|libfontconfig\.so.*"
    r"|libfreetype\.so.*|lib(glib|gthread)-2\.0\.so.*|libdbus-1\.so.*|libcups\.so.*"
    r"|libstdc\+\+\.so.*|libgcc_s\.so.*")


# auditwheel's name for a library it copied into a wheel: the soname with a hash before `.so`.
WHEEL_COPY = re.compile(r"(lib.+?)-[0-9a-f]{8}\.so\.(\d+)(\..*)?")


def needed(binary: Path) -> list[str]:
    """The libraries an ELF file links (its NEEDED entries); none for other files."""
    if binary.open("rb").read(4) != b"\x7fELF":
        return []
    dump = subprocess.run(["objdump", "-p", str(binary)], capture_output=True, text=True).stdout
    return re.findall(r"^\s+NEEDED\s+(\S+)$", dump, re.MULTILINE)


def leave_to_system(binaries: list[tuple[str, str, str]], is_system, links=needed) -> list[tuple[str, str, str]]:
    """PyInstaller's binaries (destination, source, kind) without the system's libraries that are
    left to the system, nor those that nothing kept links any more. `is_system(source)`: whether
    a library was found among the system's (not in Python or a wheel); `links(path)`: the names a
    binary links."""
    def name(entry):
        return Path(entry[0]).name

    kept = [b for b in binaries if not (is_system(b[1]) and LEFT_TO_SYSTEM.fullmatch(name(b)))]
    linked = {b[1]: set(links(Path(b[1]))) for b in kept}
    while True:
        wanted = set().union(*(linked[b[1]] for b in kept))
        unused = [b for b in kept if is_system(b[1]) and name(b) not in wanted]
        if not unused:
            return kept
        kept = [b for b in kept if b not in unused]


def share_wheel_copies(binaries: list[tuple[str, str, str]], is_system) -> list[tuple[str, str, str]]:
    """The binaries with each system library that a wheel also carries replaced by a link to the
    wheel's copy."""
    copies = {}
    for dest, src, _ in binaries:
        if (name := _system_name(dest)) and not is_system(src):
            copies.setdefault(name, dest)
    return [(dest, os.path.relpath(copies[Path(dest).name], os.path.dirname(dest) or "."), "SYMLINK")
            if is_system(src) and Path(dest).name in copies else (dest, src, kind)
            for dest, src, kind in binaries]


def elf_sections(image: bytes) -> list[tuple]:
    """The section headers of a 64-bit little-endian ELF file: (sh_name, sh_type, sh_flags,
    sh_addr, sh_offset, sh_size, sh_link, sh_info, sh_addralign, sh_entsize) each."""
    shoff, = struct.unpack_from("<Q", image, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", image, 0x3A)
    return [struct.unpack_from("<IIQQQQIIQQ", image, shoff + i * shentsize) for i in range(shnum)]


def _system_name(dest: str) -> str | None:
    """The system's name for a wheel's copy (`libxcb-9065bb12.so.1.1.0`: `libxcb.so.1`)."""
    copy = WHEEL_COPY.fullmatch(Path(dest).name)
    return f"{copy[1]}.so.{copy[2]}" if copy else None


def relink(binary: Path, renames: dict[str, str], out: Path) -> Path:
    """A copy of the 64-bit ELF file `binary` at `out` whose NEEDED libraries are renamed
    (`renames`: old name to new, each new name no longer than the old one, written over it in the
    string table). Refuses when the copy would differ in anything else objdump shows."""
    image = bytearray(binary.read_bytes())
    sections = elf_sections(image)
    dynamic = next(s for s in sections if s[1] == 6)  # SHT_DYNAMIC
    strings = sections[dynamic[6]][4]
    for at in range(dynamic[4], dynamic[4] + dynamic[5], 16):
        tag, value = struct.unpack_from("<qQ", image, at)
        start = strings + value
        old = image[start:image.index(0, start)].decode() if tag == 1 else ""  # DT_NEEDED
        if old in renames:
            new = renames[old].encode()
            if len(new) > len(old):
                raise ValueError(f"{binary.name}: {new.decode()} is longer than {old}")
            image[start:start + len(old)] = new.ljust(len(old), b"\0")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(image)
    out.chmod(binary.stat().st_mode)
    expected = _dump(binary)
    for old, new in renames.items():
        expected = expected.replace(old, new)
    if _dump(out) != expected:
        raise SystemExit(f"{binary.name}: renaming {', '.join(renames)} would change more than its links")
    return out


def _dump(binary: Path) -> str:
    """objdump's headers and dynamic symbols of `binary`, without its file name."""
    dump = subprocess.run(["objdump", "-p", "-T", str(binary)], capture_output=True, text=True, check=True).stdout
    return dump.replace(str(binary), "")


def link_system_twins(binaries: list[tuple[str, str, str]], is_system, out_dir: Path,
                      links=needed) -> list[tuple[str, str, str]]:
    """The binaries without the wheels' copies of libraries left to the system, and without the
    copies only those linked; what linked them is rewritten (into `out_dir`) to link the
    system's."""
    twins = {}
    for dest, src, _ in binaries:
        if (name := _system_name(dest)) and not is_system(src) and LEFT_TO_SYSTEM.fullmatch(name):
            twins[Path(dest).name] = name
    kept, orphans, wanted = [], set(), set()
    for dest, src, kind in binaries:
        linked = links(Path(src))
        if Path(dest).name in twins:
            orphans.update(linked)
            continue
        wanted.update(linked)
        renames = {n: twins[n] for n in linked if n in twins}
        kept.append((dest, str(relink(Path(src), renames, out_dir / dest)) if renames else src, kind))
    # what only the dropped copies linked (Pillow's libXau) goes with them
    return [b for b in kept if Path(b[0]).name not in orphans - wanted]
