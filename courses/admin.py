from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.autocomplete import ReadableAutocompleteAdminMixin
from core.validators import NoBidiControlsAdminMixin
from privacy.admin import PostedSearchAdminMixin
from qualifications.selectors import qualified_flag

from .models import (
    Course,
    CoursePromise,
    CourseVersion,
    DevelopmentRecord,
    DevelopmentRequirement,
    Enrolment,
    Instructor,
    SchoolClass,
    Term,
)
from .selectors import development_due
from .services import (
    DevelopmentRecordInvalid,
    InstructorNotQualified,
    PromiseInvalid,
    course_instructors_check,
    course_promise_add,
    course_promise_check,
    development_record_add,
    development_record_check,
)


def _qualified_badge(qualified: bool) -> str:
    if qualified:
        return format_html('<span class="badge badge-verified">{}</span>', _("Qualified"))
    return format_html('<strong class="badge badge-overdue">{}</strong>', _("Not qualified"))


@admin.register(Instructor)
class InstructorAdmin(NoBidiControlsAdminMixin, ReadableAutocompleteAdminMixin, admin.ModelAdmin):
    bidi_free_fields = ("name", "title")
    list_display = ["name", "title", "department", "qualified", "is_active"]
    list_filter = ["is_active", "department"]
    list_select_related = ["department"]
    search_fields = ["name"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(is_qualified=qualified_flag(Instructor))

    @admin.display(description=_("qualified to teach"), boolean=False)
    def qualified(self, instructor: Instructor) -> str:
        return _qualified_badge(instructor.is_qualified)


class CourseForm(forms.ModelForm):
    """Newly assigned instructors must be qualified; those already teaching stay, flagged, if they lapse."""

    def clean_instructors(self):
        instructors = self.cleaned_data["instructors"]
        try:
            course_instructors_check(course=self.instance, instructors=instructors)
        except InstructorNotQualified as error:
            raise forms.ValidationError(str(error.message), code=error.code) from None
        return instructors


class CourseVersionInline(admin.TabularInline):
    """The course's change log: versions with their date and notes (suggestions land in them when done)."""

    model = CourseVersion
    extra = 0
    fields = ["number", "released_on", "notes"]


@admin.register(Course)
class CourseAdmin(NoBidiControlsAdminMixin, admin.ModelAdmin):
    form = CourseForm
    list_display = ["code", "title", "department", "price", "lesson_count", "teachers_qualified", "is_active"]
    list_filter = ["is_active", "department"]
    list_select_related = ["department"]
    search_fields = ["code", "title"]
    filter_horizontal = ["instructors"]
    inlines = [CourseVersionInline]

    def get_queryset(self, request):
        # One flag per course in the list's own query: does anyone teach it without a valid qualification?
        teaching_unqualified = Instructor.objects.filter(courses=OuterRef("pk")).exclude(
            qualified_flag(Instructor)
        )
        return super().get_queryset(request).annotate(teachers_all_qualified=~Exists(teaching_unqualified))

    @admin.display(description=_("instructors qualified"))
    def teachers_qualified(self, course: Course) -> str:
        return _qualified_badge(course.teachers_all_qualified)


@admin.register(Enrolment)
class EnrolmentAdmin(ReadableAutocompleteAdminMixin, PostedSearchAdminMixin, admin.ModelAdmin):
    list_display = [
        "learner",
        "course",
        "term",
        "school_class",
        "start_date",
        "valid_until",
        "amount_paid",
        "lessons_taken",
    ]
    list_select_related = ["learner", "course", "term", "school_class"]
    list_filter = ["term"]
    search_fields = ["course__code", "course__title", "learner__display_name"]
    autocomplete_fields = ["learner", "course"]
    date_hierarchy = "start_date"


@admin.register(Term)
class TermAdmin(NoBidiControlsAdminMixin, admin.ModelAdmin):
    bidi_free_fields = ("name",)
    list_display = ["name", "starts_on", "ends_on"]
    search_fields = ["name"]


@admin.register(SchoolClass)
class SchoolClassAdmin(NoBidiControlsAdminMixin, admin.ModelAdmin):
    bidi_free_fields = ("name",)
    list_display = ["name", "department"]
    list_select_related = ["department"]
    list_filter = ["department"]
    search_fields = ["name"]


@admin.register(DevelopmentRequirement)
class DevelopmentRequirementAdmin(NoBidiControlsAdminMixin, admin.ModelAdmin):
    bidi_free_fields = ("name", "name_en")
    list_display = ["name", "name_en", "kind", "every_months", "is_active"]
    list_filter = ["kind", "is_active"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: records keep the requirement they met


class DevelopmentRecordForm(forms.ModelForm):
    class Meta:
        model = DevelopmentRecord
        fields = [
            "instructor",
            "requirement",
            "kind",
            "title",
            "held_on",
            "hours",
            "result",
            "score",
            "notes",
        ]

    def clean(self):
        cleaned = super().clean()
        try:
            development_record_check(
                kind=cleaned.get("kind", ""),
                requirement=cleaned.get("requirement"),
                result=cleaned.get("result", ""),
                held_on=cleaned.get("held_on"),
            )
        except DevelopmentRecordInvalid as error:
            self.add_error(error.field if error.field in self.fields else None, str(error.message))
        return cleaned


@admin.register(DevelopmentRecord)
class DevelopmentRecordAdmin(NoBidiControlsAdminMixin, ReadableAutocompleteAdminMixin, admin.ModelAdmin):
    """Trainings attended and assessments taken; records are facts, so they are added, never edited, and the
    managers' page of who is due or overdue sits beside them."""

    bidi_free_fields = ("title", "notes")
    form = DevelopmentRecordForm
    list_display = ["instructor", "kind", "title", "held_on", "result", "score", "requirement"]
    list_filter = ["kind", "result", "requirement"]
    list_select_related = ["instructor", "requirement"]
    search_fields = ["instructor__name", "title"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["instructor"]
    change_list_template = "admin/courses/developmentrecord/change_list.html"

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data.get(name) for name in form.Meta.fields if name != "instructor"}
        fields["notes"] = fields.get("notes") or ""
        created = development_record_add(
            instructor=form.cleaned_data["instructor"], actor=request.user, **fields
        )
        obj.pk, obj.recorded_by = created.pk, created.recorded_by

    def get_urls(self):
        due = path("due/", self.admin_site.admin_view(self.due_view), name="courses_developmentrecord_due")
        return [due, *super().get_urls()]

    def due_view(self, request):
        """Who is overdue, never trained or assessed, or due within 30 days, the most overdue first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        rows = [
            {
                "item": item,
                "overdue": item.is_overdue(today),
                "days_left": item.days_left(today),
                "add_url": reverse("admin:courses_developmentrecord_add")
                + "?"
                + urlencode(
                    {
                        "instructor": item.instructor.pk,
                        "requirement": item.requirement.pk,
                        "kind": item.requirement.kind,
                    }
                ),
            }
            for item in development_due(today=today)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Training and assessments due"),
            "opts": self.model._meta,
            "rows": rows,
            "overdue_count": sum(1 for row in rows if row["overdue"]),
        }
        return TemplateResponse(request, "admin/courses/developmentrecord/due.html", context)


class CoursePromiseForm(forms.ModelForm):
    class Meta:
        model = CoursePromise
        fields = ["course", "instructor", "claim"]

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["claim"] = course_promise_check(
                course=cleaned.get("course"), instructor=cleaned.get("instructor"), claim=cleaned.get("claim")
            )
        except PromiseInvalid as error:
            self.add_error(error.field if error.field in self.fields else None, str(error.message))
        return cleaned


@admin.register(CoursePromise)
class CoursePromiseAdmin(NoBidiControlsAdminMixin, ReadableAutocompleteAdminMixin, admin.ModelAdmin):
    """What courses promise about their teaching; each promise must rest on a qualified instructor who
    teaches the course, and the list shows which no longer hold."""

    bidi_free_fields = ("claim",)
    form = CoursePromiseForm
    list_display = ["course", "claim", "instructor", "holds"]
    list_select_related = ["course", "instructor"]
    search_fields = ["course__code", "course__title", "claim"]
    autocomplete_fields = ["course", "instructor"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a promise is added or removed, never rewritten

    def get_queryset(self, request):
        teaching = Course.instructors.through.objects.filter(
            course_id=OuterRef("course_id"), instructor_id=OuterRef("instructor_id")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                teaches=Exists(teaching),
                instructor_qualified=Exists(
                    Instructor.objects.filter(pk=OuterRef("instructor_id")).filter(qualified_flag(Instructor))
                ),
            )
        )

    @admin.display(description=_("holds"))
    def holds(self, promise: CoursePromise) -> str:
        return _qualified_badge(promise.teaches and promise.instructor_qualified)

    def save_model(self, request, obj, form, change):
        created = course_promise_add(
            course=form.cleaned_data["course"],
            instructor=form.cleaned_data["instructor"],
            claim=form.cleaned_data["claim"],
            actor=request.user,
        )
        obj.pk, obj.created_by = created.pk, created.created_by


# The evaluations' and suggestions' screens register themselves with the site.
from .evaluations import admin as evaluations_admin  # noqa: E402, F401
from .suggestions import admin as suggestions_admin  # noqa: E402, F401
