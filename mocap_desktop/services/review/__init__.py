"""The review queue's use cases: what is due when, decisions, appeals and the full-time track.

Shared by the queue and detail screens, the decision and appeal dialogs, the demo seed and the
command line. Every write checks first and writes nothing when the check fails: a status move
through `core.lifecycle.check_transition`, a decision through the rules core (R12-R15,
`core.check_decision`).

Who may do what (core.access): reading the queue, a request, its findings and timeline, and the
exports need REQUESTS_READ; status moves and the full-time track REQUESTS_UPDATE; decisions
REQUESTS_DECIDE; appeals APPEALS_RECORD. With a person signed in, the lifecycle role and the
name the timeline records are theirs, whatever the caller passes. Every change is recorded in
the audit trail (before and after), and so are a request opened and an export.

Dates are `date`; `today` always comes in as an argument so tests and the benchmark can pin it.
Logs name requests by id, never students by name or ID.

One module a track: `queue_list` (the queue: filters, counts, search, the notice, the export),
`decisions`, `appeals`, `full_time` (the full-time track), `moves` (review started, withdrawn,
closed), `detail` (a request's findings, timeline, appeals and letters) and `packet` (the appeal
packet); what they share is `common`. Search folds text with the store's `fold`
(`store.students`). Every name is importable from this package.
"""

from mocap_desktop.core.lifecycle import TransitionRefused
from mocap_desktop.services.requests import RequestError
from mocap_desktop.services.review.common import (
    APPEAL_LEVELS,
    DECIDER_ROLES,
    DUE_KIND_LABELS,
    PATHWAY_LABELS,
    PATHWAY_SHORT,
    ROUTING_LABELS,
    CourseLine,
    credits_text,
    display_name,
    evaluate_today,
    format_day,
    LetterOutcome,
    parse_day,
    queue_decision_letter,
    request_courses,
    request_row,
    ReviewError,
    stored_request,
    student_of,
)
from mocap_desktop.services.review.queue_list import (
    ALL,
    AWAITING,
    CLOSED,
    DECIDED,
    EXPORT_COLUMNS,
    OPEN,
    SORT_KEYS,
    URGENT_BUSINESS_DAYS,
    days_left_text,
    export_queue,
    export_rows,
    load_rows,
    Notice,
    queue,
    queue_ids,
    queue_notice,
    QueueCounts,
    QueueFilter,
    QueueIds,
    QueueResult,
    QueueRow,
    soon_limit,
    urgency,
)
from mocap_desktop.services.review.decisions import (
    check_decision_form,
    DecisionCheckResult,
    DecisionForm,
    DecisionRefused,
    latest_decision,
    record_decision,
)
from mocap_desktop.services.review.appeals import (
    appeal_due_dates,
    AppealDue,
    AppealForm,
    Document,
    open_appeal,
    record_appeal,
    record_appeal_outcome,
    record_state_record_sent,
    update_appeal,
)
from mocap_desktop.services.review.full_time import (
    full_time_steps,
    record_host_answer,
    record_input_sent,
    record_records_sent,
    record_transfer,
)
from mocap_desktop.services.review.moves import (
    close_request,
    start_review,
    withdraw,
)
from mocap_desktop.services.review.detail import (
    OUTCOME_WORDS,
    AppealInfo,
    current_actor,
    FindingLine,
    FindingsSnapshot,
    reason_choices,
    reason_meaning,
    request_detail,
    RequestDetail,
    timeline,
    TimelineEntry,
)
from mocap_desktop.services.review.packet import (
    export_appeal_packet,
    packet_data,
)
from mocap_desktop.store.search_keys import fold

__all__ = [
    "ALL", "APPEAL_LEVELS", "AWAITING", "CLOSED", "DECIDED", "DECIDER_ROLES", "DUE_KIND_LABELS",
    "EXPORT_COLUMNS", "OPEN", "OUTCOME_WORDS", "PATHWAY_LABELS", "PATHWAY_SHORT", "ROUTING_LABELS",
    "SORT_KEYS", "URGENT_BUSINESS_DAYS", "appeal_due_dates", "AppealDue", "AppealForm", "AppealInfo",
    "check_decision_form", "close_request", "CourseLine", "credits_text", "current_actor",
    "days_left_text", "DecisionCheckResult", "DecisionForm", "DecisionRefused", "display_name",
    "Document", "evaluate_today", "export_appeal_packet", "export_queue", "export_rows", "FindingLine",
    "FindingsSnapshot", "fold", "format_day", "full_time_steps", "latest_decision", "LetterOutcome",
    "load_rows", "Notice", "open_appeal", "packet_data", "parse_day", "queue", "queue_decision_letter",
    "queue_ids", "queue_notice", "QueueCounts", "QueueFilter", "QueueIds", "QueueResult", "QueueRow",
    "reason_choices", "reason_meaning", "record_appeal", "record_appeal_outcome", "record_decision",
    "record_host_answer", "record_input_sent", "record_records_sent", "record_state_record_sent",
    "record_transfer", "request_courses", "request_detail", "request_row", "RequestDetail",
    "RequestError", "ReviewError", "soon_limit", "start_review", "stored_request", "student_of",
    "timeline", "TimelineEntry", "TransitionRefused", "update_appeal", "urgency", "withdraw",
]
