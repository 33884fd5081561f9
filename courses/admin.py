from django import forms
from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.autocomplete import ReadableAutocompleteAdminMixin
from core.validators import NoBidiControlsAdminMixin
from privacy.admin import PostedSearchAdminMixin
from qualifications.selectors import qualified_flag

from .models import Course, Enrolment, Instructor, SchoolClass, Term
from .services import InstructorNotQualified, course_instructors_check


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


@admin.register(Course)
class CourseAdmin(NoBidiControlsAdminMixin, admin.ModelAdmin):
    form = CourseForm
    list_display = ["code", "title", "department", "price", "teachers_qualified", "is_active"]
    list_filter = ["is_active", "department"]
    list_select_related = ["department"]
    search_fields = ["code", "title"]
    filter_horizontal = ["instructors"]

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
    list_display = ["learner", "course", "term", "school_class", "start_date", "valid_until", "amount_paid"]
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
