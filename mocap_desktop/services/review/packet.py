"""The appeal packet: everything about one request in one PDF for the Board or the state."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from mocap_desktop import core
from mocap_desktop.core.access import REQUESTS_READ, require
from mocap_desktop.core.messages import ROLE_NAMES, format_credits
from mocap_desktop.services.requests import add_event
from mocap_desktop.services.review.common import (
    APPEAL_LEVELS,
    PATHWAY_LABELS,
    ROUTING_LABELS,
    credits_text,
    ReviewError,
    student_of,
)
from mocap_desktop.services.review.detail import FindingsSnapshot, reason_meaning, request_detail
from mocap_desktop.store import Store, trail

log = logging.getLogger(__name__)


# --- the appeal packet ---------------------------------------------------------------------------

def _findings_block(snapshot: FindingsSnapshot):
    from mocap_desktop.letters.packet import FindingRow, FindingsBlock

    policy = f"{snapshot.policy_id} {snapshot.policy_version}".strip() or "—"
    return FindingsBlock(snapshot.label, policy, snapshot.eligible if snapshot.findings else None,
                         tuple(FindingRow(f.rule, f.name, f.outcome, f.message) for f in snapshot.findings))


def packet_data(store: Store, request_id: int, today: date | None = None, prepared_by: str = ""):
    """The appeal packet's content for one request (see `letters.packet.PacketData`); REQUESTS_READ."""
    from mocap_desktop.letters.packet import FindingRow, PacketData
    from mocap_desktop.store.district import DistrictRepo

    require(store, REQUESTS_READ)
    today = today or date.today()
    detail = request_detail(store, request_id, today, viewed=False)
    profile = DistrictRepo(store).profile()
    district_lines = ()
    if profile:
        district_lines = tuple(x for x in (profile.address1, f"{profile.city}, {profile.state} {profile.zip}".strip(", "),
                                           profile.phone) if x.strip())
    student_facts = (("Student", detail.student), ("Grade", detail.grade), ("Building", detail.building),
                     ("Local number", detail.local_number),
                     ("Plans and activities", ", ".join(detail.flags) or "None recorded"))
    request_facts = [("Pathway", PATHWAY_LABELS.get(detail.pathway, detail.pathway)),
                     ("Status", detail.status_label), ("Start term", detail.start_term),
                     ("Received", detail.received.isoformat()),
                     ("Who decides", ROUTING_LABELS.get(detail.routing, detail.routing))]
    if detail.pathway == "part_time":
        request_facts += [("In-person credits", format_credits(detail.in_person_credits)),
                          ("District pays for", credits_text(detail.district_obligated_credits))]
        if detail.can_decide and detail.deemed_approved_on:
            request_facts.append(("Deemed approved on", detail.deemed_approved_on.isoformat()))
    else:
        request_facts += [("Provider", detail.provider or "—"), ("Host district", detail.host_district or "—")]
    request_facts += [("Medical/psychological waiver", detail.waiver),
                      ("Letters go to", f"{detail.letter_to} ({detail.letter_language})" if detail.letter_to else "—"),
                      ("Entered by", detail.created_by)]
    courses = tuple((c.code, c.title, c.provider, format_credits(c.credits),
                     {"within": "within", "beyond": "beyond"}.get(c.fte or "", "—"),
                     (c.decision or "not decided").capitalize()) for c in detail.courses)
    decision_facts: tuple = ()
    reasons: tuple = ()
    explanation = ""
    checks: tuple = ()
    d = detail.decision
    if d:
        decision_facts = (
            ("Outcome", {"approve": "Approved", "deny": "Denied", "partial": "Partially approved"}[d["outcome"]]),
            ("Decided on", d["decided_on"]),
            ("Decided by", f"{d['decided_by_name']} — {ROLE_NAMES['en'].get(d['decided_by_role'], d['decided_by_role'])}"),
            ("In-person options considered", "Yes" if d["in_person_options_considered"] else "No"),
            ("Policy", f"{d['policy_id']} {d['policy_version']}"),
            ("Recorded by", f"{d['recorded_by']} at {d['recorded_at'].replace('T', ' ')}"))
        reasons = tuple((code, reason_meaning(code, "en")) for code in d["reasons"])
        explanation = d["explanation"]
        checks = tuple(FindingRow(f["rule"], core.rule_name(f["rule"]), f["outcome"], f["message"])
                       for f in d["findings"])
    appeals = []
    for a in detail.appeals:
        pairs = [("Level", APPEAL_LEVELS[a.level]), ("Filed", a.filed_on.isoformat()),
                 ("Hearing", a.hearing_on.isoformat() if a.hearing_on else "—"),
                 ("Decision due", a.decision_due.isoformat() if a.decision_due else "—")]
        if a.level == "state":
            pairs += [("District record due", a.record_due.isoformat() if a.record_due else "—"),
                      ("Record sent", a.record_sent_on.isoformat() if a.record_sent_on else "not yet")]
        pairs += [("Outcome", f"{a.outcome} on {a.outcome_on.isoformat()}" if a.outcome else "pending")]
        pairs += [(doc.label or "Document", doc.location) for doc in a.documents]
        if a.notes:
            pairs.append(("Notes", a.notes))
        pairs.append(("Deadlines from policy", a.policy))
        appeals.append(tuple(pairs))
    letters = tuple((str(x.get("kind", "")).replace("_", " "), str(x.get("language", "")),
                     str(x.get("created_at", "") or "").replace("T", " "),
                     str(x.get("printed_at", "") or "—").replace("T", " ")) for x in detail.letters)
    return PacketData(
        district_name=profile.name if profile else "", reference=detail.reference, student=detail.student,
        generated_on=today, prepared_by=prepared_by, district_lines=district_lines,
        student_facts=student_facts, request_facts=tuple(request_facts), courses=courses,
        submitted=_findings_block(detail.submitted), today=_findings_block(detail.today),
        decision_facts=decision_facts, reasons=reasons, explanation=explanation, decision_checks=checks,
        appeals=tuple(appeals), letters=letters,
        timeline=tuple((e.at, e.actor, e.text) for e in detail.timeline))


def export_appeal_packet(store: Store, request_id: int, path: Path, actor: str, today: date | None = None) -> Path:
    """Write the appeal packet PDF (nothing half-written on failure) and note it in the timeline
    and, as an export of the student's records, in the audit trail. Needs REQUESTS_READ."""
    from mocap_desktop.letters.packet import render_packet

    require(store, REQUESTS_READ)
    actor = trail.acting_name(store, actor)
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise ReviewError("The appeal packet is a PDF: choose a file name ending in .pdf.")
    data = packet_data(store, request_id, today, prepared_by=actor)
    partial = path.with_name(path.name + ".partial")
    try:
        render_packet(data, partial)
        partial.replace(path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise ReviewError(f"Cannot write {path}: {err.strerror or err}.") from None
    with store.transaction() as db:
        add_event(db, request_id, "packet_exported", actor, {"file": path.name})
        trail.note(db, store, "appeal_packet_exported", student_id=student_of(store, request_id),
                   request_id=request_id, detail={
                       "file": path.name, "records": "Appeal packet: the request, findings, decision, "
                       "appeals, letters and timeline"})
    log.info("Appeal packet written for request %s", request_id)
    return path
