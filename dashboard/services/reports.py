"""Generate a period report: the dashboard's figures as a PDF (charts, table of contents) and CSVs."""

import io
import logging
from collections.abc import Callable
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from accounts.models import User
from feedback.analysis.report import feedback_report_tables

from ..exports import complaint_rows_csv, figure_rows, figures_csv
from ..models import ReportRun
from ..selectors import DashboardFigures, Period, Scope, dashboard_figures

logger = logging.getLogger(__name__)

# Debian's fonts-wqy-zenhei: TrueType outlines, which ReportLab embeds (it cannot read the CFF outlines of
# Noto CJK). Without it, the CID font that PDF readers carry for Simplified Chinese is named instead.
CJK_FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
FALLBACK_CJK_FONT = "STSong-Light"
SERIES_COLOURS = (
    colors.HexColor("#1f6feb"),
    colors.HexColor("#1a7f37"),
    colors.HexColor("#d1242f"),
    colors.HexColor("#9a6700"),
    colors.HexColor("#8250df"),
    colors.HexColor("#0a7ea4"),
)

Progress = Callable[[int], None]

ESTIMATED_PERCENTILES_NOTE = gettext_lazy(
    "With this many complaints, the median and 90th-percentile hours are estimated from the daily "
    "distribution of times (within the time band each falls in); the shares are exact."
)


def report_font() -> str:
    """Register and return the name of a font that draws Chinese."""
    if CJK_FONT_FILE.exists():
        try:
            pdfmetrics.registerFont(TTFont("WenQuanYiZenHei", str(CJK_FONT_FILE), subfontIndex=0))
            return "WenQuanYiZenHei"
        except TTFError:
            logger.warning("ReportLab cannot read %s; using %s", CJK_FONT_FILE, FALLBACK_CJK_FONT)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CJK_FONT))
    return FALLBACK_CJK_FONT


def report_run_start(*, actor: User | None, scope: Scope, language: str) -> ReportRun:
    """Record a queued report for the scope; the caller queues ``report_generate_task`` on commit."""
    return ReportRun.objects.create(
        requested_by=actor,
        period_first=scope.period.first,
        period_last=scope.period.last,
        department_id=scope.department_id,
        category_id=scope.category_id,
        channel=scope.channel or "",
        language=language,
    )


def report_scope(run: ReportRun) -> Scope:
    return Scope(
        period=Period(run.period_first, run.period_last),
        department_id=run.department_id,
        category_id=run.category_id,
        channel=run.channel or None,
    )


def _set_progress(run: ReportRun, percent: int, **changes) -> None:
    ReportRun.objects.filter(pk=run.pk).update(percent=percent, **changes)
    run.percent = percent
    for name, value in changes.items():
        setattr(run, name, value)


class _ReportDocument(SimpleDocTemplate):
    """Feeds each section heading to the table of contents."""

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name == "Section":
            self.notify("TOCEntry", (0, flowable.getPlainText(), self.page))


def _line_chart(
    title: str, labels: list[str], series: list[tuple[str, list]], font: str, top=None
) -> Drawing:
    drawing = Drawing(170 * mm, 75 * mm)
    drawing.add(String(0, 70 * mm, title, fontName=font, fontSize=10))
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 14 * mm, 150 * mm, 50 * mm
    chart.data = [[value or 0 for value in values] for _name, values in series] or [[0]]
    chart.categoryAxis.categoryNames = [label[5:] for label in labels] or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 45
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin = 0
    if top is not None:
        chart.valueAxis.valueMax = top
    if len(chart.categoryAxis.categoryNames) < 2:
        # A single period has no line to draw: show each value as a dot instead.
        chart.joinedLines = 0
        chart.lines.symbol = makeMarker("FilledCircle")
    for index in range(len(chart.data)):
        chart.lines[index].strokeColor = SERIES_COLOURS[index % len(SERIES_COLOURS)]
    drawing.add(chart)
    for index, (name, _values) in enumerate(series[:12]):
        drawing.add(
            String(
                12 * mm + (index % 6) * 26 * mm,
                66 * mm - (index // 6) * 4 * mm,
                name,
                fontName=font,
                fontSize=7,
                fillColor=SERIES_COLOURS[index % len(SERIES_COLOURS)],
            )
        )
    return drawing


def _pie(title: str, labels: list[str], values: list[int], font: str) -> Drawing:
    drawing = Drawing(170 * mm, 60 * mm)
    drawing.add(String(0, 55 * mm, title, fontName=font, fontSize=10))
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 10 * mm, 5 * mm, 45 * mm, 45 * mm
    pie.data = values or [1]
    pie.labels = [f"{label} {value}" for label, value in zip(labels, values, strict=True)] or [_("None")]
    pie.slices.fontName = font
    for index in range(len(pie.data)):
        pie.slices[index].fillColor = SERIES_COLOURS[index % len(SERIES_COLOURS)]
    drawing.add(pie)
    return drawing


def _shown(value: object) -> str:
    return "—" if value in (None, "") else str(value)


def _figure_table(rows: list[tuple[str, object, object]], font: str) -> Table:
    data = [[_("Figure"), _("This period"), _("Previous period")]]
    data += [[name, _shown(current), _shown(previous)] for name, current, previous in rows]
    return _styled_table(data, [90 * mm, 35 * mm, 35 * mm], font)


def _hot_spot_table(rows: list[dict], font: str) -> Table:
    """One hot-spot ranking, with the page's columns: complaints, enrolled learners and the rate per 100."""
    data = [[_("Name"), _("Complaints"), _("Enrolled learners"), _("Per 100 learners")]]
    columns = ("complaints", "learners", "per_100")
    data += [[row["name"], *(_shown(row[column]) for column in columns)] for row in rows]
    if not rows:
        data.append([_("No complaints."), "", "", ""])
    return _styled_table(data, [85 * mm, 25 * mm, 25 * mm, 25 * mm], font)


def _styled_table(data: list[list], widths: list[float], font: str) -> Table:
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f4f6")]),
            ]
        )
    )
    return table


def _labelled_rows(figures: DashboardFigures) -> dict[str, list[tuple[str, object, object]]]:
    """The figure rows (the same as the CSV) under readable names, grouped in the report's sections."""
    names = {
        "new": _("New complaints"),
        "closed": _("Closed complaints"),
        "open_now": _("Open now"),
        "acknowledged_in_time_percent": _("Acknowledged within 1 hour (%)"),
        "urgent_answered_in_time_percent": _("Urgent or major answered within 24 hours (%)"),
        "resolved_in_time_percent": _("Resolved within target (%)"),
        "acknowledge_median_hours": _("Median hours to acknowledge"),
        "acknowledge_p90_hours": _("90th percentile hours to acknowledge"),
        "respond_median_hours": _("Median hours to respond"),
        "respond_p90_hours": _("90th percentile hours to respond"),
        "resolve_median_hours": _("Median hours to resolve"),
        "resolve_p90_hours": _("90th percentile hours to resolve"),
        "overdue_now": _("Overdue clocks now"),
        "average_rating": _("Average rating"),
        "satisfied_percent": _("Satisfied, rated 4 or 5 (%)"),
        "appeal_rate_percent": _("Appeal rate (%)"),
        "reopened": _("Reopened (appealed)"),
        "remedies_carried_out": _("Remedies carried out"),
        "refunds_cny": _("Refunds (CNY)"),
        "improvement_actions_open": _("Improvement actions open"),
        "improvement_actions_overdue": _("Improvement actions overdue"),
        "improvement_actions_done": _("Improvement actions done"),
    }
    sections = {
        _("Volumes"): ("new", "closed", "open_now", "new_by_"),
        _("Promises kept"): (
            "acknowledged_in_time",
            "urgent_answered",
            "resolved_in_time",
            "acknowledge_",
            "respond_",
            "resolve_",
            "overdue_now",
        ),
        _("Satisfaction and justice"): (
            "average_rating",
            "satisfied",
            "appeal",
            "reopened",
            "remedies",
            "refunds",
        ),
        _("The closed loop"): ("improvement_actions",),
    }
    grouped: dict[str, list] = {title: [] for title in sections}
    for key, current, previous in figure_rows(figures):
        for title, prefixes in sections.items():
            if key.startswith(prefixes):
                label = names.get(key)
                if label is None and key.startswith("appeals_"):
                    outcome = figures.satisfaction["appeal_outcomes"][key.removeprefix("appeals_")]
                    label = _("Appeals: %(outcome)s") % {"outcome": outcome["label"]}
                if label is None and key.startswith("new_by_"):
                    label = key.split(":", 1)[1]
                    for row in figures.volumes["by_severity"]:
                        if key == f"new_by_severity:{row.key}":
                            label = row.label
                    label = _("New: %(group)s") % {"group": label}
                grouped[title].append((label or key, current, previous))
                break
    return grouped


def report_pdf(figures: DashboardFigures, *, title: str) -> bytes:
    """Draw the report as a PDF in the active language."""
    font = report_font()
    heading = ParagraphStyle("Section", fontName=font, fontSize=14, leading=18, spaceBefore=8, spaceAfter=6)
    body = ParagraphStyle("Body", fontName=font, fontSize=9, leading=13)
    cover = ParagraphStyle("Cover", fontName=font, fontSize=18, leading=24, spaceAfter=10)
    toc = TableOfContents()
    toc.levelStyles = [ParagraphStyle("TOC", fontName=font, fontSize=10, leading=14)]
    period, previous = figures.scope.period, figures.scope.period.previous()
    story: list = [
        Paragraph(title, cover),
        Paragraph(
            _("From %(first)s to %(last)s, against %(previous_first)s to %(previous_last)s.")
            % {
                "first": period.first,
                "last": period.last,
                "previous_first": previous.first,
                "previous_last": previous.last,
            },
            body,
        ),
        Paragraph(
            _("Generated at %(moment)s.") % {"moment": timezone.localtime().strftime("%Y-%m-%d %H:%M")}, body
        ),
        Spacer(1, 6 * mm),
        Paragraph(_("Contents"), ParagraphStyle("ContentsTitle", parent=heading)),
        toc,
        PageBreak(),
    ]
    grouped = _labelled_rows(figures)
    volume = figures.trends["volume"]
    sla = figures.trends["sla"]
    charts = {
        _("Volumes"): [
            _line_chart(
                _("Volume trend by category"),
                volume["labels"],
                [(series["label"], series["data"]) for series in volume["series"]],
                font,
            ),
            _pie(
                _("Severity mix"),
                [row.label for row in figures.volumes["by_severity"]],
                [row.current for row in figures.volumes["by_severity"]],
                font,
            ),
        ],
        _("Promises kept"): [
            _line_chart(
                _("SLA compliance over time"),
                sla["labels"],
                [
                    (_("Acknowledged within 1 hour"), sla["acknowledged"]),
                    (_("Resolved within target"), sla["resolved"]),
                ],
                font,
                top=100,
            ),
        ],
    }
    notes = {}
    if figures.promises.get("percentiles_estimated"):
        notes[_("Promises kept")] = ESTIMATED_PERCENTILES_NOTE
    for section, rows in grouped.items():
        story.append(Paragraph(section, heading))
        story.append(_figure_table(rows, font))
        if section in notes:
            story.append(Paragraph(str(notes[section]), body))
        story.append(Spacer(1, 4 * mm))
        story.extend(charts.get(section, []))
    story.extend(_feedback_section(figures, font, heading, body))
    story.append(Paragraph(_("Hot spots"), heading))
    for caption, rows in (
        (_("Courses"), figures.hot_spots["courses"]),
        (_("Instructors"), figures.hot_spots["instructors"]),
        (_("Departments"), figures.hot_spots["departments"]),
    ):
        story.append(Paragraph(caption, body))
        story.append(_hot_spot_table(rows, font))
    buffer = io.BytesIO()
    document = _ReportDocument(buffer, pagesize=A4, title=title, leftMargin=18 * mm, rightMargin=18 * mm)
    document.multiBuild(story)
    return buffer.getvalue()


def _feedback_section(figures: DashboardFigures, font: str, heading, body) -> list:
    """The feedback analysis of the same period (its own figures, whatever the complaints' filters)."""
    from feedback.analysis.selectors import Period as FeedbackPeriod

    period = figures.scope.period
    story: list = [Paragraph(_("Feedback"), heading)]
    for table in feedback_report_tables(FeedbackPeriod(period.first, period.last)):
        story.append(Paragraph(table.caption, body))
        rows = [[str(cell) for cell in row] for row in table.rows]
        rows = rows or [[_("None"), *([""] * (len(table.header) - 1))]]
        others = len(table.header) - 1
        widths = [70 * mm, *([90 * mm / others] * others)]
        story.append(_styled_table([table.header, *rows], widths, font))
        story.append(Spacer(1, 3 * mm))
    return story


def report_generate(*, run: ReportRun, progress: Progress | None = None) -> ReportRun:
    """Compute the figures, draw the PDF, write the CSVs and keep the run's progress; safe to run twice.

    A run already done is left as it is. Raises nothing: a failure marks the run failed with its error.
    """
    run.refresh_from_db()
    if run.state == ReportRun.State.DONE:
        return run

    def step(percent: int, **changes) -> None:
        _set_progress(run, percent, **changes)
        if progress:
            progress(percent)

    step(5, state=ReportRun.State.RUNNING, error="")
    try:
        with translation.override(run.language):
            scope = report_scope(run)
            figures = dashboard_figures(scope)
            step(40)
            title = _("Complaints report, %(first)s to %(last)s") % {
                "first": run.period_first,
                "last": run.period_last,
            }
            pdf = report_pdf(figures, title=title)
            step(70)
            stem = f"report-{run.pk}-{run.period_first:%Y%m%d}-{run.period_last:%Y%m%d}"
            run.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
            run.figures_csv.save(
                f"{stem}-figures.csv", ContentFile(figures_csv(figures).encode()), save=False
            )
            step(80)
            run.complaints_csv.save(f"{stem}-complaints.csv", ContentFile(b""), save=False)
            with open(run.complaints_csv.path, "w", encoding="utf-8", newline="") as target:
                for line in complaint_rows_csv(scope):
                    target.write(line)
        with transaction.atomic():
            ReportRun.objects.filter(pk=run.pk).update(
                pdf=run.pdf.name, figures_csv=run.figures_csv.name, complaints_csv=run.complaints_csv.name
            )
        step(100, state=ReportRun.State.DONE, finished_at=timezone.now())
    except Exception as error:  # the run records what went wrong; the worker stays up
        logger.exception("Report %s failed", run.pk)
        _set_progress(
            run, run.percent, state=ReportRun.State.FAILED, error=str(error), finished_at=timezone.now()
        )
    return run
