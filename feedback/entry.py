"""The staff's screens for paper forms: keying in a stack, one form after another, and importing a scanned
batch (upload, check with per-row errors, import with a progress bar). The admin's URLs lead here."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Role
from core.validators import validate_no_bidi_controls
from courses.models import Course, Instructor, SchoolClass, Term

from .errors import FeedbackError
from .imports import MAX_ROWS, check_upload, import_progress
from .models import MAX_TEXT_LENGTH, Channel, FeedbackCategory, FeedbackItem, ImportJob, PaperBatch
from .permissions import may_enter_feedback
from .services import Subject, feedback_enter, paper_batch_start

SESSION_BATCH = "feedback_entry_batch"


class EntryForm(forms.Form):
    term = forms.ModelChoiceField(label=gettext_lazy("Term"), queryset=Term.objects.all(), required=False)
    school_class = forms.ModelChoiceField(
        label=gettext_lazy("Class"), queryset=SchoolClass.objects.all(), required=False
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"), queryset=FeedbackCategory.objects.filter(is_active=True)
    )
    course = forms.ModelChoiceField(
        label=gettext_lazy("Course"), queryset=Course.objects.filter(is_active=True), required=False
    )
    instructor = forms.ModelChoiceField(
        label=gettext_lazy("Teacher"), queryset=Instructor.objects.filter(is_active=True), required=False
    )
    learner = forms.EmailField(
        label=gettext_lazy("Learner's e-mail"),
        required=False,
        help_text=gettext_lazy("Leave empty for a form without a name: it is kept as anonymous."),
    )
    is_urgent = forms.BooleanField(label=gettext_lazy("Urgent"), required=False)
    text = forms.CharField(
        label=gettext_lazy("What the form says"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_no_bidi_controls],
        help_text=gettext_lazy("Ctrl+Enter saves the form and opens the next one."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = lambda category: category.localized_name
        self.fields["course"].label_from_instance = lambda course: f"{course.code} {course.title}"
        self.fields["category"].widget.attrs["autofocus"] = True

    def clean_learner(self) -> User | None:
        email = self.cleaned_data["learner"]
        if not email:
            return None
        learner = User.objects.filter(
            email=User.objects.normalize_email(email), is_active=True, groups__name=Role.LEARNER
        ).first()
        if learner is None:
            raise forms.ValidationError(_("No active learner has this e-mail address."))
        return learner


def _require_entry(request) -> None:
    if not may_enter_feedback(request.user):
        raise PermissionDenied


def _current_batch(request, *, term, school_class) -> PaperBatch:
    """The stack being keyed in this sitting: a batch of its own, a new one when the term or class changes."""
    batch = PaperBatch.objects.filter(
        pk=request.session.get(SESSION_BATCH), created_by=request.user, kind=PaperBatch.Kind.KEYED
    ).first()
    if batch is None or (batch.term_id, batch.school_class_id) != (
        getattr(term, "pk", None),
        getattr(school_class, "pk", None),
    ):
        batch = paper_batch_start(
            actor=request.user, kind=PaperBatch.Kind.KEYED, term=term, school_class=school_class
        )
        request.session[SESSION_BATCH] = batch.pk
    return batch


def entry_view(model_admin, request):
    """Key in paper forms one after another, the term and class remembered from the form before."""
    _require_entry(request)
    batch = PaperBatch.objects.filter(pk=request.session.get(SESSION_BATCH), created_by=request.user).first()
    if request.method == "POST" and request.POST.get("new_stack"):
        request.session.pop(SESSION_BATCH, None)
        return HttpResponseRedirect(reverse("admin:feedback_feedbackitem_entry"))
    initial = {"term": batch.term_id, "school_class": batch.school_class_id} if batch else {}
    form = EntryForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    batch = _current_batch(request, term=data["term"], school_class=data["school_class"])
                    item = feedback_enter(
                        actor=request.user,
                        channel=Channel.PAPER,
                        subject=Subject(
                            category=data["category"], course=data["course"], instructor=data["instructor"]
                        ),
                        text=data["text"],
                        learner=data["learner"],
                        is_urgent=data["is_urgent"],
                        batch=batch,
                    )
            except FeedbackError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error.message))
            else:
                count = FeedbackItem.objects.filter(batch=batch).count()
                messages.success(
                    request,
                    _("Saved as %(reference)s (%(count)d in this stack). Next form:")
                    % {"reference": item.reference, "count": count},
                )
                return HttpResponseRedirect(reverse("admin:feedback_feedbackitem_entry"))
        status = 400
    count = FeedbackItem.objects.filter(batch=batch).count() if batch else 0
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Key in paper forms"),
        "opts": model_admin.model._meta,
        "form": form,
        "batch": batch,
        "batch_count": count,
    }
    return TemplateResponse(request, "admin/feedback/feedbackitem/entry.html", context, status=status)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Scanned batch (CSV or XLSX)"),
        help_text=gettext_lazy(
            "A header row, then one form per row: 类别, 内容, and optionally 课程, 教师, 学员邮箱, 紧急. "
            "At most %(count)d rows."
        )
        % {"count": MAX_ROWS},
    )
    term = forms.ModelChoiceField(label=gettext_lazy("Term"), queryset=Term.objects.all(), required=False)
    school_class = forms.ModelChoiceField(
        label=gettext_lazy("Class"), queryset=SchoolClass.objects.all(), required=False
    )


def _queue(task, job_id: int) -> None:
    from . import tasks

    transaction.on_commit(lambda: getattr(tasks, task).delay(job_id))


def import_view(model_admin, request):
    """Upload a scanned batch; it is checked whole in the background, then shown with its errors."""
    _require_entry(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                kind = check_upload(upload)
            except FeedbackError as error:
                form.add_error("file", str(error.message))
            else:
                with transaction.atomic():
                    job = ImportJob(
                        file_name=upload.name[:255],
                        file_kind=kind,
                        term=form.cleaned_data["term"],
                        school_class=form.cleaned_data["school_class"],
                        created_by=request.user,
                    )
                    job.file.save(f"imports/{kind}", upload, save=False)
                    job.save()
                    _queue("feedback_import_check_task", job.pk)
                return HttpResponseRedirect(reverse("admin:feedback_feedbackitem_import_job", args=[job.pk]))
        status = 400
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import a scanned batch"),
        "opts": model_admin.model._meta,
        "form": form,
        "jobs": ImportJob.objects.filter(created_by=request.user).select_related("batch")[:10],
    }
    return TemplateResponse(request, "admin/feedback/feedbackitem/import.html", context, status=status)


def _job(request, pk: int) -> ImportJob:
    _require_entry(request)
    return get_object_or_404(
        ImportJob.objects.select_related("term", "school_class"), pk=pk, created_by=request.user
    )


def import_job_view(model_admin, request, pk: int):
    """The job's page: the progress bar while it runs, the errors per row, or the preview and the button."""
    job = _job(request, pk)
    if request.method == "POST":
        if job.state != ImportJob.State.READY:
            messages.error(request, _("Only a checked file without errors can be imported."))
        else:
            with transaction.atomic():
                _queue("feedback_import_write_task", job.pk)
        return HttpResponseRedirect(reverse("admin:feedback_feedbackitem_import_job", args=[job.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import of %(name)s") % {"name": job.file_name},
        "opts": model_admin.model._meta,
        "job": job,
        "status": import_status(job),
        "running": job.state in (ImportJob.State.CHECKING, ImportJob.State.IMPORTING),
    }
    return TemplateResponse(request, "admin/feedback/feedbackitem/import_job.html", context)


def import_status(job: ImportJob) -> dict:
    handled = (
        job.total_rows if job.state in (ImportJob.State.READY, ImportJob.State.DONE) else import_progress(job)
    )
    total = job.total_rows or 0
    if job.state == ImportJob.State.DONE:
        percent = 100
    elif job.state == ImportJob.State.IMPORTING and total:
        percent = min(99, handled * 100 // total)
    else:
        percent = 100 if job.state in (ImportJob.State.READY, ImportJob.State.REFUSED) else 0
    return {
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "rows": handled,
        "total": total,
        "percent": percent,
        "errors": job.error_count,
    }


def import_status_view(model_admin, request, pk: int):
    job = _job(request, pk)
    return JsonResponse(import_status(job))
