"""The import of a scanned batch of paper forms (CSV or XLSX): checked whole, then written whole or not at
all.

The file is read row by row (``csv`` on a text stream, openpyxl in read-only mode), so memory stays flat
whatever its length. The check reads every row and keeps the first errors (per row and column); only a
file without any error may be imported. The import reads it again and writes a thousand rows per
statement, in one transaction: references in one block, items, their first events, their clocks and the
named learners' notices. Progress is kept in the cache, so the page can show it while the transaction runs.

Columns (a header row first; Chinese or English names): 类别/category (its code or name, required),
内容/text (required), 课程/course (code), 教师/instructor (name, one who teaches the course),
学员邮箱/learner (an e-mail of a learner; empty for an anonymous form), 紧急/urgent (是/否, yes/no, 1/0).
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from core.references import reference_allocate_block
from courses.models import Course, Instructor
from notifications.services import NoticeRequest, notifications_enqueue_bulk
from sla.services import clocks_start_bulk

from .clocks import feedback_clock_facts
from .errors import FeedbackRuleViolation
from .models import (
    MAX_TEXT_LENGTH,
    REFERENCE_PREFIX,
    Channel,
    EventKind,
    FeedbackCategory,
    FeedbackItem,
    ImportJob,
    PaperBatch,
    State,
)
from .notices import NoticeKind

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
MAX_ERRORS_KEPT = 200
CHUNK = 1000
PREVIEW_ROWS = 10

COLUMNS = {
    "category": ("类别", "category"),
    "text": ("内容", "text", "feedback"),
    "course": ("课程", "course"),
    "instructor": ("教师", "instructor", "teacher"),
    "learner": ("学员邮箱", "learner", "email"),
    "urgent": ("紧急", "urgent"),
}
TRUE = {"是", "yes", "y", "1", "true", "紧急"}
FALSE = {"", "否", "no", "n", "0", "false"}


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "message": self.message}


def file_kind_of(head: bytes) -> str:
    """Recognise the upload by its content: an XLSX workbook (a zip with a workbook) or UTF-8/GB18030 text.

    Raises FeedbackRuleViolation for anything else (another binary, a zip that is not a workbook).
    """
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if b"\x00" in head:
        raise FeedbackRuleViolation(_("Upload a CSV or XLSX file."), code="file_type", field="file")
    return "csv"


def check_upload(upload) -> str:
    """Check an uploaded file's size and content before it is kept; return its kind."""
    if upload.size == 0:
        raise FeedbackRuleViolation(_("The file is empty."), code="empty", field="file")
    if upload.size > MAX_FILE_BYTES:
        raise FeedbackRuleViolation(_("Upload a file of at most 20 MB."), code="too_large", field="file")
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    kind = file_kind_of(head)
    if kind == "xlsx":
        try:
            names = set(zipfile.ZipFile(upload).namelist())
        except zipfile.BadZipFile:
            names = set()
        upload.seek(0)
        if "xl/workbook.xml" not in names:
            raise FeedbackRuleViolation(_("Upload a CSV or XLSX file."), code="file_type", field="file")
    return kind


def _rows(job: ImportJob) -> Iterator[list[str]]:
    """Every row of the file as text cells, the header first."""
    with job.file.open("rb") as stored:
        if job.file_kind == "xlsx":
            from openpyxl import load_workbook

            workbook = load_workbook(stored, read_only=True, data_only=True)
            try:
                for values in workbook.worksheets[0].iter_rows(values_only=True):
                    yield ["" if value is None else str(value).strip() for value in values]
            finally:
                workbook.close()
            return
        raw = stored.read(4096)
        encoding = "utf-8-sig"
        try:
            raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            encoding = "gb18030"
        stored.seek(0)
        text = io.TextIOWrapper(stored, encoding=encoding, errors="strict", newline="")
        try:
            for cells in csv.reader(text):
                yield [cell.strip() for cell in cells]
        except (UnicodeDecodeError, csv.Error) as error:
            raise FeedbackRuleViolation(
                _("The file cannot be read as CSV text (UTF-8 or GB18030)."), code="unreadable", field="file"
            ) from error


class Lookups:
    """What rows name, read once per import (categories, courses, instructors) or per chunk (learners)."""

    def __init__(self) -> None:
        self.categories = {}
        for category in FeedbackCategory.objects.filter(is_active=True):
            for key in (category.code, category.name, category.name_en):
                if key:
                    self.categories[key.casefold()] = category
        self.courses = {course.code.casefold(): course for course in Course.objects.filter(is_active=True)}
        self.instructors: dict[str, list[Instructor]] = {}
        for instructor in Instructor.objects.filter(is_active=True):
            self.instructors.setdefault(instructor.name.casefold(), []).append(instructor)
        self.teaching = set(Course.instructors.through.objects.values_list("course_id", "instructor_id"))

    def learners(self, emails: set[str]) -> dict[str, User]:
        people = User.objects.filter(email__in=emails, is_active=True, groups__name=Role.LEARNER).only(
            "pk", "email", "is_active"
        )
        return {person.email.casefold(): person for person in people}


@dataclass
class ParsedRow:
    number: int
    category: FeedbackCategory | None
    text: str
    course: Course | None
    instructor: Instructor | None
    learner_email: str
    urgent: bool


def _header_map(header: list[str]) -> dict[str, int]:
    names = [cell.casefold() for cell in header]
    found = {}
    for field, spellings in COLUMNS.items():
        for spelling in spellings:
            if spelling.casefold() in names:
                found[field] = names.index(spelling.casefold())
                break
    return found


def _parse(
    number: int, cells: list[str], columns: dict[str, int], lookups: Lookups
) -> tuple[ParsedRow, list[RowError]]:
    def cell(field: str) -> str:
        position = columns.get(field)
        return cells[position] if position is not None and position < len(cells) else ""

    errors = []
    category = lookups.categories.get(cell("category").casefold())
    if category is None:
        errors.append(
            RowError(
                number, "category", _("Unknown category “%(value)s”.") % {"value": cell("category")[:40]}
            )
        )
    text = cell("text")
    if not text:
        errors.append(RowError(number, "text", _("The feedback text is empty.")))
    elif len(text) > MAX_TEXT_LENGTH:
        errors.append(
            RowError(number, "text", _("Keep this within %(limit)d characters.") % {"limit": MAX_TEXT_LENGTH})
        )
    course = None
    if cell("course"):
        course = lookups.courses.get(cell("course").casefold())
        if course is None:
            errors.append(
                RowError(number, "course", _("Unknown course “%(value)s”.") % {"value": cell("course")[:40]})
            )
    instructor = None
    if cell("instructor"):
        candidates = lookups.instructors.get(cell("instructor").casefold(), [])
        if course is not None:
            candidates = [person for person in candidates if (course.pk, person.pk) in lookups.teaching]
        if len(candidates) != 1:
            errors.append(
                RowError(
                    number,
                    "instructor",
                    _("No single teacher “%(value)s” teaches that course.")
                    % {"value": cell("instructor")[:40]},
                )
            )
        else:
            instructor = candidates[0]
    urgent_text = cell("urgent").casefold()
    if urgent_text not in TRUE | FALSE:
        errors.append(RowError(number, "urgent", _("Write 是 or 否 (yes or no).")))
    parsed = ParsedRow(
        number=number,
        category=category,
        text=text,
        course=course,
        instructor=instructor,
        learner_email=User.objects.normalize_email(cell("learner")).casefold() if cell("learner") else "",
        urgent=urgent_text in TRUE,
    )
    return parsed, errors


def _chunks(
    job: ImportJob, lookups: Lookups
) -> Iterator[tuple[list[ParsedRow], list[RowError], dict[str, User]]]:
    """The file's rows, parsed, a chunk at a time, with their errors and the learners they name."""
    rows = _rows(job)
    header = next(rows, None)
    if header is None:
        raise FeedbackRuleViolation(_("The file has no header row."), code="no_header", field="file")
    columns = _header_map(header)
    missing = [COLUMNS[field][0] for field in ("category", "text") if field not in columns]
    if missing:
        raise FeedbackRuleViolation(
            _("The header row lacks the column(s): %(columns)s.") % {"columns": "、".join(missing)},
            code="columns",
            field="file",
        )
    chunk: list[tuple[int, list[str]]] = []
    number = 1
    for cells in rows:
        number += 1
        if not any(cells):
            continue
        chunk.append((number, cells))
        if len(chunk) == CHUNK:
            yield _parse_chunk(chunk, columns, lookups)
            chunk = []
    if chunk:
        yield _parse_chunk(chunk, columns, lookups)


def _parse_chunk(chunk, columns, lookups):
    parsed, errors = [], []
    for number, cells in chunk:
        row, row_errors = _parse(number, cells, columns, lookups)
        parsed.append(row)
        errors.extend(row_errors)
    learners = lookups.learners({row.learner_email for row in parsed if row.learner_email})
    for row in parsed:
        if row.learner_email and row.learner_email not in learners:
            errors.append(RowError(row.number, "learner", _("No active learner has this e-mail address.")))
    return parsed, errors, learners


def _progress_key(job_id: int) -> str:
    return f"feedback:import:{job_id}:progress"


def import_progress(job: ImportJob) -> int:
    """How many rows the running step has handled (from the cache; 0 when unknown)."""
    return int(cache.get(_progress_key(job.pk)) or 0)


def import_check(*, job: ImportJob) -> ImportJob:
    """Read every row and keep the first errors; the job becomes ready (no error) or refused. Writes no
    item."""
    lookups = Lookups()
    total, error_count, kept, preview = 0, 0, [], []
    try:
        for parsed, errors, _learners in _chunks(job, lookups):
            total += len(parsed)
            error_count += len(errors)
            kept.extend(error.as_dict() for error in errors[: max(MAX_ERRORS_KEPT - len(kept), 0)])
            for row in parsed[: max(PREVIEW_ROWS - len(preview), 0)]:
                preview.append(
                    {
                        "row": row.number,
                        "category": row.category.localized_name if row.category else "",
                        "course": row.course.code if row.course else "",
                        "instructor": row.instructor.name if row.instructor else "",
                        "anonymous": not row.learner_email,
                        "urgent": row.urgent,
                        "text": row.text[:80],
                    }
                )
            cache.set(_progress_key(job.pk), total, 3600)
            if total > MAX_ROWS:
                raise FeedbackRuleViolation(
                    _("Import at most %(count)d rows at a time.") % {"count": MAX_ROWS},
                    code="too_many",
                    field="file",
                )
    except FeedbackRuleViolation as refusal:
        kept, error_count = [{"row": 0, "field": "file", "message": str(refusal.message)}], 1
    if total == 0 and not error_count:
        kept, error_count = (
            [{"row": 0, "field": "file", "message": _("The file has no rows of feedback.")}],
            1,
        )
    job.total_rows, job.error_count, job.errors, job.preview = total, error_count, kept, preview
    job.state = ImportJob.State.REFUSED if error_count else ImportJob.State.READY
    job.finished_at = timezone.now() if error_count else None
    job.save(update_fields=["total_rows", "error_count", "errors", "preview", "state", "finished_at"])
    return job


def import_write(*, job: ImportJob) -> ImportJob:
    """Write every row of a checked job, all or nothing; the job then names its batch.

    Requires a job that is ready. Should a row fail now (a course closed since the check), nothing is written
    and the job is refused with that row's errors.
    """
    job = ImportJob.objects.select_related("created_by").get(pk=job.pk)
    if job.state != ImportJob.State.READY:
        raise FeedbackRuleViolation(
            _("Only a checked file without errors can be imported."), code="not_ready"
        )
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.IMPORTING)
    lookups = Lookups()
    written = 0
    try:
        with transaction.atomic():
            batch = PaperBatch.objects.create(
                kind=PaperBatch.Kind.IMPORTED,
                file_name=job.file_name,
                term=job.term,
                school_class=job.school_class,
                created_by=job.created_by,
            )
            for parsed, errors, learners in _chunks(job, lookups):
                if errors:
                    raise _RowsRefused(errors)
                _write_chunk(job=job, batch=batch, rows=parsed, learners=learners)
                written += len(parsed)
                cache.set(_progress_key(job.pk), written, 3600)
            job.batch = batch
            job.state = ImportJob.State.DONE
            job.finished_at = timezone.now()
            job.save(update_fields=["batch", "state", "finished_at"])
    except _RowsRefused as refused:
        job.state, job.finished_at = ImportJob.State.REFUSED, timezone.now()
        job.errors = [error.as_dict() for error in refused.errors[:MAX_ERRORS_KEPT]]
        job.error_count = len(refused.errors)
        job.save(update_fields=["state", "finished_at", "errors", "error_count"])
    return job


class _RowsRefused(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} row error(s)")
        self.errors = errors


_EVENTS_SQL = """
INSERT INTO feedback_feedbackevent (item_id, kind, is_public, actor_id, body, from_state, to_state, data,
    created_at)
SELECT item.id, %(kind)s, true, %(actor)s, '', '', %(state)s, %(data)s::jsonb, %(now)s
FROM unnest(%(items)s::bigint[]) AS item(id)
"""


def _write_chunk(
    *, job: ImportJob, batch: PaperBatch, rows: list[ParsedRow], learners: dict[str, User]
) -> None:
    now = timezone.now()
    references = reference_allocate_block(
        prefix=REFERENCE_PREFIX, count=len(rows), year=timezone.localdate(now).year
    )
    items = []
    for row, reference in zip(rows, references, strict=True):
        learner = learners.get(row.learner_email) if row.learner_email else None
        department = (
            row.course.department_id
            if row.course
            else (row.instructor.department_id if row.instructor else None)
        )
        items.append(
            FeedbackItem(
                reference=reference,
                channel=Channel.PAPER,
                category=row.category,
                course=row.course,
                instructor=row.instructor,
                department_id=department,
                is_urgent=row.urgent,
                text=row.text,
                learner=learner,
                is_anonymous=learner is None,
                filed_by=job.created_by,
                term=job.term,
                school_class=job.school_class,
                batch=batch,
                created_at=now,
            )
        )
    FeedbackItem.objects.bulk_create(items)
    # One statement for the chunk's first events (the ORM would build a thousand instances to insert them).
    with connection.cursor() as cursor:
        cursor.execute(
            _EVENTS_SQL,
            {
                "items": [item.pk for item in items],
                "actor": job.created_by_id,
                "state": State.RECEIVED,
                "data": json.dumps({"transition": "import", "channel": Channel.PAPER, "batch": batch.pk}),
                "kind": EventKind.STATE_CHANGE,
                "now": now,
            },
        )
    clocks_start_bulk(subjects=items, facts=[feedback_clock_facts(item) for item in items])
    notifications_enqueue_bulk(
        notices=[
            NoticeRequest(
                recipient_id=item.learner_id, kind=NoticeKind.RECEIVED, context={"reference": item.reference}
            )
            for item in items
            if item.learner_id is not None
        ],
        now=now,
    )
