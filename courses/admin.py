from django.contrib import admin

from core.autocomplete import ReadableAutocompleteAdminMixin
from core.validators import NoBidiControlsAdminMixin
from privacy.admin import PostedSearchAdminMixin

from .models import Course, Enrolment, Instructor


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
    list_display = ["code", "title", "department", "price", "is_active"]
    list_filter = ["is_active", "department"]
    list_select_related = ["department"]
    search_fields = ["code", "title"]
    filter_horizontal = ["instructors"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadableAutocompleteAdminMixin, PostedSearchAdminMixin, admin.ModelAdmin):
    list_display = ["learner", "course", "start_date", "valid_until", "amount_paid"]
    list_select_related = ["learner", "course"]
    search_fields = ["course__code", "course__title", "learner__display_name"]
    autocomplete_fields = ["learner", "course"]
    date_hierarchy = "start_date"
