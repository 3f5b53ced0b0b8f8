"""build/trim_icu.py: the bundle's smaller ICU data library must give Qt the same answers."""

from __future__ import annotations

import importlib.util
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("trim_icu", Path(__file__).resolve().parents[2] / "build" / "trim_icu.py")
trim_icu = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(trim_icu)
trim_library, trim_package, unknown_icu_calls = trim_icu.trim_library, trim_icu.trim_package, trim_icu.unknown_icu_calls

QT_LIB = Path(__import__("PySide6").__file__).parent / "Qt" / "lib"
ICU_DATA = next(QT_LIB.glob("libicudata.so.*"), None)
needs_linux_icu = pytest.mark.skipif(
    not sys.platform.startswith("linux") or ICU_DATA is None or not (shutil.which("as") and shutil.which("ld")),
    reason="Linux PySide6 wheels with ICU, and binutils")


def package(items: dict[str, bytes]) -> bytes:
    """A common-data package as ICU's tools write it: header, table of contents, names, items."""
    header = bytearray(32)
    struct.pack_into("<HBB", header, 0, len(header), 0xDA, 0x27)
    header[12:16] = b"CmnD"
    names = sorted(items)
    blob = bytearray(4 + 8 * len(names))
    name_at = []
    for name in names:
        name_at.append(len(blob))
        blob += name.encode() + b"\0"
    data_at = []
    for name in names:
        blob += b"\0" * (-(len(header) + len(blob)) % 16)
        data_at.append(len(blob))
        blob += items[name]
    struct.pack_into("<I", blob, 0, len(names))
    for i in range(len(names)):
        struct.pack_into("<II", blob, 4 + 8 * i, name_at[i], data_at[i])
    return bytes(header + blob)


def unpack(data: bytes) -> dict[str, bytes]:
    size, = struct.unpack_from("<H", data, 0)
    count, = struct.unpack_from("<I", data, size)
    toc = [struct.unpack_from("<II", data, size + 4 + 8 * i) for i in range(count)]
    out = {}
    for i, (name_at, data_at) in enumerate(toc):
        assert (size + data_at) % 16 == 0
        name = data[size + name_at:data.index(b"\0", size + name_at)].decode()
        end = size + toc[i + 1][1] if i + 1 < count else len(data)
        out[name] = data[size + data_at:end]
    return out


def test_only_the_unused_trees_and_files_are_left_out_and_the_rest_is_copied_as_is():
    items = {f"icudt73l/{name}": os.urandom(n) for name, n in [
        ("coll/root.res", 37), ("coll/ucadata.icu", 100), ("zone/en.res", 16), ("en.res", 5),
        ("ibm-5348_P100-1997.cnv", 70), ("cnvalias.icu", 9), ("brkitr/word.brk", 50),
        ("curr/en.res", 21), ("lang/en.res", 3), ("region/en.res", 3), ("unit/en.res", 8),
        ("translit/root.res", 4), ("rbnf/en.res", 6), ("rfc3491.spp", 12), ("unames.icu", 30),
        ("confusables.cfu", 7), ("uts46.nrm", 11), ("nfkc.nrm", 13)]}
    trimmed, kept, dropped = trim_package(package(items))
    got = unpack(trimmed)
    assert sorted(got) == sorted(f"icudt73l/{n}" for n in (
        "coll/root.res", "coll/ucadata.icu", "zone/en.res", "en.res", "cnvalias.icu", "nfkc.nrm"))
    assert (kept, dropped) == (6, 12)
    for name, blob in got.items():  # each item as it was, then at most 15 bytes of padding
        assert blob[:len(items[name])] == items[name] and len(blob) - len(items[name]) < 16


def test_locales_other_than_english_spanish_and_root_are_left_out_and_tables_kept():
    names = ["en.res", "en_US.res", "en_US_POSIX.res", "en_150.res", "es.res", "es_419.res", "root.res",
             "res_index.res", "pool.res", "supplementalData.res", "zoneinfo64.res", "metaZones.res",
             "coll/en.res", "coll/es.res", "coll/es__TRADITIONAL.res", "coll/root.res", "coll/res_index.res",
             "zone/es_MX.res", "zone/root.res", "zone/tzdbNames.res", "zone/pool.res",
             "de.res", "sr_Latn_BA.res", "yue_Hant.res", "zh.res", "coll/de__PHONEBOOK.res", "coll/de_.res",
             "coll/sv.res", "zone/fr.res", "zone/ast.res"]
    items = {f"icudt73l/{name}": name.encode() for name in names}
    got = unpack(trim_package(package(items))[0])
    assert sorted(n.split("/", 1)[1] for n in got) == sorted(names[:21])


@needs_linux_icu
def test_qt_calls_no_icu_function_whose_data_is_left_out():
    binaries = [p for p in QT_LIB.parent.rglob("*.so*") if not p.name.startswith("libicu")]
    assert unknown_icu_calls(binaries, ICU_DATA.name.rsplit(".", 1)[-1]) == {}


# One line per answer: what was asked, in which locale (tab-separated), then Qt's answer.
PROBE = r"""
import functools, sys
from PySide6.QtCore import QCollator, QLocale, QStringConverter, QStringDecoder, QTimeZone
maps = open("/proc/self/maps").read()
print(sorted({line.split()[-1] for line in maps.splitlines() if "libicudata" in line}), file=sys.stderr)
words = ["Zoë", "zebra", "Élodie", "apple", "Ñu", "Nube", "llama", "luz", "Äpfel", "Öl", "ß", "ss",
         "İstanbul", "ılık", "Łukasz", "Nguyễn", "a10", "a9", "ж", "日本", "中国", "한국"]
for name in ("en_US", "en_GB", "es_ES", "es_MX", "es_US", "de_DE", "sv_SE", "tr_TR", "vi_VN", "zh_CN"):
    locale = QLocale(name)
    for numeric in (False, True):
        collator = QCollator(locale)
        collator.setNumericMode(numeric)
        print(f"collate{int(numeric)}\t{name}\t{sorted(words, key=functools.cmp_to_key(collator.compare))}")
    print(f"case\t{name}\t{locale.toUpper('istanbul straße')} {locale.toLower('İSTANBUL ΣΑΣ')}")
    for zone in (b"America/Chicago", b"Europe/Berlin", b"Asia/Tokyo", b"UTC"):
        for kind in (QTimeZone.TimeType.StandardTime, QTimeZone.TimeType.DaylightTime):
            for style in (QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName):
                print(f"zone {zone.decode()} {kind.name} {style.name}\t{name}\t"
                      f"{QTimeZone(zone).displayName(kind, style, locale)}")
codecs = QStringConverter.availableCodecs()
print(f"codecs\t\t{sorted(c.lower() for c in codecs if c.lower() in ('utf-8', 'utf-16', 'iso-8859-1'))} "
      f"{all(QStringDecoder(c).isValid() for c in codecs)}")
"""


@needs_linux_icu
def test_the_trimmed_library_gives_qt_the_same_answers_in_english_and_spanish(tmp_path):
    trimmed = trim_library(ICU_DATA, tmp_path / "icu")
    assert trimmed.stat().st_size < ICU_DATA.stat().st_size * 0.15

    def probe(extra_env: dict) -> tuple[dict[tuple[str, str], str], str]:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **extra_env}
        run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env,
                             timeout=120, check=True)
        answers = {tuple(line.split("\t")[:2]): line.split("\t")[2] for line in run.stdout.splitlines()}
        return answers, run.stderr

    (full, full_maps), (small, small_maps) = probe({}), probe({"LD_LIBRARY_PATH": str(trimmed.parent)})
    assert str(trimmed) in small_maps and str(trimmed) not in full_maps
    assert full.keys() == small.keys()
    english_spanish = {k for k in full if k[1][:2] in ("en", "es")}
    assert {k: small[k] for k in english_spanish} == {k: full[k] for k in english_spanish}
    assert full[("zone America/Chicago StandardTime LongName", "en_US")] == "Central Standard Time"
    assert full[("zone America/Chicago StandardTime LongName", "es_MX")] == "hora estándar central"
    assert "İSTANBUL" in full[("case", "tr_TR")]
    # Other languages: case mapping needs no locale data (Turkish dotted I included); collation
    # is Unicode's default order, the one root gives, and time zones keep a name.
    others = {k for k in full if k[1] and k not in english_spanish}
    assert all(small[k] == full[k] for k in others if k[0] == "case")
    root_order = small[("collate0", "en_US")]
    assert all(small[k] == root_order for k in others if k[0] == "collate0" and k[1] != "zh_CN")
    assert full[("collate0", "sv_SE")] != root_order  # Swedish puts Ä and Ö after z: data now gone
    assert all(small[k] for k in others if k[0].startswith("zone"))
    assert small[("codecs", "")] == "['iso-8859-1', 'utf-16', 'utf-8'] True"
