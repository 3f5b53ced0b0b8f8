"""The Family page: who gets the letters, where and in which language, and the
acknowledgements gone through with the family."""

from __future__ import annotations

import re

from mocap_desktop.services.intake import acknowledgements_for
from mocap_desktop.ui.presenters.wizard.context import PagePresenter
from mocap_desktop.ui.presenters.wizard.model import AckItem, FamilyView, GuardianChoice

_ZIP = re.compile(r"^\d{5}(-\d{4})?$")


class FamilyPagePresenter(PagePresenter):
    key = "family"
    fields = ("guardian", "address1", "city", "state", "zip", "language", "acknowledgements")

    def enter(self) -> None:
        self.refresh()

    def acknowledgements(self) -> list[AckItem]:
        athlete = bool((self.ctx.student or {}).get("mshsaa_activities"))
        return [AckItem(a.key, a.text) for a in acknowledgements_for(self.state.pathway or "part_time", athlete)]

    def refresh(self) -> None:
        ctx, state = self.ctx, self.state
        guardians = [GuardianChoice(c.id, f"{c.name}" + (f" ({c.relationship})" if c.relationship else "")
                                    + (" — gets letters now" if c.receives_letters else ""))
                     for c in ctx.contacts]
        ctx.view.show_family(FamilyView(guardians, self.acknowledgements()))
        if state.guardian_id is None and ctx.contacts:
            state.guardian_id = ctx.contacts[0].id
            ctx.view.set_value("guardian_id", str(state.guardian_id))
            self._fill_from_guardian()
        valid = {a.key for a in self.acknowledgements()}
        state.acknowledgements = [k for k in state.acknowledgements if k in valid]

    def field_changed(self, name: str) -> None:
        if name == "guardian_id":
            self._fill_from_guardian()
            self.ctx.show_error("guardian", "")
        elif name in ("zip", "state") and self.ctx.errors.get(name):
            self.ctx.live(name, self._address_problems().get(name))

    def _fill_from_guardian(self) -> None:
        contact = self.ctx.guardian()
        if contact is None:
            return
        state, view = self.state, self.ctx.view
        for name in ("address1", "address2", "city", "state", "zip"):
            setattr(state, name, getattr(contact, name))
            view.set_value(name, getattr(contact, name))
        state.language = contact.preferred_language if contact.preferred_language in ("en", "es") else "en"
        view.set_value("language", state.language)

    def _address_problems(self) -> dict[str, str]:
        state = self.state
        problems = {}
        if not state.address1:
            problems["address1"] = "Enter the street address the letters go to."
        if not state.city:
            problems["city"] = "Enter the city."
        if not re.fullmatch(r"[A-Za-z]{2}", state.state):
            problems["state"] = "Enter the two-letter state (MO)."
        if not _ZIP.match(state.zip):
            problems["zip"] = "Enter a ZIP code of five digits (or ZIP+4)."
        return problems

    def _missing_acknowledgements(self) -> list[str]:
        return [a.key for a in self.acknowledgements() if a.key not in self.state.acknowledgements]

    def toggle_acknowledgement(self, key: str, checked: bool) -> None:
        keys = [k for k in self.state.acknowledgements if k != key]
        if checked:
            keys.append(key)
        self.state.acknowledgements = keys
        if not self._missing_acknowledgements():
            self.ctx.show_error("acknowledgements", "")

    def check(self) -> dict[str, str]:
        state, contacts = self.state, self.ctx.contacts
        problems = {}
        if state.guardian_id is None or all(c.id != state.guardian_id for c in contacts):
            problems["guardian"] = ("Choose who gets the letters. If no guardian is on file, add one in the "
                                    "student's record first.")
        problems |= self._address_problems()
        if state.language not in ("en", "es"):
            problems["language"] = "Choose English or Spanish for the letters."
        if self._missing_acknowledgements():
            problems["acknowledgements"] = "Go through each item with the family and check it."
        return problems
