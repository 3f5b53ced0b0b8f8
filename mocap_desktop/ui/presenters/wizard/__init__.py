"""The enrollment wizard's presenter: from a family's question to a submitted MOCAP request.

The pages stay dumb. They forward what the counselor types (`set_field`, `add_course`, …)
and ask `validate_page` before moving on; this presenter keeps the request's state, asks the
rules core (through `services.requests`) for findings and the full-time-equivalent meter, puts
every problem next to its field, saves a draft on every page change and submits on the
commit page. No Qt here: the view is a Protocol that speaks str, dates as ISO text and
dataclasses.

One module a page (`student`, `pathway`, `part_time`, `full_time`, `eligibility`, `family`,
`review`), the typed request they share (`state.WizardState`) with the look-ups around it
(`context.WizardContext`), what the view is handed (`model`), the flow, drafts and submitting
(`presenter.RequestWizardPresenter`) and the offer to resume a draft (`resume`).
"""

from mocap_desktop.ui.presenters.wizard.model import (
    FAMILY_REASONS,
    LANGUAGES,
    PAGE_TITLES,
    PAGES,
    PATHWAY_TEXT,
    WAIVER_ROLES,
    AckItem,
    Choices,
    CourseChoice,
    DoneView,
    EligibilityView,
    FamilyView,
    FindingRow,
    FlagRow,
    FteMeter,
    GuardianChoice,
    ProviderChoice,
    RequestWizardView,
    ReviewSection,
    ReviewSummary,
    SelectedCourse,
    StudentCard,
    StudentChoice,
    TermChoice,
)
from mocap_desktop.ui.presenters.wizard.presenter import RequestWizardPresenter
from mocap_desktop.ui.presenters.wizard.resume import DraftOffer, discard_draft, draft_offer
from mocap_desktop.ui.presenters.wizard.state import WizardState

__all__ = [
    "FAMILY_REASONS", "LANGUAGES", "PAGE_TITLES", "PAGES", "PATHWAY_TEXT", "WAIVER_ROLES", "AckItem", "Choices",
    "CourseChoice", "DoneView", "DraftOffer", "EligibilityView", "FamilyView", "FindingRow", "FlagRow",
    "FteMeter", "GuardianChoice", "ProviderChoice", "RequestWizardPresenter", "RequestWizardView",
    "ReviewSection", "ReviewSummary", "SelectedCourse", "StudentCard", "StudentChoice", "TermChoice",
    "WizardState", "discard_draft", "draft_offer",
]
