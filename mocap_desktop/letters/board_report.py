"""The board's annual MOCAP report as a PDF for the board packet (portrait US Letter, the
embedded DejaVu family): the key figures, three charts drawn with ReportLab's own graphics
(requests per month, decisions on time, course outcomes) and the tables behind them.

Data in (`core.reporting.BoardFigures`: counts only, no student), PDF bytes out.
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mocap_desktop.core.reporting import BoardFigures
from mocap_desktop.letters.fonts import BOLD, REGULAR, register_fonts
from mocap_desktop.letters.report_pdf import numbered_canvas

MARGIN = 0.7 * inch
BLUE, GREEN, RED, GREY = (colors.HexColor(c) for c in ("#2F5D8A", "#3C8D5A", "#B5483B", "#9AA5B1"))
CHART_W = LETTER[0] - 2 * MARGIN


def _money(value) -> str:
    return f"${value:,.2f}"


def _axis_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / step <= 6:
            return step
    return max(1, top // 5)



def requests_per_month(figures: BoardFigures, width: float = CHART_W, height: float = 2.3 * inch) -> Drawing:
    d = Drawing(width, height)
    d.add(String(0, height - 12, "Requests received per month", fontName=BOLD, fontSize=10))
    chart = VerticalBarChart()
    chart.x, chart.y = 34, 24
    chart.width, chart.height = width - 44, height - 54
    values = [n for _, n in figures.by_month] or [0]
    chart.data = [values]
    top = max(values) or 1
    step = _axis_step(top)
    chart.valueAxis.valueMin, chart.valueAxis.valueStep = 0, step
    chart.valueAxis.valueMax = (top // step + 1) * step
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = REGULAR, 7
    chart.categoryAxis.categoryNames = [m for m, _ in figures.by_month]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = REGULAR, 7.5
    chart.bars[0].fillColor, chart.bars[0].strokeColor = BLUE, None
    chart.barLabelFormat = lambda v: f"{v:g}" if v else ""
    chart.barLabels.fontName, chart.barLabels.fontSize, chart.barLabels.nudge = REGULAR, 7, 6
    d.add(chart)
    return d


def on_time_bar(figures: BoardFigures, width: float = CHART_W, height: float = 0.95 * inch) -> Drawing:
    """One bar split in two: decisions made by their due date, and late."""
    d = Drawing(width, height)
    total = figures.on_time + figures.late
    share = figures.on_time_percent
    title = "Decisions made by their due date" + (f": {share:g}%" if share is not None else ": none yet")
    d.add(String(0, height - 12, title, fontName=BOLD, fontSize=10))
    y, h = 22, 22
    if total:
        on = width * figures.on_time / total
        d.add(Rect(0, y, on, h, fillColor=GREEN, strokeColor=None))
        d.add(Rect(on, y, width - on, h, fillColor=RED, strokeColor=None))
    else:
        d.add(Rect(0, y, width, h, fillColor=colors.HexColor("#E5E8EC"), strokeColor=None))
    d.add(String(0, 6, f"On time {figures.on_time:,}", fontName=REGULAR, fontSize=8, fillColor=GREEN))
    d.add(String(width, 6, f"Late {figures.late:,}", fontName=REGULAR, fontSize=8, fillColor=RED,
                 textAnchor="end"))
    d.add(String(width / 2, 6, f"Median time to decide: {figures.median_text()}", fontName=REGULAR, fontSize=8,
                 textAnchor="middle"))
    return d


def outcomes_chart(figures: BoardFigures, width: float = CHART_W, height: float | None = None) -> Drawing:
    rows = list(figures.course_outcomes) or [("No courses", 0)]
    height = height or (34 + 18 * len(rows))
    d = Drawing(width, height)
    d.add(String(0, height - 12, "Tracked courses of the school year, by outcome", fontName=BOLD, fontSize=10))
    chart = HorizontalBarChart()
    chart.x, chart.y = 120, 8
    chart.width, chart.height = width - 150, height - 30
    chart.data = [[n for _, n in reversed(rows)]]
    top = max(n for _, n in rows) or 1
    step = _axis_step(top)
    chart.valueAxis.valueMin, chart.valueAxis.valueStep = 0, step
    chart.valueAxis.valueMax = (top // step + 1) * step
    chart.valueAxis.visibleLabels = False
    chart.valueAxis.visible = False
    chart.categoryAxis.categoryNames = [label for label, _ in reversed(rows)]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = REGULAR, 8
    chart.categoryAxis.labels.dx = -4
    chart.bars[0].strokeColor = None
    palette = {"Completed": GREEN, "Dropped": RED, "Withdrawn": colors.HexColor("#C98A2B")}
    for i, (label, _) in enumerate(reversed(rows)):
        chart.bars[(0, i)].fillColor = palette.get(label, BLUE)
    chart.barLabelFormat = lambda v: f"{v:,.0f}"
    chart.barLabels.fontName, chart.barLabels.fontSize = REGULAR, 7.5
    chart.barLabels.boxAnchor, chart.barLabels.dx = "w", 3
    d.add(chart)
    return d


def render_board_report(figures: BoardFigures) -> bytes:
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=12)
    small = ParagraphStyle("small", fontName=REGULAR, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#4A5560"))
    h1 = ParagraphStyle("h1", fontName=BOLD, fontSize=16, leading=20, spaceAfter=2)
    h2 = ParagraphStyle("h2", fontName=BOLD, fontSize=11, leading=14, spaceBefore=10, spaceAfter=4)
    cell = ParagraphStyle("cell", fontName=REGULAR, fontSize=8.5, leading=10.5)
    head = ParagraphStyle("head", fontName=BOLD, fontSize=8.5, leading=10.5)
    cell_r = ParagraphStyle("cell_r", parent=cell, alignment=2)
    head_r = ParagraphStyle("head_r", parent=head, alignment=2)
    title = f"MOCAP annual report to the Board of Education — school year {figures.label}"

    def p(text: str, style=body) -> Paragraph:
        return Paragraph(escape(text), style)

    def table(header: tuple[str, ...], rows: list[tuple], widths: tuple[float, ...], empty: str = "None.") -> list:
        if not rows:
            return [p(empty)]
        width = LETTER[0] - 2 * MARGIN
        data = [[Paragraph(escape(h), head if i == 0 else head_r) for i, h in enumerate(header)]] + [
            [Paragraph(escape(str(v)), cell if i == 0 else cell_r) for i, v in enumerate(row)] for row in rows]
        t = Table(data, colWidths=[width * w for w in widths], repeatRows=1, hAlign="LEFT")
        t.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), REGULAR, 8.5),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#C9D1D9")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))
        return [KeepTogether([t])]

    on_time = figures.on_time_percent
    key = [
        ("Requests received", f"{figures.requests:,}"),
        ("Requests decided", f"{figures.decided:,}"),
        ("Decided by the due date", f"{figures.on_time:,} of {figures.on_time + figures.late:,}"
         + (f" ({on_time:g}%)" if on_time is not None else "")),
        ("Median time from receipt to decision", figures.median_text()),
        ("Appeals filed", f"{sum(n for _, n in figures.appeals):,}"),
        ("Courses tracked with providers", f"{figures.courses:,}"),
        ("Owed to providers", _money(figures.total_owed) if figures.target_known else
         f"{_money(figures.total_owed)} so far (the State Adequacy Target is not entered)"),
    ]
    story: list = [
        p(title, h1), p(figures.district),
        p("Counts only: no student is named in this report. Requests and decisions are those received from "
          f"July 1 to June 30 of {figures.label}; courses and cost are those of the school year's terms.", small),
        Spacer(1, 6),
    ]
    story += table(("Figure", "This year"), key, (0.55, 0.45))
    story += [Spacer(1, 10), requests_per_month(figures), Spacer(1, 6), on_time_bar(figures), Spacer(1, 8),
              outcomes_chart(figures)]
    story += [p("Requests", h2)]
    story += table(("By pathway", "Requests"), list(figures.by_pathway), (0.7, 0.3))
    story += [Spacer(1, 6)]
    story += table(("By building", "Requests"), list(figures.by_building), (0.7, 0.3))
    decisions = [KeepTogether([p("Decisions and appeals", h2),
                               *table(("Decision", "Requests"), list(figures.decisions), (0.7, 0.3))])]
    story += decisions + [Spacer(1, 6)]
    story += table(("Denial reason (denied and partially approved)", "Times given"), list(figures.denial_reasons),
                   (0.7, 0.3), "No denial reasons were given.")
    story += [Spacer(1, 6)]
    story += table(("Appeal", "Appeals"), list(figures.appeals), (0.7, 0.3), "No appeals were filed.")
    story += [p("Courses and cost", h2)]
    outcomes = list(figures.course_outcomes)
    story += table(("Outcome", "Courses"), outcomes, (0.7, 0.3))
    story += [Spacer(1, 3), p(f"Dropped inside the provider's drop window: {figures.dropped_inside:,} (nothing owed); "
                              f"after it: {figures.dropped_after:,}.", small), Spacer(1, 6)]
    story += table(("Provider", "Courses", "Owed", "Invoiced", "Paid", "Not known"),
                   [(c.provider, f"{c.courses:,}", _money(c.owed), _money(c.invoiced), _money(c.paid),
                     f"{c.unknown:,}" if c.unknown else "") for c in figures.costs],
                   (0.34, 0.1, 0.15, 0.15, 0.14, 0.12), "No courses this year.")
    story += [p("Attendance the district may claim", h2),
              p("Course-equivalents of attendance by outcome, at the shares in the district's policy "
                "(placeholder values until confirmed with counsel).", small), Spacer(1, 3)]
    story += table(("Outcome", "Courses", "Course-equivalents claimed"),
                   [(label, f"{n:,}", f"{claim:,.2f}") for label, n, claim in figures.attendance]
                   + [("Total", f"{sum(a[1] for a in figures.attendance):,}", f"{figures.attendance_total:,.2f}")],
                   (0.5, 0.2, 0.3))

    out = BytesIO()

    doc = SimpleDocTemplate(out, pagesize=LETTER, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=0.6 * inch,
                            bottomMargin=0.7 * inch, title=title, author=figures.district or "MOCAP Desktop",
                            creator="MOCAP Desktop", invariant=1)
    doc.build(story, canvasmaker=numbered_canvas(f"{figures.district} · {title}", LETTER[0], 0.4 * inch,
                                                      MARGIN))
    return out.getvalue()
