"""Tracked enrollments (migration 0017): one row per approved course of a request, from the
provider's enrollment to the course's outcome (the moves are `core/enrollments.py`)."""

from __future__ import annotations

DROP_WINDOW_SETTING = "drop_window_days"  # the district's default, in calendar days

# A tracked course with what its rules need: the request's start (its start date, else its
# term's first day), the catalog's drop window and the request's student and term.
TRACKED_SQL = """
    SELECT ce.*, r.student_id, r.reference, r.start_term, coalesce(t.name, r.start_term) AS term_name,
           coalesce(nullif(r.start_date, ''), t.start) AS start, c.drop_window_days, c.price,
           c.length AS course_length
    FROM course_enrollments ce
    JOIN requests r ON r.id = ce.request_id
    JOIN request_courses rc ON rc.id = ce.request_course_id
    LEFT JOIN terms t ON t.id = r.start_term
    LEFT JOIN courses c ON c.id = rc.course_id
"""


def track_approved_courses(db, request_id: int, at: str) -> list[str]:
    """Start tracking every approved course of the request not yet tracked, inside the caller's
    transaction (a decision, an appeal that overturns). Returns the codes it added."""
    rows = db.execute(
        "SELECT rc.id, rc.code, rc.title, rc.provider_name, rc.credits FROM request_courses rc "
        "WHERE rc.request_id = ? AND rc.decision = 'approved' AND NOT EXISTS "
        "(SELECT 1 FROM course_enrollments ce WHERE ce.request_course_id = rc.id) ORDER BY rc.position",
        [request_id]).fetchall()
    db["course_enrollments"].insert_all([
        {"request_id": request_id, "request_course_id": rid, "code": code, "title": title,
         "provider_name": provider, "credits": credits, "status": "approved", "created_at": at, "updated_at": at}
        for rid, code, title, provider, credits in rows])
    return [r[1] for r in rows]
