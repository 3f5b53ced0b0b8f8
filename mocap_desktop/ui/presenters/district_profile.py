"""The district profile and letterhead editor (administrator): fields, checks, a live preview.

Every change re-renders a sample letter to a made-up family on the letterhead being edited,
so the administrator sees the name, address, logo, contact and signature as parents will.
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Protocol

from mocap_desktop.core.access import DISTRICT_EDIT, user_of
from mocap_desktop.core.messages import count_of
from mocap_desktop.core.policy import SETTINGS
from mocap_desktop.letters.model import LetterDataError
from mocap_desktop.letters.pages import PageImage
from mocap_desktop.services import letters as service
from mocap_desktop.services import costs
from mocap_desktop.services.district_policy import (
    PolicyChoice, PolicyValue, open_questions, policy_values, save_policy_choices,
)
from mocap_desktop.store import Store, StoreError
from mocap_desktop.store.district import DistrictProfile, DistrictRepo

log = logging.getLogger(__name__)

FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "District name"),
    ("code", "County-district code"),
    ("address1", "Street address"),
    ("address2", "Address line 2"),
    ("city", "City"),
    ("state", "State"),
    ("zip", "ZIP code"),
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("website", "Website"),
    ("logo_path", "Logo (PNG or JPEG)"),
    ("contact_name", "MOCAP contact name"),
    ("contact_title", "MOCAP contact title"),
    ("contact_phone", "MOCAP contact phone"),
    ("contact_email", "MOCAP contact e-mail"),
    ("signer_name", "Letters signed by"),
    ("signer_title", "Signer's title"),
    ("policy_reference", "Board policy"),
    ("state_adequacy_target", "State Adequacy Target (dollars per student)"),
    ("state_adequacy_year", "School year of the State Adequacy Target"),
)
SAMPLE_KINDS = ("denied", "approved", "received", "partially_approved", "full_time", "annual_notice")
PREVIEW_DPI = 60


@dataclass(frozen=True)
class ProfileForm:
    values: dict[str, str]
    board_appeal_days: int = 30
    sample_kind: str = "denied"
    sample_language: str = "en"
    policy: dict[str, PolicyChoice] = field(default_factory=dict)
    """The administrator's choice for each policy value from a secondary source."""


class DistrictProfileView(Protocol):
    def show_form(self, form: ProfileForm) -> None: ...
    def show_policy(self, values: list[PolicyValue]) -> None: ...
    def show_preview(self, image: PageImage | None, note: str) -> None: ...
    def show_problems(self, problems: list[str]) -> None: ...
    def show_saved(self, text: str) -> None: ...
    def show_error(self, title: str, text: str) -> None: ...


def problems_of(values: dict[str, str], appeal_days: int) -> list[str]:
    """What must be fixed before saving, one sentence each (empty when all is well)."""
    found = []
    if not values.get("name", "").strip():
        found.append("Enter the district's name.")
    code = values.get("code", "").replace("-", "").strip()
    if not re.fullmatch(r"\d{6}", code):
        found.append("The county-district code is six digits, like 048-078.")
    zip_code = values.get("zip", "").strip()
    if zip_code and not re.fullmatch(r"\d{5}(-\d{4})?", zip_code):
        found.append("The ZIP code is five digits (or ZIP+4).")
    for key, label in (("email", "E-mail"), ("contact_email", "MOCAP contact e-mail")):
        value = values.get(key, "").strip()
        if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            found.append(f"{label} does not look like an e-mail address.")
    logo = values.get("logo_path", "").strip()
    if logo and not Path(logo).is_file():
        found.append(f"The logo file {logo} cannot be found.")
    if not (values.get("contact_phone", "").strip() or values.get("phone", "").strip()):
        found.append("Letters need a phone number: the district's or the MOCAP contact's.")
    if not values.get("signer_name", "").strip():
        found.append("Enter who signs the letters.")
    if not 1 <= appeal_days <= 365:
        found.append("Days to appeal to the Board must be between 1 and 365.")
    target = values.get("state_adequacy_target", "").strip()
    if target and costs.parse_target(target) is None:
        found.append("The State Adequacy Target is an amount in dollars per student, like 6,375.")
    if target and not re.fullmatch(r"\d{4}-\d{2}", values.get("state_adequacy_year", "").strip()):
        found.append("Enter the school year of the State Adequacy Target, like 2026-27.")
    return found


# The policy values a letter states, by the letter settings' field that carries each.
LETTER_POLICY = {"require_prior_semester": "require_prior_semester",
                 "board_decision_calendar_days": "board_decision_days",
                 "state_record_hours": "state_record_hours",
                 "state_decision_calendar_days": "state_decision_days"}


def _chosen(current, key: str, choice: PolicyChoice):
    """A value as the sample letter shows it with the administrator's unsaved choice."""
    setting = SETTINGS[key]
    if not choice.in_use:
        return setting.off_value
    return setting.default if current == setting.off_value else current


def policy_reminder(store: Store) -> str:
    """For the administrator, the policy values still to confirm (set-up's last step); else ""."""
    waiting = open_questions(store) if user_of(store).can(DISTRICT_EDIT) else 0
    if not waiting:
        return ""
    one = waiting == 1
    return (f"{count_of(waiting, 'policy value')} {'comes' if one else 'come'} from secondary sources and "
            f"{'is' if one else 'are'} not yet confirmed for this district; screens call {'it' if one else 'them'} "
            "district policy. Confirm each with counsel, or switch it off.")


class DistrictProfilePresenter:
    def __init__(self, view: DistrictProfileView, store: Store, data_folder: Path | None = None):
        self.view = view
        self.store = store
        self.data_folder = Path(data_folder) if data_folder else store.path.parent
        self.repo = DistrictRepo(store)
        self.form: ProfileForm | None = None

    def _absolute_logo(self, logo: str) -> str:
        if logo and not Path(logo).is_absolute():
            return str(self.data_folder / logo)
        return logo

    def start(self) -> None:
        profile = self.repo.profile() or DistrictProfile(code="", name="")
        kept = {costs.TARGET_KEY: self.store.setting(costs.TARGET_KEY) or "",
                costs.YEAR_KEY: self.store.setting(costs.YEAR_KEY) or ""}
        values = {name: kept[name] if name in kept else str(getattr(profile, name)) for name, _ in FIELDS}
        values["logo_path"] = self._absolute_logo(values["logo_path"])
        form = ProfileForm(values, service.board_appeal_days(self.store))
        self.view.show_form(form)
        self.view.show_policy(policy_values(self.store))
        self.form_changed(form)

    def _profile(self, values: dict[str, str]) -> DistrictProfile:
        names = {f.name for f in fields(DistrictProfile)}
        clean = {k: v.strip() for k, v in values.items() if k in names}
        clean["code"] = clean.get("code", "").replace("-", "")
        return DistrictProfile(**{"code": "", "name": "", **clean})

    def form_changed(self, form: ProfileForm) -> None:
        """Check the fields and redraw the sample letter (the view calls this after typing pauses)."""
        self.form = form
        problems = problems_of(form.values, form.board_appeal_days)
        self.view.show_problems(problems)
        self.view.show_preview(*self.preview(form))

    def preview(self, form: ProfileForm) -> tuple[PageImage | None, str]:
        profile = self._profile(form.values)
        if not profile.name:
            return None, "Enter the district's name to see the letterhead."
        if profile.logo_path and not Path(profile.logo_path).is_file():
            profile = replace(profile, logo_path="")
        settings = replace(service.notice_settings(self.store), board_appeal_days=max(1, form.board_appeal_days))
        settings = replace(settings, **{field_name: _chosen(getattr(settings, field_name), key, form.policy[key])
                                        for key, field_name in LETTER_POLICY.items() if key in form.policy})
        try:
            data = service.sample_letter(profile, form.sample_kind, form.sample_language, settings=settings)
            pages = service.preview_data(data, dpi=PREVIEW_DPI, first_only=True)
        except LetterDataError as err:
            return None, str(err)
        return pages[0], "A sample letter to a made-up family, page 1."

    def save_requested(self, form: ProfileForm) -> bool:
        problems = problems_of(form.values, form.board_appeal_days)
        if problems:
            self.view.show_problems(problems)
            return False
        profile = self._profile(form.values)
        try:
            if profile.logo_path:
                profile = replace(profile, logo_path=self._keep_logo(Path(profile.logo_path)))
            self.repo.save_profile(profile)
            service.set_board_appeal_days(self.store, form.board_appeal_days)
            costs.set_state_adequacy_target(self.store, form.values.get(costs.TARGET_KEY, ""),
                                            form.values.get(costs.YEAR_KEY, ""))
            if form.policy and save_policy_choices(self.store, form.policy):
                self.view.show_policy(policy_values(self.store))
        except (StoreError, OSError, LetterDataError) as err:  # OSError includes AccessDenied
            self.view.show_error("The district profile was not saved", str(err))
            return False
        log.info("District profile saved")
        self.view.show_saved("Saved. New letters use this letterhead; letters already made keep theirs.")
        return True

    def _keep_logo(self, logo: Path) -> str:
        """Copy the logo into the data folder (letterhead/) so letters keep finding it."""
        folder = self.data_folder / "letterhead"
        target = folder / f"logo{logo.suffix.lower()}"
        if logo.resolve() != target.resolve():
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(logo, target)
        return target.relative_to(self.data_folder).as_posix()
