"""The wording files: English and Spanish say the same things with the same fields."""

from __future__ import annotations

import json
import re

import pytest

from mocap_desktop.letters.model import KINDS
from mocap_desktop.letters.wording import load_wording, placeholders, wording_dir

FILES = ["common", *KINDS]


def _fields(name: str, lang: str) -> dict:
    data = json.loads((wording_dir() / f"{name}.{lang}.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@pytest.mark.parametrize("name", FILES)
def test_spanish_has_the_same_fields_and_placeholders_as_english(name):
    en, es = _fields(name, "en"), _fields(name, "es")
    assert en.keys() == es.keys()
    for key, text in en.items():
        if isinstance(text, str):
            assert placeholders(text) == placeholders(es[key]), key
            assert re.findall(r"</?[bi]>", text) == re.findall(r"</?[bi]>", es[key]), key


@pytest.mark.parametrize("name", FILES)
def test_every_file_says_what_it_is_for(name):
    for lang in ("en", "es"):
        raw = json.loads((wording_dir() / f"{name}.{lang}.json").read_text(encoding="utf-8"))
        assert raw.get("_about"), f"{name}.{lang}.json"


GLOSSARY = {
    "Programa de Acceso a Cursos y Escuela Virtual de Missouri (MOCAP, por sus siglas en inglés)": ["received", "annual_notice"],
    "Departamento de Educación Primaria y Secundaria de Missouri (DESE)": ["denied", "full_time", "annual_notice"],
    "Junta de Educación": ["denied", "annual_notice"],
    "mejor interés educativo del estudiante": ["denied", "annual_notice"],
    "causa justificada": ["denied", "annual_notice"],
    "días hábiles": ["received", "annual_notice"],
    "distrito anfitrión": ["full_time"],
    "Plan Individual de Carrera y Académico (ICAP)": ["approved"],
    "intimidación (acoso escolar)": ["approved"],
    "ciberacoso": ["approved"],
    "deshonestidad académica": ["approved"],
    "proveedor de cursos": ["received", "approved", "denied"],
    "página principal": ["annual_notice"],
}


@pytest.mark.parametrize("term,kinds", GLOSSARY.items())
def test_spanish_uses_the_glossary_terms(term, kinds):
    for kind in kinds:
        assert any(term.lower() in v.lower() for v in _fields(kind, "es").values() if isinstance(v, str)), (term, kind)


def test_a_district_can_override_a_field(tmp_path):
    (tmp_path / "denied.en.json").write_text(json.dumps({"appeal_intro": "Our own words."}), encoding="utf-8")
    w = load_wording("denied", "en", tmp_path)
    assert w.text("appeal_intro") == "Our own words."
    assert "Board of Education" in w.text("appeal_heading") or w.raw("appeal_board")
    assert load_wording("denied", "en").text("appeal_intro") != "Our own words."
