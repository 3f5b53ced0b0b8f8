"""What the rules say, in plain language a counselor could read aloud to a parent.

Every message is a template with named placeholders, keyed `RULE.outcome` or
`RULE.outcome.variant`, in English and Spanish (Spanish terms as in the letters'
glossary). Parameters stay raw (dates, Decimals, codes) and are formatted for the
language when rendered, so a finding can be re-rendered in the other language.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Iterable, Mapping

__all__ = [
    "LANGS", "TEXTS", "RULE_CITATIONS", "RULE_NAMES", "REASONS", "ROLE_NAMES",
    "check_lang", "render", "render_parts", "reason_text", "rule_name", "format_date", "format_credits",
]

LANGS = ("en", "es")

RULE_CITATIONS: dict[str, str] = {
    "R01": "RSMo 161.670.1",
    "R02": "RSMo 161.670.1",
    "R03": "RSMo 161.670.3(1)(a); Board Policy 6190",
    "R04": "Board Policy 6190; SB 603 (2018)",
    "R06": "RSMo 161.670.2(2),(4); Board Policy 6190",
    "R07": "RSMo 161.670.3(6)",
    "R09": "MSHSAA By-Law 2.3.4",
    "R12": "RSMo 161.670.3(2)",
    "R13": "Board Policy 6190; DESE MOCAP FAQ",
    "R14": "RSMo 161.670.3(2)",
    "R15": "RSMo 161.670.3(4); Board Policy 6190",
}

RULE_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "R01": "Residency", "R02": "Age and grade", "R03": "Current enrollment", "R04": "Prior semester",
        "R06": "Full-time-equivalent cap", "R07": "Learning plan (ICAP)", "R09": "Activities eligibility",
        "R12": "Denial reason", "R13": "Who decides", "R14": "In-person options considered",
        "R15": "Decision scope",
    },
    "es": {
        "R01": "Residencia", "R02": "Edad y grado", "R03": "Inscripción actual", "R04": "Semestre anterior",
        "R06": "Límite de carga a tiempo completo",
        "R07": "Plan Individual de Carrera y Académico (ICAP)", "R09": "Elegibilidad para actividades",
        "R12": "Razón de la negación", "R13": "Quién decide", "R14": "Opciones presenciales consideradas",
        "R15": "Alcance de la decisión",
    },
}

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "R01.pass": "The student lives in Missouri.",
        "R01.fail": "The student does not live in Missouri. Only Missouri residents can take MOCAP courses.",
        "R02.pass": "The student is in {grade} and will be under 21 when the term starts on {term_start}.",
        "R02.fail.age": ("The student turns 21 on {birthday_21}, on or before the first day of the term "
                         "({term_start}). MOCAP is for students under 21."),
        "R02.fail.grade": ("The student's grade ({grade_code}) is not kindergarten through grade 12. "
                           "MOCAP is for students in kindergarten through grade 12."),
        "R02.fail.no_birth_date": ("Birth date not on record: enter it (a roster file that gives it) "
                                   "so that the age limit can be checked."),
        "R03.pass": ("On {received}, the day the request was received, the student was enrolled full time "
                     "in a Missouri public or charter school."),
        "R03.fail": ("On {received}, the day the request was received, the student was not enrolled full time "
                     "in a Missouri public or charter school. MOCAP requires current full-time enrollment."),
        "R03.fail.part_time": (
            "On {received}, the day the request was received, the student was not enrolled full time "
            "in a public or charter school of this district ({district}). For part-time courses the student "
            "must be enrolled full time in the district that reviews and pays for them."),
        "R04.pass": ("The student was enrolled full time in a Missouri public or charter school for the whole "
                     "prior term ({prior_term}, {prior_start} to {prior_end}), as district policy asks."),
        "R04.waived": ("The student was not enrolled full time in a Missouri public or charter school for the "
                       "whole prior term ({prior_term}) starting {first_gap}, but a medical or psychological "
                       "condition is documented, so district policy waives the prior-term requirement."),
        "R04.fail": ("The student was not enrolled full time in a Missouri public or charter school for the "
                     "whole prior term ({prior_term}): the first school day missing is {first_gap}. District "
                     "policy requires the prior term unless a medical or psychological condition is documented."),
        "R04.not_applicable": "District policy does not require enrollment in the prior term.",
        "R06.pass": ("All requested courses fit within a full-time load of {cap} credits for the term. "
                     "The district pays for {credits} credits of virtual courses."),
        "R06.warn": ("With {in_person} credits of in-person classes, some requested courses go beyond a "
                     "full-time load of {cap} credits for the term. The district pays for {credits} credits; "
                     "it does not pay for these courses: {beyond_courses}."),
        "R06.not_applicable": ("In a full-time virtual program the host district is responsible for the whole "
                               "course load; this check is for part-time courses only."),
        "R07.pass": ("No individual career and academic plan (ICAP) is needed: a plan is needed for more "
                     "than {threshold} virtual courses, and the student would have {total}."),
        "R07.warn": ("The student would have more than {threshold} virtual courses ({total}), so an individual "
                     "career and academic plan (ICAP) is needed."),
        "R07.warn.full_time": ("A full-time virtual program needs an individual career and academic plan "
                               "(ICAP) for the student."),
        "R09.warn": ("The student takes part in MSHSAA activities: virtual course credits must follow MSHSAA "
                     "rules for the student to stay eligible."),
        "R09.not_applicable": "The student is not in MSHSAA activities, so their credit rules do not apply.",
        "R12.pass": "The denial gives allowed reasons and an explanation for this student.",
        "R12.not_applicable": "Reasons are needed only for a denial.",
        "R12.fail.no_reason": "A denial must give at least one reason.",
        "R12.fail.reason_not_allowed": "These reasons cannot be used to deny a request: {reasons}.",
        "R12.fail.blank_explanation": "A denial must include a written explanation specific to this student.",
        "R13.pass": "The decision was made by {role}, who may make it.",
        "R13.fail": "This decision must be made by {allowed_roles}; it was recorded as made by {role}.",
        "R13.not_applicable": "For a full-time virtual program the program decides, not the district.",
        "R14.pass": "The in-person options the district offers were considered before approving.",
        "R14.fail": ("Before approving, the district must consider the in-person options it offers; "
                     "record that they were considered."),
        "R14.not_applicable": "This check applies to approvals only.",
        "R15.pass": "This decision is one the district may make.",
        "R15.fail.full_time": ("The district does not approve or deny a full-time virtual program: it sends "
                               "its input to the program, which decides."),
        "R15.fail.ineligible": ("The request cannot be approved because the student does not meet the "
                                "eligibility rules (residency, age and grade, current enrollment, prior term)."),
    },
    "es": {
        "R01.pass": "El estudiante vive en Missouri.",
        "R01.fail": ("El estudiante no vive en Missouri. Solo los residentes de Missouri pueden tomar cursos "
                     "de MOCAP."),
        "R02.pass": "El estudiante está en {grade} y tendrá menos de 21 años cuando empiece el período el {term_start}.",
        "R02.fail.age": ("El estudiante cumple 21 años el {birthday_21}, el primer día del período ({term_start}) "
                         "o antes. MOCAP es para estudiantes menores de 21 años."),
        "R02.fail.grade": ("El grado del estudiante ({grade_code}) no está entre kínder y 12.º grado. "
                           "MOCAP es para estudiantes de kínder a 12.º grado."),
        "R02.fail.no_birth_date": ("La fecha de nacimiento no consta: anótela (un archivo del registro "
                                   "que la tenga) para poder comprobar el límite de edad."),
        "R03.pass": ("El {received}, el día en que se recibió la solicitud, el estudiante tenía inscripción a "
                     "tiempo completo en una escuela pública o chárter de Missouri."),
        "R03.fail": ("El {received}, el día en que se recibió la solicitud, el estudiante no tenía inscripción a "
                     "tiempo completo en una escuela pública o chárter de Missouri. MOCAP exige inscripción "
                     "actual a tiempo completo."),
        "R03.fail.part_time": (
            "El {received}, el día en que se recibió la solicitud, el estudiante no tenía inscripción a tiempo "
            "completo en una escuela pública o chárter de este distrito ({district}). Para cursos a tiempo "
            "parcial, el estudiante debe tener inscripción a tiempo completo en el distrito que revisa y paga "
            "esos cursos."),
        "R04.pass": ("El estudiante tuvo inscripción a tiempo completo en una escuela pública o chárter de "
                     "Missouri durante todo el período anterior ({prior_term}, del {prior_start} al {prior_end}), "
                     "como pide la política del distrito."),
        "R04.waived": ("El estudiante no tuvo inscripción a tiempo completo en una escuela pública o chárter de "
                       "Missouri durante todo el período anterior ({prior_term}) desde el {first_gap}, pero hay "
                       "documentación de una condición médica o psicológica, por lo que la política del distrito "
                       "exime este requisito."),
        "R04.fail": ("El estudiante no tuvo inscripción a tiempo completo en una escuela pública o chárter de "
                     "Missouri durante todo el período anterior ({prior_term}): el primer día escolar que falta "
                     "es el {first_gap}. La política del distrito exige el período anterior, salvo que haya documentación de "
                     "una condición médica o psicológica."),
        "R04.not_applicable": "La política del distrito no exige inscripción en el período anterior.",
        "R06.pass": ("Todos los cursos solicitados caben en una carga a tiempo completo de {cap} créditos por "
                     "período. El distrito paga {credits} créditos de cursos virtuales."),
        "R06.warn": ("Con {in_person} créditos de clases presenciales, algunos cursos solicitados superan una "
                     "carga a tiempo completo de {cap} créditos por período. El distrito paga {credits} créditos; "
                     "no paga estos cursos: {beyond_courses}."),
        "R06.not_applicable": ("En un programa virtual a tiempo completo, el distrito anfitrión se encarga de toda "
                               "la carga de cursos; esta revisión es solo para cursos a tiempo parcial."),
        "R07.pass": ("No se necesita un Plan Individual de Carrera y Académico (ICAP): el plan se necesita "
                     "para más de {threshold} cursos virtuales, y el estudiante tendría {total}."),
        "R07.warn": ("El estudiante tendría más de {threshold} cursos virtuales ({total}), por lo que se "
                     "necesita un Plan Individual de Carrera y Académico (ICAP)."),
        "R07.warn.full_time": ("Un programa virtual a tiempo completo necesita un Plan Individual de Carrera y "
                               "Académico (ICAP) para el estudiante."),
        "R09.warn": ("El estudiante participa en actividades de MSHSAA: los créditos de cursos virtuales deben "
                     "cumplir las reglas de MSHSAA para que el estudiante siga siendo elegible."),
        "R09.not_applicable": ("El estudiante no participa en actividades de MSHSAA, así que esas reglas de "
                               "créditos no aplican."),
        "R12.pass": "La negación da razones permitidas y una explicación para este estudiante.",
        "R12.not_applicable": "Las razones se necesitan solo para una negación.",
        "R12.fail.no_reason": "Una negación debe dar al menos una razón.",
        "R12.fail.reason_not_allowed": "Estas razones no se pueden usar para negar una solicitud: {reasons}.",
        "R12.fail.blank_explanation": "Una negación debe incluir una explicación por escrito específica para este estudiante.",
        "R13.pass": "La decisión la tomó {role}, quien puede tomarla.",
        "R13.fail": "Esta decisión debe tomarla {allowed_roles}; quedó registrada como tomada por {role}.",
        "R13.not_applicable": "En un programa virtual a tiempo completo decide el programa, no el distrito.",
        "R14.pass": "Se consideraron las opciones presenciales que ofrece el distrito antes de aprobar.",
        "R14.fail": ("Antes de aprobar, el distrito debe considerar las opciones presenciales que ofrece; "
                     "registre que se consideraron."),
        "R14.not_applicable": "Esta revisión se aplica solo a las aprobaciones.",
        "R15.pass": "Esta decisión le corresponde al distrito.",
        "R15.fail.full_time": ("El distrito no aprueba ni niega un programa virtual a tiempo completo: envía su "
                               "opinión al programa, que decide."),
        "R15.fail.ineligible": ("La solicitud no se puede aprobar porque el estudiante no cumple los requisitos "
                                "de elegibilidad (residencia, edad y grado, inscripción actual, período anterior)."),
    },
}

REASONS: dict[str, dict[str, str]] = {
    "en": {
        "PRIOR_VIRTUAL_PERFORMANCE": ("The student's results in earlier virtual courses show that this course "
                                      "is not in the student's best educational interest."),
        "GRADUATION_PLAN_CONFLICT": "The course does not fit the student's plan to graduate on time.",
        "ACADEMIC_READINESS": "The student is not yet academically ready for this course.",
        "COURSE_NOT_APPROPRIATE_FOR_GRADE": "The course is not appropriate for the student's grade level.",
        "OTHER_BEST_INTEREST": ("For another reason, explained by the district, the course is not in the "
                                "student's best educational interest."),
        "DISTRICT_PROGRAM_AVAILABLE": ("The district offers its own virtual program. This is not allowed as a "
                                       "reason to deny a MOCAP request."),
        "COST": "The cost of the course. This is not allowed as a reason to deny a MOCAP request.",
    },
    "es": {
        "PRIOR_VIRTUAL_PERFORMANCE": ("Los resultados del estudiante en cursos virtuales anteriores muestran que "
                                      "este curso no es en el mejor interés educativo del estudiante."),
        "GRADUATION_PLAN_CONFLICT": "El curso no concuerda con el plan del estudiante para graduarse a tiempo.",
        "ACADEMIC_READINESS": "El estudiante todavía no tiene la preparación académica para este curso.",
        "COURSE_NOT_APPROPRIATE_FOR_GRADE": "El curso no es apropiado para el grado escolar del estudiante.",
        "OTHER_BEST_INTEREST": ("Por otra razón, explicada por el distrito, el curso no es en el mejor interés "
                                "educativo del estudiante."),
        "DISTRICT_PROGRAM_AVAILABLE": ("El distrito ofrece su propio programa virtual. Esta no es una razón "
                                       "permitida para negar una solicitud de MOCAP."),
        "COST": "El costo del curso. Esta no es una razón permitida para negar una solicitud de MOCAP.",
    },
}

ROLE_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "principal": "the principal", "designee": "the principal's designee",
        "superintendent": "the superintendent", "counselor": "the counselor",
        "iep_team": "the IEP team", "section_504_team": "the Section 504 team",
    },
    "es": {
        "principal": "el director(a)", "designee": "el designado(a) del director(a)",
        "superintendent": "el superintendente", "counselor": "el consejero(a)",
        "iep_team": "el equipo del Programa de Educación Individualizado (IEP)",
        "section_504_team": "el equipo del plan de la Sección 504",
    },
}

# How a letter's kind and language read on screen (the print center, a request's letters).
LETTER_KIND_LABELS = {
    "received": "Request received",
    "approved": "Approved",
    "partially_approved": "Partly approved",
    "denied": "Denied",
    "full_time": "Full-time input sent",
    "annual_notice": "Annual notice",
}
LANGUAGE_LABELS = {"en": "English", "es": "Spanish"}

_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"),
}
_OR = {"en": "or", "es": "o"}


def check_lang(lang: str) -> str:
    """`en` or `es` (a region such as `es-MX` is dropped); ValueError for anything else."""
    base = lang.split("-")[0].split("_")[0].lower()
    if base not in LANGS:
        raise ValueError(f"unsupported language {lang!r}: use one of {', '.join(LANGS)}")
    return base


def format_date(day: date, lang: str) -> str:
    month = _MONTHS[lang][day.month - 1]
    return f"{month} {day.day}, {day.year}" if lang == "en" else f"{day.day} de {month} de {day.year}"


def count_of(n: int, word: str, words: str | None = None) -> str:
    """English count with its noun: "1 row", "2,000 rows", "3 entries"."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def format_credits(credits: Decimal | float | int) -> str:
    """0.5 -> '0.5', 3.0 -> '3'."""
    return format(Decimal(str(credits)).normalize(), "f")


def _join_or(items: list[str], lang: str) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {_OR[lang]} {items[-1]}"


def _grade(grade: str, lang: str) -> str:
    if grade == "K":
        return "kindergarten" if lang == "en" else "kínder"
    return f"grade {grade}" if lang == "en" else f"{grade}.º grado"


def _format(name: str, value: Any, lang: str) -> str:
    if name == "grade":
        return _grade(value, lang)
    if name == "role":
        return ROLE_NAMES[lang].get(value, value)
    if name == "allowed_roles":
        return _join_or([ROLE_NAMES[lang].get(r, r) for r in value], lang)
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, Decimal):
        return format_credits(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


def _render(key: str, params: Mapping[str, Any], lang: str) -> str:
    return TEXTS[lang][key].format_map({name: _format(name, value, lang) for name, value in params.items()})


def render(key: str, params: Mapping[str, Any], lang: str = "en") -> str:
    """The message `key` in `lang` with its placeholders filled from `params`."""
    return _render(key, params, check_lang(lang))


def render_parts(parts: Iterable[tuple[str, Mapping[str, Any]]], lang: str = "en") -> str:
    """A finding's message from its parts (one sentence or more)."""
    lang = check_lang(lang)
    return " ".join(_render(key, params, lang) for key, params in parts)


def reason_text(code: str, lang: str = "en") -> str:
    """The plain meaning of a denial reason code; KeyError for a code this catalog does not know."""
    return REASONS[check_lang(lang)][code]


def rule_name(rule: str, lang: str = "en") -> str:
    return RULE_NAMES[check_lang(lang)][rule]
