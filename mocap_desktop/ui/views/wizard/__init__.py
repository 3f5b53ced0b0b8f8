"""The enrollment wizard's widgets: a QWizard of dumb pages behind `RequestWizardPresenter`.

Each page only shows what the presenter hands it and forwards what the counselor does as
signals; `validatePage()` asks the presenter, and problems appear in red next to their field.
Every control has an accessible name and a keyboard path: Alt+letter mnemonics on labels,
Enter in a search box picks the first result, Enter on a course adds it, Delete removes one.

One module a page (`student`, `pathway`, `part_time`, `full_time`, `eligibility`, `family`,
`review`, `done`), their building blocks (`widgets`) and the wizard that holds them
(`window.RequestWizard`, `open_request_wizard`, `ask_resume_draft`).
"""

from mocap_desktop.ui.views.wizard.window import RequestWizard, ask_resume_draft, open_request_wizard

__all__ = ["RequestWizard", "ask_resume_draft", "open_request_wizard"]
