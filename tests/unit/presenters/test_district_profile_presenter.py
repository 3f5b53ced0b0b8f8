"""The letterhead editor's presenter with a fake view."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from letters_seed import seed_district  # noqa: E402

from mocap_desktop.services import letters as svc  # noqa: E402
from mocap_desktop.store.district import DistrictRepo  # noqa: E402
from mocap_desktop.services.requests import active_policy  # noqa: E402
from mocap_desktop.ui.presenters.district_profile import (  # noqa: E402
    DistrictProfilePresenter,
    PolicyChoice,
    ProfileForm,
)


class FakeView:
    def __init__(self):
        self.form = None
        self.previews = []
        self.problems = None
        self.saved = ""
        self.errors = []
        self.policy = []

    def show_form(self, form):
        self.form = form

    def show_policy(self, values):
        self.policy = values

    def show_preview(self, image, note):
        self.previews.append((image, note))

    def show_problems(self, problems):
        self.problems = problems

    def show_saved(self, text):
        self.saved = text

    def show_error(self, title, text):
        self.errors.append(text)


def test_start_shows_the_profile_and_a_preview(store):
    seed_district(store)
    view = FakeView()
    DistrictProfilePresenter(view, store).start()
    assert view.form.values["name"] == "Maple Valley R-IV School District"
    assert view.form.board_appeal_days == 30
    image, note = view.previews[-1]
    assert image is not None and image.width == round(8.5 * 60) and "sample" in note
    assert view.problems == []


def test_each_change_redraws_the_preview(store):
    seed_district(store)
    view = FakeView()
    presenter = DistrictProfilePresenter(view, store)
    presenter.start()
    before = view.previews[-1][0].data
    values = dict(view.form.values, name="Cedar Hollow C-2 School District")
    presenter.form_changed(ProfileForm(values, 30))
    assert view.previews[-1][0].data != before
    presenter.form_changed(ProfileForm(dict(values, name=""), 30))
    assert view.previews[-1] == (None, "Enter the district's name to see the letterhead.")
    assert "Enter the district's name." in view.problems


def test_problems_block_saving(store):
    seed_district(store)
    view = FakeView()
    presenter = DistrictProfilePresenter(view, store)
    presenter.start()
    bad = dict(view.form.values, code="48-78", zip="6599", contact_email="nobody", logo_path="/no/logo.png")
    assert presenter.save_requested(ProfileForm(bad, 0)) is False
    text = " ".join(view.problems)
    for expected in ("six digits", "ZIP", "e-mail", "logo file", "between 1 and 365"):
        assert expected in text
    assert DistrictRepo(store).profile().code == "099901"


def test_save_keeps_the_profile_the_logo_and_the_appeal_days(store, tmp_path):
    from PIL import Image

    seed_district(store)
    logo = tmp_path / "Crest.PNG"
    Image.new("RGB", (64, 64), (20, 60, 90)).save(logo)
    view = FakeView()
    presenter = DistrictProfilePresenter(view, store)
    presenter.start()
    values = dict(view.form.values, name="Cedar Hollow C-2", code="048-078", logo_path=str(logo),
                  signer_name="Dr. Rosa Méndez")
    assert presenter.save_requested(ProfileForm(values, 21)) is True
    profile = DistrictRepo(store).profile()
    assert (profile.name, profile.code, profile.signer_name) == ("Cedar Hollow C-2", "048078", "Dr. Rosa Méndez")
    assert profile.logo_path == "letterhead/logo.png"
    assert (store.path.parent / "letterhead" / "logo.png").is_file()
    assert svc.board_appeal_days(store) == 21
    assert "Saved" in view.saved
    # letters now carry the new letterhead and logo
    head = svc.letterhead_from_profile(profile, store.path.parent)
    assert head.logo_path == store.path.parent / "letterhead" / "logo.png"


def test_the_preview_follows_the_chosen_sample_and_language(store):
    seed_district(store)
    view = FakeView()
    presenter = DistrictProfilePresenter(view, store)
    presenter.start()
    english = view.previews[-1][0].data
    presenter.form_changed(replace(view.form, sample_language="es"))
    assert view.previews[-1][0].data != english


def test_the_policy_values_are_shown_and_saved_with_the_profile(store):
    seed_district(store)
    view = FakeView()
    presenter = DistrictProfilePresenter(view, store)
    presenter.start()
    shown = {v.key: v for v in view.policy}
    assert shown["state_decision_calendar_days"].standing == "District policy; confirm with counsel"
    assert shown["icap_course_threshold"].standing == "State law" and not shown["icap_course_threshold"].to_confirm
    form = replace(view.form, policy={"state_decision_calendar_days": PolicyChoice(in_use=False, confirmed=False)})
    assert presenter.save_requested(form)
    assert active_policy(store).state_decision_calendar_days is None
    assert {v.key: v for v in view.policy}["state_decision_calendar_days"].value == "Off"


def test_the_administrator_is_reminded_of_policy_values_to_confirm(demo_data_dir):
    from mocap_desktop.services import district_policy
    from mocap_desktop.services.session import sign_in
    from mocap_desktop.ui.presenters.district_profile import policy_reminder

    admin = sign_in(demo_data_dir, "admin", "demo-admin", demo=True)
    try:
        assert policy_reminder(admin.store).startswith("10 policy values come from secondary sources")
        # prior semester left to confirm; deemed approval switched off; the appeal clocks confirmed
        district_policy.save_policy_choices(admin.store, {
            "deemed_approval_calendar_days": PolicyChoice(in_use=False, confirmed=False),
            **{key: PolicyChoice(in_use=True, confirmed=True) for key in district_policy.core.UNCONFIRMED[2:]}})
        assert policy_reminder(admin.store).startswith("1 policy value comes from secondary sources and is not yet")
    finally:
        admin.close(sign_out=False)
    counselor = sign_in(demo_data_dir, "counselor", "demo-counselor", demo=True)
    try:
        assert policy_reminder(counselor.store) == ""
    finally:
        counselor.close(sign_out=False)


def test_the_sample_letter_follows_an_unsaved_policy_choice(store, monkeypatch):
    seed_district(store)
    shown = []
    real = svc.sample_letter
    monkeypatch.setattr(svc, "sample_letter", lambda *a, **k: shown.append(k["settings"]) or real(*a, **k))
    presenter = DistrictProfilePresenter(FakeView(), store)
    presenter.start()
    presenter.form_changed(replace(presenter.view.form, policy={
        "state_record_hours": PolicyChoice(in_use=False, confirmed=False),
        "board_decision_calendar_days": PolicyChoice(in_use=True, confirmed=True)}))
    assert (shown[-1].state_record_hours, shown[-1].board_decision_days, shown[-1].state_decision_days) == (None, 30, 7)
    assert active_policy(store).state_record_hours == 72  # nothing saved
