"""The letters themselves: what the text says per kind and language, the font, the window,
page numbers, and refusals of bad data."""

from __future__ import annotations

import io
import sys
import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path

import pypdf
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from letters_seed import AWKWARD, DECISION, RECIPIENT, STUDENT, letter  # noqa: E402

from mocap_desktop.core.messages import reason_text  # noqa: E402
from mocap_desktop.letters.model import KINDS, LetterDataError  # noqa: E402
from mocap_desktop.letters.render import (  # noqa: E402
    WINDOW_BOTTOM,
    WINDOW_LEFT,
    WINDOW_RIGHT,
    WINDOW_TOP,
    render_letter,
)

INCH = 72


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_names_the_student_and_the_guardian_address(kind, lang):
    text = text_of(render_letter(letter(kind, lang)))
    assert STUDENT.name in text
    for line in RECIPIENT.address_lines():
        assert line in text
    assert "Maple Valley R-IV School District" in text
    date_written = {"en": "January 16, 2026", "es": "16 de enero de 2026"}
    if kind == "annual_notice":
        assert ("August 3, 2026" if lang == "en" else "3 de agosto de 2026") in text
        assert "Mateo Peña" in text
    else:
        assert date_written[lang] in text
        assert "PT-2026-0042" in text


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("kind", ["denied", "partially_approved"])
def test_denials_give_each_reason_the_explanation_and_the_appeal_deadline(kind, lang):
    text = text_of(render_letter(letter(kind, lang)))
    for code in DECISION.reasons:
        assert " ".join(reason_text(code, lang).split()) in text
    assert DECISION.explanation in text
    # 30 calendar days after the decision of January 16, 2026
    assert ("February 15, 2026" if lang == "en" else "15 de febrero de 2026") in text
    if lang == "en":
        assert "Board of Education" in text and "Department of Elementary and Secondary Education" in text
        assert "72 hours" in text and "7 calendar days" in text
    else:
        assert "Junta de Educación" in text and "Departamento de Educación Primaria y Secundaria" in text
        assert "causa justificada" in text and "mejor interés educativo del estudiante" in text


def test_the_appeal_deadline_follows_the_districts_number_of_days():
    data = letter("denied")
    data = replace(data, settings=replace(data.settings, board_appeal_days=10))
    assert "January 26, 2026" in text_of(render_letter(data))


def test_an_iep_teams_denial_points_to_special_education_not_the_board():
    data = letter("denied")
    data = replace(data, request=replace(data.request, routing="iep_team"))
    text = text_of(render_letter(data))
    assert "special-education process" in text
    assert "Appeal to the Board of Education" not in text


def test_approval_says_which_courses_the_district_pays_for_and_that_policies_apply():
    text = text_of(render_letter(letter("approved")))
    assert "No: beyond a full-time load" in text
    assert "cyberbullying" in text and "academic dishonesty" in text
    assert "computer or internet access" in text
    assert "MSHSAA By-Law 2.3.4" in text  # the seed student is in MSHSAA activities
    assert "(ICAP)" in text


def test_full_time_letter_says_not_to_withdraw_and_names_the_host_district():
    text = text_of(render_letter(letter("full_time", "es")))
    assert "distrito anfitrión (Springfield R-XII)" in text
    assert "15 de enero de 2026" in text  # the day the input was sent
    assert "el distrito anfitrión lo aplica" in text  # an IEP or 504 plan goes with the student


def test_annual_notice_depends_on_the_prior_semester_setting():
    data = letter("annual_notice")
    assert "whole prior semester" in text_of(render_letter(data))
    off = replace(data, settings=replace(data.settings, require_prior_semester=False))
    assert "whole prior semester" not in text_of(render_letter(off))


def test_a_name_with_every_awkward_character_comes_out_unchanged():
    data = letter("denied", students=(replace(STUDENT, name=AWKWARD),),
                  recipient=replace(RECIPIENT, name="Đặng Thị Hương-Łukaszewicz"))
    text = text_of(render_letter(data))
    assert AWKWARD in text
    assert "Đặng Thị Hương-Łukaszewicz" in text


def test_every_font_is_the_embedded_truetype_family():
    reader = pypdf.PdfReader(io.BytesIO(render_letter(letter("partially_approved", "es"))))
    seen = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            seen.add(font["/BaseFont"])
            assert font["/Subtype"] == "/TrueType"
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
    assert any("DejaVuSans-Bold" in name for name in seen)
    assert any("DejaVuSans-Oblique" in name for name in seen)  # the citation is italic
    assert not any("Helvetica" in name for name in seen)


def _address_positions(pdf: bytes) -> list[tuple[str, float, float]]:
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    height = float(page.mediabox.height)
    found = []

    def visit(text, cm, tm, font, size):
        x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
        if text.strip():
            found.append((text.strip(), x, height - y))

    page.extract_text(visitor_text=visit)
    return found


def test_the_address_block_sits_in_a_number_10_window():
    positions = _address_positions(render_letter(letter("received")))
    lines = RECIPIENT.address_lines()
    hits = [(t, x, top) for t, x, top in positions if t in lines]
    assert {t for t, _, _ in hits} == set(lines)
    for text, x, baseline in hits:
        assert WINDOW_LEFT + 0.1 * INCH <= x, text
        assert x + 3.5 * INCH <= WINDOW_RIGHT, text
        assert WINDOW_TOP + 0.1 * INCH <= baseline <= WINDOW_BOTTOM - 0.1 * INCH, (text, baseline / INCH)
    # nothing else on the page shows through the window
    for text, x, baseline in positions:
        if text not in lines:
            inside = WINDOW_LEFT <= x <= WINDOW_RIGHT and WINDOW_TOP - 0.1 * INCH <= baseline <= WINDOW_BOTTOM
            assert not inside, (text, x / INCH, baseline / INCH)


def test_page_numbers_only_on_multi_page_letters():
    long = render_letter(letter("partially_approved"))
    reader = pypdf.PdfReader(io.BytesIO(long))
    assert len(reader.pages) >= 2
    assert f"Page 1 of {len(reader.pages)}" in reader.pages[0].extract_text()
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in reader.pages[-1].extract_text()
    short = pypdf.PdfReader(io.BytesIO(render_letter(letter("received"))))
    assert len(short.pages) == 1
    assert "Page 1" not in short.pages[0].extract_text()


def test_spanish_page_numbers():
    text = text_of(render_letter(letter("partially_approved", "es")))
    assert "Página 1 de" in text


# --- bad data ----------------------------------------------------------------------------------

def test_a_guardian_without_a_mailing_address_is_refused_by_record_id():
    data = letter("received", recipient=replace(RECIPIENT, address1="", city=""))
    with pytest.raises(LetterDataError) as err:
        render_letter(data)
    message = str(err.value)
    assert "guardian #7 of student #3" in message
    assert "mailing address" in message
    assert RECIPIENT.name not in message and STUDENT.name not in message


def test_a_missing_logo_file_is_refused(tmp_path):
    data = letter("received", letterhead=replace(letter("received").letterhead, logo_path=tmp_path / "logo.png"))
    with pytest.raises(LetterDataError, match="logo"):
        render_letter(data)


def test_a_logo_that_is_not_a_picture_is_refused(tmp_path):
    bad = tmp_path / "logo.png"
    bad.write_text("not a picture")
    data = letter("received", letterhead=replace(letter("received").letterhead, logo_path=bad))
    with pytest.raises(LetterDataError, match="PNG or JPEG"):
        render_letter(data)


def test_a_logo_prints_on_the_letterhead(tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 120), (31, 58, 95)).save(logo)
    data = letter("received", letterhead=replace(letter("received").letterhead, logo_path=logo))
    page = pypdf.PdfReader(io.BytesIO(render_letter(data))).pages[0]
    forms = page["/Resources"]["/XObject"]
    images = [x for f in forms.values() for x in f.get_object()["/Resources"].get("/XObject", {}).values()]
    assert images, "the letterhead form carries the logo image"


@pytest.mark.parametrize("reason", ["COST", "DISTRICT_PROGRAM_AVAILABLE"])
def test_cost_or_the_districts_own_program_is_never_a_reason(reason):
    data = letter("denied", decision=replace(DECISION, reasons=(reason,)))
    with pytest.raises(LetterDataError, match=reason):
        render_letter(data)


def test_a_denial_without_an_explanation_is_refused():
    with pytest.raises(LetterDataError, match="explanation"):
        render_letter(letter("denied", decision=replace(DECISION, explanation="  ")))


def test_the_kind_must_match_the_decision():
    with pytest.raises(LetterDataError, match="partially approved"):
        render_letter(replace(letter("partially_approved"), kind="approved"))


def test_a_decision_letter_without_a_decision_is_refused():
    with pytest.raises(LetterDataError, match="no recorded decision"):
        render_letter(letter("denied", decision=None))


def test_unknown_language_is_refused():
    with pytest.raises(LetterDataError, match="language"):
        render_letter(letter("received", language="vi"))


def test_dates_in_each_language():
    from mocap_desktop.core.messages import format_date

    assert format_date(date(2026, 3, 3), "en") == "March 3, 2026"
    assert format_date(date(2026, 3, 3), "es") == "3 de marzo de 2026"


def test_a_letter_does_not_leave_only_its_last_lines_on_a_page():
    # At the regular size the Spanish receipt spills its citation onto a second page; the
    # tighter styles are tried and keep it to one.
    reader = pypdf.PdfReader(io.BytesIO(render_letter(letter("received", "es"))))
    assert len(reader.pages) == 1
    assert "Base legal" in reader.pages[0].extract_text()


@pytest.mark.parametrize("change,message", [
    ({"term_start": None}, "start term is not in the district calendar"),
    ({"provider": "", "courses": ()}, "names no course provider"),
    ({"decision_due": None, "deemed_approved_on": None}, "no decision date"),
])
def test_a_receipt_missing_what_it_must_say_is_refused(change, message):
    data = letter("received")
    with pytest.raises(LetterDataError, match=message):
        render_letter(replace(data, request=replace(data.request, **change)))


def test_a_full_time_letter_before_the_input_was_sent_is_refused():
    data = letter("full_time")
    with pytest.raises(LetterDataError, match="input has not been sent"):
        render_letter(replace(data, request=replace(data.request, input_sent_on=None)))


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("kind", ["received", "approved", "denied", "partially_approved"])
def test_courses_from_two_providers_are_each_named_with_their_own(kind, lang):
    """A request's courses can come from several providers: no sentence names one provider for
    all of them; the course table names each course's."""
    data = letter(kind, lang)
    courses = (replace(data.request.courses[0], provider="Launch Virtual Learning"), *data.request.courses[1:])
    data = replace(data, request=replace(data.request, provider="", courses=courses))
    text = text_of(render_letter(data))
    assert "Launch Virtual Learning" in text and "Mizzou Academy" in text
    for wrong in ("provider: Launch", "provider Launch", "proveedor de cursos: Launch", "cursos Launch",
                  "provider: Mizzou", "provider Mizzou", "proveedor de cursos: Mizzou", "cursos Mizzou"):
        assert wrong not in text
