"""The application shell: navigation between the office's areas, menus, status bar."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QSizePolicy,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.ui.presenters.main import AboutInfo


class ElidedLabel(QLabel):
    """A one-line label that gives up characters (in the middle by default: a long database
    path) when space runs short, keeping the whole text in its tooltip and accessible
    description."""

    def __init__(self, mode: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle) -> None:
        super().__init__()
        self._full = ""
        self._mode = mode
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name: the whole text, when there is room
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 8, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - a few letters and the ellipsis
        return QSize(min(self.sizeHint().width(), self.fontMetrics().averageCharWidth() * 8),
                     super().minimumSizeHint().height())

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.updateGeometry()
        self.setToolTip(text)
        self.setAccessibleDescription(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._full, self._mode, max(self.width(), 1)))


class Banner(QFrame):
    """A line across the top of the window with its buttons and "Not now". It waits for the
    person: nothing in it takes the focus or a key on its own."""

    def __init__(self, name: str, buttons: tuple[tuple[str, str], ...]) -> None:
        """`buttons`: (text, accessible name) of each button before "Not now"."""
        super().__init__()
        self.setObjectName("banner")
        self.setAccessibleName(name)
        self.setStyleSheet("QFrame#banner { background: #FFF4D6; border-bottom: 1px solid #E0C27A; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAccessibleName(name)
        layout.addWidget(self.text, 1)
        self.buttons = []
        for text, accessible_name in (*buttons, ("Not now", "Hide this message")):
            button = QPushButton(text)
            button.setAccessibleName(accessible_name)
            button.setAutoDefault(False)
            layout.addWidget(button)
            self.buttons.append(button)
        self.later = self.buttons[-1]
        self.later.clicked.connect(self.hide)
        self.hide()

    def show_text(self, text: str) -> None:
        self.text.setText(text)
        self.setAccessibleDescription(text)
        self.setVisible(bool(text))


class DraftBanner(Banner):
    """About an unfinished request, with Resume and Discard."""

    resume_clicked = Signal()
    discard_clicked = Signal()

    def __init__(self) -> None:
        super().__init__("Unfinished request", (("Resume", "Resume the unfinished request"),
                                                ("Discard…", "Discard the unfinished request")))
        self.resume, self.discard = self.buttons[:2]
        self.resume.clicked.connect(self.resume_clicked)
        self.discard.clicked.connect(self.discard_clicked)


class PolicyBanner(Banner):
    """For the administrator: policy values from secondary sources not yet confirmed."""

    review_clicked = Signal()

    def __init__(self) -> None:
        super().__init__("Policy to confirm", (("Review policy…", "Review the district's policy values"),))
        self.review = self.buttons[0]
        self.review.clicked.connect(self.review_clicked)


@dataclass
class Area:
    """One navigable area of the window: a key, a label and its widget."""

    key: str
    label: str
    widget: QWidget
    shortcut: str = ""


class MainWindow(QMainWindow):
    about_requested = Signal()
    backup_requested = Signal()
    new_request_requested = Signal()
    import_roster_requested = Signal()
    people_requested = Signal()
    audit_requested = Signal()
    change_password_requested = Signal()
    lock_requested = Signal()
    switch_user_requested = Signal()
    resume_draft_requested = Signal()
    catalog_requested = Signal()
    district_profile_requested = Signal()

    def __init__(self, areas: list[Area]):
        super().__init__()
        self.setObjectName("MainWindow")
        self.resize(1280, 760)
        self._keys: list[str] = []

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Navigation")
        self.nav.setFixedWidth(200)
        self.nav.setStyleSheet(
            "QListWidget#navigation { font-size: 11pt; border: none; background: palette(base); "
            "outline: 0; }"  # the selected item's colour shows the place, not a cut dotted frame
            "QListWidget#navigation::item { padding: 10px 14px; }"
            "QListWidget#navigation::item:selected { background: palette(highlight); color: palette(highlighted-text); }"
        )
        self.stack = QStackedWidget()
        for area in areas:
            self._keys.append(area.key)
            item = QListWidgetItem(area.label)
            item.setToolTip(f"{area.label} ({area.shortcut})" if area.shortcut else area.label)
            self.nav.addItem(item)
            self.stack.addWidget(area.widget)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.draft_banner = DraftBanner()
        outer.addWidget(self.draft_banner)
        self.policy_banner = PolicyBanner()
        outer.addWidget(self.policy_banner)
        self.read_only_banner = Banner("Read-only", ())
        outer.addWidget(self.read_only_banner)
        layout = QHBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        outer.addLayout(layout, 1)
        self.setCentralWidget(central)

        self.status_label = ElidedLabel(Qt.TextElideMode.ElideRight)  # the database name goes first
        self.status_label.setAccessibleName("Status")
        self.statusBar().addPermanentWidget(self.status_label)  # a narrow bar: both labels give way
        self._build_menus(areas)
        self.nav.setCurrentRow(0)

    def _action(self, text: str, shortcut: str | QKeySequence.StandardKey | None, signal) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(signal)
        return action

    def _build_menus(self, areas: list[Area]) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.import_action = self._action("&Import roster…", "Ctrl+I", self.import_roster_requested)
        file_menu.addAction(self.import_action)
        self.backup_action = self._action("&Back up database…", None, self.backup_requested)
        file_menu.addAction(self.backup_action)
        self.district_profile_action = self._action(
            "&District profile, letterhead and policy…", None, self.district_profile_requested)
        file_menu.addAction(self.district_profile_action)
        file_menu.addSeparator()
        self.people_action = self._action("&People and roles…", None, self.people_requested)
        file_menu.addAction(self.people_action)
        self.audit_action = self._action("A&udit trail…", None, self.audit_requested)
        file_menu.addAction(self.audit_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Change my password…", None, self.change_password_requested))
        file_menu.addAction(self._action("&Lock", "Ctrl+L", self.lock_requested))
        file_menu.addAction(self._action("&Switch user…", None, self.switch_user_requested))
        file_menu.addAction(self._action("E&xit", "Ctrl+Q", self.close))

        request_menu = self.request_menu = bar.addMenu("&Request")
        self.new_request_action = self._action(
            "&New MOCAP request…", "Ctrl+N", self.new_request_requested
        )
        request_menu.addAction(self.new_request_action)
        self.resume_draft_action = self._action("&Resume a saved draft…", None, self.resume_draft_requested)
        request_menu.addAction(self.resume_draft_action)
        request_menu.addSeparator()
        self.catalog_action = self._action("Course &catalog…", None, self.catalog_requested)
        request_menu.addAction(self.catalog_action)

        view_menu = bar.addMenu("&View")
        for index, area in enumerate(areas):
            action = QAction(area.label, self)
            if area.shortcut:
                action.setShortcut(QKeySequence(area.shortcut))
            action.triggered.connect(lambda _=False, i=index: self.nav.setCurrentRow(i))
            view_menu.addAction(action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&About MOCAP Desktop", None, self.about_requested))

    # --- MainView -------------------------------------------------------------
    def set_title(self, title: str) -> None:
        self.setWindowTitle(title)

    def show_status(self, text: str) -> None:
        self.status_label.set_full_text(text)

    def show_area(self, key: str) -> None:
        self.nav.setCurrentRow(self._keys.index(key))

    def current_area(self) -> str:
        return self._keys[self.nav.currentRow()]

    def show_about(self, about: AboutInfo) -> None:
        QMessageBox.about(
            self,
            f"About {about.title}",
            f"<h3>{about.title} {about.version}</h3>"
            "<p>Missouri Course Access and Virtual School Program (MOCAP) requests, "
            "offline, for the school counseling office.</p>"
            f"<p><b>Database:</b> {about.database}<br>"
            f"<b>Schema version:</b> {about.schema_version}<br>"
            f"<b>Data folder:</b> {about.data_folder}</p>"
            f"<p>{about.runtime}</p>"
            "<p>Student records stay on this computer; nothing is sent anywhere.</p>",
        )

    def ask_backup_destination(self, suggested: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Back up database", str(suggested), "SQLite database (*.sqlite)"
        )
        return Path(name) if name else None

    def show_message(self, title: str, text: str) -> None:
        QMessageBox.information(self, title, text)

    def show_error(self, title: str, text: str) -> None:
        QMessageBox.critical(self, title, text)
