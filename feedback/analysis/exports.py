"""The analysis as JSON (the API) and as CSV rows (the export): the same numbers as the page."""

import csv
from collections.abc import Iterator

from .selectors import AnalysisFigures

BOM = "\ufeff"  # Excel reads a UTF-8 CSV as UTF-8 only with the byte-order mark


def analysis_as_json(figures: AnalysisFigures) -> dict:
    period = figures.scope.period
    previous = period.previous()
    return {
        "period": {"from": period.first, "to": period.last},
        "previous_period": {"from": previous.first, "to": previous.last},
        "term": figures.scope.term_id,
        "current": figures.current,
        "previous": figures.previous,
        "by_category": figures.by_category,
        "by_channel": figures.by_channel,
        "months": figures.months,
        "terms": figures.terms,
        "negative_courses": figures.negative_courses,
        "lowest_rated_teachers": {
            "min_responses": figures.min_responses,
            "suppressed": figures.teachers_suppressed,
            "rows": figures.lowest_teachers,
        },
    }


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    return "" if value is None else str(value)


def analysis_csv_rows(figures: AnalysisFigures) -> Iterator[str]:
    """Yield the analysis as CSV lines: section, key, label, figure, value (machine-readable names)."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(["section", "key", "label", "figure", "value"])
    for when in ("current", "previous"):
        for name, value in getattr(figures, when).items():
            yield writer.writerow([f"headline_{when}", "", "", name, _cell(value)])
    for section in ("by_category", "by_channel"):
        for row in getattr(figures, section):
            for name in ("received", "percent", "negative", "average_rating"):
                yield writer.writerow([section, row["key"], row["label"], name, _cell(row[name])])
    for section in ("months", "terms"):
        for row in getattr(figures, section):
            for name in ("received", "negative", "plan_on_time_percent", "average_rating"):
                yield writer.writerow([section, row["label"], row["label"], name, _cell(row[name])])
    for row in figures.negative_courses:
        for name in ("received", "negative", "negative_percent"):
            yield writer.writerow(["negative_courses", row["id"], row["label"], name, _cell(row[name])])
    for row in figures.lowest_teachers:
        for name in ("responses", "average"):
            yield writer.writerow(["lowest_rated_teachers", row["id"], row["label"], name, _cell(row[name])])
    yield writer.writerow(["lowest_rated_teachers", "", "", "suppressed", figures.teachers_suppressed])
