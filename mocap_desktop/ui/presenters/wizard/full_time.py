"""The Full-time virtual program page: the provider's notice, the host district, the family's
reasons, and when the district's input is due."""

from __future__ import annotations

from datetime import date

from mocap_desktop import core
from mocap_desktop.core import lifecycle
from mocap_desktop.services import requests as svc
from mocap_desktop.store.district import DistrictRepo
from mocap_desktop.ui.presenters.wizard.context import PagePresenter, day_text, parse_date
from mocap_desktop.ui.presenters.wizard.model import FAMILY_REASONS


class FullTimePagePresenter(PagePresenter):
    key = "full_time"
    fields = ("provider", "host_district", "received", "start_term", "reasons")

    def enter(self) -> None:
        self.refresh_input_due()

    def field_changed(self, name: str) -> None:
        if name in ("start_term", "received"):
            self.refresh_input_due()
        elif name == "host_district":
            digits = self.state.host_district.replace("-", "")
            self.ctx.live("host_district", self._host_problem() if len(digits) >= 6 or not digits.isdigit() else None)
        elif name == "provider_id":
            self.ctx.live("provider", None if self.state.provider_id else "")

    def toggle_reason(self, reason: str, checked: bool) -> None:
        reasons = [r for r in self.state.family_reasons if r != reason]
        if checked:
            reasons.append(reason)
        self.state.family_reasons = [r for r in FAMILY_REASONS if r in reasons]
        if reasons:
            self.ctx.show_error("reasons", "")

    def _host_problem(self) -> str | None:
        code = self.state.host_district.replace("-", "").replace(" ", "")
        if not code:
            return "Enter the host district's county-district code (six digits, such as 048-078)."
        if not code.isdigit() or len(code) != 6:
            return f'"{self.state.host_district}" is not a county-district code (six digits, such as 048-078).'
        own = DistrictRepo(self.ctx.store).profile()
        if own is not None and core.normalize_district(own.code) == code:
            return "That is this district's own code. The host district is the one that runs the virtual program."
        return None

    def input_due(self) -> date | None:
        received = parse_date(self.state.received)
        if received is None:
            return None
        return self.ctx.calendar.add_business_days(received, self.ctx.policy.full_time_input_business_days)

    def refresh_input_due(self) -> None:
        ctx = self.ctx
        if self.state.pathway != "full_time":
            return
        due = self.input_due()
        if due is None or ctx.received_problem():
            ctx.view.show_input_due("Enter the date the provider's notice reached the district to see "
                                    "when the district's input is due.")
            return
        days = ctx.policy.full_time_input_business_days
        text = (f"The district's input is due by {day_text(due)}: {days} business days after the provider's "
                f"notice reached the district (RSMo 161.670.3(4)).")
        today = ctx.today()
        if due < today:
            text += " That date has passed: send the input today."
        else:
            left = ctx.calendar.business_days_between(today, due)
            text += f" {left} business day{'s' if left != 1 else ''} left."
        ctx.view.show_input_due(text)

    def _duplicate(self) -> str | None:
        if self.state.student_id is None:
            return None
        for r in svc.open_requests_for(self.ctx.store, self.state.student_id):
            if r.pathway == "full_time" and r.status in lifecycle.AWAITING_ACTION:
                return (f"This student already has a full-time request in progress: {r.reference} "
                        f"({lifecycle.LABELS.get(r.status, r.status).lower()}). Continue that one from the "
                        "review queue instead of starting another.")
        return None

    def check(self) -> dict[str, str]:
        problems = {
            "provider": self._duplicate() or (None if self.state.provider_id else "Choose the program's provider."),
            "host_district": self._host_problem(),
            "received": self.ctx.received_problem(),
            "start_term": self.ctx.term_problem(),
            "reasons": None if self.state.family_reasons else
            'Choose at least one reason the family gives (or "Prefers not to say").',
        }
        return {k: v for k, v in problems.items() if v}
