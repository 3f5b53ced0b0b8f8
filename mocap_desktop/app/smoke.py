"""The bundle's smoke test: open the database, build the main window offscreen, use each library
the bundle must carry, quit (`mocap-desktop --smoke-test`)."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from mocap_desktop.app.shell import build_main_window
from mocap_desktop.paths import DataDir
from mocap_desktop.services import review
from mocap_desktop.store import StoreError


def smoke_test(app: QApplication, folder: DataDir, demo: bool) -> int:
    """Open, migrate and sign in to the database, build the main window offscreen, use what the
    bundle must carry (`check_functions`), quit.

    The demo signs in as its administrator; the office database as MOCAP_USER/MOCAP_PASSWORD
    when given. Without them nothing of the office's is opened: a throwaway encrypted database
    in a temporary folder is set up instead, which exercises the same parts."""
    import tempfile

    from mocap_desktop.services.session import NeedsSetUp, SessionError, open_session, set_up

    login, password = os.environ.get("MOCAP_USER"), os.environ.get("MOCAP_PASSWORD")
    with tempfile.TemporaryDirectory() as scratch:
        try:
            if demo or login:
                session = open_session(folder, demo, login, password)
                where = str(session.store.path)
            else:
                session, _ = set_up(DataDir(Path(scratch)).ensure(), "smoke", "Smoke Test",
                                    secrets.token_urlsafe(16))
                where = f"a throwaway database (the office database at {folder.database()} was left closed)"
        except (StoreError, SessionError, NeedsSetUp) as err:
            print(f"mocap-desktop: {err}", file=sys.stderr)
            return 3
        window = build_main_window(session)
        window.show()
        app.processEvents()
        ok = window.isVisible() and window.centralWidget() is not None
        summary = f"{where} (schema {session.store.schema_version}, encrypted, signed in as {session.user.role})"
        window.close()
        try:
            board = board_report(session.store) + ", " + import_elsewhere(session.store, Path(scratch))
        except Exception as err:  # noqa: BLE001 (any failure fails the smoke test, with its reason)
            print(f"smoke test FAILED: {summary}: {type(err).__name__}: {err}", file=sys.stderr)
            session.close()
            return 1
        session.close()
        try:
            checked = board + ", " + check_functions(Path(scratch))
        except Exception as err:  # noqa: BLE001 (any failure fails the smoke test, with its reason)
            print(f"smoke test FAILED: {summary}: {type(err).__name__}: {err}", file=sys.stderr)
            return 1
    print(f"smoke test {'passed' if ok else 'FAILED'}: {summary}")
    if ok:
        print(f"smoke test checked: {checked}")
    return 0 if ok else 1


def board_report(store) -> str:
    """This school year's board report with its charts (ReportLab's graphics), as a PDF."""
    from datetime import date

    from mocap_desktop.letters.board_report import render_board_report
    from mocap_desktop.letters.pages import page_count
    from mocap_desktop.services.board_report import board_figures

    today = date.today()
    pdf = render_board_report(board_figures(store, today.year if today.month >= 7 else today.year - 1))
    if not pdf.startswith(b"%PDF"):
        raise RuntimeError("the board report is not a PDF")
    return f"the board report with its charts ({page_count(pdf)} pages)"


def import_elsewhere(store, scratch: Path) -> str:
    """A roster checked (a dry run: nothing written) the way a big file is: read in a reader
    process, which a frozen bundle starts by running itself again."""
    import csv

    from mocap_desktop.services import import_reader, importing
    from mocap_desktop.services.roster import KINDS

    path = scratch / "roster.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Student Number", "State ID", "Last Name", "First Name", "Birthdate", "Grade"])
        out.writerows([f"{900000 + i}", f"{9000000000 + i}", "Smoke", f"Test{i}", "9/1/2010", "10"]
                      for i in range(200))
    size, import_reader.READER_PROCESS_BYTES = import_reader.READER_PROCESS_BYTES, 0
    try:
        report = importing.run_import(store, path, KINDS["students"], dry_run=True)
    finally:
        import_reader.READER_PROCESS_BYTES = size
    if report.rows_read != 200 or report.problems or report.written:
        raise RuntimeError(f"a roster read in a reader process came back as {report.summary()}")
    return "a roster read in a reader process"


def check_functions(scratch: Path) -> str:
    """Use each library the bundle must carry, the way the app does, and raise on the first thing
    that does not work: letters (ReportLab, the DejaVu fonts, PNG and JPEG logos through Pillow),
    previews (pypdfium2), printing through Qt (to a PDF file), .xlsx export and import (openpyxl),
    Qt's collation, case mapping and time-zone names (ICU data); when frozen, every Qt plugin
    shipped in the bundle must load (the print-support plugin brings in CUPS on Linux)."""
    import functools

    from PIL import Image
    from PySide6.QtCore import QCollator, QCoreApplication, QDir, QLocale, QPluginLoader, QRect, QTimeZone
    from PySide6.QtGui import QPageSize, QPainter
    from PySide6.QtPrintSupport import QPrinter

    from mocap_desktop.letters.pages import page_count, rasterize
    from mocap_desktop.letters.render import render_letter
    from mocap_desktop.services.importing import read_table
    from mocap_desktop.services.letters import sample_letter
    from mocap_desktop.store.district import DistrictProfile
    from mocap_desktop.ui.views.print_center import qimage

    def need(condition: bool, what: str) -> None:
        if not condition:
            raise RuntimeError(what)

    import importlib.util

    need(importlib.util.find_spec("_rl_accel") is not None, "ReportLab's C accelerator (rl_accel) is missing")
    import psycopg  # district mode: the district's PostgreSQL, through the libpq the bundle carries

    need(psycopg.pq.__impl__ in ("binary", "c") and psycopg.pq.version() > 0, "psycopg has no libpq")
    pages = []
    for kind, lang, logo in (("denied", "en", "logo.png"), ("approved", "es", "logo.jpg")):
        Image.new("RGB", (96, 96), (20, 80, 160)).save(scratch / logo)
        profile = DistrictProfile(code="999999", name="Smoke Test R-I", address1="1 Main St", city="Maple Valley",
                                  zip="65999", logo_path=str(scratch / logo), signer_name="Pat Alvarez")
        pdf = render_letter(sample_letter(profile, kind, lang))
        need(pdf.startswith(b"%PDF") and b"DejaVuSans" in pdf, f"the {lang} letter has no embedded DejaVu font")
        image = rasterize(pdf, dpi=50, count=1)[0]
        need(len(set(image.data[::97])) > 2, f"the {lang} letter's preview is blank")
        pages.append(image)
    printed = scratch / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    printer.setFullPage(True)
    painter = QPainter()
    need(painter.begin(printer), "Qt cannot print")
    for number, image in enumerate(pages):
        if number:
            printer.newPage()
        target = printer.pageLayout().fullRectPixels(printer.resolution())
        painter.drawImage(QRect(0, 0, target.width(), target.height()), qimage(image))
    painter.end()
    need(page_count(printed) == len(pages), "Qt printed the wrong number of pages")
    book = review.export_rows([], scratch / "queue.xlsx")
    need(tuple(read_table(book).headers) == review.EXPORT_COLUMNS, "the .xlsx did not read back")
    names = ["Zoë", "zebra", "Élodie", "apple", "Eve"]
    collated = sorted(names, key=functools.cmp_to_key(QCollator(QLocale("en_US")).compare))
    need(collated == ["apple", "Élodie", "Eve", "zebra", "Zoë"], f"Qt collates {collated}")
    need(QLocale("tr_TR").toUpper("i") == "\u0130", "Qt's Turkish case mapping is missing")
    zone = QTimeZone(b"America/Chicago").displayName(QTimeZone.TimeType.StandardTime,
                                                     QTimeZone.NameType.LongName, QLocale("en_US"))
    need(zone == "Central Standard Time", f"Qt names the Chicago time zone {zone!r}")
    plugins = []
    if getattr(sys, "frozen", False):
        bundle = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)).resolve()
        folders = {Path(folder).resolve() for folder in QCoreApplication.libraryPaths()}
        for folder in sorted(f for f in folders if f.is_relative_to(bundle)):
            for file in sorted(folder.rglob("*")):
                if file.is_file() and QDir.match(["*.so", "*.dll", "*.dylib"], file.name):
                    loader = QPluginLoader(str(file))
                    need(loader.load(), f"the Qt plugin {file.name} does not load: {loader.errorString()}")
                    plugins.append(file.stem)
    return ("letters in English and Spanish with PNG and JPEG logos and ReportLab's accelerator, previews, "
            f"printing to PDF, .xlsx, libpq {psycopg.pq.version() // 10000} for district mode, "
            "collation, time-zone names" + (f", {len(plugins)} Qt plugins" if plugins else ""))
