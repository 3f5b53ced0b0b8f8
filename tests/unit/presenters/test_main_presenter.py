"""MainPresenter with a fake view: no Qt."""

from __future__ import annotations

from pathlib import Path

from mocap_desktop import __version__
from mocap_desktop.ui.presenters.main import MainPresenter


class FakeView:
    def __init__(self, backup_to: Path | None = None):
        self.calls: list[tuple] = []
        self.backup_to = backup_to

    def set_title(self, title):
        self.calls.append(("title", title))

    def show_status(self, text):
        self.calls.append(("status", text))

    def show_about(self, about):
        self.calls.append(("about", about))

    def ask_backup_destination(self, suggested):
        self.calls.append(("ask", suggested))
        return self.backup_to

    def show_message(self, title, text):
        self.calls.append(("message", title, text))

    def show_error(self, title, text):
        self.calls.append(("error", title, text))


def test_status_without_a_district_profile_says_so(store, data_dir):
    view = FakeView()
    MainPresenter(view, store, data_dir.root, demo=False).start()
    assert ("status", "No district profile yet    Database: mocap.sqlite") in view.calls


def test_about_names_version_database_and_data_folder(demo_session):
    view = FakeView()
    MainPresenter(view, demo_session.store, demo_session.data_dir.root, demo=True).about_requested()
    [(_, about)] = view.calls
    assert about.version == __version__
    assert about.database == demo_session.store.path
    assert about.data_folder == demo_session.data_dir.root
    assert about.schema_version == demo_session.store.schema_version


def test_backup_reports_success_and_failure(store, data_dir, tmp_path):
    view = FakeView(backup_to=tmp_path / "copy.sqlite")
    presenter = MainPresenter(view, store, data_dir.root, demo=False)
    presenter.backup_requested()
    assert view.calls[-1][0] == "message" and (tmp_path / "copy.sqlite").exists()

    view.backup_to = store.path  # the open database itself: refused with a message
    presenter.backup_requested()
    assert view.calls[-1][:2] == ("error", "Backup failed")


def test_cancelled_backup_does_nothing(store, data_dir):
    view = FakeView(backup_to=None)
    MainPresenter(view, store, data_dir.root, demo=False).backup_requested()
    assert [c[0] for c in view.calls] == ["ask"]
