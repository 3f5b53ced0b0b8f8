"""The print center screen: letters waiting (or printed), a preview, print and reprint."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QRect, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QKeySequence, QPageSize, QPainter, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.letters.pages import PageImage
from mocap_desktop.ui.presenters.print_center import PRINT_DPI, PRINTED, WAITING, PrintDelivery, QueueRow
from mocap_desktop.ui.views.layouts import AdaptiveSplitter, FlowLayout, RadioButton, group
from mocap_desktop.ui.views.tables import CellModel, StretchColumn

log = logging.getLogger(__name__)
SIDES = {QPrinter.DuplexMode.DuplexLongSide: "two-sided-long-edge", QPrinter.DuplexMode.DuplexAuto: "two-sided-long-edge",
         QPrinter.DuplexMode.DuplexShortSide: "two-sided-short-edge"}

WAITING_COLUMNS = (("kind", "Letter"), ("recipient", "Recipient"), ("address", "Address"),
                   ("student", "Student"), ("created", "Created"))
PRINTED_COLUMNS = (("kind", "Letter"), ("recipient", "Recipient"), ("address", "Address"),
                   ("student", "Student"), ("printed", "Printed"), ("times_printed", "Times"))
ADDRESS = 2  # in both lists: the column that takes the spare width


def qimage(page: PageImage) -> QImage:
    image = QImage(page.data, page.width, page.height, page.stride, QImage.Format.Format_RGBX8888)
    return image.copy()  # own the pixels: `page.data` may go away


class LettersTableModel(CellModel):
    def __init__(self, parent=None):
        super().__init__(len(WAITING_COLUMNS), parent)
        self.rows: list[QueueRow] = []
        self.columns = WAITING_COLUMNS
        self.set_headers([label for _, label in self.columns])

    def set_rows(self, rows: list[QueueRow], mode: str) -> None:
        self.rows = list(rows)
        columns = PRINTED_COLUMNS if mode == PRINTED else WAITING_COLUMNS
        self.reset_rows(len(self.rows), len(columns))
        if columns is not self.columns:
            self.columns = columns
            self.set_headers([label for _, label in columns])

    def row_cells(self, row: int) -> list[dict[int, object]]:
        line = self.rows[row]
        cells = []
        for key, _ in self.columns:
            text = str(getattr(line, key))
            shown = f"{text} ({line.language})" if key == "kind" and line.language != "English" else text
            cells.append({Qt.ItemDataRole.DisplayRole: shown, Qt.ItemDataRole.ToolTipRole: text,
                          Qt.ItemDataRole.UserRole: line.letter_id})
        return cells


class PrintCenterWidget(QWidget):
    """A passive view: user intent goes out as signals, the presenter sends plain data back."""

    refresh_requested = Signal()
    mode_changed = Signal(str)
    selection_changed = Signal(list)
    print_requested = Signal(list, str)
    annual_notice_requested = Signal(bool, str)  # new enrollees only, "printer" or "viewer"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("PrintCenter")
        self.setAccessibleName("Print center")
        # Tests set these to print to a file without a dialog.
        self.printer_factory = lambda: QPrinter(QPrinter.PrinterMode.HighResolution)
        self.ask_printer = True

        title = QLabel("<h2>Print center</h2>")
        title.setAccessibleName("Print center")
        self.summary = QLabel()
        self.summary.setAccessibleName("Summary")
        self.waiting_button = RadioButton("&Waiting to print")
        self.printed_button = RadioButton("Printed (for a &reprint)")
        self.waiting_button.setChecked(True)
        modes = QButtonGroup(self)
        modes.addButton(self.waiting_button)
        modes.addButton(self.printed_button)
        self.waiting_button.toggled.connect(
            lambda on: self.mode_changed.emit(WAITING if on else PRINTED))
        refresh = QPushButton("Refresh")
        refresh.setAccessibleName("Refresh")
        refresh.clicked.connect(self.refresh_requested)

        self.annual_button = QPushButton("A&nnual notice")
        self.annual_button.setAccessibleName("Annual notice")
        self.annual_button.setToolTip("The annual notice of MOCAP rights, each family in its own language")
        annual_menu = QMenu(self.annual_button)
        annual_menu.addAction("For every family…",
                              lambda: self.annual_notice_requested.emit(False, "viewer"))
        annual_menu.addAction("For new enrollees only…",
                              lambda: self.annual_notice_requested.emit(True, "viewer"))
        self.annual_button.setMenu(annual_menu)
        top = FlowLayout(spacing=16)  # the buttons go under the title when the window is narrow
        top.addWidget(title)
        top.addWidget(group(self.waiting_button, self.printed_button))
        actions = group(self.annual_button, refresh)
        top.addWidget(actions)
        top.setAlignment(actions, Qt.AlignmentFlag.AlignRight)

        self.model = LettersTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("letters")
        self.table.setAccessibleName("Letters")
        self.model.show_in(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._address = StretchColumn(self.table, ADDRESS, minimum=150)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.print_button = QPushButton("&Print selected…")
        self.print_button.setAccessibleName("Print selected")
        self.print_button.setToolTip("One print job, sorted by ZIP code then name (Ctrl+P)")
        self.print_button.clicked.connect(lambda: self.print_requested.emit(self.selected_ids(), "printer"))
        self.open_button = QPushButton("Open as &PDF")
        self.open_button.setAccessibleName("Open as PDF")
        self.open_button.setToolTip("Open the selected letters as one PDF in your PDF viewer")
        self.open_button.clicked.connect(lambda: self.print_requested.emit(self.selected_ids(), "viewer"))
        select_all = QPushButton("Select &all")
        select_all.clicked.connect(self.table.selectAll)
        QShortcut(QKeySequence.StandardKey.Print, self,
                  activated=lambda: self.print_requested.emit(self.selected_ids(), "printer"))
        buttons = QHBoxLayout()
        buttons.addWidget(select_all)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.print_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(buttons)

        self.preview_label = QLabel()
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.preview_label.setAccessibleName("Letter preview")
        self.preview_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview_caption = QLabel()
        self.preview_caption.setWordWrap(True)
        self.preview_caption.setAccessibleName("Preview caption")
        note = QLabel("The preview shows the top of page 1: the letterhead and the address as the "
                      "envelope window will show it.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        self._preview_image: QImage | None = None
        scroll = self.preview_scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.preview_label)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("<b>Preview</b>"))
        right_layout.addWidget(scroll)
        right_layout.addWidget(self.preview_caption)
        right_layout.addWidget(note)
        right_layout.addStretch(1)  # the frame hugs the top of the page, the caption under it

        # The preview beside the letters on a whole screen, under them in half of one.
        splitter = AdaptiveSplitter(side_by_side=700, sizes=[720, 460], stacked_sizes=[3, 2])
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self._status = QLabel()
        self._status.setAccessibleName("Print center status")
        layout.addWidget(self._status)
        self._update_buttons()

    # -- intent out --------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r].letter_id for r in rows if r < len(self.model.rows)]

    def _selection_changed(self, *_):
        self._update_buttons()
        self.selection_changed.emit(self.selected_ids())

    def _update_buttons(self) -> None:
        count = len(self.selected_ids())
        reprint = self.printed_button.isChecked()
        self.print_button.setEnabled(count > 0)
        self.open_button.setEnabled(count > 0)
        verb = "Reprint" if reprint else "Print"
        self.print_button.setText(f"&{verb} selected ({count})…" if count else f"&{verb} selected…")

    # -- PrintCenterView ---------------------------------------------------------------------
    def show_rows(self, rows: list[QueueRow], mode: str) -> None:
        self.model.set_rows(rows, mode)
        header = self.table.horizontalHeader()
        text = self.fontMetrics().horizontalAdvance
        moment = text("Sep 30, 2026 12:59 PM") + 16
        widths = {"kind": text("Request received (Spanish)") + 16, "recipient": 130, "student": 130,
                  "created": moment, "printed": moment, "times_printed": 46}
        for column, (key, _) in enumerate(self.model.columns):
            if key != "address":
                header.resizeSection(column, widths.get(key, 120))
        self._address.fit()
        self._update_buttons()

    def show_preview(self, image: PageImage | None, caption: str) -> None:
        self._preview_image = None if image is None else qimage(image)
        self._fit_preview()
        self.preview_caption.setText(caption)

    def _fit_preview(self) -> None:
        if self._preview_image is None:
            self.preview_label.clear()
            return
        width = max(200, self.preview_scroll.viewport().width() - 4)
        image = self._preview_image
        if image.width() > width:
            image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        self.preview_label.setPixmap(QPixmap.fromImage(image))
        self.preview_scroll.setFixedHeight(image.height() + 2 * self.preview_scroll.frameWidth() + 4)

    def resizeEvent(self, event):  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_preview()

    def set_allowed(self, open_as_pdf: bool, annual_notice: bool) -> None:
        """Offer "Open as PDF" and the annual notice only to roles that may read whole letters
        (the services refuse them to the others as well)."""
        self.open_button.setVisible(open_as_pdf)
        self.annual_button.setVisible(annual_notice)

    def set_summary(self, text: str) -> None:
        self.summary.setText(text)

    def show_status(self, text: str) -> None:
        self._status.setText(text)

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def show_error(self, title: str, text: str) -> None:
        QMessageBox.critical(self, title, text)

    def deliver(self, delivery: PrintDelivery) -> bool:
        if delivery.target == "viewer":
            return QDesktopServices.openUrl(QUrl.fromLocalFile(str(delivery.path)))
        printer = self.printer_factory()
        printer.setDocName(delivery.path.stem)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
        printer.setFullPage(True)  # the letters place the address for the envelope window themselves
        if self.ask_printer:
            dialog = QPrintDialog(printer, self)
            dialog.setWindowTitle(f"Print {delivery.letters} letter{'s' if delivery.letters != 1 else ''} "
                                  f"({delivery.pages} page{'s' if delivery.pages != 1 else ''})")
            if dialog.exec() != QPrintDialog.DialogCode.Accepted:
                return False
        sent = self._send_pdf(printer, delivery)
        return self._paint(printer, delivery) if sent is None else sent

    def _send_pdf(self, printer: QPrinter, delivery: PrintDelivery) -> bool | None:
        """The letters as they are, text and vector, not pictures of them: into the PDF file
        chosen in the print dialog, or to a CUPS printer (Linux, macOS) as a PDF job. None where
        the pages must be painted instead (Windows printer drivers, a range of pages)."""
        if delivery.data is None or printer.fromPage() > 0:
            return None
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            try:
                Path(printer.outputFileName()).write_bytes(delivery.data)
            except OSError as err:
                self.show_error("The PDF was not saved", f"{printer.outputFileName()} could not be written: "
                                f"{err.strerror or err}.")
                return False
            return True
        lp = shutil.which("lp") if sys.platform != "win32" else None
        if lp is None or not printer.printerName():
            return None
        command = [lp, "-d", printer.printerName(), "-n", str(max(1, printer.copyCount())), "-t", printer.docName()]
        if printer.duplex() in SIDES:
            command += ["-o", f"sides={SIDES[printer.duplex()]}"]
        try:
            subprocess.run(command, input=delivery.data, capture_output=True, timeout=120, check=True)
        except (OSError, subprocess.SubprocessError) as err:
            log.warning("The print system did not take the PDF job (%s); painting the pages instead", err)
            return None
        return True

    def _paint(self, printer: QPrinter, delivery: PrintDelivery) -> bool:
        painter = QPainter()
        if not painter.begin(printer):
            self.show_error("The printer cannot be used", "The printer did not start the job. "
                            "Check that it is on and try again, or use Open as PDF.")
            return False
        try:
            dpi = min(PRINT_DPI, printer.resolution())
            for number, page in enumerate(delivery.page_images(dpi)):
                if number:
                    printer.newPage()
                target = printer.pageLayout().fullRectPixels(printer.resolution())
                painter.drawImage(QRect(0, 0, target.width(), target.height()), qimage(page))
        finally:
            painter.end()
        return True
