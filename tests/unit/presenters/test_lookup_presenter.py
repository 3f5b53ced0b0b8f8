"""LookupPresenter with a fake view: no Qt."""

from __future__ import annotations

from datetime import date

from mocap_desktop.store.students import StudentRepo
from mocap_desktop.ui.presenters.lookup import LookupPresenter, detail_view


class FakeLookupView:
    def __init__(self):
        self.calls: list[tuple] = []
        self.pager = None
        self.detail = None

    def show_results(self, pager):
        self.pager = pager
        self.calls.append(("results", [r.name for r in pager.first]))

    def show_no_students(self):
        self.calls.append(("no_students",))

    def show_no_match(self, text):
        self.calls.append(("no_match", text))

    def show_detail(self, detail):
        self.detail = detail
        self.calls.append(("detail", detail.heading))

    def clear_detail(self, text):
        self.detail = None
        self.calls.append(("clear", text))

    def show_count(self, text):
        self.calls.append(("count", text))

    def show_error(self, title, text):
        self.calls.append(("error", title, text))


def add_students(store, n: int, last: str = "Young"):
    with store.transaction() as db:
        db.execute("INSERT OR IGNORE INTO buildings (code, name) VALUES ('4000', 'Maple Valley High')")
        for i in range(n):
            db.execute(
                "INSERT INTO students (local_number, mosis_id, last_name, first_name, preferred_name, "
                "birth_date, grade, building_code, resident_district) VALUES (?, ?, ?, ?, ?, "
                "'2010-03-04', ?, '4000', '099901')",
                (f"{100 + i}", f"{1000000000 + i}", last, f"Avery{i:03d}", "", "K" if i % 2 else "10"))


def test_an_empty_roster_says_so_and_offers_the_import(store):
    view = FakeLookupView()
    LookupPresenter(view, store).start()
    assert ("no_students",) in view.calls
    assert ("count", "No students yet") in view.calls


def test_no_match_names_what_was_typed(store):
    add_students(store, 3)
    view = FakeLookupView()
    presenter = LookupPresenter(view, store)
    presenter.search_changed("  xyz ")
    assert view.calls[0] == ("no_match", "xyz")


def test_results_come_a_page_at_a_time(store):
    add_students(store, 120)
    view = FakeLookupView()
    presenter = LookupPresenter(view, store, page_size=50)
    presenter.search_changed("young")
    assert len(view.pager.first) == 50 and view.pager.has_more
    second = view.pager.fetch_more()
    third = view.pager.fetch_more()
    assert (len(second), len(third)) == (50, 20)
    assert not view.pager.has_more and view.pager.fetch_more() == []
    names = [r.name for r in view.pager.first + second + third]
    assert len(set(names)) == 120
    assert names[0] == "Young, Avery000"
    assert view.pager.first[0].grade == "Grade 10" and view.pager.first[1].grade == "Kindergarten"
    assert view.pager.first[0].ids == "100 · 1000000000"
    assert ("count", "More than 50 students match “young”: type more, or scroll for the rest") \
        in view.calls


def test_typing_narrows_and_the_empty_box_browses_the_roster(store):
    add_students(store, 3)
    add_students_more = [("Peña", "José")]
    with store.transaction() as db:
        for last, first in add_students_more:
            db.execute("INSERT INTO students (local_number, last_name, first_name, birth_date, grade, "
                       "resident_district) VALUES ('900', ?, ?, '2010-01-01', '9', '099901')",
                       (last, first))
    view = FakeLookupView()
    presenter = LookupPresenter(view, store)
    presenter.search_changed("p")
    presenter.search_changed("pe")
    presenter.search_changed("pena")
    assert view.calls[-2:] == [("results", ["Peña, José"]), ("count", "1 student matches “pena”")]
    presenter.search_changed("")
    assert len(view.pager.first) == 4
    assert ("count", "4 students on the roster") in view.calls


def test_selecting_shows_the_record_and_refresh_keeps_it(store):
    add_students(store, 2)
    view = FakeLookupView()
    presenter = LookupPresenter(view, store)
    presenter.start()
    sid = view.pager.first[0].student_id
    presenter.student_selected(sid)
    assert view.detail.heading == "Young, Avery000"
    with store.transaction() as db:
        db.execute("UPDATE students SET last_name = 'Young-Park' WHERE id = ?", (sid,))
    presenter.refresh()
    assert view.detail.heading == "Young-Park, Avery000"
    presenter.student_selected(None)
    assert view.calls[-1] == ("clear", "Select a student to see their record.")
    presenter.student_selected(424242)
    assert view.calls[-1] == ("clear", "That student is no longer on the roster.")


def test_the_detail_view_reads_like_a_record(store):
    add_students(store, 1)
    repo = StudentRepo(store)
    sid = repo.ids_by_local_number(["100"])["100"]
    with store.transaction() as db:
        db.execute("UPDATE students SET preferred_name = 'Ave', iep = 1, english_learner = 1, "
                   "city = 'Maple Valley', zip = '65999' WHERE id = ?", (sid,))
        db.execute("INSERT INTO guardians (student_id, name, relationship, phone, preferred_language, "
                   "receives_letters) VALUES (?, 'Rosa Young', 'Mother', '(573) 555-0101', 'es', 1)",
                   (sid,))
        db.execute("INSERT INTO enrollments (student_id, district_code, school_name, school_kind, "
                   "full_time, entry, exit) VALUES (?, '048078', 'Bluff Springs R-II', 'private', 0, "
                   "'2016-08-15', '2021-05-20')", (sid,))
        db.execute("INSERT INTO enrollments (student_id, district_code, school_kind, entry) "
                   "VALUES (?, '099901', 'public', '2021-08-12')", (sid,))
        db.execute("INSERT INTO terms VALUES ('2026-fall', 'Fall 2026', 2027, '2026-08-12', "
                   "'2026-12-18', 1)")
        db.execute(
            "INSERT INTO requests (reference, student_id, pathway, status, start_term, received, "
            "routing, eligible, policy_id, policy_version, evaluation, created_at, updated_at) VALUES "
            "('MOCAP-2026-0001', ?, 'part_time', 'in_review', '2026-fall', '2026-09-01', "
            "'building_review', 1, 'mo', '1', '{}', '2026-09-01', '2026-09-01')", (sid,))
    d = detail_view(repo.detail(sid), today=date(2026, 11, 27))
    assert d.heading == "Young, Avery000 (Ave)"
    assert d.subheading == "Grade 10 · Maple Valley High"
    facts = dict(d.facts)
    assert facts["Birth date"] == "Mar 4, 2010 (age 16)"
    assert facts["Resident district"] == "099-901"
    assert facts["Address"] == "Maple Valley MO 65999"
    assert d.flags == ["IEP", "English learner"]
    g = d.guardians[0]
    assert (g.name, g.relationship, g.language, g.receives_letters) == (
        "Rosa Young", "Mother", "Spanish", True)
    assert [(e.dates, e.place, e.detail, e.current) for e in d.timeline] == [
        ("Aug 12, 2021 – present", "099-901", "public school · full time · MO", True),
        ("Aug 15, 2016 – May 20, 2021", "Bluff Springs R-II · 048-078", "private school · part time · MO",
         False)]
    assert [(r.reference, r.pathway, r.status, r.received) for r in d.requests] == [
        ("MOCAP-2026-0001", "Part-time (courses)", "In review", "Sep 1, 2026")]


def test_a_state_alone_is_no_address(store):
    add_students(store, 1)
    repo = StudentRepo(store)
    sid = repo.ids_by_local_number(["100"])["100"]
    with store.transaction() as db:
        db.execute("UPDATE students SET address1 = '', city = '', state = 'MO', zip = '' WHERE id = ?", (sid,))
        db.execute("INSERT INTO guardians (student_id, name, state) VALUES (?, 'Rosa Young', 'MO')", (sid,))
    d = detail_view(repo.detail(sid), today=date(2026, 11, 27))
    assert dict(d.facts)["Address"] == "none on file"
    assert d.guardians[0].contact == "no contact on file"
