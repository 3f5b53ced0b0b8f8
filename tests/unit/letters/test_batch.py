"""Many letters into one file: streamed, atomic, page placements right, memory flat."""

from __future__ import annotations

import io
import os
import sys
from dataclasses import replace
from pathlib import Path

import pypdf
import pypdfium2
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from letters_seed import RECIPIENT, letter  # noqa: E402

from mocap_desktop.letters.model import LetterDataError  # noqa: E402
from mocap_desktop.letters.pages import Part, merge, page_count, rasterize  # noqa: E402
from mocap_desktop.letters.render import LetterOutputError, render_letter, write_letters  # noqa: E402


def family(i: int, kind: str = "annual_notice"):
    lang = "es" if i % 3 == 0 else "en"
    return letter(kind, lang, recipient=replace(RECIPIENT, name=f"Guardian {i} Peña", guardian_id=i))


def test_a_batch_places_each_letter_on_its_own_pages(tmp_path):
    kinds = ["received", "denied", "annual_notice", "full_time", "partially_approved", "approved"] * 3
    letters = [family(i, kind) for i, kind in enumerate(kinds)]
    result = write_letters(iter(letters), tmp_path / "batch.pdf")
    reader = pypdf.PdfReader(tmp_path / "batch.pdf")
    assert result.letters == len(letters)
    assert result.pages == len(reader.pages) == sum(p.page_count for p in result.placements)
    expected_first = 1
    for i, placement in enumerate(result.placements):
        assert placement.first_page == expected_first
        expected_first += placement.page_count
        first = reader.pages[placement.first_page - 1].extract_text()
        assert f"Guardian {i} Peña" in first
        if placement.page_count > 1:  # each letter numbers its own pages
            assert ("Page 1 of" in first) or ("Página 1 de" in first)
    assert len(pypdfium2.PdfDocument(str(tmp_path / "batch.pdf"))) == result.pages


def test_the_annual_notice_body_is_laid_out_once_per_language(tmp_path):
    one = write_letters([family(1)], tmp_path / "one.pdf")
    many = write_letters((family(i) for i in range(1, 101)), tmp_path / "many.pdf")
    assert many.pages == 100 * one.pages
    # the shared body is one form per page and language, so each letter after the first costs only
    # its own lines (its address and greeting), a small part of a whole letter
    single, hundred = (tmp_path / "one.pdf").stat().st_size, (tmp_path / "many.pdf").stat().st_size
    assert (hundred - single) / 99 < single / 10


def test_a_missing_output_folder_is_a_clear_error(tmp_path):
    with pytest.raises(LetterOutputError, match="does not exist"):
        write_letters([family(1)], tmp_path / "nowhere" / "out.pdf")


def test_an_unwritable_output_folder_leaves_nothing(tmp_path, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(LetterOutputError, match="cannot be written"):
        write_letters([family(1)], tmp_path / "out.pdf")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(LetterOutputError):
            write_letters([family(1)], folder / "out.pdf")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_bad_data_midway_leaves_no_half_written_file_and_keeps_the_old_one(tmp_path):
    dest = tmp_path / "out.pdf"
    dest.write_bytes(b"yesterday's print job")
    bad = replace(family(5), recipient=replace(RECIPIENT, zip="", guardian_id=5))
    letters = [family(1), family(2), bad, family(4)]
    with pytest.raises(LetterDataError, match="guardian #5"):
        write_letters(iter(letters), dest)
    assert dest.read_bytes() == b"yesterday's print job"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]


def test_a_failed_move_into_place_removes_the_temporary_file(tmp_path, monkeypatch):
    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(LetterOutputError, match="No space left"):
        write_letters([family(1)], tmp_path / "out.pdf")
    assert list(tmp_path.iterdir()) == []


def _unwritten(writer) -> int:
    from mocap_desktop.letters.pdfstream import _Written

    return sum(1 for obj in writer.canvas._doc.idToObject.values() if not isinstance(obj, _Written))


def test_pages_are_written_as_they_finish_so_memory_stays_flat(tmp_path):
    from mocap_desktop.letters.render import LetterWriter

    with open(tmp_path / "flat.pdf", "wb") as fh:
        writer = LetterWriter(fh)
        for i in range(6):
            writer.add(family(i, "denied"))
        held_after_6, size_after_6 = _unwritten(writer), fh.tell()
        for i in range(6, 30):
            writer.add(family(i, "denied"))
        held_after_30, size_after_30 = _unwritten(writer), fh.tell()
        writer.close()
    # the pages went to the file as they were finished; what stays in memory does not grow
    assert size_after_30 > size_after_6 + 24 * 2 * 1000
    assert held_after_30 == held_after_6
    assert len(pypdf.PdfReader(tmp_path / "flat.pdf").pages) == writer.canvas.pages_out >= 60


def test_pages_render_to_pictures_and_merge(tmp_path):
    pdf = render_letter(family(1, "denied"))
    images = rasterize(pdf, dpi=50)
    assert len(images) == page_count(pdf) >= 2
    first = images[0]
    assert (first.width, first.height) == (round(8.5 * 50), round(11 * 50))
    assert len(first.data) == first.stride * first.height
    assert len(set(first.data[: first.stride * 20])) == 1  # the top margin is blank paper
    assert len(set(first.data)) > 2  # and there is ink further down
    (tmp_path / "a.pdf").write_bytes(pdf)
    (tmp_path / "b.pdf").write_bytes(render_letter(family(2, "received")))
    out = io.BytesIO()
    pages = merge([Part(tmp_path / "b.pdf"), Part(tmp_path / "a.pdf", 2, 1)], out)
    assert pages == 2
    reader = pypdf.PdfReader(io.BytesIO(out.getvalue()))
    assert "Guardian 2 Peña" in reader.pages[0].extract_text()
    assert "Page 2 of" in reader.pages[1].extract_text()
