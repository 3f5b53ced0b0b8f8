"""The district's side of every letter: the letterhead from the district profile and the
notice settings (deadlines from the active policy, the days to appeal to the Board)."""

from __future__ import annotations

from pathlib import Path

from mocap_desktop.core.access import DISTRICT_EDIT, require
from mocap_desktop.letters.model import Contact, LetterDataError, Letterhead, NoticeSettings
from mocap_desktop.store import Store, trail
from mocap_desktop.store.district import DistrictProfile, DistrictRepo

BOARD_APPEAL_DAYS_KEY = "letters.board_appeal_days"


def letterhead_from_profile(profile: DistrictProfile, base: Path | None = None) -> Letterhead:
    city = ", ".join(p for p in (profile.city.strip(), f"{profile.state} {profile.zip}".strip()) if p)
    lines = tuple(x.strip() for x in (profile.address1, profile.address2, city) if x.strip())
    logo = None
    if profile.logo_path.strip():
        logo = Path(profile.logo_path)
        if not logo.is_absolute() and base is not None:
            logo = base / logo
    return Letterhead(
        district_name=profile.name.strip(), address_lines=lines, phone=profile.phone, email=profile.email,
        website=profile.website, logo_path=logo,
        contact=Contact(profile.contact_name, profile.contact_title, profile.contact_phone,
                        profile.contact_email),
        signer_name=profile.signer_name, signer_title=profile.signer_title,
        policy_reference=profile.policy_reference or "Board Policy 6190/6191",
    )


def district_letterhead(store: Store) -> Letterhead:
    profile = DistrictRepo(store).profile()
    if profile is None or not profile.name.strip():
        raise LetterDataError("The district profile is not set up yet: fill it in under File → District profile.")
    return letterhead_from_profile(profile, store.path.parent)


def notice_settings(store: Store) -> NoticeSettings:
    from mocap_desktop.services.requests import active_policy

    policy = active_policy(store)
    try:
        appeal_days = int(store.setting(BOARD_APPEAL_DAYS_KEY, "30") or 30)
    except ValueError:
        appeal_days = 30
    return NoticeSettings(require_prior_semester=policy.require_prior_semester,
                          decision_business_days=policy.decision_business_days,
                          board_appeal_days=max(1, appeal_days),
                          board_decision_days=policy.board_decision_calendar_days,
                          state_record_hours=policy.state_record_hours,
                          state_decision_days=policy.state_decision_calendar_days)


def set_board_appeal_days(store: Store, days: int) -> None:
    """The days the letters give a family to appeal to the Board (DISTRICT_EDIT; audited)."""
    require(store, DISTRICT_EDIT)
    if days < 1 or days > 365:
        raise LetterDataError("The days to appeal to the Board must be between 1 and 365.")
    before = store.setting(BOARD_APPEAL_DAYS_KEY)
    with store.transaction() as db:
        db["settings"].upsert({"key": BOARD_APPEAL_DAYS_KEY, "value": str(days)}, pk="key")
        change = trail.changes({"board_appeal_days": before}, {"board_appeal_days": str(days)})
        if change:
            trail.note(db, store, "district_settings_changed", detail=change)


def board_appeal_days(store: Store) -> int:
    return notice_settings(store).board_appeal_days
