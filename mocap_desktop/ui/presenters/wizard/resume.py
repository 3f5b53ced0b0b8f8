"""The offer to resume a saved draft, at start-up and from the Request menu."""

from __future__ import annotations

from dataclasses import dataclass

from mocap_desktop.services import drafts
from mocap_desktop.store import Store
from mocap_desktop.ui.presenters.display import format_when
from mocap_desktop.ui.presenters.wizard.model import PAGE_TITLES


@dataclass(frozen=True)
class DraftOffer:
    draft_id: int
    text: str
    others: int  # further saved drafts after this one


def draft_offer(store: Store, student_id: int | None = None) -> DraftOffer | None:
    """The newest saved draft (for `student_id` when given) as a sentence for the resume question,
    or None when there is none."""
    saved = [d for d in drafts.list_drafts(store, limit=50) if student_id is None or d.student_id == student_id]
    if not saved:
        return None
    d = saved[0]
    stamp = format_when(d.updated_at)
    who = d.student_label or "a student not chosen yet"
    text = (f"A MOCAP request for {who} was started but not submitted (last saved {stamp}, on the "
            f"{PAGE_TITLES.get(d.page, d.page or 'first')} page).")
    if len(saved) > 1:
        text += f" {len(saved) - 1} more saved draft{'s' if len(saved) > 2 else ''} will be offered after it."
    return DraftOffer(d.id, text, len(saved) - 1)


def discard_draft(store: Store, draft_id: int) -> None:
    drafts.discard_draft(store, draft_id)
