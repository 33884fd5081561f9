"""CSV files behind the dashboard: the complaints of a scope (streamed) and the figures of a report."""

import csv
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from .selectors import DashboardFigures, Scope, complaints_in_scope, local_zone

BOM = "\ufeff"  # Excel reads a UTF-8 CSV as UTF-8 only with the byte-order mark
CHUNK_SIZE = 2000

COMPLAINT_COLUMNS = (
    "reference",
    "created_at",
    "state",
    "severity",
    "is_urgent",
    "channel",
    "category__code",
    "department__code",
    "acknowledged_at",
    "first_responded_at",
    "responded_at",
    "closed_at",
    "satisfaction_rating",
)


class _Echo:
    """A file whose write returns the line, so csv.writer yields lines instead of buffering them."""

    def write(self, value: str) -> str:
        return value


def _cell(value, zone) -> str:
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def complaint_rows_csv(scope: Scope) -> Iterator[str]:
    """Yield the CSV of the scope's complaints line by line, read through a server-side cursor."""
    zone = local_zone()
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(
        [
            _("Reference"),
            _("Filed at"),
            _("State"),
            _("Severity"),
            _("Urgent"),
            _("Channel"),
            _("Category"),
            _("Department"),
            _("Acknowledged at"),
            _("First responded at"),
            _("Responded at"),
            _("Closed at"),
            _("Satisfaction rating"),
        ]
    )
    rows = complaints_in_scope(scope).order_by("created_at", "id").values_list(*COMPLAINT_COLUMNS)
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow([_cell(value, zone) for value in row])


def figure_rows(figures: DashboardFigures) -> Iterable[tuple[str, object, object]]:
    """The headline figures as (name, current, previous) rows: the same numbers as the page."""
    volumes, promises, satisfaction = figures.volumes, figures.promises, figures.satisfaction
    yield ("new", volumes["new"]["current"], volumes["new"]["previous"])
    yield ("closed", volumes["closed"]["current"], volumes["closed"]["previous"])
    yield ("open_now", volumes["open_now"], "")
    for name in ("acknowledged_in_time", "urgent_answered_in_time", "resolved_in_time"):
        yield (f"{name}_percent", promises[name]["current"], promises[name]["previous"])
    for name in ("acknowledge", "respond", "resolve"):
        for statistic in ("median", "p90"):
            key = f"{name}_{statistic}_hours"
            yield (key, promises[key]["current"], promises[key]["previous"])
    yield ("overdue_now", figures.overdue["count"], "")
    yield ("average_rating", *_pair(satisfaction["average_rating"]))
    yield ("satisfied_percent", *_pair(satisfaction["satisfied_share"]))
    yield ("appeal_rate_percent", *_pair(satisfaction["appeal_rate"]))
    yield ("reopened", *_pair(satisfaction["reopened"]))
    for decision, outcome in satisfaction["appeal_outcomes"].items():
        yield (f"appeals_{decision}", outcome["current"], outcome["previous"])
    yield ("remedies_carried_out", *_pair(satisfaction["remedies_carried_out"]))
    yield ("refunds_cny", *_pair(satisfaction["refunds_cny"]))
    yield ("improvement_actions_open", figures.improvement["open"], "")
    yield ("improvement_actions_overdue", figures.improvement["overdue"], "")
    yield ("improvement_actions_done", *_pair(figures.improvement["done"]))
    for key, rows in (
        ("category", figures.volumes["by_category"]),
        ("severity", figures.volumes["by_severity"]),
    ):
        for row in rows:
            yield (f"new_by_{key}:{row.key}", row.current, row.previous)


def _pair(values: dict) -> tuple:
    return values["current"], values["previous"]


def figures_csv(figures: DashboardFigures) -> str:
    """The figures as one CSV text (with the BOM), generated at the time the report was."""
    lines = [BOM + ",".join(["figure", "current", "previous", "generated_at"]) + "\r\n"]
    writer = csv.writer(_Echo())
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    for name, current, previous in figure_rows(figures):
        lines.append(writer.writerow([name, _csv_value(current), _csv_value(previous), generated]))
    return "".join(lines)


def _csv_value(value) -> str:
    return "" if value is None else str(value)
