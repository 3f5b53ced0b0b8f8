"""A smaller copy of Qt's ICU data library (libicudata.so.NN) for the Linux bundle.

Qt's wheels ship all of ICU's data (32 MB) in libicudata, but QtCore is the only part of the
bundle that calls ICU, and only four families of its functions (`nm -D --undefined-only
libQt6Core.so.6 | grep _NN`): collation (`ucol_*`: QCollator, the file dialog's sorting), case
mapping (`u_strToUpper/Lower`: QLocale::toUpper), calendars and time-zone names (`ucal_*`:
QTimeZone::displayName) and converters (`ucnv_*`: QStringConverter for non-UTF encodings).
Those read the locale data, `coll/`, `zone/` and the supplemental tables. The items below serve
only ICU functions nothing in the bundle calls, or languages and encodings the app never asks
Qt for, and no kept item points into them (ICU's resource aliases stay within their own tree):

    brkitr/    break iteration (Qt has its own line and word breaking)
    unit/      unit names for measure formatting
    curr/      currency names for number formatting
    lang/ region/   display names of languages and countries
    translit/  transliterators
    rbnf/      spelled-out numbers
    *.spp unames.icu confusables.cfu uts46.nrm   stringprep, character names, spoof checks, IDNA
    *.cnv      legacy encodings (Windows-1252, Shift-JIS, EBCDIC...): the app reads files with
               Python's codecs and gives Qt only Unicode text; UTF-8/16/32 and Latin-1 are built
               into QtCore and ICU's algorithmic converters, which need no data
    locales other than English, Spanish and root, in the top level, `coll/` and `zone/`: the
               app speaks English and Spanish; on a PC set to another language, QCollator and
               time-zone names fall back to the root locale (Unicode's default order, English
               names), as ICU does for any locale it lacks

`trim_library` refuses to trim when a bundled binary calls any other ICU function, so a newer
Qt that starts using, say, ICU's break iterators stops the build instead of losing data.
The kept items are copied byte for byte into a new common-data package, and the library is
rebuilt around it with the GNU assembler and linker (binutils, which PyInstaller needs on Linux
anyway): same soname, same exported symbol (`icudtNN_dat`).

    python build/trim_icu.py LIBICUDATA OUT_DIR [BINARY...]   # BINARY: the bundle's callers
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from linux_libs import elf_sections  # noqa: E402

DROP_TREES = ("brkitr", "unit", "curr", "lang", "region", "translit", "rbnf")
DROP_SUFFIXES = (".spp", ".cfu", ".cnv")
DROP_NAMES = ("unames.icu", "uts46.nrm")
# Locale data kept: these languages (and their regions, scripts and variants) and root.
LANGUAGES = ("en", "es")
LOCALE_TREES = ("", "coll", "zone")
# A locale's resource name (`de`, `sr_Latn_BA`, `es_419`, `de__PHONEBOOK`), not a table such as
# `supplementalData`, `pool` or `root` (`res_index`, the locale list, is kept by name).
LOCALE = re.compile(r"([a-z]{2,3})(_[A-Za-z0-9]*)*\.res")
# ICU functions whose data is kept as above (prefixes of the C API names, before the _NN suffix).
KNOWN_CALLS = ("ucol_", "ucnv_", "UCNV_", "ucal_", "u_strToUpper", "u_strToLower")


def dropped(name: str) -> bool:
    """`name` is a table-of-contents entry such as `icudt73l/coll/de.res`."""
    parts = name.split("/")
    tree, file = "/".join(parts[1:-1]), parts[-1]
    if (len(parts) > 2 and parts[1] in DROP_TREES) or file.endswith(DROP_SUFFIXES) or file in DROP_NAMES:
        return True
    locale = LOCALE.fullmatch(file)
    return (tree in LOCALE_TREES and locale is not None and file != "res_index.res"
            and locale.group(1) not in LANGUAGES)


def dynamic_symbols(image: bytes) -> Iterable[tuple[str, int, int]]:
    """(name, file offset or -1 when undefined, size) of each dynamic symbol of an ELF64 LE file."""
    if image[:4] != b"\x7fELF" or image[4] != 2 or image[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    sections = elf_sections(image)
    for sh in sections:
        if sh[1] != 11:  # SHT_DYNSYM
            continue
        strtab = sections[sh[6]]
        for at in range(sh[4] + sh[9], sh[4] + sh[5], sh[9]):
            st_name, _info, _other, st_shndx, st_value, st_size = struct.unpack_from("<IBBHQQ", image, at)
            start = strtab[4] + st_name
            name = image[start:image.index(b"\0", start)].decode()
            if st_shndx == 0:
                yield name, -1, 0
            elif st_shndx < len(sections):
                section = sections[st_shndx]
                yield name, st_value - section[3] + section[4], st_size


def unknown_icu_calls(binaries: Iterable[Path], major: str) -> dict[str, list[str]]:
    """The ICU functions (version `major`) each binary imports beyond KNOWN_CALLS."""
    found = {}
    pattern = re.compile(rf"(.*)_{major}$|.*icu_{major}")
    for path in binaries:
        try:
            image = path.read_bytes()
            names = [n for n, offset, _ in dynamic_symbols(image) if offset < 0]
        except (OSError, ValueError, struct.error):
            continue
        unknown = sorted(n for n in names if pattern.match(n) and not n.startswith(KNOWN_CALLS))
        if unknown:
            found[path.name] = unknown
    return found


def trim_package(data: bytes) -> tuple[bytes, int, int]:
    """The common-data package (ICU's `CmnD` format) without the dropped items; also returns the
    number of items kept and dropped."""
    header_size, = struct.unpack_from("<H", data, 0)
    if data[2:4] != b"\xda\x27" or data[12:16] != b"CmnD":
        raise ValueError("not an ICU common-data package")
    count, = struct.unpack_from("<I", data, header_size)
    toc = [struct.unpack_from("<II", data, header_size + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_at, data_at) in enumerate(toc):
        start = header_size + name_at
        name = data[start:data.index(b"\0", start)]
        end = header_size + toc[i + 1][1] if i + 1 < count else len(data)
        items.append((name, data[header_size + data_at:end]))
    kept = [(n, blob) for n, blob in items if not dropped(n.decode())]
    # The table of contents (offsets from its own start), the names, then each item 16-byte
    # aligned, in the original (sorted) order: ICU looks names up by binary search.
    names_at = 4 + 8 * len(kept)
    name_offsets, names = [], bytearray()
    for name, _ in kept:
        name_offsets.append(names_at + len(names))
        names += name + b"\0"
    body = bytearray(names_at) + names
    entries = []
    for (_, blob), name_offset in zip(kept, name_offsets):
        body += b"\0" * (-(header_size + len(body)) % 16)
        entries.append((name_offset, len(body)))
        body += blob
    struct.pack_into("<I", body, 0, len(kept))
    for i, (name_offset, data_offset) in enumerate(entries):
        struct.pack_into("<II", body, 4 + 8 * i, name_offset, data_offset)
    return bytes(data[:header_size]) + bytes(body), len(kept), len(items) - len(kept)


def trim_library(source: Path, out_dir: Path, callers: Iterable[Path] = ()) -> Path:
    """Write the trimmed library as `out_dir/<same file name>` and return its path. `callers`:
    the other binaries of the bundle, checked to call only the ICU functions it was made for."""
    image = source.read_bytes()
    symbol, offset, size = next((n, o, s) for n, o, s in dynamic_symbols(image)
                                if re.fullmatch(r"icudt\d+_dat", n) and o >= 0)
    major = symbol[5:-4]
    unknown = unknown_icu_calls(callers, major)
    if unknown:
        raise SystemExit(f"{source.name} not trimmed: these binaries call ICU functions whose data "
                         f"build/trim_icu.py may leave out: {unknown}. Check which data they read and "
                         f"add them to KNOWN_CALLS (or keep their data).")
    package, kept, gone = trim_package(image[offset:offset + size])
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "icudata.dat").write_bytes(package)
    (out_dir / "icudata.s").write_text(
        "\t.section .rodata\n"
        f"\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n"
        f"{symbol}:\n\t.incbin \"icudata.dat\"\n\t.size {symbol}, . - {symbol}\n"
        "\t.section .note.GNU-stack,\"\",@progbits\n")
    target = out_dir / source.name
    subprocess.run(["as", "-o", "icudata.o", "icudata.s"], cwd=out_dir, check=True)
    subprocess.run(["ld", "-shared", "-z", "noexecstack", "-soname", source.name, "-o", str(target),
                    "icudata.o"], cwd=out_dir, check=True)
    print(f"ICU data: {kept} items kept, {gone} left out; {source.name} "
          f"{len(image) / 1e6:.1f} MB -> {target.stat().st_size / 1e6:.1f} MB")
    return target


if __name__ == "__main__":
    print(trim_library(Path(sys.argv[1]), Path(sys.argv[2]), [Path(p) for p in sys.argv[3:]]))
