"""The Full-time virtual program page: provider, host district, the provider's notice and the
family's reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGridLayout, QGroupBox, QLineEdit, QWidget

from mocap_desktop.ui.views.wizard.widgets import WizardPage, date_field, field_label, iso_of, set_date

if TYPE_CHECKING:
    from mocap_desktop.ui.views.wizard.window import RequestWizard


class FullTimePage(WizardPage):
    key = "full_time"

    def first_field(self) -> QWidget | None:
        return self.provider

    def __init__(self, wizard: "RequestWizard"):
        super().__init__(wizard)
        self.setSubTitle("The family has applied to a full-time virtual program. Record the provider's "
                         "notice: the district's input is due within ten business days of it.")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.provider = QComboBox()
        self.provider.setAccessibleName("Provider of the virtual program")
        self.host = QLineEdit()
        self.host.setAccessibleName("Host district county-district code")
        self.host.setPlaceholderText("six digits, for example 048-078")
        self.host.setMaximumWidth(220)
        self.notice = date_field("Date the provider's notice reached the district")
        self.term = wizard.term_combo("Planned start term (full-time)")
        form.addRow(field_label("&Provider:", self.provider, False), self.provider)
        form.addRow("", wizard.errorfield_label("provider"))
        form.addRow(field_label("&Host district code:", self.host, False), self.host)
        form.addRow("", wizard.errorfield_label("host_district"))
        form.addRow(field_label("Provider's &notice reached the district on:", self.notice, False), self.notice)
        form.addRow("", wizard.errorfield_label("received"))
        form.addRow(field_label("Planned &start term:", self.term, False), self.term)
        form.addRow("", wizard.errorfield_label("start_term"))
        self.layout_.addLayout(form)
        self.due = field_label("")
        self.due.setAccessibleName("District input due date")
        self.due.setStyleSheet("font-weight: bold;")
        self.layout_.addWidget(self.due)
        self.reasons_box = QGroupBox("Why is the family leaving in-person school? (ask; check all that apply)")
        self.reasons_box.setAccessibleName("Family's reasons")
        self.reasons_layout = QGridLayout(self.reasons_box)
        self.reasons: dict[str, QCheckBox] = {}
        self.layout_.addWidget(self.reasons_box)
        self.layout_.addWidget(wizard.errorfield_label("reasons"))
        self.layout_.addStretch(1)
        self.provider.currentIndexChanged.connect(
            lambda _i: wizard.emit_field("provider_id", self.provider.currentData()))
        self.host.textChanged.connect(lambda text: wizard.emit_field("host_district", text))
        self.notice.dateChanged.connect(lambda _d: wizard.emit_field("received", iso_of(self.notice)))
        wizard.fields.update(provider=self.provider, host_district=self.host, reasons=self.reasons_box)
        wizard.extra_fields.setdefault("received", []).append(self.notice)
        wizard.extra_fields.setdefault("start_term", []).append(self.term)

    def set_reasons(self, reasons: tuple[str, ...]) -> None:
        for n, reason in enumerate(reasons):
            box = QCheckBox(reason)
            box.setAccessibleName(f"Reason: {reason}")
            box.toggled.connect(lambda on, r=reason: self.w.reason_toggled.emit(r, on))
            self.reasons[reason] = box
            self.reasons_layout.addWidget(box, n // 2, n % 2)
        if reasons:
            self.w.fields["reasons"] = self.reasons[reasons[0]]

    def set_value(self, name: str, value: str) -> None:
        if name == "received":
            set_date(self.notice, value)
        elif name == "host_district":
            self.host.setText(value)
        elif name == "provider_id":
            self.provider.setCurrentIndex(max(0, self.provider.findData(int(value)) if value else 0))
