from django.contrib import admin

from core.autocomplete import ReadableAutocompleteAdminMixin
from core.validators import NoBidiControlsAdminMixin
from privacy.admin import PostedSearchAdminMixin

from .models import Course, Enrolment, Instructor, SchoolClass, Term


@admin.register(Instructor)
class InstructorAdmin(NoBidiControlsAdminMixin, ReadableAutocompleteAdminMixin, admin.ModelAdmin):
    bidi_free_fields = ("name", "title")
    list_display = ["name", "title", "department", "is_active"]
    list_filter = ["is_active", "department"]
    list_select_related = ["department"]
    search_fields = ["name"]
    autocomplete_fields = ["user"]


@admin.register(Course)
class CourseAdmin(NoBidiControlsAdminMixin, admin.ModelAdmin):
    list_display = ["code", "title", "department", "price", "lesson_count", "is_active"]
    list_filter = ["is_active", "department"]
    list_select_related = ["department"]
    search_fields = ["code", "title"]
    filter_horizontal = ["instructors"]


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
