"""The dashboard: the board's figures for a school year, with charts painted with QPainter
(requests per month, decisions on time, course outcomes), a year selector and "Save board report
(PDF)…". Each chart says its numbers in its accessible description."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QAbstractItemView,
    QHeaderView,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.ui.presenters.dashboard import DashboardData, Section

BLUE, GREEN, RED, AMBER = QColor("#2F5D8A"), QColor("#3C8D5A"), QColor("#B5483B"), QColor("#C98A2B")


class Chart(QWidget):
    """A chart that paints itself; its data says what a screen reader reads."""

    def __init__(self, name: str, height: int) -> None:
        super().__init__()
        self.setAccessibleName(name)
        self.setMinimumHeight(height)
        self.setMinimumWidth(260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._height = height

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(420, self._height)

    def _text_color(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.WindowText)

    def _small(self, painter: QPainter) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        painter.setFont(font)


class MonthBars(Chart):
    def __init__(self) -> None:
        super().__init__("Requests received per month", 190)
        self.values: tuple[tuple[str, int], ...] = ()

    def set_values(self, values) -> None:
        self.values = tuple(values)
        self.setAccessibleDescription("; ".join(f"{m}: {n}" for m, n in self.values))
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._small(p)
        fm = p.fontMetrics()
        w, h = self.width(), self.height()
        left, bottom, top = 6, fm.height() + 6, fm.height() + 4
        top_value = max((n for _, n in self.values), default=0) or 1
        n = max(len(self.values), 1)
        slot = (w - 2 * left) / n
        p.setPen(self._text_color())
        p.drawLine(left, h - bottom, w - left, h - bottom)
        for i, (label, value) in enumerate(self.values):
            bar_h = (h - bottom - top - 4) * value / top_value
            x = left + i * slot + slot * 0.18
            rect = QRectF(x, h - bottom - bar_h, slot * 0.64, bar_h)
            p.fillRect(rect, BLUE)
            p.setPen(self._text_color())
            centre = QRectF(left + i * slot, h - bottom + 2, slot, fm.height())
            p.drawText(centre, Qt.AlignmentFlag.AlignCenter, label)
            if value:
                p.drawText(QRectF(left + i * slot, h - bottom - bar_h - fm.height() - 1, slot, fm.height()),
                           Qt.AlignmentFlag.AlignCenter, str(value))
        p.end()


class ShareBar(Chart):
    def __init__(self) -> None:
        super().__init__("Decisions made by their due date", 50)
        self.on_time = self.late = 0
        self.text = ""

    def set_values(self, on_time: int, late: int, text: str) -> None:
        self.on_time, self.late, self.text = on_time, late, text
        self.setAccessibleDescription(f"{text}; late {late}")
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        self._small(p)
        fm = p.fontMetrics()
        w = self.width()
        bar = QRectF(0, 4, w, 24)
        total = self.on_time + self.late
        if total:
            on = w * self.on_time / total
            p.fillRect(QRectF(0, 4, on, 24), GREEN)
            p.fillRect(QRectF(on, 4, w - on, 24), RED)
        else:
            p.fillRect(bar, QColor("#E5E8EC"))
        p.setPen(self._text_color())
        line = QRectF(0, 32, w, fm.height() + 2)
        p.drawText(line, Qt.AlignmentFlag.AlignLeft, f"On time {self.on_time:,}")
        p.drawText(line, Qt.AlignmentFlag.AlignRight, f"Late {self.late:,}")
        p.end()


class OutcomeBars(Chart):
    COLORS = {"Completed": GREEN, "Dropped": RED, "Withdrawn": AMBER}

    def __init__(self) -> None:
        super().__init__("Tracked courses by outcome", 150)
        self.values: tuple[tuple[str, int], ...] = ()

    def set_values(self, values) -> None:
        self.values = tuple(values)
        rows = max(len(self.values), 1)
        self._height = max(60, rows * 22 + 8)
        self.setMinimumHeight(self._height)
        self.updateGeometry()
        self.setAccessibleDescription("; ".join(f"{k}: {n}" for k, n in self.values))
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        self._small(p)
        fm = p.fontMetrics()
        label_w = max((fm.horizontalAdvance(k) for k, _ in self.values), default=40) + 8
        number_w = fm.horizontalAdvance("00000") + 4
        top_value = max((n for _, n in self.values), default=0) or 1
        room = max(self.width() - label_w - number_w, 10)
        for i, (label, value) in enumerate(self.values):
            y = 4 + i * 22
            p.setPen(self._text_color())
            p.drawText(QRectF(0, y, label_w - 6, 18), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            length = room * value / top_value
            p.fillRect(QRectF(label_w, y + 2, length, 14), self.COLORS.get(label, BLUE))
            p.drawText(QRectF(label_w + length + 4, y, number_w, 18), Qt.AlignmentFlag.AlignVCenter, f"{value:,}")
        p.end()


class DashboardWidget(QWidget):
    """The dashboard area of the main window."""

    year_changed = Signal(int)
    save_requested = Signal()
    invoice_requested = Signal()
    payment_requested = Signal()
    worksheet_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("dashboard")
        outer = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.title = QLabel("MOCAP figures")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        outer.addWidget(self.title)
        year_label = QLabel("School &year:")
        self.year = QComboBox()
        self.year.setAccessibleName("School year")
        year_label.setBuddy(self.year)
        self.save = QPushButton("&Save board report (PDF)…")
        self.save.setAccessibleName("Save board report (PDF)")
        bar.addWidget(year_label)
        bar.addWidget(self.year)
        bar.addStretch(1)
        bar.addWidget(self.save)
        outer.addLayout(bar)
        self.invoice = QPushButton("Check an &invoice…")
        self.invoice.setAccessibleName("Check a provider's invoice against what is owed")
        self.invoice.hide()
        self.payment = QPushButton("Record a &payment…")
        self.payment.setAccessibleName("Record that the district paid a kept invoice")
        self.payment.hide()
        self.worksheet = QPushButton("Core &Data worksheet…")
        self.worksheet.setAccessibleName("Save the Core Data/MOSIS worksheet")
        self.worksheet.hide()
        second = QHBoxLayout()  # its own row: the window fits half a screen
        second.addStretch(1)
        second.addWidget(self.worksheet)
        second.addWidget(self.invoice)
        second.addWidget(self.payment)
        outer.addLayout(second)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #4A5560;")
        outer.addWidget(self.note)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setAccessibleName("Board figures")
        content = QWidget()
        self.body = QVBoxLayout(content)
        self.key_box = QGroupBox("Key figures")
        self.key_grid = QGridLayout(self.key_box)
        self.body.addWidget(self.key_box)
        self.months = MonthBars()
        self.share = ShareBar()
        self.outcomes = OutcomeBars()
        for title, chart in (("Requests received per month", self.months), ("Decisions made by their due date",
                                                                             self.share),
                             ("Tracked courses of the school year, by outcome", self.outcomes)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(chart)
            self.body.addWidget(box)
        self.tables_box = QWidget()
        self.tables = QGridLayout(self.tables_box)
        self.tables.setContentsMargins(0, 0, 0, 0)
        self.body.addWidget(self.tables_box)
        self.body.addStretch(1)
        self.scroll.setWidget(content)
        outer.addWidget(self.scroll, 1)
        self.table_widgets: list[QTableWidget] = []

        self.year.currentIndexChanged.connect(
            lambda i: i >= 0 and self.year.itemData(i) is not None and self.year_changed.emit(int(self.year.itemData(i))))
        self.save.clicked.connect(self.save_requested)
        self.invoice.clicked.connect(self.invoice_requested)
        self.payment.clicked.connect(self.payment_requested)
        self.worksheet.clicked.connect(self.worksheet_requested)

    # --- DashboardView ---------------------------------------------------------------------------
    def set_years(self, years: list[tuple[int, str]], current: int) -> None:
        self.year.blockSignals(True)
        self.year.clear()
        for value, label in years:
            self.year.addItem(label, value)
        self.year.setCurrentIndex(max(0, self.year.findData(current)))
        self.year.blockSignals(False)

    def show_figures(self, data: DashboardData) -> None:
        self.title.setText(data.title)
        self.note.setText(data.note)
        while self.key_grid.count():
            item = self.key_grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for i, (label, value) in enumerate(data.key_figures):
            name, number = QLabel(label), QLabel(f"<b>{value}</b>")
            number.setWordWrap(True)
            number.setAccessibleName(label)
            self.key_grid.addWidget(name, i // 2, (i % 2) * 2)
            self.key_grid.addWidget(number, i // 2, (i % 2) * 2 + 1)
        self.key_grid.setColumnStretch(1, 1)
        self.key_grid.setColumnStretch(3, 1)
        self.months.set_values(data.months)
        self.share.set_values(data.on_time, data.late, data.on_time_text)
        self.share.parentWidget().setTitle(data.on_time_text)
        self.outcomes.set_values(data.outcomes)
        for table in self.table_widgets:
            table.deleteLater()
        self.table_widgets = [self._table(s) for s in data.sections]
        for i, table in enumerate(self.table_widgets):
            self.tables.addWidget(table, i, 0)

    def _table(self, section: Section) -> QTableWidget:
        rows = section.rows or ((section.empty,) + ("",) * (len(section.header) - 1),)
        table = QTableWidget(len(rows), len(section.header))
        table.setAccessibleName(section.title)
        table.setHorizontalHeaderLabels(list(section.header))
        table.horizontalHeaderItem(0).setText(f"{section.title}")
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setTabKeyNavigation(False)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(section.header)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(value)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        table.resizeRowsToContents()
        height = header.sizeHint().height() + sum(table.rowHeight(r) for r in range(len(rows))) + 4
        table.setFixedHeight(height)
        table.setMinimumWidth(260)
        return table

    def ask_save_path(self, suggested: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, "Save board report", str(suggested), "PDF (*.pdf)")
        return Path(name) if name else None

    def show_message(self, title: str, text: str) -> None:
        QMessageBox.information(self, title, text)

    def show_error(self, title: str, text: str) -> None:
        QMessageBox.critical(self, title, text)

    def set_invoice_allowed(self, allowed: bool) -> None:
        """The invoice check and the Core Data worksheet name students: counselors and deciders."""
        self.invoice.setVisible(allowed)
        self.payment.setVisible(allowed)
        self.worksheet.setVisible(allowed)

    def ask_payment(self, choices: list[str], amounts: list[str]) -> tuple[int, date, str] | None:
        """Which kept invoice was paid, when and how much: (its index, the day, the amount)."""
        from PySide6.QtCore import QDate
        from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLineEdit

        dialog = QDialog(self)
        dialog.setWindowTitle("Record a payment")
        form = QFormLayout(dialog)
        which = QComboBox()
        which.addItems(choices)
        which.setAccessibleName("Kept invoice")
        day = QDateEdit(QDate.currentDate())
        day.setCalendarPopup(True)
        day.setDisplayFormat("MMM d, yyyy")
        day.setAccessibleName("Paid on")
        amount = QLineEdit(amounts[0] if amounts else "")
        amount.setAccessibleName("Amount paid")
        which.currentIndexChanged.connect(lambda i: amount.setText(amounts[i]))
        form.addRow("&Invoice:", which)
        form.addRow("Paid &on:", day)
        form.addRow("&Amount:", amount)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return which.currentIndex(), day.date().toPython(), amount.text()

    def ask_worksheet(self, suggested: Path, year_label: str) -> tuple[str, Path] | None:
        from PySide6.QtWidgets import QInputDialog

        cycles = {f"October cycle {year_label}": "october", f"June cycle {year_label}": "june"}
        choice, ok = QInputDialog.getItem(self, "Core Data worksheet", "Cycle:", list(cycles), 0, False)
        if not ok:
            return None
        name, _ = QFileDialog.getSaveFileName(self, "Save Core Data worksheet", str(suggested),
                                              "Excel workbook (*.xlsx);;CSV (*.csv)")
        return (cycles[choice], Path(name)) if name else None

    def ask_invoice_path(self, folder: Path) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self, "Check a provider's invoice", str(folder),
                                              "Invoices (*.csv *.xlsx);;All files (*)")
        return Path(name) if name else None

    def show_invoice(self, title: str, text: str, details: str, can_keep: bool) -> str | None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Close, self)
        keep = box.addButton("&Keep as invoice…", QMessageBox.ButtonRole.AcceptRole) if can_keep else None
        if details:
            box.setDetailedText(details)
        box.exec()
        if keep is None or box.clickedButton() is not keep:
            return None
        from PySide6.QtWidgets import QInputDialog

        number, ok = QInputDialog.getText(self, "Keep the invoice", "The provider's invoice number:")
        return number if ok else None
