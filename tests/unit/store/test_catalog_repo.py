"""CatalogRepo: type-ahead search over code, title words and provider words; add and edit."""

from __future__ import annotations

import pytest

from mocap_desktop.store.catalog import CatalogRepo, CourseInput, segment_of


@pytest.fixture
def repo(store):
    repo = CatalogRepo(store)
    for provider, code, title, segment, length in [
        ("Missouri Connections Academy", "ALG1A", "Algebra I A", "A", "semester"),
        ("Missouri Connections Academy", "ENG10B", "English 10 B", "B", "semester"),
        ("Launch", "ALG1A", "Algebra I A", "A", "semester"),
        ("Launch", "APCALCFY", "AP Calculus AB", "FY", "year"),
        ("Mizzou Academy", "BIO-A", "Biology (Honors) A", "A", "semester"),
        ("Mizzou Academy", "X_1%", "Special 100% course", "", "semester"),
    ]:
        repo.save_course(CourseInput(provider, code, title, 1.0 if length == "year" else 0.5, length, segment,
                                     grade_low="9", grade_high="12"))
    return repo


def codes(rows):
    return [(r.code, r.provider_name) for r in rows]


def test_search_by_code_title_and_provider_prefix(repo):
    assert codes(repo.search("alg")) == [("ALG1A", "Launch"), ("ALG1A", "Missouri Connections Academy")]
    assert codes(repo.search("con alg")) == [("ALG1A", "Missouri Connections Academy")]
    assert codes(repo.search("calc")) == [("APCALCFY", "Launch")]
    assert codes(repo.search("honors")) == [("BIO-A", "Mizzou Academy")]  # a word in parentheses
    assert codes(repo.search("eng 10")) == [("ENG10B", "Missouri Connections Academy")]
    assert repo.search("gebra") == []  # prefixes only, not the middle of a word
    assert codes(repo.search("x_")) == [("X_1%", "Mizzou Academy")]
    # Punctuation is not a word: "%" or "_" is an empty query (the whole catalog), never a wildcard.
    assert codes(repo.search("%")) == codes(repo.search("")) and len(repo.search("")) == 6
    assert repo.search("x_9") == []


def test_code_prefix_matches_come_first(repo):
    rows = repo.search("a")  # ALG1A, APCALCFY by code; "Academy" and "AP" by words
    assert [r.code for r in rows][:3] == ["ALG1A", "ALG1A", "APCALCFY"]


def test_inactive_courses_are_left_out_of_requests_but_not_the_editor(repo):
    course = repo.search("calc")[0]
    repo.set_active(course.id, False)
    assert repo.search("calc") == []
    assert [c.code for c in repo.search("calc", active_only=False)] == ["APCALCFY"]
    assert repo.count(active_only=True) == repo.count() - 1


def test_add_edit_and_a_clashing_code(repo):
    course_id = repo.save_course(CourseInput("Edmentum", "EDM-1", "Geometry A", 0.5, "semester", "A"))
    assert repo.course(course_id).provider_name == "Edmentum"  # a new provider is added on the way
    repo.save_course(CourseInput("Edmentum", "EDM-1", "Geometry A (revised)", 0.5, "semester", "A"), course_id)
    assert repo.course(course_id).title == "Geometry A (revised)"
    with pytest.raises(ValueError, match="already has a course with code ALG1A"):
        repo.save_course(CourseInput("launch", "ALG1A", "Another", 0.5))  # provider names ignore case


def test_grade_fit_and_labels(repo):
    course = repo.search("calc")[0]
    assert course.fits_grade("10") and not course.fits_grade("8") and not course.fits_grade("K")
    assert (course.grades, course.term_label) == ("grades 9–12", "full year")


@pytest.mark.parametrize("code, title, length, expected", [
    ("ALG1A", "Algebra I A", "semester", "A"), ("X", "Chemistry (B)", "semester", "B"),
    ("ENG9B", "English 9", "semester", "B"), ("PSYCH", "Psychology", "year", "FY"),
    ("DATA", "Data Science", "semester", ""),
])
def test_segment_of(code, title, length, expected):
    assert segment_of(code, title, length) == expected
