"""The request detail's presenter: everything captured, findings then and now, the decision,
appeals, the full-time steps and the timeline; and the actions the request's status allows."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Protocol

from decimal import Decimal

from mocap_desktop.core import enrollments as tracking
from mocap_desktop.core.access import ENROLLMENTS_RECORD, AccessDenied, user_of
from mocap_desktop.core.lifecycle import TransitionRefused
from mocap_desktop.core.messages import LANGUAGE_LABELS, LETTER_KIND_LABELS, ROLE_NAMES, format_credits
from mocap_desktop.core.policy import Policy
from mocap_desktop.core.costs import CourseCost
from mocap_desktop.services import costs, enrollments, provider_packet, review
from mocap_desktop.services.requests import RequestError, active_policy
from mocap_desktop.services.review import (
    APPEAL_LEVELS, PATHWAY_LABELS, ROUTING_LABELS, Document, RequestDetail, ReviewError, format_day,
)
from mocap_desktop.core.lifecycle import COUNSELOR
from mocap_desktop.store import Store, StoreError, trail
from mocap_desktop.ui.presenters.display import format_when

log = logging.getLogger(__name__)
LETTER_STATUS = {"pending": "Waiting to print", "printed": "Printed"}

Pairs = tuple[tuple[str, str], ...]
OUTCOME_WORDS = {"pass": "Pass", "fail": "Fail", "waived": "Waived", "warn": "Note", "not_applicable": "n/a"}


@dataclass(frozen=True)
class Action:
    key: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class TrackedLine:
    """One approved course with the provider: its transcript line, what was recorded, its moves."""

    code: str
    status: str
    transcript: str
    details: str
    actions: tuple[Action, ...]
    cost: str = ""


@dataclass(frozen=True)
class FindingCompare:
    rule: str
    name: str
    then_outcome: str
    then_message: str
    now_outcome: str
    now_message: str

    @property
    def changed(self) -> bool:
        return self.then_outcome != self.now_outcome


@dataclass(frozen=True)
class DetailPage:
    title: str
    status: str
    due_text: str
    urgency: str
    student_facts: Pairs
    request_facts: Pairs
    courses: tuple[tuple[str, ...], ...]
    then_label: str
    now_label: str
    findings: tuple[FindingCompare, ...]
    findings_note: str
    decision_facts: Pairs
    reasons: Pairs
    explanation: str
    appeals: tuple[tuple[str, Pairs], ...]
    full_time_facts: Pairs
    enrollments: tuple[tuple[str, ...], ...]
    timeline: tuple[tuple[str, str, str], ...]
    letters: tuple[tuple[str, ...], ...]
    actions: tuple[Action, ...]
    tracked: tuple[TrackedLine, ...] = ()
    tracking_shown: bool = False  # the signed-in role records enrollments with the provider
    tracking_actions: tuple[Action, ...] = ()  # a provider packet for each provider with open courses


@dataclass(frozen=True)
class DateField:
    key: str
    label: str
    default: date | None
    optional: bool = False


@dataclass(frozen=True)
class StepPrompt:
    title: str
    intro: str
    dates: tuple[DateField, ...] = ()
    choices: tuple[tuple[str, str], ...] = ()
    choice_label: str = ""
    text_label: str = ""
    text_default: str = ""
    confirm: str = "Save"


@dataclass(frozen=True)
class StepAnswer:
    dates: dict[str, date | None] = field(default_factory=dict)
    choice: str = ""
    text: str = ""


@dataclass(frozen=True)
class AppealPrompt:
    title: str
    level: str
    intro: str
    outcome_mode: bool
    filed_on: date
    hearing_on: date | None
    notes: str
    documents: tuple[Document, ...]
    preview: Callable[[date], str]
    """Deadlines for a filing date, in words (from the district's policy)."""
    outcome_on: date | None = None


@dataclass(frozen=True)
class AppealAnswer:
    filed_on: date
    hearing_on: date | None
    notes: str
    documents: tuple[Document, ...]
    outcome: str = ""
    outcome_on: date | None = None


class RequestDetailView(Protocol):
    def show_page(self, page: DetailPage) -> None: ...
    def ask_step(self, prompt: StepPrompt) -> StepAnswer | None: ...
    def ask_appeal(self, prompt: AppealPrompt) -> AppealAnswer | None: ...
    def ask_save_path(self, title: str, suggested: Path, file_filter: str) -> Path | None: ...
    def show_message(self, title: str, text: str) -> None: ...
    def show_error(self, title: str, text: str) -> None: ...
    def show_secret(self, title: str, text: str, secret: str) -> None:
        """Show a password once, for the user to pass on by another channel."""


NO_CLOCK = "No deadline (district policy)"


def _pairs(*pairs: tuple[str, object]) -> Pairs:
    return tuple((label, str(value)) for label, value in pairs if value not in (None, ""))


def due_text(detail: RequestDetail, today: date) -> str:
    """The clock in the header, one sentence: what is due and when; for a request still waiting
    for its decision, when it is deemed approved, or that it already is."""
    deemed = detail.deemed_approved_on if detail.can_decide else None
    if deemed is not None and deemed <= today:
        return f"Deemed approved on {format_day(deemed)} under district policy: no decision was sent by then"
    if not detail.due:
        return ""
    text = (f"{review.DUE_KIND_LABELS.get(detail.due_kind, 'Due')} {format_day(detail.due)} — "
            f"{review.days_left_text(detail.days_left)}")
    if deemed is not None and detail.due_kind == "decision":
        text += f"; under district policy deemed approved on {format_day(deemed)} if none is sent by then"
    return text


def appeal_clock_text(policy: Policy, level: str, filed: date) -> str:
    """The appeal's due dates under the district's policy, or that its clocks are off."""
    due = review.appeal_due_dates(policy, level, filed)
    if level == "board":
        if due.decision_due is None:
            return "District policy sets no deadline for the board's decision."
        return (f"Under district policy the board's written decision is due by {format_day(due.decision_due)} "
                f"({policy.board_decision_calendar_days} calendar days after filing).")
    parts = []
    if due.record_due is not None:
        parts.append(f"the district sends its record to DESE by {format_day(due.record_due)} "
                     f"(within {policy.state_record_hours} hours)")
    if due.decision_due is not None:
        parts.append(f"DESE decides by {format_day(due.decision_due)} "
                     f"({policy.state_decision_calendar_days} calendar days)")
    if not parts:
        return "District policy sets no deadlines for the appeal to DESE."
    return f"Under district policy {'; '.join(parts)}."


MOVE_LABELS = {"sent_to_provider": "Sent to provider…", "enrolled": "Provider confirmed…",
               "refused": "Provider refused…", "dropped": "Dropped…", "withdrawn": "Withdrawn…",
               "completed": "Completed…"}


def _tracked_details(course: enrollments.TrackedCourse) -> str:
    r = course.row
    day = lambda key: format_day(review.parse_day(r[key]))  # noqa: E731
    parts = []
    if r["sent_on"]:
        parts.append(f"Sent {day('sent_on')} by {r['sent_by']} "
                     f"({tracking.SEND_METHODS.get(r['sent_method'], r['sent_method']).lower()})")
    if r["confirmed_on"]:
        parts.append(f"confirmed {day('confirmed_on')}")
    if r["refused_on"]:
        parts.append(f"refused {day('refused_on')}: {r['refused_reason']}")
    if r["ended_on"]:
        parts.append(f"{course.status} {day('ended_on')}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] if text else "Not yet sent to the provider"


def _dollars(value: Decimal) -> str:
    return f"${value:,.2f}"


def cost_text(cost: CourseCost) -> str:
    """'Price $500.00, cap $446.25 (over the cap): the district owes $446.25'."""
    if cost.price is None:
        return "No price in the catalog"
    text = f"Price {_dollars(cost.price)}"
    if cost.cap is not None:
        text += f", cap {_dollars(cost.cap)} ({'within' if cost.within else 'over'} the cap)"
    if cost.owed is None:
        return f"{text}; no cap until the administrator enters the State Adequacy Target in the district profile"
    return f"{text}: the district owes {_dollars(cost.owed) if cost.owed else 'nothing'}"


def tracked_lines(courses: tuple[enrollments.TrackedCourse, ...], role: str,
                  cost_of: dict[int, CourseCost] | None = None) -> tuple[TrackedLine, ...]:
    cost_of = cost_of or {}
    return tuple(TrackedLine(c.code, c.status_label, c.transcript, _tracked_details(c),
                             tuple(Action(f"enroll:{c.id}:{s}", MOVE_LABELS[s]) for s in tracking.allowed_next(c.status, role)),
                             cost_text(cost_of[c.id]) if c.id in cost_of else "")
                 for c in courses)


def packet_actions(providers: tuple[str, ...]) -> tuple[Action, ...]:
    """"Provider packet (PDF)…", one for each provider with open courses (named when several)."""
    return tuple(Action(f"provider_packet:{p}", "Provider packet (PDF)…" if len(providers) == 1 else
                        f"Provider packet for {p} (PDF)…", "The student and the courses for the provider, "
                        "password-protected") for p in providers)


def build_page(detail: RequestDetail, today: date, tracked: tuple[TrackedLine, ...] | None = None,
               packets: tuple[Action, ...] = ()) -> DetailPage:
    """The detail as the screen shows it: words and dates, no objects. `tracked`: the approved
    courses with the provider, None for a role that may not see them; `packets`: its provider
    packets."""
    due = due_text(detail, today)
    student = _pairs(("Student", detail.student), ("Grade", detail.grade), ("Building", detail.building),
                     ("Local number", detail.local_number), ("Birth date", format_day(detail.birth_date)),
                     ("Plans and activities", ", ".join(detail.flags) or "None recorded"))
    request = [("Reference", detail.reference), ("Pathway", PATHWAY_LABELS.get(detail.pathway, detail.pathway)),
               ("Status", detail.status_label), ("Start term", detail.start_term),
               ("Start date", detail.start_date), ("Received", format_day(detail.received)),
               ("Who decides", ROUTING_LABELS.get(detail.routing, detail.routing))]
    if detail.duplicate_of:
        request.append(("Possible duplicate", "The same course was asked for earlier in "
                        + "; ".join(detail.duplicate_of)))
    if detail.pathway == "part_time":
        request += [("In-person credits", format_credits(detail.in_person_credits)),
                    ("District pays for", review.credits_text(detail.district_obligated_credits))]
    else:
        request += [("Provider", detail.provider or "—"), ("Host district", detail.host_district or "—"),
                    ("Family's reasons", ", ".join(detail.family_reasons) or "—")]
    request += [("Medical/psychological waiver", detail.waiver),
                ("Letters go to", f"{detail.letter_to}, in {detail.letter_language}" if detail.letter_to else "—"),
                ("Entered by", detail.created_by)]
    courses = tuple((c.code, c.title, c.provider, format_credits(c.credits),
                     "beyond a full-time load" if c.fte == "beyond" else ("within" if c.fte else "—"),
                     (c.decision or "not decided").capitalize()) for c in detail.courses)

    now = {f.rule: f for f in detail.today.findings}
    findings = tuple(FindingCompare(f.rule, f.name, OUTCOME_WORDS.get(f.outcome, f.outcome), f.message,
                                    OUTCOME_WORDS.get(now[f.rule].outcome, now[f.rule].outcome) if f.rule in now else "—",
                                    now[f.rule].message if f.rule in now else "")
                     for f in detail.submitted.findings)
    changed = [f.rule for f in findings if f.changed]
    note = (f"Changed since submission: {', '.join(changed)}." if changed else
            "Nothing has changed since submission.")
    then_label = (f"{detail.submitted.label} ({format_day(detail.received)}) — policy {detail.submitted.policy_id} "
                  f"{detail.submitted.policy_version} — {'eligible' if detail.submitted.eligible else 'not eligible'}")
    now_label = (f"{detail.today.label} — policy {detail.today.policy_id} {detail.today.policy_version} — "
                 f"{'eligible' if detail.today.eligible else 'not eligible'}" if detail.today.findings
                 else detail.today.label)

    decision, reasons, explanation = (), (), ""
    d = detail.decision
    if d:
        decision = _pairs(
            ("Outcome", {"approve": "Approved", "deny": "Denied", "partial": "Partially approved"}[d["outcome"]]),
            ("Decided on", format_day(date.fromisoformat(d["decided_on"]))),
            ("Decided by", f"{d['decided_by_name']} ({ROLE_NAMES['en'].get(d['decided_by_role'], d['decided_by_role'])})"),
            ("In-person options considered", "Yes" if d["in_person_options_considered"] else "No"),
            ("Checked under policy", f"{d['policy_id']} {d['policy_version']}"),
            ("Recorded by", f"{d['recorded_by']}, {format_when(d['recorded_at'])}"))
        reasons = tuple((code, review.reason_meaning(code, "en")) for code in d["reasons"])
        explanation = d["explanation"]

    appeals = []
    for a in detail.appeals:
        pairs = [("Filed", format_day(a.filed_on)), ("Hearing", format_day(a.hearing_on)),
                 ("Decision due", format_day(a.decision_due) or NO_CLOCK)]
        if a.level == "state":
            pairs += [("District record due", format_day(a.record_due) or NO_CLOCK),
                      ("Record sent", format_day(a.record_sent_on) if a.record_sent_on else "Not yet")]
        pairs.append(("Outcome", f"{a.outcome.capitalize()} on {format_day(a.outcome_on)}" if a.outcome else "Pending"))
        pairs += [(doc.label or "Document", doc.location) for doc in a.documents]
        if a.notes:
            pairs.append(("Notes", a.notes))
        pairs.append(("Deadlines from policy", a.policy))
        appeals.append((f"Appeal to the {APPEAL_LEVELS[a.level]}", tuple(pairs)))

    full_time = ()
    if detail.full_time:
        ft = detail.full_time
        full_time = _pairs(
            ("District input sent", format_day(review.parse_day(ft["input_sent_on"])) if ft["input_sent_on"] else ""),
            ("What was sent", ft["input_summary"]),
            ("Host district's answer", f"{ft['host_answer'].capitalize()} on {format_day(review.parse_day(ft['host_answered_on']))}"
             if ft["host_answer"] else ""),
            ("Host's note", ft["host_note"]),
            ("Unenrolled from this district", format_day(review.parse_day(ft["unenrollment_date"]))
             if ft["unenrollment_date"] else ""),
            ("Records sent", format_day(review.parse_day(ft["records_sent_on"])) if ft["records_sent_on"] else ""))
    enrollments = tuple((e["district_code"], e["school_name"], e["school_kind"], "Full time" if e["full_time"] else "Part time",
                         format_day(date.fromisoformat(e["entry"])),
                         format_day(date.fromisoformat(e["exit"])) if e["exit"] else "current")
                        for e in detail.enrollments)
    timeline = tuple((format_when(e.at), e.actor, e.text) for e in detail.timeline)
    letters = tuple((LETTER_KIND_LABELS.get(x.get("kind", ""), str(x.get("kind", ""))),
                     LANGUAGE_LABELS.get(x.get("language", ""), str(x.get("language", ""))),
                     LETTER_STATUS.get(x.get("status", ""), str(x.get("status", "") or "")),
                     format_when(str(x.get("created_at", "") or ""))) for x in detail.letters)
    return DetailPage(
        title=f"{detail.reference} · {detail.student}", status=detail.status_label, due_text=due,
        urgency=detail.urgency, student_facts=student, request_facts=_pairs(*request), courses=courses,
        then_label=then_label, now_label=now_label, findings=findings, findings_note=note,
        decision_facts=decision, reasons=reasons, explanation=explanation, appeals=tuple(appeals),
        full_time_facts=full_time, enrollments=enrollments, timeline=timeline, letters=letters,
        actions=actions_for(detail), tracked=tracked or (), tracking_shown=tracked is not None,
        tracking_actions=packets if tracked is not None else ())


def actions_for(detail: RequestDetail) -> tuple[Action, ...]:
    nxt = set(detail.next_statuses)
    out: list[Action] = []
    if "in_review" in nxt:
        out.append(Action("start_review", "Start review"))
    if detail.can_decide:
        out.append(Action("decide", "Record decision…", "Approve or deny each course"))
    if "board_appeal" in nxt and detail.routing == "building_review":
        out.append(Action("appeal_board", "Record appeal to the board…"))
    if "state_appeal" in nxt:
        out.append(Action("appeal_state", "Record appeal to the state…"))
    appeal = detail.open_appeal
    if appeal is not None:
        if appeal.level == "state" and appeal.record_sent_on is None:
            out.append(Action("record_sent", "Record sent to DESE…"))
        out.append(Action("appeal_update", "Hearing and documents…"))
        out.append(Action("appeal_outcome", "Record appeal outcome…"))
    if "input_sent" in nxt:
        out.append(Action("input_sent", "Record input sent…"))
    if "host_accepted" in nxt:
        out.append(Action("host_answer", "Record host's answer…"))
    if "transferred" in nxt:
        out.append(Action("transfer", "Record transfer…"))
    if detail.status == "transferred" and not (detail.full_time or {}).get("records_sent_on"):
        out.append(Action("records_sent", "Record records sent…"))
    if "withdrawn" in nxt:
        out.append(Action("withdraw", "Withdraw…"))
    if "closed" in nxt:
        out.append(Action("close", "Close request"))
    if detail.decision:
        out.append(Action("packet", "Appeal packet (PDF)…"))
    return tuple(out)


class RequestDetailPresenter:
    def __init__(self, view: RequestDetailView, store: Store, request_id: int, actor: str,
                 today: Callable[[], date] = date.today, decide: Callable[[int], bool] | None = None,
                 changed: Callable[[], None] | None = None, export_folder: Path | None = None):
        self.view = view
        self.store = store
        self.request_id = request_id
        self.actor = actor
        self.today = today
        self.decide = decide
        self.changed = changed or (lambda: None)
        self.export_folder = export_folder or Path.home()
        self.detail: RequestDetail | None = None
        self.tracked: dict[int, enrollments.TrackedCourse] = {}

    def start(self) -> None:
        self.reload()

    def reload(self, viewed: bool = True) -> None:
        """Read the request again; opening it is recorded in the audit trail, a reload after an
        action (itself recorded) is not."""
        self.detail = review.request_detail(self.store, self.request_id, self.today(), viewed=viewed)
        lines, packets = None, ()
        user = user_of(self.store)
        if user.can(ENROLLMENTS_RECORD):
            priced = costs.course_costs(self.store, self.request_id)
            courses = tuple(c for c, _ in priced)
            self.tracked = {c.id: c for c in courses}
            lines = tracked_lines(courses, trail.lifecycle_role(self.store, COUNSELOR),
                                  {c.id: cost for c, cost in priced})
            packets = packet_actions(provider_packet.open_providers(courses))
        self.view.show_page(build_page(self.detail, self.today(), lines, packets))

    def action_requested(self, key: str) -> None:
        name, _, argument = key.partition(":")
        handler = getattr(self, f"_do_{name}", None)
        if handler is None:
            raise ValueError(f"unknown action {key!r}")
        try:
            done = handler(argument) if argument else handler()
        except (TransitionRefused, ReviewError, RequestError, StoreError, AccessDenied,
                provider_packet.ProviderPacketRefused) as err:
            self.view.show_error("Not recorded", str(err))
            return
        if done:
            self.reload(viewed=False)
            self.changed()

    # --- actions: each returns True when it wrote something ------------------------------------
    def _do_start_review(self) -> bool:
        review.start_review(self.store, self.request_id, self.actor)
        return True

    def _do_decide(self) -> bool:
        return bool(self.decide and self.decide(self.request_id))

    def _appeal_prompt(self, level: str, outcome_mode: bool) -> AppealPrompt:
        policy = active_policy(self.store)
        appeal = self.detail.open_appeal if outcome_mode else None

        def preview(filed: date) -> str:
            return appeal_clock_text(policy, level, filed)

        if appeal is not None:
            return AppealPrompt(
                title=f"Outcome of the appeal to the {APPEAL_LEVELS[appeal.level]}", level=appeal.level,
                intro="Record what the {} decided. Overturned: the denied courses become approved and the "
                      "approval letter is queued.".format("board" if appeal.level == "board" else "Department"),
                outcome_mode=True, filed_on=appeal.filed_on, hearing_on=appeal.hearing_on, notes="",
                documents=appeal.documents, preview=preview, outcome_on=self.today())
        intro = ("The family appeals the decision to the Board of Education." if level == "board" else
                 "After the board upheld the decision, the family appeals to the Department (DESE). Only MOCAP "
                 "courses in the regular school year can be appealed there.")
        return AppealPrompt(title=f"Appeal to the {APPEAL_LEVELS[level]}", level=level, intro=intro,
                            outcome_mode=False, filed_on=self.today(), hearing_on=None, notes="",
                            documents=(Document("Family's written appeal", ""),), preview=preview)

    def _record_appeal(self, level: str) -> bool:
        answer = self.view.ask_appeal(self._appeal_prompt(level, False))
        if answer is None:
            return False
        review.record_appeal(self.store, self.request_id, review.AppealForm(
            level, answer.filed_on, answer.hearing_on, answer.notes, answer.documents), self.actor)
        return True

    def _do_appeal_board(self) -> bool:
        return self._record_appeal("board")

    def _do_appeal_state(self) -> bool:
        return self._record_appeal("state")

    def _do_appeal_outcome(self) -> bool:
        appeal = self.detail.open_appeal
        if appeal is None:
            raise ReviewError("There is no open appeal on this request.")
        answer = self.view.ask_appeal(self._appeal_prompt(appeal.level, True))
        if answer is None:
            return False
        if answer.outcome not in ("upheld", "overturned"):
            raise ReviewError("Choose whether the decision was upheld or overturned.")
        review.record_appeal_outcome(self.store, appeal.id, answer.outcome, answer.outcome_on, self.actor,
                                     notes=answer.notes, documents=answer.documents)
        return True

    def _do_appeal_update(self) -> bool:
        appeal = self.detail.open_appeal
        if appeal is None:
            raise ReviewError("There is no open appeal on this request.")
        prompt = self._appeal_prompt(appeal.level, False)
        prompt = AppealPrompt(title=f"Appeal to the {APPEAL_LEVELS[appeal.level]}: hearing and documents",
                              level=appeal.level, intro="Set the hearing date and where each document is kept.",
                              outcome_mode=False, filed_on=appeal.filed_on, hearing_on=appeal.hearing_on,
                              notes=appeal.notes, documents=appeal.documents, preview=prompt.preview)
        answer = self.view.ask_appeal(prompt)
        if answer is None:
            return False
        review.update_appeal(self.store, appeal.id, self.actor, hearing_on=answer.hearing_on,
                             documents=answer.documents, notes=answer.notes)
        return True

    def _do_record_sent(self) -> bool:
        appeal = self.detail.open_appeal
        answer = self.view.ask_step(StepPrompt(
            "Record sent to DESE", (f"The district's record is due by {format_day(appeal.record_due)}."
                                    if appeal.record_due else "When was the district's record sent to DESE?"),
            (DateField("sent_on", "Sent on", self.today()),)))
        if answer is None:
            return False
        review.record_state_record_sent(self.store, appeal.id, answer.dates["sent_on"], self.actor)
        return True

    def _do_input_sent(self) -> bool:
        due = format_day(self.detail.due) if self.detail.due else "—"
        answer = self.view.ask_step(StepPrompt(
            "District input sent", f"The district's input to the program is due by {due}. Saving queues the "
            "family's full-time letter.", (DateField("sent_on", "Sent on", self.today()),),
            text_label="What was sent (attendance, grades, services)"))
        if answer is None:
            return False
        review.record_input_sent(self.store, self.request_id, answer.dates["sent_on"], self.actor, answer.text)
        return True

    def _do_host_answer(self) -> bool:
        answer = self.view.ask_step(StepPrompt(
            "Host district's answer", "Do not unenroll the student before the host district accepts.",
            (DateField("answered_on", "Answered on", self.today()),),
            choices=(("accepted", "Accepted"), ("declined", "Declined")), choice_label="Answer",
            text_label="Note"))
        if answer is None:
            return False
        review.record_host_answer(self.store, self.request_id, answer.choice == "accepted",
                                  answer.dates["answered_on"], self.actor, answer.text)
        return True

    def _do_transfer(self) -> bool:
        answer = self.view.ask_step(StepPrompt(
            "Transfer to the host district",
            f"The student's enrollment in this district ends on the unenrollment date and an enrollment in "
            f"host district {self.detail.host_district or '(none named)'} starts the next day.",
            (DateField("unenrolled_on", "Unenrollment date", self.today()),
             DateField("records_sent_on", "Records sent on", None, optional=True)),
            text_label="Host school or program name"))
        if answer is None:
            return False
        review.record_transfer(self.store, self.request_id, answer.dates["unenrolled_on"], self.actor,
                               records_sent_on=answer.dates.get("records_sent_on"), school_name=answer.text)
        return True

    def _do_records_sent(self) -> bool:
        answer = self.view.ask_step(StepPrompt("Records sent", "Records follow the student to the host district.",
                                               (DateField("sent_on", "Sent on", self.today()),)))
        if answer is None:
            return False
        review.record_records_sent(self.store, self.request_id, answer.dates["sent_on"], self.actor)
        return True

    def _do_withdraw(self) -> bool:
        answer = self.view.ask_step(StepPrompt("Withdraw the request", "The family no longer wants this request.",
                                               text_label="Reason (optional)", confirm="Withdraw"))
        if answer is None:
            return False
        review.withdraw(self.store, self.request_id, self.actor, answer.text)
        return True

    def _do_enroll(self, argument: str) -> bool:
        """A move of one tracked course (`<id>:<status>`), asked for in a step prompt."""
        course_id, status = argument.split(":")
        course = self.tracked[int(course_id)]
        answer = self.view.ask_step(enrollment_prompt(course, status, self.actor, self.today()))
        if answer is None:
            return False
        enrollments.record_move(self.store, course.id, tracking.Move(
            status, answer.dates.get("on"), sent_by=answer.text, method=answer.choice, reason=answer.text,
            grade=answer.text, credits=answer.choice or None), self.actor)
        return True

    def _do_close(self) -> bool:
        review.close_request(self.store, self.request_id, self.actor)
        return True

    def _do_packet(self) -> bool:
        suggested = self.export_folder / f"{self.detail.reference}-appeal-packet.pdf"
        path = self.view.ask_save_path("Save the appeal packet", suggested, "PDF (*.pdf)")
        if path is None:
            return False
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        review.export_appeal_packet(self.store, self.request_id, path, self.actor, self.today())
        self.view.show_message("Appeal packet saved", f"The appeal packet was saved to\n{path}")
        return True

    def _do_provider_packet(self, provider: str) -> bool:
        """The provider packet, saved where the user says; its password shown once."""
        name = "".join(ch if ch.isalnum() else "-" for ch in provider).strip("-")[:40] or "provider"
        suggested = self.export_folder / f"{self.detail.reference}-{name}-packet.pdf"
        path = self.view.ask_save_path(f"Save the provider packet for {provider}", suggested, "PDF (*.pdf)")
        if path is None:
            return False
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        saved = provider_packet.save_provider_packet(self.store, self.request_id, provider, path, self.actor,
                                                     self.today())
        self.view.show_secret(
            "Provider packet saved",
            f"The packet for {provider} ({', '.join(saved.codes)}) was saved to\n{saved.path}\n\n"
            "It opens only with the password below. Give the password to the provider by another channel: "
            "by phone, never in the same e-mail as the packet. It is shown only now and is not kept.",
            saved.password)
        return True



def enrollment_prompt(course: enrollments.TrackedCourse, status: str, actor: str, today: date) -> StepPrompt:
    """The step prompt for one move of a tracked course: its date and what else it needs."""
    name = f"{course.title or course.code} ({course.code})"
    title = f"{MOVE_LABELS[status].rstrip('…')}: {course.code}"
    on = lambda label: (DateField("on", label, today),)  # noqa: E731
    if status == "sent_to_provider":
        return StepPrompt(title, f"When and how the enrollment in {name} went to {course.provider}. The provider "
                          "needs the student's MOSIS ID and birth date: send them securely.", on("Sent on"),
                          tuple(tracking.SEND_METHODS.items()), "How", "Sent by", actor)
    if status == "enrolled":
        return StepPrompt(title, f"{course.provider} confirmed the enrollment in {name}.", on("Confirmed on"))
    if status == "refused":
        return StepPrompt(title, f"{course.provider} refused the enrollment in {name}; it can be sent again.",
                          on("Refused on"), text_label="Provider's reason")
    if status == "dropped":
        rules = course.rules
        window = f"{rules.drop_window_days} days"
        if rules.start:
            window += f" from {format_day(rules.start)} (inside until " \
                      f"{format_day(rules.start + timedelta(days=rules.drop_window_days))})"
        return StepPrompt(title, f"The student dropped {name}. The provider's drop window: {window}.",
                          on("Dropped on"))
    if status == "completed":
        steps = int(course.credits / Decimal("0.25"))
        credits = tuple((format_credits(Decimal("0.25") * n), review.credits_text(Decimal("0.25") * n))
                        for n in range(steps, -1, -1))
        return StepPrompt(title, f"{name} is finished: its final grade and the credits earned "
                          f"(at most {review.credits_text(course.credits)}).", on("Completed on"),
                          credits, "Credits earned", "Final grade")
    return StepPrompt(title, f"The student withdrew from {name}.", on("Withdrawn on"), confirm="Withdraw")
